package boardsql

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// engines returns a fresh store on each engine (sqldbtest.Engines): SQLite
// in a temporary directory, and PostgreSQL in a database created for this
// test and dropped after it. Without a reachable PostgreSQL the second is
// skipped, or fails when CERTBOARD_CI=1.
func engines(t testing.TB) map[string]*Store {
	t.Helper()
	out := map[string]*Store{}
	for name, db := range sqldbtest.Engines(t) {
		out[name] = New(db, testKeys(t))
	}
	return out
}

func migrated(t testing.TB) map[string]*Store {
	t.Helper()
	stores := engines(t)
	for name, s := range stores {
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return stores
}

func TestMigrateIsIdempotent(t *testing.T) {
	for name, s := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			n, err := s.Migrate(ctx)
			if err != nil || n == 0 {
				t.Fatalf("first migration applied %d: %v", n, err)
			}
			if n, err := s.Migrate(ctx); err != nil || n != 0 {
				t.Fatalf("second migration applied %d, want 0: %v", n, err)
			}
			if err := s.Ping(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func appendN(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: time.Date(2026, 11, 26, 9, i, 0, 123456789, time.UTC),
			Actor: "staff-1", Action: "application.transition", Subject: fmt.Sprintf("application/%d", i),
			Before: `{"state":"submitted"}`, After: `{"state":"in_review"}`})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			appendN(t, s, 5)
			n, err := s.VerifyAudit(ctx)
			if err != nil || n != 5 {
				t.Fatalf("verify: %d entries, %v", n, err)
			}
			// Edit one entry behind the application's back.
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE audit_log SET after = ? WHERE seq = ?"), `{"state":"approved"}`, 3); err != nil {
				t.Fatal(err)
			}
			_, err = s.VerifyAudit(ctx)
			var be *audit.BrokenError
			if !errors.As(err, &be) || be.Seq != 3 {
				t.Fatalf("after an edit: %v, want a break at entry 3", err)
			}
		})
	}
}

func TestAuditDetectsDeletion(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			appendN(t, s, 4)
			if _, err := s.DB.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 2"); err != nil {
				t.Fatal(err)
			}
			_, err := s.VerifyAudit(ctx)
			var be *audit.BrokenError
			if !errors.As(err, &be) || be.Seq != 2 {
				t.Fatalf("after a deletion: %v, want a break at entry 2", err)
			}
		})
	}
}

// TestAuditAppendsSerialise: concurrent writers never fork the chain.
func TestAuditAppendsSerialise(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 10 {
						tx, err := s.Begin(ctx)
						if err != nil {
							errs <- err
							return
						}
						_, err = tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: fmt.Sprintf("w%d", w), Action: "test", Subject: fmt.Sprint(i)})
						if err != nil {
							tx.Rollback()
							errs <- err
							return
						}
						if err := tx.Commit(); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if n, err := s.VerifyAudit(ctx); err != nil || n != 40 {
				t.Fatalf("%d entries, %v; want 40 and an intact chain", n, err)
			}
		})
	}
}

func testKeys(t testing.TB) *seal.Keyring {
	t.Helper()
	k, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	return k
}
