package practicesql

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// TestMigrationOnePracticeName: migration 00015 carries the name the
// session settings held into the practice's identifiers, as their first
// version when they were never saved (the rest empty, the tax id
// unsealed and read back empty) and not over a name saved there already;
// the column goes, and the time zone stays.
func TestMigrationOnePracticeName(t *testing.T) {
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, saved := range []bool{false, true} {
		for name, db := range sqldbtest.Engines(t) {
			t.Run(map[bool]string{false: "never saved", true: "saved"}[saved]+"/"+name, func(t *testing.T) {
				ctx := context.Background()
				s := New(db, keys)
				if _, err := db.MigrateTo(ctx, Migrations, 14); err != nil {
					t.Fatal(err)
				}
				admin, err := s.CreateUser(ctx, auth.User{Email: "ines@example.org", Name: "Ines", Roles: []auth.Role{auth.PracticeAdmin},
					PasswordHash: "unused", CreatedAt: at, EmailVerifiedAt: at})
				if err != nil {
					t.Fatal(err)
				}
				caseInTx(t, s, func(tx *Tx) error {
					d := tx.Dialect
					if _, err := tx.ExecContext(ctx, d.Rebind("UPDATE session_settings SET practice_name = ?, time_zone = ?, updated_by = ?, updated_at = ? WHERE id = 1"),
						"Lakeview Couples Clinic", "America/Chicago", admin, d.Time(at)); err != nil {
						return err
					}
					if !saved {
						return nil
					}
					_, err := tx.SavePracticeIdentifiers(ctx, practice.PracticeIdentifiers{Name: "Lakeview Clinic LLC", Address: "1 Main St",
						Phone: "(312) 555-0148", TaxID: "12-3456789", UpdatedBy: admin, UpdatedAt: at.Add(time.Hour)})
					return err
				})
				if _, err := s.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				pi, err := s.PracticeIdentifiers(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want := practice.PracticeIdentifiers{Name: "Lakeview Couples Clinic", UpdatedBy: admin, UpdatedAt: at, Version: 1}
				if saved {
					want = practice.PracticeIdentifiers{Name: "Lakeview Clinic LLC", Address: "1 Main St", Phone: "(312) 555-0148",
						TaxID: "12-3456789", UpdatedBy: admin, UpdatedAt: at.Add(time.Hour), Version: 1}
				}
				if !pi.UpdatedAt.Equal(want.UpdatedAt) {
					t.Errorf("updated at %v, want %v", pi.UpdatedAt, want.UpdatedAt)
				}
				pi.UpdatedAt = want.UpdatedAt
				if *pi != want {
					t.Errorf("identifiers %+v\nwant %+v", *pi, want)
				}
				if _, err := s.DB.ExecContext(ctx, "SELECT practice_name FROM session_settings"); err == nil {
					t.Error("session_settings.practice_name is still there")
				}
				caseInTx(t, s, func(tx *Tx) error {
					settings, err := tx.SessionSettings(ctx)
					if err != nil || settings.TimeZone != "America/Chicago" || settings.UpdatedBy != admin {
						t.Errorf("session settings %+v, %v", settings, err)
					}
					// The migrated row is saved over like any other.
					pi.Address, pi.TaxID = "2 Lake St", "98-7654321"
					v, err := tx.SavePracticeIdentifiers(ctx, *pi)
					if err != nil || v != 2 {
						t.Errorf("saving over the migrated row: %d, %v", v, err)
					}
					return nil
				})
			})
		}
	}
}
