package practicesql

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/session"
)

// sessionsTx runs f in a transaction of s and fails the test on error.
func sessionsTx(t *testing.T, s *Store, f func(tx *Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

// TestSessionsStore checks the sessions' store on each engine: a session
// reads back as written, its video link and cancellation reason sealed;
// overlap, versions, lists, reminders marked once, and the link to a
// progress note, one note a session.
func TestSessionsStore(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			var caseID int64
			sessionsTx(t, s, func(tx *Tx) error {
				var err error
				caseID, err = tx.CreateCase(ctx, practice.Case{ClientID: caseClient1, PractitionerID: caseAlice, Status: practice.CaseOpen,
					Stage: plissit.Permission, OpenedAt: at, OpenedBy: caseAlice, Version: 1})
				return err
			})
			link := "https://meet.example/secret-room-42"
			in := practice.Session{CaseID: caseID, ClientID: caseClient1, PractitionerID: caseAlice, Start: at.Add(26 * time.Hour),
				Minutes: 50, Modality: session.Video, VideoLink: link, Kind: session.Couple, Status: session.Scheduled, CPT: "90847",
				FeeCents: 15000, Currency: "USD", Version: 1, CreatedBy: caseAlice, CreatedAt: at, UpdatedAt: at}
			var id, second int64
			sessionsTx(t, s, func(tx *Tx) error {
				var err error
				if id, err = tx.CreateSession(ctx, in); err != nil {
					return err
				}
				later := in
				later.Start, later.Modality, later.VideoLink = at.Add(50*time.Hour), session.InPerson, ""
				second, err = tx.CreateSession(ctx, later)
				return err
			})
			var raw string
			if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT details FROM therapy_sessions WHERE id = ?"), id).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if raw == "" || strings.Contains(raw, "secret-room") {
				t.Errorf("the details column holds %q, want the link sealed", raw)
			}
			sessionsTx(t, s, func(tx *Tx) error {
				got, err := tx.Session(ctx, id)
				if err != nil {
					return err
				}
				if got.VideoLink != link || !got.Start.Equal(in.Start) || got.Minutes != 50 || got.PractitionerName != "Alice Adler" ||
					got.CPT != "90847" || got.FeeCents != 15000 || got.Kind != session.Couple || got.NoteID != 0 || got.Version != 1 {
					t.Errorf("session reads back as %+v", got)
				}
				if _, err := tx.Session(ctx, 999); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing session: %v, want NotFound", err)
				}
				// Overlap: one minute before the end overlaps, the end does not.
				for _, c := range []struct {
					start time.Time
					want  int64
				}{{in.Start.Add(49 * time.Minute), id}, {in.Start.Add(50 * time.Minute), 0}, {in.Start.Add(-50 * time.Minute), 0}} {
					other, err := tx.OverlappingSession(ctx, caseAlice, c.start, c.start.Add(50*time.Minute), 0)
					if err != nil {
						return err
					}
					if other != c.want {
						t.Errorf("overlap at %v: %d, want %d", c.start.Sub(in.Start), other, c.want)
					}
				}
				if other, _ := tx.OverlappingSession(ctx, caseAlice, in.Start, in.End(), id); other != 0 {
					t.Errorf("a session overlaps itself: %d", other)
				}
				if other, _ := tx.OverlappingSession(ctx, caseBob, in.Start, in.End(), 0); other != 0 {
					t.Errorf("another practitioner's session overlaps: %d", other)
				}
				return tx.LockPractitionerSessions(ctx, caseAlice)
			})
			// A cancellation, written from its version; a stale one is a conflict.
			sessionsTx(t, s, func(tx *Tx) error {
				v, err := tx.LockSession(ctx, id)
				if err != nil {
					return err
				}
				v.Status, v.CancelledBy, v.CancelledAt, v.CancelledByUser, v.CancelReason = session.Cancelled, session.ByClientLate, at, caseAlice, "flu"
				v.PaidCents, v.PaidAt, v.UpdatedAt = 5000, at, at
				nv, err := tx.UpdateSession(ctx, *v, 1)
				if err != nil || nv != 2 {
					t.Errorf("UpdateSession = %d, %v", nv, err)
				}
				if _, err := tx.UpdateSession(ctx, *v, 1); !errors.Is(err, certboard.ErrConflict) {
					t.Errorf("a stale update: %v, want a conflict", err)
				}
				got, err := tx.Session(ctx, id)
				if err != nil {
					return err
				}
				if got.Status != session.Cancelled || got.CancelledBy != session.ByClientLate || got.CancelReason != "flu" || got.PaidCents != 5000 ||
					got.VideoLink != link || got.Version != 2 || !got.PaidAt.Equal(at) {
					t.Errorf("cancelled session reads back as %+v", got)
				}
				if other, _ := tx.OverlappingSession(ctx, caseAlice, in.Start, in.End(), 0); other != 0 {
					t.Errorf("a cancelled session holds its time: %d", other)
				}
				list, err := tx.ClientSessions(ctx, caseClient1)
				if err != nil || len(list) != 2 || list[0].ID != second {
					t.Errorf("ClientSessions = %v, %v; want the later first", list, err)
				}
				if list, _ := tx.ClientSessions(ctx, caseClient2); len(list) != 0 {
					t.Errorf("another client's sessions: %v", list)
				}
				up, err := tx.PractitionerSessions(ctx, caseAlice, at.Add(27*time.Hour), 10)
				if err != nil || len(up) != 1 || up[0].ID != second {
					t.Errorf("PractitionerSessions after the first = %v, %v", up, err)
				}
				return nil
			})
			// Reminders: due once, marked once.
			sessionsTx(t, s, func(tx *Tx) error {
				due, err := tx.DueReminders(ctx, at, at.Add(60*time.Hour), 10)
				if err != nil || len(due) != 1 || due[0] != second {
					t.Errorf("DueReminders = %v, %v; want only the scheduled one", due, err)
				}
				if ok, err := tx.MarkReminded(ctx, second, at); !ok || err != nil {
					t.Errorf("MarkReminded = %v, %v", ok, err)
				}
				if ok, err := tx.MarkReminded(ctx, second, at); ok || err != nil {
					t.Errorf("MarkReminded again = %v, %v; want false", ok, err)
				}
				if due, _ := tx.DueReminders(ctx, at, at.Add(60*time.Hour), 10); len(due) != 0 {
					t.Errorf("due after reminding: %v", due)
				}
				return nil
			})
			// A progress note records one session.
			sessionsTx(t, s, func(tx *Tx) error {
				var notes [2]int64
				for i := range notes {
					var err error
					notes[i], err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: caseID, AuthorID: caseAlice,
						Note: note.Progress{DateOfService: date.MustParse("2026-12-0" + string(rune('1'+i))), Format: note.SOAP}, Version: 1, CreatedAt: at, UpdatedAt: at})
					if err != nil {
						return err
					}
				}
				if err := tx.LinkNoteSession(ctx, notes[0], second); err != nil {
					return err
				}
				got, err := tx.Session(ctx, second)
				if err != nil || got.NoteID != notes[0] {
					t.Errorf("the session's note: %v, %v; want %d", got, err, notes[0])
				}
				return nil
			})
			err := s.InTx(ctx, func(tx *Tx) error {
				got, err := tx.Session(ctx, second)
				if err != nil {
					return err
				}
				var other int64
				if err := tx.QueryRowContext(ctx, "SELECT MAX(id) FROM progress_notes").Scan(&other); err != nil {
					return err
				}
				if other == got.NoteID {
					t.Fatal("no second note")
				}
				return tx.LinkNoteSession(ctx, other, second)
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("a second note of a session: %v, want a conflict", err)
			}
		})
	}
}

// TestCalendarFeedsStore checks that a feed is found by its token's hash
// while live, that a new one replaces the old, and that a revoked one is
// found no more.
func TestCalendarFeedsStore(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			sessionsTx(t, s, func(tx *Tx) error {
				if _, err := tx.LiveCalendarFeed(ctx, caseAlice); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a feed before any: %v", err)
				}
				first, err := tx.CreateCalendarFeed(ctx, caseAlice, h1, at)
				if err != nil {
					return err
				}
				if f, err := tx.CalendarFeedByHash(ctx, h1); err != nil || f.ID != first || f.PractitionerID != caseAlice {
					t.Errorf("by hash: %v, %v", f, err)
				}
				second, err := tx.CreateCalendarFeed(ctx, caseAlice, h2, at.Add(time.Hour))
				if err != nil {
					return err
				}
				if _, err := tx.CalendarFeedByHash(ctx, h1); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("the replaced feed: %v, want NotFound", err)
				}
				if f, err := tx.LiveCalendarFeed(ctx, caseAlice); err != nil || f.ID != second {
					t.Errorf("live feed: %v, %v; want %d", f, err, second)
				}
				if ok, err := tx.RevokeCalendarFeed(ctx, caseAlice, at.Add(2*time.Hour)); !ok || err != nil {
					t.Errorf("revoke: %v, %v", ok, err)
				}
				if _, err := tx.CalendarFeedByHash(ctx, h2); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("the revoked feed: %v, want NotFound", err)
				}
				if ok, _ := tx.RevokeCalendarFeed(ctx, caseAlice, at); ok {
					t.Error("revoked a feed twice")
				}
				settings, err := tx.SessionSettings(ctx)
				if err != nil || settings.TimeZone != "UTC" {
					t.Errorf("default settings: %+v, %v", settings, err)
				}
				if err := tx.SaveSessionSettings(ctx, practice.SessionSettings{TimeZone: "America/Chicago",
					UpdatedBy: caseAlice, UpdatedAt: at}); err != nil {
					return err
				}
				settings, err = tx.SessionSettings(ctx)
				if err != nil || settings.TimeZone != "America/Chicago" || settings.UpdatedBy != caseAlice || !settings.UpdatedAt.Equal(at) {
					t.Errorf("saved settings: %+v, %v", settings, err)
				}
				return nil
			})
		})
	}
}
