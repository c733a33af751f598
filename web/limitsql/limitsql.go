// Package limitsql keeps the rate limits' token buckets in a mode's
// database (the rate_limit table of the board's and the practice's
// migrations), so that several instances on one PostgreSQL enforce one
// limit together. Each request is decided and charged by one upsert, which
// PostgreSQL runs one at a time for a bucket's row: two instances never
// both let through a request the limit refuses. A single instance on
// SQLite keeps its buckets in memory instead (web.Limiter without Share).
package limitsql

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/web"
)

// SweepEvery is how often a Store deletes the rows of buckets that have
// filled up again (a full bucket and no row are the same).
const SweepEvery = time.Minute

// Store keeps token buckets in a database's rate_limit table; it
// implements web.SharedBuckets.
type Store struct {
	db *sqldb.DB

	mu    sync.Mutex
	swept time.Time
}

var _ web.SharedBuckets = (*Store)(nil)

// New returns the buckets of db, which must be migrated.
func New(db *sqldb.DB) *Store { return &Store{db: db} }

// filled is a bucket's tokens refilled from its row's time to the
// request's (never for time going back), at most its burst. In an upsert,
// rate_limit is the stored row and excluded the request's.
const filled = `(CASE WHEN rate_limit.tokens + (CASE WHEN excluded.at_us > rate_limit.at_us THEN excluded.at_us - rate_limit.at_us ELSE 0 END) * excluded.rate > excluded.burst
	THEN excluded.burst
	ELSE rate_limit.tokens + (CASE WHEN excluded.at_us > rate_limit.at_us THEN excluded.at_us - rate_limit.at_us ELSE 0 END) * excluded.rate END)`

// takeSQL decides and charges one request in one statement: a new bucket
// starts full less this request's token; an existing one is refilled, then
// gives a token if it has a whole one (granted 1) or keeps what it has
// (granted 0). PostgreSQL locks the row for the update, so concurrent
// requests for one bucket are decided one after the other, each on the
// row as the one before left it; SQLite has one writer at a time.
var takeSQL = `INSERT INTO rate_limit (bucket, bucket_key, tokens, burst, rate, at_us, granted)
VALUES (?, ?, ?, ?, ?, ?, 1)
ON CONFLICT (bucket, bucket_key) DO UPDATE SET
	tokens = CASE WHEN ` + filled + ` >= 1 THEN ` + filled + ` - 1 ELSE ` + filled + ` END,
	granted = CASE WHEN ` + filled + ` >= 1 THEN 1 ELSE 0 END,
	burst = excluded.burst,
	rate = excluded.rate,
	at_us = CASE WHEN excluded.at_us > rate_limit.at_us THEN excluded.at_us ELSE rate_limit.at_us END
RETURNING tokens, rate, granted`

// Take takes a token at now from the bucket key of the limit bucket, which
// holds up to burst tokens refilled at perSecond; when none is left it
// says how long until one is.
func (s *Store) Take(ctx context.Context, bucket, key string, burst, perSecond float64, now time.Time) (bool, time.Duration, error) {
	if burst < 1 || perSecond <= 0 {
		return false, 0, fmt.Errorf("limitsql: bucket %q: burst %v and rate %v must be at least 1 and above 0", bucket, burst, perSecond)
	}
	s.sweep(ctx, now)
	perMicro := perSecond / 1e6
	var tokens, rate float64
	var granted int
	err := s.quick(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, s.db.Dialect.Rebind(takeSQL), bucket, key, burst-1, burst, perMicro, now.UnixMicro()).
			Scan(&tokens, &rate, &granted)
	})
	if err != nil {
		return false, 0, fmt.Errorf("limitsql: taking a token of %q: %w", bucket, err)
	}
	if granted == 1 {
		return true, 0, nil
	}
	wait := time.Duration((1 - tokens) / rate * float64(time.Microsecond)).Round(time.Millisecond)
	return false, max(wait, time.Millisecond), nil
}

// Refund gives back a token Take took (a request another limit refused);
// a bucket already full, or swept, stays as it is.
func (s *Store) Refund(ctx context.Context, bucket, key string) error {
	err := s.quick(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, s.db.Dialect.Rebind(`UPDATE rate_limit
SET tokens = CASE WHEN tokens + 1 > burst THEN burst ELSE tokens + 1 END
WHERE bucket = ? AND bucket_key = ?`), bucket, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("limitsql: refunding a token of %q: %w", bucket, err)
	}
	return nil
}

// querier is a database or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// quick runs one write to the buckets. On PostgreSQL it commits without
// waiting for the write-ahead log to reach the disk (synchronous_commit
// off, for this transaction only): the decision is made and seen by every
// instance at once all the same, and what a crash of the database could
// lose is the charges of its last fraction of a second, which only makes
// a limit briefly more generous. Waiting for the disk made each decision
// cost about 2 ms (docs/benchmarks.md).
func (s *Store) quick(ctx context.Context, f func(q querier) error) error {
	if s.db.Dialect != sqldb.Postgres {
		return f(s.db)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit TO OFF"); err != nil {
		return err
	}
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// sweep deletes, at most once per SweepEvery, the rows of buckets that
// have had time to fill up since they were last touched. Each instance
// sweeps; a failure is left for the next sweep (the rows only wait).
func (s *Store) sweep(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.swept) >= SweepEvery
	if due {
		s.swept = now
	}
	s.mu.Unlock()
	if due {
		_, _ = s.Sweep(ctx, now)
	}
}

// Sweep deletes the rows of buckets full again at now and returns how
// many; Take calls it once per SweepEvery.
func (s *Store) Sweep(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Dialect.Rebind(`DELETE FROM rate_limit WHERE at_us + (burst - tokens) / rate <= ?`), now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("limitsql: sweeping full buckets: %w", err)
	}
	return res.RowsAffected()
}

// Len returns the number of buckets kept.
func (s *Store) Len(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM rate_limit`).Scan(&n)
	return n, err
}
