package practicesql_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/practicesql"
)

// TestPsychotherapyNoteSealedToItsAuthor: a psychotherapy note's text is
// sealed bound to its author and its case as well as its id, so that a
// row moved in the database to another author (who alone would then read
// it) or another case does not open; moved back, it does.
func TestPsychotherapyNoteSealedToItsAuthor(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			maya := clientsAccount(t, st, "Maya Patel", auth.Practitioner)
			ben := clientsAccount(t, st, "Ben Ode", auth.Practitioner)
			var alex int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				alex, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Alex Rivera"), CreatedAt: notesAt, CreatedBy: maya, UpdatedAt: notesAt})
				return err
			})
			caseA, caseB := notesCase(t, st, alex, maya), notesCase(t, st, alex, maya)
			var id int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				id, err = tx.CreatePsychotherapyNote(ctx, caseA, alex, note.Psychotherapy{DateOfService: date.MustParse("2026-03-02"),
					Author: maya, Text: "Transference: anger at me as at his father.", WrittenAt: notesAt})
				return err
			})
			set := func(column string, v int64) {
				t.Helper()
				if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("UPDATE psychotherapy_notes SET "+column+" = ? WHERE id = ?"), v, id); err != nil {
					t.Fatal(err)
				}
			}
			read := func(caseID, author int64) error {
				return st.InTx(ctx, func(tx *practicesql.Tx) error {
					ps, err := tx.PsychotherapyNotesBy(ctx, caseID, author)
					if err == nil && (len(ps) != 1 || ps[0].Note.Text != "Transference: anger at me as at his father.") {
						t.Errorf("notes %+v", ps)
					}
					return err
				})
			}
			if err := read(caseA, maya); err != nil {
				t.Fatal(err)
			}
			set("author_id", ben)
			if err := read(caseA, ben); err == nil {
				t.Error("a note moved to another author opened for them")
			}
			set("author_id", maya)
			set("case_id", caseB)
			if err := read(caseB, maya); err == nil {
				t.Error("a note moved to another case opened there")
			}
			set("case_id", caseA)
			if err := read(caseA, maya); err != nil {
				t.Errorf("the note moved back: %v", err)
			}
		})
	}
}
