package boardsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
)

// Job is a durable background job (see jobs.Job).
type Job = jobs.Job

// Job outcomes.
const (
	JobDone      = jobs.Done
	JobSkipped   = jobs.Skipped
	JobCancelled = jobs.Cancelled
)

// EnqueueJob schedules a job in the transaction, so that it exists exactly
// when the change that causes it does; a job with the same key makes this
// a no-op. It reports whether the job was added (see jobsql.Enqueue).
func (tx *Tx) EnqueueJob(ctx context.Context, j Job) (bool, error) {
	return jobsql.Enqueue(ctx, tx.Tx, j)
}

// ClaimJobs takes up to limit due jobs and leases them until now+lease
// (see jobsql.Claim).
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	return jobsql.Claim(ctx, s.DB, now, lease, limit)
}

// FinishJob marks a job finished with an outcome in the transaction that
// made the job's changes; a job already finished is ErrConflict (see
// jobsql.Finish).
func (tx *Tx) FinishJob(ctx context.Context, id int64, outcome string, at time.Time) error {
	return jobsql.Finish(ctx, tx.Tx, id, outcome, at)
}

// JobBackoff is how long a job waits after its nth failed attempt, before
// jitter (see jobs.Backoff and jobs.Delay).
func JobBackoff(attempts int) time.Duration { return jobs.Backoff(attempts) }

// RetryJob records a failed attempt of a claim and schedules the next, or,
// after jobs.MaxAttempts, makes the job dead; it reports whether it is
// dead (see jobsql.Retry).
func (s *Store) RetryJob(ctx context.Context, id int64, attempts int, failure string, now time.Time) (bool, error) {
	return jobsql.Retry(ctx, s.DB, id, attempts, failure, now)
}

// DeadJobs lists at most limit dead jobs, the latest first (see
// jobsql.DeadJobs).
func (s *Store) DeadJobs(ctx context.Context, limit int) ([]Job, error) {
	return jobsql.DeadJobs(ctx, s.DB, limit)
}

// CountDeadJobs counts the dead jobs.
func (s *Store) CountDeadJobs(ctx context.Context) (int, error) { return jobsql.CountDead(ctx, s.DB) }

// ReviveJob makes a dead job pending again, due at now, in the
// transaction (see jobsql.Revive).
func (tx *Tx) ReviveJob(ctx context.Context, id int64, now time.Time) (Job, error) {
	return jobsql.Revive(ctx, tx.Tx, id, now)
}

// DiscardJob finishes a dead job as discarded in the transaction (see
// jobsql.Discard).
func (tx *Tx) DiscardJob(ctx context.Context, id int64, now time.Time) (Job, error) {
	return jobsql.Discard(ctx, tx.Tx, id, now)
}

// CancelJobs finishes, as cancelled, the pending jobs whose key starts with
// prefix, in the transaction; it returns how many (see jobsql.Cancel).
func (tx *Tx) CancelJobs(ctx context.Context, prefix string, at time.Time) (int, error) {
	return jobsql.Cancel(ctx, tx.Tx, prefix, at)
}

// Jobs lists the jobs whose key starts with prefix, by run_at (see
// jobsql.List).
func (s *Store) Jobs(ctx context.Context, prefix string) ([]Job, error) {
	return jobsql.List(ctx, s.DB, prefix)
}
