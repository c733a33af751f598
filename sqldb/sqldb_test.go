package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

func TestRebind(t *testing.T) {
	if got := sqldb.Postgres.Rebind("a = ? AND b = ?"); got != "a = $1 AND b = $2" {
		t.Fatalf("postgres: %s", got)
	}
	if got := sqldb.SQLite.Rebind("a = ?"); got != "a = ?" {
		t.Fatalf("sqlite: %s", got)
	}
}

func TestOpenRejectsBadConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := sqldb.Open(ctx, sqldb.Config{}); err == nil {
		t.Fatal("no data directory and no database URL must be an error")
	}
	if _, err := sqldb.Open(ctx, sqldb.Config{DatabaseURL: "mysql://x"}); err == nil {
		t.Fatal("a non-PostgreSQL URL must be an error")
	}
	if got := sqldb.Redact("postgres://u:secret@h/db"); got != "postgres://u:***@h/db" {
		t.Fatalf("redact: %s", got)
	}
}

// schema is a tiny migration set of one table, in both dialects.
var schema = fstest.MapFS{
	"sqlite/00001_things.sql": {Data: []byte(`-- +goose Up
CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, fine INTEGER NOT NULL DEFAULT 1);
-- +goose Down
DROP TABLE things;
`)},
	"postgres/00001_things.sql": {Data: []byte(`-- +goose Up
CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, fine BOOLEAN NOT NULL DEFAULT TRUE);
-- +goose Down
DROP TABLE things;
`)},
}

// TestEngines: migrations apply once, a unique violation is recognised by
// its driver code (for a unique column and a primary key) and nothing else
// is, a failed transaction rolls back, and the dialect's fragments are SQL
// its engine takes.
func TestEngines(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if v, err := db.Migrate(ctx, schema); err != nil || len(v) != 1 || v[0] != 1 {
				t.Fatalf("first migration: %v %v", v, err)
			}
			if v, err := db.Migrate(ctx, schema); err != nil || len(v) != 0 {
				t.Fatalf("second migration applied %v: %v", v, err)
			}
			insert := func(id int, name string) error {
				return db.InTx(ctx, func(tx *sqldb.Tx) error {
					_, err := tx.ExecContext(ctx, tx.Dialect.Rebind("INSERT INTO things (id, name) VALUES (?, ?)"), id, name)
					return err
				})
			}
			if err := insert(1, "a"); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				id   int
				name string
			}{{2, "a"}, {1, "b"}} {
				if err := insert(c.id, c.name); !sqldb.IsUniqueViolation(err) {
					t.Errorf("insert %d %s: %v, want a unique violation", c.id, c.name, err)
				}
			}
			if _, err := db.ExecContext(ctx, "INSERT INTO things (id) VALUES (3)"); err == nil || sqldb.IsUniqueViolation(err) {
				t.Errorf("a NOT NULL violation: %v, want an error that is not a unique violation", err)
			}
			if sqldb.IsUniqueViolation(errors.New("UNIQUE constraint failed: things.name")) {
				t.Error("a message alone must not count as a unique violation")
			}
			boom := errors.New("boom")
			err := db.InTx(ctx, func(tx *sqldb.Tx) error {
				if err := tx.LockTable(ctx, "things", sqldb.Exclusive); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "INSERT INTO things (id, name) VALUES (4, 'd')"); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx: %v", err)
			}
			var n int
			q := "SELECT COUNT(*) FROM things WHERE " + db.Dialect.IsTrue("fine")
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 1 {
				t.Fatalf("after a rollback: %d rows, %v", n, err)
			}
			err = db.InTx(ctx, func(tx *sqldb.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT id FROM things WHERE id = 1"+db.Dialect.LockRow()).Scan(&n)
			})
			if err != nil {
				t.Fatal(err)
			}
			err = db.InTx(ctx, func(tx *sqldb.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT id FROM things ORDER BY id LIMIT 1"+db.Dialect.SkipLocked()).Scan(&n)
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := insert(5, "e"); err != nil {
				t.Fatal(err)
			}
			scanName := func(r sqldb.Scanner) (string, error) {
				var s string
				err := r.Scan(&s)
				return s, err
			}
			rows, err := db.QueryContext(ctx, "SELECT name FROM things ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			if names, err := sqldb.Collect(rows, scanName); err != nil || strings.Join(names, ",") != "a,e" {
				t.Fatalf("Collect: %v, %v", names, err)
			}
			rows, err = db.QueryContext(ctx, "SELECT id FROM things WHERE id > 99")
			if err != nil {
				t.Fatal(err)
			}
			if names, err := sqldb.Collect(rows, scanName); err != nil || names != nil {
				t.Fatalf("Collect of no rows: %#v, %v", names, err)
			}
		})
	}
}

// TestScanOptionalTime: NULL leaves the time alone; a time is read; a
// malformed one is an error.
func TestScanOptionalTime(t *testing.T) {
	var got time.Time
	if err := sqldb.ScanOptionalTime(nil, &got); err != nil || !got.IsZero() {
		t.Fatalf("NULL: %v %v", got, err)
	}
	want := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := sqldb.ScanOptionalTime("2026-03-01T09:00:00.000000Z", &got); err != nil || !got.Equal(want) {
		t.Fatalf("text: %v %v", got, err)
	}
	if err := sqldb.ScanOptionalTime("yesterday", &got); err == nil {
		t.Fatal("a malformed time was read")
	}
}

// TestWriteTransactionsLeaveReadsAConnection: on PostgreSQL, write
// transactions (InTx) hold at most a quarter of the pool, so that writes
// waiting their turn on a lock never take every connection from reads; a
// write queued for its slot gives up when its context ends.
func TestWriteTransactionsLeaveReadsAConnection(t *testing.T) {
	ctx := context.Background()
	u, err := sqldbtest.Postgres(t)
	if err != nil {
		t.Skip(err)
	}
	db, err := sqldb.Open(ctx, sqldb.Config{DatabaseURL: u, MaxConns: 4}) // one write slot
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *sqldb.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	// The slot is taken: a second write waits for it, and gives up with
	// its context.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	ran := false
	if err := db.InTx(short, func(*sqldb.Tx) error { ran = true; return nil }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("a second write while the slot is held: ran %v, %v", ran, err)
	}
	// Reads still get connections: three at once, while the write holds one.
	reads, cancelReads := context.WithTimeout(ctx, 5*time.Second)
	defer cancelReads()
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := db.Conn(reads)
		if err != nil {
			t.Fatalf("read connection %d while a write holds its slot: %v", i+1, err)
		}
		conns[i] = c
	}
	for _, c := range conns {
		c.Close()
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(*sqldb.Tx) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("a write after the slot was given back: ran %v, %v", ran, err)
	}
}
