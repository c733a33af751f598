package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/notify"
)

// ReauthWindow is how long after signing in, or after confirming that it
// is still them, a person may make sensitive changes (create API tokens,
// turn two-factor sign-in off, make new recovery codes) without confirming
// again. Changing the password always asks for the current one.
const ReauthWindow = 10 * time.Minute

// ConfirmedUntil returns until when a session may make sensitive changes:
// ReauthWindow after its sign-in or its latest confirmation. No session
// (an API token) gets the zero time: tokens never count as a recent
// authentication, nor does a session that ended meanwhile.
func (a *Accounts) ConfirmedUntil(ctx context.Context, ss *Session) (time.Time, error) {
	if ss == nil {
		return time.Time{}, nil
	}
	at, err := a.store.ReauthenticatedAt(ctx, ss.Digest)
	if errors.Is(err, ErrNotFound) {
		return time.Time{}, nil // ended meanwhile
	}
	if err != nil {
		return time.Time{}, err
	}
	// A session is made when all of the account's factors were shown:
	// for a two-factor account, when the code was accepted.
	if ss.CreatedAt.After(at) {
		at = ss.CreatedAt
	}
	return at.Add(ReauthWindow), nil
}

// RecentlyConfirmed reports whether a session may make a sensitive change
// now without confirming.
func (a *Accounts) RecentlyConfirmed(ctx context.Context, ss *Session) (bool, error) {
	until, err := a.ConfirmedUntil(ctx, ss)
	if err != nil {
		return false, err
	}
	return a.now().Before(until), nil
}

// Proof is what a person gives to confirm it is them: their password and,
// for a two-factor account, a current code from the authenticator app.
type Proof struct {
	Password, Code string
}

// errConfirmPassword refuses a confirmation with a wrong password.
var errConfirmPassword = Refusal(certboard.Forbidden, "Not confirmed", "password", "This is not your current password.")

// Reauthenticate checks a proof that the caller is the person of account
// u and records it on the caller's session (nil: none), with its audit
// entry. A refusal is a Refusal whose Field is "password" or "code". It is
// the one way a signed-in person confirms it is them.
func (a *Accounts) Reauthenticate(ctx context.Context, c Client, current *Session, u *User, p Proof) error {
	return a.reauthenticate(ctx, c, current, u, p, nil, nil)
}

// reauthenticate checks the proof: the password, through CheckPassword (so
// that wrong passwords are charged to, and slowed down by, the sign-in
// throttle like any sign-in), and for a two-factor account a current code
// from the app (recovery codes are refused). prepare, when set, runs once
// the password is proven and before the code is checked and the
// transaction starts: costly work (hashing a new password) that must never
// run for a caller who has not proven the password, nor before the
// attempt was charged to the throttle. When both are right it records the
// confirmation on the session, audits it, and runs then in the same
// transaction with the account as just read (then may be nil).
func (a *Accounts) reauthenticate(ctx context.Context, c Client, current *Session, u *User, p Proof, prepare func() error,
	then func(tx Tx, checked *User) error) error {
	at, err := a.CheckPassword(ctx, c, u.Email, p.Password)
	if se := AsRefusal(err); se != nil && se.Code == certboard.Unauthorized {
		return errConfirmPassword
	}
	if err != nil {
		return err
	}
	checked := at.User
	if checked.ID != u.ID {
		return fmt.Errorf("confirming user %d: the address %s belongs to user %d", u.ID, u.Email, checked.ID)
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			return err
		}
	}
	now, how := a.now(), "password"
	apply := func(tx Tx) error {
		if current != nil {
			if err := tx.MarkReauthenticated(ctx, u.ID, current.Digest, now); err != nil {
				return err
			}
		}
		e := userEntry(now, u.ID, "session.confirm")
		e.After = how
		if _, err := tx.AppendAudit(ctx, e); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(tx, checked)
	}
	if !checked.TwoFactor() {
		return a.inTx(ctx, apply)
	}
	how = "password and app code"
	err = a.secondFactor(ctx, checked, strings.TrimSpace(p.Code), at.client, false, func(tx Tx, _ string) error { return apply(tx) })
	if se := AsRefusal(err); se != nil && se.Code == certboard.Unauthorized {
		// The session is fine; the code is not.
		return Refusal(certboard.Forbidden, "Not confirmed", "code", se.Message)
	}
	return err
}

// PasswordChanged is what a change of password ended.
type PasswordChanged struct {
	Sessions, Tokens int64
}

// ChangePassword sets a new (already checked) password for u once the
// current password, and for a two-factor account the app's code, confirm it
// is them (see Reauthenticate). In one transaction it ends every other
// session of the account (the caller's, current, stays), revokes every API
// token (whoever knew the old password may have made one), audits the
// change and mails the owner. The new password is hashed only once the
// current one is proven (and the attempt charged to the throttle);
// ErrHashBusy when every slot is taken. A refusal of the proof is a
// Refusal with Field "password" or "code"; a password changed meanwhile is
// ErrConflict.
func (a *Accounts) ChangePassword(ctx context.Context, c Client, current *Session, u *User, p Proof, password string) (PasswordChanged, error) {
	var out PasswordChanged
	keep := ""
	if current != nil {
		keep = current.Digest
	}
	var hash string
	prepare := func() (err error) {
		hash, err = a.hashPassword(password)
		return err
	}
	now := a.now()
	err := a.reauthenticate(ctx, c, current, u, p, prepare, func(tx Tx, checked *User) error {
		var err error
		if out.Sessions, out.Tokens, err = tx.ChangePassword(ctx, u.ID, checked.PasswordHash, hash, keep); err != nil {
			return err
		}
		e := userEntry(now, u.ID, "account.password_change")
		e.After = fmt.Sprintf("%d other sessions ended, %d API tokens revoked", out.Sessions, out.Tokens)
		if _, err := tx.AppendAudit(ctx, e); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.PasswordChanged{At: now, Reset: a.link("/password-reset", "")}, now)
	})
	return out, err
}
