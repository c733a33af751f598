package board

import (
	"context"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// Editable reports whether the applicant may change the portfolio of an
// application in this state.
func Editable(state State) bool {
	switch state {
	case Draft, Returned, InfoRequested:
		return true
	}
	return false
}

// EditableApplication returns u's own application id, open to change,
// with its live portfolio. The portfolio may be shared with the
// evaluation cache (LivePortfolio): callers must not change it in place
// (portfolio.WithItem makes a changed copy).
func (b *Board) EditableApplication(ctx context.Context, u *auth.User, id int64) (*Application, *portfolio.Portfolio, error) {
	app, err := b.OwnApplication(ctx, u, id)
	if err != nil {
		return nil, nil, err
	}
	if !Editable(app.State) {
		return nil, nil, notEditable(app)
	}
	p, err := b.LivePortfolio(app)
	if err != nil {
		return nil, nil, err
	}
	return app, p, nil
}

// SavePortfolio stores p as the portfolio of u's application app, an edit
// made from version (it fails with a conflict when another edit came
// first), refreshes the supervisor links and records the change, what, in
// the audit log. It returns the application's new version. p is kept as
// the decoded portfolio of that version, for its evaluation: the caller
// must not change it afterwards.
func (b *Board) SavePortfolio(ctx context.Context, u *auth.User, app *Application, version int, p *portfolio.Portfolio, what string) (int, error) {
	return b.SavePortfolioWith(ctx, u, app, version, p, what, nil)
}

// SavePortfolioWith is SavePortfolio with more to write in its transaction
// (extra may be nil).
func (b *Board) SavePortfolioWith(ctx context.Context, u *auth.User, app *Application, version int, p *portfolio.Portfolio, what string,
	extra func(tx Tx, now time.Time) error) (int, error) {
	// The caller found the application as its owner; checked again here
	// so that no caller can save another person's portfolio. A state
	// change since then bumped the version, which the save refuses.
	if app.ApplicantID != u.ID {
		return 0, notVisible(app.ID)
	}
	if !Editable(app.State) {
		return 0, notEditable(app)
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return 0, err
	}
	var links []SupervisorLink
	for _, sup := range p.Supervisors {
		if sup.Email != "" {
			links = append(links, SupervisorLink{Ref: sup.ID, Email: sup.Email})
		}
	}
	now := b.clock.Now()
	var newVersion int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if newVersion, err = tx.SavePortfolio(ctx, app.ID, version, data, now); err != nil {
			return err
		}
		if err := tx.SetSupervisors(ctx, app.ID, links); err != nil {
			return err
		}
		if _, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: userActor(u), Action: "application.portfolio",
			Subject: applicationSubject(app.ID), After: what}); err != nil {
			return err
		}
		if extra != nil {
			return extra(tx, now)
		}
		return nil
	})
	if err == nil {
		b.evals.keepSaved(app.ID, newVersion, p)
	}
	return newVersion, err
}

// DeleteItem removes the item itemID of the evidence list list from u's
// application app, an edit made from version; it refuses an item that is
// not there and one that other items refer to. It returns the
// application's new version.
func (b *Board) DeleteItem(ctx context.Context, u *auth.User, app *Application, version int, list, itemID string) (int, error) {
	if app.ApplicantID != u.ID {
		return 0, notVisible(app.ID)
	}
	// Remove changes the portfolio in place: work on a copy of our own,
	// not the one LivePortfolio may share with the evaluation cache.
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return 0, err
	}
	if it, found := portfolio.Find(p, itemID); !found || it.List != list {
		return 0, NoSuchItem(app.ID, list, itemID)
	}
	if err := portfolio.Remove(p, itemID); err != nil {
		return 0, &certboard.Error{Code: certboard.Conflict, Title: "The item is in use", Message: err.Error()}
	}
	return b.SavePortfolio(ctx, u, app, version, p, "removed "+list+" "+itemID)
}

// NoSuchItem answers a request for an evidence item an application does
// not hold in that list.
func NoSuchItem(app int64, list, itemID string) *certboard.Error {
	return &certboard.Error{Code: certboard.NotFound, Title: "No such item", Message: fmt.Sprintf("Application %d has no %s item %q.", app, list, itemID)}
}

// notEditable is the answer for a change to an application that is not
// the applicant's to change in its state.
func notEditable(app *Application) *certboard.Error {
	return &certboard.Error{Code: certboard.Conflict, Title: "The application cannot be changed now",
		Message: fmt.Sprintf("The application is %s; evidence can be changed while it is a draft, returned to you, or when the board asks for more information.", app.State.Words())}
}
