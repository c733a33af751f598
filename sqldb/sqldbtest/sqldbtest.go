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
// in a database created for this test by Postgres. Without a reachable
// PostgreSQL the second is left out, or the test fails when
// CERTBOARD_CI=1.
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
	dbURL, err := Postgres(t)
	if err != nil {
		t.Logf("testing SQLite only: %v", err)
		return out
	}
	pg, err := sqldb.Open(ctx, sqldb.Config{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	out["postgres"] = pg
	return out
}

// Postgres creates an empty database for the test on the PostgreSQL
// server CERTBOARD_TEST_POSTGRES names (DefaultPostgres when unset) and
// returns its URL. The database is dropped when the test ends, after the
// cleanups registered later (a store opened on it closes first). Without
// a reachable server it returns the reason, or fails the test when
// CERTBOARD_CI=1.
func Postgres(t testing.TB) (string, error) {
	t.Helper()
	ctx := context.Background()
	admin := os.Getenv("CERTBOARD_TEST_POSTGRES")
	if admin == "" {
		admin = DefaultPostgres
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("CERTBOARD_TEST_POSTGRES is not a URL: %v", err)
	}
	adminDB, err := sql.Open("pgx", admin)
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = adminDB.PingContext(pctx)
		cancel()
	}
	if err != nil {
		if adminDB != nil {
			adminDB.Close()
		}
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatalf("PostgreSQL is required in CI (CERTBOARD_TEST_POSTGRES=%s): %v", sqldb.Redact(admin), err)
		}
		return "", fmt.Errorf("PostgreSQL is not reachable at %s: %w", sqldb.Redact(admin), err)
	}
	name := fmt.Sprintf("certboard_test_%d_%d", time.Now().UnixNano(), seq.Add(1))
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adminDB.Close()
		t.Fatalf("creating a test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := adminDB.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		adminDB.Close()
	})
	u.Path = "/" + name
	return u.String(), nil
}
