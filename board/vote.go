package board

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
)

// reviewerApplication reads an application a peer reviewer acts on: only
// one assigned to them, with the reviewer role; to anyone else it is not
// found, so that ids do not reveal who applied.
func (b *Board) reviewerApplication(ctx context.Context, by *auth.User, id int64) (*Application, error) {
	hidden := notVisible(id)
	if !by.HasRole(auth.Reviewer) {
		return nil, hidden
	}
	app, err := b.store.Application(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, hidden
	}
	if err != nil {
		return nil, err
	}
	ok, err := b.store.IsAssigned(ctx, app.ID, by.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, hidden
	}
	return app, nil
}

// CastVote records a reviewer's vote (approve, reject or revise; comments
// required unless approving) while the application is in peer review. A
// reviewer has one vote and may change it until the board decides.
func (b *Board) CastVote(ctx context.Context, by *auth.User, appID int64, vote, comments string) error {
	app, err := b.reviewerApplication(ctx, by, appID)
	if err != nil {
		return err
	}
	if app.State != PeerReview {
		return refused(certboard.Conflict, fmt.Sprintf("votes are taken while an application is in peer review; this application is %s",
			app.State.Words()))
	}
	switch vote {
	case VoteApprove, VoteReject, VoteRevise:
	default:
		return certboard.FieldError(certboard.Malformed, "vote", "choose approve, reject or revise")
	}
	comments = strings.TrimSpace(comments)
	if vote != VoteApprove && comments == "" {
		return certboard.FieldError(certboard.Malformed, "comments", "say what is wrong or what should change; comments are required to reject or ask for revision")
	}
	if len(comments) > 5000 {
		return certboard.FieldError(certboard.Malformed, "comments", "write at most 5000 characters")
	}
	now := b.clock.Now()
	return b.store.InTx(ctx, func(tx Tx) error {
		// The state was read before: a decision made since (approved,
		// returned, …) refuses the vote instead of recording it on a
		// decided application.
		if err := tx.HoldState(ctx, app.ID, PeerReview); errors.Is(err, certboard.ErrConflict) {
			return refused(certboard.Conflict, "votes are taken while an application is in peer review; "+
				strings.TrimSuffix(err.Error(), ": "+certboard.ErrConflict.Error()))
		} else if err != nil {
			return err
		}
		if err := tx.Vote(ctx, app.ID, by.ID, vote, comments, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: EventVote, Message: vote}); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "review.vote",
			Subject: fmt.Sprintf("application/%d", app.ID), After: vote})
		return err
	})
}

// DeclareConflict records a reviewer's conflict of interest with the
// applicant: the assignment ends, the conflict keeps them from being
// assigned to this applicant again, and staff are told by mail.
func (b *Board) DeclareConflict(ctx context.Context, by *auth.User, appID int64, reason string) error {
	app, err := b.reviewerApplication(ctx, by, appID)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return certboard.FieldError(certboard.Malformed, "reason", "say what the conflict is (for example: you supervised the applicant, or you work together)")
	}
	if len(reason) > 2000 {
		return certboard.FieldError(certboard.Malformed, "reason", "write at most 2000 characters")
	}
	if app.State.Final() {
		return refused(certboard.Conflict, fmt.Sprintf("the application is already %s", app.State.Words()))
	}
	staff, err := b.store.Users(ctx, auth.Staff)
	if err != nil {
		return err
	}
	now := b.clock.Now()
	return b.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeclareConflict(ctx, Conflict{ReviewerID: by.ID, ApplicantID: app.ApplicantID, Reason: reason, DeclaredAt: now}); err != nil {
			return err
		}
		if err := tx.EndAssignment(ctx, app.ID, by.ID); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: EventConflict}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "review.conflict",
			Subject: fmt.Sprintf("application/%d", app.ID), Before: fmt.Sprintf("user/%d", by.ID)}); err != nil {
			return err
		}
		m := notify.ReviewerConflictDeclared{Reviewer: by.Name, Applicant: app.ApplicantName, App: app.ID, Reason: reason,
			Link: fmt.Sprintf("%s/queue/%d", b.PublicURL(), app.ID)}
		for _, s := range staff {
			if err := notify.Enqueue(ctx, tx, s.Email, m, now); err != nil {
				return err
			}
		}
		return nil
	})
}
