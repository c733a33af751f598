package board

import (
	"context"
	"fmt"
	"slices"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// ApplicationSets lists the sets one can apply for (renewal sets are not
// applied for).
func (b *Board) ApplicationSets() []*requirements.Set {
	sets := b.Catalog()
	var out []*requirements.Set
	for _, id := range sets.IDs() {
		if latest := sets.Latest(id); latest != nil && latest.Cycle == nil {
			out = append(out, latest)
		}
	}
	return out
}

// StartApplication starts a draft application of u for the set setID,
// with a portfolio holding u's details; it refuses a set one cannot apply
// for and a second open application for one credential.
func (b *Board) StartApplication(ctx context.Context, u *auth.User, setID string) (*Application, error) {
	if !slices.ContainsFunc(b.ApplicationSets(), func(x *requirements.Set) bool { return x.ID == setID }) {
		return nil, refused(certboard.Invalid, fmt.Sprintf("set_id: %q is not a credential one can apply for; choose one of the listed credentials", setID))
	}
	mine, err := b.store.Applications(ctx, ApplicationFilter{ApplicantID: u.ID, SetID: setID})
	if err != nil {
		return nil, err
	}
	for _, a := range mine {
		if !a.State.Final() {
			return nil, refused(certboard.Conflict, fmt.Sprintf("you already have an application for %s (%s, started %s); continue that one", setID, a.State.Words(), a.CreatedAt.Format("2 January 2006")))
		}
	}
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: fmt.Sprintf("p%d", u.ID), Name: u.Name, Email: u.Email, Practice: u.Workplace}}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	now := b.clock.Now()
	var id int64
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if id, err = tx.CreateApplication(ctx, Application{ApplicantID: u.ID, SetID: setID, State: Draft, Portfolio: data, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: id, At: now, ActorID: u.ID, Action: "start", To: Draft}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: userActor(u), Action: "application.start",
			Subject: applicationSubject(id), After: setID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return b.store.Application(ctx, id)
}

// refused is an applicant's request that the rules or the state of things
// refuse, answered as the state machine's refusals are ("Action refused").
func refused(code certboard.Code, msg string) *certboard.Error {
	return &certboard.Error{Code: code, Title: "Action refused", Message: msg}
}

// userActor names a user in the audit log.
func userActor(u *auth.User) string { return fmt.Sprintf("user/%d", u.ID) }

// applicationSubject names an application in the audit log.
func applicationSubject(id int64) string { return fmt.Sprintf("application/%d", id) }
