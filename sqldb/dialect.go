package sqldb

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect is the SQL engine behind a database. Each real difference
// between the engines that is a fragment of SQL or a capability is a
// method here, so that queries are written once.
type Dialect int

// The engines certboard supports.
const (
	SQLite Dialect = iota
	Postgres
)

// String names the dialect: "sqlite" or "postgres". It is also the folder
// of the dialect's migrations (see Migrate).
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Rebind turns the ? placeholders of a query into the dialect's own
// ($1, $2... for PostgreSQL).
func (d Dialect) Rebind(q string) string {
	if d != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// queuesWriters reports whether the engine has one writer at a time, so
// that write transactions queue (SQLite) instead of locking rows and
// tables (PostgreSQL).
func (d Dialect) queuesWriters() bool { return d != Postgres }

// LockRow is the clause that ends a SELECT to lock the rows it reads until
// the transaction ends, without blocking inserts that merely refer to them:
// " FOR NO KEY UPDATE" on PostgreSQL, nothing on SQLite, whose writers
// already take turns.
func (d Dialect) LockRow() string {
	if d.queuesWriters() {
		return ""
	}
	return " FOR NO KEY UPDATE"
}

// SkipLocked is the clause that ends a SELECT to lock the rows it reads
// and pass over those another transaction holds, so that concurrent
// claimers of a queue take different rows: " FOR UPDATE SKIP LOCKED" on
// PostgreSQL, nothing on SQLite, where one claim runs at a time.
func (d Dialect) SkipLocked() string {
	if d.queuesWriters() {
		return ""
	}
	return " FOR UPDATE SKIP LOCKED"
}

// IsTrue is the condition that a boolean column (or expression) is true:
// "col" on PostgreSQL, "col = 1" on SQLite, which stores booleans as
// integers (and uses an index on the column only when compared).
func (d Dialect) IsTrue(col string) string {
	if d == Postgres {
		return col
	}
	return col + " = 1"
}

// sqliteTime is how SQLite stores times: fixed-width UTC text, so that
// comparing the text compares the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// Time is the argument that stores t in a time column: fixed-width text in
// SQLite and a timestamptz in PostgreSQL, to the microsecond both keep.
func (d Dialect) Time(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// ScanTime reads a time column of either engine, scanned into an any.
func ScanTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("malformed time %q", v)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("a time of type %T", v)
}

// ScanOptionalTime reads a time column that may be NULL, scanned into an
// any, into *t, which NULL leaves alone (zero, as a rule).
func ScanOptionalTime(v any, t *time.Time) error {
	if v == nil {
		return nil
	}
	var err error
	*t, err = ScanTime(v)
	return err
}

// Scanner is what both *sql.Row and *sql.Rows offer, so that one function
// can read a row of either.
type Scanner interface{ Scan(...any) error }
