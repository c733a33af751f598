// Package authsql keeps accounts in a mode's SQL database: it implements
// auth.Store and auth.Tx over sqldb, on both engines, for the board and
// for practice mode alike. It holds users and their roles, sessions,
// e-mail link tokens, two-factor settings (the TOTP secret sealed with the
// mode's keyring) and recovery codes, API tokens, the counters of failed
// attempts, the mail quota, known devices and re-authentication. An
// account use case's audit entry goes to the database's audit log
// (audit/auditsql), its mail to the outbox and its background job's
// completion to the job queue (jobs/jobsql), all in the use case's
// transaction.
//
// The tables are created by the migrations of the mode that owns the
// database (the board's, or practice/practicesql's, whose first migration
// is the consolidated schema of the tables this package and auditsql and
// jobsql use); the package works over any database that has them.
//
// Writes that a mode makes in a transaction of its own take a Querier (a
// transaction, or the database for a single statement), or go through Tx,
// which binds them to one transaction (In); the reads run on the database.
package authsql

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// ErrNotFound is returned when a looked-up row does not exist (it is
// sqldb.ErrNotFound, as auth.ErrNotFound is).
var ErrNotFound = sqldb.ErrNotFound

// ErrConflict is returned when a write would break a uniqueness rule or
// lost a race with another edit (it is sqldb.ErrConflict, as
// auth.ErrConflict is).
var ErrConflict = sqldb.ErrConflict

// ErrNoKeys is returned by the methods that seal or open a two-factor
// secret when the store has no keyring (it is sqldb.ErrNoKeys).
var ErrNoKeys = sqldb.ErrNoKeys

// Querier is what both a database and a transaction offer, so that a write
// can run inside a caller's transaction or on its own.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Reference is a column of a mode's own table that names an account
// (users.id) without ON DELETE CASCADE: an account it names is never
// deleted as an expired sign-up.
type Reference struct {
	// Table is the mode's table ("applications").
	Table string
	// Column is its column holding a users.id ("applicant_id").
	Column string
}

// Config is what a Store needs besides its database.
type Config struct {
	// Keys seals the two-factor secrets and the bodies of queued mail, and
	// derives the audit checkpoint keys when Audit is nil; without it the
	// methods that need it fail with ErrNoKeys (or jobsql.ErrNoKeys).
	Keys *seal.Keyring
	// Audit is the database's audit log, which AppendAudit appends to:
	// the one the mode's other writers use, so that they share what it
	// remembers. nil: a log of its own over the database and Keys.
	Audit *auditsql.Log
	// SignUpRole is the role, and the only one, that an account made by
	// signing up holds (auth.AccountsConfig.SignUpRole): only such an
	// account, never verified, is replaced by a new sign-up with its
	// address or deleted when its sign-up expires. "" is a mode without
	// sign-up (practice mode): no account is ever replaced or swept, so an
	// invited person's account, not verified yet, cannot be taken over.
	// Roles, when set, are the only roles this database holds: a stored
	// role outside them is an error when read.
	SignUpRole auth.Role
	// Roles are the roles of the mode (auth.Roles, auth.PracticeRoles);
	// nil accepts every role auth knows.
	Roles []auth.Role
	// References lists every column of the mode's own tables that names an
	// account without ON DELETE CASCADE (the account tables of this
	// package cascade): an account any of them names is never deleted as
	// an expired sign-up. A mode's test should check the list against its
	// migrations. Table and column names are identifiers from code: New
	// panics on anything but lower-case letters, digits and underscores.
	References []Reference
}

// Store is the accounts of one database. It implements auth.Store.
type Store struct {
	db         *sqldb.DB
	d          sqldb.Dialect
	keys       *seal.Keyring
	audit      *auditsql.Log
	outbox     *jobsql.Outbox
	signUpRole auth.Role
	roles      []auth.Role
	refs       []Reference
}

var _ auth.Store = (*Store)(nil)

// identifier is the shape of a table or column name in References.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// New is the accounts of db, as cfg says.
func New(db *sqldb.DB, cfg Config) *Store {
	for _, r := range cfg.References {
		if !identifier.MatchString(r.Table) || !identifier.MatchString(r.Column) {
			panic(fmt.Sprintf("authsql: reference %q.%q is not a plain identifier", r.Table, r.Column))
		}
	}
	if cfg.Audit == nil {
		cfg.Audit = auditsql.New(db, cfg.Keys)
	}
	return &Store{
		db: db, d: db.Dialect, keys: cfg.Keys, audit: cfg.Audit,
		outbox:     &jobsql.Outbox{DB: db, Keys: cfg.Keys},
		signUpRole: cfg.SignUpRole,
		roles:      append([]auth.Role(nil), cfg.Roles...),
		refs:       append([]Reference(nil), cfg.References...),
	}
}

// InTx runs f in one transaction of the database, handed out as an
// auth.Tx: it commits when f returns nil and rolls back otherwise. On
// SQLite it queues behind the database's other writers (sqldb.DB.InTx).
func (s *Store) InTx(ctx context.Context, f func(tx auth.Tx) error) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error { return f(s.In(tx)) })
}

// Tx is the account writes bound to one transaction. It implements auth.Tx.
type Tx struct {
	tx *sqldb.Tx
	s  *Store
}

var _ auth.Tx = (*Tx)(nil)

// In binds the account writes to tx, a transaction of the store's
// database that the caller owns: a mode's use case that changes an
// account together with its own rows.
func (s *Store) In(tx *sqldb.Tx) *Tx { return &Tx{tx: tx, s: s} }

// timeArg is the argument that stores t in a time column (see
// sqldb.Dialect.Time).
func (s *Store) timeArg(t time.Time) any { return s.d.Time(t) }

// optionalTime is the column value of a time that may be unset.
func (s *Store) optionalTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.timeArg(t)
}
