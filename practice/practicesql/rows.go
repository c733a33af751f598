package practicesql

import (
	"database/sql"
	"errors"
	"time"

	"github.com/certboard/certboard/sqldb"
)

// scanAll reads every row of rows through scan and closes them; a query
// with no rows gives an empty list, not nil.
func scanAll[T any](rows *sql.Rows, scan func(sqldb.Scanner) (*T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
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
