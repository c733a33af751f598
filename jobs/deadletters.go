package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard/audit"
)

// DeadLetters is the work given up after its last try: the first jobs
// and messages, and how many of each there are, listed or not.
type DeadLetters struct {
	Jobs                []Job
	Mail                []Mail
	JobCount, MailCount int
}

// DeadLetterReads is how a mode's store lists and counts its dead jobs
// and messages (boardsql.Store and practicesql.Store implement it over
// jobsql, on the mode's database).
type DeadLetterReads interface {
	DeadJobs(ctx context.Context, limit int) ([]Job, error)
	DeadMail(ctx context.Context, limit int) ([]Mail, error)
	CountDeadJobs(ctx context.Context) (int, error)
	CountDeadMail(ctx context.Context) (int, error)
}

// ReadDeadLetters lists at most limit dead jobs and limit dead messages
// of s, and counts them all.
func ReadDeadLetters(ctx context.Context, s DeadLetterReads, limit int) (*DeadLetters, error) {
	var d DeadLetters
	var err error
	if d.Jobs, err = s.DeadJobs(ctx, limit); err != nil {
		return nil, err
	}
	if d.Mail, err = s.DeadMail(ctx, limit); err != nil {
		return nil, err
	}
	if d.JobCount, err = s.CountDeadJobs(ctx); err != nil {
		return nil, err
	}
	if d.MailCount, err = s.CountDeadMail(ctx); err != nil {
		return nil, err
	}
	return &d, nil
}

// DeadLetterWrites is how a mode's use cases retry or discard its dead
// jobs and messages in their transaction (boardsql.Tx and practicesql.Tx
// implement it over jobsql).
type DeadLetterWrites interface {
	ReviveJob(ctx context.Context, id int64, now time.Time) (Job, error)
	DiscardJob(ctx context.Context, id int64, now time.Time) (Job, error)
	ReviveMail(ctx context.Context, id int64, now time.Time) (Mail, error)
	DiscardMail(ctx context.Context, id int64, now time.Time) (Mail, error)
}

// RetryOrDiscardJob retries (due now, with a fresh count of attempts) or,
// when retry is false, discards dead job id through w at now. It returns
// the job as it was and the audit entry that records what was done, for
// the caller to give its actor and append in the same transaction.
func RetryOrDiscardJob(ctx context.Context, w DeadLetterWrites, id int64, retry bool, now time.Time) (Job, audit.Entry, error) {
	k := deadKind[Job]{name: "job", revive: w.ReviveJob, discard: w.DiscardJob, retried: "pending, due now", discarded: Discarded,
		describe: func(j Job) (int64, string) {
			return j.ID, fmt.Sprintf("dead after %d attempts: %s (%s)", j.Attempts, j.Key, j.Kind)
		}}
	return k.handle(ctx, id, retry, now)
}

// RetryOrDiscardMail is RetryOrDiscardJob for dead message id; a discarded
// message's body is dropped.
func RetryOrDiscardMail(ctx context.Context, w DeadLetterWrites, id int64, retry bool, now time.Time) (Mail, audit.Entry, error) {
	k := deadKind[Mail]{name: "mail", revive: w.ReviveMail, discard: w.DiscardMail, retried: "due now", discarded: "discarded, its body dropped",
		describe: func(m Mail) (int64, string) {
			return m.ID, fmt.Sprintf("dead after %d attempts: %q to %s", m.Attempts, m.Subject, m.To)
		}}
	return k.handle(ctx, id, retry, now)
}

// deadKind is what differs between handling a dead job and a dead message.
type deadKind[T any] struct {
	name               string // "job" or "mail": the audit action's and subject's prefix
	revive, discard    func(ctx context.Context, id int64, now time.Time) (T, error)
	retried, discarded string // the audit entry's After for each
	// describe gives a dead one's id and what the audit entry's Before
	// says of it.
	describe func(T) (id int64, before string)
}

// handle retries or discards dead one id and returns it as it was, with
// the audit entry of what was done.
func (k deadKind[T]) handle(ctx context.Context, id int64, retry bool, now time.Time) (T, audit.Entry, error) {
	do, action, after := k.discard, "discard", k.discarded
	if retry {
		do, action, after = k.revive, "retry", k.retried
	}
	v, err := do(ctx, id, now)
	if err != nil {
		return v, audit.Entry{}, err
	}
	vid, before := k.describe(v)
	return v, audit.Entry{At: now, Action: k.name + "." + action, Subject: k.name + "/" + strconv.FormatInt(vid, 10), Before: before, After: after}, nil
}
