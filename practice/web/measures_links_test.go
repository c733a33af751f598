package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// linkToken finds a link's token in a page.
var linkToken = regexp.MustCompile(`https://practice\.example/m/([A-Za-z0-9_-]{43})`)

// sendRoomLink sends the case's client a link shown in the room, as the
// practitioner, and returns its token.
func sendRoomLink(t *testing.T, w *world, caseID int64, instrument string) string {
	t.Helper()
	c := w.session(t, "practitioner")
	rec := w.do(t, http.MethodPost, fmt.Sprintf("/cases/%d/measures/links", caseID),
		url.Values{"instrument": {instrument}, "delivery": {"room"}, "days": {"7"}}, c)
	if rec.Code != http.StatusOK {
		t.Fatalf("sending: %d %s", rec.Code, rec.Body)
	}
	m := linkToken.FindStringSubmatch(rec.Body.String())
	if m == nil || !strings.Contains(rec.Body.String(), `src="data:image/png;base64,`) {
		t.Fatalf("no link or QR code on the room page:\n%s", rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the room page may be cached: %q", rec.Header().Get("Cache-Control"))
	}
	return m[1]
}

// wantPrivate fails unless a link's page is never cached nor sent as a
// referrer, with the kit's security headers.
func wantPrivate(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", h)
	}
}

func TestLinkPagesWalkThrough(t *testing.T) {
	w, _, caseID := measureWorld(t)
	pr := w.session(t, "practitioner")
	page := w.get(t, fmt.Sprintf("/cases/%d/measures", caseID), pr)
	wantIn(t, page.Body.String(), fmt.Sprintf(`href="/cases/%d/measures/links"`, caseID))
	page = w.get(t, fmt.Sprintf("/cases/%d/measures/links", caseID), pr)
	if page.Code != http.StatusOK {
		t.Fatalf("links page: %d %s", page.Code, page.Body)
	}
	wantIn(t, page.Body.String(), "Send a measure", "No link sent yet", `value="phq-9"`)

	token := sendRoomLink(t, w, caseID, "phq-9")
	base := "/m/" + token
	rec := w.get(t, base)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET the link: %d %s", rec.Code, rec.Body)
	}
	wantPrivate(t, rec)
	wantIn(t, rec.Body.String(), "Question 1 of 9", `<progress max="9" value="0"`, "<legend>", `name="item-1"`)
	if strings.Contains(rec.Body.String(), "Robin") || strings.Contains(rec.Body.String(), "PHQ") {
		t.Errorf("the client's form names the record:\n%s", rec.Body)
	}
	post := func(f url.Values, wantTo string) {
		t.Helper()
		rec := w.do(t, http.MethodPost, base, f)
		wantPrivate(t, rec)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != wantTo {
			t.Fatalf("POST %v: %d to %q, want %q: %s", f, rec.Code, rec.Header().Get("Location"), wantTo, rec.Body)
		}
	}
	for n := 1; n <= 4; n++ {
		post(url.Values{"step": {fmt.Sprint(n)}, fmt.Sprintf("item-%d", n): {"1"}, "go": {"next"}}, fmt.Sprintf("%s?step=%d", base, n+1))
	}
	post(url.Values{"step": {"5"}, "go": {"back"}}, base+"?step=4")
	// An answer an item does not allow is refused, saying so.
	rec = w.do(t, http.MethodPost, base, url.Values{"step": {"5"}, "item-5": {"9"}, "go": {"next"}})
	page = w.get(t, rec.Header().Get("Location"), cookie(rec, FlashCookie))
	wantIn(t, page.Body.String(), "choose one of the answers shown", "Question 5 of 9")

	// The client leaves and comes back later: the link opens at the
	// first question not answered.
	w.clock.advance(30 * time.Hour)
	rec = w.get(t, base)
	wantIn(t, rec.Body.String(), "Question 5 of 9", `<progress max="9" value="4"`)
	// The practitioner sees it partly answered (signed in again: their
	// session ended while the client was away).
	pr = w.session(t, "practitioner")
	page = w.get(t, fmt.Sprintf("/cases/%d/measures/links", caseID), pr)
	wantIn(t, page.Body.String(), "partly answered (4 answered)", "Revoke")

	for n := 5; n <= 9; n++ {
		post(url.Values{"step": {fmt.Sprint(n)}, fmt.Sprintf("item-%d", n): {"0"}, "go": {"next"}}, fmt.Sprintf("%s?step=%d", base, n+1))
	}
	rec = w.get(t, base+"?step=10")
	wantIn(t, rec.Body.String(), "One last question", `name="closing"`)
	post(url.Values{"step": {"10"}, "closing_shown": {"1"}, "closing": {"Not difficult at all"}, "go": {"next"}}, base+"?step=11")
	rec = w.get(t, base+"?step=11")
	wantIn(t, rec.Body.String(), "Check your answers", "Send my answers", "Not difficult at all")
	post(url.Values{"step": {"11"}, "go": {"send"}}, "/m/thanks")
	rec = w.get(t, "/m/thanks")
	wantPrivate(t, rec)
	wantIn(t, rec.Body.String(), "Your answers were sent")
	if strings.Contains(rec.Body.String(), "score") {
		t.Errorf("the thanks page speaks of the score:\n%s", rec.Body)
	}
	// The response is on the case; the link is answered, and opens no more.
	page = w.get(t, fmt.Sprintf("/cases/%d/measures", caseID), pr)
	wantIn(t, page.Body.String(), "PHQ-9", "scored", "answered by the client through a link")
	page = w.get(t, fmt.Sprintf("/cases/%d/measures/links", caseID), pr)
	wantIn(t, page.Body.String(), "answered: <a href=\"/measures/")
	if rec := w.get(t, base); rec.Code != http.StatusNotFound {
		t.Fatalf("a used link: %d", rec.Code)
	}
}

func TestLinkRefusalsLookAlike(t *testing.T) {
	w, _, caseID := measureWorld(t)
	used := sendRoomLink(t, w, caseID, "gad-7")
	for n := 1; n <= 7; n++ {
		w.do(t, http.MethodPost, "/m/"+used, url.Values{"step": {fmt.Sprint(n)}, fmt.Sprintf("item-%d", n): {"0"}, "go": {"next"}})
	}
	if rec := w.do(t, http.MethodPost, "/m/"+used, url.Values{"step": {"8"}, "go": {"send"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("send: %d %s", rec.Code, rec.Body)
	}
	expired := sendRoomLink(t, w, caseID, "gad-7")
	revoked := sendRoomLink(t, w, caseID, "gad-7")
	page := w.get(t, fmt.Sprintf("/cases/%d/measures/links", caseID), w.session(t, "practitioner"))
	ids := regexp.MustCompile(`/measure-links/(\d+)/revoke`).FindAllStringSubmatch(page.Body.String(), -1)
	if len(ids) != 2 {
		t.Fatalf("revoke buttons %v", ids)
	}
	// The newest first: the link to revoke.
	if rec := w.do(t, http.MethodPost, "/measure-links/"+ids[0][1]+"/revoke", url.Values{"case": {fmt.Sprint(caseID)}},
		w.session(t, "practitioner")); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	w.clock.advance(8 * 24 * time.Hour)
	var first string
	for name, path := range map[string]string{"used": "/m/" + used, "expired": "/m/" + expired, "revoked": "/m/" + revoked,
		"guessed": "/m/" + strings.Repeat("A", 43), "malformed": "/m/hello"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			var f url.Values
			if method == http.MethodPost {
				f = url.Values{"step": {"1"}, "item-1": {"1"}, "go": {"next"}}
			}
			rec := w.do(t, method, path, f)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("%s %s: %d %s", name, method, rec.Code, rec.Body)
			}
			wantPrivate(t, rec)
			if first == "" {
				first = rec.Body.String()
				wantIn(t, first, "This link cannot be used")
			} else if rec.Body.String() != first {
				t.Errorf("%s %s answers differently:\n%s", name, method, rec.Body)
			}
		}
	}
}

func TestLinkPagesAreRateLimited(t *testing.T) {
	w, _, _ := measureWorld(t)
	limited := false
	for range linkLimit.perAddress + 1 {
		rec := w.get(t, "/m/"+strings.Repeat("B", 43))
		if rec.Code == http.StatusTooManyRequests {
			limited = rec.Header().Get("Retry-After") != ""
			break
		}
		if rec.Code != http.StatusNotFound {
			t.Fatalf("%d", rec.Code)
		}
	}
	if !limited {
		t.Fatalf("no 429 after %d guesses from one address", linkLimit.perAddress+1)
	}
}

func TestSchedulesPage(t *testing.T) {
	w, _, caseID := measureWorld(t)
	pr := w.session(t, "practitioner")
	path := fmt.Sprintf("/cases/%d/measures/schedules", caseID)
	rec := w.do(t, http.MethodPost, path, url.Values{"instrument": {"phq-9"}, "kind": {"every_weeks"}, "every_weeks": {"60"}}, pr)
	page := w.follow(t, rec, pr)
	wantIn(t, page, "from 1 to 52", "No measure is scheduled")
	rec = w.do(t, http.MethodPost, path, url.Values{"instrument": {"phq-9"}, "kind": {"every_weeks"}, "every_weeks": {"3"}}, pr)
	page = w.follow(t, rec, pr)
	wantIn(t, page, "PHQ-9 is scheduled every 3 weeks", "PHQ-9 every 3 weeks, added by")
	id := regexp.MustCompile(`/measure-schedules/(\d+)/stop`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no stop button:\n%s", page)
	}
	rec = w.do(t, http.MethodPost, "/measure-schedules/"+id[1]+"/stop", url.Values{"case": {fmt.Sprint(caseID)}}, pr)
	wantIn(t, w.follow(t, rec, pr), "The schedule is stopped", "stopped ")
	// Mailing a link to a client with an address says so.
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/cases/%d/measures/links", caseID), url.Values{"instrument": {"gad-7"}, "delivery": {"mail"}}, pr)
	wantIn(t, w.follow(t, rec, pr), "The link was mailed to the client", "by mail")
}

// TestLinkRoutesRules pins the access rule of every route of measures
// sent to clients: the client's pages are public (their token is the
// credential), the practitioner's page is for members (the use case lets
// only the client's practitioners and an admin with emergency access
// read it), and every change is a practitioner's.
func TestLinkRoutesRules(t *testing.T) {
	w := newWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	want := map[string]string{
		"GET /m/thanks":                         Public.String(),
		"GET /m/{token}":                        Public.String(),
		"POST /m/{token}":                       Public.String(),
		"GET /cases/{case}/measures/links":      Member.String(),
		"POST /cases/{case}/measures/links":     Practitioner.String(),
		"POST /cases/{case}/measures/schedules": Practitioner.String(),
		"POST /measure-links/{id}/revoke":       Practitioner.String(),
		"POST /measure-schedules/{id}/stop":     Practitioner.String(),
	}
	for pattern, rule := range want {
		if rules[pattern] != rule {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], rule)
		}
	}
	for pattern := range rules {
		if (strings.Contains(pattern, " /m/") || strings.Contains(pattern, "/measures/links") ||
			strings.Contains(pattern, "schedules")) && want[pattern] == "" {
			t.Errorf("%s has no expectation here", pattern)
		}
	}
}

// TestLinkSavedFlagPages: a self-harm answer a client saves and never
// sends shows on the practitioner's list of links as a flag raised in a
// partial answer, on their home page as a safety task that leads there,
// and is resolved on that page; a revoked link says it held partial
// answers.
func TestLinkSavedFlagPages(t *testing.T) {
	w, _, caseID := measureWorld(t)
	token := sendRoomLink(t, w, caseID, "phq-9")
	rec := w.do(t, http.MethodPost, "/m/"+token, url.Values{"step": {"9"}, "item-9": {"1"}, "go": {"next"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("saving item 9: %d %s", rec.Code, rec.Body)
	}
	pr := w.session(t, "practitioner")
	links := fmt.Sprintf("/cases/%d/measures/links", caseID)
	page := w.get(t, links, pr).Body.String()
	wantIn(t, page, "partly answered (1 answered)", "Flag raised in a partial answer", "answered in part (1 of 9 items)",
		"The client has not sent the questionnaire", `name="case"`)
	task := regexp.MustCompile(`action="/safety-tasks/(\d+)/resolve"`).FindStringSubmatch(page)
	if task == nil {
		t.Fatalf("no form to resolve the task:\n%s", page)
	}
	home := w.get(t, "/", pr).Body.String()
	wantIn(t, home, fmt.Sprintf(`href="%s#task-%s"`, links, task[1]))
	rec = w.do(t, http.MethodPost, "/safety-tasks/"+task[1]+"/resolve",
		url.Values{"case": {fmt.Sprint(caseID)}, "action": {"Called the client at 10:05; safety plan agreed, seen tomorrow."}}, pr)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != links {
		t.Fatalf("resolving: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	page = w.get(t, links, pr).Body.String()
	wantIn(t, page, "Called the client at 10:05")

	id := regexp.MustCompile(`/measure-links/(\d+)/revoke`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no revoke button:\n%s", page)
	}
	rec = w.do(t, http.MethodPost, "/measure-links/"+id[1]+"/revoke", url.Values{"case": {fmt.Sprint(caseID)}}, pr)
	page = w.follow(t, rec, pr)
	wantIn(t, page, "revoked: held partial answers (1 answered, never sent)")
}
