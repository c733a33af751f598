// Package demo seeds a believable board for trying certboard: staff,
// reviewers, a supervisor, applicants at every stage, credential holders
// in the registry and renewals. Every step that a person takes in use is
// taken here through the same use case (the methods of board.Board), as
// that person; the store is written directly only for what no use case
// does: creating the demo accounts with their roles, verified addresses
// and second factors, and recording applications certified before the
// demo began (see certifiedEarlier).
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// Password is the password of every demo account.
const Password = "certboard-demo-2026"

// Login is one account the demo seeds.
type Login struct {
	Email string
	Name  string
	Roles []auth.Role
	// TOTPSecret is set for accounts that sign in with two factors; print
	// codes with `certboard totp SECRET` or add it to an authenticator app.
	TOTPSecret string
	// Note says what to look at with this account.
	Note string
}

// domain is the domain of demo e-mail addresses (reserved, never routed).
const domain = "demo.certboard.example"

// Email is the address of the demo account with the local part local.
func Email(local string) string { return local + "@" + domain }

// Person is one of the demo's people (not the credential holders the
// registry and renewal demos add).
type Person struct {
	// Local is the local part of the person's e-mail address (see Email).
	Local     string
	Name      string
	Workplace string
	Roles     []auth.Role
	// Note says what to look at with this account.
	Note string
}

var people = []Person{
	{"admin", "Avery Adeyemi", "", []auth.Role{auth.Admin, auth.Staff}, "board admin: requirement sets, users and roles, board details"},
	{"staff", "Sam Okafor", "", []auth.Role{auth.Staff}, "board staff: the work queue, verification, reviewers, decisions"},
	{"priya.raman", "Dr. Priya Raman", "Raman Psychology", []auth.Role{auth.Reviewer}, "peer reviewer with assigned applications"},
	{"tomas.silva", "Dr. Tomás Silva", "Harbor Counseling", []auth.Role{auth.Reviewer}, "peer reviewer with assigned applications"},
	{"grace.kim", "Dr. Grace Kim", "Lakeview Couples Clinic", []auth.Role{auth.Reviewer}, "peer reviewer who shares a practice with some applicants (a conflict)"},
	{"lee.park", "Dr. Lee Park", "Park Sex Therapy", []auth.Role{auth.Supervisor}, "supervisor of most applicants: confirm or dispute their sessions"},
	{"jordan", "Jordan Reyes", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "approved"},
	{"riley", "Riley Chen", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "in peer review, one vote in"},
	{"casey", "Casey Morgan", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "under review by staff"},
	{"alex", "Alex Rivera", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "the board asked for more information"},
	{"taylor", "Taylor Brooks", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "submitted, waiting for staff"},
	{"quinn", "Quinn Harper", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "returned to the applicant"},
	{"drew", "Drew Santos", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "denied"},
	{"jamie", "Jamie Patel", "Bayside Wellness", []auth.Role{auth.Applicant}, "draft: gathering evidence, sessions awaiting the supervisor"},
	{"morgan", "Morgan Diaz", "Gulf Coast Therapy", []auth.Role{auth.Applicant}, "draft for the Florida title (florida-sex-therapist)"},
	{"kai", "Kai Nakamura", "Lakeview Couples Clinic", []auth.Role{auth.Applicant}, "withdrawn"},
	{"regulator", "Dana Whitfield", "Florida Board of Clinical Social Work, MFT and MHC", []auth.Role{auth.Regulator}, "regulator: title-use checks for people in the registry or an uploaded portfolio; search holders by name, licence number and region"},
	{"provider", "Sunrise Sexuality Institute", "Sunrise Sexuality Institute", []auth.Role{auth.Provider}, "approved CE provider: reports completions for holders with an API token"},
}

// People returns the demo's people, in the order of the logins Seed
// returns.
func People() []Person { return append([]Person(nil), people...) }

// holderLogins are the credential holders the registry and renewal demos
// seed, with what each shows; they sign in with the demo password too.
var holderLogins = []struct{ local, note string }{
	{"robin.ellis", "holder whose credential a renewal superseded (registry, /check)"},
	{"sasha.novak", "holder with a renewal in progress and CE logged"},
	{"amara.osei", "holder listed in the registry with a valid credential"},
	{"henrik.lund", "holder whose credential staff suspended"},
	{"mei.tanaka", "holder whose credential has expired"},
	{"rafael.costa", "holder whose credential was revoked"},
	{"noor.haddad", "holder with a public credential and a hidden profile (not listed)"},
	{"maren.holt", "holder whose credential the board suspends once the demo practice, where she works, has attached it"},
}

// Store is what the demo does with the store itself, where no use case
// does it: board/boardsql's ForBoard implements it.
type Store interface {
	// InTx runs f in one transaction (for certifiedEarlier).
	InTx(ctx context.Context, f func(tx board.Tx) error) error
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	CreateUser(ctx context.Context, u auth.User) (int64, error)
	TOTP(ctx context.Context, userID int64) (auth.TOTPState, error)
	EnableTOTP(ctx context.Context, userID int64, secret string, at time.Time) error
	Application(ctx context.Context, id int64) (*board.Application, error)
	Applications(ctx context.Context, f board.ApplicationFilter) ([]*board.Application, error)
	CredentialsOf(ctx context.Context, holderID int64) ([]*board.IssuedCredential, error)
	Profile(ctx context.Context, holderID int64) (*board.Profile, error)
}

// Deps is what seeding needs.
type Deps struct {
	// Config is how the board is built: Seed acts through a board.Board
	// made of it, on its clock, and through one with the clock stopped at
	// the date of each credential certified before the demo began.
	Config board.Config
	// Store is the same store, for what no use case does.
	Store Store
}

// seeder seeds one database.
type seeder struct {
	board *board.Board
	cfg   board.Config
	store Store
	// hash is the demo password's hash, made once.
	hash string
	// users are the demo accounts by the local part of their address.
	users map[string]*auth.User
}

// Seed fills an empty database with a believable board: staff,
// reviewers, a supervisor and applicants at every stage, every step taken
// through the board's use cases as the person concerned (audit log,
// history, mail). On a database that already has the demo it changes
// nothing and returns the logins again: the demo's people first, in the
// order of People, then the credential holders.
func Seed(ctx context.Context, d Deps) ([]Login, error) {
	s, err := newSeeder(d)
	if err != nil {
		return nil, err
	}
	logins, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	// The board is named before anything is issued, so that its
	// credentials, certificates and mail carry the name.
	if err := s.boardDetails(ctx); err != nil {
		return nil, fmt.Errorf("demo board details: %w", err)
	}
	// The applications are seeded once: a board that has them keeps them.
	if seeded, err := s.store.Applications(ctx, board.ApplicationFilter{ApplicantID: s.users["jordan"].ID, Limit: 1}); err != nil {
		return nil, err
	} else if len(seeded) == 0 {
		if s.cfg.Blobs == nil {
			return nil, errors.New("demo: the board needs a file store: every document of the demo applications is uploaded, so that it counts as on file")
		}
		if err := s.applications(ctx); err != nil {
			return nil, err
		}
		if err := s.registry(ctx); err != nil {
			return nil, fmt.Errorf("demo registry: %w", err)
		}
		if err := s.renewals(ctx); err != nil {
			return nil, fmt.Errorf("demo renewals: %w", err)
		}
		if err := s.providers(ctx); err != nil {
			return nil, fmt.Errorf("demo providers: %w", err)
		}
	}
	return s.withHolderLogins(ctx, logins)
}

// newSeeder returns a seeder with no users read yet.
func newSeeder(d Deps) (*seeder, error) {
	if d.Config.Clock == nil {
		d.Config.Clock = certboard.SystemClock{}
	}
	b, err := board.New(d.Config)
	if err != nil {
		return nil, err
	}
	hash, err := auth.Hash(Password, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	return &seeder{board: b, cfg: d.Config, store: d.Store, hash: hash, users: map[string]*auth.User{}}, nil
}

// now is the time on the board's clock.
func (s *seeder) now() time.Time { return s.cfg.Clock.Now() }

// at is the board with its clock stopped at t, for what happened before
// the demo began.
func (s *seeder) at(t time.Time) (*board.Board, error) {
	cfg := s.cfg
	cfg.Clock = certboard.NewFixedClock(t)
	return board.New(cfg)
}

// people finds or creates the demo's people (see account) and returns
// their logins.
func (s *seeder) people(ctx context.Context) ([]Login, error) {
	var logins []Login
	for _, p := range people {
		u, existing, err := s.account(ctx, p.Local, p.Name, p.Workplace, p.Roles)
		if err != nil {
			return nil, err
		}
		login := Login{Email: u.Email, Name: p.Name, Roles: p.Roles, Note: p.Note}
		if auth.NeedsTwoFactor(u) {
			// Staff, admins and the regulator sign in with two factors.
			st, err := s.store.TOTP(ctx, u.ID)
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
				if err := s.store.EnableTOTP(ctx, u.ID, secret, s.now()); err != nil {
					return nil, err
				}
				login.TOTPSecret = secret
				if u, err = s.store.UserByID(ctx, u.ID); err != nil {
					return nil, err
				}
			}
		}
		s.users[p.Local] = u
		logins = append(logins, login)
	}
	return logins, nil
}

// account finds the demo account with the local part local, or creates
// it with the demo password, its roles and a verified address (no use
// case makes an account with roles and without the e-mail round trip).
// existing says whether it was there.
func (s *seeder) account(ctx context.Context, local, name, workplace string, roles []auth.Role) (u *auth.User, existing bool, err error) {
	email := Email(local)
	u, err = s.store.UserByEmail(ctx, email)
	if err == nil {
		return u, true, nil
	}
	if !errors.Is(err, certboard.ErrNotFound) {
		return nil, false, err
	}
	now := s.now()
	id, err := s.store.CreateUser(ctx, auth.User{Email: email, Name: name, PasswordHash: s.hash, Roles: roles,
		CreatedAt: now, EmailVerifiedAt: now, Workplace: workplace})
	if err != nil {
		return nil, false, err
	}
	u, err = s.store.UserByID(ctx, id)
	return u, false, err
}

// withHolderLogins adds the seeded credential holders to the logins.
func (s *seeder) withHolderLogins(ctx context.Context, logins []Login) ([]Login, error) {
	for _, h := range holderLogins {
		u, err := s.store.UserByEmail(ctx, Email(h.local))
		if errors.Is(err, certboard.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		logins = append(logins, Login{Email: u.Email, Name: u.Name, Roles: u.Roles, Note: h.note})
	}
	return logins, nil
}

// BoardDetails are the demo board's details: a fictional board, named in
// the pages' header, in mail and on the credentials it issues.
var BoardDetails = board.BoardSettings{
	Name:         "Meridian Sexuality Certification Board",
	ShortName:    "MSCB",
	ContactEmail: Email("office"),
}

// boardDetails has the demo admin give the board its details
// (BoardDetails), unless an admin saved some already.
func (s *seeder) boardDetails(ctx context.Context) error {
	cur, err := s.board.Settings(ctx)
	if err != nil {
		return err
	}
	if cur.Version > 0 {
		return nil
	}
	_, err = s.board.SaveSettings(ctx, s.users["admin"], BoardDetails)
	return err
}

// providers approves the demo CE provider, unless it already has a
// profile.
func (s *seeder) providers(ctx context.Context) error {
	if u := s.users["provider"]; u != nil {
		return s.board.ApproveDemoProvider(ctx, u)
	}
	return nil
}
