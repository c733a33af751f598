// Package jobs is the vocabulary of certboard's durable work: a Job of
// the job queue (reminders, expiries, sweeps, claimed with leases so that
// any number of instances share it) and a Mail of the outbox (messages
// sealed at rest, delivered by notify). Both live in the database, beside
// the change that causes them: a job or a mail is enqueued in the caller's
// transaction, so it exists exactly when the change does. Their SQL is
// jobs/jobsql's, so that the use cases that enqueue them import no
// database.
package jobs

import "time"

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
	Done      = "done"
	Skipped   = "skipped"
	Cancelled = "cancelled"
)

// Backoff is how long a job waits after its nth failed attempt: one
// minute, doubling, at most six hours.
func Backoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}
