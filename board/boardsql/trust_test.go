package boardsql

import (
	"context"
	"errors"
	"testing"

	"github.com/certboard/certboard/auth"
)

// TestTrustedIssuers: the trust list on both engines: entries added with
// who added them and when, listed by name without regard to case, a DID
// listed twice refused, removal returning what it removed, and removing
// what is not listed ErrNotFound.
func TestTrustedIssuers(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			admin, err := s.CreateUser(ctx, User{Email: "admin@example.org", Name: "Ada Admin", PasswordHash: "x", Roles: []auth.Role{auth.Admin}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if list, err := s.TrustedIssuers(ctx); err != nil || len(list) != 0 {
				t.Fatalf("empty: %v %v", list, err)
			}
			entries := []TrustedIssuer{
				{DID: "did:web:aasect.org", Name: "AASECT", Note: "confirmed with their office", AddedBy: admin, AddedAt: t0},
				{DID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", Name: "a small board", AddedBy: admin, AddedAt: t0.Add(1)},
				{DID: "did:web:zeta.example", Name: "Zeta Institute", AddedBy: admin, AddedAt: t0.Add(2)},
			}
			for _, e := range entries {
				if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.AddTrustedIssuer(ctx, e) }); err != nil {
					t.Fatalf("add %s: %v", e.DID, err)
				}
			}
			again := TrustedIssuer{DID: "did:web:aasect.org", Name: "Someone else", AddedBy: admin, AddedAt: t0}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.AddTrustedIssuer(ctx, again) }); !errors.Is(err, ErrConflict) {
				t.Fatalf("a DID listed twice: %v, want ErrConflict", err)
			}
			list, err := s.TrustedIssuers(ctx)
			if err != nil || len(list) != 3 {
				t.Fatalf("list: %v %v", list, err)
			}
			for i, want := range []string{"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:web:aasect.org", "did:web:zeta.example"} {
				if list[i].DID != want {
					t.Errorf("entry %d is %s, want %s (by name, any case)", i, list[i].DID, want)
				}
			}
			if a := list[1]; a.Name != "AASECT" || a.Note != "confirmed with their office" || a.AddedBy != admin || a.AddedByName != "Ada Admin" || !a.AddedAt.Equal(t0) {
				t.Errorf("read back: %+v", a)
			}
			var removed *TrustedIssuer
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				var err error
				removed, err = tx.RemoveTrustedIssuer(ctx, "did:web:aasect.org")
				return err
			}); err != nil || removed.Name != "AASECT" || removed.Note != "confirmed with their office" {
				t.Fatalf("remove: %+v %v", removed, err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { _, err := tx.RemoveTrustedIssuer(ctx, "did:web:aasect.org"); return err }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("remove again: %v, want ErrNotFound", err)
			}
			if list, err := s.TrustedIssuers(ctx); err != nil || len(list) != 2 {
				t.Fatalf("after removal: %v %v", list, err)
			}
		})
	}
}
