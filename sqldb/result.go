package sqldb

import "database/sql"

// Affected is how many rows a write changed, taking ExecContext's two
// results as they come: its error when the write failed, else the
// driver's count (res.RowsAffected).
func Affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
