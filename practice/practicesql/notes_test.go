package practicesql_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
)

// notesAt is the time of the notes' tests, in UTC.
var notesAt = time.Date(2026, 3, 2, 18, 30, 0, 0, time.UTC)

// notesSOAP is a complete SOAP note of 2 March 2026 with a P/LI record.
func notesSOAP(day string) note.Progress {
	return note.Progress{DateOfService: date.MustParse(day), Format: note.SOAP,
		Sections: map[note.Section]string{
			note.Subjective: "Reports less worry before intimacy.",
			note.Objective:  "Calm, engaged. IIEF-5: 18.",
			note.Assessment: "Performance anxiety easing.",
			note.Plan:       "Continue sensate focus, stage 2.",
		},
		PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}}}
}

// notesCase opens a case of a client in the store.
func notesCase(t *testing.T, st *practicesql.Store, client, by int64) int64 {
	t.Helper()
	var id int64
	inTx(t, st, func(tx *practicesql.Tx) error {
		var err error
		id, err = tx.CreateCase(context.Background(), practice.Case{ClientID: client, PractitionerID: by, Status: practice.CaseOpen,
			Stage: plissit.Permission, OpenedAt: notesAt, OpenedBy: by, Version: 1})
		return err
	})
	return id
}

// notesRaw reads one text column of a row, as stored.
func notesRaw(t *testing.T, st *practicesql.Store, query string, args ...any) string {
	t.Helper()
	var v string
	if err := st.DB.QueryRowContext(context.Background(), st.Dialect.Rebind(query), args...).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestNotesStore: progress notes, their amendments and psychotherapy
// notes round-trip sealed, one note per case and day, versions guarded,
// signed notes locked down to the database.
func TestNotesStore(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			maya := clientsAccount(t, st, "Maya Patel", auth.Practitioner)
			ben := clientsAccount(t, st, "Ben Ode", auth.Practitioner)
			var alex, zoe int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				if alex, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Alex Rivera"), CreatedAt: notesAt, CreatedBy: maya, UpdatedAt: notesAt}); err != nil {
					return err
				}
				zoe, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Zoe Adams"), CreatedAt: notesAt, CreatedBy: maya, UpdatedAt: notesAt})
				return err
			})
			caseA, caseB, caseZ := notesCase(t, st, alex, maya), notesCase(t, st, alex, maya), notesCase(t, st, zoe, maya)

			// The case's client.
			inTx(t, st, func(tx *practicesql.Tx) error {
				if c, open, err := tx.NoteCase(ctx, caseZ); err != nil || c != zoe || !open {
					t.Errorf("the client of case %d: %d %v %v", caseZ, c, open, err)
				}
				if _, _, err := tx.NoteCase(ctx, caseZ+100); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing case: %v", err)
				}
				return nil
			})

			// A draft round-trips, sealed.
			draft := notesSOAP("2026-03-02")
			delete(draft.Sections, note.Plan)
			var id int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				id, err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: caseA, AuthorID: maya, Note: draft, CreatedAt: notesAt, UpdatedAt: notesAt})
				return err
			})
			inTx(t, st, func(tx *practicesql.Tx) error {
				n, err := tx.ProgressNote(ctx, id)
				if err != nil {
					return err
				}
				if n.CaseID != caseA || n.ClientID != alex || n.AuthorID != maya || n.AuthorName != "Maya Patel" || n.Version != 1 ||
					!n.CreatedAt.Equal(notesAt) || n.Status() != practice.NoteDraft || !reflect.DeepEqual(n.Note, draft) || n.Amendments != nil {
					t.Errorf("read back %+v", n)
				}
				if _, err := tx.ProgressNote(ctx, id+100); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a missing note: %v", err)
				}
				return nil
			})
			body := notesRaw(t, st, "SELECT body FROM progress_notes WHERE id = ?", id)
			for _, s := range []string{"worry", "IIEF", "masturbation", "spontaneous"} {
				if strings.Contains(body, s) {
					t.Errorf("the body holds %q in plain text", s)
				}
			}

			// One note per case and date of service.
			create := func(caseID int64, n note.Progress) (int64, error) {
				var nid int64
				err := st.InTx(ctx, func(tx *practicesql.Tx) error {
					var err error
					nid, err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: caseID, AuthorID: ben, Note: n, CreatedAt: notesAt, UpdatedAt: notesAt})
					return err
				})
				return nid, err
			}
			if _, err := create(caseA, notesSOAP("2026-03-02")); !errors.Is(err, practice.ErrNoteDateTaken) || !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("a second note of the day: %v", err)
			}
			other, err := create(caseB, notesSOAP("2026-03-02"))
			if err != nil {
				t.Fatalf("the same day on another case: %v", err)
			}
			earlier, err := create(caseA, notesSOAP("2026-02-23"))
			if err != nil {
				t.Fatal(err)
			}

			// A sealed body is bound to its row.
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE progress_notes SET body = ? WHERE id = ?"), body, other); err != nil {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(tx *practicesql.Tx) error { _, err := tx.ProgressNote(ctx, other); return err }); err == nil {
				t.Error("a body moved to another row opens")
			}

			// Draft edits are guarded by version and by the day's rule.
			edit := func(version int, n note.Progress) (int, error) {
				var next int
				err := st.InTx(ctx, func(tx *practicesql.Tx) error {
					var err error
					next, err = tx.UpdateProgressDraft(ctx, id, version, n, notesAt.Add(time.Minute))
					return err
				})
				return next, err
			}
			if _, err := edit(1, notesSOAP("2026-02-23")); !errors.Is(err, practice.ErrNoteDateTaken) {
				t.Errorf("moving the draft to a day taken: %v", err)
			}
			complete := notesSOAP("2026-03-02")
			if v, err := edit(1, complete); err != nil || v != 2 {
				t.Fatalf("editing the draft: %d %v", v, err)
			}
			if _, err := edit(1, complete); !errors.Is(err, certboard.ErrConflict) || errors.Is(err, practice.ErrNoteDateTaken) {
				t.Errorf("an edit from an old version: %v", err)
			}
			if err := st.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.UpdateProgressDraft(ctx, id+100, 1, complete, notesAt)
				return err
			}); !errors.Is(err, certboard.ErrNotFound) {
				t.Errorf("editing a missing note: %v", err)
			}

			// Signing locks the note.
			signed, err := note.Sign(complete, maya, notesAt.Add(2*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			sign := func(version int) (int, error) {
				var next int
				err := st.InTx(ctx, func(tx *practicesql.Tx) error {
					if _, err := tx.LockProgressNote(ctx, id); err != nil {
						return err
					}
					var err error
					next, err = tx.SignProgressNote(ctx, id, version, signed)
					return err
				})
				return next, err
			}
			if _, err := sign(1); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("signing an old version: %v", err)
			}
			if v, err := sign(2); err != nil || v != 3 {
				t.Fatalf("signing: %d %v", v, err)
			}
			if _, err := sign(3); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("signing twice: %v", err)
			}
			if _, err := edit(3, complete); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("editing a signed note: %v", err)
			}
			for _, q := range []string{
				"UPDATE progress_notes SET date_of_service = '2026-03-01' WHERE id = ?",
				"UPDATE progress_notes SET format = 'dap' WHERE id = ?",
				"UPDATE progress_notes SET signed_at = NULL, signed_by = NULL WHERE id = ?",
				"DELETE FROM progress_notes WHERE id = ?",
			} {
				if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind(q), id); err == nil {
					t.Errorf("the database let a signed note change: %s", q)
				}
			}
			// Its body is rewritten only when the keys rotate: allowed.
			sealed := notesRaw(t, st, "SELECT body FROM progress_notes WHERE id = ?", id)
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE progress_notes SET body = ? WHERE id = ?"), sealed, id); err != nil {
				t.Errorf("rewriting the body of a signed note: %v", err)
			}
			// A draft may go.
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("DELETE FROM progress_notes WHERE id = ?"), other); err != nil {
				t.Errorf("deleting a draft: %v", err)
			}

			// Amendments are numbered, kept sealed beside the note.
			amend := func(version int, a note.Amendment) (int, int, error) {
				var seq, next int
				err := st.InTx(ctx, func(tx *practicesql.Tx) error {
					var err error
					seq, next, err = tx.AddNoteAmendment(ctx, id, version, a)
					return err
				})
				return seq, next, err
			}
			first := note.Amendment{Reason: "wrong score copied", Sections: map[note.Section]string{note.Objective: "Calm. IIEF-5: 19."}, By: ben, At: notesAt.Add(time.Hour)}
			second := note.Amendment{Reason: "information given", PLI: &plissit.PLIRecord{Information: []string{"refractory period"}}, By: maya, At: notesAt.Add(2 * time.Hour)}
			if seq, v, err := amend(3, first); err != nil || seq != 1 || v != 4 {
				t.Fatalf("the first amendment: %d %d %v", seq, v, err)
			}
			if _, _, err := amend(3, second); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("an amendment from an old version: %v", err)
			}
			if seq, v, err := amend(4, second); err != nil || seq != 2 || v != 5 {
				t.Fatalf("the second amendment: %d %d %v", seq, v, err)
			}
			if err := st.InTx(ctx, func(tx *practicesql.Tx) error {
				_, _, err := tx.AddNoteAmendment(ctx, earlier, 1, first)
				return err
			}); !errors.Is(err, certboard.ErrConflict) {
				t.Errorf("amending a draft: %v", err)
			}
			if raw := notesRaw(t, st, "SELECT body FROM progress_note_amendments WHERE note_id = ? AND seq = 1", id); strings.Contains(raw, "score") || strings.Contains(raw, "IIEF") {
				t.Error("an amendment is in plain text")
			}
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("DELETE FROM progress_note_amendments WHERE note_id = ?"), id); err == nil {
				t.Error("the database let an amendment go")
			}

			inTx(t, st, func(tx *practicesql.Tx) error {
				n, err := tx.LockProgressNote(ctx, id)
				if err != nil {
					return err
				}
				if n.Version != 5 || !n.Note.Signed() || n.Note.SignedBy != maya || !n.Note.SignedAt.Equal(signed.SignedAt) ||
					!reflect.DeepEqual(n.Note.Sections, complete.Sections) || len(n.Amendments) != 2 {
					t.Fatalf("the signed note: %+v", n)
				}
				a1, a2 := n.Amendments[0], n.Amendments[1]
				if a1.Seq != 1 || a1.ByName != "Ben Ode" || !reflect.DeepEqual(a1.Amendment, first) ||
					a2.Seq != 2 || a2.ByName != "Maya Patel" || !reflect.DeepEqual(a2.Amendment, second) {
					t.Errorf("amendments %+v", n.Amendments)
				}
				cur := n.Current()
				if cur.Sections[note.Objective] != "Calm. IIEF-5: 19." || cur.PLI.Information[0] != "refractory period" ||
					n.Note.Sections[note.Objective] != "Calm, engaged. IIEF-5: 18." {
					t.Errorf("as amended %+v, original %+v", cur, n.Note)
				}

				// A case's notes, the latest day first, with their amendments.
				notes, err := tx.ProgressNotes(ctx, caseA)
				if err != nil {
					return err
				}
				if len(notes) != 2 || notes[0].ID != id || notes[1].ID != earlier || len(notes[0].Amendments) != 2 || notes[1].Amendments != nil {
					t.Errorf("the case's notes: %+v", notes)
				}
				if notes, err := tx.ProgressNotes(ctx, caseZ); err != nil || len(notes) != 0 {
					t.Errorf("a case without notes: %v %v", notes, err)
				}
				sums, err := tx.NoteSummaries(ctx, alex)
				if err != nil {
					return err
				}
				want := []practice.NoteSummary{{CaseID: caseB}, {CaseID: caseA, Notes: 2, Drafts: 1, Latest: date.MustParse("2026-03-02")}}
				if !reflect.DeepEqual(sums, want) {
					t.Errorf("summaries %+v, want %+v", sums, want)
				}
				return nil
			})

			// Psychotherapy notes: by their author only, sealed.
			var mine, bens int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				if mine, err = tx.CreatePsychotherapyNote(ctx, caseA, alex, note.Psychotherapy{DateOfService: date.MustParse("2026-03-02"),
					Author: maya, Text: "Transference: anger at me as at his father.", WrittenAt: notesAt}); err != nil {
					return err
				}
				bens, err = tx.CreatePsychotherapyNote(ctx, caseA, alex, note.Psychotherapy{DateOfService: date.MustParse("2026-02-23"),
					Author: ben, Text: "Ben's own.", WrittenAt: notesAt})
				return err
			})
			if err := st.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.CreatePsychotherapyNote(ctx, caseA, zoe, note.Psychotherapy{DateOfService: date.MustParse("2026-03-02"), Author: maya, Text: "x", WrittenAt: notesAt})
				return err
			}); !errors.Is(err, certboard.ErrNotFound) {
				t.Errorf("a psychotherapy note on another client's case: %v", err)
			}
			if raw := notesRaw(t, st, "SELECT text FROM psychotherapy_notes WHERE id = ?", mine); strings.Contains(raw, "Transference") {
				t.Error("a psychotherapy note is in plain text")
			}
			inTx(t, st, func(tx *practicesql.Tx) error {
				ps, err := tx.PsychotherapyNotesBy(ctx, caseA, maya)
				if err != nil {
					return err
				}
				if len(ps) != 1 || ps[0].ID != mine || ps[0].ClientID != alex || ps[0].Note.Author != maya ||
					ps[0].Note.Text != "Transference: anger at me as at his father." || !ps[0].Note.WrittenAt.Equal(notesAt) {
					t.Errorf("Maya's psychotherapy notes: %+v", ps)
				}
				if ps, err := tx.PsychotherapyNotesBy(ctx, caseA, ben); err != nil || len(ps) != 1 || ps[0].ID != bens {
					t.Errorf("Ben's psychotherapy notes: %+v %v", ps, err)
				}
				if ps, err := tx.PsychotherapyNotesBy(ctx, caseB, maya); err != nil || len(ps) != 0 {
					t.Errorf("another case's: %+v %v", ps, err)
				}
				return nil
			})
		})
	}
}
