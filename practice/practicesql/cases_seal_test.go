package practicesql

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// TestMigrationSealsExistingRows: a database that version 7 of the
// migrations left with cases and signed notes migrates: the diagnoses,
// comorbidities and referral recipients it held in plain columns end up
// sealed, bound to their rows, and read back the same; the signed note and
// its amendment get the digest of their bodies and read. Migrating
// without the keys fails and leaves the work for a migration with them.
func TestMigrationSealsExistingRows(t *testing.T) {
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	const secretConcern, secretName, secretRef = "hypoactive_desire", "Dr Secret Recipient", "response:77"
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := New(db, keys)
			if _, err := db.MigrateTo(ctx, Migrations, 7); err != nil {
				t.Fatal(err)
			}
			alice, err := s.CreateUser(ctx, auth.User{Email: "alice@example.org", Name: "Alice", Roles: []auth.Role{auth.Practitioner},
				PasswordHash: "unused", CreatedAt: at, EmailVerifiedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var caseID, noteID int64
			caseInTx(t, s, func(tx *Tx) error {
				client, err := tx.CreateClient(ctx, practice.Client{Identity: practice.Identity{Name: "Client"}, CreatedAt: at, CreatedBy: alice, UpdatedAt: at, Version: 1})
				if err != nil {
					return err
				}
				if caseID, err = tx.CreateCase(ctx, practice.Case{ClientID: client, PractitionerID: alice, Status: practice.CaseOpen,
					Stage: plissit.Permission, OpenedAt: at, OpenedBy: alice, Version: 1}); err != nil {
					return err
				}
				d := tx.Dialect
				for _, q := range []struct {
					query string
					args  []any
				}{
					{"INSERT INTO case_concerns (case_id, position, concern, onset, context, severity, taxonomy) VALUES (?, 0, ?, 'lifelong', 'generalised', 'moderate', 't1')",
						[]any{caseID, secretConcern}},
					{"INSERT INTO case_comorbidities (case_id, kind, source, measure_ref, recorded_by, recorded_by_name, recorded_at) VALUES (?, 'depression', 'measure', ?, ?, 'Alice', ?)",
						[]any{caseID, secretRef, alice, d.Time(at)}},
					{"INSERT INTO case_referrals (case_id, stage, to_name, to_organisation, to_contact, registry_url, consent, details, status, made_by, made_by_name, made_at, updated_at, version) " +
						"VALUES (?, 'intensive_therapy', ?, 'Org', '+44 1', 'https://registry.example/1', 'no', ?, 'made', ?, 'Alice', ?, ?, 1)",
						[]any{caseID, secretName, keys.Seal([]byte(`{"why":"w","shared":[]}`), caseRowContext("referrals", 1, "details")), alice, d.Time(at), d.Time(at)}},
					{"INSERT INTO progress_notes (case_id, author_id, date_of_service, format, body, signed_by, signed_at, version, created_at, updated_at) VALUES (?, ?, '2026-12-01', 'dap', '', ?, ?, 2, ?, ?)",
						[]any{caseID, alice, alice, d.Time(at), d.Time(at), d.Time(at)}},
				} {
					if _, err := tx.ExecContext(ctx, d.Rebind(q.query), q.args...); err != nil {
						return err
					}
				}
				if err := tx.QueryRowContext(ctx, "SELECT MAX(id) FROM progress_notes").Scan(&noteID); err != nil {
					return err
				}
				body := keys.Seal([]byte(`{"sections":{"data":"d","assessment":"a","plan":"p"}}`), noteBodyContext(noteID))
				if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE progress_notes SET body = ? WHERE id = ?"), body, noteID); err != nil {
					return err
				}
				amendment := keys.Seal([]byte(`{"reason":"r","sections":{"plan":"p2"}}`), amendmentContext(noteID, 1))
				_, err = tx.ExecContext(ctx, d.Rebind("INSERT INTO progress_note_amendments (note_id, seq, by_id, at, body) VALUES (?, 1, ?, ?, ?)"),
					noteID, alice, d.Time(at), amendment)
				return err
			})

			// Without the keys: the schema migrates, nothing is sealed.
			if _, err := New(db, nil).Migrate(ctx); !errors.Is(err, errNoKeys) {
				t.Fatalf("migrating without keys: %v, want errNoKeys", err)
			}
			if n, err := s.Migrate(ctx); err != nil || n != 0 {
				t.Fatalf("migrating with the keys: %d, %v", n, err)
			}
			for _, q := range []string{"SELECT diagnosis FROM case_concerns", "SELECT finding FROM case_comorbidities", "SELECT recipient FROM case_referrals"} {
				v := lockRaw(t, s, q)
				if !strings.HasPrefix(v, "v1.") || strings.Contains(v, secretConcern) || strings.Contains(v, secretName) || strings.Contains(v, secretRef) {
					t.Errorf("%s: %q, want it sealed", q, v)
				}
			}
			for _, q := range []string{"SELECT concern FROM case_concerns", "SELECT kind FROM case_comorbidities", "SELECT to_name FROM case_referrals"} {
				if _, err := s.DB.ExecContext(ctx, q); err == nil {
					t.Errorf("%s: the plain column is still there", q)
				}
			}
			caseInTx(t, s, func(tx *Tx) error {
				cs, err := tx.CaseConcerns(ctx, caseID)
				if err != nil {
					return err
				}
				want := []practice.StoredConcern{{Taxonomy: "t1", Diagnosis: concern.Diagnosis{Concern: secretConcern,
					Specifiers: concern.Specifiers{Onset: "lifelong", Context: "generalised", Severity: "moderate"}}}}
				if !reflect.DeepEqual(cs, want) {
					t.Errorf("concerns %+v, want %+v", cs, want)
				}
				co, err := tx.Comorbidities(ctx, caseID)
				if err != nil {
					return err
				}
				if len(co) != 1 || co[0].Kind != escalation.Depression || co[0].Source != practice.FromMeasure || co[0].MeasureRef != secretRef {
					t.Errorf("comorbidities %+v", co)
				}
				rs, err := tx.Referrals(ctx, caseID)
				if err != nil {
					return err
				}
				wantTo := practice.ReferralTo{Name: secretName, Organisation: "Org", Contact: "+44 1", RegistryURL: "https://registry.example/1"}
				if len(rs) != 1 || rs[0].To != wantTo || rs[0].Why != "w" {
					t.Errorf("referrals %+v", rs)
				}
				// Migration 00011: what was made is sent, with that one move.
				wantMoves := []practice.ReferralMove{{Seq: 1, Status: practice.ReferralSent, By: alice, ByName: "Alice", At: at}}
				if len(rs) == 1 && (rs[0].Status != practice.ReferralSent || !reflect.DeepEqual(rs[0].Moves, wantMoves)) {
					t.Errorf("a referral made before 00011: status %s, moves %+v", rs[0].Status, rs[0].Moves)
				}
				n, err := tx.ProgressNote(ctx, noteID)
				if err != nil {
					return err
				}
				if n.Note.Sections[note.Plan] != "p" || len(n.Amendments) != 1 || n.Amendments[0].Sections[note.Plan] != "p2" {
					t.Errorf("the signed note %+v", n)
				}
				return nil
			})
			if d := lockRaw(t, s, "SELECT body_digest FROM progress_notes WHERE id = ?", noteID); len(d) != 64 {
				t.Errorf("the signed note's digest: %q", d)
			}
			// Its digest, once taken, is kept.
			lockRefused(t, s, "locked", []string{"UPDATE progress_notes SET body_digest = '' WHERE id = ?"}, noteID)
		})
	}
}
