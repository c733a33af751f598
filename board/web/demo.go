package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "certboard-demo-2026"

// DemoLogin is one account the demo seeds.
type DemoLogin struct {
	Email string
	Name  string
	Roles []auth.Role
	// TOTPSecret is set for accounts that sign in with two factors; print
	// codes with `certboard totp SECRET` or add it to an authenticator app.
	TOTPSecret string
	// Note says what to look at with this account.
	Note string
}

// demoDomain is the domain of demo e-mail addresses (reserved, never routed).
const demoDomain = "demo.certboard.example"

type demoPerson struct {
	name, local, practice string
	roles                 []auth.Role
	note                  string
}

var demoPeople = []demoPerson{
	{"Avery Adeyemi", "admin", "", []auth.Role{auth.Admin, auth.Staff}, "board admin: requirement sets, users and roles, board details"},
	{"Sam Okafor", "staff", "", []auth.Role{auth.Staff}, "board staff: the work queue, verification, reviewers, decisions"},
	{"Dr. Priya Raman", "priya.raman", "Raman Psychology", []auth.Role{auth.Reviewer}, "peer reviewer with assigned applications"},
	{"Dr. Tomás Silva", "tomas.silva", "Harbor Counseling", []auth.Role{auth.Reviewer}, "peer reviewer with assigned applications"},
	{"Dr. Grace Kim", "grace.kim", "Lakeview Couples Clinic", []auth.Role{auth.Reviewer}, "peer reviewer who shares a practice with some applicants (a conflict)"},
	{"Dr. Lee Park", "lee.park", "Park Sex Therapy", []auth.Role{auth.Supervisor}, "supervisor of most applicants: confirm or dispute their sessions"},
	{"Jordan Reyes", "jordan", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "approved"},
	{"Riley Chen", "riley", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "in peer review, one vote in"},
	{"Casey Morgan", "casey", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "under review by staff"},
	{"Alex Rivera", "alex", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "the board asked for more information"},
	{"Taylor Brooks", "taylor", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "submitted, waiting for staff"},
	{"Quinn Harper", "quinn", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "returned to the applicant"},
	{"Drew Santos", "drew", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "denied"},
	{"Jamie Patel", "jamie", "Bayside Wellness", []auth.Role{auth.Applicant}, "draft: gathering evidence, sessions awaiting the supervisor"},
	{"Morgan Diaz", "morgan", "Gulf Coast Therapy", []auth.Role{auth.Applicant}, "draft for the Florida title (florida-sex-therapist)"},
	{"Kai Nakamura", "kai", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "withdrawn"},
	{"Dana Whitfield", "regulator", "Florida Board of Clinical Social Work, MFT and MHC", []auth.Role{auth.Regulator}, "regulator: title-use checks for people in the registry or an uploaded portfolio"},
	{"Sunrise Sexuality Institute", "provider", "Sunrise Sexuality Institute", []auth.Role{auth.Provider}, "approved CE provider: reports completions for holders with an API token"},
}

func demoEmail(local string) string { return local + "@" + demoDomain }

// SeedDemo fills an empty database with a believable board: staff,
// reviewers, a supervisor and applicants at every stage, every step taken
// through the same code paths as in use (audit log, history, mail). On a
// database that already has the demo it changes nothing and returns the
// logins again. Its mail goes to the outbox like any other.
func (s *Server) SeedDemo(ctx context.Context) ([]DemoLogin, error) {
	hash, err := auth.Hash(DemoPassword, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	now := s.now()
	users := map[string]*boardsql.User{}
	var logins []DemoLogin
	for _, p := range demoPeople {
		email := demoEmail(p.local)
		u, err := s.cfg.Store.UserByEmail(ctx, email)
		existing := err == nil
		if errors.Is(err, boardsql.ErrNotFound) {
			if _, err := s.cfg.Store.CreateUser(ctx, boardsql.User{Email: email, Name: p.name, PasswordHash: hash, Roles: p.roles,
				CreatedAt: now, EmailVerifiedAt: now, Workplace: p.practice}); err != nil {
				return nil, err
			}
			if u, err = s.cfg.Store.UserByEmail(ctx, email); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		login := DemoLogin{Email: email, Name: p.name, Roles: p.roles, Note: p.note}
		if needsTwoFactor(u) {
			// Staff, admins and the regulator sign in with two factors.
			st, err := s.cfg.Store.TOTP(ctx, u.ID)
			if err != nil {
				return nil, err
			}
			if existing && st.Secret != "" && u.TwoFactor() {
				login.TOTPSecret = st.Secret
			} else {
				secret, err := auth.NewTOTPSecret()
				if err != nil {
					return nil, err
				}
				if err := s.cfg.Store.EnableTOTP(ctx, u.ID, secret, now); err != nil {
					return nil, err
				}
				login.TOTPSecret = secret
				if u, err = s.cfg.Store.UserByID(ctx, u.ID); err != nil {
					return nil, err
				}
			}
		}
		users[p.local] = u
		logins = append(logins, login)
	}
	// The applications are seeded once: a board that has them keeps them.
	if seeded, err := s.cfg.Store.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: users["jordan"].ID, Limit: 1}); err != nil {
		return nil, err
	} else if len(seeded) > 0 {
		return s.withHolderLogins(ctx, logins)
	}
	staff := users["staff"]
	supervisor := users["lee.park"]

	// stages: the actions that bring each applicant's application to its state.
	type seed struct {
		who, example string
		claimed      bool // drop verification states (evidence not yet confirmed)
		steps        []board.Action
		reasons      map[board.Action]string
		reviewers    []string
		votes        map[string]string
	}
	review := []board.Action{board.Submit, board.StartReview}
	seeds := []seed{
		{who: "jordan", example: "cst-eligible.json", steps: append(review, board.SendToPeerReview, board.Approve),
			reviewers: []string{"priya.raman", "tomas.silva"}, votes: map[string]string{"priya.raman": "approve", "tomas.silva": "approve"}},
		{who: "riley", example: "cst-eligible.json", steps: append(review, board.SendToPeerReview),
			reviewers: []string{"priya.raman", "tomas.silva"}, votes: map[string]string{"priya.raman": "approve"}},
		{who: "casey", example: "cst-eligible.json", steps: review},
		{who: "alex", example: "cst-eligible.json", steps: append(review, board.RequestInfo),
			reasons: map[board.Action]string{board.RequestInfo: "Please upload the signed supervision contract with Dr. Park; the copy on file is unsigned."}},
		{who: "taylor", example: "cst-eligible.json", steps: []board.Action{board.Submit}},
		{who: "quinn", example: "cst-eligible.json", steps: append(review, board.Return),
			reasons: map[board.Action]string{board.Return: "The clinical hours log for 2024 lacks your supervisor's signature on each page; correct it and submit again."}},
		{who: "drew", example: "cst-eligible.json", steps: append(review, board.Deny),
			reasons: map[board.Action]string{board.Deny: "The peer review found the case formulations outside the scope of sex therapy; you may apply again after further supervised practice."}},
		{who: "jamie", example: "cst-eligible.json", claimed: true},
		{who: "morgan", example: "florida-eligible-not-aasect.json", claimed: true},
		{who: "kai", example: "cst-eligible.json", steps: []board.Action{board.Submit, board.Withdraw}},
	}
	for _, sd := range seeds {
		u := users[sd.who]
		set := "aasect-cst"
		if strings.HasPrefix(sd.example, "florida") {
			set = "florida-sex-therapist"
		}
		started, err := s.board.StartApplication(ctx, u, set)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", u.Email, err)
		}
		id := started.ID
		raw, err := examples.Portfolio(sd.example)
		if err != nil {
			return nil, err
		}
		p, err := portfolio.Decode(raw)
		if err != nil {
			return nil, err
		}
		p.Person.ID, p.Person.Name, p.Person.Email, p.Person.Practice = fmt.Sprintf("p%d", u.ID), u.Name, u.Email, u.Workplace
		if len(p.Supervisors) > 0 {
			p.Supervisors[0].Name, p.Supervisors[0].Email = supervisor.Name, supervisor.Email
		}
		if sd.claimed {
			clearVerification(p)
			if sd.who == "jamie" {
				// Part-way: the education and supervision of the first year.
				p.Education = p.Education[:len(p.Education)/2]
				p.Sessions = p.Sessions[:len(p.Sessions)/3]
				p.ClinicalHours = p.ClinicalHours[:len(p.ClinicalHours)/3]
				p.PeerReviews, p.Documents = nil, nil
			}
		}
		app, err := s.cfg.Store.Application(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := s.savePortfolio(ctx, u, app, app.Version, p, "demo portfolio "+sd.example); err != nil {
			return nil, fmt.Errorf("demo: %s: %w", u.Email, err)
		}
		for _, step := range sd.steps {
			if step == board.Approve {
				if err := s.demoReviews(ctx, id, staff, users, sd.reviewers, sd.votes); err != nil {
					return nil, err
				}
			}
			app, err := s.cfg.Store.Application(ctx, id)
			if err != nil {
				return nil, err
			}
			actor := staff
			if step == board.Submit || step == board.Withdraw || step == board.AnswerInfo {
				actor = u
			}
			if _, err := s.act(ctx, actor, app, app.Version, step, sd.reasons[step]); err != nil {
				return nil, fmt.Errorf("demo: %s: %s: %w", u.Email, step, err)
			}
		}
		if len(sd.steps) > 0 && sd.steps[len(sd.steps)-1] == board.SendToPeerReview {
			if err := s.demoReviews(ctx, id, staff, users, sd.reviewers, sd.votes); err != nil {
				return nil, err
			}
		}
	}
	if err := s.seedRegistryDemo(ctx, users); err != nil {
		return nil, fmt.Errorf("demo registry: %w", err)
	}
	if err := s.seedRenewalDemo(ctx, users); err != nil {
		return nil, fmt.Errorf("demo renewals: %w", err)
	}
	if err := s.seedProviderDemo(ctx, users); err != nil {
		return nil, fmt.Errorf("demo providers: %w", err)
	}
	return s.withHolderLogins(ctx, logins)
}

// demoReviews assigns reviewers to an application and records their votes.
func (s *Server) demoReviews(ctx context.Context, id int64, staff *boardsql.User, users map[string]*boardsql.User, reviewers []string, votes map[string]string) error {
	now := s.now()
	for _, r := range reviewers {
		rev := users[r]
		if done, err := s.cfg.Store.IsAssigned(ctx, id, rev.ID); err != nil {
			return err
		} else if done {
			continue
		}
		app, err := s.cfg.Store.Application(ctx, id)
		if err != nil {
			return err
		}
		err = s.inTx(ctx, func(tx *boardsql.Tx) error {
			if _, err := tx.AssignReviewer(ctx, id, app.Version, rev.ID, staff.ID, now); err != nil {
				return err
			}
			if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: id, At: now, ActorID: staff.ID, Action: "assign_reviewer", Message: rev.Name}); err != nil {
				return err
			}
			if v := votes[r]; v != "" {
				if err := tx.Vote(ctx, id, rev.ID, v, "Evidence complete and well documented; supervision log consistent with the contract.", now); err != nil {
					return err
				}
			}
			_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", staff.ID), Action: "application.assign_reviewer",
				Subject: fmt.Sprintf("application/%d", id), After: fmt.Sprintf("user/%d", rev.ID)})
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: assigning %s: %w", rev.Email, err)
		}
	}
	return nil
}

// demoHolderLogins are the credential holders the registry and renewal
// demos seed, with what each shows; they sign in with the demo password too.
var demoHolderLogins = []struct{ local, note string }{
	{"robin.ellis", "holder whose credential a renewal superseded (registry, /check)"},
	{"sasha.novak", "holder with a renewal in progress and CE logged"},
	{"amara.osei", "holder listed in the registry with a valid credential"},
	{"henrik.lund", "holder whose credential staff suspended"},
	{"mei.tanaka", "holder whose credential has expired"},
	{"rafael.costa", "holder whose credential was revoked"},
	{"noor.haddad", "holder with a public credential and a hidden profile (not listed)"},
}

// withHolderLogins adds the seeded credential holders to the logins.
func (s *Server) withHolderLogins(ctx context.Context, logins []DemoLogin) ([]DemoLogin, error) {
	for _, h := range demoHolderLogins {
		u, err := s.cfg.Store.UserByEmail(ctx, demoEmail(h.local))
		if errors.Is(err, boardsql.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		logins = append(logins, DemoLogin{Email: u.Email, Name: u.Name, Roles: u.Roles, Note: h.note})
	}
	return logins, nil
}
