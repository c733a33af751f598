package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
)

// The claimed items of Okafor in the example: five sessions and one block
// of clinical hours (supPortfolio, cst-claimed-only.json).
var okaforClaimed = []string{"sup-ind-26", "sup-ind-27", "sup-ind-28", "sup-ind-29", "sup-ind-30", "clin-13"}

// tickedBoxes lists the item checkboxes of a supervision page, "id" or
// "id*" when ticked, in page order.
func tickedBoxes(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<input type="checkbox" class="pick" form="decide-form" name="item" value="([^"]+)"[^>]*>`).FindAllStringSubmatch(body, -1) {
		id := m[1]
		if strings.Contains(m[0], " checked") {
			id += "*"
		}
		out = append(out, id)
	}
	return out
}

// decideSection is the part of the page holding the form that decides the
// ticked items.
func decideSection(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, `<section id="decide"`)
	if start < 0 {
		t.Fatalf("no section to decide ticked items:\n%s", body)
	}
	end := strings.Index(body[start:], "</section>")
	return body[start : start+end]
}

func TestSupervisorTicksItemsAndConfirmsThemTogether(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	path := "/supervision/" + strconv.FormatInt(w.app, 10)

	// Every claimed item has a box, unticked; items verified by someone
	// else have none.
	body := getAs(t, w.h, path, okafor).Body.String()
	if got := tickedBoxes(body); !slices.Equal(got, okaforClaimed) {
		t.Fatalf("boxes %v, want one for each claimed item %v", got, okaforClaimed)
	}
	if sec := decideSection(t, body); !strings.Contains(sec, `action="`+path+`/items"`) || !strings.Contains(sec, `href="`+path+`?select=pending#decide"`) ||
		!strings.Contains(sec, "Tick all 6 items awaiting your decision") {
		t.Errorf("the form to decide ticked items:\n%s", sec)
	}
	// Ticking all that await a decision works without a script: a link.
	body = getAs(t, w.h, path+"?select=pending", okafor).Body.String()
	want := []string{}
	for _, id := range okaforClaimed {
		want = append(want, id+"*")
	}
	if got := tickedBoxes(body); !slices.Equal(got, want) {
		t.Fatalf("after ticking all: %v, want %v", got, want)
	}

	app, _, _ := supLoad(t, w.st, w.app)
	rec := postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-26", "sup-ind-28", "clin-13"}, "decision": {"confirm"},
		"version": {strconv.Itoa(app.Version)}}, okafor)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?at=decide#decide" {
		t.Fatalf("confirming three: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	after, live, _ := supLoad(t, w.st, w.app)
	for _, id := range []string{"sup-ind-26", "sup-ind-28", "clin-13"} {
		if v := supVerification(t, live, id); v.State != portfolio.Verified || !strings.Contains(v.By, "Maya Okafor") {
			t.Errorf("%s: %+v", id, v)
		}
	}
	if v := supVerification(t, live, "sup-ind-27"); v.State != "" {
		t.Errorf("an item not ticked changed: %+v", v)
	}
	if after.Version != app.Version+1 {
		t.Errorf("version %d, want %d: one change for the lot", after.Version, app.Version+1)
	}
	if got := supAudit(t, w.st, "supervision.confirm"); len(got) != 3 {
		t.Errorf("audit: %v, want an entry per item", got)
	}

	// Back at the form, the message is there, not at the top of the page.
	var flash *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == FlashCookie {
			flash = c
		}
	}
	if flash == nil {
		t.Fatal("no message to show after the redirect")
	}
	req := getRequest(path+"?at=decide", okafor, flash)
	body = serve(w.h, req).Body.String()
	if sec := decideSection(t, body); !strings.Contains(sec, `<p class="flash" role="status">3 items confirmed.</p>`) {
		t.Errorf("the message should be beside the form:\n%s", sec)
	}
	if strings.Count(body, `class="flash"`) != 1 {
		t.Errorf("the message shows %d times", strings.Count(body, `class="flash"`))
	}
	if got := tickedBoxes(body); !slices.Contains(got, "sup-ind-26") || !slices.Contains(got, "sup-ind-27") {
		t.Errorf("after confirming, their own decisions stay open to change and the rest to decide: %v", got)
	}
	// Without ?at=decide (another form's answer) the message stays at the top.
	body = serve(w.h, getRequest(path, okafor, flash)).Body.String()
	if i, j := strings.Index(body, `class="flash"`), strings.Index(body, "<h1>"); i < 0 || i > j {
		t.Errorf("the message of another form should open the page")
	}
}

func TestSupervisorDisputesTickedItemsWithOneReason(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	path := "/supervision/" + strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	version := strconv.Itoa(app.Version)

	// No reason: refused, the ticks kept, nothing changed.
	rec := postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-27", "sup-ind-29"}, "decision": {"dispute"}, "reason": {" "}, "version": {version}}, okafor)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="decide-reason-error"`) ||
		!strings.Contains(body, `aria-describedby="decide-reason-hint decide-reason-error" aria-invalid="true"`) {
		t.Fatalf("dispute without a reason: %d\n%s", rec.Code, body)
	}
	if got := tickedBoxes(body); !slices.Contains(got, "sup-ind-27*") || !slices.Contains(got, "sup-ind-29*") || slices.Contains(got, "sup-ind-26*") {
		t.Errorf("the ticks should be kept: %v", got)
	}
	if after, live, _ := supLoad(t, w.st, w.app); after.Version != app.Version || supVerification(t, live, "sup-ind-27").State != "" {
		t.Fatal("a refused batch changed the application")
	}

	reason := "These sessions were cancelled; we did not meet in those weeks."
	rec = postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-27", "sup-ind-29"}, "decision": {"dispute"}, "reason": {reason}, "version": {version}}, okafor)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("dispute: %d\n%s", rec.Code, rec.Body)
	}
	if got := attestedFlash(t, rec); got != "2 items disputed. The applicant has been told by e-mail what you disputed and why." {
		t.Errorf("message %q", got)
	}
	_, live, _ := supLoad(t, w.st, w.app)
	for _, id := range []string{"sup-ind-27", "sup-ind-29"} {
		if v := supVerification(t, live, id); v.State != portfolio.Rejected || v.Note != reason {
			t.Errorf("%s: %+v", id, v)
		}
	}
	mails := mailsTo(t, w.st, "jordan.reyes@example.org")
	if len(mails) != 1 || !strings.Contains(mails[0].Body, "supervision session sup-ind-27") || !strings.Contains(mails[0].Body, reason) {
		t.Fatalf("one mail listing both: %+v", mails)
	}
}

func TestSupervisorBatchRefusedWholeNamesItsItems(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	path := "/supervision/" + strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	version := strconv.Itoa(app.Version)

	for _, tc := range []struct {
		name   string
		items  []string
		status int
		says   string
		row    string // the item whose row shows the error
	}{
		{"an item someone else verified", []string{"sup-ind-26", "sup-ind-01"}, http.StatusConflict, "sup-ind-01 is already verified by someone else", "sup-ind-01"},
		{"another supervisor's item", []string{"ses-lee-1", "sup-ind-26"}, http.StatusUnprocessableEntity, `no session, clinical hours or contract "ses-lee-1" under your supervision`, ""},
		{"nothing ticked", nil, http.StatusUnprocessableEntity, "select at least one", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := postForm(t, w.h, path+"/items", url.Values{"item": tc.items, "decision": {"confirm"}, "version": {version}}, okafor)
			body := rec.Body.String()
			if rec.Code != tc.status || !strings.Contains(html.UnescapeString(body), tc.says) {
				t.Fatalf("%d, want %d saying %q\n%s", rec.Code, tc.status, tc.says, body)
			}
			if tc.row != "" && !strings.Contains(body, `<span class="field-error" id="pick-`+tc.row+`-error">`) {
				t.Errorf("%s should show its error in its row:\n%s", tc.row, body)
			}
			if len(tc.items) > 0 {
				if !slices.Contains(tickedBoxes(body), "sup-ind-26*") {
					t.Errorf("the ticks should be kept: %v", tickedBoxes(body))
				}
			}
		})
	}
	if after, live, _ := supLoad(t, w.st, w.app); after.Version != app.Version || supVerification(t, live, "sup-ind-26").State != "" {
		t.Fatal("a refused batch changed the application")
	}

	// The applicant saves meanwhile: the page comes back as it is now,
	// the ticks and the reason kept, to send again.
	if rec := postForm(t, w.h, path+"/items/ses-lee-1", url.Values{"decision": {"confirm"}, "version": {version}}, sessionFor(t, w.s, w.lee)); rec.Code != http.StatusSeeOther {
		t.Fatalf("Lee confirming: %d", rec.Code)
	}
	rec := postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-26", "sup-ind-28"}, "decision": {"dispute"}, "reason": {"Not that day."},
		"version": {version}}, okafor)
	body := rec.Body.String()
	if rec.Code != http.StatusConflict || !strings.Contains(body, "The application changed since you opened this page") ||
		!strings.Contains(body, `<input type="hidden" name="version" value="`+strconv.Itoa(app.Version+1)+`">`) || !strings.Contains(body, ">Not that day.</textarea>") ||
		!slices.Contains(tickedBoxes(body), "sup-ind-28*") {
		t.Fatalf("stale page: %d\n%s", rec.Code, body)
	}
	if rec := postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-26", "sup-ind-28"}, "decision": {"dispute"}, "reason": {"Not that day."},
		"version": {strconv.Itoa(app.Version + 1)}}, okafor); rec.Code != http.StatusSeeOther {
		t.Fatalf("sent again: %d\n%s", rec.Code, rec.Body)
	}

	// Only the supervisors the application names reach it.
	if rec := postForm(t, w.h, path+"/items", url.Values{"item": {"sup-ind-30"}, "decision": {"confirm"}, "version": {version}}, sessionFor(t, w.s, w.far)); rec.Code != 404 {
		t.Errorf("a supervisor not named: %d", rec.Code)
	}
}

func TestSupervisorBatchAPI(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	api := "/api/v1/supervision/" + strconv.FormatInt(w.app, 10) + "/items"
	app, _, _ := supLoad(t, w.st, w.app)
	v := strconv.Itoa(app.Version)

	// A refused batch answers 422 naming each item at fault.
	rec := supAPI(t, w.h, "POST", api, `{"decisions": [{"item": "sup-ind-26", "decision": "confirm"}, {"item": "nope", "decision": "confirm"},
		{"item": "sup-ind-01", "decision": "dispute", "reason": "no"}], "version": `+v+`}`, okafor)
	var problem struct {
		Errors map[string]string `json:"errors"`
		Detail string            `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &problem); err != nil || rec.Code != 422 || len(problem.Errors) != 2 ||
		problem.Errors["nope"] == "" || problem.Errors["sup-ind-01"] == "" || !strings.Contains(problem.Detail, "2 of the 3 items") {
		t.Fatalf("refused batch: %d %s", rec.Code, rec.Body)
	}

	// Mixed decisions, each dispute with its reason or the batch's.
	rec = supAPI(t, w.h, "POST", api, `{"decisions": [{"item": "sup-ind-26", "decision": "confirm"}, {"item": "clin-13", "decision": "confirm"},
		{"item": "sup-ind-27", "decision": "dispute", "reason": "Cancelled."}, {"item": "sup-ind-28", "decision": "dispute"}],
		"reason": "Not with me.", "version": `+v+`}`, okafor)
	var out struct {
		Confirmed, Disputed []string
		Version             int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || !slices.Equal(out.Confirmed, []string{"sup-ind-26", "clin-13"}) ||
		!slices.Equal(out.Disputed, []string{"sup-ind-27", "sup-ind-28"}) || out.Version != app.Version+1 {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
	_, live, _ := supLoad(t, w.st, w.app)
	if n := supVerification(t, live, "sup-ind-28").Note; n != "Not with me." {
		t.Errorf("sup-ind-28 takes the batch's reason: %q", n)
	}
	if n := supVerification(t, live, "sup-ind-27").Note; n != "Cancelled." {
		t.Errorf("sup-ind-27 keeps its own: %q", n)
	}
	// Confirming only, the disputed list is empty, not null.
	rec = supAPI(t, w.h, "POST", api, `{"decisions": [{"item": "sup-ind-29", "decision": "confirm"}], "version": `+strconv.Itoa(out.Version)+`}`, okafor)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"disputed": []`) {
		t.Fatalf("confirm one: %d %s", rec.Code, rec.Body)
	}
	if rec := supAPI(t, w.h, "POST", api, `{"decisions": [], "version": 99}`, okafor); rec.Code != 422 {
		t.Errorf("an empty batch: %d", rec.Code)
	}
	if rec := supAPI(t, w.h, "POST", api, `{"decisions": [{"item": "sup-ind-30", "decision": "confirm"}]}`, okafor); rec.Code != 400 {
		t.Errorf("no version: %d", rec.Code)
	}
}

// attestedFlash is the one-time message a form's answer carries.
func attestedFlash(t *testing.T, rec interface{ Result() *http.Response }) string {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == FlashCookie {
			msg, err := url.QueryUnescape(c.Value)
			if err != nil {
				t.Fatal(err)
			}
			return msg
		}
	}
	t.Fatal("no message")
	return ""
}

// getRequest is a GET of path with cookies, as a browser sends it.
func getRequest(path string, cookies ...*http.Cookie) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.7:5555"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return req
}

// serve answers a request.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
