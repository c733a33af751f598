package practice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// TestImportedSessionsAreHistory: the sessions of an imported record
// that had ended are marked as held at another practice: the calendar
// feed leaves them out, they take no time from the importer's calendar,
// take no payment or note, and no superbill bills them (saying why);
// the upcoming ones are the importer's own. On both engines.
func TestImportedSessionsAreHistory(t *testing.T) {
	ctx := context.Background()
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			a := newRecordPractice(t, db, "Lakeview")
			out, _ := a.exportParsed(t, a.doc, a.seed(t), false)
			fresh := newRecordPractice(t, sqldbtest.Engines(t)[name], "Harbour")
			fresh.clock.Set(a.clock.Now().Add(24 * time.Hour))
			id, err := fresh.p.ImportRecord(ctx, fresh.doc, out, practice.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			view, err := fresh.p.ClientSessions(ctx, fresh.doc, id)
			if err != nil {
				t.Fatal(err)
			}
			var attended *practice.Session
			var imported, own int
			for i, s := range view.Sessions {
				past := !s.End().After(fresh.clock.Now())
				if s.Imported() != past || (s.Imported() && s.ImportedFrom != id) {
					t.Errorf("session of %v (%s): imported %v, want %v", s.Start, s.Status, s.Imported(), past)
				}
				if s.Imported() {
					imported++
				} else {
					own++
				}
				if s.Status == session.Attended {
					attended = &view.Sessions[i]
				}
			}
			if imported != 2 || own != 2 || attended == nil {
				t.Fatalf("%d imported and %d own sessions, want 2 and 2 with an attended one", imported, own)
			}

			// The feed lists the importer's own, not the other practice's.
			token, err := fresh.p.CreateCalendarFeed(ctx, fresh.doc)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := fresh.p.ReadCalendarFeed(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range fs.Sessions {
				if s.Imported() {
					t.Errorf("the feed lists imported session %d", s.ID)
				}
			}
			if len(fs.Sessions) != own {
				t.Errorf("the feed lists %d sessions, want %d", len(fs.Sessions), own)
			}

			// No payment, mark or note on a session held elsewhere.
			_, err = fresh.p.RecordPayment(ctx, fresh.doc, attended.ID, attended.Version, "0.00")
			wantSessionCode(t, "a payment on an imported session", err, certboard.Conflict)
			_, err = fresh.p.WriteSessionNote(ctx, fresh.doc, attended.ID)
			wantSessionCode(t, "a note of an imported session", err, certboard.Conflict)

			// The importer records a session of their own at the time of the
			// imported one: it takes no time.
			in := practice.SessionInput{Date: attended.Start.Format("2006-01-02"), Time: attended.Start.Format("15:04"), Minutes: "45",
				Modality: "in_person", Kind: "individual", CPT: "90834", Fee: "100.00"}
			if _, err := fresh.p.ScheduleSession(ctx, fresh.doc, attended.CaseID, in); err != nil {
				t.Errorf("a session at the time of an imported one: %v", err)
			}

			// No superbill bills it, and the refusal says why.
			_, err = fresh.p.Superbill(ctx, fresh.doc, id, practice.SuperbillPeriod{Month: attended.Start.Format("2006-01")})
			if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(err.Error(), "held at another practice") {
				t.Errorf("the month of the imported session: %v", err)
			}
			_, err = fresh.p.Superbill(ctx, fresh.doc, id, practice.SuperbillPeriod{Session: attended.ID})
			if certboard.ErrorCode(err) != certboard.Invalid || !strings.Contains(err.Error(), "held at another practice") {
				t.Errorf("the imported session's superbill: %v", err)
			}
		})
	}
}
