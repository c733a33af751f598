// Package jobsql keeps certboard's durable work in the database: the job
// queue (jobs.Job, claimed with leases so that any number of instances
// share it) and the mail outbox (jobs.Mail, bodies sealed at rest). A job
// or a mail is enqueued in the caller's transaction, so it exists exactly
// when the change does. The tables (jobs, outbox) are created by the
// migrations of the mode that uses them; the package works over any sqldb
// database that has them.
package jobsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/sqldb"
)

// Enqueue schedules a job in the caller's transaction, so that it exists
// exactly when the change that causes it does. A job with the same key,
// pending or finished, makes this a no-op: it reports whether the job was
// added.
func Enqueue(ctx context.Context, tx *sqldb.Tx, j jobs.Job) (bool, error) {
	d := tx.Dialect
	if j.Kind == "" || j.Key == "" {
		return false, errors.New("a job needs a kind and a key")
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = j.RunAt
	}
	res, err := tx.ExecContext(ctx, d.Rebind(
		"INSERT INTO jobs (kind, job_key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING"),
		j.Kind, j.Key, j.Payload, d.Time(j.RunAt), d.Time(j.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("scheduling job %s: %w", j.Key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const jobColumns = "id, kind, job_key, payload, run_at, attempts, last_error, done_at, outcome, created_at"

func scanJob(r sqldb.Scanner) (jobs.Job, error) {
	var j jobs.Job
	var runAt, done, created any
	if err := r.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &runAt, &j.Attempts, &j.LastError, &done, &j.Outcome, &created); err != nil {
		return j, err
	}
	var err error
	if j.RunAt, err = sqldb.ScanTime(runAt); err != nil {
		return j, err
	}
	if j.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return j, err
	}
	if done != nil {
		if j.DoneAt, err = sqldb.ScanTime(done); err != nil {
			return j, err
		}
	}
	return j, nil
}

// Claim takes up to limit due jobs (pending, run_at reached, not leased
// by another worker) and leases them until now+lease, counting an attempt.
// On PostgreSQL concurrent claimers skip each other's rows (FOR UPDATE SKIP
// LOCKED); on SQLite the claim is one write transaction, and writers take
// turns. A worker that dies loses its lease when it ends, and the job is
// claimed again.
func Claim(ctx context.Context, db *sqldb.DB, now time.Time, lease time.Duration, limit int) ([]jobs.Job, error) {
	if limit <= 0 {
		limit = 50
	}
	d := db.Dialect
	var out []jobs.Job
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		q := "SELECT " + jobColumns + " FROM jobs WHERE done_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until <= ?) ORDER BY run_at, id LIMIT ?" +
			d.SkipLocked()
		rows, err := tx.QueryContext(ctx, d.Rebind(q), d.Time(now), d.Time(now), limit)
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
			res, err := tx.ExecContext(ctx, d.Rebind(
				"UPDATE jobs SET locked_until = ?, attempts = attempts + 1 WHERE id = ? AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= ?)"),
				d.Time(now.Add(lease)), j.ID, d.Time(now))
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

// Finish marks a job finished with an outcome in the caller's
// transaction, the one that made the job's changes, so that the changes
// and the mark commit together. A job already finished (by another worker
// whose lease ran out) is sqldb.ErrConflict: roll back.
func Finish(ctx context.Context, tx *sqldb.Tx, id int64, outcome string, at time.Time) error {
	d := tx.Dialect
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE jobs SET done_at = ?, outcome = ?, locked_until = NULL WHERE id = ? AND done_at IS NULL"),
		d.Time(at), outcome, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("job %d is already finished: %w", id, sqldb.ErrConflict)
	}
	return nil
}

// Retry records a failed attempt: a job tried jobs.MaxAttempts times is
// dead (finished with outcome jobs.Dead, its last error kept, until an
// admin retries or discards it); any other is tried again after
// jobs.Delay. attempts is the count the claim returned: when another
// worker has claimed the job since (this one's lease ran out), the count
// moved on and this does nothing, so it never frees another's lease. It
// reports whether the job is now dead.
func Retry(ctx context.Context, db *sqldb.DB, id int64, attempts int, failure string, now time.Time) (dead bool, err error) {
	if len(failure) > 2000 {
		failure = strings.ToValidUTF8(failure[:2000], "")
	}
	d := db.Dialect
	var res sql.Result
	if attempts >= jobs.MaxAttempts {
		res, err = db.ExecContext(ctx, d.Rebind("UPDATE jobs SET done_at = ?, outcome = ?, last_error = ?, locked_until = NULL WHERE id = ? AND done_at IS NULL AND attempts = ?"),
			d.Time(now), jobs.Dead, failure, id, attempts)
	} else {
		res, err = db.ExecContext(ctx, d.Rebind("UPDATE jobs SET run_at = ?, last_error = ?, locked_until = NULL WHERE id = ? AND done_at IS NULL AND attempts = ?"),
			d.Time(now.Add(jobs.Delay(id, attempts))), failure, id, attempts)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1 && attempts >= jobs.MaxAttempts, err
}

// DeadJobs lists the dead jobs, the latest to die first, at most limit.
func DeadJobs(ctx context.Context, db *sqldb.DB, limit int) ([]jobs.Job, error) {
	rows, err := db.QueryContext(ctx, db.Dialect.Rebind("SELECT "+jobColumns+" FROM jobs WHERE outcome = ? ORDER BY done_at DESC, id DESC LIMIT ?"), jobs.Dead, limit)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanJob)
}

// CountDead counts the dead jobs.
func CountDead(ctx context.Context, db *sqldb.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, db.Dialect.Rebind("SELECT COUNT(*) FROM jobs WHERE outcome = ?"), jobs.Dead).Scan(&n)
	return n, err
}

// deadJob reads dead job id in tx, locked: sqldb.ErrNotFound when there is
// no such job, sqldb.ErrConflict when it is not dead (retried or discarded
// by someone else meanwhile).
func deadJob(ctx context.Context, tx *sqldb.Tx, id int64) (jobs.Job, error) {
	d := tx.Dialect
	j, err := scanJob(tx.QueryRowContext(ctx, d.Rebind("SELECT "+jobColumns+" FROM jobs WHERE id = ?"+d.LockRow()), id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %d: %w", id, sqldb.ErrNotFound)
	}
	if err != nil {
		return j, err
	}
	if j.Outcome != jobs.Dead {
		return j, fmt.Errorf("job %d is not dead (it is %s): %w", id, orPending(j.Outcome), sqldb.ErrConflict)
	}
	return j, nil
}

func orPending(outcome string) string {
	if outcome == "" {
		return "pending"
	}
	return outcome
}

// Revive makes dead job id pending again in the caller's transaction, due
// at now with a fresh count of attempts (its last error kept until it
// runs); it returns the job as it was. A job that is not dead is
// sqldb.ErrConflict, one that does not exist sqldb.ErrNotFound.
func Revive(ctx context.Context, tx *sqldb.Tx, id int64, now time.Time) (jobs.Job, error) {
	return changeDead(ctx, tx, id, "done_at = NULL, outcome = '', attempts = 0, run_at = ?, locked_until = NULL", tx.Dialect.Time(now))
}

// Discard finishes dead job id as discarded in the caller's transaction;
// it returns the job as it was. A job that is not dead is
// sqldb.ErrConflict, one that does not exist sqldb.ErrNotFound.
func Discard(ctx context.Context, tx *sqldb.Tx, id int64, now time.Time) (jobs.Job, error) {
	return changeDead(ctx, tx, id, "outcome = ?, done_at = ?", jobs.Discarded, tx.Dialect.Time(now))
}

// changeDead reads dead job id in tx, locked (see deadJob), sets the
// columns set names to args, and returns the job as it was.
func changeDead(ctx context.Context, tx *sqldb.Tx, id int64, set string, args ...any) (jobs.Job, error) {
	j, err := deadJob(ctx, tx, id)
	if err != nil {
		return j, err
	}
	_, err = tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE jobs SET "+set+" WHERE id = ? AND outcome = ?"), append(args, id, jobs.Dead)...)
	return j, err
}

// Cancel finishes, as cancelled, the pending jobs whose key starts with
// prefix, in the caller's transaction; it returns how many.
func Cancel(ctx context.Context, tx *sqldb.Tx, prefix string, at time.Time) (int, error) {
	if prefix == "" {
		return 0, errors.New("cancelling jobs needs a key prefix")
	}
	d := tx.Dialect
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE jobs SET done_at = ?, outcome = ?, locked_until = NULL WHERE done_at IS NULL AND job_key LIKE ? ESCAPE '\\'"),
		d.Time(at), jobs.Cancelled, likePrefix(prefix))
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

// List lists the jobs whose key starts with prefix, by run_at.
func List(ctx context.Context, db *sqldb.DB, prefix string) ([]jobs.Job, error) {
	rows, err := db.QueryContext(ctx, db.Dialect.Rebind("SELECT "+jobColumns+" FROM jobs WHERE job_key LIKE ? ESCAPE '\\' ORDER BY run_at, id"), likePrefix(prefix))
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanJob)
}
