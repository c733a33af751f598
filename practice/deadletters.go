package practice

import (
	"context"
	"errors"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
)

// Dead letters: the practice's mail (and jobs) given up after their last
// try (jobs.MaxMailAttempts, jobs.MaxAttempts). Its admins see them and
// retry or discard each, audited.

// deadLetterReads is what the dead-letter use cases read.
type deadLetterReads interface {
	jobs.DeadLetterReads
}

// deadLetterWrites is what they write in their transaction.
type deadLetterWrites interface {
	jobs.DeadLetterWrites
}

// deadLetterLimit is how many dead jobs, and messages, are listed at most.
const deadLetterLimit = 200

// DeadLetters is the work given up after its last try (jobs.DeadLetters).
type DeadLetters = jobs.DeadLetters

// mayHandleDeadLetters refuses anyone but a practice admin.
func mayHandleDeadLetters(by Actor) error {
	if !by.IsAdmin() {
		return certboard.Errorf(certboard.Forbidden, "only the practice's admins see and handle failed background work")
	}
	return nil
}

// DeadLetters lists the dead jobs and messages, for an admin.
func (p *Practice) DeadLetters(ctx context.Context, by Actor) (*DeadLetters, error) {
	if err := mayHandleDeadLetters(by); err != nil {
		return nil, err
	}
	return jobs.ReadDeadLetters(ctx, p.store, deadLetterLimit)
}

// HandleDeadLetter is an admin retrying ("retry": due now, with a fresh
// count of tries) or discarding ("discard": never run or sent; a
// message's body is dropped) a dead job, or with mail a dead message,
// audited in the same transaction. It returns a sentence saying what was
// done. One that is not dead (handled by someone else meanwhile) is
// Conflict; one that does not exist NotFound.
func (p *Practice) HandleDeadLetter(ctx context.Context, by Actor, mail bool, id int64, action string) (string, error) {
	if err := mayHandleDeadLetters(by); err != nil {
		return "", err
	}
	if action != "retry" && action != "discard" {
		return "", certboard.FieldError(certboard.Invalid, "action", "action: use retry or discard")
	}
	now := p.clock.Now().UTC()
	var done string
	err := p.store.InTx(ctx, func(tx Tx) error {
		var e audit.Entry
		if mail {
			m, me, err := jobs.RetryOrDiscardMail(ctx, tx, id, action == "retry", now)
			if err != nil {
				return err
			}
			e, done = me, fmt.Sprintf("the message %q to %s", m.Subject, m.To)
		} else {
			j, je, err := jobs.RetryOrDiscardJob(ctx, tx, id, action == "retry", now)
			if err != nil {
				return err
			}
			e, done = je, "job "+j.Key
		}
		e.Actor = by.AuditName()
		_, err := tx.AppendAudit(ctx, e)
		return err
	})
	switch {
	case errors.Is(err, certboard.ErrNotFound):
		return "", certboard.Errorf(certboard.NotFound, "there is no such job or message")
	case errors.Is(err, certboard.ErrConflict):
		return "", certboard.Errorf(certboard.Conflict, "it is no longer waiting: someone retried or discarded it already")
	case err != nil:
		return "", err
	}
	if action == "retry" {
		return "Retried " + done + ": it is due again.", nil
	}
	return "Discarded " + done + ".", nil
}
