package board

import (
	"context"
	"fmt"
	"slices"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// Supervision is what one supervisor sees of one application: the
// evidence that names them, in the portfolio the board is judging.
type Supervision struct {
	App        *Application
	Credential string
	Refs       []string
	// Frozen: the evidence shown is the submitted snapshot.
	Frozen bool
	// Open: the application is not decided, so decisions can be made.
	Open        bool
	Sessions    []SupervisedItem
	Clinical    []SupervisedItem
	Contracts   []SupervisedItem
	Memberships []portfolio.Membership
	// Awaiting counts the sessions and clinical hours still claimed.
	Awaiting int
}

// SupervisedItem is one evidence item that names the supervisor.
type SupervisedItem struct {
	ID           string
	Session      *portfolio.Session
	Clinical     *portfolio.ClinicalHours
	Contract     *portfolio.Contract
	Verification portfolio.Verification
	State        portfolio.State
	// CanConfirm and CanDispute say which decisions the supervisor may
	// take: on claimed items, and to change their own earlier decision.
	CanConfirm, CanDispute bool
}

// Supervisees returns what u sees of every undecided application naming
// them as a supervisor. A decided one (approved, denied, withdrawn) is no
// longer the supervisor's to see.
func (b *Board) Supervisees(ctx context.Context, u *auth.User) ([]*Supervision, error) {
	apps, err := b.store.Applications(ctx, ApplicationFilter{SupervisorEmail: u.Email, WithPortfolio: true})
	if err != nil {
		return nil, err
	}
	views := []*Supervision{}
	for _, app := range apps {
		if app.State.Final() {
			continue
		}
		refs, err := b.supRefs(ctx, u, app.ID)
		if err != nil {
			return nil, err
		}
		v, err := b.supervision(u, app, refs)
		if err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	return views, nil
}

// Supervised returns what u, a supervisor the application names, sees of
// it; anyone else is told there is no such application.
func (b *Board) Supervised(ctx context.Context, u *auth.User, appID int64) (*Supervision, error) {
	app, refs, err := b.supervisedApplication(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	return b.supervision(u, app, refs)
}

// supervision builds what the supervisor sees of an application.
func (b *Board) supervision(u *auth.User, app *Application, refs []string) (*Supervision, error) {
	p, frozen, err := supShown(app)
	if err != nil {
		return nil, err
	}
	v := &Supervision{App: app, Refs: refs, Frozen: frozen, Open: !app.State.Final(), Memberships: p.Memberships,
		Credential: app.SetID}
	if set := b.Catalog().Latest(app.SetID); set != nil {
		v.Credential = set.Title
	}
	v.Sessions, v.Clinical, v.Contracts = supMine(p, refs)
	sig := supSignature(u)
	for _, list := range [][]SupervisedItem{v.Sessions, v.Clinical, v.Contracts} {
		for i := range list {
			it := &list[i]
			it.State = it.Verification.EffectiveState()
			if v.Open {
				it.CanConfirm, it.CanDispute = supAllowed(it.Verification, sig)
				if it.State == portfolio.Claimed && it.Contract == nil {
					v.Awaiting++
				}
			}
		}
	}
	return v, nil
}

// supShown returns the portfolio a supervisor sees: the snapshot while the
// board judges it, the live portfolio otherwise.
func supShown(app *Application) (*portfolio.Portfolio, bool, error) {
	frozen := len(app.Snapshot) > 0 && slices.Contains(supFrozenStates, app.State) && app.State != InfoRequested
	data := app.Portfolio
	if frozen {
		data = app.Snapshot
	}
	p, err := portfolio.DecodeStored(data)
	if err != nil {
		return nil, false, fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
	}
	return p, frozen, nil
}

// supMine lists the items of p that name one of refs: sessions they gave,
// their contracts, and clinical hours under those contracts.
func supMine(p *portfolio.Portfolio, refs []string) (sessions, clinical, contracts []SupervisedItem) {
	mine := map[string]bool{}
	for i := range p.Contracts {
		k := &p.Contracts[i]
		if slices.Contains(refs, k.Supervisor) {
			mine[k.ID] = true
			contracts = append(contracts, SupervisedItem{ID: k.ID, Contract: k, Verification: k.Verification})
		}
	}
	for i := range p.Sessions {
		x := &p.Sessions[i]
		if slices.Contains(refs, x.Supervisor) {
			sessions = append(sessions, SupervisedItem{ID: x.ID, Session: x, Verification: x.Verification})
		}
	}
	for i := range p.ClinicalHours {
		c := &p.ClinicalHours[i]
		if c.Contract != "" && mine[c.Contract] {
			clinical = append(clinical, SupervisedItem{ID: c.ID, Clinical: c, Verification: c.Verification})
		}
	}
	return sessions, clinical, contracts
}

// supAllowed says which decisions a supervisor may take on an item with
// verification v: both on a claimed item, the other one on an item they
// decided themselves, none on an item someone else decided.
func supAllowed(v portfolio.Verification, signature string) (confirm, dispute bool) {
	switch {
	case v.EffectiveState() == portfolio.Claimed:
		return true, true
	case v.By != signature:
		return false, false
	case v.EffectiveState() == portfolio.Verified:
		return false, true
	default:
		return true, false
	}
}
