package boardsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
)

// Mail is a message waiting in the outbox, or sent from it (see jobs.Mail).
type Mail = jobs.Mail

// outbox is the board's mail outbox, sealed with the store's keys.
func (s *Store) outbox() *jobsql.Outbox { return &jobsql.Outbox{DB: s.DB, Keys: s.keys} }

// EnqueueMail puts a message in the outbox inside the transaction of the
// change that causes it, its body sealed (see jobsql.Outbox.EnqueueMail).
func (tx *Tx) EnqueueMail(ctx context.Context, m Mail) (int64, error) {
	return tx.s.outbox().EnqueueMail(ctx, tx.Tx, m)
}

// DueMail returns up to limit unsent messages whose next attempt is due,
// their bodies opened: it is for the sender alone (see jobsql.Outbox.DueMail).
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error) {
	return s.outbox().DueMail(ctx, now, limit)
}

// ClaimDueMail returns up to limit due messages, their bodies opened, and
// leases them to the caller until now+lease, so that no other instance
// sends them too (see jobsql.Outbox.ClaimDueMail).
func (s *Store) ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error) {
	return s.outbox().ClaimDueMail(ctx, now, lease, limit)
}

// MarkMailSent records a delivered message and drops its body.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.outbox().MarkMailSent(ctx, id, at)
}

// MarkMailFailed records an attempt that failed at now and when to try
// again; after jobs.MaxMailAttempts failures the message is dead (see
// jobsql.Outbox.MarkMailFailed).
func (s *Store) MarkMailFailed(ctx context.Context, id int64, reason string, now, next time.Time) error {
	return s.outbox().MarkMailFailed(ctx, id, reason, now, next)
}

// DeadMail lists at most limit dead messages, the latest first, without
// their bodies (see jobsql.Outbox.DeadMail).
func (s *Store) DeadMail(ctx context.Context, limit int) ([]Mail, error) {
	return s.outbox().DeadMail(ctx, limit)
}

// CountDeadMail counts the dead messages.
func (s *Store) CountDeadMail(ctx context.Context) (int, error) { return s.outbox().CountDeadMail(ctx) }

// ReviveMail makes a dead message due again at now, in the transaction
// (see jobsql.Outbox.ReviveMail).
func (tx *Tx) ReviveMail(ctx context.Context, id int64, now time.Time) (Mail, error) {
	return tx.s.outbox().ReviveMail(ctx, tx.Tx, id, now)
}

// DiscardMail lets a dead message go, its body dropped, in the
// transaction (see jobsql.Outbox.DiscardMail).
func (tx *Tx) DiscardMail(ctx context.Context, id int64, now time.Time) (Mail, error) {
	return tx.s.outbox().DiscardMail(ctx, tx.Tx, id, now)
}
