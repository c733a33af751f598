// Package boardsql is certboard's SQL storage: one store over database/sql,
// embedded SQLite by default and PostgreSQL when one machine is outgrown.
// Migrations are embedded, one folder per dialect, and run with goose. The
// few real differences between the engines live in Dialect.
package boardsql

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/seal"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// Dialect is the SQL engine behind a store.
type Dialect int

// The engines certboard supports.
const (
	SQLite Dialect = iota
	Postgres
)

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

// Store is an open database.
type Store struct {
	DB      *sql.DB
	Dialect Dialect
	keys    *seal.Keyring
	// writers queues SQLite's write transactions in the process, so that
	// they wait their turn here instead of sleeping and retrying on the
	// database lock (which under load made some wait seconds).
	writers sync.Mutex
	// lastCheckpoint is the audit checkpoint this store signed last: one
	// read back unchanged needs no signature check.
	lastCheckpoint atomic.Pointer[audit.Checkpoint]
	// auditKeys caches the checkpoint signing keys derived from the
	// keyring, by key id.
	auditKeys sync.Map
}

// InTx runs f in a transaction and commits when f returns nil; any error
// rolls it back. On SQLite, which has one writer at a time, transactions
// started here queue in the process.
func (s *Store) InTx(ctx context.Context, f func(tx *Tx) error) error {
	if s.Dialect == SQLite {
		s.writers.Lock()
		defer s.writers.Unlock()
	}
	sqltx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(&Tx{Tx: sqltx, s: s}); err != nil {
		sqltx.Rollback()
		return err
	}
	return sqltx.Commit()
}

// Begin starts a transaction that the caller commits or rolls back, for
// work committed in batches of its own (seeding a load test). Prefer InTx:
// on SQLite, Begin does not queue behind the store's other writers.
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	sqltx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: sqltx, s: s}, nil
}

// Tx is one transaction of the store. Every write that must commit
// together with others (an application's state, its history event, the
// audit entry and the mail it sends) is a method of Tx, so that a use case
// cannot make one outside the transaction it owns.
type Tx struct {
	*sql.Tx
	s *Store
}

// CheckDatabaseURL refuses a database URL that Open would refuse, so that
// a command can say so before it does anything else.
func CheckDatabaseURL(u string) error {
	if u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return fmt.Errorf("--database %q: only postgres:// URLs are supported; leave it empty for the embedded SQLite database", u)
	}
	return nil
}

// Open opens the database the config names; it does not migrate it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := CheckDatabaseURL(cfg.DatabaseURL); err != nil {
		return nil, err
	}
	if u := cfg.DatabaseURL; u != "" {
		db, err := sql.Open("pgx", u)
		if err != nil {
			return nil, fmt.Errorf("opening PostgreSQL: %w", err)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", redact(u), err)
		}
		limitPool(db, cfg.MaxConns, 16)
		return &Store{DB: db, Dialect: Postgres, keys: cfg.Keys}, nil
	}
	dir := cfg.DataDir
	if dir == "" {
		return nil, errors.New("no data directory: give --data DIR (or --database for PostgreSQL)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	file := filepath.Join(dir, "certboard.db")
	if err := ownerOnly(dir, file); err != nil {
		return nil, err
	}
	dsn := "file:" + file +
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening SQLite: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", filepath.Join(dir, "certboard.db"), err)
	}
	limitPool(db, cfg.MaxConns, 8)
	return &Store{DB: db, Dialect: SQLite, keys: cfg.Keys}, nil
}

// ownerOnly makes the data directory readable by its owner only (0700)
// and the database files read-write by their owner only (0600): the
// database is created here, before SQLite would create it with the
// process's default mode (0644 under the usual umask), and its -wal and
// -shm files, which SQLite creates with the database file's mode, follow.
// Existing files with wider modes are narrowed. (Windows has no such modes.)
func ownerOnly(dir, file string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("creating the database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	for name, mode := range map[string]os.FileMode{dir: 0o700, file: 0o600, file + "-wal": 0o600, file + "-shm": 0o600} {
		fi, err := os.Stat(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&^mode == 0 {
			continue
		}
		if err := os.Chmod(name, mode); err != nil {
			return fmt.Errorf("%s has mode %04o, readable by others, and cannot be narrowed to %04o: %w", name, fi.Mode().Perm(), mode, err)
		}
	}
	return nil
}

// limitPool bounds the pool and keeps its connections open, so that
// requests do not open and close a connection each.
func limitPool(db *sql.DB, n, fallback int) {
	if n <= 0 {
		n = fallback
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// redact hides a password in a database URL for messages.
func redact(u string) string {
	at := strings.Index(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 {
		return u
	}
	creds := u[scheme+3 : at]
	if user, _, ok := strings.Cut(creds, ":"); ok {
		return u[:scheme+3] + user + ":***" + u[at:]
	}
	return u
}

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// secretsMigration is the migration that sealed mail bodies and added the
// audit checkpoint.
const secretsMigration = 17

// Migrate applies every embedded migration not yet applied and returns
// how many it applied. Then, with the store's keys, it does what SQL
// cannot: it seals mail bodies left in plain text by an older version, and,
// right after the migration that added audit checkpoints, signs the first
// checkpoint of a log written before them.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	dir, err := fs.Sub(migrations, "migrations/"+s.Dialect.String())
	if err != nil {
		return 0, err
	}
	dialect := goose.DialectSQLite3
	if s.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, s.DB, dir)
	if err != nil {
		return 0, fmt.Errorf("preparing migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("migrating the %s database: %w", s.Dialect, err)
	}
	for _, r := range results {
		if r.Source != nil && r.Source.Version == secretsMigration {
			if err := s.anchorExisting(ctx); err != nil {
				return len(results), fmt.Errorf("signing the first audit checkpoint: %w", err)
			}
		}
	}
	if _, err := s.sealPlainMail(ctx); err != nil {
		return len(results), err
	}
	return len(results), nil
}

// Ping reports whether the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// errNoKeys is returned by methods that encrypt when the store has no keys.
var errNoKeys = errors.New("store: no encryption keys configured")

func (s *Store) seal(plain []byte, context string) (string, error) {
	if s.keys == nil {
		return "", errNoKeys
	}
	return s.keys.Seal(plain, context), nil
}

func (s *Store) open(sealed, context string) ([]byte, error) {
	if s.keys == nil {
		return nil, errNoKeys
	}
	return s.keys.Open(sealed, context)
}
