// Package boardsql is the board's SQL storage: one store over a sqldb
// database, embedded SQLite by default and PostgreSQL when one machine is
// outgrown. The board's migrations are embedded here, one folder per
// dialect, and run by sqldb; the few real differences between the engines
// live in sqldb.Dialect. The job queue and the mail outbox are package
// jobs, reached through Store and Tx.
package boardsql

import (
	"context"
	"embed"
	"fmt"

	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

//go:embed migrations
var migrationsDir embed.FS

// Migrations are the board's migrations, a folder per dialect, for
// sqldb.DB.Migrate. Store.Migrate applies them and does what SQL cannot.
var Migrations = sqldb.Migrations(migrationsDir)

// Dialect is the SQL engine behind a store (see sqldb.Dialect).
type Dialect = sqldb.Dialect

// The engines certboard supports.
const (
	SQLite   = sqldb.SQLite
	Postgres = sqldb.Postgres
)

// Config says where the data lives.
type Config struct {
	// DataDir holds the SQLite database (certboard.db) when DatabaseURL is empty.
	DataDir string
	// DatabaseURL selects PostgreSQL: postgres://user@host:port/db?sslmode=disable.
	DatabaseURL string
	// MaxConns bounds the connection pool (0: 8 for SQLite, 16 for
	// PostgreSQL). An unbounded pool exhausts PostgreSQL's max_connections
	// under load and makes SQLite writers time out on its lock.
	MaxConns int
	// Keys encrypts sensitive columns (portfolios, snapshots, two-factor
	// secrets); methods that need it fail without it.
	Keys *seal.Keyring
}

// Store is the board's open database.
type Store struct {
	DB *sqldb.DB
	// Dialect is DB's, for the store's queries.
	Dialect Dialect
	keys    *seal.Keyring
	// audit is the database's audit log, which every append goes through.
	audit *auditsql.Log
	// accounts is the account tables, shared with practice mode's store;
	// its methods are the store's (see accounts.go).
	*accounts
}

// InTx runs f in a transaction and commits when f returns nil; any error
// rolls it back. On SQLite, which has one writer at a time, transactions
// started here queue in the process.
func (s *Store) InTx(ctx context.Context, f func(tx *Tx) error) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error { return f(s.in(tx)) })
}

// Begin starts a transaction that the caller commits or rolls back, for
// work committed in batches of its own (seeding a load test). Prefer InTx:
// on SQLite, Begin does not queue behind the store's other writers.
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	tx, err := s.DB.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return s.in(tx), nil
}

// in is the store's transaction over tx, the account writes bound to it.
func (s *Store) in(tx *sqldb.Tx) *Tx { return &Tx{Tx: tx, accountWrites: s.accounts.In(tx), s: s} }

// Tx is one transaction of the store. Every write that must commit
// together with others (an application's state, its history event, the
// audit entry and the mail it sends) is a method of Tx, so that a use case
// cannot make one outside the transaction it owns.
type Tx struct {
	*sqldb.Tx
	// accountWrites is the account writes bound to the transaction; its
	// methods are the transaction's (see accounts.go).
	*accountWrites
	s *Store
}

// Open opens the database the config names; it does not migrate it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := sqldb.Open(ctx, sqldb.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, MaxConns: cfg.MaxConns})
	if err != nil {
		return nil, err
	}
	return New(db, cfg.Keys), nil
}

// New is the board's store over an open database; keys encrypts its
// sensitive columns (nil: the methods that need them fail).
func New(db *sqldb.DB, keys *seal.Keyring) *Store {
	log := auditsql.New(db, keys)
	return &Store{DB: db, Dialect: db.Dialect, keys: keys, audit: log,
		accounts: authsql.New(db, authsql.Config{Keys: keys, Audit: log, SignUpRole: auth.Applicant, Roles: auth.Roles, References: accountReferences()})}
}

// Close closes the database.
func (s *Store) Close() error {
	return s.DB.Close()
}

// secretsMigration is the migration that sealed mail bodies and added the
// audit checkpoint.
const secretsMigration = 17

// Migrate applies every embedded migration not yet applied and returns
// how many it applied. Then, with the store's keys, it does what SQL
// cannot: it seals mail bodies left in plain text by an older version;
// right after the migration that added audit checkpoints, it signs the
// first checkpoint of a log written before them; and right after the one
// that added the licence number index, it fills it for the applications
// approved before.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	applied, err := s.DB.Migrate(ctx, Migrations)
	if err != nil {
		return len(applied), err
	}
	for _, v := range applied {
		switch v {
		case secretsMigration:
			if err := s.audit.AnchorExisting(ctx); err != nil {
				return len(applied), fmt.Errorf("signing the first audit checkpoint: %w", err)
			}
		case licenceMigration:
			if _, err := s.reindexLicences(ctx, false); err != nil {
				return len(applied), fmt.Errorf("filling the licence number index: %w", err)
			}
		}
	}
	if _, err := s.outbox().SealPlainMail(ctx); err != nil {
		return len(applied), err
	}
	return len(applied), nil
}

// Ping reports whether the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// errNoKeys is returned by methods that encrypt when the store has no keys.
var errNoKeys = sqldb.ErrNoKeys

// seal seals plain, bound to context, with the store's keyring.
func (s *Store) seal(plain []byte, context string) (string, error) {
	return sqldb.Seal(s.keys, plain, context)
}

// open opens what seal sealed with the same context.
func (s *Store) open(sealed, context string) ([]byte, error) {
	return sqldb.Unseal(s.keys, sealed, context)
}
