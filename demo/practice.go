package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/verifier"
)

// The demo practice: Lakeview Couples Clinic, where the demo board's
// Jordan Reyes works. Its admin (Ines Okoro) and three practitioners: two
// certified by the demo board (Jordan, approved today; Dr. Maren Holt,
// whose credential the board suspends once the practice has attached it)
// and one not (Lena Fischer). Each keeps a separate account here: the
// practice and the board share no table, and the practice reaches the
// board only through open standards (the credentials its holders attach,
// the board's did:web document and its status lists, fetched over HTTP).
// Everyone at a practice signs in with two factors, so each login comes
// with its two-factor secret.
//
// Every step is taken through the practice's use cases as the person
// concerned, through a practice whose clock is stopped at the time the
// step was taken: the practice was set up some seven months ago, and its
// clients' records (consent, cases and their stage moves, sexual
// histories, measures, comorbidities, plans, a referral) were kept as the
// care went on. The store is written directly only for what no use case
// does: the first admin's account, and each person's password and second
// factor, which they would set with the mailed link and an
// authenticator app.

// practicePeople are the demo practice's people: the admin first, who
// adds the others (practice.Practice.AddPerson).
var practicePeople = []Person{
	{"ines.okoro", "Ines Okoro", "", []auth.Role{auth.PracticeAdmin},
		"practice admin: people, the trust list (the demo board's did:web), and at /admin/scope the case flagged when the board suspended Dr. Holt's CST (also mailed to her)"},
	{"jordan", "Jordan Reyes", "", []auth.Role{auth.Practitioner},
		"CST from the demo board, verified over its did:web and status lists: all four stages; clients at Permission, at Specific Suggestions (history half taken) and in Intensive Therapy (a plan; six months of PHQ-9, GAD-7 and AUDIT-C)"},
	{"lena.fischer", "Lena Fischer", "", []auth.Role{auth.Practitioner},
		"no sex therapy credential: Permission to Specific Suggestions; a same-day safety task (PHQ-9 item 9) on her home page; a case she could not move to Intensive Therapy, referred to Jordan"},
	{"maren.holt", "Dr. Maren Holt", "", []auth.Role{auth.Practitioner},
		"joined two days ago with a CST from the demo board, which the board has since suspended: her credential no longer counts, and her Intensive Therapy case is flagged for review"},
}

// PracticePeople returns the demo practice's people, in the order of the
// logins SeedPractice returns.
func PracticePeople() []Person { return append([]Person(nil), practicePeople...) }

// joinedDaysAgo is how many days before the seeding each person joined
// the practice: with its set-up, but for Dr. Holt.
var joinedDaysAgo = map[string]int{"maren.holt": 2}

// setUpDaysAgo is how many days before the seeding the practice was set
// up: its people, its trust list and its consent text.
const setUpDaysAgo = 210

// PracticeStore is what the practice demo does with the practice's store
// itself, where no use case does it: practice/practicesql's Store
// implements it.
type PracticeStore interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	// CreateUser stores the first admin, whom no admin adds.
	CreateUser(ctx context.Context, u auth.User) (int64, error)
	// SetPassword gives an added person the demo password, which they
	// would choose with the link mailed to them.
	SetPassword(ctx context.Context, userID int64, hash string) error
	TOTP(ctx context.Context, userID int64) (auth.TOTPState, error)
	EnableTOTP(ctx context.Context, userID int64, secret string, at time.Time) error
}

// PracticeDeps is what seeding the practice needs.
type PracticeDeps struct {
	// Config is how the practice is built: SeedPractice acts through a
	// practice.Practice made of it, with its clock stopped at the time of
	// each step (Config.Clock's time is the seeding's "now").
	Config practice.Config
	// Store is the same store, for what no use case does.
	Store PracticeStore
	// Board is the demo board beside the practice, seeded already (Seed)
	// and serving at Board.Config.PublicURL: its holders' credentials are
	// what the practitioners attach (as each would download theirs from
	// the board), its staff suspend Dr. Holt's, and its public URL gives
	// its did:web.
	Board Deps
	// Fetch is how the practice fetches the board's DID document and
	// status lists: httpfetch.Origins with the board's URL for a board on
	// this machine.
	Fetch verifier.Fetch
}

// practiceSeeder seeds one practice.
type practiceSeeder struct {
	cfg   practice.Config
	store PracticeStore
	board Deps
	fetch verifier.Fetch
	// now is the seeding's time: every step is at or before it.
	now time.Time
	// users and actors are the practice's people by the local part of
	// their address.
	users  map[string]*auth.User
	actors map[string]practice.Actor
}

// SeedPractice fills an empty practice database with the demo practice
// beside the demo board d.Board, which must be seeded and serving:
//
//   - its admin, made in the store (no use case makes the first admin),
//     who adds the practitioners through practice.Practice.AddPerson (the
//     audit entries and the mails with their links, as in use); each
//     person gets the demo password and a two-factor secret in the store,
//     in place of choosing them with the mailed link and an authenticator
//     app;
//   - the trust list, with the demo board's did:web, and the consent text;
//   - Jordan's and Dr. Holt's CSTs, as the board issued them, attached and
//     verified over HTTP against the running board;
//   - clients at every PLISSIT stage, each with signed consent, concerns
//     from the taxonomy, measures over months, sexual histories, treatment
//     plans, one PHQ-9 whose item 9 opens a same-day safety task, and one
//     move to Intensive Therapy refused for want of scope, with its
//     referral (see practiceClients);
//   - the board's staff suspending Dr. Holt's credential, and the
//     practice's check of the credentials due (ReverifyDue), which finds
//     it suspended, flags her Intensive Therapy case and mails the admin.
//
// On a database that has the demo it changes nothing (neither here nor on
// the board) and returns the logins again, in the order of
// PracticePeople, each with its secret.
func SeedPractice(ctx context.Context, d PracticeDeps) ([]Login, error) {
	if d.Config.Clock == nil {
		d.Config.Clock = certboard.SystemClock{}
	}
	if d.Fetch == nil || d.Board.Store == nil {
		return nil, errors.New("demo practice: the demo board beside it and a fetch of its documents are required")
	}
	s := &practiceSeeder{cfg: d.Config, store: d.Store, board: d.Board, fetch: d.Fetch, now: d.Config.Clock.Now().UTC(),
		users: map[string]*auth.User{}, actors: map[string]practice.Actor{}}
	logins, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	// The rest is seeded once: the trust list is its first step.
	p, err := s.at(s.now)
	if err != nil {
		return nil, err
	}
	trusted, err := p.TrustedIssuers(ctx, s.actors["ines.okoro"])
	if err != nil {
		return nil, err
	}
	if len(trusted) == 0 {
		if err := s.seed(ctx); err != nil {
			return nil, fmt.Errorf("demo practice: %w", err)
		}
	}
	return logins, nil
}

// seed seeds everything but the people, in the order it happened.
func (s *practiceSeeder) seed(ctx context.Context) error {
	if err := s.setUp(ctx); err != nil {
		return err
	}
	if err := s.identifiers(ctx); err != nil {
		return err
	}
	if err := s.attachCredentials(ctx); err != nil {
		return err
	}
	for _, c := range practiceClients {
		if err := c.seed(ctx, s); err != nil {
			return fmt.Errorf("client %s: %w", c.identity.Name, err)
		}
	}
	if err := s.seedSessions(ctx); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if err := s.seedLinks(ctx); err != nil {
		return fmt.Errorf("measures sent to clients: %w", err)
	}
	return s.suspendHolt(ctx)
}

// at is the practice with its clock stopped at t, checking credentials
// with the seeding's fetch.
func (s *practiceSeeder) at(t time.Time) (*practice.Practice, error) {
	cfg := s.cfg
	cfg.Clock = certboard.NewFixedClock(t)
	p, err := practice.New(cfg)
	if err != nil {
		return nil, err
	}
	p.UseFetch(s.fetch)
	return p, nil
}

// day is the time hour:minute UTC on the day daysAgo days before the
// seeding: a day in the past for daysAgo 1 or more.
func (s *practiceSeeder) day(daysAgo, hour, minute int) time.Time {
	d := s.now.AddDate(0, 0, -daysAgo)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, time.UTC)
}

// people finds or creates the demo practice's people and returns their
// logins: the admin made in the store, the others added by her through
// the use case on the day they joined.
func (s *practiceSeeder) people(ctx context.Context) ([]Login, error) {
	hash, err := auth.Hash(Password, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	var admin *auth.User
	var logins []Login
	for i, person := range practicePeople {
		email := Email(person.Local)
		joined := s.day(setUpDaysAgo, 9, 0)
		if n, ok := joinedDaysAgo[person.Local]; ok {
			joined = s.day(n, 9, 0)
		}
		u, err := s.store.UserByEmail(ctx, email)
		switch {
		case err == nil:
		case !errors.Is(err, certboard.ErrNotFound):
			return nil, err
		case i == 0:
			id, err := s.store.CreateUser(ctx, auth.User{Email: email, Name: person.Name, PasswordHash: hash, Roles: person.Roles,
				CreatedAt: joined, EmailVerifiedAt: joined})
			if err != nil {
				return nil, err
			}
			if u, err = s.store.UserByID(ctx, id); err != nil {
				return nil, err
			}
		default:
			roles := make([]string, len(person.Roles))
			for j, r := range person.Roles {
				roles[j] = string(r)
			}
			p, err := s.at(joined)
			if err != nil {
				return nil, err
			}
			added, err := p.AddPerson(ctx, admin, practice.NewPerson{Name: person.Name, Email: email, Roles: roles})
			if err != nil {
				return nil, fmt.Errorf("demo practice: adding %s: %w", person.Name, err)
			}
			if err := s.store.SetPassword(ctx, added.ID, hash); err != nil {
				return nil, err
			}
			if u, err = s.store.UserByID(ctx, added.ID); err != nil {
				return nil, err
			}
		}
		secret, err := practiceSecret(ctx, s.store, u, joined)
		if err != nil {
			return nil, err
		}
		if u, err = s.store.UserByID(ctx, u.ID); err != nil {
			return nil, err
		}
		if i == 0 {
			admin = u
		}
		s.users[person.Local], s.actors[person.Local] = u, practice.ActorOf(u)
		logins = append(logins, Login{Email: u.Email, Name: u.Name, Roles: u.Roles, TOTPSecret: secret, Note: person.Note})
	}
	return logins, nil
}

// practiceSecret returns the two-factor secret of a demo account, turning
// two factors on with a new one, at at, when they are not.
func practiceSecret(ctx context.Context, st PracticeStore, u *auth.User, at time.Time) (string, error) {
	state, err := st.TOTP(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if u.TwoFactor() && state.Secret != "" {
		return state.Secret, nil
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return "", err
	}
	return secret, st.EnableTOTP(ctx, u.ID, secret, at)
}
