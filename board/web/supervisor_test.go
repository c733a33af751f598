package web

import (
	"context"
	"encoding/json"
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
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// supNow is the fixed clock of these tests: the examples are judged on it.
var supNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// supWorld is a board with an applicant, her two supervisors, a third
// supervisor she does not name, and her application.
type supWorld struct {
	s                *Server
	st               *boardsql.Store
	h                http.Handler
	applicant        *boardsql.User
	okafor, lee, far *boardsql.User
	app              int64
}

// supPortfolio reads an example portfolio, adding a second supervisor with
// one claimed session of hers.
func supPortfolio(t *testing.T, file string) *portfolio.Portfolio {
	t.Helper()
	data, err := os.ReadFile("../../examples/portfolios/" + file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	p.Supervisors = append(p.Supervisors, portfolio.Supervisor{ID: "sup-lee", Name: "Sam Lee", Email: "sam.lee@example.org"})
	p.Sessions = append(p.Sessions, portfolio.Session{ID: "ses-lee-1", Date: date.MustParse("2025-03-03"), Hours: 1, Format: "individual",
		Supervisor: "sup-lee", Content: "case"})
	return p
}

// supCreate stores an application in a state, with a snapshot when it was
// submitted, and its supervisor links.
func supCreate(t *testing.T, s *Server, applicant *boardsql.User, set string, state board.State, p *portfolio.Portfolio, links []boardsql.SupervisorLink) int64 {
	t.Helper()
	data, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var id int64
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		id, err = tx.CreateApplication(ctx, boardsql.Application{ApplicantID: applicant.ID, SetID: set, State: state, Portfolio: data, CreatedAt: s.now()})
		if err != nil {
			return err
		}
		if state != board.Draft {
			if err := tx.FreezeSnapshot(ctx, id, data, "2025.T.1", s.now()); err != nil {
				return err
			}
		}
		return tx.SetSupervisors(ctx, id, links)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func supSetup(t *testing.T) *supWorld {
	t.Helper()
	s, st := newServer(t)
	s.cfg.Now = func() time.Time { return supNow }
	w := &supWorld{s: s, st: st, h: s.Handler()}
	w.applicant = addUser(t, st, "jordan.reyes@example.org", "Jordan Reyes", auth.Applicant)
	w.okafor = addUser(t, st, "Maya.Okafor@example.org", "Maya Okafor", auth.Supervisor)
	w.lee = addUser(t, st, "sam.lee@example.org", "Sam Lee", auth.Supervisor)
	w.far = addUser(t, st, "far.away@example.org", "Far Away", auth.Supervisor)
	w.app = supCreate(t, s, w.applicant, "aasect-cst", "draft", supPortfolio(t, "cst-claimed-only.json"),
		[]boardsql.SupervisorLink{{Ref: "sup-okafor", Email: "maya.okafor@example.org"}, {Ref: "sup-lee", Email: "sam.lee@example.org"}})
	return w
}

// supAPI sends a JSON request as a program would.
func supAPI(t *testing.T, h http.Handler, method, path, body string, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// supLoad reads an application and its live portfolio and snapshot.
func supLoad(t *testing.T, st *boardsql.Store, id int64) (*boardsql.Application, *portfolio.Portfolio, *portfolio.Portfolio) {
	t.Helper()
	app, err := st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	live, err := portfolio.Decode(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	var snap *portfolio.Portfolio
	if len(app.Snapshot) > 0 {
		if snap, err = portfolio.Decode(app.Snapshot); err != nil {
			t.Fatal(err)
		}
	}
	return app, live, snap
}

func supVerification(t *testing.T, p *portfolio.Portfolio, id string) portfolio.Verification {
	t.Helper()
	it, ok := portfolio.Find(p, id)
	if !ok {
		t.Fatalf("no item %s", id)
	}
	return portfolio.VerificationOf(it.Value)
}

// supAudit returns the audit entries of an action.
func supAudit(t *testing.T, st *boardsql.Store, action string) []string {
	t.Helper()
	log, err := st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Action == action {
			out = append(out, e.Actor+" "+e.Subject+" "+e.Before+" -> "+e.After)
		}
	}
	return out
}

func TestSupervisionListsOnlyApplicationsNamingMe(t *testing.T) {
	w := supSetup(t)
	other := addUser(t, w.st, "other.applicant@example.org", "Alex Other", auth.Applicant)
	otherApp := supCreate(t, w.s, other, "aasect-cst", "draft", supPortfolio(t, "cst-eligible.json"),
		[]boardsql.SupervisorLink{{Ref: "sup-lee", Email: "sam.lee@example.org"}})
	okafor := sessionFor(t, w.s, w.okafor)

	rec := getAs(t, w.h, "/supervision", okafor)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Jordan Reyes") || strings.Contains(body, "Alex Other") {
		t.Fatalf("list: %d, Jordan listed %v, Alex listed %v", rec.Code, strings.Contains(body, "Jordan Reyes"), strings.Contains(body, "Alex Other"))
	}
	if !strings.Contains(body, "AASECT Certified Sex Therapist") || !strings.Contains(body, "<strong>6</strong>") {
		t.Errorf("the list should give the credential and 6 items awaiting (5 sessions, 1 block of clinical hours):\n%s", body)
	}
	rec = supAPI(t, w.h, "GET", "/api/v1/supervision", "", okafor)
	var list struct {
		Supervisees []supJSON `json:"supervisees"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 {
		t.Fatalf("API list: %d %s", rec.Code, rec.Body)
	}
	if len(list.Supervisees) != 1 || list.Supervisees[0].ApplicationID != w.app || list.Supervisees[0].Awaiting != 6 || list.Supervisees[0].State != "draft" {
		t.Fatalf("API list: %+v", list.Supervisees)
	}
	// Lee sees both; her awaiting count is her one session.
	rec = supAPI(t, w.h, "GET", "/api/v1/supervision", "", sessionFor(t, w.s, w.lee))
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Supervisees) != 2 {
		t.Fatalf("Lee's list: %s", rec.Body)
	}
	for _, x := range list.Supervisees {
		if x.ApplicationID == w.app && x.Awaiting != 1 {
			t.Errorf("Lee awaits %d items in Jordan's application, want 1", x.Awaiting)
		}
	}

	// The page of an application that does not name me is not found.
	if rec := getAs(t, w.h, "/supervision/"+strconv.FormatInt(otherApp, 10), okafor); rec.Code != 404 {
		t.Fatalf("another supervisor's supervisee: %d, want 404", rec.Code)
	}
	if rec := getAs(t, w.h, "/supervision/"+strconv.FormatInt(w.app, 10), sessionFor(t, w.s, w.far)); rec.Code != 404 {
		t.Fatalf("a supervisor not named: %d, want 404", rec.Code)
	}
	if rec := supAPI(t, w.h, "GET", "/api/v1/supervision/"+strconv.FormatInt(w.app, 10), "", sessionFor(t, w.s, w.far)); rec.Code != 404 {
		t.Fatalf("a supervisor not named, API: %d, want 404", rec.Code)
	}
	// An applicant is stopped by the role rule.
	applicant := sessionFor(t, w.s, w.applicant)
	if rec := getAs(t, w.h, "/supervision", applicant); rec.Code != 403 {
		t.Fatalf("an applicant: %d, want 403", rec.Code)
	}
	if rec := supAPI(t, w.h, "GET", "/api/v1/supervision", "", applicant); rec.Code != 403 {
		t.Fatalf("an applicant, API: %d, want 403", rec.Code)
	}

	// My page lists my sessions and hours, not Lee's.
	rec = getAs(t, w.h, "/supervision/"+strconv.FormatInt(w.app, 10), okafor)
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "sup-ind-26") || !strings.Contains(body, "clin-13") || strings.Contains(body, "ses-lee-1") {
		t.Fatalf("page: %d\n%s", rec.Code, body)
	}
	if !strings.Contains(body, `action="/supervision/`+strconv.FormatInt(w.app, 10)+`/items/sup-ind-26"`) || strings.Contains(body, "/items/sup-ind-01\"") {
		t.Error("claimed items have decision forms; items verified by others do not")
	}
}

func TestSupervisorConfirmsAnItem(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	path := "/supervision/" + strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	rec := postForm(t, w.h, path+"/items/sup-ind-26", url.Values{"decision": {"confirm"}, "version": {strconv.Itoa(app.Version)}}, okafor)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	after, live, _ := supLoad(t, w.st, w.app)
	v := supVerification(t, live, "sup-ind-26")
	if v.State != portfolio.Verified || v.By != "supervisor: Maya Okafor <maya.okafor@example.org>" || v.At.String() != "2026-06-01" {
		t.Fatalf("stored verification: %+v", v)
	}
	if after.Version != app.Version+1 {
		t.Fatalf("version %d, want %d", after.Version, app.Version+1)
	}
	if got := supAudit(t, w.st, "supervision.confirm"); len(got) != 1 ||
		got[0] != "user/"+strconv.FormatInt(w.okafor.ID, 10)+" application/"+strconv.FormatInt(w.app, 10)+" sup-ind-26: claimed -> sup-ind-26: verified" {
		t.Fatalf("audit: %v", got)
	}
	events, _ := w.st.Events(context.Background(), w.app)
	if len(events) != 1 || events[0].Action != "supervision.confirm" || !strings.Contains(events[0].Message, "Maya Okafor confirmed supervision session sup-ind-26") {
		t.Fatalf("events: %+v", events)
	}
	// The page now counts one fewer awaiting and shows who confirmed.
	body := getAs(t, w.h, path, okafor).Body.String()
	if !strings.Contains(body, "<dd>5</dd>") || !strings.Contains(body, "by supervisor: Maya Okafor") {
		t.Errorf("page after confirming:\n%s", body)
	}
	// Confirming again is refused: it is already verified.
	if rec := postForm(t, w.h, path+"/items/sup-ind-26", url.Values{"decision": {"confirm"}, "version": {strconv.Itoa(after.Version)}}, okafor); rec.Code != 409 {
		t.Fatalf("confirming twice: %d", rec.Code)
	}
	// An item someone else verified cannot be changed by the supervisor.
	if rec := postForm(t, w.h, path+"/items/sup-ind-01", url.Values{"decision": {"dispute"}, "reason": {"no"}, "version": {strconv.Itoa(after.Version)}}, okafor); rec.Code != 409 {
		t.Fatalf("disputing an item verified by staff: %d", rec.Code)
	}
	// Clinical hours under my contract, through the API.
	rec = supAPI(t, w.h, "POST", "/api/v1/supervision/"+strconv.FormatInt(w.app, 10)+"/items/clin-13",
		`{"decision": "confirm", "version": `+strconv.Itoa(after.Version)+`}`, okafor)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state": "verified"`) {
		t.Fatalf("API confirm: %d %s", rec.Code, rec.Body)
	}
	_, live, _ = supLoad(t, w.st, w.app)
	if v := supVerification(t, live, "clin-13"); v.State != portfolio.Verified {
		t.Fatalf("clin-13: %+v", v)
	}
}

func TestSupervisorDisputeNeedsReasonAndMailsApplicant(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	path := "/supervision/" + strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	version := strconv.Itoa(app.Version)

	rec := postForm(t, w.h, path+"/items/sup-ind-27", url.Values{"decision": {"dispute"}, "reason": {"  "}, "version": {version}}, okafor)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-sup-ind-27-error"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("dispute without a reason: %d\n%s", rec.Code, body)
	}
	if after, live, _ := supLoad(t, w.st, w.app); after.Version != app.Version || supVerification(t, live, "sup-ind-27").State != "" {
		t.Fatal("a refused dispute changed the application")
	}
	if len(mailsTo(t, w.st, "jordan.reyes@example.org")) != 0 {
		t.Fatal("a refused dispute sent mail")
	}
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+strconv.FormatInt(w.app, 10)+"/items/sup-ind-27",
		`{"decision": "dispute", "version": `+version+`}`, okafor); rec.Code != 422 || !strings.Contains(rec.Body.String(), "reason:") {
		t.Fatalf("API dispute without a reason: %d %s", rec.Code, rec.Body)
	}

	reason := "We did not meet that week; the session was cancelled."
	rec = postForm(t, w.h, path+"/items/sup-ind-27", url.Values{"decision": {"dispute"}, "reason": {reason}, "version": {version}}, okafor)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("dispute: %d %s", rec.Code, rec.Body)
	}
	_, live, _ := supLoad(t, w.st, w.app)
	if v := supVerification(t, live, "sup-ind-27"); v.State != portfolio.Rejected || v.Note != reason || !strings.Contains(v.By, "Maya Okafor") {
		t.Fatalf("stored: %+v", v)
	}
	mails := mailsTo(t, w.st, "jordan.reyes@example.org")
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "disputed") || !strings.Contains(mails[0].Body, reason) ||
		!strings.Contains(mails[0].Body, "/applications/"+strconv.FormatInt(w.app, 10)) {
		t.Fatalf("mail to the applicant: %+v", mails)
	}
	for _, e := range supAudit(t, w.st, "supervision.dispute") {
		if strings.Contains(e, "cancelled") {
			t.Fatalf("the reason must not be in the audit log: %s", e)
		}
	}
	if got := supAudit(t, w.st, "supervision.dispute"); len(got) != 1 || !strings.HasSuffix(got[0], "sup-ind-27: rejected") {
		t.Fatalf("audit: %v", got)
	}
	// The supervisor may change their own mind.
	app, _, _ = supLoad(t, w.st, w.app)
	if rec := postForm(t, w.h, path+"/items/sup-ind-27", url.Values{"decision": {"confirm"}, "version": {strconv.Itoa(app.Version)}}, okafor); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirming after disputing: %d", rec.Code)
	}
}

func TestSupervisorCannotTouchOthersItemsOrStaleVersions(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	id := strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	version := strconv.Itoa(app.Version)
	for _, item := range []string{"ses-lee-1", "edu-human-sexuality", "nothing"} {
		if rec := postForm(t, w.h, "/supervision/"+id+"/items/"+item, url.Values{"decision": {"confirm"}, "version": {version}}, okafor); rec.Code != 404 {
			t.Errorf("%s: %d, want 404", item, rec.Code)
		}
		if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/items/"+item, `{"decision": "confirm", "version": `+version+`}`, okafor); rec.Code != 404 {
			t.Errorf("API %s: %d, want 404", item, rec.Code)
		}
	}
	// A supervisor the portfolio does not name gets 404 for the application.
	if rec := postForm(t, w.h, "/supervision/"+id+"/items/sup-ind-28", url.Values{"decision": {"confirm"}, "version": {version}}, sessionFor(t, w.s, w.far)); rec.Code != 404 {
		t.Errorf("a supervisor not named: %d, want 404", rec.Code)
	}
	// Lee may confirm her own session.
	if rec := postForm(t, w.h, "/supervision/"+id+"/items/ses-lee-1", url.Values{"decision": {"confirm"}, "version": {version}}, sessionFor(t, w.s, w.lee)); rec.Code != 303 {
		t.Fatalf("Lee confirming her session: %d %s", rec.Code, rec.Body)
	}
	// Now the version Okafor read is stale.
	rec := postForm(t, w.h, "/supervision/"+id+"/items/sup-ind-28", url.Values{"decision": {"confirm"}, "version": {version}}, okafor)
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), "reload") {
		t.Fatalf("stale version: %d %s", rec.Code, rec.Body)
	}
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/items/sup-ind-28", `{"decision": "confirm", "version": `+version+`}`, okafor); rec.Code != 409 {
		t.Fatalf("stale version, API: %d", rec.Code)
	}
	_, live, _ := supLoad(t, w.st, w.app)
	if supVerification(t, live, "sup-ind-28").State != "" {
		t.Fatal("a stale decision was stored")
	}
	if got := supAudit(t, w.st, "supervision.confirm"); len(got) != 1 {
		t.Fatalf("audit: %v", got)
	}
	// A missing version and a bad decision are refused.
	if rec := postForm(t, w.h, "/supervision/"+id+"/items/sup-ind-28", url.Values{"decision": {"confirm"}}, okafor); rec.Code != 400 {
		t.Fatalf("no version: %d", rec.Code)
	}
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/items/sup-ind-28", `{"decision": "maybe", "version": 9}`, okafor); rec.Code != 422 {
		t.Fatalf("bad decision: %d", rec.Code)
	}
}

func TestSupervisorDecisionReachesTheSnapshot(t *testing.T) {
	w := supSetup(t)
	id := supCreate(t, w.s, w.applicant, "aasect-cst", "under_review", supPortfolio(t, "cst-claimed-only.json"),
		[]boardsql.SupervisorLink{{Ref: "sup-okafor", Email: "maya.okafor@example.org"}})
	okafor := sessionFor(t, w.s, w.okafor)
	app, _, _ := supLoad(t, w.st, id)
	rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+strconv.FormatInt(id, 10)+"/items/sup-ind-29",
		`{"decision": "confirm", "version": `+strconv.Itoa(app.Version)+`}`, okafor)
	if rec.Code != 200 {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	_, live, snap := supLoad(t, w.st, id)
	if supVerification(t, snap, "sup-ind-29").State != portfolio.Verified || supVerification(t, live, "sup-ind-29").State != portfolio.Verified {
		t.Fatal("the decision must reach the snapshot the board judges and the live portfolio")
	}
	if !strings.Contains(getAs(t, w.h, "/supervision/"+strconv.FormatInt(id, 10), okafor).Body.String(), "the board is reviewing") {
		t.Error("the page should say the evidence is under review")
	}
	// A decided application is closed to its supervisor altogether.
	closed := supCreate(t, w.s, w.applicant, "aasect-cst", "approved", supPortfolio(t, "cst-claimed-only.json"),
		[]boardsql.SupervisorLink{{Ref: "sup-okafor", Email: "maya.okafor@example.org"}})
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+strconv.FormatInt(closed, 10)+"/items/sup-ind-29", `{"decision": "confirm", "version": 1}`, okafor); rec.Code != 404 {
		t.Fatalf("a decided application: %d", rec.Code)
	}
}

func TestSupervisorRecordsAContract(t *testing.T) {
	w := supSetup(t)
	okafor := sessionFor(t, w.s, w.okafor)
	id := strconv.FormatInt(w.app, 10)
	app, _, _ := supLoad(t, w.st, w.app)
	version := strconv.Itoa(app.Version)

	rec := postForm(t, w.h, "/supervision/"+id+"/contracts", url.Values{"start": {"2026-05-01"}, "end": {"2026-04-01"}, "version": {version}}, okafor)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `id="c-end-error"`) {
		t.Fatalf("end before start: %d\n%s", rec.Code, rec.Body)
	}
	rec = postForm(t, w.h, "/supervision/"+id+"/contracts", url.Values{"start": {"2026-05-01"}, "supervisee_membership": {"mem-none"}, "version": {version}}, okafor)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "no membership") {
		t.Fatalf("unknown membership: %d", rec.Code)
	}
	rec = postForm(t, w.h, "/supervision/"+id+"/contracts", url.Values{"start": {"2026-05-01"}, "supervisee_membership": {"mem-aasect"}, "version": {version}}, okafor)
	if rec.Code != 303 {
		t.Fatalf("record: %d %s", rec.Code, rec.Body)
	}
	_, live, _ := supLoad(t, w.st, w.app)
	var got *portfolio.Contract
	for i := range live.Contracts {
		if live.Contracts[i].ID == "con-1" {
			got = &live.Contracts[i]
		}
	}
	if got == nil || got.Supervisor != "sup-okafor" || got.Start.String() != "2026-05-01" || !got.End.IsZero() || got.SuperviseeMembership != "mem-aasect" ||
		got.Verification.State != portfolio.Verified {
		t.Fatalf("stored contract: %+v", got)
	}
	if errs := portfolio.Validate(live); len(errs) > 0 {
		t.Fatalf("the portfolio is no longer valid: %v", errs)
	}
	if m := mailsTo(t, w.st, "jordan.reyes@example.org"); len(m) != 1 || !strings.Contains(m[0].Body, "con-1") {
		t.Fatalf("mail: %+v", m)
	}
	if a := supAudit(t, w.st, "supervision.contract"); len(a) != 1 {
		t.Fatalf("audit: %v", a)
	}
	// Through the API, with the new version.
	app, _, _ = supLoad(t, w.st, w.app)
	rec = supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/contracts", `{"start": "2026-05-15", "end": "2026-12-31", "version": `+strconv.Itoa(app.Version)+`}`, okafor)
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"id": "con-2"`) {
		t.Fatalf("API record: %d %s", rec.Code, rec.Body)
	}
	// A stale version is refused.
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/contracts", `{"start": "2026-05-15", "version": `+strconv.Itoa(app.Version)+`}`, okafor); rec.Code != 409 {
		t.Fatalf("stale: %d", rec.Code)
	}
	// The supervisor may name only themselves.
	if rec := supAPI(t, w.h, "POST", "/api/v1/supervision/"+id+"/contracts", `{"start": "2026-05-15", "supervisor": "sup-lee", "version": 99}`, okafor); rec.Code != 422 {
		t.Fatalf("a contract for someone else: %d", rec.Code)
	}
}
