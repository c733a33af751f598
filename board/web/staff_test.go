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

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
)

// queueClock is the board's clock in these tests: the day after the CST
// example became eligible.
var queueClock = time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)

// queueBoard is a server with a member of staff signed in.
type queueBoard struct {
	s      *Server
	st     *boardsql.Store
	h      http.Handler
	staff  *boardsql.User
	staffC *http.Cookie
}

func queueNewBoard(t *testing.T) *queueBoard {
	t.Helper()
	s, st := newServer(t)
	s.cfg.Now = func() time.Time { return queueClock }
	staff := addUser(t, st, "sam.staff@board.example", "Sam Staff", auth.Staff)
	return &queueBoard{s: s, st: st, h: s.Handler(), staff: staff, staffC: sessionFor(t, s, staff)}
}

// queuePortfolio is the eligible CST example with the named items made
// claimed again (their verification removed).
func queuePortfolio(t *testing.T, claimed ...string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range claimed {
		if err := portfolio.SetVerification(p, id, portfolio.Verification{}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// create stores a draft application directly.
func (b *queueBoard) create(t *testing.T, applicant *boardsql.User, set string, data []byte) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := b.s.inTx(ctx, func(tx *boardsql.Tx) (err error) {
		id, err = tx.CreateApplication(ctx, boardsql.Application{ApplicantID: applicant.ID, SetID: set, State: "draft", Portfolio: data, CreatedAt: queueClock})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// submitted creates an aasect-cst application and submits it as its owner.
func (b *queueBoard) submitted(t *testing.T, applicant *boardsql.User, data []byte) int64 {
	t.Helper()
	id := b.create(t, applicant, "aasect-cst", data)
	fileEveryDocument(t, b.s, b.st, applicant, id) // or the documents would not count
	app := b.load(t, id)
	if _, err := b.s.act(context.Background(), applicant, app, app.Version, board.Submit, ""); err != nil {
		t.Fatalf("submitting: %v", err)
	}
	return id
}

// forceState moves an application to a state directly, as setup.
func (b *queueBoard) forceState(t *testing.T, id int64, to board.State) {
	t.Helper()
	app := b.load(t, id)
	err := b.s.inTx(context.Background(), func(tx *boardsql.Tx) error {
		_, err := tx.SetApplicationState(context.Background(), id, app.Version, app.State, to, queueClock)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (b *queueBoard) load(t *testing.T, id int64) *boardsql.Application {
	t.Helper()
	app, err := b.st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// act takes a staff action through the queue page's form.
func (b *queueBoard) act(t *testing.T, id int64, action, reason string) *httptest.ResponseRecorder {
	t.Helper()
	v := strconv.Itoa(b.load(t, id).Version)
	return postForm(t, b.h, fmt.Sprintf("/queue/%d/actions/%s", id, action), url.Values{"version": {v}, "reason": {reason}}, b.staffC)
}

// mustAct takes a staff action that must succeed.
func (b *queueBoard) mustAct(t *testing.T, id int64, action, reason string) {
	t.Helper()
	if rec := b.act(t, id, action, reason); rec.Code != http.StatusSeeOther {
		t.Fatalf("%s: %d %s", action, rec.Code, queueText(rec))
	}
}

// verify posts a verification decision on the queue page.
func (b *queueBoard) verify(t *testing.T, id int64, item, decision, reason string) *httptest.ResponseRecorder {
	t.Helper()
	v := strconv.Itoa(b.load(t, id).Version)
	return postForm(t, b.h, fmt.Sprintf("/queue/%d/items/%s", id, item), url.Values{"version": {v}, "decision": {decision}, "reason": {reason}}, b.staffC)
}

// assign posts the reviewer assignment form.
func (b *queueBoard) assign(t *testing.T, id int64, reviewer *boardsql.User) *httptest.ResponseRecorder {
	t.Helper()
	v := strconv.Itoa(b.load(t, id).Version)
	return postForm(t, b.h, fmt.Sprintf("/queue/%d/reviewers", id), url.Values{"version": {v}, "reviewer_id": {strconv.FormatInt(reviewer.ID, 10)}}, b.staffC)
}

// snapshotState is the verification of an item in the submitted snapshot.
func (b *queueBoard) snapshotItem(t *testing.T, id int64, item string) portfolio.Verification {
	t.Helper()
	p, err := portfolio.Decode(b.load(t, id).Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := portfolio.Find(p, item)
	if !ok {
		t.Fatalf("no item %s in the snapshot", item)
	}
	return portfolio.VerificationOf(it.Value)
}

func (b *queueBoard) liveItem(t *testing.T, id int64, item string) portfolio.Verification {
	t.Helper()
	p, err := portfolio.Decode(b.load(t, id).Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := portfolio.Find(p, item)
	if !ok {
		t.Fatalf("no item %s in the live portfolio", item)
	}
	return portfolio.VerificationOf(it.Value)
}

// queueCounts is how many events an application has and how long the audit log is.
func (b *queueBoard) counts(t *testing.T, id int64) (events, entries int) {
	t.Helper()
	ev, err := b.st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	log, err := b.st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(ev), len(log)
}

func (b *queueBoard) events(t *testing.T, id int64) []boardsql.Event {
	t.Helper()
	ev, err := b.st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func (b *queueBoard) auditLog(t *testing.T) []audit.Entry {
	t.Helper()
	log, err := b.st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// outbox lists the queued messages, their bodies opened (they are sealed
// in the table).
func (b *queueBoard) outbox(t *testing.T) []boardsql.Mail {
	t.Helper()
	out, err := b.st.DueMail(context.Background(), time.Now().AddDate(100, 0, 0), 100000)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mailed returns the messages to an address whose subject contains a text.
func (b *queueBoard) mailed(t *testing.T, to, subject string) []boardsql.Mail {
	t.Helper()
	var out []boardsql.Mail
	for _, m := range b.outbox(t) {
		if m.To == to && strings.Contains(m.Subject, subject) {
			out = append(out, m)
		}
	}
	return out
}

// queueText is a response body with HTML entities for quotes undone, for
// searching messages.
func queueText(rec *httptest.ResponseRecorder) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(rec.Body.String())
}

// queueJSON sends a JSON request, as a program would.
func queueJSON(t *testing.T, h http.Handler, method, path string, body any, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if body == nil {
		r = httptest.NewRequest(method, path, nil)
	} else {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = httptest.NewRequest(method, path, strings.NewReader(string(data)))
		r.Header.Set("Content-Type", "application/json")
	}
	r.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		r.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// queueProblem decodes a problem+json answer.
func queueProblem(t *testing.T, rec *httptest.ResponseRecorder) (status int, detail string) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("want problem+json, got %d %s: %s", rec.Code, ct, rec.Body)
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p.Status, p.Detail
}

func TestQueueListsAndFilters(t *testing.T) {
	b := queueNewBoard(t)
	ctx := context.Background()
	data := queuePortfolio(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Oldest", auth.Applicant)
	ben := addUser(t, b.st, "ben@example.org", "Ben Reviewing", auth.Applicant)
	cat := addUser(t, b.st, "cat@example.org", "Cat Florida", auth.Applicant)
	dan := addUser(t, b.st, "dan@example.org", "Dan Drafting", auth.Applicant)
	a1 := b.create(t, ann, "aasect-cst", data)
	b.forceState(t, a1, "submitted")
	a2 := b.create(t, ben, "aasect-cst", data)
	b.forceState(t, a2, "submitted")
	b.forceState(t, a2, "under_review")
	a3 := b.create(t, cat, "florida-sex-therapist", data)
	b.forceState(t, a3, "submitted")
	b.create(t, dan, "aasect-cst", data)
	// Ann has waited 40 days, Ben 10, Cat 1.
	for id, days := range map[int64]int{a1: 40, a2: 10, a3: 1} {
		at := queueClock.AddDate(0, 0, -days).UTC().Format("2006-01-02T15:04:05.000000Z")
		if _, err := b.st.DB.ExecContext(ctx, "UPDATE applications SET updated_at = ? WHERE id = ?", at, id); err != nil {
			t.Fatal(err)
		}
	}

	rec := getAs(t, b.h, "/queue", b.staffC)
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("queue: %d %s", rec.Code, body)
	}
	if strings.Contains(body, "Dan Drafting") {
		t.Error("a draft is in the work queue")
	}
	iAnn, iBen, iCat := strings.Index(body, "Ann Oldest"), strings.Index(body, "Ben Reviewing"), strings.Index(body, "Cat Florida")
	if iAnn < 0 || iBen < 0 || iCat < 0 || !(iAnn < iBen && iBen < iCat) {
		t.Fatalf("queue must list Ann, Ben, Cat, oldest first: %d %d %d", iAnn, iBen, iCat)
	}
	if !strings.Contains(body, "<td>40</td>") || !strings.Contains(body, `class="badge s-under_review"`) {
		t.Error("days waiting or state badge missing")
	}

	for _, tc := range []struct {
		query     string
		want, not []string
	}{
		{"state=under_review", []string{"Ben Reviewing"}, []string{"Ann Oldest", "Cat Florida"}},
		{"set=florida-sex-therapist", []string{"Cat Florida"}, []string{"Ann Oldest", "Ben Reviewing"}},
		{"age=7", []string{"Ann Oldest", "Ben Reviewing"}, []string{"Cat Florida"}},
		{"age=30", []string{"Ann Oldest"}, []string{"Ben Reviewing", "Cat Florida"}},
		{"age=90", nil, []string{"Ann Oldest", "Ben Reviewing", "Cat Florida"}},
		{"state=submitted&set=aasect-cst", []string{"Ann Oldest"}, []string{"Ben Reviewing", "Cat Florida"}},
	} {
		rec := getAs(t, b.h, "/queue?"+tc.query, b.staffC)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", tc.query, rec.Code)
		}
		for _, w := range tc.want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s: %s missing", tc.query, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(rec.Body.String(), n) {
				t.Errorf("%s: %s listed", tc.query, n)
			}
		}
	}
	// The chosen filter stays selected.
	if rec := getAs(t, b.h, "/queue?state=under_review", b.staffC); !strings.Contains(rec.Body.String(), `<option value="under_review" selected>`) {
		t.Error("the state filter is not kept")
	}

	for _, q := range []string{"state=draft", "state=nonsense", "set=unknown-set", "age=12"} {
		rec := getAs(t, b.h, "/queue?"+q, b.staffC)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) || !strings.Contains(rec.Body.String(), "field-error") {
			t.Errorf("%s: %d, want 400 naming the field", q, rec.Code)
		}
	}
	// Applicants and anonymous visitors never see the queue.
	if rec := getAs(t, b.h, "/queue", sessionFor(t, b.s, ann)); rec.Code != http.StatusForbidden {
		t.Errorf("applicant: %d, want 403", rec.Code)
	}
	if rec := getAs(t, b.h, "/queue", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to sign in", rec.Code)
	}
}

func TestQueueApplicationPage(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	id := b.submitted(t, ann, queuePortfolio(t, "att-code"))
	rec := getAs(t, b.h, fmt.Sprintf("/queue/%d", id), b.staffC)
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, body)
	}
	for _, want := range []string{
		"Ann Applicant", `class="badge s-submitted"`, // applicant and state
		`class="badge s-pending_verification"`, "<progress", "Signed AASECT Code of Conduct", // the report block
		"edu-human-sexuality", "att-code", `class="badge s-claimed"`, // evidence with its state
		`action="/queue/` + strconv.FormatInt(id, 10) + `/actions/start_review"`, "Start the review", // what is possible now
		"/applications/" + strconv.FormatInt(id, 10) + "/documents", // the files
		`class="timeline"`, "submit", // history
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the staff page lacks %q", want)
		}
	}
	for _, not := range []string{"/actions/approve", "/actions/deny", `name="decision"`} {
		if strings.Contains(body, not) {
			t.Errorf("a submitted application offers %q", not)
		}
	}
	b.mustAct(t, id, "start_review", "")
	body = getAs(t, b.h, fmt.Sprintf("/queue/%d", id), b.staffC).Body.String()
	for _, want := range []string{`name="decision" value="verify"`, `name="decision" value="reject"`, "/actions/request_info", "/actions/deny", "/actions/return",
		"/actions/send_to_peer_review", `<label for="reason-deny">`} {
		if !strings.Contains(body, want) {
			t.Errorf("under review, the page lacks %q", want)
		}
	}
	if rec := getAs(t, b.h, fmt.Sprintf("/queue/%d", id), sessionFor(t, b.s, ann)); rec.Code != http.StatusForbidden {
		t.Errorf("the applicant on the staff page: %d", rec.Code)
	}
	if rec := getAs(t, b.h, "/queue/99999", b.staffC); rec.Code != http.StatusNotFound {
		t.Errorf("unknown application: %d", rec.Code)
	}
}

func TestQueueVerifyAndReject(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	id := b.submitted(t, ann, queuePortfolio(t, "att-code", "doc-license", "ins-2026"))

	// Before the review starts, nothing can be verified.
	if rec := b.verify(t, id, "att-code", "verify", ""); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "start the review first") {
		t.Fatalf("verify while submitted: %d", rec.Code)
	}
	b.mustAct(t, id, "start_review", "")
	if m := b.mailed(t, "ann@example.org", "under review"); len(m) != 1 {
		t.Fatalf("the applicant was not told the review started: %+v", b.outbox(t))
	}

	version := b.load(t, id).Version
	events, entries := b.counts(t, id)
	unchanged := func(what string) {
		t.Helper()
		if v := b.load(t, id).Version; v != version {
			t.Errorf("%s: version %d, want %d", what, v, version)
		}
		if e, a := b.counts(t, id); e != events || a != entries {
			t.Errorf("%s: events %d→%d, audit %d→%d", what, events, e, entries, a)
		}
		if st := b.snapshotItem(t, id, "att-code").EffectiveState(); st != portfolio.Claimed {
			t.Errorf("%s: att-code is %s", what, st)
		}
	}
	rec := b.verify(t, id, "att-code", "reject", "  ")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "reason: say why") || !strings.Contains(rec.Body.String(), `aria-describedby="err-item-att-code"`) {
		t.Fatalf("reject without a reason: %d", rec.Code)
	}
	unchanged("reject without a reason")
	if rec := b.verify(t, id, "att-code", "maybe", "x"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "decision: choose verify or reject") {
		t.Fatalf("unknown decision: %d", rec.Code)
	}
	unchanged("unknown decision")
	stale := postForm(t, b.h, fmt.Sprintf("/queue/%d/items/att-code", id), url.Values{"version": {strconv.Itoa(version - 1)}, "decision": {"verify"}}, b.staffC)
	if stale.Code != http.StatusConflict || !strings.Contains(stale.Body.String(), "changed by someone else") {
		t.Fatalf("stale version: %d %s", stale.Code, stale.Body)
	}
	unchanged("stale version")
	if rec := b.verify(t, id, "no-such-item", "verify", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown item: %d", rec.Code)
	}
	unchanged("unknown item")

	// Verify: both the snapshot and the applicant's live portfolio.
	if rec := b.verify(t, id, "att-code", "verify", "Signed copy on file"); rec.Code != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	want := portfolio.Verification{State: portfolio.Verified, By: "Sam Staff", At: b.s.today(), Note: "Signed copy on file"}
	if got := b.snapshotItem(t, id, "att-code"); got != want {
		t.Fatalf("snapshot: %+v, want %+v", got, want)
	}
	if got := b.liveItem(t, id, "att-code"); got != want {
		t.Fatalf("live portfolio: %+v, want %+v", got, want)
	}
	if v := b.load(t, id).Version; v <= version {
		t.Fatalf("version did not move: %d", v)
	}
	ev := b.events(t, id)
	if last := ev[len(ev)-1]; last.Action != "verify_item" || last.ActorID != b.staff.ID || !strings.Contains(last.Message, "att-code") {
		t.Fatalf("event: %+v", last)
	}
	log := b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "application.item.verify" || last.Subject != fmt.Sprintf("application/%d/item/att-code", id) ||
		last.Before != "claimed" || last.After != "verified" || strings.Contains(last.Before+last.After, "Signed copy") {
		t.Fatalf("audit: %+v", last)
	}

	// Reject with a reason the applicant reads.
	if rec := b.verify(t, id, "doc-license", "reject", "The scan is illegible."); rec.Code != http.StatusSeeOther {
		t.Fatalf("reject: %d %s", rec.Code, rec.Body)
	}
	if got := b.snapshotItem(t, id, "doc-license"); got.State != portfolio.Rejected || got.Note != "The scan is illegible." || got.By != "Sam Staff" {
		t.Fatalf("rejected item: %+v", got)
	}
	ev = b.events(t, id)
	if last := ev[len(ev)-1]; last.Action != "reject_item" || !strings.Contains(last.Message, "The scan is illegible.") {
		t.Fatalf("event: %+v", last)
	}
	log = b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "application.item.reject" || strings.Contains(last.Before+last.After+last.Subject, "illegible") {
		t.Fatalf("audit: %+v", last)
	}

	// An item the applicant changed in the live portfolio keeps its own
	// state: the board's decision is about what was submitted.
	app := b.load(t, id)
	live, err := portfolio.Decode(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	live.Insurance[0].Policy = "PL-999999"
	changed, _ := portfolio.Encode(live)
	if err := b.s.inTx(context.Background(), func(tx *boardsql.Tx) error {
		_, err := tx.SavePortfolio(context.Background(), id, app.Version, changed, queueClock)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if rec := b.verify(t, id, "ins-2026", "verify", ""); rec.Code != http.StatusSeeOther {
		t.Fatalf("verify ins-2026: %d", rec.Code)
	}
	if got := b.snapshotItem(t, id, "ins-2026").State; got != portfolio.Verified {
		t.Fatalf("snapshot ins-2026: %s", got)
	}
	if got := b.liveItem(t, id, "ins-2026").EffectiveState(); got != portfolio.Claimed {
		t.Fatalf("the changed live item was marked %s", got)
	}

	// The API does the same, and says which field is wrong.
	v := b.load(t, id).Version
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/items/mem-aasect/verification", id), map[string]any{"decision": "reject", "version": v}, b.staffC)
	if st, detail := queueProblem(t, rec); st != 400 || !strings.HasPrefix(detail, "reason:") {
		t.Fatalf("API reject without reason: %d %s", st, detail)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/items/mem-aasect/verification", id), map[string]any{"decision": "verify", "version": v - 1}, b.staffC)
	if st, _ := queueProblem(t, rec); st != http.StatusConflict {
		t.Fatalf("API stale version: %d", st)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/items/mem-aasect/verification", id), map[string]any{"decision": "verify", "version": v}, b.staffC)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state": "verified"`) {
		t.Fatalf("API verify: %d %s", rec.Code, rec.Body)
	}
	// Applicants cannot verify.
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/items/mem-aasect/verification", id), map[string]any{"decision": "verify", "version": v + 1},
		sessionFor(t, b.s, ann))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("applicant verifying: %d", rec.Code)
	}
}

// TestQueueIllegalTransitionsRefused tries every action staff cannot take
// from every state and checks each is refused with the state machine's
// message, changing nothing.
func TestQueueIllegalTransitionsRefused(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	staffActor := board.Actor{Roles: b.staff.Roles}
	actions := []board.Action{board.Submit, board.StartReview, board.RequestInfo, board.AnswerInfo,
		board.SendToPeerReview, board.Approve, board.Deny, board.Return, board.Withdraw, "explode"}
	path := map[board.State][]board.State{
		board.Draft:         nil,
		board.Submitted:     {board.Submitted},
		board.UnderReview:   {board.Submitted, board.UnderReview},
		board.InfoRequested: {board.Submitted, board.UnderReview, board.InfoRequested},
		board.PeerReview:    {board.Submitted, board.UnderReview, board.PeerReview},
		board.Returned:      {board.Submitted, board.UnderReview, board.Returned},
		board.Approved:      {board.Submitted, board.UnderReview, board.PeerReview, board.Approved},
		board.Denied:        {board.Submitted, board.UnderReview, board.Denied},
		board.Withdrawn:     {board.Withdrawn},
	}
	tried := 0
	for _, from := range board.States {
		id := b.create(t, ann, "aasect-cst", queuePortfolio(t))
		for _, st := range path[from] {
			b.forceState(t, id, st)
		}
		for _, a := range actions {
			_, want := board.Next(from, a, staffActor, "because")
			if want == nil {
				continue
			}
			tried++
			ae := want.(*certboard.Error)
			before := b.load(t, id)
			events, entries := b.counts(t, id)
			mails := len(b.outbox(t))

			rec := queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/%s", id, a), map[string]any{"reason": "because", "version": before.Version}, b.staffC)
			status, detail := queueProblem(t, rec)
			wantStatus := map[certboard.Code]int{certboard.Invalid: 422, certboard.Forbidden: 403, certboard.Conflict: 409}[ae.Code]
			if status != wantStatus || rec.Code != wantStatus || detail != ae.Message {
				t.Errorf("%s from %s: %d %q, want %d %q", a, from, status, detail, wantStatus, ae.Message)
			}
			page := b.act(t, id, string(a), "because")
			if page.Code != wantStatus || !strings.Contains(queueText(page), ae.Message) {
				t.Errorf("%s from %s on the page: %d, want %d with %q", a, from, page.Code, wantStatus, ae.Message)
			}
			after := b.load(t, id)
			if after.State != before.State || after.Version != before.Version {
				t.Errorf("%s from %s changed the application: %s v%d", a, from, after.State, after.Version)
			}
			if e, n := b.counts(t, id); e != events || n != entries || len(b.outbox(t)) != mails {
				t.Errorf("%s from %s left events, audit entries or mail", a, from)
			}
		}
	}
	if tried < 40 {
		t.Fatalf("only %d refusals tried", tried)
	}
	// A reason is required where the applicant must learn why.
	id := b.submitted(t, ann, queuePortfolio(t))
	b.mustAct(t, id, "start_review", "")
	for _, a := range []string{"deny", "return", "request_info"} {
		rec := b.act(t, id, a, " ")
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "reason: say why") ||
			!strings.Contains(rec.Body.String(), `aria-describedby="reason-`+a+`-err"`) {
			t.Errorf("%s without a reason: %d", a, rec.Code)
		}
	}
	if b.load(t, id).State != "under_review" {
		t.Fatal("a refused action changed the state")
	}
	// A stale version is a conflict.
	rec := postForm(t, b.h, fmt.Sprintf("/queue/%d/actions/send_to_peer_review", id), url.Values{"version": {"1"}}, b.staffC)
	if rec.Code != http.StatusConflict {
		t.Fatalf("stale version: %d", rec.Code)
	}
	// Staff never handle their own application.
	own := b.submitted(t, b.staff, queuePortfolio(t))
	if rec := b.act(t, own, "start_review", ""); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "your own application") {
		t.Fatalf("own application: %d", rec.Code)
	}
	if rec := getAs(t, b.h, fmt.Sprintf("/queue/%d", own), b.staffC); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "your own application") {
		t.Fatalf("own application's staff page: %d", rec.Code)
	}
	v := b.load(t, own).Version
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/start_review", own), map[string]any{"version": v}, b.staffC)
	if st, _ := queueProblem(t, rec); st != http.StatusForbidden {
		t.Fatalf("own application through the API: %d", st)
	}
}

func TestQueueStaffTransitionsMailTheApplicant(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	id := b.submitted(t, ann, queuePortfolio(t))
	b.mustAct(t, id, "start_review", "")
	b.mustAct(t, id, "request_info", "Please send the signed supervision contract.")
	if b.load(t, id).State != "info_requested" {
		t.Fatal("not info_requested")
	}
	m := b.mailed(t, "ann@example.org", "info requested")
	if len(m) != 1 || !strings.Contains(m[0].Body, "Please send the signed supervision contract.") {
		t.Fatalf("mail: %+v", b.outbox(t))
	}
	// The applicant answers through the API; staff are told.
	app := b.load(t, id)
	rec := queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/answer_info", id), map[string]any{"reason": "Uploaded it.", "version": app.Version},
		sessionFor(t, b.s, ann))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state": "under_review"`) {
		t.Fatalf("answer: %d %s", rec.Code, rec.Body)
	}
	if m := b.mailed(t, "sam.staff@board.example", "under review"); len(m) != 1 {
		t.Fatalf("staff were not told: %+v", b.outbox(t))
	}
	b.mustAct(t, id, "deny", "The supervision hours do not meet the standard.")
	if m := b.mailed(t, "ann@example.org", "denied"); len(m) != 1 || !strings.Contains(m[0].Body, "The supervision hours do not meet the standard.") {
		t.Fatalf("denial mail: %+v", b.outbox(t))
	}
	log := b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "application.deny" || last.Before != "under_review" || last.After != "denied" {
		t.Fatalf("audit: %+v", last)
	}
}

func TestQueueApprovalNeedsEligibilityAndMajority(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	r1 := addUser(t, b.st, "r1@example.org", "Rita One", auth.Reviewer)
	r2 := addUser(t, b.st, "r2@example.org", "Raj Two", auth.Reviewer)
	r3 := addUser(t, b.st, "r3@example.org", "Rosa Three", auth.Reviewer)
	id := b.submitted(t, ann, queuePortfolio(t, "att-code"))
	b.mustAct(t, id, "start_review", "")
	b.mustAct(t, id, "send_to_peer_review", "")

	refused := func(want ...string) {
		t.Helper()
		rec := b.act(t, id, "approve", "")
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("approve: %d, want 422", rec.Code)
		}
		for _, w := range want {
			if !strings.Contains(queueText(rec), w) {
				t.Errorf("the refusal does not say %q", w)
			}
		}
		if b.load(t, id).State != "peer_review" {
			t.Fatal("refused approval changed the state")
		}
	}
	refused("cannot approve yet", "not eligible", "Code of Conduct", "no peer reviewer is assigned")

	for _, r := range []*boardsql.User{r1, r2, r3} {
		if rec := b.assign(t, id, r); rec.Code != http.StatusSeeOther {
			t.Fatalf("assign %s: %d %s", r.Name, rec.Code, rec.Body)
		}
		if m := b.mailed(t, r.Email, "Please review the application of"); len(m) != 1 || !strings.Contains(m[0].Body, fmt.Sprintf("/reviews/%d", id)) {
			t.Fatalf("%s was not asked by mail: %+v", r.Name, b.outbox(t))
		}
	}
	refused("not eligible", "waiting for the votes of Rita One, Raj Two, Rosa Three")

	if rec := b.verify(t, id, "att-code", "verify", ""); rec.Code != http.StatusSeeOther {
		t.Fatalf("verify: %d", rec.Code)
	}
	vote := func(r *boardsql.User, v, comments string) {
		t.Helper()
		rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {v}, "comments": {comments}}, sessionFor(t, b.s, r))
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s votes %s: %d %s", r.Name, v, rec.Code, rec.Body)
		}
	}
	vote(r1, "approve", "")
	rec := b.act(t, id, "approve", "")
	if strings.Contains(queueText(rec), "not eligible") {
		t.Error("the report is eligible now")
	}
	refused("waiting for the votes of Raj Two, Rosa Three")
	vote(r2, "reject", "Case formulations are thin.")
	vote(r3, "revise", "Add the second supervisor's log.")
	refused("1 of 3 reviewers voted to approve; approval needs a majority")
	// Staff see votes and comments on the page.
	body := getAs(t, b.h, fmt.Sprintf("/queue/%d", id), b.staffC).Body.String()
	for _, w := range []string{"Case formulations are thin.", "Add the second supervisor's log.", "Rita One", ">approve<", ">reject<", ">revise<"} {
		if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), w) {
			t.Errorf("the queue page does not show %q", w)
		}
	}
	// A reviewer may change their vote until the board decides.
	vote(r2, "approve", "")
	b.mustAct(t, id, "approve", "")
	if b.load(t, id).State != "approved" {
		t.Fatal("not approved")
	}
	if m := b.mailed(t, "ann@example.org", "approved"); len(m) != 1 {
		t.Fatalf("approval mail: %+v", b.outbox(t))
	}
	rec = postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {"reject"}, "comments": {"late"}}, sessionFor(t, b.s, r3))
	// Once decided, the application is closed to its reviewers altogether.
	if rec.Code != http.StatusNotFound {
		t.Fatalf("vote after the decision: %d", rec.Code)
	}
}

// TestQueueVotesOfAnEarlierRoundDoNotCount: after peer review is left and
// entered again, the reviewers must vote again.
func TestQueueVotesOfAnEarlierRoundDoNotCount(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	r1 := addUser(t, b.st, "r1@example.org", "Rita One", auth.Reviewer)
	id := b.submitted(t, ann, queuePortfolio(t))
	b.mustAct(t, id, "start_review", "")
	b.mustAct(t, id, "send_to_peer_review", "")
	if rec := b.assign(t, id, r1); rec.Code != http.StatusSeeOther {
		t.Fatal(rec.Code)
	}
	if rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {"approve"}}, sessionFor(t, b.s, r1)); rec.Code != http.StatusSeeOther {
		t.Fatal(rec.Code)
	}
	b.mustAct(t, id, "request_info", "One question.")
	app := b.load(t, id)
	if _, err := b.s.act(context.Background(), ann, app, app.Version, board.AnswerInfo, "Answered."); err != nil {
		t.Fatal(err)
	}
	// A later round: the clock moves on.
	b.s.cfg.Now = func() time.Time { return queueClock.Add(time.Minute) }
	b.mustAct(t, id, "send_to_peer_review", "")
	rec := b.act(t, id, "approve", "")
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "waiting for the votes of Rita One") {
		t.Fatalf("approval on an old vote: %d", rec.Code)
	}
	if !strings.Contains(getAs(t, b.h, fmt.Sprintf("/queue/%d", id), b.staffC).Body.String(), "in an earlier round") {
		t.Error("the page does not say the vote is from an earlier round")
	}
}

func TestQueueReviewerConflictChecks(t *testing.T) {
	b := queueNewBoard(t)
	ctx := context.Background()
	// The applicant is a reviewer too, so that "not themself" is tested.
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant, auth.Reviewer)
	setPractice := func(u *boardsql.User, practice string) {
		t.Helper()
		u.Workplace = practice
		if _, err := b.st.UpdateUser(ctx, b.st.DB, *u); err != nil {
			t.Fatal(err)
		}
	}
	setPractice(ann, "Northside Therapy")
	id := b.submitted(t, ann, queuePortfolio(t))

	plain := addUser(t, b.st, "pat@example.org", "Pat Applicant", auth.Applicant)
	linked := addUser(t, b.st, "linked@example.org", "Lee Linked", auth.Reviewer)
	if err := b.s.inTx(ctx, func(tx *boardsql.Tx) error {
		return tx.SetSupervisors(ctx, id, []boardsql.SupervisorLink{{Ref: "sup-okafor", Email: "LINKED@example.org"}})
	}); err != nil {
		t.Fatal(err)
	}
	named := addUser(t, b.st, "maya@example.org", "  dr. MAYA okafor ", auth.Reviewer)
	portfolioPractice := addUser(t, b.st, "lake@example.org", "Lou Lakeview", auth.Reviewer)
	setPractice(portfolioPractice, "  LAKEVIEW couples clinic ")
	accountPractice := addUser(t, b.st, "north@example.org", "Nia North", auth.Reviewer)
	setPractice(accountPractice, "northside therapy")
	declared := addUser(t, b.st, "dec@example.org", "Dee Declared", auth.Reviewer)
	if err := b.s.inTx(ctx, func(tx *boardsql.Tx) error {
		return tx.DeclareConflict(ctx, boardsql.Conflict{ReviewerID: declared.ID, ApplicantID: ann.ID, Reason: "We co-authored a book", DeclaredAt: queueClock})
	}); err != nil {
		t.Fatal(err)
	}
	fine := addUser(t, b.st, "fine@example.org", "Fay Fine", auth.Reviewer)      // no practice: never a match
	elsewhere := addUser(t, b.st, "else@example.org", "Eli Else", auth.Reviewer) // another practice
	setPractice(elsewhere, "Southside Clinic")

	for _, tc := range []struct {
		who  *boardsql.User
		want string
	}{
		{plain, "does not hold the reviewer role"},
		{ann, "is the applicant"},
		{linked, "supervised the applicant"},
		{named, "supervised the applicant"},
		{portfolioPractice, "works in the applicant's practice"},
		{accountPractice, "works in the applicant's practice"},
		{declared, "declared a conflict of interest with the applicant: We co-authored a book"},
	} {
		events, entries := b.counts(t, id)
		version := b.load(t, id).Version
		rec := b.assign(t, id, tc.who)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(queueText(rec), tc.want) || !strings.Contains(rec.Body.String(), `aria-describedby="reviewer_id-err"`) {
			t.Errorf("assigning %s: %d, want 422 saying %q", tc.who.Name, rec.Code, tc.want)
		}
		if ok, _ := b.st.IsAssigned(ctx, id, tc.who.ID); ok {
			t.Errorf("%s was assigned", tc.who.Name)
		}
		if e, n := b.counts(t, id); e != events || n != entries || b.load(t, id).Version != version {
			t.Errorf("refusing %s changed something", tc.who.Name)
		}
	}
	// The API refuses the same way.
	rec := queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/reviewers", id), map[string]any{"reviewer_id": named.ID, "version": b.load(t, id).Version}, b.staffC)
	if st, detail := queueProblem(t, rec); st != 422 || !strings.HasPrefix(detail, "reviewer_id:") || !strings.Contains(detail, "supervised") {
		t.Fatalf("API: %d %s", st, detail)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/reviewers", id), map[string]any{"reviewer_id": 99999, "version": b.load(t, id).Version}, b.staffC)
	if st, detail := queueProblem(t, rec); st != 400 || !strings.HasPrefix(detail, "reviewer_id:") {
		t.Fatalf("API unknown reviewer: %d %s", st, detail)
	}

	// The page lists who can be assigned and, apart, who cannot and why.
	body := queueText(getAs(t, b.h, fmt.Sprintf("/queue/%d", id), b.staffC))
	sel := body[strings.Index(body, `<select id="reviewer_id"`):]
	sel = sel[:strings.Index(sel, "</select>")]
	for _, u := range []*boardsql.User{fine, elsewhere} {
		if !strings.Contains(sel, fmt.Sprintf(`<option value="%d"`, u.ID)) {
			t.Errorf("%s is not offered", u.Name)
		}
	}
	for _, u := range []*boardsql.User{ann, linked, named, portfolioPractice, accountPractice, declared} {
		if strings.Contains(sel, fmt.Sprintf(`<option value="%d"`, u.ID)) {
			t.Errorf("%s is offered", u.Name)
		}
	}
	if !strings.Contains(body, "Dee Declared: declared a conflict of interest") || !strings.Contains(body, "Lou Lakeview: works in the applicant's practice") {
		t.Error("the excluded reviewers are not listed with why")
	}

	for _, u := range []*boardsql.User{fine, elsewhere} {
		if rec := b.assign(t, id, u); rec.Code != http.StatusSeeOther {
			t.Fatalf("assigning %s: %d %s", u.Name, rec.Code, rec.Body)
		}
	}
	if rec := b.assign(t, id, fine); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "already assigned") {
		t.Fatalf("assigning twice: %d", rec.Code)
	}
	// Stale version.
	other := addUser(t, b.st, "oth@example.org", "Oz Other", auth.Reviewer)
	rec = postForm(t, b.h, fmt.Sprintf("/queue/%d/reviewers", id), url.Values{"version": {"1"}, "reviewer_id": {strconv.FormatInt(other.ID, 10)}}, b.staffC)
	if rec.Code != http.StatusConflict {
		t.Fatalf("stale assignment: %d", rec.Code)
	}
	log := b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "review.assign" || last.After != fmt.Sprintf("user/%d", elsewhere.ID) {
		t.Fatalf("audit: %+v", last)
	}
	// Removing a reviewer ends the assignment and tells them.
	v := strconv.Itoa(b.load(t, id).Version)
	rec = postForm(t, b.h, fmt.Sprintf("/queue/%d/reviewers/%d/remove", id, elsewhere.ID), url.Values{"version": {v}}, b.staffC)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", rec.Code, rec.Body)
	}
	if ok, _ := b.st.IsAssigned(ctx, id, elsewhere.ID); ok {
		t.Fatal("still assigned")
	}
	if m := b.mailed(t, elsewhere.Email, "no longer needed"); len(m) != 1 {
		t.Fatalf("removal mail: %+v", b.outbox(t))
	}
}

func TestQueueApplicationsAPI(t *testing.T) {
	b := queueNewBoard(t)
	ann := addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	bob := addUser(t, b.st, "bob@example.org", "Bob Applicant", auth.Applicant)
	a1 := b.submitted(t, ann, queuePortfolio(t))
	a2 := b.create(t, ann, "florida-sex-therapist", queuePortfolio(t))
	b3 := b.create(t, bob, "aasect-cst", queuePortfolio(t))
	fileEveryDocument(t, b.s, b.st, bob, b3)

	list := func(c *http.Cookie, query string) []applicationSummary {
		t.Helper()
		rec := queueJSON(t, b.h, "GET", "/api/v1/applications"+query, nil, c)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		var out struct {
			Applications []applicationSummary `json:"applications"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out.Applications
	}
	ids := func(xs []applicationSummary) []int64 {
		var out []int64
		for _, x := range xs {
			out = append(out, x.ID)
		}
		return out
	}
	annC, bobC := sessionFor(t, b.s, ann), sessionFor(t, b.s, bob)
	mine := list(annC, "")
	if got := ids(mine); len(got) != 2 || !containsID(got, a1) || !containsID(got, a2) {
		t.Fatalf("Ann sees %v", got)
	}
	if got := ids(list(bobC, "")); len(got) != 1 || got[0] != b3 {
		t.Fatalf("Bob sees %v", got)
	}
	if got := ids(list(bobC, "?state=submitted")); len(got) != 0 {
		t.Fatalf("Bob filtering sees %v", got)
	}
	if got := ids(list(b.staffC, "")); len(got) != 3 {
		t.Fatalf("staff see %v", got)
	}
	if got := ids(list(b.staffC, "?state=submitted")); len(got) != 1 || got[0] != a1 {
		t.Fatalf("staff, submitted: %v", got)
	}
	if got := ids(list(b.staffC, "?set=florida-sex-therapist")); len(got) != 1 || got[0] != a2 {
		t.Fatalf("staff, florida: %v", got)
	}
	// The fields of the fixed interface.
	rec := queueJSON(t, b.h, "GET", "/api/v1/applications?state=submitted", nil, b.staffC)
	var raw struct {
		Applications []map[string]any `json:"applications"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil || len(raw.Applications) != 1 {
		t.Fatalf("%v %s", err, rec.Body)
	}
	for _, f := range []string{"id", "set_id", "state", "applicant", "created_at", "updated_at", "submitted_at", "version"} {
		if _, ok := raw.Applications[0][f]; !ok {
			t.Errorf("field %s missing", f)
		}
	}
	if who := raw.Applications[0]["applicant"].(map[string]any); who["name"] != "Ann Applicant" || who["id"] != float64(ann.ID) {
		t.Errorf("applicant: %v", who)
	}
	if raw.Applications[0]["submitted_at"] == nil {
		t.Error("submitted_at is empty for a submitted application")
	}
	for _, q := range []string{"?state=nonsense", "?set=nope"} {
		rec := queueJSON(t, b.h, "GET", "/api/v1/applications"+q, nil, b.staffC)
		if st, detail := queueProblem(t, rec); st != 400 || !strings.HasPrefix(detail, strings.TrimPrefix(strings.Split(q, "=")[0], "?")+":") {
			t.Errorf("%s: %d %s", q, st, detail)
		}
	}
	if rec := queueJSON(t, b.h, "GET", "/api/v1/applications", nil, nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", rec.Code)
	}

	// One application: its owner, staff, not another applicant.
	rec = queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", a1), nil, annC)
	var detail struct {
		Application applicationSummary `json:"application"`
		History     []historyEventJSON `json:"history"`
		Report      map[string]any     `json:"report"`
		Actions     []string           `json:"actions"`
		Reviewers   []reviewerJSON     `json:"reviewers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &detail); err != nil || rec.Code != 200 {
		t.Fatalf("owner: %d %s", rec.Code, rec.Body)
	}
	// The history: the documents' files uploaded, then the submission.
	last := len(detail.History) - 1
	for _, e := range detail.History[:max(last, 0)] {
		if e.Action != "document_added" {
			t.Errorf("history before the submission: %+v", e)
		}
	}
	if detail.Application.State != "submitted" || last < 0 || detail.History[last].Action != "submit" || detail.Report["verdict"] != "eligible" ||
		strings.Join(detail.Actions, ",") != "withdraw" || detail.Reviewers != nil {
		t.Fatalf("owner's view: %+v", detail)
	}
	if rec := queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", a1), nil, bobC); rec.Code != http.StatusNotFound {
		t.Fatalf("another applicant: %d", rec.Code)
	}
	// Owner submits through the API; a stale version is a conflict.
	app := b.load(t, b3)
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/submit", b3), map[string]any{"version": app.Version + 5}, bobC)
	if st, _ := queueProblem(t, rec); st != http.StatusConflict {
		t.Fatalf("stale submit: %d", st)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/submit", b3), map[string]any{"version": app.Version}, bobC)
	if rec.Code != 200 || b.load(t, b3).State != "submitted" {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	// An applicant cannot take staff actions on their own application.
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/start_review", b3), map[string]any{"version": b.load(t, b3).Version}, bobC)
	if st, detail := queueProblem(t, rec); st != http.StatusForbidden || !strings.Contains(detail, "board staff only") {
		t.Fatalf("applicant starting review: %d %s", st, detail)
	}
	// Nor on another's.
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/withdraw", a1), map[string]any{"version": b.load(t, a1).Version}, bobC)
	if rec.Code != http.StatusNotFound || b.load(t, a1).State != "submitted" {
		t.Fatalf("withdrawing another's application: %d", rec.Code)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/start_review", b3), map[string]any{"version": b.load(t, b3).Version}, b.staffC)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state": "under_review"`) {
		t.Fatalf("staff start review via API: %d %s", rec.Code, rec.Body)
	}
	if rec := queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/actions/start_review", b3), map[string]any{"version": 0, "extra": 1}, b.staffC); rec.Code != 400 {
		t.Fatalf("unknown JSON field: %d", rec.Code)
	}
}

func containsID(xs []int64, id int64) bool {
	for _, x := range xs {
		if x == id {
			return true
		}
	}
	return false
}

// TestReportBlock renders the shared report block on its own: verdict,
// requirement cards, progress bars and caps drawn as limits, what is
// missing with the next best step first, and the evidence counted and not
// counted.
func TestReportBlock(t *testing.T) {
	s, _ := newServer(t)
	rep := &eligibility.Report{
		Set: eligibility.SetRef{ID: "x", Title: "Example Credential", Body: "Example Board", Version: "2026.1"}, Verdict: eligibility.VerdictNotEligible,
		Summary: "1 of 2 requirements met.",
		Results: []eligibility.Result{
			{ID: "hours", Title: "Supervised hours", Status: eligibility.Unmet, Explanation: "40 of 100 hours.",
				Progress:  []eligibility.Progress{{Label: "total", Value: 40, Target: 100, Unit: "hours", Text: "40 of 100 hours"}, {Label: "cap", Value: 30, Limit: 20, Text: "telehealth: 30 offered, 20 may count"}},
				Evidence:  []eligibility.Use{{ID: "clin-1", Amount: 40, State: "verified", Areas: []eligibility.AreaAmount{{Area: "a", Amount: 25}, {Area: "b", Amount: 15}}}},
				Excluded:  []eligibility.Excluded{{ID: "clin-9", Reason: "dated after the as-of date"}},
				Shortfall: &eligibility.Shortfall{Amount: 60, Unit: "hours", Steps: []string{"Log 60 more supervised hours", "Or move telehealth hours in-person"}}},
			{ID: "oath", Title: "Code signed", Status: eligibility.Met, Explanation: "Signed."},
		},
	}
	var buf strings.Builder
	if err := s.pages["queue"].ExecuteTemplate(&buf, "report", rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`class="badge s-not_eligible">not eligible</span> 1 of 2 requirements met.`,
		`class="badge s-unmet">unmet</span>`, `class="badge s-met">met</span>`,
		`<progress value="40" max="100" aria-labelledby="req-hours-p0">`, `<span id="req-hours-p0">40 of 100 hours</span>`,
		// A cap is drawn as a limit, not as a bar to fill.
		`<span id="req-hours-p1"><span class="limit-tag">Limit</span> telehealth: 30 offered, 20 may count</span>`,
		`role="meter" aria-labelledby="req-hours-p1" aria-valuemin="0" aria-valuemax="20" aria-valuenow="20" aria-valuetext="20 of at most 20"`,
		"What is missing: 60 hours", `<p class="next"><strong>Next best step:</strong> Log 60 more supervised hours</p>`,
		"<li>Or move telehealth hours in-person</li>",
		"<summary>Evidence: 1 counted, 1 not counted</summary>", "<code>clin-1</code>: 40 (a: 25, b: 15)", "<code>clin-9</code>: dated after the as-of date",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	if strings.Contains(out, "style=") || strings.Contains(out, "<script") {
		t.Error("inline style or script in the report")
	}
	if strings.Contains(out, `<progress value="20"`) {
		t.Error("the cap is drawn as a progress bar")
	}
	buf.Reset()
	if err := s.pages["queue"].ExecuteTemplate(&buf, "report", (*eligibility.Report)(nil)); err != nil || !strings.Contains(buf.String(), "No eligibility report") {
		t.Fatalf("nil report: %v %s", err, buf.String())
	}
}
