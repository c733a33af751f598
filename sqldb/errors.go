package sqldb

import (
	"errors"

	"github.com/certboard/certboard"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a looked-up row does not exist: the root
// package's sentinel, so that use cases recognise it without importing
// the database.
var ErrNotFound = certboard.ErrNotFound

// ErrConflict is returned when a write would break a uniqueness rule or
// lost a race with another edit (certboard.ErrConflict).
var ErrConflict = certboard.ErrConflict

// pgUniqueViolation is PostgreSQL's SQLSTATE for a unique violation.
const pgUniqueViolation = "23505"

// IsUniqueViolation reports whether err is a unique-constraint (or
// primary-key) violation of either engine, by the driver's error code:
// SQLite's extended codes SQLITE_CONSTRAINT_UNIQUE (2067) and
// SQLITE_CONSTRAINT_PRIMARYKEY (1555), PostgreSQL's SQLSTATE 23505. A store
// answers one with its own message wrapping ErrConflict.
func IsUniqueViolation(err error) bool {
	if lite, ok := errors.AsType[*sqlite.Error](err); ok {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
		return false
	}
	if pg, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pg.Code == pgUniqueViolation
	}
	return false
}
