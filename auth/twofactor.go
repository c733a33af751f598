package auth

import (
	"context"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/notify"
)

// NeedsTwoFactor reports whether an account must sign in with two factors
// to do its work: staff and admins (every application) and regulators
// (personal data of holders).
func NeedsTwoFactor(u *User) bool {
	return u.IsStaff() || u.HasRole(Regulator)
}

// TwoFactorSettings reads u's two-factor settings and, when it is on, how
// many recovery codes are left.
func (a *Accounts) TwoFactorSettings(ctx context.Context, u *User) (st TOTPState, left int, err error) {
	if st, err = a.store.TOTP(ctx, u.ID); err != nil {
		return st, 0, err
	}
	if u.TwoFactor() {
		left, err = a.store.RecoveryCodesLeft(ctx, u.ID)
	}
	return st, left, err
}

// BeginTwoFactor starts (or starts over) a setup of two-factor sign-in for
// u with a new secret; ErrConflict when it is on already.
func (a *Accounts) BeginTwoFactor(ctx context.Context, u *User) error {
	secret, err := NewTOTPSecret()
	if err != nil {
		return err
	}
	return a.inTx(ctx, func(tx Tx) error {
		if err := tx.BeginTOTP(ctx, u.ID, secret); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, userEntry(a.now(), u.ID, "account.two_factor_setup"))
		return err
	})
}

// errSetupCode refuses a code that does not prove the app holds the secret.
var errSetupCode = &certboard.Error{Code: certboard.Invalid, Field: "code",
	Message: "This code does not match the key: check that your device's clock is right and type the code your app shows now."}

// EnableTwoFactor turns two-factor sign-in on for u when the code proves
// the app holds the secret of the setup st (read with TwoFactorSettings),
// and returns the recovery codes, to show once. Sessions that signed in
// with the password alone end, but the caller's (current; nil for none):
// from now on every session has shown a second factor. The owner is
// mailed in the same transaction. A wrong code is Invalid about "code"; a
// setup changed meanwhile is ErrConflict.
func (a *Accounts) EnableTwoFactor(ctx context.Context, u *User, current *Session, st TOTPState, code string) ([]string, error) {
	now := a.now()
	step, ok := CheckTOTP(st.Secret, code, now, st.LastStep)
	if !ok {
		return nil, errSetupCode
	}
	codes, digests, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = a.inTx(ctx, func(tx Tx) error {
		if err := tx.ConfirmTOTP(ctx, u.ID, step, digests, now); err != nil {
			return err
		}
		if current != nil {
			if _, err := tx.EndOtherSessions(ctx, u.ID, current.Digest); err != nil {
				return err
			}
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.two_factor_on")); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.TwoFactorOn{At: now, Reset: a.link("/password-reset", "")}, now)
	})
	if err != nil {
		return nil, err
	}
	u.TOTPEnabledAt = now
	return codes, nil
}

// errMustKeep refuses turning two-factor sign-in off for an account that
// needs it.
var errMustKeep = &certboard.Error{Code: certboard.Forbidden, Title: "Two-factor sign-in must stay on",
	Message: "Your account must keep two-factor sign-in on: board staff, admins and regulators, and everyone at a practice, sign in with two factors."}

// DisableTwoFactor turns two-factor sign-in off for u, who must not need
// it in this mode (Forbidden otherwise, see Accounts.NeedsTwoFactor), with
// its audit entry and a mail to the owner.
func (a *Accounts) DisableTwoFactor(ctx context.Context, u *User) error {
	if a.NeedsTwoFactor(u) {
		return errMustKeep
	}
	now := a.now()
	return a.inTx(ctx, func(tx Tx) error {
		if err := tx.DisableTOTP(ctx, u.ID); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.two_factor_off")); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.TwoFactorOff{At: now, Settings: a.link("/account/two-factor", "")}, now)
	})
}

// RenewRecoveryCodes replaces every recovery code of u, in one transaction
// that also audits the change and mails the owner, and returns the new
// codes, to show once; ErrConflict when two-factor sign-in is off.
func (a *Accounts) RenewRecoveryCodes(ctx context.Context, u *User) ([]string, error) {
	codes, digests, err := newRecoveryCodes()
	if err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(tx Tx) error {
		if err := tx.RenewRecoveryCodes(ctx, u.ID, digests, now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.recovery_codes_new")); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.RecoveryCodesRenewed{At: now, Settings: a.link("/account/two-factor", "")}, now)
	})
	return codes, err
}

// newRecoveryCodes makes a full set of recovery codes: the codes to show
// once, and the digests to store.
func newRecoveryCodes() (codes, digests []string, err error) {
	codes, err = NewRecoveryCodes(RecoveryCodes)
	if err != nil {
		return nil, nil, err
	}
	digests = make([]string, len(codes))
	for i, c := range codes {
		digests[i] = Digest(NormalizeRecoveryCode(c))
	}
	return codes, digests, nil
}
