package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	kit "github.com/certboard/certboard/web"
)

// measureWorld is a world with the measures' and the clients' routes, a
// client of the practitioner who has signed consent, and a case of theirs.
func measureWorld(t *testing.T) (w *world, clientID, caseID int64) {
	t.Helper()
	w = newWorld(t)
	wired := func(pattern string) bool {
		return slices.ContainsFunc(w.s.Routes(), func(r kit.Route) bool { return r.Pattern == pattern })
	}
	if !wired("GET /clients/{id}") { // until New registers them
		w.s.clientRoutes()
	}
	if !wired("GET /cases/{case}/measures") {
		w.s.measureRoutes()
	}
	w.h = w.s.Handler()
	clientID, caseID = measureCase(t, w)
	return w, clientID, caseID
}

// measureForm is a filled response form: item-N for each value (-1 for a
// blank), taken now.
func (w *world) measureForm(instrument string, vals ...int) url.Values {
	f := url.Values{"instrument": {instrument}, "taken_date": {w.clock.now().UTC().Format("2006-01-02")},
		"taken_time": {w.clock.now().UTC().Format("15:04")}}
	for i, v := range vals {
		s := ""
		if v >= 0 {
			s = strconv.Itoa(v)
		}
		f.Set(fmt.Sprintf("item-%d", i+1), s)
	}
	return f
}

// follow reads the page a redirect leads to, with its flash.
func (w *world) follow(t *testing.T, rec *httptest.ResponseRecorder, c *http.Cookie) string {
	t.Helper()
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("want a redirect, got %d: %s", rec.Code, rec.Body)
	}
	to, _, _ := strings.Cut(rec.Header().Get("Location"), "#") // a browser keeps the fragment
	page := w.get(t, to, c, cookie(rec, FlashCookie))
	if page.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", to, page.Code, page.Body)
	}
	return page.Body.String()
}

var responsePath = regexp.MustCompile(`^/measures/(\d+)$`)

// responseID is the id of the response a redirect leads to.
func responseID(t *testing.T, rec *httptest.ResponseRecorder) int64 {
	t.Helper()
	m := responsePath.FindStringSubmatch(rec.Header().Get("Location"))
	if m == nil {
		t.Fatalf("redirected to %q, not a response", rec.Header().Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func wantIn(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
}

// TestMeasurePages walks a practitioner through a PHQ-9: the form, a
// blank that keeps it in progress, completing it, the self-harm flag's
// safety task on the home page until resolved, the chart and its table,
// and a correction.
func TestMeasurePages(t *testing.T) {
	w, clientID, caseID := measureWorld(t)
	c := w.signIn(t, "practitioner")
	base := fmt.Sprintf("/cases/%d/measures", caseID)

	empty := w.get(t, base, c)
	if empty.Code != http.StatusOK {
		t.Fatalf("the case's measures: %d %s", empty.Code, empty.Body)
	}
	wantIn(t, empty.Body.String(), "No scores yet", base+"/new?instrument=phq-9", "No responses yet")

	form := w.get(t, base+"/new?instrument=phq-9", c)
	if form.Code != http.StatusOK {
		t.Fatalf("the form: %d %s", form.Code, form.Body)
	}
	body := form.Body.String()
	wantIn(t, body, `<fieldset class="item"`, `<legend><span class="item-number">1.</span> Little interest or pleasure in doing things</legend>`,
		`<input type="radio" name="item-9" value="3"`, "Nearly every day", `name="closing"`, `type="date"`, `<label for="taken_date">`)
	if strings.Contains(body, "<script") || strings.Contains(body, `value="0" required`) {
		t.Error("the form needs script, or requires every item")
	}

	// A bad value shows the form again with the item marked.
	bad := w.do(t, http.MethodPost, base, w.measureForm("phq-9", 9, 0, 0, 0, 0, 0, 0, 0, 0), c)
	if bad.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad answer: %d %s", bad.Code, bad.Body)
	}
	wantIn(t, bad.Body.String(), `id="item-1-error"`, "9 is not an answer", `aria-describedby="item-1-error"`)

	// A blank keeps it in progress.
	rec := w.do(t, http.MethodPost, base, w.measureForm("phq-9", 1, 1, 1, -1, 1, 1, 1, 1, 1), c)
	id := responseID(t, rec)
	page := w.follow(t, rec, c)
	wantIn(t, page, "Saved PHQ-9 in progress: 8 of 9 items answered", "Complete the response", fmt.Sprintf(`action="/measures/%d/continue"`, id),
		`name="item-1" value="1" checked`)
	if strings.Contains(page, "Same-day safety task") {
		t.Error("a response in progress opened a safety task")
	}

	// Completed, with item 9 above 0: scored, escalated, a safety task.
	f := w.measureForm("phq-9", 1, 1, 1, 1, 1, 1, 1, 1, 1)
	f.Set("version", "1")
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/measures/%d/continue", id), f, c)
	page = w.follow(t, rec, c)
	wantIn(t, page, "Scored PHQ-9: total 9.", "A same-day safety task is open", "Same-day safety task", "self-harm",
		"phq9-self-harm", "Every rule, and why it fired or not", "Record and close the task")

	home := w.get(t, "/", c).Body.String()
	wantIn(t, home, "Same-day safety task", fmt.Sprintf("/measures/%d#task-", id), "due today")

	taskID := regexp.MustCompile(`/safety-tasks/(\d+)/resolve`).FindStringSubmatch(page)
	if taskID == nil {
		t.Fatal("no form to resolve the task")
	}
	resolve := "/safety-tasks/" + taskID[1] + "/resolve"
	rec = w.do(t, http.MethodPost, resolve, url.Values{"action": {""}, "response": {strconv.FormatInt(id, 10)}}, c)
	wantIn(t, w.follow(t, rec, c), "Say what you did")
	wantIn(t, w.get(t, "/", c).Body.String(), "Same-day safety task")
	rec = w.do(t, http.MethodPost, resolve, url.Values{"action": {"Phoned the client at 10:15; safety plan agreed"},
		"response": {strconv.FormatInt(id, 10)}}, c)
	wantIn(t, w.follow(t, rec, c), "the safety task is closed", "Phoned the client at 10:15")
	if strings.Contains(w.get(t, "/", c).Body.String(), "Same-day safety task") {
		t.Error("a resolved task is still on the home page")
	}

	// The chart, readable without script, with its table.
	chart := w.get(t, base, c).Body.String()
	wantIn(t, chart, "<svg", `role="img"`, "<caption>PHQ-9 scores</caption>", "<td>9</td>", "mild")

	// The client's record page shows the same, across their cases.
	record := w.get(t, fmt.Sprintf("/clients/%d", clientID), c)
	if record.Code != http.StatusOK {
		t.Fatalf("the client's record: %d %s", record.Code, record.Body)
	}
	wantIn(t, record.Body.String(), `id="client-chart-phq-9-title"`, "<caption>PHQ-9 scores</caption>", fmt.Sprintf(`href="/measures/%d"`, id))

	// A correction marks the original and records a new response.
	fix := w.get(t, fmt.Sprintf("/measures/%d/correct", id), c)
	if fix.Code != http.StatusOK {
		t.Fatalf("the correction form: %d %s", fix.Code, fix.Body)
	}
	wantIn(t, fix.Body.String(), `name="reason"`, "Record the correction")
	f = w.measureForm("phq-9", 0, 0, 0, 0, 0, 0, 0, 0, 0)
	f.Set("reason", "short")
	short := w.do(t, http.MethodPost, fmt.Sprintf("/measures/%d/correct", id), f, c)
	if short.Code != http.StatusUnprocessableEntity || !strings.Contains(short.Body.String(), "at least 10 characters") {
		t.Fatalf("a short reason: %d %s", short.Code, short.Body)
	}
	f.Set("reason", "Items typed for the wrong week")
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/measures/%d/correct", id), f, c)
	newID := responseID(t, rec)
	wantIn(t, w.follow(t, rec, c), fmt.Sprintf("response %d is marked entered in error", id), "Scored PHQ-9: total 0.",
		fmt.Sprintf(`href="/measures/%d"`, id))
	old := w.get(t, fmt.Sprintf("/measures/%d", id), c).Body.String()
	wantIn(t, old, "entered in error", "Items typed for the wrong week", fmt.Sprintf(`href="/measures/%d"`, newID))
	if strings.Contains(old, "Mark entered in error") {
		t.Error("a response entered in error offers to be marked again")
	}
}

// TestInstrumentsPage: an admin confirms permission for a licensed
// instrument, imports its texts and enables it; refusals show what to
// fix; a practitioner may not.
func TestInstrumentsPage(t *testing.T) {
	w, _, caseID := measureWorld(t)
	admin := w.signIn(t, "admin")
	pr := w.signIn(t, "practitioner")

	if rec := w.get(t, "/admin/instruments", pr); rec.Code != http.StatusForbidden {
		t.Fatalf("a practitioner on the instruments page: %d", rec.Code)
	}
	page := w.get(t, "/admin/instruments", admin)
	if page.Code != http.StatusOK {
		t.Fatalf("the page: %d %s", page.Code, page.Body)
	}
	wantIn(t, page.Body.String(), `id="asex"`, "ASEX", "Not confirmed.", `action="/admin/instruments/asex/permission"`)

	rec := w.do(t, http.MethodPost, "/admin/instruments/asex/enabled", url.Values{"enabled": {"true"}, "version": {"0"}}, admin)
	wantIn(t, w.follow(t, rec, admin), "ships its scoring only")

	short := w.do(t, http.MethodPost, "/admin/instruments/asex/permission", url.Values{"statement": {"yes"}, "version": {"0"}}, admin)
	if short.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a short statement: %d %s", short.Code, short.Body)
	}
	wantIn(t, short.Body.String(), `id="statement-asex-error"`, "at least 20 characters")

	statement := "Licence 2027-114 from the Arizona Board of Regents, 2027-01-15"
	rec = w.do(t, http.MethodPost, "/admin/instruments/asex/permission", url.Values{"statement": {statement}, "version": {"0"}}, admin)
	wantIn(t, w.follow(t, rec, admin), "Recorded that the practice holds permission", statement, `action="/admin/instruments/asex/texts"`)

	badTexts := w.do(t, http.MethodPost, "/admin/instruments/asex/texts", url.Values{"texts": {"instrument: asex\nitems: []\n"}}, admin)
	if badTexts.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file: %d %s", badTexts.Code, badTexts.Body)
	}
	wantIn(t, badTexts.Body.String(), `id="texts-asex-error"`, "item")

	var b strings.Builder
	b.WriteString("instrument: asex\nsource: Licensed copy\nlead_in: \"Instructions\"\nitems:\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "  - number: %d\n    text: \"ASEX item %d\"\n    answers:\n", i, i)
		for v := 1; v <= 6; v++ {
			fmt.Fprintf(&b, "      - {value: %d, label: \"Answer %d\"}\n", v, v)
		}
	}
	rec = w.do(t, http.MethodPost, "/admin/instruments/asex/texts", url.Values{"texts": {b.String()}}, admin)
	wantIn(t, w.follow(t, rec, admin), "Imported the item texts of ASEX (5 items)", "In use: Licensed copy")

	rec = w.do(t, http.MethodPost, "/admin/instruments/asex/enabled", url.Values{"enabled": {"true"}, "version": {"1"}}, admin)
	wantIn(t, w.follow(t, rec, admin), "ASEX is enabled")

	form := w.get(t, fmt.Sprintf("/cases/%d/measures/new?instrument=asex", caseID), pr)
	if form.Code != http.StatusOK {
		t.Fatalf("the ASEX form: %d %s", form.Code, form.Body)
	}
	wantIn(t, form.Body.String(), "ASEX item 5", "Answer 6")
}
