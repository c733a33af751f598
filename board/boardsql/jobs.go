package boardsql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Job is a durable background job: a reminder, an expiry, a sweep. Jobs
// live in the database, so they survive restarts and any number of
// instances share them.
type Job struct {
	ID int64
	// Kind names the handler; Key is unique among all jobs, so scheduling
	// the same job twice does nothing.
	Kind    string
	Key     string
	Payload string
	// RunAt is when the job is due.
	RunAt     time.Time
	Attempts  int
	LastError string
	// DoneAt is when it finished (zero: pending), and Outcome how:
	// "done", "skipped" (nothing to do when it ran) or "cancelled".
	DoneAt    time.Time
	Outcome   string
	CreatedAt time.Time
}

// Job outcomes.
const (
	JobDone      = "done"
	JobSkipped   = "skipped"
	JobCancelled = "cancelled"
)

// EnqueueJob schedules a job in the caller's transaction, so that it exists
// exactly when the change that causes it does. A job with the same key,
// pending or finished, makes this a no-op: it reports whether the job was
// added.
func (tx *Tx) EnqueueJob(ctx context.Context, j Job) (bool, error) {
	s := tx.s
	if j.Kind == "" || j.Key == "" {
		return false, errors.New("a job needs a kind and a key")
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = j.RunAt
	}
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind(
		"INSERT INTO jobs (kind, job_key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING"),
		j.Kind, j.Key, j.Payload, s.timeArg(j.RunAt), s.timeArg(j.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("scheduling job %s: %w", j.Key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const jobColumns = "id, kind, job_key, payload, run_at, attempts, last_error, done_at, outcome, created_at"

func scanJob(r scanner) (Job, error) {
	var j Job
	var runAt, done, created any
	if err := r.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &runAt, &j.Attempts, &j.LastError, &done, &j.Outcome, &created); err != nil {
		return j, err
	}
	var err error
	if j.RunAt, err = scanTime(runAt); err != nil {
		return j, err
	}
	if j.CreatedAt, err = scanTime(created); err != nil {
		return j, err
	}
	if done != nil {
		if j.DoneAt, err = scanTime(done); err != nil {
			return j, err
		}
	}
	return j, nil
}

// ClaimJobs takes up to limit due jobs (pending, run_at reached, not leased
// by another worker) and leases them until now+lease, counting an attempt.
// On PostgreSQL concurrent claimers skip each other's rows (FOR UPDATE SKIP
// LOCKED); on SQLite the claim is one write transaction, and writers take
// turns. A worker that dies loses its lease when it ends, and the job is
// claimed again.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []Job
	err := s.InTx(ctx, func(tx *Tx) error {
		q := "SELECT " + jobColumns + " FROM jobs WHERE done_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?) ORDER BY run_at, id LIMIT ?"
		if s.Dialect == Postgres {
			q += " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, s.Dialect.Rebind(q), s.timeArg(now), s.timeArg(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, j)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// The lease is taken only if the job is still free: the same
		// condition as the select, checked again by the write itself, so
		// two claimers can never both hold it (whatever the isolation).
		claimed := out[:0]
		for _, j := range out {
			res, err := tx.ExecContext(ctx, s.Dialect.Rebind(
				"UPDATE jobs SET locked_until = ?, attempts = attempts + 1 WHERE id = ? AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= ?)"),
				s.timeArg(now.Add(lease)), j.ID, s.timeArg(now))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				j.Attempts++
				claimed = append(claimed, j)
			}
		}
		out = claimed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claiming jobs: %w", err)
	}
	return out, nil
}

// FinishJob marks a job finished with an outcome in the caller's
// transaction, the one that made the job's changes, so that the changes
// and the mark commit together. A job already finished (by another worker
// whose lease ran out) is ErrConflict: roll back.
func (tx *Tx) FinishJob(ctx context.Context, id int64, outcome string, at time.Time) error {
	s := tx.s
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE jobs SET done_at = ?, outcome = ?, locked_until = NULL WHERE id = ? AND done_at IS NULL"),
		s.timeArg(at), outcome, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("job %d is already finished: %w", id, ErrConflict)
	}
	return nil
}

// JobBackoff is how long a job waits after its nth failed attempt: one
// minute, doubling, at most six hours.
func JobBackoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// RetryJob records a failed attempt and schedules the next after
// JobBackoff(attempts). attempts is the count the claim returned: when
// another worker has claimed the job since (this one's lease ran out), the
// count moved on and this does nothing, so it never frees another's lease.
func (s *Store) RetryJob(ctx context.Context, id int64, attempts int, failure string, now time.Time) error {
	if len(failure) > 2000 {
		failure = strings.ToValidUTF8(failure[:2000], "")
	}
	_, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE jobs SET run_at = ?, last_error = ?, locked_until = NULL WHERE id = ? AND done_at IS NULL AND attempts = ?"),
		s.timeArg(now.Add(JobBackoff(attempts))), failure, id, attempts)
	return err
}

// CancelJobs finishes, as cancelled, the pending jobs whose key starts with
// prefix, in the caller's transaction; it returns how many.
func (tx *Tx) CancelJobs(ctx context.Context, prefix string, at time.Time) (int, error) {
	s := tx.s
	if prefix == "" {
		return 0, errors.New("cancelling jobs needs a key prefix")
	}
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE jobs SET done_at = ?, outcome = ?, locked_until = NULL WHERE done_at IS NULL AND job_key LIKE ? ESCAPE '\\'"),
		s.timeArg(at), JobCancelled, likePrefix(prefix))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// likePrefix escapes a prefix for LIKE ... ESCAPE '\'.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// Jobs lists the jobs whose key starts with prefix, by run_at.
func (s *Store) Jobs(ctx context.Context, prefix string) ([]Job, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT "+jobColumns+" FROM jobs WHERE job_key LIKE ? ESCAPE '\\' ORDER BY run_at, id"), likePrefix(prefix))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}
