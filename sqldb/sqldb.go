// Package sqldb opens certboard's SQL databases and holds what every store
// over them shares: embedded SQLite by default, PostgreSQL by URL when one
// machine is outgrown; the Dialect, the one seam where the two engines
// differ; the migration runner (goose), which takes the migrations of the
// mode that owns the database; transactions, queued in the process on
// SQLite; and the errors a store answers with. It knows no table: the board
// (board/boardsql) and practice mode bring their own schema.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver
)

// DefaultFile is the SQLite database file in the data directory when
// Config.File is empty.
const DefaultFile = "certboard.db"

// Config says where a database lives.
type Config struct {
	// DataDir holds the SQLite database when DatabaseURL is empty.
	DataDir string
	// File is the SQLite database's file name in DataDir (DefaultFile
	// when empty), so that another mode can keep a database of its own.
	File string
	// DatabaseURL selects PostgreSQL: postgres://user@host:port/db?sslmode=disable.
	DatabaseURL string
	// MaxConns bounds the connection pool (0: 8 for SQLite, 16 for
	// PostgreSQL). An unbounded pool exhausts PostgreSQL's max_connections
	// under load and makes SQLite writers time out on its lock.
	MaxConns int
}

// DB is an open database and the dialect it speaks.
type DB struct {
	*sql.DB
	Dialect Dialect
	// writers queues SQLite's write transactions in the process, so that
	// they wait their turn here instead of sleeping and retrying on the
	// database lock (which under load made some wait seconds).
	writers sync.Mutex
	// writeSlots bounds PostgreSQL's write transactions in the process
	// (nil: no bound), so that they cannot take the whole pool (InTx).
	writeSlots chan struct{}
	// prepared keeps SQLite's prepared statements (stmts.go).
	prepared stmts
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
// SQLite is opened with foreign keys on, in WAL mode, with a busy timeout
// and immediate write transactions; its directory and files are made
// readable by their owner only.
func Open(ctx context.Context, cfg Config) (*DB, error) {
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
			return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", Redact(u), err)
		}
		n := limitPool(db, cfg.MaxConns, 16)
		return &DB{DB: db, Dialect: Postgres, writeSlots: make(chan struct{}, writeSlots(n))}, nil
	}
	dir := cfg.DataDir
	if dir == "" {
		return nil, errors.New("no data directory: give --data DIR (or --database for PostgreSQL)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	name := cfg.File
	if name == "" {
		name = DefaultFile
	}
	file := filepath.Join(dir, name)
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
		return nil, fmt.Errorf("opening %s: %w", file, err)
	}
	limitPool(db, cfg.MaxConns, 8)
	return &DB{DB: db, Dialect: SQLite}, nil
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
func limitPool(db *sql.DB, n, fallback int) int {
	if n <= 0 {
		n = fallback
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return n
}

// writeSlots is how many of a PostgreSQL pool of n connections write
// transactions may hold at once: a quarter, at least one. (Every
// transaction begun through InTx counts: the writes, and the few reads
// that take one for a single snapshot.) Writes take
// turns on the audit log's lock (every change is audited, in a hash
// chain), so more of them at once add no throughput; unbounded, under
// load they held every connection while they waited for the lock, and
// reads queued behind them for a connection (dashboards' p99 at 200
// users, 80% reads: see docs/benchmarks.md).
func writeSlots(n int) int {
	return max(1, n/4)
}

// Redact hides a password in a database URL for messages.
func Redact(u string) string {
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
