package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/application"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/store"
)

func TestVerifyClaimedItemsOfAList(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ctx := context.Background()
	applicant := addUser(t, st, "jordan@example.org", "Jordan Reyes", "applicant")
	staff := addUser(t, st, "sam@example.org", "Sam Staff", "staff")
	ac, sc := sessionFor(t, s, applicant), sessionFor(t, s, staff)
	id := appStart(t, s, ac, "aasect-cst")
	example, err := os.ReadFile("../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {string(example)}}, ac); rec.Code != 303 {
		t.Fatalf("import: %d", rec.Code)
	}
	app, _ := appLoad(t, st, id)
	if _, err := s.act(ctx, applicant, app, app.Version, application.Submit, ""); err != nil {
		t.Fatal(err)
	}
	path := "/queue/" + strconv.FormatInt(id, 10) + "/lists/education/verify"

	// Before the review starts, nothing can be verified.
	app, _ = appLoad(t, st, id)
	if rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(app.Version)}}, sc); rec.Code != 409 {
		t.Fatalf("before review: %d", rec.Code)
	}
	if _, err := s.act(ctx, staff, app, app.Version, application.StartReview, ""); err != nil {
		t.Fatal(err)
	}
	app, _ = appLoad(t, st, id)

	// The applicant cannot, and a stale version changes nothing.
	if rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(app.Version)}}, ac); rec.Code != 403 {
		t.Fatalf("applicant: %d", rec.Code)
	}
	if rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(app.Version - 1)}}, sc); rec.Code != 409 {
		t.Fatalf("stale: %d", rec.Code)
	}
	rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(app.Version)}, "reason": {"transcripts received"}}, sc)
	if rec.Code != 303 {
		t.Fatalf("verify education: %d %s", rec.Code, rec.Body)
	}
	after, live := appLoad(t, st, id)
	snap, err := portfolio.DecodeStored(after.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*portfolio.Portfolio{snap, live} {
		for _, e := range p.Education {
			if e.Verification.State != portfolio.Verified || e.Verification.By != "Sam Staff" || e.Verification.Note != "transcripts received" {
				t.Fatalf("%s: %+v", e.ID, e.Verification)
			}
		}
		if p.Degrees[0].Verification.EffectiveState() != portfolio.Claimed {
			t.Fatal("another list was verified too")
		}
	}
	// Nothing is left to verify in that list; an unknown list is refused.
	if rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(after.Version)}}, sc); rec.Code != 422 || !strings.Contains(rec.Body.String(), "waiting for verification") {
		t.Fatalf("again: %d", rec.Code)
	}
	bad := strings.Replace(path, "education", "nope", 1)
	if rec := postForm(t, h, bad, url.Values{"version": {strconv.Itoa(after.Version)}}, sc); rec.Code != 422 {
		t.Fatalf("unknown list: %d", rec.Code)
	}
	// Through the API, every other list; the frozen report is then eligible.
	version := after.Version
	for _, list := range portfolio.Lists() {
		if list == "education" {
			continue
		}
		rec := callJSON(t, h, "POST", "/api/v1/applications/"+strconv.FormatInt(id, 10)+"/lists/"+list+"/verification",
			`{"note":"checked","version":`+strconv.Itoa(version)+`}`, sc)
		switch rec.Code {
		case 200:
			after, _ = appLoad(t, st, id)
			version = after.Version
		case 422:
		default:
			t.Fatalf("%s: %d %s", list, rec.Code, rec.Body)
		}
	}
	final, _ := appLoad(t, st, id)
	ev, err := s.evaluate(final, true)
	if err != nil || !ev.Report.Eligible {
		t.Fatalf("frozen report after verifying everything: %v %+v", err, ev.Report.Verdict)
	}
	events, _ := st.Events(ctx, id)
	n := 0
	for _, e := range events {
		if e.Action == "verify_items" {
			n++
		}
	}
	if n < 5 {
		t.Fatalf("%d bulk verification events", n)
	}
}

// callJSON sends a JSON request with a session cookie.
func callJSON(t *testing.T, h http.Handler, method, path, body string, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestVerificationIsNotCopiedToAnEditedItem: while the board asks for more
// information the applicant may change an item; verifying the submitted
// item then leaves the changed live item claimed.
func TestVerificationIsNotCopiedToAnEditedItem(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ctx := context.Background()
	applicant := addUser(t, st, "jordan@example.org", "Jordan Reyes", "applicant")
	staff := addUser(t, st, "sam@example.org", "Sam Staff", "staff")
	ac := sessionFor(t, s, applicant)
	id := appStart(t, s, ac, "aasect-cst")
	example, err := os.ReadFile("../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {string(example)}}, ac); rec.Code != 303 {
		t.Fatalf("import: %d", rec.Code)
	}
	for _, step := range []struct {
		who    *store.User
		action application.Action
		reason string
	}{{applicant, application.Submit, ""}, {staff, application.StartReview, ""}, {staff, application.RequestInfo, "Please correct the hours of the first course."}} {
		app, _ := appLoad(t, st, id)
		if _, err := s.act(ctx, step.who, app, app.Version, step.action, step.reason); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}
	app, p := appLoad(t, st, id)
	edited := p.Education[0].ID
	p.Education[0].Hours++
	if _, err := s.savePortfolio(ctx, applicant, app, app.Version, p, "edit"); err != nil {
		t.Fatal(err)
	}
	app, _ = appLoad(t, st, id)
	if _, _, err := s.verifyClaimed(ctx, staff, app, "education", "transcript", app.Version); err != nil {
		t.Fatal(err)
	}
	app, live := appLoad(t, st, id)
	snap, _ := portfolio.DecodeStored(app.Snapshot)
	for i, e := range live.Education {
		want := portfolio.Verified
		if e.ID == edited {
			want = portfolio.Claimed
		}
		if e.Verification.EffectiveState() != want {
			t.Fatalf("live %s: %s, want %s", e.ID, e.Verification.EffectiveState(), want)
		}
		if snap.Education[i].Verification.EffectiveState() != portfolio.Verified {
			t.Fatalf("snapshot %s not verified", snap.Education[i].ID)
		}
	}
}
