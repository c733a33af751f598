package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// submittedExample has Jordan submit the eligible CST example portfolio;
// Sam is staff. It returns both, the application and their sessions.
func submittedExample(t *testing.T, s *Server, st *boardsql.Store) (applicant, staff *boardsql.User, id int64, ac, sc *http.Cookie) {
	t.Helper()
	applicant = addUser(t, st, "jordan@example.org", "Jordan Reyes", auth.Applicant)
	staff = addUser(t, st, "sam@example.org", "Sam Staff", auth.Staff)
	ac, sc = sessionFor(t, s, applicant), sessionFor(t, s, staff)
	id = appStart(t, s, ac, "aasect-cst")
	example, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec := postForm(t, s.Handler(), appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {string(example)}}, ac); rec.Code != 303 {
		t.Fatalf("import: %d", rec.Code)
	}
	// The example's documents are imported not on file; the applicant
	// uploads their files, or they would not count.
	fileEveryDocument(t, s, st, applicant, id)
	app, _ := appLoad(t, st, id)
	if _, err := s.act(context.Background(), applicant, app, app.Version, board.Submit, ""); err != nil {
		t.Fatal(err)
	}
	return applicant, staff, id, ac, sc
}

func TestVerifyClaimedItemsOfAList(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ctx := context.Background()
	_, staff, id, ac, sc := submittedExample(t, s, st)
	path := "/queue/" + strconv.FormatInt(id, 10) + "/lists/education/verify"

	// Before the review starts, nothing can be verified.
	app, _ := appLoad(t, st, id)
	if rec := postForm(t, h, path, url.Values{"version": {strconv.Itoa(app.Version)}}, sc); rec.Code != 409 {
		t.Fatalf("before review: %d", rec.Code)
	}
	if _, err := s.act(ctx, staff, app, app.Version, board.StartReview, ""); err != nil {
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
	ev, err := s.evaluate(ctx, final, true)
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
	ctx := context.Background()
	applicant, staff, id, _, _ := submittedExample(t, s, st)
	for _, step := range []struct {
		who    *boardsql.User
		action board.Action
		reason string
	}{{staff, board.StartReview, ""}, {staff, board.RequestInfo, "Please correct the hours of the first course."}} {
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
	if _, err := s.verifyClaimed(ctx, staff, app, "education", "verify", "transcript", app.Version); err != nil {
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

// mailsTo lists the messages waiting in the outbox for one address, whatever
// the clock of the server that queued them.
func mailsTo(t *testing.T, st *boardsql.Store, to string) []boardsql.Mail {
	t.Helper()
	due, err := st.DueMail(context.Background(), time.Now().AddDate(100, 0, 0), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []boardsql.Mail
	for _, m := range due {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// TestRejectionMailsTheApplicant: rejecting evidence, one item or a whole
// list, puts one mail to the applicant in the outbox, in the transaction of
// the rejection, listing the items with the reason and a link to the
// application; verifying mails nobody, and a refused rejection mails no one.
func TestRejectionMailsTheApplicant(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	applicant, staff, id, _, sc := submittedExample(t, s, st)
	app, _ := appLoad(t, st, id)
	if _, err := s.act(context.Background(), staff, app, app.Version, board.StartReview, ""); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	version := func() string { a, _ := appLoad(t, st, id); return strconv.Itoa(a.Version) }
	snapshot := func() *portfolio.Portfolio {
		a, _ := appLoad(t, st, id)
		p, err := portfolio.DecodeStored(a.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mailed := func() []boardsql.Mail { return mailsTo(t, st, applicant.Email) }
	before := len(mailed())

	// Verifying, one item or a list, mails nobody.
	degree := snapshot().Degrees[0].ID
	if rec := postForm(t, h, "/queue/"+sid+"/items/"+degree, url.Values{"version": {version()}, "decision": {"verify"}}, sc); rec.Code != 303 {
		t.Fatalf("verify %s: %d %s", degree, rec.Code, rec.Body)
	}
	if rec := postForm(t, h, "/queue/"+sid+"/lists/education/verify", url.Values{"version": {version()}, "reason": {"transcripts"}}, sc); rec.Code != 303 {
		t.Fatalf("verify education: %d %s", rec.Code, rec.Body)
	}
	if n := len(mailed()); n != before {
		t.Fatalf("verifying mailed the applicant %d times", n-before)
	}

	// A rejection refused (no reason, a stale version) mails no one.
	license := snapshot().Licenses[0].ID
	itemPath := "/api/v1/applications/" + sid + "/items/" + license + "/verification"
	if rec := callJSON(t, h, "POST", itemPath, `{"decision":"reject","version":`+version()+`}`, sc); rec.Code != 400 || !strings.Contains(rec.Body.String(), "reason: say why") {
		t.Fatalf("reject without a reason: %d %s", rec.Code, rec.Body)
	}
	if rec := callJSON(t, h, "POST", itemPath, `{"decision":"reject","reason":"expired","version":1}`, sc); rec.Code != 409 {
		t.Fatalf("stale rejection: %d %s", rec.Code, rec.Body)
	}
	if n := len(mailed()); n != before {
		t.Fatalf("a refused rejection mailed the applicant %d times", n-before)
	}

	// Rejecting one item: one mail, with the item, the reason and the link.
	rec := postForm(t, h, "/queue/"+sid+"/items/"+license, url.Values{"version": {version()}, "decision": {"reject"}, "reason": {"The licence expired in 2024."}}, sc)
	if rec.Code != 303 {
		t.Fatalf("reject %s: %d %s", license, rec.Code, rec.Body)
	}
	got := mailed()
	if len(got) != before+1 {
		t.Fatalf("after one rejection: %d new mails", len(got)-before)
	}
	m := got[len(got)-1]
	for _, want := range []string{license, "The licence expired in 2024.", "/applications/" + sid, "one item"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the rejection mail lacks %q:\n%s", want, m.Body)
		}
	}
	if !strings.Contains(m.Subject, "rejected") {
		t.Errorf("subject %q", m.Subject)
	}

	// Rejecting a whole list through the API: one mail listing every item.
	var claimed []string
	for _, c := range snapshot().ClinicalHours {
		if c.Verification.EffectiveState() == portfolio.Claimed {
			claimed = append(claimed, c.ID)
		}
	}
	listPath := "/api/v1/applications/" + sid + "/lists/clinical_hours/verification"
	// The API's field is note: the message names it, not the form's reason.
	if rec := callJSON(t, h, "POST", listPath, `{"decision":"reject","version":`+version()+`}`, sc); rec.Code != 400 ||
		!strings.Contains(rec.Body.String(), `"detail":"note: say why`) || strings.Contains(rec.Body.String(), "reason:") {
		t.Fatalf("bulk reject without a reason: %d %s", rec.Code, rec.Body)
	}
	rec = callJSON(t, h, "POST", listPath, `{"decision":"reject","note":"The hours log is not signed.","version":`+version()+`}`, sc)
	if rec.Code != 200 {
		t.Fatalf("bulk reject: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		Verified []string `json:"verified"`
		Rejected []string `json:"rejected"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Verified) != 0 || len(out.Rejected) != len(claimed) {
		t.Fatalf("bulk reject answer: %v %s", err, rec.Body)
	}
	got = mailed()
	if len(got) != before+2 {
		t.Fatalf("after the bulk rejection: %d new mails in all, want 2", len(got)-before)
	}
	m = got[len(got)-1]
	if !strings.Contains(m.Body, fmt.Sprintf("%d items", len(claimed))) || strings.Count(m.Body, "Reason: The hours log is not signed.") != len(claimed) {
		t.Errorf("the bulk rejection mail:\n%s", m.Body)
	}
	for _, id := range claimed {
		if !strings.Contains(m.Body, " ("+id+")\n") {
			t.Errorf("the bulk rejection mail lacks %s", id)
		}
	}
	for _, c := range snapshot().ClinicalHours {
		if c.Verification.State != portfolio.Rejected || c.Verification.Note != "The hours log is not signed." {
			t.Fatalf("%s: %+v", c.ID, c.Verification)
		}
	}

	// The staff page's list form rejects too, and says the applicant was told.
	rec = postForm(t, h, "/queue/"+sid+"/lists/supervision_sessions/verify",
		url.Values{"version": {version()}, "decision": {"reject"}, "reason": {"No supervisor signature."}}, sc)
	if rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "#list-supervision_sessions") {
		t.Fatalf("bulk reject by form: %d %s", rec.Code, rec.Body)
	}
	if got = mailed(); len(got) != before+3 || !strings.Contains(got[len(got)-1].Body, "Reason: No supervisor signature.") {
		t.Fatalf("after the form's bulk rejection: %d new mails", len(got)-before)
	}
}

// TestListVerifiedMessage: the message after verifying a list counts in
// words and names the documents skipped for want of a file.
func TestListVerifiedMessage(t *testing.T) {
	contract := &portfolio.Document{ID: "doc-contract", Kind: "supervision_contract"}
	cv := &portfolio.Document{ID: "doc-cv", Kind: "cv", Title: "CV"}
	for _, tc := range []struct {
		list, decision string
		res            board.ListVerification
		want           string
	}{
		{"documents", "verify", board.ListVerification{Decided: []string{"a", "b"}, Skipped: []*portfolio.Document{cv}},
			`2 documents verified; 1 skipped: "CV" has no file uploaded; ask the applicant to upload it.`},
		{"documents", "verify", board.ListVerification{Decided: []string{"a"}, Skipped: []*portfolio.Document{cv, contract}},
			`1 document verified; 2 skipped: "CV", "supervision contract" have no file uploaded; ask the applicant to upload them.`},
		{"education", "verify", board.ListVerification{Decided: []string{"a"}}, "1 item of education verified."},
		{"supervision_sessions", "reject", board.ListVerification{Decided: []string{"a", "b", "c"}},
			"3 items of supervision sessions rejected; the applicant has been told by e-mail."},
	} {
		if got := listVerifiedMessage(tc.list, tc.decision, &tc.res); got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.decision, tc.list, got, tc.want)
		}
	}
}
