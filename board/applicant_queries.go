package board

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// OwnApplication returns application id when u is its applicant. Anyone
// else is told it is not found, so that ids do not reveal who applied.
func (b *Board) OwnApplication(ctx context.Context, u *auth.User, id int64) (*Application, error) {
	app, err := b.store.Application(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) || err == nil && app.ApplicantID != u.ID {
		return nil, notVisible(id)
	}
	return app, err
}

// OwnEvaluation returns application id when u is its applicant, with the
// evaluation of its live portfolio today (Evaluate). The application is
// read without its portfolio first; the portfolio is read and decrypted
// only when neither the evaluation of that version nor the portfolio saved
// as that version (SavePortfolio) is kept. On that path the application is
// read whole, and a change made in between is the version evaluated and
// returned.
func (b *Board) OwnEvaluation(ctx context.Context, u *auth.User, id int64) (*Application, *Evaluation, error) {
	head, err := b.store.ApplicationHead(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) || err == nil && head.ApplicantID != u.ID {
		return nil, nil, notVisible(id)
	}
	if err != nil {
		return nil, nil, err
	}
	key := b.liveKey(head)
	if e := b.evals.get(key); e != nil {
		return head, e.evaluation(), nil
	}
	if p := b.evals.savedOf(head); p != nil {
		ev, err := b.judge(ctx, key, head, p)
		if err != nil {
			return nil, nil, err
		}
		return head, ev, nil
	}
	app, err := b.OwnApplication(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	ev, err := b.Evaluate(ctx, app, false)
	if err != nil {
		return nil, nil, err
	}
	return app, ev, nil
}

// MyApplications returns u's applications, the newest change first, and
// the credentials u holds.
func (b *Board) MyApplications(ctx context.Context, u *auth.User) ([]*Application, []*IssuedCredential, error) {
	apps, err := b.store.Applications(ctx, ApplicationFilter{ApplicantID: u.ID})
	if err != nil {
		return nil, nil, err
	}
	slices.Reverse(apps) // the newest change first
	creds, err := b.store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	return apps, creds, nil
}

// IssuedFor returns the credential issued for u's own application app
// when it was approved, nil otherwise (a renewal's credential supersedes
// it later, but the one issued for app is the one returned).
func (b *Board) IssuedFor(ctx context.Context, u *auth.User, app *Application) (*IssuedCredential, error) {
	if app.ApplicantID != u.ID {
		return nil, notVisible(app.ID)
	}
	if app.State != Approved {
		return nil, nil
	}
	creds, err := b.store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(creds, func(c *IssuedCredential) bool { return c.ApplicationID == app.ID }); i >= 0 {
		return creds[i], nil
	}
	return nil, nil
}

// OwnHistory returns the history of u's own application app (the caller
// leaves out what is the board's business before showing it).
func (b *Board) OwnHistory(ctx context.Context, u *auth.User, app *Application) ([]Event, error) {
	if app.ApplicantID != u.ID {
		return nil, notVisible(app.ID)
	}
	return b.store.Events(ctx, app.ID)
}

// notVisible answers a request for an application the user may not see
// as for one that does not exist.
func notVisible(id int64) *certboard.Error {
	return &certboard.Error{Code: certboard.NotFound, Title: "Application not found", Message: fmt.Sprintf("No application %d is visible to you.", id)}
}
