package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/verifier"
)

// testClock is an injected clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// clockedServer is a test server on an injected clock set to start.
func clockedServer(t *testing.T, start time.Time) (*Server, *boardsql.Store, *testClock) {
	t.Helper()
	s, st := newServer(t)
	clk := &testClock{t: start}
	s.cfg.Now = clk.Now
	return s, st, clk
}

// issueTo gives holder an approved aasect-cst application (the example
// eligible portfolio, its AASECT membership running to memberTo) and
// issues its credential at the clock's time, as approval does.
func issueTo(t *testing.T, s *Server, holder, staff *boardsql.User, memberTo date.Date) *boardsql.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	raw, err := examples.Portfolio("cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	p.Person.ID, p.Person.Name, p.Person.Email = fmt.Sprintf("p%d", holder.ID), holder.Name, holder.Email
	for i := range p.Memberships {
		p.Memberships[i].To = memberTo
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	set := s.sets().Latest("aasect-cst")
	now := s.now()
	var credID string
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		id, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: holder.ID, SetID: "aasect-cst", State: board.Approved, Portfolio: data, CreatedAt: now})
		if err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, id, data, set.Version, now); err != nil {
			return err
		}
		app := &boardsql.Application{ID: id, ApplicantID: holder.ID, SetID: "aasect-cst", State: board.Approved, Portfolio: data,
			Snapshot: data, SnapshotSetVersion: set.Version, ApplicantName: holder.Name, ApplicantEmail: holder.Email}
		credID, err = s.issueCredential(ctx, tx, staff, app, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.store().Credential(ctx, credID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// subjectsTo lists the subjects of the mail in the outbox for an address.
func subjectsTo(t *testing.T, st *boardsql.Store, addr string) []string {
	t.Helper()
	rows, err := st.DB.Query(st.Dialect.Rebind("SELECT subject FROM outbox WHERE to_addr = ? ORDER BY id"), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func countIn(subjects []string, sub string) int {
	n := 0
	for _, s := range subjects {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func runJobs(t *testing.T, s *Server) int {
	t.Helper()
	n, err := s.RunDueJobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRemindersAndExpiry moves the clock through a credential's life: a
// reminder 120, 60 and 30 days before expiry, each once however often the
// worker runs; valid the day before expiry, expired on the day, and only
// expired: not suspended, not in the suspension list.
func TestRemindersAndExpiry(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	c := issueTo(t, s, holder, staff, date.Date{}) // a membership without end
	if want := start.AddDate(3, 0, 0); !c.ValidUntil.Equal(want) {
		t.Fatalf("valid until %s, want %s", c.ValidUntil, want)
	}
	jobs, err := st.Jobs(ctx, board.CredentialJobPrefix(c.ID))
	if err != nil || len(jobs) != 4 {
		t.Fatalf("scheduled %d jobs, want 3 reminders and the expiry: %+v %v", len(jobs), jobs, err)
	}
	reminders := func() int { return countIn(subjectsTo(t, st, holder.Email), "expires in") }
	runJobs(t, s)
	if reminders() != 0 {
		t.Fatal("a reminder went out at issuance")
	}
	for i, d := range []int{120, 60, 30} {
		clk.Set(c.ValidUntil.AddDate(0, 0, -d).Add(-time.Minute))
		runJobs(t, s)
		if reminders() != i {
			t.Fatalf("the %d-day reminder went out a minute early", d)
		}
		clk.Set(c.ValidUntil.AddDate(0, 0, -d).Add(time.Hour))
		runJobs(t, s)
		runJobs(t, s) // twice: nothing more
		if got := reminders(); got != i+1 {
			t.Fatalf("after the %d-day mark: %d reminders, want %d", d, got, i+1)
		}
	}
	if subj := subjectsTo(t, st, holder.Email); countIn(subj, "expires in 30 days") != 1 || countIn(subj, "expires in 120 days") != 1 {
		t.Fatalf("reminders: %v", subj)
	}
	// The day before: still valid and active. On the day: expired.
	clk.Set(c.ValidUntil.Add(-24 * time.Hour))
	runJobs(t, s)
	if cur, _ := st.Credential(ctx, c.ID); cur.Status() != "active" || countIn(subjectsTo(t, st, holder.Email), "expired") != 0 {
		t.Fatalf("the day before expiry: %s", cur.Status())
	}
	if rep := s.verifyNow(t, c); rep != "valid" {
		t.Fatalf("the day before expiry the credential verifies as %s", rep)
	}
	clk.Set(c.ValidUntil.Add(time.Minute))
	runJobs(t, s)
	runJobs(t, s)
	if rep := s.verifyNow(t, c); rep != "invalid" {
		t.Fatalf("on the day of expiry the credential verifies as %s", rep)
	}
	subj := subjectsTo(t, st, holder.Email)
	if countIn(subj, "expired today") != 1 || countIn(subj, "suspended") != 0 {
		t.Fatalf("mail on expiry: %v", subj)
	}
	clk.Set(c.ValidUntil.AddDate(0, 2, 0))
	runJobs(t, s)
	cur, _ := st.Credential(ctx, c.ID)
	if st, _ := s.standing(cur); cur.Status() != "active" || st != "expired" {
		t.Fatalf("two months after expiry: status %s, standing %s, reason %q", cur.Status(), st, cur.SuspendReason)
	}
	bits, err := st.SetStatusBits(ctx, "suspension", cur.SuspensionList)
	if err != nil || len(bits) != 0 {
		t.Fatalf("suspension bits %v %v; an expired credential is not suspended", bits, err)
	}
	log, err := st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if e.Subject == "credential/"+c.ID {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
	}
	if strings.Join(actions, ",") != "credential.issue by user/"+fmt.Sprint(staff.ID)+",credential.expire by system/lifecycle" {
		t.Fatalf("audit: %v", actions)
	}
}

// verifyNow verifies a credential's document at the server's clock, as the
// credential page does, and returns the verdict.
func (s *Server) verifyNow(t *testing.T, c *boardsql.IssuedCredential) string {
	t.Helper()
	return verifier.Verify(context.Background(), c.Document, s.verifierFetch, s.now()).Status()
}

// TestLapsedMembershipSuspends: the daily sweep suspends a credential whose
// holder's AASECT membership ended, once, with the date; a membership
// renewed in the open renewal keeps the credential active once staff
// verified it, and a renewed membership only claimed keeps nothing alive.
func TestLapsedMembershipSuspends(t *testing.T) {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	lapsing := addUser(t, st, "lapsing@example.org", "Lee Lapsing", auth.Applicant)
	renewed := addUser(t, st, "renewed@example.org", "Rae Renewed", auth.Applicant)
	end := date.Of(2026, 12, 31)
	c1 := issueTo(t, s, lapsing, staff, end)
	c2 := issueTo(t, s, renewed, staff, end)
	claims := addUser(t, st, "claims@example.org", "Cam Claims", auth.Applicant)
	c3 := issueTo(t, s, claims, staff, end)
	// Rae records a renewed membership in her renewal, which staff
	// verified; Cam records one that nobody checked.
	renew := func(who *boardsql.User, c *boardsql.IssuedCredential, v portfolio.Verification) {
		t.Helper()
		app, err := s.renewalApplication(ctx, who, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		p, err := portfolio.DecodeStored(app.Portfolio)
		if err != nil {
			t.Fatal(err)
		}
		p.Memberships = append(p.Memberships, portfolio.Membership{ID: "mem-2027", Organization: "AASECT", From: date.Of(2027, 1, 1), To: date.Of(2027, 12, 31), Verification: v})
		if _, err := s.savePortfolio(ctx, who, app, app.Version, p, "membership renewed"); err != nil {
			t.Fatal(err)
		}
	}
	renew(renewed, c2, portfolio.Verification{State: portfolio.Verified, By: "staff", At: date.Of(2026, 12, 1)})
	renew(claims, c3, portfolio.Verification{State: portfolio.Claimed})
	clk.Set(time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC))
	runJobs(t, s)
	if cur, _ := st.Credential(ctx, c1.ID); cur.Status() != "active" {
		t.Fatalf("suspended on the membership's last day: %s", cur.SuspendReason)
	}
	clk.Set(time.Date(2027, 1, 1, 0, 5, 0, 0, time.UTC))
	runJobs(t, s)
	runJobs(t, s)
	cur, _ := st.Credential(ctx, c1.ID)
	if cur.Status() != "suspended" || cur.SuspendReason != "membership lapsed on 2026-12-31" {
		t.Fatalf("lapsed membership: %s %q", cur.Status(), cur.SuspendReason)
	}
	if n := countIn(subjectsTo(t, st, lapsing.Email), "suspended"); n != 1 {
		t.Fatalf("%d suspension mails", n)
	}
	if cur, _ := st.Credential(ctx, c2.ID); cur.Status() != "active" {
		t.Fatalf("a renewed membership was suspended: %q", cur.SuspendReason)
	}
	if cur, _ := st.Credential(ctx, c3.ID); cur.Status() != "suspended" || cur.SuspendReason != "membership lapsed on 2026-12-31" {
		t.Fatalf("a membership only claimed kept the credential: %s %q", cur.Status(), cur.SuspendReason)
	}
	// Staff reinstate: the reinstatement stands, on this day's sweep and on
	// the next days', as long as the membership has not lapsed again.
	err := s.inTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialStatus(ctx, c1.ID, "reinstate", "", clk.Now()) })
	if err != nil {
		t.Fatal(err)
	}
	runJobs(t, s) // today's sweep already ran
	if cur, _ := st.Credential(ctx, c1.ID); cur.Status() != "active" {
		t.Fatal("the same day's sweep ran twice")
	}
	for _, day := range []int{2, 3, 10} {
		clk.Set(time.Date(2027, 1, day, 0, 5, 0, 0, time.UTC))
		runJobs(t, s)
		if cur, _ := st.Credential(ctx, c1.ID); cur.Status() != "active" {
			t.Fatalf("on 2027-01-%02d the sweep overrode the staff reinstatement: %q", day, cur.SuspendReason)
		}
	}
	if n := countIn(subjectsTo(t, st, lapsing.Email), "suspended"); n != 1 {
		t.Fatalf("%d suspension mails after the reinstatement", n)
	}
}

// TestJobsSurviveRestart: jobs scheduled by one server run on a new server
// over the same store.
func TestJobsSurviveRestart(t *testing.T) {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s, st, _ := clockedServer(t, start)
	staff := addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	c := issueTo(t, s, holder, staff, date.Date{})
	later := &testClock{t: c.ValidUntil.AddDate(0, 0, -100)}
	s2, err := New(Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Sets: s.cfg.Sets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: later.Now})
	if err != nil {
		t.Fatal(err)
	}
	if n := runJobs(t, s2); n < 1 {
		t.Fatalf("the new server ran %d jobs", n)
	}
	if countIn(subjectsTo(t, st, holder.Email), "expires in 120 days") != 1 {
		t.Fatalf("mail: %v", subjectsTo(t, st, holder.Email))
	}
}

// TestRunJobsStops: the worker loop runs due jobs and ends with its context.
func TestRunJobsStops(t *testing.T) {
	s, st, _ := clockedServer(t, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunJobs(ctx, time.Hour); close(done) }()
	// The first pass schedules today's sweeps (membership, files, accounts)
	// and runs them.
	for i := 0; ; i++ {
		js, err := st.Jobs(context.Background(), "sweep/")
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 3 && !slices.ContainsFunc(js, func(j boardsql.Job) bool { return j.DoneAt.IsZero() }) {
			break
		}
		if i > 5000 {
			t.Fatal("the worker did not run the sweep")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}

// TestSweepSurvivesOneBadCredential: one credential whose evidence can no
// longer be read does not stop the daily membership sweep for the others
// (it would otherwise fail, and be retried, every day).
func TestSweepSurvivesOneBadCredential(t *testing.T) {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	broken := addUser(t, st, "broken@example.org", "Bo Broken", auth.Applicant)
	lapsing := addUser(t, st, "lapsing@example.org", "Lee Lapsing", auth.Applicant)
	end := date.Of(2026, 12, 31)
	c1 := issueTo(t, s, broken, staff, end)
	c2 := issueTo(t, s, lapsing, staff, end)
	if _, err := st.DB.Exec(st.Dialect.Rebind("UPDATE applications SET snapshot = ? WHERE id = ?"), []byte("not a portfolio"), c1.ApplicationID); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2027, 1, 1, 0, 5, 0, 0, time.UTC))
	runJobs(t, s) // fails the test on a job error
	if cur, _ := st.Credential(ctx, c2.ID); cur.Status() != "suspended" {
		t.Fatalf("the other credential: %s", cur.Status())
	}
	if cur, _ := st.Credential(ctx, c1.ID); cur.Status() != "active" {
		t.Fatalf("the unreadable one: %s", cur.Status())
	}
	js, err := st.Jobs(ctx, "sweep/membership/2027-01-01")
	if err != nil || len(js) != 1 || js[0].Outcome != boardsql.JobDone {
		t.Fatalf("the sweep: %+v %v", js, err)
	}
}

// TestNoReminderForSuspendedCredential: a credential suspended before its
// reminder is due gets no "start your renewal" mail (it cannot be renewed
// until reinstated).
func TestNoReminderForSuspendedCredential(t *testing.T) {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	staff := addUser(t, st, "staff@example.org", "Staff", auth.Staff)
	holder := addUser(t, st, "h@example.org", "Hal Holder", auth.Applicant)
	c := issueTo(t, s, holder, staff, date.Date{})
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		return tx.SetCredentialStatus(ctx, c.ID, "suspend", "board decision", s.now())
	}); err != nil {
		t.Fatal(err)
	}
	clk.Set(c.ValidUntil.AddDate(0, 0, -119))
	runJobs(t, s)
	if n := countIn(subjectsTo(t, st, holder.Email), "expires in"); n != 0 {
		t.Fatalf("%d reminders to a suspended credential", n)
	}
}

// TestDailyDocumentSweepIsAJob: the worker schedules the file sweep once a
// day, like the membership sweep, and runs it.
func TestDailyDocumentSweepIsAJob(t *testing.T) {
	s, st, _ := clockedServer(t, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	runJobs(t, s)
	runJobs(t, s)
	jobs, err := st.Jobs(context.Background(), "sweep/documents/")
	if err != nil || len(jobs) != 1 || jobs[0].DoneAt.IsZero() {
		t.Fatalf("document sweep jobs: %+v %v", jobs, err)
	}
}
