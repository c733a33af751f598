// Package sqldbtest opens fresh databases for tests, one on each engine, so
// that a store's tests run on both.
package sqldbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certboard/certboard/sqldb"
)

// DefaultPostgres is the test server of the development and CI machines,
// used when CERTBOARD_TEST_POSTGRES is not set.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var seq atomic.Int64

// Engines returns a fresh, empty database on each engine, by name
// ("sqlite", "postgres"): SQLite in a temporary directory, and PostgreSQL
// in a database created for this test and dropped after it, on the server
// CERTBOARD_TEST_POSTGRES names. Without a reachable PostgreSQL the second
// is left out, or the test fails when CERTBOARD_CI=1.
func Engines(t testing.TB) map[string]*sqldb.DB {
	t.Helper()
	ctx := context.Background()
	out := map[string]*sqldb.DB{}
	lite, err := sqldb.Open(ctx, sqldb.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	out["sqlite"] = lite

	admin := os.Getenv("CERTBOARD_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgres
	}
	adminDB, err := sql.Open("pgx", admin)
	if err == nil {
		err = adminDB.PingContext(ctx)
	}
	if err != nil {
		if adminDB != nil {
			adminDB.Close()
		}
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatalf("PostgreSQL is required in CI (CERTBOARD_TEST_POSTGRES=%s): %v", sqldb.Redact(admin), err)
		}
		t.Logf("PostgreSQL not reachable, testing SQLite only: %v", err)
		return out
	}
	name := fmt.Sprintf("certboard_test_%d_%d", time.Now().UnixNano(), seq.Add(1))
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adminDB.Close()
		t.Fatalf("creating a test database: %v", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	pg, err := sqldb.Open(ctx, sqldb.Config{DatabaseURL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pg.Close()
		if _, err := adminDB.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		adminDB.Close()
	})
	out["postgres"] = pg
	return out
}
