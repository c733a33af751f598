package auth

import (
	"context"
	"errors"
	"math"

	"github.com/certboard/certboard"
)

// Refusals of a second-factor code.
var (
	errWrongCode = Refusal(certboard.Unauthorized, "Code not right", "code",
		"This code is not right: type the 6-digit code your authenticator app shows now, or one of your unused recovery codes.")
	errReusedCode = Refusal(certboard.Unauthorized, "Code already used", "code",
		"This code was already used; wait until your app shows the next one (at most 30 seconds) and type that.")
	errAppCodeOnly = Refusal(certboard.Unauthorized, "Code from your app needed", "code",
		"Type the 6-digit code your authenticator app shows now; a recovery code cannot be used to make new recovery codes.")
)

// secondFactor checks a code of u: a TOTP code from the authenticator app,
// refused when its time step (or a later one) was already used, or, when
// recovery is true, an unused recovery code (recovery codes sign in when
// the phone is lost; they do not confirm). When it is right it is spent,
// and then(tx, how) runs in the same transaction, how being "totp" or
// "recovery code"; a recovery code's use is audited. Every code is first
// charged to the account's counter of codes (CodeThrottle; a known device
// has its own), which may refuse it with a wait before it is checked; a
// right code clears that counter, a wrong one stays counted and counts
// toward telling the owner. A refusal is a Refusal.
func (a *Accounts) secondFactor(ctx context.Context, u *User, code string, cl signInClient, recovery bool, then func(tx Tx, how string) error) error {
	charge := codeCharge(u, cl)
	if err := a.charge(ctx, StepCode, charge); err != nil {
		return err
	}
	now := a.now()
	st, err := a.store.TOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	var refusal *certboard.Error
	err = a.inTx(ctx, func(tx Tx) error {
		how := "totp"
		if LooksLikeTOTP(code) {
			if st.EnabledAt.IsZero() || st.Secret == "" {
				refusal = errWrongCode
				return refusal
			}
			step, ok := CheckTOTP(st.Secret, code, now, st.LastStep)
			if !ok {
				refusal = errWrongCode
				if _, old := CheckTOTP(st.Secret, code, now, math.MinInt64); old {
					refusal = errReusedCode
				}
				return refusal
			}
			if err := tx.UseTOTPStep(ctx, u.ID, step); errors.Is(err, ErrConflict) {
				refusal = errReusedCode
				return refusal
			} else if err != nil {
				return err
			}
		} else if !recovery {
			refusal = errAppCodeOnly
			return refusal
		} else {
			how = "recovery code"
			err := tx.UseRecoveryCode(ctx, u.ID, Digest(NormalizeRecoveryCode(code)), now)
			if errors.Is(err, ErrNotFound) {
				refusal = errWrongCode
				return refusal
			}
			if err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.recovery_code_used")); err != nil {
				return err
			}
		}
		if err := tx.ClearThrottle(ctx, charge.ThrottleKey); err != nil {
			return err
		}
		return then(tx, how)
	})
	switch {
	case refusal != nil:
		a.counted(StepCode, "wrong")
		if err := a.countFailure(ctx, u.Email, u, cl.Network); err != nil {
			return err
		}
	case err == nil:
		a.counted(StepCode, "right")
	default:
		// The code was right but its transaction failed (the pending
		// sign-in ended meanwhile, say): not a wrong guess.
		a.refund(ctx, charge)
	}
	return err
}
