package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// ceActivity is an AASECT-approved, sexuality-related CE activity.
func ceActivity(id string, on date.Date, hours float64) portfolio.Activity {
	yes := true
	return portfolio.Activity{ID: id, Title: "Sexual health update " + id, Kind: "ce",
		Provider: portfolio.Provider{Name: "Sunrise Sexuality Institute", Kind: "approved_provider", ApprovedBy: []string{"AASECT"}},
		Delivery: "live_online", Date: on, Hours: hours, SexualityRelated: &yes}
}

// TestRenewalSupersedes walks a renewal: the holder starts it from the
// credential, sees the cycle and the CE progress, logs 20 credits and
// submits; staff verify the evidence and approve it without peer review;
// the new credential continues the cycle, the old one is superseded (its
// pending reminders and expiry cancelled, the holder told), and expiry of
// the old date changes nothing.
func TestRenewalSupersedes(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	other := addUser(t, st, "other@example.org", "Otto Other", auth.Applicant)
	old := issueTo(t, s, holder, staff, date.Date{})
	clk.Set(time.Date(2028, 12, 1, 9, 0, 0, 0, time.UTC)) // after the 120-day reminder
	hc, sc, oc := sessionFor(t, s, holder), sessionFor(t, s, staff), sessionFor(t, s, other)
	runJobs(t, s)
	if n := countIn(subjectsTo(t, st, holder.Email), "expires in 120 days"); n != 1 {
		t.Fatalf("%d 120-day reminders", n)
	}
	// Nobody else sees or starts the renewal.
	path := "/credentials/" + old.ID + "/renewal"
	if rec := getAs(t, h, path, oc); rec.Code != 404 {
		t.Fatalf("another user's renewal page: %d", rec.Code)
	}
	if rec := postForm(t, h, path, url.Values{}, oc); rec.Code != 404 {
		t.Fatalf("another user starts the renewal: %d", rec.Code)
	}
	if rec := getAs(t, h, path, hc); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Start the renewal") {
		t.Fatalf("renewal page before starting: %d\n%s", rec.Code, rec.Body)
	}
	rec := postForm(t, h, path, url.Values{}, hc)
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/applications/") {
		t.Fatalf("start: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	app, err := s.openRenewal(ctx, holder.ID, old.ID)
	if err != nil || app == nil || app.SetID != renewalSet || app.RenewsCredential != old.ID {
		t.Fatalf("the renewal: %+v %v", app, err)
	}
	// Starting again opens the same one.
	if again, err := s.renewalApplication(ctx, holder, old.ID); err != nil || again.ID != app.ID {
		t.Fatalf("second start: %v %v", again, err)
	}
	// The dashboard shows the renewal judged in its cycle.
	rec = getAs(t, h, fmt.Sprintf("/applications/%d", app.ID), hc)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "20 AASECT CE credits") {
		t.Fatalf("dashboard: %d\n%s", rec.Code, rec.Body)
	}
	// The API: progress, the cycle found from the credential being renewed.
	rec = getAs(t, h, "/api/v1"+path, hc)
	var got renewalJSON
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Application == nil || got.Application.ID != app.ID || got.Report == nil {
		t.Fatalf("API: %d %s", rec.Code, rec.Body)
	}
	status := map[string]string{}
	for _, r := range got.Report.Results {
		status[r.ID] = string(r.Status) + ": " + r.Explanation
	}
	if !strings.HasPrefix(status["credential"], "met") || !strings.HasPrefix(status["membership"], "met") || !strings.HasPrefix(status["ce-credits"], "unmet") {
		t.Fatalf("report before CE: %v", status)
	}
	if got.NewValidUntil == nil || !got.NewValidUntil.Equal(old.ValidUntil.AddDate(3, 0, 0)) {
		t.Fatalf("new validity: %v", got.NewValidUntil)
	}

	// The holder logs 20 credits in the cycle and submits.
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	p.Education = append(p.Education, ceActivity("ce-1", date.Of(2026, 9, 1), 8), ceActivity("ce-2", date.Of(2027, 9, 1), 6), ceActivity("ce-3", date.Of(2028, 6, 1), 6))
	if _, err := s.savePortfolio(ctx, holder, app, app.Version, p, "CE"); err != nil {
		t.Fatal(err)
	}
	app, _ = st.Application(ctx, app.ID)
	if rec := postForm(t, h, fmt.Sprintf("/applications/%d/actions/submit", app.ID), url.Values{"version": {fmt.Sprint(app.Version)}}, hc); rec.Code != 303 {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	app, _ = st.Application(ctx, app.ID)
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/start_review", app.ID), url.Values{"version": {fmt.Sprint(app.Version)}}, sc); rec.Code != 303 {
		t.Fatalf("start review: %d %s", rec.Code, rec.Body)
	}
	// Claimed CE is not enough to approve.
	app, _ = st.Application(ctx, app.ID)
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(app.Version)}}, sc); rec.Code != 422 {
		t.Fatalf("approve with claimed CE: %d", rec.Code)
	}
	if rec := getAs(t, h, fmt.Sprintf("/queue/%d/renewal", app.ID), sc); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Not yet") {
		t.Fatalf("staff renewal page: %d\n%s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, fmt.Sprintf("/queue/%d/renewal", app.ID), hc); rec.Code != 403 {
		t.Fatalf("staff renewal page as the holder: %d", rec.Code)
	}
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/lists/education/verify", app.ID), url.Values{"version": {fmt.Sprint(app.Version)}}, sc); rec.Code != 303 {
		t.Fatalf("verify the CE: %d %s", rec.Code, rec.Body)
	}
	app, _ = st.Application(ctx, app.ID)
	if rec := getAs(t, h, fmt.Sprintf("/queue/%d/renewal", app.ID), sc); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Approve the renewal</button>") {
		t.Fatalf("staff renewal page once verified: %d\n%s", rec.Code, rec.Body)
	}
	approvedAt := time.Date(2028, 12, 15, 10, 0, 0, 0, time.UTC)
	clk.Set(approvedAt)
	sc = sessionFor(t, s, staff)
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(app.Version)}}, sc); rec.Code != 303 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}

	creds, err := st.CredentialsOf(ctx, holder.ID)
	if err != nil || len(creds) != 2 {
		t.Fatalf("credentials: %d %v", len(creds), err)
	}
	next := creds[0]
	if next.ID == old.ID || next.SetID != "aasect-cst" || next.ApplicationID != app.ID || !next.IssuedAt.Equal(approvedAt) ||
		!next.ValidUntil.Equal(old.ValidUntil.AddDate(3, 0, 0)) {
		t.Fatalf("the renewed credential: %+v", next)
	}
	var doc struct {
		ValidFrom  string `json:"validFrom"`
		ValidUntil string `json:"validUntil"`
		Name       string `json:"name"`
	}
	if err := json.Unmarshal(next.Document, &doc); err != nil || doc.ValidUntil != "2032-03-10T14:00:00Z" || !strings.Contains(doc.Name, "Sex Therapist") {
		t.Fatalf("the renewed document: %+v %v", doc, err)
	}
	prev, _ := st.Credential(ctx, old.ID)
	if prev.Status() != "superseded" || prev.SupersededBy != next.ID || !prev.SupersededAt.Equal(approvedAt) {
		t.Fatalf("the old credential: %s %+v", prev.Status(), prev)
	}
	// Its status is settled: the revocation list has its bit, so any
	// verifier rejects it, and this board's verification says it was
	// superseded and by what; the successor verifies.
	out := verifyAPI(t, h, old.JWT)
	record, _ := out["record"].(map[string]any)
	if out["status"] != "invalid" || record["standing"] != "superseded" || record["superseded_by"] != s.publicBase()+"/credentials/"+next.ID ||
		!strings.Contains(rec2s(out["checks"]), "superseded it") {
		t.Fatalf("verifying the superseded credential: %v", out)
	}
	if out := verifyAPI(t, h, next.JWT); out["status"] != "valid" {
		t.Fatalf("verifying the successor: %v", out)
	}
	rep := verifier.Verify(ctx, old.Document, s.verifierFetch, s.now())
	if chk, _ := rep.Checks.Lookup(verifier.CheckStatus); chk.Outcome != verification.Invalid {
		t.Fatalf("the status list of a superseded credential, as any verifier reads it: %+v", chk)
	}
	jobs, _ := st.Jobs(ctx, board.CredentialJobPrefix(old.ID))
	for _, j := range jobs {
		if j.DoneAt.IsZero() || (j.Kind != board.JobReminder && j.Outcome != boardsql.JobCancelled) {
			t.Fatalf("an old job still pending or not cancelled: %+v", j)
		}
	}
	if js, _ := st.Jobs(ctx, board.CredentialJobPrefix(next.ID)); len(js) != 4 {
		t.Fatalf("the new credential's jobs: %d", len(js))
	}
	if subj := subjectsTo(t, st, holder.Email); countIn(subj, "renewed") != 1 || countIn(subj, "approved") != 1 {
		t.Fatalf("mail: %v", subj)
	}
	// The old expiry day passes: no reminder, expiry or suspension for either.
	before := len(subjectsTo(t, st, holder.Email))
	clk.Set(old.ValidUntil.Add(time.Hour))
	runJobs(t, s)
	if after := subjectsTo(t, st, holder.Email); len(after) != before {
		t.Fatalf("mail after the old expiry: %v", after[before:])
	}
	if prev, _ := st.Credential(ctx, old.ID); prev.Status() != "superseded" {
		t.Fatalf("the old credential became %s", prev.Status())
	}
	// A superseded credential is not renewed again.
	if _, err := s.renewalApplication(ctx, holder, old.ID); err == nil {
		t.Fatal("a superseded credential was renewed")
	}
	// The renewed credential's next renewal finds the continued cycle.
	app2, err := s.renewalApplication(ctx, holder, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := portfolio.DecodeStored(app2.Portfolio)
	if len(p2.Credentials) != 1 || p2.Credentials[0].ValidTo != date.Of(2032, 3, 9) {
		t.Fatalf("next renewal's credential item: %+v", p2.Credentials)
	}
}

// TestRenewalAPIStart: the API starts a renewal (201), then answers the
// same one (200); it refuses someone else's credential (404).
func TestRenewalAPIStart(t *testing.T) {
	s, st, _ := clockedServer(t, time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC))
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	other := addUser(t, st, "other@example.org", "Otto Other", auth.Applicant)
	c := issueTo(t, s, holder, staff, date.Date{})
	doc, oc := openAPIDocument(t), openAPICompiler(t)
	call := func(who *boardsql.User) (int, renewalJSON) {
		req := httptest.NewRequest("POST", "/api/v1/credentials/"+c.ID+"/renewal", nil)
		req.AddCookie(sessionFor(t, s, who))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		openAPICheckAnswer(t, oc, doc, "post", "/api/v1/credentials/{id}/renewal", rec)
		var out renewalJSON
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	code, first := call(holder)
	if code != 201 || first.Application == nil || first.Application.State != "draft" {
		t.Fatalf("first: %d %+v", code, first)
	}
	code, second := call(holder)
	if code != 200 || second.Application.ID != first.Application.ID {
		t.Fatalf("second: %d %+v", code, second)
	}
	if code, _ := call(other); code != 404 {
		t.Fatalf("someone else's: %d", code)
	}
	rec := getAs(t, h, "/api/v1/credentials/"+c.ID+"/renewal", sessionFor(t, s, holder))
	openAPICheckAnswer(t, oc, doc, "get", "/api/v1/credentials/{id}/renewal", rec)
	if rec.Code != 200 {
		t.Fatalf("get: %d", rec.Code)
	}
}

// TestRenewalDemo: the demo has a credential superseded by a renewal (the
// old one public, verifying as superseded) and a renewal in progress with
// CE logged; seeding twice changes nothing.
func TestRenewalDemo(t *testing.T) {
	s, st := newServer(t)
	ctx := context.Background()
	for range 2 {
		// Seeding the renewals again on their own is demo's TestSeed.
		if _, err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	robin := mustUser(t, st, "robin.ellis")
	creds, err := st.CredentialsOf(ctx, robin.ID)
	if err != nil || len(creds) != 2 {
		t.Fatalf("Robin's credentials: %d %v", len(creds), err)
	}
	next, old := creds[0], creds[1]
	if old.Status() != "superseded" || old.SupersededBy != next.ID || !old.Public || !next.Public || next.Status() != "active" {
		t.Fatalf("Robin: old %s %+v, new %s", old.Status(), old, next.Status())
	}
	if !next.ValidUntil.Equal(old.ValidUntil.AddDate(3, 0, 0).Truncate(time.Second)) {
		t.Fatalf("Robin's renewed validity %s, old %s", next.ValidUntil, old.ValidUntil)
	}
	sasha := mustUser(t, st, "sasha.novak")
	creds, err = st.CredentialsOf(ctx, sasha.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("Sasha's credentials: %d %v", len(creds), err)
	}
	app, err := s.openRenewal(ctx, sasha.ID, creds[0].ID)
	if err != nil || app == nil || app.State != "draft" {
		t.Fatalf("Sasha's renewal: %+v %v", app, err)
	}
	ev, err := s.evaluate(ctx, app, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Portfolio.Education) != 3 || ev.Report.Verdict != "not_eligible" {
		t.Fatalf("Sasha's renewal: %d items, %s", len(ev.Portfolio.Education), ev.Report.Verdict)
	}
}

func mustUser(t *testing.T, st *boardsql.Store, local string) *boardsql.User {
	t.Helper()
	u, err := st.UserByEmail(context.Background(), demoEmail(local))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// readyRenewal starts holder's renewal of c, gives it 20 verified
// AASECT-approved credits, submits it and has staff start the review: it
// is ready to approve.
func readyRenewal(t *testing.T, s *Server, holder, staff *boardsql.User, c *boardsql.IssuedCredential) *boardsql.Application {
	t.Helper()
	ctx := context.Background()
	app, err := s.renewalApplication(ctx, holder, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	on := dayOf(c.IssuedAt).AddDays(30)
	for i, h := range []float64{8, 6, 6} {
		a := ceActivity(fmt.Sprintf("ce-%d", i), on.AddDays(i), h)
		a.Verification = portfolio.Verification{State: portfolio.Verified, By: "staff", At: on}
		p.Education = append(p.Education, a)
	}
	if _, err := s.savePortfolio(ctx, holder, app, app.Version, p, "CE"); err != nil {
		t.Fatal(err)
	}
	app, _ = s.store().Application(ctx, app.ID)
	if _, err := s.act(ctx, holder, app, app.Version, board.Submit, ""); err != nil {
		t.Fatal(err)
	}
	app, _ = s.store().Application(ctx, app.ID)
	if _, err := s.act(ctx, staff, app, app.Version, board.StartReview, ""); err != nil {
		t.Fatal(err)
	}
	app, _ = s.store().Application(ctx, app.ID)
	if msg := s.board.RenewalApprovalProblem(ctx, app); msg != "" {
		t.Fatalf("the renewal is not ready: %s", msg)
	}
	return app
}

// TestRenewalNotIssuedForChangedCredential: a credential revoked or
// suspended by the board after its renewal started is not renewed (no new
// credential, the suspension stands) until staff reinstate it; one that
// expired meanwhile is (expiry is not a suspension).
func TestRenewalNotIssuedForChangedCredential(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	approve := func(app *boardsql.Application) error {
		app, _ = st.Application(ctx, app.ID)
		_, err := s.act(ctx, staff, app, app.Version, board.Approve, "")
		return err
	}
	setStatus := func(id, action, reason string) {
		t.Helper()
		if err := st.InTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialStatus(ctx, id, action, reason, s.now()) }); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(start)
	suspendedHolder := addUser(t, st, "sus@example.org", "Sue Spended", auth.Applicant)
	sus := issueTo(t, s, suspendedHolder, staff, date.Date{})
	revokedHolder := addUser(t, st, "rev@example.org", "Rex Revoked", auth.Applicant)
	rev := issueTo(t, s, revokedHolder, staff, date.Date{})
	lateHolder := addUser(t, st, "late@example.org", "Lea Late", auth.Applicant)
	late := issueTo(t, s, lateHolder, staff, date.Date{})

	clk.Set(start.AddDate(2, 10, 0))
	susApp := readyRenewal(t, s, suspendedHolder, staff, sus)
	revApp := readyRenewal(t, s, revokedHolder, staff, rev)
	lateApp := readyRenewal(t, s, lateHolder, staff, late)

	// Suspended by the board meanwhile: refused, nothing issued, still suspended.
	setStatus(sus.ID, "suspend", "complaint under investigation")
	var ae *certboard.Error
	if err := approve(susApp); !errors.As(err, &ae) || ae.Code != certboard.Conflict || !strings.Contains(ae.Message, "reinstate") {
		t.Fatalf("approving the renewal of a suspended credential: %v", err)
	}
	if cs, _ := st.CredentialsOf(ctx, suspendedHolder.ID); len(cs) != 1 || cs[0].Status() != "suspended" {
		t.Fatalf("after the refused approval: %d credentials, %s", len(cs), cs[0].Status())
	}
	// Reinstated by staff: the renewal goes through.
	setStatus(sus.ID, "reinstate", "")
	if err := approve(susApp); err != nil {
		t.Fatalf("approval after reinstatement: %v", err)
	}
	if c, _ := st.Credential(ctx, sus.ID); c.Status() != "superseded" {
		t.Fatalf("the renewed credential is %s", c.Status())
	}

	// Revoked meanwhile: refused.
	setStatus(rev.ID, "revoke", "fraud")
	if err := approve(revApp); !errors.As(err, &ae) || ae.Code != certboard.Conflict {
		t.Fatalf("approving the renewal of a revoked credential: %v", err)
	}
	if cs, _ := st.CredentialsOf(ctx, revokedHolder.ID); len(cs) != 1 {
		t.Fatalf("a revoked credential was renewed: %d credentials", len(cs))
	}

	// Expired before its renewal was approved: still not suspended, and
	// the approval runs the years from approval.
	clk.Set(late.ValidUntil.Add(time.Hour))
	runJobs(t, s)
	if c, _ := st.Credential(ctx, late.ID); c.Status() != "active" || !c.Expired(s.now()) {
		t.Fatalf("after expiry: %s %q", c.Status(), c.SuspendReason)
	}
	approvedAt := late.ValidUntil.AddDate(0, 0, 10)
	clk.Set(approvedAt)
	if err := approve(lateApp); err != nil {
		t.Fatalf("approving a renewal after expiry: %v", err)
	}
	old, _ := st.Credential(ctx, late.ID)
	if old.Status() != "superseded" || !old.SuspendedAt.IsZero() {
		t.Fatalf("the late credential: %s %+v", old.Status(), old)
	}
	next, _ := st.Credential(ctx, old.SupersededBy)
	if next.Status() != "active" || !next.ValidUntil.Equal(approvedAt.AddDate(3, 0, 0)) {
		t.Fatalf("renewed late: %s until %s", next.Status(), next.ValidUntil)
	}
}

// TestRenewalNeverApprovedByItsHolder: a member of staff who is the
// holder cannot approve their own renewal, even through the renewal's
// approval without peer review.
func TestRenewalNeverApprovedByItsHolder(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	self := addUser(t, st, "self@example.org", "Stella Self", auth.Staff, auth.Applicant)
	c := issueTo(t, s, self, staff, date.Date{})
	clk.Set(start.AddDate(2, 10, 0))
	app := readyRenewal(t, s, self, staff, c)
	if to, err := s.act(context.Background(), self, app, app.Version, board.Approve, ""); err == nil || to == board.Approved {
		t.Fatalf("the holder approved their own renewal: %s %v", to, err)
	}
	if got, _ := st.Application(context.Background(), app.ID); got.State != board.UnderReview {
		t.Fatalf("after the holder's refused approval: %s", got.State)
	}
	if to, err := s.act(context.Background(), staff, app, app.Version, board.Approve, ""); err != nil || to != board.Approved {
		t.Fatalf("another member of staff: %s %v", to, err)
	}
}

// TestRenewalStartedOnceUnderConcurrency: many requests starting the same
// renewal at once open one application, and every one answers it.
func TestRenewalStartedOnceUnderConcurrency(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, _ := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	c := issueTo(t, s, holder, staff, date.Date{})
	const n = 8
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			app, err := s.renewalApplication(ctx, holder, c.ID)
			errs[i] = err
			if err == nil {
				ids[i] = app.ID
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("start %d: %d %v (first %d)", i, ids[i], errs[i], ids[0])
		}
	}
	apps, err := st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: holder.ID, SetID: renewalSet})
	if err != nil || len(apps) != 1 {
		t.Fatalf("%d renewal applications %v", len(apps), err)
	}
}
