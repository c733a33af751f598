package practicesql

import (
	"database/sql"
	"errors"
	"time"

	"github.com/certboard/certboard/sqldb"
)

// scanAll reads every row of rows with scan (sqldb.Collect) and closes
// them; a query with no rows gives an empty list, not nil.
func scanAll[T any](rows *sql.Rows, scan func(sqldb.Scanner) (T, error)) ([]T, error) {
	out, err := sqldb.Collect(rows, scan)
	if out == nil && err == nil {
		out = []T{}
	}
	return out, err
}

// deref turns a scan that gives a pointer into one that gives the value.
func deref[T any](scan func(sqldb.Scanner) (*T, error)) func(sqldb.Scanner) (T, error) {
	return func(r sqldb.Scanner) (T, error) {
		v, err := scan(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return *v, nil
	}
}

// scanFound scans the row r into dest; no row is sqldb.ErrNotFound.
func scanFound(r sqldb.Scanner, dest ...any) error {
	err := r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return sqldb.ErrNotFound
	}
	return err
}

// timeInto is a scan destination for a time column of either engine
// (sqldb.ScanTime), read into *t.
type timeInto struct{ t *time.Time }

// Scan reads v, as sql.Scanner does.
func (d timeInto) Scan(v any) error {
	t, err := sqldb.ScanTime(v)
	*d.t = t
	return err
}
