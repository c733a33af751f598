package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// renewals seeds renewals: CE logged in a cycle, and a credential a
// renewal superseded.
//
// Robin Ellis was certified almost three years ago; her renewal was
// approved today, so her old (public) credential verifies as superseded
// and points to the new one. Sasha Novak's credential expires in six
// months; her renewal is a draft with some CE logged. Both sign in with
// the demo password. Seeding twice changes nothing.
func (s *seeder) renewals(ctx context.Context) error {
	staff := s.users["staff"]
	if staff == nil {
		return errors.New("no demo staff account")
	}
	now := s.now()
	robin, fresh, err := s.renewalHolder(ctx, "robin.ellis", "Robin Ellis", "Harbor Counseling")
	if err != nil {
		return err
	}
	if fresh {
		old, err := s.certifiedCST(ctx, robin, now.AddDate(-3, 2, 0))
		if err != nil {
			return err
		}
		if err := s.publish(ctx, robin, old); err != nil {
			return err
		}
		id, err := s.renewalWithCE(ctx, robin, old, true)
		if err != nil {
			return err
		}
		for _, step := range []board.Action{board.Submit, board.StartReview, board.Approve} {
			actor := staff
			if step == board.Submit {
				actor = robin
			}
			if err := s.act(ctx, s.board, actor, id, step, ""); err != nil {
				return fmt.Errorf("robin's renewal: %s: %w", step, err)
			}
		}
		// Listed in the registry, where the renewed credential shows as
		// valid and the one it replaced as superseded.
		if _, err := s.board.SaveProfile(ctx, robin, board.Profile{DisplayName: robin.Name, City: "Seattle", Region: "Washington", Country: "US",
			Specialties: []string{"desire", "relationship", "pe"}, Telehealth: true, Languages: []string{"en"}, Practice: "Harbor Counseling",
			Statement: "Sex therapy for couples and individuals; renewed for a second cycle.", Visible: true}); err != nil {
			return fmt.Errorf("robin's profile: %w", err)
		}
	}
	sasha, fresh, err := s.renewalHolder(ctx, "sasha.novak", "Sasha Novak", "Bayside Wellness")
	if err != nil {
		return err
	}
	if fresh {
		old, err := s.certifiedCST(ctx, sasha, now.AddDate(-3, 6, 0))
		if err != nil {
			return err
		}
		if _, err := s.renewalWithCE(ctx, sasha, old, false); err != nil {
			return err
		}
	}
	return nil
}

// renewalHolder finds or creates a demo holder; fresh is true when the
// holder has no credential yet (so the rest is to be seeded).
func (s *seeder) renewalHolder(ctx context.Context, local, name, workplace string) (*auth.User, bool, error) {
	u, _, err := s.account(ctx, local, name, workplace, []auth.Role{auth.Applicant})
	if err != nil {
		return nil, false, err
	}
	creds, err := s.store.CredentialsOf(ctx, u.ID)
	if err != nil {
		return nil, false, err
	}
	return u, len(creds) == 0, nil
}

// certifiedCST certifies the holder for the CST credential as of at (see
// certifiedEarlier), with the example eligible portfolio whose AASECT
// membership runs on, judged by the latest version of the set.
func (s *seeder) certifiedCST(ctx context.Context, holder *auth.User, at time.Time) (*board.IssuedCredential, error) {
	p, err := examplePortfolio("cst-eligible.json", holder)
	if err != nil {
		return nil, err
	}
	for i := range p.Memberships {
		p.Memberships[i].From, p.Memberships[i].To = board.DayOf(at).AddYears(-2), date.Date{}
	}
	set := s.board.Catalog().Latest("aasect-cst")
	if set == nil {
		return nil, errors.New("requirement set aasect-cst is not loaded")
	}
	return s.certifiedEarlier(ctx, holder, p, set.ID, set.Version, at, "demo: certified earlier")
}

// renewalWithCE has the holder open the renewal of credential c and log
// CE in the cycle: complete (20 credits, verified) or part-way (claimed,
// some of it under the alternative methods' caps). It returns the
// renewal's id.
func (s *seeder) renewalWithCE(ctx context.Context, holder *auth.User, c *board.IssuedCredential, complete bool) (int64, error) {
	app, _, err := s.board.StartRenewal(ctx, holder, c.ID)
	if err != nil {
		return 0, err
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return 0, err
	}
	start := board.DayOf(c.IssuedAt)
	yes := true
	act := func(id, title, kind string, approved bool, months int, hours float64) portfolio.Activity {
		prov := portfolio.Provider{Name: "Sunrise Sexuality Institute", Kind: "approved_provider", ApprovedBy: []string{"AASECT"}}
		if !approved {
			prov = portfolio.Provider{Name: "Coastal Counseling CE", Kind: "other_ce"}
		}
		a := portfolio.Activity{ID: id, Title: title, Kind: kind, Provider: prov, Delivery: "live_online", Date: start.AddMonths(months), Hours: hours, SexualityRelated: &yes}
		if complete {
			a.Verification = portfolio.Verification{State: portfolio.Verified, By: "Sam Okafor", At: s.board.Today()}
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
	if _, err := s.board.SavePortfolio(ctx, holder, app, app.Version, p, "demo CE for the renewal"); err != nil {
		return 0, err
	}
	return app.ID, nil
}
