package practicesql

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// What the database itself refuses (migration 00008), tried with raw SQL
// as code that bypassed the store, or a person at the database's prompt,
// would: each statement must fail, whatever the code above it does.

// lockRefused runs each statement (with args) and reports those the
// database let through, or refused for another reason than want says.
func lockRefused(t *testing.T, s *Store, want string, stmts []string, args ...any) {
	t.Helper()
	for _, q := range stmts {
		_, err := s.DB.ExecContext(context.Background(), s.Dialect.Rebind(q), args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want refused (%q)", q, err, want)
		}
	}
}

// lockExec runs a statement that must pass.
func lockExec(t *testing.T, s *Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB.ExecContext(context.Background(), s.Dialect.Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// lockRaw reads one text column of a row, as stored.
func lockRaw(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	var v string
	if err := s.DB.QueryRowContext(context.Background(), s.Dialect.Rebind(q), args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// lockReadNote reads a progress note with its amendments through the store.
func lockReadNote(s *Store, id int64) (*practice.ProgressNote, error) {
	var n *practice.ProgressNote
	err := s.InTx(context.Background(), func(tx *Tx) error {
		var err error
		n, err = tx.ProgressNote(context.Background(), id)
		return err
	})
	return n, err
}

// TestSignedNoteBodyLocked: a signed note keeps the digest of its body,
// which the database never lets change; a body rewritten with other text,
// even sealed for its row with the practice's keys, no longer reads, while
// the same text sealed again (a key rotation) does. A note is not signed
// without its digest.
func TestSignedNoteBodyLocked(t *testing.T) {
	at := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			n := note.Progress{DateOfService: date.MustParse("2026-12-07"), Format: note.DAP,
				Sections: map[note.Section]string{note.Data: "d", note.Assessment: "a", note.Plan: "p"}}
			var id, draft int64
			caseInTx(t, s, func(tx *Tx) error {
				var err error
				if id, err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: c.ID, AuthorID: caseAlice, Note: n, CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
					return err
				}
				other := n
				other.DateOfService = date.MustParse("2026-12-06")
				if draft, err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: c.ID, AuthorID: caseAlice, Note: other, CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
					return err
				}
				signed, err := note.Sign(n, caseAlice, at.Add(time.Minute))
				if err != nil {
					return err
				}
				_, err = tx.SignProgressNote(ctx, id, 1, signed)
				return err
			})
			body := lockRaw(t, s, "SELECT body FROM progress_notes WHERE id = ?", id)
			plain, err := s.open(body, noteBodyContext(id))
			if err != nil {
				t.Fatal(err)
			}
			if d := lockRaw(t, s, "SELECT body_digest FROM progress_notes WHERE id = ?", id); d != noteDigest(plain) {
				t.Fatalf("the digest kept is %q, want that of the body signed", d)
			}

			lockRefused(t, s, "locked", []string{
				"UPDATE progress_notes SET body_digest = 'x' WHERE id = ?",
				"UPDATE progress_notes SET body_digest = '' WHERE id = ?",
				"UPDATE progress_notes SET version = 1 WHERE id = ?",
				"UPDATE progress_notes SET created_at = updated_at WHERE id = ?",
			}, id)
			lockRefused(t, s, "digest", []string{"UPDATE progress_notes SET signed_by = author_id, signed_at = updated_at WHERE id = ?"}, draft)

			// Other text, sealed for the row with the practice's keys.
			var b noteBody
			if err := json.Unmarshal(plain, &b); err != nil {
				t.Fatal(err)
			}
			b.Sections[note.Plan] = "tampered"
			forged, err := s.noteSealJSON(b, noteBodyContext(id))
			if err != nil {
				t.Fatal(err)
			}
			lockExec(t, s, "UPDATE progress_notes SET body = ? WHERE id = ?", forged, id)
			if got, err := lockReadNote(s, id); !errors.Is(err, errNoteAltered) {
				t.Errorf("a signed note with another body reads: %+v, %v", got, err)
			}
			// The same text sealed again, as a key rotation does.
			resealed, err := s.seal(plain, noteBodyContext(id))
			if err != nil {
				t.Fatal(err)
			}
			lockExec(t, s, "UPDATE progress_notes SET body = ? WHERE id = ?", resealed, id)
			if got, err := lockReadNote(s, id); err != nil || got.Note.Sections[note.Plan] != "p" {
				t.Errorf("a signed note sealed again: %+v, %v", got, err)
			}
			// A draft has no digest to keep: it is edited.
			if got, err := lockReadNote(s, draft); err != nil || got.Note.Signed() {
				t.Errorf("a draft: %+v, %v", got, err)
			}
		})
	}
}

// TestAmendmentsLocked: an amendment never changes but for its sealed
// body sealed again: who made it, when, its number, its note and its
// digest are fixed, and a body with other text does not read.
func TestAmendmentsLocked(t *testing.T) {
	at := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			n := note.Progress{DateOfService: date.MustParse("2026-12-07"), Format: note.DAP,
				Sections: map[note.Section]string{note.Data: "d", note.Assessment: "a", note.Plan: "p"}}
			var id int64
			caseInTx(t, s, func(tx *Tx) error {
				var err error
				if id, err = tx.CreateProgressNote(ctx, practice.ProgressNote{CaseID: c.ID, AuthorID: caseAlice, Note: n, CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
					return err
				}
				signed, err := note.Sign(n, caseAlice, at.Add(time.Minute))
				if err != nil {
					return err
				}
				if _, err = tx.SignProgressNote(ctx, id, 1, signed); err != nil {
					return err
				}
				_, _, err = tx.AddNoteAmendment(ctx, id, 2, note.Amendment{Reason: "wrong plan", By: caseBob, At: at.Add(time.Hour),
					Sections: map[note.Section]string{note.Plan: "p2"}, PLI: &plissit.PLIRecord{Topics: []string{"desire"}}})
				return err
			})
			lockRefused(t, s, "kept as it was made", []string{
				"UPDATE progress_note_amendments SET by_id = " + itoa(caseAlice) + " WHERE note_id = ?",
				"UPDATE progress_note_amendments SET at = (SELECT created_at FROM progress_notes WHERE id = note_id) WHERE note_id = ?",
				"UPDATE progress_note_amendments SET seq = 2 WHERE note_id = ?",
				"UPDATE progress_note_amendments SET note_id = note_id + 1 WHERE note_id = ?",
				"UPDATE progress_note_amendments SET body_digest = 'x' WHERE note_id = ?",
			}, id)
			lockRefused(t, s, "digest", []string{"INSERT INTO progress_note_amendments (note_id, seq, by_id, at, body) " +
				"SELECT note_id, 2, by_id, at, body FROM progress_note_amendments WHERE note_id = ?"}, id)

			body := lockRaw(t, s, "SELECT body FROM progress_note_amendments WHERE note_id = ? AND seq = 1", id)
			plain, err := s.open(body, amendmentContext(id, 1))
			if err != nil {
				t.Fatal(err)
			}
			forged, err := s.noteSealJSON(amendmentBody{Reason: "wrong plan", Sections: map[note.Section]string{note.Plan: "tampered"}}, amendmentContext(id, 1))
			if err != nil {
				t.Fatal(err)
			}
			lockExec(t, s, "UPDATE progress_note_amendments SET body = ? WHERE note_id = ? AND seq = 1", forged, id)
			if got, err := lockReadNote(s, id); !errors.Is(err, errNoteAltered) {
				t.Errorf("an amendment with another body reads: %+v, %v", got, err)
			}
			resealed, err := s.seal(plain, amendmentContext(id, 1))
			if err != nil {
				t.Fatal(err)
			}
			lockExec(t, s, "UPDATE progress_note_amendments SET body = ? WHERE note_id = ? AND seq = 1", resealed, id)
			got, err := lockReadNote(s, id)
			if err != nil || len(got.Amendments) != 1 || got.Amendments[0].Sections[note.Plan] != "p2" || got.Amendments[0].By != caseBob {
				t.Errorf("an amendment sealed again: %+v, %v", got, err)
			}
		})
	}
}

// TestScoredResponseLocked: once scored, a measure response changes only
// by being marked entered in error, once, with its reason, who and when;
// nothing else of it changes, before or after.
func TestScoredResponseLocked(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for name, s := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := caseNew(t, s, caseClient1, caseAlice)
			zero := 0
			answers := []*int{&zero, &zero, &zero, &zero, &zero, &zero, &zero}
			result, err := measure.Score("gad-7", []int{0, 0, 0, 0, 0, 0, 0}, measure.NoSex)
			if err != nil {
				t.Fatal(err)
			}
			r := practice.Response{CaseID: c.ID, ClientID: caseClient1, Instrument: "gad-7", Answers: answers, Result: result,
				TextsRef: "shipped", Status: practice.Completed, TakenAt: t0, EnteredBy: caseAlice, EnteredByName: "A",
				CreatedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(2 * time.Minute), CompletedAt: t0.Add(3 * time.Minute), Version: 1}
			var id, other int64
			caseInTx(t, s, func(tx *Tx) error {
				if id, err = tx.CreateMeasureResponse(ctx, r); err != nil {
					return err
				}
				other, err = tx.CreateMeasureResponse(ctx, r)
				return err
			})
			const never = "never changes"
			fixed := []string{
				"UPDATE measure_responses SET texts_ref = 'import:9' WHERE id = ?",
				"UPDATE measure_responses SET entered_by = " + itoa(caseBob) + " WHERE id = ?",
				"UPDATE measure_responses SET entered_by_name = 'B' WHERE id = ?",
				"UPDATE measure_responses SET created_at = taken_at WHERE id = ?",
				"UPDATE measure_responses SET completed_at = taken_at WHERE id = ?",
				"UPDATE measure_responses SET corrects = " + itoa(other) + " WHERE id = ?",
				"UPDATE measure_responses SET answers = 'x' WHERE id = ?",
				"UPDATE measure_responses SET taken_at = created_at WHERE id = ?",
			}
			lockRefused(t, s, never, append(fixed,
				"UPDATE measure_responses SET corrected_by = "+itoa(other)+" WHERE id = ?",
				"UPDATE measure_responses SET error_reason = 'x' WHERE id = ?",
				"UPDATE measure_responses SET error_by = "+itoa(caseBob)+", error_at = taken_at WHERE id = ?",
				"UPDATE measure_responses SET error_by_name = 'B' WHERE id = ?",
				"UPDATE measure_responses SET updated_at = taken_at WHERE id = ?",
				"UPDATE measure_responses SET version = version + 1 WHERE id = ?",
				"UPDATE measure_responses SET status = 'in_progress' WHERE id = ?",
				// Entered in error without its reason, who and when.
				"UPDATE measure_responses SET status = 'entered_in_error' WHERE id = ?",
			), id)

			// The one change: entered in error, with its fields, once.
			caseInTx(t, s, func(tx *Tx) error {
				return tx.MarkMeasureInError(ctx, id, practice.ErrorMark{Reason: "another client's answers", By: caseAlice, ByName: "A", At: t0.Add(time.Hour)}, other)
			})
			lockRefused(t, s, never, append(fixed,
				"UPDATE measure_responses SET status = 'completed' WHERE id = ?",
				"UPDATE measure_responses SET corrected_by = NULL WHERE id = ?",
				"UPDATE measure_responses SET error_reason = 'x' WHERE id = ?",
				"UPDATE measure_responses SET error_by = "+itoa(caseBob)+" WHERE id = ?",
				"UPDATE measure_responses SET error_by_name = 'B' WHERE id = ?",
				"UPDATE measure_responses SET error_at = taken_at WHERE id = ?",
				"UPDATE measure_responses SET version = version + 1 WHERE id = ?",
			), id)
			caseInTx(t, s, func(tx *Tx) error {
				got, err := tx.MeasureResponse(ctx, id)
				if err != nil {
					return err
				}
				if got.Status != practice.EnteredInError || got.CorrectedBy != other || got.Error == nil || got.Error.Reason != "another client's answers" {
					t.Errorf("marked %+v", got)
				}
				return nil
			})
		})
	}
}

// itoa writes an id into a statement.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
