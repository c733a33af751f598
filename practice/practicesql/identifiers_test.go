package practicesql_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
)

func TestPracticeIdentifiers(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			if _, err := s.PracticeIdentifiers(ctx); !errors.Is(err, certboard.ErrNotFound) {
				t.Fatalf("before any save: %v, want ErrNotFound", err)
			}
			first := practice.PracticeIdentifiers{Name: "Lakeview Couples Clinic", Address: "1200 N Lake Shore Dr\nChicago, IL 60610",
				Phone: "(312) 555-0142", NPI: "1234567893", TaxID: "123-45-6789", UpdatedBy: u.admin, UpdatedAt: measureT0}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				if _, err := tx.LockPracticeIdentifiers(ctx); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("lock before any save: %v, want ErrNotFound", err)
				}
				v, err := tx.SavePracticeIdentifiers(ctx, first)
				if err != nil || v != 1 {
					t.Fatalf("insert: %d, %v", v, err)
				}
				return nil
			})
			err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.SavePracticeIdentifiers(ctx, first)
				return err
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("a second first save: %v, want ErrConflict", err)
			}
			// The tax id is sealed: the column holds no digit of it.
			var raw string
			if err := s.DB.QueryRowContext(ctx, "SELECT tax_id FROM practice_identifiers").Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "6789") || raw == "" {
				t.Errorf("the tax id is stored in the clear: %q", raw)
			}
			next := first
			next.Phone, next.TaxID, next.NPI, next.Version, next.UpdatedAt = "(312) 555-0199", "36-4512789", "", 1, measureT0.Add(time.Hour)
			measureTx(t, s, func(tx *practicesql.Tx) error {
				v, err := tx.SavePracticeIdentifiers(ctx, next)
				if err != nil || v != 2 {
					t.Fatalf("update: %d, %v", v, err)
				}
				if _, err := tx.SavePracticeIdentifiers(ctx, next); !errors.Is(err, certboard.ErrConflict) {
					t.Fatalf("stale update: %v, want ErrConflict", err)
				}
				got, err := tx.LockPracticeIdentifiers(ctx)
				if err != nil {
					return err
				}
				next.Version = 2
				if !reflect.DeepEqual(*got, next) {
					t.Errorf("locked %+v\nwant %+v", *got, next)
				}
				return nil
			})
			got, err := s.PracticeIdentifiers(ctx)
			if err != nil || !reflect.DeepEqual(*got, next) {
				t.Fatalf("read %+v, %v\nwant %+v", got, err, next)
			}
		})
	}
}

func TestPractitionerIdentifiers(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			u := measurePeople(t, s)
			if _, err := s.PractitionerIdentifiers(ctx, u.pat); !errors.Is(err, certboard.ErrNotFound) {
				t.Fatalf("before any save: %v, want ErrNotFound", err)
			}
			pat := practice.PractitionerIdentifiers{UserID: u.pat, LicenceType: "LMFT", LicenceNumber: "LMFT-0158342", LicenceState: "IL",
				NPI: "1234567893", UpdatedAt: measureT0}
			sam := practice.PractitionerIdentifiers{UserID: u.sam, LicenceType: "LCSW", LicenceNumber: "149.0123", LicenceState: "WI",
				NPI: "1234567893", UpdatedAt: measureT0}
			measureTx(t, s, func(tx *practicesql.Tx) error {
				for _, pi := range []practice.PractitionerIdentifiers{pat, sam} {
					if v, err := tx.SavePractitionerIdentifiers(ctx, pi); err != nil || v != 1 {
						t.Fatalf("insert %d: %d, %v", pi.UserID, v, err)
					}
				}
				return nil
			})
			err := s.InTx(ctx, func(tx *practicesql.Tx) error {
				_, err := tx.SavePractitionerIdentifiers(ctx, pat)
				return err
			})
			if !errors.Is(err, certboard.ErrConflict) {
				t.Fatalf("a second first save: %v, want ErrConflict", err)
			}
			pat.LicenceState, pat.Version, pat.UpdatedAt = "IN", 1, measureT0.Add(time.Hour)
			measureTx(t, s, func(tx *practicesql.Tx) error {
				if v, err := tx.SavePractitionerIdentifiers(ctx, pat); err != nil || v != 2 {
					t.Fatalf("update: %d, %v", v, err)
				}
				if _, err := tx.SavePractitionerIdentifiers(ctx, pat); !errors.Is(err, certboard.ErrConflict) {
					t.Fatalf("stale update: %v, want ErrConflict", err)
				}
				got, err := tx.LockPractitionerIdentifiers(ctx, u.pat)
				if err != nil {
					return err
				}
				pat.Version = 2
				if !reflect.DeepEqual(*got, pat) {
					t.Errorf("locked %+v\nwant %+v", *got, pat)
				}
				return nil
			})
			sam.Version = 1
			all, err := s.AllPractitionerIdentifiers(ctx)
			if err != nil || len(all) != 2 || !reflect.DeepEqual(all[u.pat], pat) || !reflect.DeepEqual(all[u.sam], sam) {
				t.Fatalf("all: %+v, %v", all, err)
			}
			if _, err := s.PractitionerIdentifiers(ctx, u.other); !errors.Is(err, certboard.ErrNotFound) {
				t.Errorf("someone who saved none: %v, want ErrNotFound", err)
			}
		})
	}
}
