package sqldb_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

func TestScanIDsAndAffected(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, "CREATE TABLE ids (id BIGINT PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			ids := func() []int64 {
				t.Helper()
				rows, err := db.QueryContext(ctx, "SELECT id FROM ids ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				got, err := sqldb.ScanIDs(rows)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if got := ids(); got != nil {
				t.Errorf("no rows: ScanIDs = %#v, want nil", got)
			}
			if _, err := db.ExecContext(ctx, "INSERT INTO ids (id, n) VALUES (2, 0), (1, 0)"); err != nil {
				t.Fatal(err)
			}
			if got := ids(); !slices.Equal(got, []int64{1, 2}) {
				t.Errorf("ScanIDs = %v, want [1 2]", got)
			}
			if n, err := sqldb.Affected(db.ExecContext(ctx, "UPDATE ids SET n = 1")); err != nil || n != 2 {
				t.Errorf("Affected = %d, %v, want 2", n, err)
			}
			if n, err := sqldb.Affected(db.ExecContext(ctx, "UPDATE ids SET n = 1 WHERE id = 3")); err != nil || n != 0 {
				t.Errorf("Affected of no row = %d, %v, want 0", n, err)
			}
			failed := errors.New("failed")
			if _, err := sqldb.Affected(nil, failed); err != failed {
				t.Errorf("Affected passed %v, want the write's error", err)
			}
		})
	}
}
