package board

import (
	"context"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
)

// Dead letters: a job that failed jobs.MaxAttempts times, and a message of
// the outbox that failed jobs.MaxMailAttempts times, are no longer tried.
// Admins see them (DeadLetters) and retry or discard each, audited.

// deadLetterReads is what the dead-letter use cases read.
type deadLetterReads interface {
	jobs.DeadLetterReads
}

// deadLetterWrites is what they write in their transaction.
type deadLetterWrites interface {
	jobs.DeadLetterWrites
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// DeadLetterLimit is how many dead jobs, and dead messages, DeadLetters
// lists at most; the counts say how many there are in all.
const DeadLetterLimit = 200

// DeadLetters is the work given up after its last try (jobs.DeadLetters).
type DeadLetters = jobs.DeadLetters

// mayHandleDeadLetters allows the board's admins only.
func mayHandleDeadLetters(by *auth.User) error {
	if by == nil || !by.HasRole(auth.Admin) {
		return &certboard.Error{Code: certboard.Forbidden, Message: "Only the board's admins see and handle failed background work."}
	}
	return nil
}

// DeadLetters lists the dead jobs and messages, for an admin.
func (b *Board) DeadLetters(ctx context.Context, by *auth.User) (*DeadLetters, error) {
	if err := mayHandleDeadLetters(by); err != nil {
		return nil, err
	}
	return jobs.ReadDeadLetters(ctx, b.store, DeadLetterLimit)
}

// CountDeadLetters counts the dead jobs and messages, for the metrics.
func (b *Board) CountDeadLetters(ctx context.Context) (deadJobs, deadMail int, err error) {
	if deadJobs, err = b.store.CountDeadJobs(ctx); err != nil {
		return 0, 0, err
	}
	deadMail, err = b.store.CountDeadMail(ctx)
	return deadJobs, deadMail, err
}

// DeadLetterAction is what an admin does with a dead job or message.
type DeadLetterAction string

// The actions on a dead letter.
const (
	// RetryDead makes it due now, with a fresh count of attempts.
	RetryDead DeadLetterAction = "retry"
	// DiscardDead lets it go: it is never run or sent.
	DiscardDead DeadLetterAction = "discard"
)

// ParseDeadLetterAction reads an action, naming the ones there are.
func ParseDeadLetterAction(s string) (DeadLetterAction, error) {
	switch a := DeadLetterAction(s); a {
	case RetryDead, DiscardDead:
		return a, nil
	}
	return "", certboard.FieldError(certboard.Invalid, "action", "action: use retry or discard")
}

// HandleDeadJob is an admin retrying or discarding dead job id, audited,
// in one transaction. It returns the job as it was. A job that is not
// dead (retried or discarded by someone else meanwhile) is Conflict.
func (b *Board) HandleDeadJob(ctx context.Context, by *auth.User, id int64, action DeadLetterAction) (jobs.Job, error) {
	if err := mayHandleDeadLetters(by); err != nil {
		return jobs.Job{}, err
	}
	if _, err := ParseDeadLetterAction(string(action)); err != nil {
		return jobs.Job{}, err
	}
	now := b.clock.Now()
	var j jobs.Job
	err := b.store.InTx(ctx, func(tx Tx) error {
		var e audit.Entry
		var err error
		if j, e, err = jobs.RetryOrDiscardJob(ctx, tx, id, action == RetryDead, now); err != nil {
			return err
		}
		return b.auditDeadLetter(ctx, tx, by, e)
	})
	return j, storeRefusal(err)
}

// HandleDeadMail is an admin retrying or discarding dead message id,
// audited, in one transaction. It returns the message as it was (without
// its body). A message that is not dead is Conflict.
func (b *Board) HandleDeadMail(ctx context.Context, by *auth.User, id int64, action DeadLetterAction) (jobs.Mail, error) {
	if err := mayHandleDeadLetters(by); err != nil {
		return jobs.Mail{}, err
	}
	if _, err := ParseDeadLetterAction(string(action)); err != nil {
		return jobs.Mail{}, err
	}
	now := b.clock.Now()
	var m jobs.Mail
	err := b.store.InTx(ctx, func(tx Tx) error {
		var e audit.Entry
		var err error
		if m, e, err = jobs.RetryOrDiscardMail(ctx, tx, id, action == RetryDead, now); err != nil {
			return err
		}
		return b.auditDeadLetter(ctx, tx, by, e)
	})
	return m, storeRefusal(err)
}

// auditDeadLetter appends e, what an admin did with a dead letter, in tx.
func (b *Board) auditDeadLetter(ctx context.Context, tx Tx, by *auth.User, e audit.Entry) error {
	e.Actor = fmt.Sprintf("user/%d", by.ID)
	_, err := tx.AppendAudit(ctx, e)
	return err
}
