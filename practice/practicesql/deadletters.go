package practicesql

import (
	"context"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
)

// DeadJobs lists at most limit dead jobs, the latest first (see
// jobsql.DeadJobs).
func (s *Store) DeadJobs(ctx context.Context, limit int) ([]jobs.Job, error) {
	return jobsql.DeadJobs(ctx, s.DB, limit)
}

// DeadMail lists at most limit dead messages, the latest first, without
// their bodies (see jobsql.Outbox.DeadMail).
func (s *Store) DeadMail(ctx context.Context, limit int) ([]jobs.Mail, error) {
	return s.outbox.DeadMail(ctx, limit)
}

// CountDeadJobs counts the dead jobs (see jobsql.CountDead).
func (s *Store) CountDeadJobs(ctx context.Context) (int, error) { return jobsql.CountDead(ctx, s.DB) }

// CountDeadMail counts the dead messages (see jobsql.Outbox.CountDeadMail).
func (s *Store) CountDeadMail(ctx context.Context) (int, error) { return s.outbox.CountDeadMail(ctx) }

// ReviveJob makes a dead job pending again, due at now (see jobsql.Revive).
func (tx *Tx) ReviveJob(ctx context.Context, id int64, now time.Time) (jobs.Job, error) {
	return jobsql.Revive(ctx, tx.Tx, id, now)
}

// DiscardJob finishes a dead job as discarded (see jobsql.Discard).
func (tx *Tx) DiscardJob(ctx context.Context, id int64, now time.Time) (jobs.Job, error) {
	return jobsql.Discard(ctx, tx.Tx, id, now)
}

// ReviveMail makes a dead message due again at now (see
// jobsql.Outbox.ReviveMail).
func (tx *Tx) ReviveMail(ctx context.Context, id int64, now time.Time) (jobs.Mail, error) {
	return tx.s.outbox.ReviveMail(ctx, tx.Tx, id, now)
}

// DiscardMail lets a dead message go, its body dropped (see
// jobsql.Outbox.DiscardMail).
func (tx *Tx) DiscardMail(ctx context.Context, id int64, now time.Time) (jobs.Mail, error) {
	return tx.s.outbox.DiscardMail(ctx, tx.Tx, id, now)
}
