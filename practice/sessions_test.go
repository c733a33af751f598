package practice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// sessionsWorld is casesWorld on db: Alice's client Sam (sam@example.org)
// with an open case, Bob not assigned, an admin; the practice, Lakeview
// Couples Clinic, in America/Chicago, its phone given and its address
// not (its identifiers at version 1).
func sessionsWorld(t *testing.T, db *sqldb.DB) (*casesWorld, int64) {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st := practicesql.New(db, keys)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &casesWorld{st: st, clock: certboard.NewFixedClock(time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC))}
	if w.p, err = practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: w.clock, PublicURL: "https://practice.example"}); err != nil {
		t.Fatal(err)
	}
	w.alice = w.actor(t, "alice@practice.example", "Alice Adler", auth.Practitioner)
	w.bob = w.actor(t, "bob@practice.example", "Bob Brown", auth.Practitioner)
	w.admin = w.actor(t, "admin@practice.example", "Ines Okoro", auth.PracticeAdmin)
	w.client = w.newClient(t)
	if _, err := w.p.SetPracticeIdentifiers(ctx, w.admin, practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		Phone: "(312) 555-0148", TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	return w, w.openCase(t)
}

// videoSession is a couple's video session on 2026-12-08 at 10:00 in
// Chicago (16:00 UTC), 25 hours after the world's clock.
var videoSession = practice.SessionInput{Date: "2026-12-08", Time: "10:00", Minutes: "50", Modality: "video",
	VideoLink: "https://meet.example/room-7f3a", Kind: "couple", CPT: "90847", Fee: "150.00"}

func wantSessionCode(t *testing.T, what string, err error, code certboard.Code) {
	t.Helper()
	if certboard.ErrorCode(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestScheduleSession(t *testing.T) {
	ctx := context.Background()
	w, caseID := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	s, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 8, 16, 0, 0, 0, time.UTC); !s.Start.Equal(want) || s.Status != session.Scheduled || s.ClientID != w.client ||
		s.PractitionerID != w.alice.UserID || s.FeeCents != 15000 || s.Currency != "USD" {
		t.Errorf("scheduled %+v, want a start at %v", s, want)
	}
	w.wantAudit(t, practice.AuditSessionSchedule)

	// Bad input names each field and changes nothing.
	n := w.auditCount(t)
	bad := practice.SessionInput{Date: "8/12/2026", Time: "25:00", Minutes: "5", Modality: "video", Kind: "trio", CPT: "99213", Fee: "-1", Currency: "dollars"}
	_, err = w.p.ScheduleSession(ctx, w.alice, caseID, bad)
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		t.Fatalf("bad input: %v", err)
	}
	for _, f := range []string{"date", "time", "minutes", "video_link", "kind", "cpt", "fee", "currency"} {
		if e.Fields[f] == "" {
			t.Errorf("bad input: no message for %s in %v", f, e.Fields)
		}
	}
	if w.auditCount(t) != n {
		t.Error("bad input was audited as a change")
	}

	// The same practitioner, an overlapping time: a conflict on the time.
	later := videoSession
	later.Time = "10:30"
	_, err = w.p.ScheduleSession(ctx, w.alice, caseID, later)
	if e := certboard.As(err); e == nil || e.Code != certboard.Conflict || e.Field != "time" {
		t.Errorf("an overlapping session: %v, want a conflict on the time", err)
	}
	later.Time = "10:50"
	if _, err := w.p.ScheduleSession(ctx, w.alice, caseID, later); err != nil {
		t.Errorf("a session right after another: %v", err)
	}

	// Not assigned, or an admin: refused, and the refusal audited.
	_, err = w.p.ScheduleSession(ctx, w.bob, caseID, videoSession)
	wantSessionCode(t, "Bob schedules", err, certboard.NotFound)
	w.wantAudit(t, practice.ClientChangeDenied)
	_, err = w.p.ScheduleSession(ctx, w.admin, caseID, videoSession)
	wantSessionCode(t, "the admin schedules", err, certboard.Forbidden)
	w.wantAudit(t, practice.ClientChangeDenied)
	w.emergency(t, w.admin, w.client)
	_, err = w.p.ScheduleSession(ctx, w.admin, caseID, videoSession)
	wantSessionCode(t, "the admin with emergency access schedules", err, certboard.Forbidden)

	// Reads: Alice's are audited as client reads; Bob learns nothing.
	list, err := w.p.ClientSessions(ctx, w.alice, w.client)
	if err != nil || len(list.Sessions) != 2 || len(list.OpenCases) != 1 {
		t.Fatalf("ClientSessions = %+v, %v", list, err)
	}
	w.wantAudit(t, practice.ClientRead)
	_, err = w.p.ClientSessions(ctx, w.bob, w.client)
	wantSessionCode(t, "Bob reads", err, certboard.NotFound)
	w.wantAudit(t, practice.ClientReadDenied)
	_, err = w.p.ReadSession(ctx, w.bob, s.ID)
	wantSessionCode(t, "Bob reads a session", err, certboard.NotFound)
	if v, err := w.p.ReadSession(ctx, w.admin, s.ID); err != nil || v.Access.Assigned || v.Session.VideoLink == "" {
		t.Errorf("the admin's emergency read: %+v, %v", v, err)
	}

	// No audit entry holds the video link or an amount.
	es, err := w.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.Contains(e.Before+e.After, "meet.example") || strings.Contains(e.Before+e.After, "150") || strings.Contains(e.Before+e.After, "Sam") {
			t.Errorf("audit entry %s holds record detail: %s %s", e.Action, e.Before, e.After)
		}
	}
}

func TestSessionChanges(t *testing.T) {
	ctx := context.Background()
	w, caseID := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	s, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession)
	if err != nil {
		t.Fatal(err)
	}
	// Too early to mark; Bob may not; a stale version is a conflict.
	_, err = w.p.MarkSession(ctx, w.alice, s.ID, s.Version, "attended")
	wantSessionCode(t, "marked before it started", err, certboard.Conflict)
	_, err = w.p.MarkSession(ctx, w.bob, s.ID, s.Version, "attended")
	wantSessionCode(t, "Bob marks", err, certboard.NotFound)

	moved := videoSession
	moved.Time, moved.Modality, moved.VideoLink, moved.Kind, moved.CPT, moved.Minutes = "11:00", "in_person", "ignored", "individual", "90837", "60"
	r, err := w.p.RescheduleSession(ctx, w.alice, s.ID, s.Version, moved)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || r.Start.Hour() != 17 || r.VideoLink != "" || r.Modality != session.InPerson || r.Minutes != 60 {
		t.Errorf("rescheduled %+v", r)
	}
	w.wantAudit(t, practice.AuditSessionReschedule)
	_, err = w.p.RescheduleSession(ctx, w.alice, s.ID, 1, moved)
	wantSessionCode(t, "a stale reschedule", err, certboard.Conflict)

	// The fee bounds the payment; a payment is recorded in any status.
	_, err = w.p.RecordPayment(ctx, w.alice, s.ID, r.Version, "151.00")
	if e := certboard.As(err); e == nil || e.Field != "paid" {
		t.Errorf("paying over the fee: %v", err)
	}
	p, err := w.p.RecordPayment(ctx, w.alice, s.ID, r.Version, "150")
	if err != nil || p.PaidCents != 15000 || p.PaidAt.IsZero() {
		t.Fatalf("payment: %+v, %v", p, err)
	}

	// Attended once it started, then a note of it, once.
	w.advance(27 * time.Hour)
	a, err := w.p.MarkSession(ctx, w.alice, s.ID, p.Version, "attended")
	if err != nil || a.Status != session.Attended {
		t.Fatalf("attended: %+v, %v", a, err)
	}
	_, err = w.p.CancelSession(ctx, w.alice, s.ID, a.Version, practice.CancelInput{By: "client", Reason: "ill"})
	wantSessionCode(t, "cancelling an attended session", err, certboard.Conflict)
	_, err = w.p.WriteSessionNote(ctx, w.bob, s.ID)
	wantSessionCode(t, "Bob writes the note", err, certboard.NotFound)
	n, err := w.p.WriteSessionNote(ctx, w.alice, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.Note.DateOfService.String() != "2026-12-08" || n.CaseID != caseID || n.AuthorID != w.alice.UserID {
		t.Errorf("the session's note: %+v", n)
	}
	w.wantAudit(t, practice.AuditNoteWrite, practice.AuditSessionNote)
	v, err := w.p.ReadSession(ctx, w.alice, s.ID)
	if err != nil || v.Session.NoteID != n.ID {
		t.Errorf("the session's note id: %+v, %v", v, err)
	}
	_, err = w.p.WriteSessionNote(ctx, w.alice, s.ID)
	wantSessionCode(t, "a second note", err, certboard.Conflict)
}

func TestCancelSession(t *testing.T) {
	ctx := context.Background()
	w, caseID := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	s, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession) // 25 hours ahead
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.p.CancelSession(ctx, w.alice, s.ID, s.Version, practice.CancelInput{By: "someone"})
	if e := certboard.As(err); e == nil || e.Fields["by"] == "" || e.Fields["reason"] == "" {
		t.Errorf("a cancellation without who or why: %v", err)
	}
	w.advance(2 * time.Hour) // now 23 hours before: late
	c, err := w.p.CancelSession(ctx, w.alice, s.ID, s.Version, practice.CancelInput{By: "client", Reason: "a family emergency"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != session.Cancelled || c.CancelledBy != session.ByClientLate || c.CancelReason != "a family emergency" {
		t.Errorf("cancelled %+v", c)
	}
	w.wantAudit(t, practice.AuditSessionCancel)
	// Its time is free again.
	if _, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession); err != nil {
		t.Errorf("scheduling in a cancelled session's time: %v", err)
	}
	_, err = w.p.MarkSession(ctx, w.alice, s.ID, c.Version, "no_show")
	wantSessionCode(t, "marking a cancelled session", err, certboard.Conflict)
}

// TestSessionReminders checks that a reminder goes out once, on both
// engines, even when two runs race, and says nothing of the record but
// the practice, the time with its zone, the length and the video link.
func TestSessionReminders(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			w, caseID := sessionsWorld(t, db)
			soon := videoSession
			soon.Date, soon.Time = "2026-12-07", "20:00" // 02:00 UTC on the 8th, 11 hours ahead
			s, err := w.p.ScheduleSession(ctx, w.alice, caseID, soon)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession); err != nil { // 25 hours ahead: not yet
				t.Fatal(err)
			}
			var extras []int64
			hook := func(ctx context.Context, tx practice.Tx, s practice.Session) ([]practice.ReminderExtra, error) {
				extras = append(extras, s.ID)
				return []practice.ReminderExtra{{Text: "Please answer a short questionnaire first:", Link: "https://practice.example/m/xyz"}}, nil
			}
			var wg sync.WaitGroup
			results := make([]practice.Reminded, 2)
			for i := range results {
				wg.Go(func() {
					r, err := w.p.SendSessionReminders(ctx, hook)
					if err != nil {
						t.Error(err)
					}
					results[i] = r
				})
			}
			wg.Wait()
			if got := results[0].Mailed + results[1].Mailed; got != 1 || len(extras) != 1 || extras[0] != s.ID {
				t.Errorf("two runs mailed %d reminders (hook called for %v), want 1 for session %d", got, extras, s.ID)
			}
			if r, err := w.p.SendSessionReminders(ctx); err != nil || r.Mailed != 0 {
				t.Errorf("a third run: %+v, %v", r, err)
			}
			mails, err := w.st.DueMail(ctx, w.now().Add(time.Hour), 100)
			if err != nil {
				t.Fatal(err)
			}
			var reminders []string
			for _, m := range mails {
				if strings.HasPrefix(m.Subject, "Reminder:") {
					if m.To != "sam@example.org" {
						t.Errorf("reminder to %s", m.To)
					}
					reminders = append(reminders, m.Subject+"\n"+m.Body)
				}
			}
			if len(reminders) != 1 {
				t.Fatalf("%d reminders in the outbox, want 1", len(reminders))
			}
			body := reminders[0]
			for _, want := range []string{"Lakeview Couples Clinic", "Monday 7 December 2026 at 20:00", "America/Chicago time (CST)",
				"50 minutes", "https://meet.example/room-7f3a", "https://practice.example/m/xyz", "on (312) 555-0148"} {
				if !strings.Contains(body, want) {
					t.Errorf("the reminder lacks %q:\n%s", want, body)
				}
			}
			for _, never := range []string{"Sam", "Rivera", "Alice", "90847", "150", "couple", "case"} {
				if strings.Contains(body, never) {
					t.Errorf("the reminder says %q:\n%s", never, body)
				}
			}
			es, err := w.st.AuditLog().Entries(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var audited int
			for _, e := range es {
				if e.Action == practice.AuditSessionReminder {
					audited++
					var after map[string]any
					if err := json.Unmarshal([]byte(e.After), &after); err != nil || after["mailed"] != true || e.Actor != practice.SessionsActor {
						t.Errorf("reminder audit: %+v", e)
					}
				}
			}
			if audited != 1 {
				t.Errorf("%d reminder audit entries, want 1", audited)
			}
		})
	}
}

func TestCalendarFeed(t *testing.T) {
	ctx := context.Background()
	w, caseID := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	if _, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession); err != nil {
		t.Fatal(err)
	}
	_, err := w.p.CreateCalendarFeed(ctx, w.admin)
	wantSessionCode(t, "an admin's feed", err, certboard.Forbidden)
	if f, err := w.p.MyCalendarFeed(ctx, w.alice); err != nil || f != nil {
		t.Errorf("a feed before any: %v, %v", f, err)
	}
	token, err := w.p.CreateCalendarFeed(ctx, w.alice)
	if err != nil {
		t.Fatal(err)
	}
	w.wantAudit(t, practice.AuditFeedCreate)
	fs, err := w.p.ReadCalendarFeed(ctx, token)
	if err != nil || len(fs.Sessions) != 1 || fs.Sessions[0].Summary() != "Session (couple, video)" {
		t.Fatalf("the feed: %+v, %v", fs, err)
	}
	w.wantAudit(t, practice.AuditFeedRead)
	if fs, err := w.p.ReadCalendarFeed(ctx, mustBob(t, w)); err != nil || len(fs.Sessions) != 0 {
		t.Errorf("Bob's feed: %+v, %v", fs, err)
	}
	replaced, err := w.p.CreateCalendarFeed(ctx, w.alice)
	if err != nil || replaced == token {
		t.Fatal(err)
	}
	_, err = w.p.ReadCalendarFeed(ctx, token)
	wantSessionCode(t, "the replaced token", err, certboard.NotFound)
	if err := w.p.RevokeCalendarFeed(ctx, w.alice); err != nil {
		t.Fatal(err)
	}
	w.wantAudit(t, practice.AuditFeedRevoke)
	_, err = w.p.ReadCalendarFeed(ctx, replaced)
	wantSessionCode(t, "the revoked token", err, certboard.NotFound)
	for _, bad := range []string{"", "x", strings.Repeat("A", 43), token + "A"} {
		_, err = w.p.ReadCalendarFeed(ctx, bad)
		wantSessionCode(t, "token "+bad, err, certboard.NotFound)
	}
	wantSessionCode(t, "revoking none", w.p.RevokeCalendarFeed(ctx, w.alice), certboard.NotFound)
}

// mustBob gives Bob a calendar feed and returns its token.
func mustBob(t *testing.T, w *casesWorld) string {
	t.Helper()
	token, err := w.p.CreateCalendarFeed(context.Background(), w.bob)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestPracticeTimeZone: the practice's time zone is saved with its
// identifiers, by an admin only; a zone Go does not know is refused and
// nothing changes; a new zone changes how a session's time is shown, not
// when it is, and the audit names it among the fields changed.
func TestPracticeTimeZone(t *testing.T) {
	ctx := context.Background()
	w, caseID := sessionsWorld(t, sqldbtest.Engines(t)["sqlite"])
	s, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession)
	if err != nil {
		t.Fatal(err)
	}
	in := practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic", Phone: "(312) 555-0148", TimeZone: "Europe/Berlin"}
	_, err = w.p.SetPracticeIdentifiers(ctx, w.alice, in, 1)
	wantSessionCode(t, "a practitioner sets", err, certboard.Forbidden)
	bad := in
	bad.Name, bad.TimeZone = " ", "Mars/Olympus"
	_, err = w.p.SetPracticeIdentifiers(ctx, w.admin, bad, 1)
	if e := certboard.As(err); e == nil || e.Code != certboard.Invalid || e.Fields["name"] == "" || !strings.Contains(e.Fields["time_zone"], "Mars/Olympus") {
		t.Errorf("bad settings: %v", err)
	}
	got, err := w.p.SessionSettings(ctx)
	if err != nil || got.TimeZone != "America/Chicago" || got.Location().String() != "America/Chicago" {
		t.Errorf("settings after a refusal: %+v, %v", got, err)
	}
	if v, err := w.p.SetPracticeIdentifiers(ctx, w.admin, in, 1); err != nil || v != 2 {
		t.Fatalf("a new zone: %d, %v", v, err)
	}
	if got, err = w.p.SessionSettings(ctx); err != nil || got.TimeZone != "Europe/Berlin" || got.UpdatedBy != w.admin.UserID {
		t.Errorf("settings: %+v, %v", got, err)
	}
	if pi, err := w.p.PracticeIdentifiers(ctx, w.alice); err != nil || pi.TimeZone != "Europe/Berlin" || pi.Version != 2 {
		t.Errorf("identifiers: %+v, %v", pi, err)
	}
	view, err := w.p.ReadSession(ctx, w.alice, s.ID)
	if err != nil || !view.Session.Start.Equal(s.Start) || view.Settings.Location().String() != "Europe/Berlin" {
		t.Errorf("the session after the zone changed: %+v, %v", view, err)
	}
	es, err := w.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var updates []string
	for _, e := range es {
		if e.Action == "practice.identifiers.update" {
			updates = append(updates, e.After)
		}
	}
	if len(updates) != 2 || !strings.Contains(updates[1], `"changed":["time_zone"]`) {
		t.Errorf("audit of the updates: %q", updates)
	}
}

// TestScheduleRace schedules overlapping sessions for one practitioner,
// on the cases of two clients (so that no lock of a case serialises
// them), from several goroutines at once, on both engines: exactly one
// is kept, the others are refused as taking the time.
func TestScheduleRace(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			w, first := sessionsWorld(t, db)
			w.client = w.newClient(t)
			second := w.openCase(t)
			cases := []int64{first, second}
			const n = 6
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					in := videoSession
					in.Time = fmt.Sprintf("10:%02d", 8*i)
					_, errs[i] = w.p.ScheduleSession(ctx, w.alice, cases[i%2], in)
				})
			}
			wg.Wait()
			var ok, taken int
			for _, err := range errs {
				switch certboard.ErrorCode(err) {
				case "":
					ok++
				case certboard.Conflict:
					taken++
				default:
					t.Errorf("a scheduling failed otherwise: %v", err)
				}
			}
			if ok != 1 || taken != n-1 {
				t.Errorf("%d kept and %d refused, want 1 and %d", ok, taken, n-1)
			}
		})
	}
}

// TestCalendarFeedFollowsRoleAndAssignment: a feed lists only the
// sessions of clients its practitioner is still assigned to, answers
// nothing once they no longer hold the practitioner role, is revoked with
// that role (audited), and an admin revokes anyone's; on both engines.
func TestCalendarFeedFollowsRoleAndAssignment(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			w, caseID := sessionsWorld(t, db)
			if _, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession); err != nil {
				t.Fatal(err)
			}
			if err := w.p.AssignPractitioner(ctx, w.admin, w.client, w.bob.UserID); err != nil {
				t.Fatal(err)
			}
			later := videoSession
			later.Time = "14:00"
			if _, err := w.p.ScheduleSession(ctx, w.bob, caseID, later); err != nil {
				t.Fatal(err)
			}
			bob := mustBob(t, w)
			if fs, err := w.p.ReadCalendarFeed(ctx, bob); err != nil || len(fs.Sessions) != 1 {
				t.Fatalf("Bob's feed while assigned: %+v, %v", fs, err)
			}
			if err := w.p.UnassignPractitioner(ctx, w.admin, w.client, w.bob.UserID); err != nil {
				t.Fatal(err)
			}
			if fs, err := w.p.ReadCalendarFeed(ctx, bob); err != nil || len(fs.Sessions) != 0 {
				t.Errorf("Bob's feed once unassigned: %+v, %v", fs, err)
			}

			// An admin revokes Bob's; a practitioner may not.
			admin, err := w.st.UserByID(ctx, w.admin.UserID)
			if err != nil {
				t.Fatal(err)
			}
			aliceUser, err := w.st.UserByID(ctx, w.alice.UserID)
			if err != nil {
				t.Fatal(err)
			}
			wantSessionCode(t, "a practitioner revokes Bob's", w.p.RevokeCalendarFeedOf(ctx, aliceUser, w.bob.UserID), certboard.Forbidden)
			if holders, err := w.p.CalendarFeedHolders(ctx, admin); err != nil || !holders[w.bob.UserID] {
				t.Errorf("holders %v, %v", holders, err)
			}
			if err := w.p.RevokeCalendarFeedOf(ctx, admin, w.bob.UserID); err != nil {
				t.Fatal(err)
			}
			w.wantAudit(t, practice.AuditFeedRevoke)
			_, err = w.p.ReadCalendarFeed(ctx, bob)
			wantSessionCode(t, "Bob's revoked feed", err, certboard.NotFound)
			wantSessionCode(t, "revoking Bob's again", w.p.RevokeCalendarFeedOf(ctx, admin, w.bob.UserID), certboard.NotFound)

			// A feed whose holder lost the role behind the use cases' back
			// answers nothing.
			alice, err := w.p.CreateCalendarFeed(ctx, w.alice)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.st.DB.ExecContext(ctx, w.st.DB.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "practice_admin", w.alice.UserID); err != nil {
				t.Fatal(err)
			}
			_, err = w.p.ReadCalendarFeed(ctx, alice)
			wantSessionCode(t, "the feed of a former practitioner", err, certboard.NotFound)
			if _, err := w.st.DB.ExecContext(ctx, w.st.DB.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "practitioner", w.alice.UserID); err != nil {
				t.Fatal(err)
			}
			if _, err := w.p.ReadCalendarFeed(ctx, alice); err != nil {
				t.Fatalf("Alice's feed: %v", err)
			}

			// Removing the role revokes the feed with it.
			aliceUser, err = w.st.UserByID(ctx, w.alice.UserID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.p.ChangeRoles(ctx, admin, w.alice.UserID, practice.RoleChange{Version: aliceUser.Version}); err != nil {
				t.Fatal(err)
			}
			w.wantAudit(t, "person.roles", practice.AuditFeedRevoke)
			if _, err := w.st.DB.ExecContext(ctx, w.st.DB.Dialect.Rebind("UPDATE users SET roles = ? WHERE id = ?"), "practitioner", w.alice.UserID); err != nil {
				t.Fatal(err)
			}
			_, err = w.p.ReadCalendarFeed(ctx, alice)
			wantSessionCode(t, "the feed after the role was removed and given back", err, certboard.NotFound)
		})
	}
}

// TestColleagueSession: a colleague assigned to the client may cancel or
// reschedule another practitioner's session (audited naming whose it
// was) but not mark it, record its payment or write its note.
func TestColleagueSession(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			w, caseID := sessionsWorld(t, db)
			if err := w.p.AssignPractitioner(ctx, w.admin, w.client, w.bob.UserID); err != nil {
				t.Fatal(err)
			}
			s, err := w.p.ScheduleSession(ctx, w.alice, caseID, videoSession)
			if err != nil {
				t.Fatal(err)
			}
			moved := videoSession
			moved.Time = "11:00"
			r, err := w.p.RescheduleSession(ctx, w.bob, s.ID, s.Version, moved)
			if err != nil || r.PractitionerID != w.alice.UserID {
				t.Fatalf("Bob reschedules Alice's: %+v, %v", r, err)
			}
			wantCovering(t, w, practice.AuditSessionReschedule, w.alice.UserID)
			w.advance(26 * time.Hour)
			_, err = w.p.MarkSession(ctx, w.bob, s.ID, r.Version, "no_show")
			wantSessionCode(t, "Bob marks Alice's a no-show", err, certboard.Forbidden)
			_, err = w.p.RecordPayment(ctx, w.bob, s.ID, r.Version, "10.00")
			wantSessionCode(t, "Bob records a payment", err, certboard.Forbidden)
			m, err := w.p.MarkSession(ctx, w.alice, s.ID, r.Version, "attended")
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.p.WriteSessionNote(ctx, w.bob, s.ID)
			wantSessionCode(t, "Bob writes the note of Alice's", err, certboard.Forbidden)
			if _, err := w.p.RecordPayment(ctx, w.alice, s.ID, m.Version, "10.00"); err != nil {
				t.Errorf("Alice records a payment: %v", err)
			}

			// Cancelling for a colleague is allowed, and audited so.
			later := videoSession
			later.Date = "2026-12-20"
			s2, err := w.p.ScheduleSession(ctx, w.alice, caseID, later)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.p.CancelSession(ctx, w.bob, s2.ID, s2.Version, practice.CancelInput{By: "client", Reason: "called Bob"}); err != nil {
				t.Fatal(err)
			}
			wantCovering(t, w, practice.AuditSessionCancel, w.alice.UserID)
		})
	}
}

// wantCovering checks that the latest audit entry is action, naming the
// practitioner whose session was changed.
func wantCovering(t *testing.T, w *casesWorld, action string, practitioner int64) {
	t.Helper()
	es, err := w.st.AuditLog().Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := es[len(es)-1]
	var after map[string]any
	if err := json.Unmarshal([]byte(e.After), &after); err != nil || e.Action != action || after["for_practitioner"] != float64(practitioner) {
		t.Errorf("audit %+v, want %s for practitioner %d", e, action, practitioner)
	}
}
