// Package practicesql is practice mode's SQL storage: one store over a
// practice's own database (embedded SQLite by default, in the file
// practice.db; PostgreSQL when one machine is outgrown), never the
// board's. Its migrations are embedded here, one folder per dialect, and
// run by sqldb. The accounts are auth/authsql's, the audit log
// audit/auditsql's, the job queue and the mail outbox jobs/jobsql's, all
// over this database and its keyring: Store hands them out, and Tx binds
// their writes to one transaction. Each area of practice mode's use cases
// (clients, cases, notes, measures, credentials) adds its reads to Store
// and its writes to Tx in a file of its own; ForPractice is the store as
// practice.Store.
package practicesql

import (
	"context"
	"embed"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

//go:embed migrations
var migrationsDir embed.FS

// Migrations are the practice's migrations, a folder per dialect, for
// sqldb.DB.Migrate; Store.Migrate applies them.
var Migrations = sqldb.Migrations(migrationsDir)

// File is the practice's SQLite database file in its data directory: not
// the board's (sqldb.DefaultFile), so that the two never share one even in
// one directory.
const File = "practice.db"

// Config says where a practice's data lives.
type Config struct {
	// DataDir holds the SQLite database (File) when DatabaseURL is empty.
	DataDir string
	// DatabaseURL selects PostgreSQL: postgres://user@host:port/db?sslmode=disable.
	// It must name a database of the practice's own, never the board's.
	DatabaseURL string
	// MaxConns bounds the connection pool (0: sqldb's default).
	MaxConns int
	// Keys encrypts sensitive columns (two-factor secrets, queued mail,
	// clinical text) and signs the audit checkpoints; methods that need
	// it fail without it.
	Keys *seal.Keyring
}

// Store is a practice's open database.
type Store struct {
	DB *sqldb.DB
	// Dialect is DB's, for the store's queries.
	Dialect sqldb.Dialect
	keys    *seal.Keyring
	audit   *auditsql.Log
	outbox  *jobsql.Outbox
	// accounts are the practice's accounts, over the same database and
	// audit log.
	accounts *authsql.Store
	// lists caches what client lists show of sealed identities.
	lists *listCache
}

// Open opens the database the config names; it does not migrate it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := sqldb.Open(ctx, sqldb.Config{DataDir: cfg.DataDir, File: File, DatabaseURL: cfg.DatabaseURL, MaxConns: cfg.MaxConns})
	if err != nil {
		return nil, err
	}
	return New(db, cfg.Keys), nil
}

// New is a practice's store over an open database; keys encrypts its
// sensitive columns and signs its audit checkpoints (nil: the methods that
// need them fail).
func New(db *sqldb.DB, keys *seal.Keyring) *Store {
	log := auditsql.New(db, keys)
	return &Store{DB: db, Dialect: db.Dialect, keys: keys, audit: log, outbox: &jobsql.Outbox{DB: db, Keys: keys},
		accounts: authsql.New(db, authsql.Config{Keys: keys, Audit: log, Roles: auth.PracticeRoles, References: references}),
		lists:    &listCache{}}
}

// references are the columns of the practice's own tables that name an
// account without ON DELETE CASCADE (see authsql.Config.References): each
// area that adds one lists it here.
var references []authsql.Reference

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// Migrate applies every embedded migration not yet applied and returns
// how many it applied; then it seals what a migration left for the keys to
// seal (sealMigrated, in cases_seal.go).
func (s *Store) Migrate(ctx context.Context) (int, error) {
	applied, err := s.DB.Migrate(ctx, Migrations)
	if err != nil {
		return len(applied), err
	}
	return len(applied), s.sealMigrated(ctx)
}

// Ping reports whether the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// InTx runs f in a transaction and commits when f returns nil; any error
// rolls it back. On SQLite, which has one writer at a time, transactions
// started here queue in the process.
func (s *Store) InTx(ctx context.Context, f func(tx *Tx) error) error {
	return s.DB.InTx(ctx, func(tx *sqldb.Tx) error { return f(&Tx{Tx: tx, s: s}) })
}

// Tx is one transaction of the store. Every write that must commit with
// others (a record, its audit entry, the mail it sends) is a method of
// Tx, so that a use case cannot make one outside the transaction it owns.
type Tx struct {
	*sqldb.Tx
	s *Store
}

// accounts are the account writes bound to the transaction.
func (tx *Tx) accounts() *authsql.Tx { return tx.s.accounts.In(tx.Tx) }

// AppendAudit appends an entry to the practice's audit log in the
// transaction (see auditsql.Log.Append).
func (tx *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	return tx.s.audit.Append(ctx, tx.Tx, e)
}

// EnqueueMail puts a mail in the practice's outbox in the transaction,
// its body sealed (see jobsql.Outbox.EnqueueMail).
func (tx *Tx) EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error) {
	return tx.s.outbox.EnqueueMail(ctx, tx.Tx, m)
}

// EnqueueJob schedules a background job in the transaction; a job with the
// same key makes this a no-op (see jobsql.Enqueue).
func (tx *Tx) EnqueueJob(ctx context.Context, j jobs.Job) (bool, error) {
	return jobsql.Enqueue(ctx, tx.Tx, j)
}

// Accounts is the practice's accounts (auth.Store, for auth.Accounts),
// over the practice's database and audit log.
func (s *Store) Accounts() *authsql.Store { return s.accounts }

// AuditLog is the practice's audit log, to verify and to take its
// checkpoint.
func (s *Store) AuditLog() *auditsql.Log { return s.audit }

// DueMail returns up to limit unsent messages whose next attempt is due,
// their bodies opened: it is for the sender alone (see jobsql.Outbox).
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]jobs.Mail, error) {
	return s.outbox.DueMail(ctx, now, limit)
}

// ClaimDueMail returns up to limit due messages, their bodies opened, and
// leases them to the caller until now+lease, so that no other instance
// sends them too (see jobsql.Outbox.ClaimDueMail).
func (s *Store) ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]jobs.Mail, error) {
	return s.outbox.ClaimDueMail(ctx, now, lease, limit)
}

// MarkMailSent records a delivered message and drops its body.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.outbox.MarkMailSent(ctx, id, at)
}

// MarkMailFailed records an attempt that failed at now and when to try
// again; after jobs.MaxMailAttempts failures the message is dead (see
// jobsql.Outbox.MarkMailFailed).
func (s *Store) MarkMailFailed(ctx context.Context, id int64, reason string, now, next time.Time) error {
	return s.outbox.MarkMailFailed(ctx, id, reason, now, next)
}

// The accounts as the demo and the command line reach them, where no use
// case does: see authsql.Store.

// UserByEmail returns the account of an address (any case), or
// sqldb.ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return s.accounts.UserByEmail(ctx, email)
}

// UserByID returns an account, or sqldb.ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	return s.accounts.UserByID(ctx, id)
}

// CreateUser stores an account made outside a use case (the first admin
// of a practice); sqldb.ErrConflict when the address has one.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (int64, error) {
	return s.accounts.CreateUser(ctx, u)
}

// SetPassword sets an account's password hash and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	return s.accounts.SetPassword(ctx, s.DB, userID, hash)
}

// TOTP returns an account's two-factor settings.
func (s *Store) TOTP(ctx context.Context, userID int64) (auth.TOTPState, error) {
	return s.accounts.TOTP(ctx, userID)
}

// EnableTOTP turns two-factor sign-in on with a known secret, without a
// confirming code: for the demo and tests.
func (s *Store) EnableTOTP(ctx context.Context, userID int64, secret string, at time.Time) error {
	return s.accounts.EnableTOTP(ctx, userID, secret, at)
}

// errNoKeys is returned by the methods that seal or open when the store
// has no keys.
var errNoKeys = sqldb.ErrNoKeys

// seal seals plain, bound to context (the row it belongs to, such as
// "practice/clients/7"), with the store's keyring: every area seals its
// clinical text through it.
func (s *Store) seal(plain []byte, context string) (string, error) {
	return sqldb.Seal(s.keys, plain, context)
}

// open opens what seal sealed with the same context.
func (s *Store) open(sealed, context string) ([]byte, error) {
	return sqldb.Unseal(s.keys, sealed, context)
}
