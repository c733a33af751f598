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

// JobBackoff is how long a job waits after its nth failed attempt (see
// jobs.Backoff).
func JobBackoff(attempts int) time.Duration { return jobs.Backoff(attempts) }

// RetryJob records a failed attempt of a claim and schedules the next (see
// jobsql.Retry).
func (s *Store) RetryJob(ctx context.Context, id int64, attempts int, failure string, now time.Time) error {
	return jobsql.Retry(ctx, s.DB, id, attempts, failure, now)
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
