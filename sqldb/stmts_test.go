package sqldb

import (
	"context"
	"strconv"
	"testing"
)

// TestPreparedStatements: on SQLite a query run outside a transaction is
// prepared once per text and kept; a context marked Unprepared keeps
// nothing; a kept statement reads what was committed after its last use
// (it holds no snapshot between calls); the number kept is bounded.
func TestPreparedStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	kept := func() int {
		db.prepared.mu.Lock()
		defer db.prepared.mu.Unlock()
		return len(db.prepared.m)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	before := kept()
	count := func(c context.Context) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(c, "SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(ctx); n != 0 {
		t.Fatalf("count %d", n)
	}
	if kept() != before+1 {
		t.Fatalf("kept %d statements after a query, want %d", kept(), before+1)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", "a"); err != nil {
		t.Fatal(err)
	}
	if n := count(ctx); n != 1 {
		t.Fatalf("the kept statement read %d rows after an insert, want 1", n)
	}
	if _, err := db.ExecContext(ctx, "DELETE FROM t"); err != nil {
		t.Fatal(err)
	}
	if n := count(ctx); n != 0 {
		t.Fatalf("the kept statement read %d rows after a delete, want 0", n)
	}
	k := kept()
	rows, err := db.QueryContext(Unprepared(ctx), "SELECT v FROM t LIMIT 5 OFFSET 10")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if kept() != k {
		t.Fatalf("an Unprepared query was kept: %d statements, want %d", kept(), k)
	}
	for i := range maxStmts + 10 {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t WHERE id > "+strconv.Itoa(i)).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if kept() != maxStmts {
		t.Fatalf("kept %d statements, more than the bound %d", kept(), maxStmts)
	}
}
