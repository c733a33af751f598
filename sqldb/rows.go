package sqldb

import "database/sql"

// Collect reads every row of rows with scan and closes rows: the loop of a
// query that returns a list. It stops at the first error.
func Collect[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScanIDs reads the one column of rows, an id, and closes rows; nil when
// there are none.
func ScanIDs(rows *sql.Rows) ([]int64, error) {
	return Collect(rows, func(r Scanner) (id int64, err error) {
		err = r.Scan(&id)
		return id, err
	})
}
