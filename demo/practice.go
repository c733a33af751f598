package demo

import (
	"context"
	"errors"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
)

// The demo practice: its admin and two practitioners, one certified by
// the demo board (the board's approved applicant, who keeps a separate
// account here: the practice and the board share no table) and one not.
// Everyone at a practice signs in with two factors, so each login comes
// with its two-factor secret.

// practicePeople are the demo practice's people: the admin first, who
// adds the others (practice.Practice.AddPerson).
var practicePeople = []Person{
	{"ines.okoro", "Ines Okoro", "", []auth.Role{auth.PracticeAdmin}, "practice admin: adds people and gives them roles"},
	{"jordan", "Jordan Reyes", "", []auth.Role{auth.Practitioner}, "practitioner certified by the demo board (the board's approved applicant, with a separate account here)"},
	{"lena.fischer", "Lena Fischer", "", []auth.Role{auth.Practitioner}, "practitioner without a sex therapy credential: refers what is beyond her scope"},
}

// PracticePeople returns the demo practice's people, in the order of the
// logins SeedPractice returns.
func PracticePeople() []Person { return append([]Person(nil), practicePeople...) }

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
	// practice.Practice made of it.
	Config practice.Config
	// Store is the same store, for what no use case does.
	Store PracticeStore
}

// SeedPractice fills an empty practice database with the demo practice:
// its admin, made in the store (no use case makes the first admin), who
// then adds the practitioners through practice.Practice.AddPerson (the
// audit entries and the mails with their links, as in use). Each person
// gets the demo password and a two-factor secret in the store, in place
// of choosing them with the mailed link and an authenticator app. On a
// database that has the demo it changes nothing and returns the logins
// again, in the order of PracticePeople, each with its secret.
func SeedPractice(ctx context.Context, d PracticeDeps) ([]Login, error) {
	if d.Config.Clock == nil {
		d.Config.Clock = certboard.SystemClock{}
	}
	p, err := practice.New(d.Config)
	if err != nil {
		return nil, err
	}
	hash, err := auth.Hash(Password, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	now := d.Config.Clock.Now()
	var admin *auth.User
	var logins []Login
	for i, person := range practicePeople {
		email := Email(person.Local)
		u, err := d.Store.UserByEmail(ctx, email)
		switch {
		case err == nil:
		case !errors.Is(err, certboard.ErrNotFound):
			return nil, err
		case i == 0:
			id, err := d.Store.CreateUser(ctx, auth.User{Email: email, Name: person.Name, PasswordHash: hash, Roles: person.Roles,
				CreatedAt: now, EmailVerifiedAt: now})
			if err != nil {
				return nil, err
			}
			if u, err = d.Store.UserByID(ctx, id); err != nil {
				return nil, err
			}
		default:
			roles := make([]string, len(person.Roles))
			for j, r := range person.Roles {
				roles[j] = string(r)
			}
			added, err := p.AddPerson(ctx, admin, practice.NewPerson{Name: person.Name, Email: email, Roles: roles})
			if err != nil {
				return nil, err
			}
			if err := d.Store.SetPassword(ctx, added.ID, hash); err != nil {
				return nil, err
			}
			if u, err = d.Store.UserByID(ctx, added.ID); err != nil {
				return nil, err
			}
		}
		secret, err := practiceSecret(ctx, d.Store, u, now)
		if err != nil {
			return nil, err
		}
		if u, err = d.Store.UserByID(ctx, u.ID); err != nil {
			return nil, err
		}
		if i == 0 {
			admin = u
		}
		logins = append(logins, Login{Email: u.Email, Name: u.Name, Roles: u.Roles, TOTPSecret: secret, Note: person.Note})
	}
	return logins, nil
}

// practiceSecret returns the two-factor secret of a demo account, turning
// two factors on with a new one when they are not.
func practiceSecret(ctx context.Context, st PracticeStore, u *auth.User, now time.Time) (string, error) {
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
	return secret, st.EnableTOTP(ctx, u.ID, secret, now)
}
