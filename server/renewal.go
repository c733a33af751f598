package server

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/portfolio"

	"github.com/certboard/certboard/application"
	"github.com/certboard/certboard/store"
)

// renewalRoutes registers the renewal pages and API.
func (s *Server) renewalRoutes() {}

// renewalSet is the requirement set every AASECT renewal is judged by.
const renewalSet = "aasect-renewal"

// renewalApplication returns the holder's open renewal application for a
// credential, starting one (a draft against aasect-renewal) when there is
// none. The credential must be the
// holder's.
func (s *Server) renewalApplication(ctx context.Context, holder *store.User, credentialID string) (*store.Application, error) {
	c, err := s.cfg.Store.Credential(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	if c.HolderID != holder.ID {
		return nil, store.ErrNotFound
	}
	mine, err := s.cfg.Store.Applications(ctx, store.ApplicationFilter{ApplicantID: holder.ID, SetID: renewalSet})
	if err != nil {
		return nil, err
	}
	for _, a := range mine {
		if a.RenewsCredential == credentialID && !application.State(a.State).Final() {
			return s.cfg.Store.Application(ctx, a.ID)
		}
	}
	if c.Status() != "active" {
		return nil, &application.Error{Code: "conflict", Message: fmt.Sprintf("credential %s is %s; only an active credential is renewed", credentialID, c.Status())}
	}
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: fmt.Sprintf("p%d", holder.ID), Name: holder.Name, Email: holder.Email, Practice: holder.Practice}}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = s.cfg.Store.CreateApplication(ctx, tx, store.Application{ApplicantID: holder.ID, SetID: renewalSet, State: string(application.Draft),
			Portfolio: data, CreatedAt: now, RenewsCredential: credentialID}); err != nil {
			return err
		}
		if err := s.cfg.Store.AddEvent(ctx, tx, store.Event{ApplicationID: id, At: now, ActorID: holder.ID, Action: "start", To: string(application.Draft)}); err != nil {
			return err
		}
		_, err = s.cfg.Store.AppendAudit(ctx, tx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", holder.ID), Action: "renewal.start",
			Subject: fmt.Sprintf("application/%d", id), After: "renews credential " + credentialID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.Application(ctx, id)
}
