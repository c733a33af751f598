package board

import (
	"context"
	"errors"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// Relation is how a user stands to an application; it decides what they may
// see and do with it.
type Relation int

// Relations, from none up. A user may hold several.
const (
	RelOwner      Relation = 1 << iota // the applicant
	RelSupervisor                      // named as a supervisor in the portfolio
	RelReviewer                        // assigned as a peer reviewer
	RelStaff                           // board staff or admin
)

// Relations works out how u stands to app. Supervisors and reviewers hold
// their relation only while the application is undecided: once it is
// approved, denied or withdrawn their part is over, and its evidence,
// documents and report are no longer theirs to read (a reviewer keeps a
// short page saying when it was decided and how they voted, see
// DecidedReview).
func (b *Board) Relations(ctx context.Context, u *auth.User, app *Application) (Relation, error) {
	var rel Relation
	if app.ApplicantID == u.ID {
		rel |= RelOwner
	}
	if u.IsStaff() && u.TwoFactor() {
		rel |= RelStaff
	}
	if app.State.Final() {
		return rel, nil
	}
	// Nobody supervises their own application: an applicant who is also a
	// supervisor and names their own address never confirms their evidence.
	if u.HasRole(auth.Supervisor) && app.ApplicantID != u.ID {
		links, err := b.store.Supervisors(ctx, app.ID)
		if err != nil {
			return 0, err
		}
		for _, l := range links {
			if strings.EqualFold(l.Email, u.Email) {
				rel |= RelSupervisor
			}
		}
	}
	if u.HasRole(auth.Reviewer) {
		ok, err := b.store.IsAssigned(ctx, app.ID, u.ID)
		if err != nil {
			return 0, err
		}
		if ok {
			rel |= RelReviewer
		}
	}
	return rel, nil
}

// Visible reads application id for u when u holds one of the relations in
// need to it. An application they may not see is reported as not found,
// like one that does not exist, so that ids do not reveal who applied.
func (b *Board) Visible(ctx context.Context, u *auth.User, id int64, need Relation) (*Application, Relation, error) {
	hidden := notVisible(id)
	app, err := b.store.Application(ctx, id)
	if errors.Is(err, certboard.ErrNotFound) {
		return nil, 0, hidden
	}
	if err != nil {
		return nil, 0, err
	}
	rel, err := b.Relations(ctx, u, app)
	if err != nil {
		return nil, 0, err
	}
	if rel&need == 0 {
		return nil, 0, hidden
	}
	return app, rel, nil
}

// History returns the history of application id as u may read it: the
// applicant, staff and an assigned reviewer; the board-only events
// (BoardOnlyEvent: who reviews it and how they voted) to staff only, and
// never to the applicant, whatever their roles.
func (b *Board) History(ctx context.Context, u *auth.User, id int64) ([]Event, error) {
	app, rel, err := b.Visible(ctx, u, id, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return nil, err
	}
	events, err := b.store.Events(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	if rel&RelStaff != 0 && app.ApplicantID != u.ID {
		return events, nil
	}
	var out []Event
	for _, e := range events {
		if !BoardOnlyEvent(e.Action) {
			out = append(out, e)
		}
	}
	return out, nil
}
