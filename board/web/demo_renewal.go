package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
)

// seedRenewalDemo seeds renewals: CE logged in a cycle, and a credential a
// renewal superseded. users are the demo accounts by e-mail local part.
//
// Robin Ellis was certified almost three years ago; her renewal was
// approved today, so her old (public) credential verifies as superseded
// and points to the new one. Sasha Novak's credential expires in six
// months; her renewal is a draft with some CE logged. Both sign in with
// the demo password. Seeding twice changes nothing.
func (s *Server) seedRenewalDemo(ctx context.Context, users map[string]*boardsql.User) error {
	staff := users["staff"]
	if staff == nil {
		return errors.New("no demo staff account")
	}
	now := s.now()
	robin, fresh, err := s.demoRenewalUser(ctx, "robin.ellis", "Robin Ellis", "Harbor Counseling")
	if err != nil {
		return err
	}
	if fresh {
		old, err := s.demoIssuedCredential(ctx, robin, staff, users, now.AddDate(-3, 2, 0))
		if err != nil {
			return err
		}
		if err := s.inTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialPublic(ctx, old.ID, true) }); err != nil {
			return err
		}
		app, err := s.demoRenewalWithCE(ctx, robin, old, true)
		if err != nil {
			return err
		}
		for _, step := range []board.Action{board.Submit, board.StartReview, board.Approve} {
			actor := staff
			if step == board.Submit {
				actor = robin
			}
			if app, err = s.cfg.Store.Application(ctx, app.ID); err != nil {
				return err
			}
			if _, err := s.act(ctx, actor, app, app.Version, step, ""); err != nil {
				return fmt.Errorf("robin's renewal: %s: %w", step, err)
			}
		}
		// Listed in the registry, where the renewed credential shows as
		// valid and the one it replaced as superseded.
		if _, errs, err := s.saveProfile(ctx, robin, boardsql.Profile{DisplayName: robin.Name, City: "Seattle", Region: "Washington", Country: "US",
			Specialties: []string{"desire", "relationship", "pe"}, Telehealth: true, Languages: []string{"en"}, Practice: "Harbor Counseling",
			Statement: "Sex therapy for couples and individuals; renewed for a second cycle.", Visible: true}); err != nil || len(errs) > 0 {
			return fmt.Errorf("robin's profile: %v %v", errs, err)
		}
	}
	sasha, fresh, err := s.demoRenewalUser(ctx, "sasha.novak", "Sasha Novak", "Bayside Wellness")
	if err != nil {
		return err
	}
	if fresh {
		old, err := s.demoIssuedCredential(ctx, sasha, staff, users, now.AddDate(-3, 6, 0))
		if err != nil {
			return err
		}
		if _, err := s.demoRenewalWithCE(ctx, sasha, old, false); err != nil {
			return err
		}
	}
	return nil
}

// demoRenewalUser finds or creates a demo holder; fresh is true when the
// holder has no credential yet (so the rest is to be seeded).
func (s *Server) demoRenewalUser(ctx context.Context, local, name, practice string) (*boardsql.User, bool, error) {
	email := demoEmail(local)
	u, err := s.cfg.Store.UserByEmail(ctx, email)
	if errors.Is(err, boardsql.ErrNotFound) {
		hash, err := auth.Hash(DemoPassword, auth.DefaultParams)
		if err != nil {
			return nil, false, err
		}
		now := s.now()
		if _, err := s.cfg.Store.CreateUser(ctx, boardsql.User{Email: email, Name: name, PasswordHash: hash, Roles: []auth.Role{auth.Applicant},
			CreatedAt: now, EmailVerifiedAt: now, Workplace: practice}); err != nil {
			return nil, false, err
		}
		u, err = s.cfg.Store.UserByEmail(ctx, email)
		if err != nil {
			return nil, false, err
		}
	} else if err != nil {
		return nil, false, err
	}
	creds, err := s.cfg.Store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, false, err
	}
	return u, len(creds) == 0, nil
}

// demoIssuedCredential records an approved aasect-cst application for the
// holder (the example eligible portfolio, with an AASECT membership that
// runs on), peer reviewed by two approving reviewers, and issues its
// credential as of at.
func (s *Server) demoIssuedCredential(ctx context.Context, holder, staff *boardsql.User, users map[string]*boardsql.User, at time.Time) (*boardsql.IssuedCredential, error) {
	raw, err := examples.Portfolio("cst-eligible.json")
	if err != nil {
		return nil, err
	}
	p, err := portfolio.Decode(raw)
	if err != nil {
		return nil, err
	}
	p.Person.ID, p.Person.Name, p.Person.Email, p.Person.Practice = fmt.Sprintf("p%d", holder.ID), holder.Name, holder.Email, holder.Workplace
	for i := range p.Memberships {
		p.Memberships[i].From, p.Memberships[i].To = dayOf(at).AddYears(-2), date.Date{}
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	set := s.sets().Latest("aasect-cst")
	if set == nil {
		return nil, errors.New("requirement set aasect-cst is not loaded")
	}
	var credID string
	var appID int64
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		id, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: holder.ID, SetID: set.ID, State: board.Approved, Portfolio: data, CreatedAt: at})
		if err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, id, data, set.Version, at); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: id, At: at, ActorID: staff.ID, Action: string(board.Approve),
			From: board.PeerReview, To: board.Approved, Message: "demo: certified earlier"}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: s.now(), Actor: fmt.Sprintf("user/%d", staff.ID), Action: "application.approve",
			Subject: fmt.Sprintf("application/%d", id), Before: string(board.PeerReview), After: "approved (demo, dated " + dayOf(at).String() + ")"}); err != nil {
			return err
		}
		app := &boardsql.Application{ID: id, ApplicantID: holder.ID, SetID: set.ID, State: board.Approved, Portfolio: data,
			Snapshot: data, SnapshotSetVersion: set.Version, ApplicantName: holder.Name, ApplicantEmail: holder.Email}
		appID = id
		credID, err = s.issueCredential(ctx, tx, staff, app, at)
		return err
	})
	if err != nil {
		return nil, err
	}
	if users["priya.raman"] != nil && users["tomas.silva"] != nil {
		if err := s.demoReviews(ctx, appID, staff, users, []string{"priya.raman", "tomas.silva"},
			map[string]string{"priya.raman": "approve", "tomas.silva": "approve"}); err != nil {
			return nil, err
		}
	}
	return s.cfg.Store.Credential(ctx, credID)
}

// demoRenewalWithCE opens the holder's renewal and logs CE in the cycle:
// complete (20 credits, verified) or part-way (claimed, some of it under
// the alternative methods' caps).
func (s *Server) demoRenewalWithCE(ctx context.Context, holder *boardsql.User, c *boardsql.IssuedCredential, complete bool) (*boardsql.Application, error) {
	app, err := s.renewalApplication(ctx, holder, c.ID)
	if err != nil {
		return nil, err
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return nil, err
	}
	start := dayOf(c.IssuedAt)
	yes := true
	act := func(id, title, kind string, approved bool, months int, hours float64) portfolio.Activity {
		prov := portfolio.Provider{Name: "Sunrise Sexuality Institute", Kind: "approved_provider", ApprovedBy: []string{"AASECT"}}
		if !approved {
			prov = portfolio.Provider{Name: "Coastal Counseling CE", Kind: "other_ce"}
		}
		a := portfolio.Activity{ID: id, Title: title, Kind: kind, Provider: prov, Delivery: "live_online", Date: start.AddMonths(months), Hours: hours, SexualityRelated: &yes}
		if complete {
			a.Verification = portfolio.Verification{State: portfolio.Verified, By: "Sam Okafor", At: s.today()}
		}
		return a
	}
	if complete {
		p.Education = append(p.Education,
			act("ce-desire", "Desire discrepancy in long-term couples", "ce", true, 5, 8),
			act("ce-pain", "Assessment and treatment of genito-pelvic pain", "ce", true, 14, 6),
			act("ce-ethics", "Ethics in sex therapy practice", "ce", true, 26, 6))
	} else {
		p.Education = append(p.Education,
			act("ce-trauma", "Trauma-informed sex therapy", "ce", true, 4, 6),
			act("ce-general", "Couples communication (non-AASECT)", "ce", false, 10, 4),
			act("teach-sexed", "Taught a sexual health workshop", "teaching", false, 18, 3))
	}
	if _, err := s.savePortfolio(ctx, holder, app, app.Version, p, "demo CE for the renewal"); err != nil {
		return nil, err
	}
	return s.cfg.Store.Application(ctx, app.ID)
}
