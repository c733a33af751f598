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

// The accounts and clients the cases tests use, as each store numbers
// them (a fresh database gives 1 and 2).
var (
	caseAlice, caseBob       int64 = 1, 2
	caseClient1, caseClient2 int64 = 1, 2
)

// caseStores returns a migrated store on each engine with the accounts
// and clients the cases tests use.
func caseStores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	out := map[string]*Store{}
	for name, db := range sqldbtest.Engines(t) {
		s := New(db, keys)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, u := range []auth.User{
			{Email: "alice@example.org", Name: "Alice Adler", Roles: []auth.Role{auth.Practitioner}},
			{Email: "bob@example.org", Name: "Bob Brown", Roles: []auth.Role{auth.Practitioner}},
		} {
			u.PasswordHash, u.CreatedAt, u.EmailVerifiedAt = "unused", at, at
			id, err := s.CreateUser(ctx, u)
			if err != nil || id != int64(i+1) {
				t.Fatalf("%s: account %d: %d, %v", name, i+1, id, err)
			}
		}
		err := s.InTx(ctx, func(tx *Tx) error {
			for i, n := range []string{"Client One", "Client Two"} {
				id, err := tx.CreateClient(ctx, practice.Client{Identity: practice.Identity{Name: n}, CreatedAt: at, CreatedBy: caseAlice, UpdatedAt: at, Version: 1})
				if err != nil {
					return err
				}
				if id != int64(i+1) {
					t.Fatalf("%s: client %d got id %d", name, i+1, id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}
