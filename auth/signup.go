package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/notify"
)

// Lifetimes of the links sent by e-mail.
const (
	VerifyLinkTTL = 48 * time.Hour
	ResetLinkTTL  = time.Hour
)

// UnverifiedAccountTTL is how long a sign-up may stay unverified: the daily
// account sweep deletes unverified accounts older than this.
const UnverifiedAccountTTL = 7 * 24 * time.Hour

// Mail that anonymous requests make certboard send (sign-up links, the
// notice to an address that already has an account, reset links) is
// limited per recipient: at most MailsPerRecipient in MailQuotaWindow. Past
// that the request answers as always and nothing is sent, so that nobody
// can use certboard to flood an inbox.
const (
	MailsPerRecipient = 3
	MailQuotaWindow   = time.Hour
)

// takeMailQuota counts a mail to addr that an anonymous request causes (kind
// says which, for the log) and reports whether it may be sent; call it in
// the transaction that queues the mail, before changing anything else.
func (a *Accounts) takeMailQuota(ctx context.Context, tx Tx, addr, kind string, now time.Time) (bool, error) {
	ok, err := tx.TakeMailQuota(ctx, addr, now, MailQuotaWindow, MailsPerRecipient)
	if err == nil && !ok {
		a.log.Warn("mail not sent: the recipient's quota is spent", "mail", kind, "quota", MailsPerRecipient, "window", MailQuotaWindow)
	}
	return ok, err
}

// SignUp is a valid sign-up (the caller checked the address, the name and
// the password).
type SignUp struct {
	Email, Name, Password string
}

// SignUp does a valid sign-up, in one transaction with its mail and audit
// entry:
//   - a new address gets an unverified applicant account, a verification
//     token and the mail carrying the link;
//   - an address whose account was never verified gets that account
//     replaced (ReplaceUnverifiedUser: new name and password, earlier links
//     void) and a new link, so that an unverified sign-up, anyone's, never
//     keeps the address from its owner;
//   - an address with a verified account is left as it is, and its owner
//     is mailed a notice instead.
//
// The caller answers the same in every case, and the work is the same (the
// password is hashed in every case), so that sign-up does not reveal who
// has an account. Past the recipient's mail quota nothing is done at all.
//
// The password is hashed in a hashing slot: with none free the answer is
// ErrHashBusy and nothing is created.
func (a *Accounts) SignUp(ctx context.Context, in SignUp) error {
	if a.signUp == "" {
		return certboard.Errorf(certboard.Forbidden, "This site does not take sign-ups: an administrator adds each account. Ask yours for an invitation.")
	}
	hash, err := a.hashPassword(in.Password)
	if err != nil {
		return err
	}
	now := a.now()
	token, digest, err := NewToken()
	if err != nil {
		return err
	}
	email := strings.ToLower(in.Email)
	return a.inTx(ctx, func(tx Tx) error {
		if ok, err := a.takeMailQuota(ctx, tx, email, "sign-up", now); err != nil || !ok {
			return err
		}
		u := User{Email: email, Name: in.Name, PasswordHash: hash, Roles: []Role{a.signUp}, CreatedAt: now}
		id, err := tx.CreateUser(ctx, u)
		entry := userEntry(now, id, "account.sign_up")
		if errors.Is(err, ErrConflict) {
			var replaced bool
			if id, replaced, err = tx.ReplaceUnverifiedUser(ctx, u); err != nil {
				return err
			}
			if !replaced {
				return a.accountExistsNotice(ctx, tx, id, email, now)
			}
			entry = userEntry(now, id, "account.sign_up_again")
			entry.After = "the unverified account was replaced: new name and password; earlier links void"
		}
		if err != nil {
			return err
		}
		if err := tx.CreateEmailToken(ctx, digest, id, PurposeVerify, now.Add(VerifyLinkTTL)); err != nil {
			return err
		}
		if err := notify.Enqueue(ctx, tx, email, notify.VerifyAddress{Name: in.Name, Link: a.link("/verify", token),
			Hours: int(VerifyLinkTTL.Hours()), Days: int(UnverifiedAccountTTL.Hours() / 24)}, now); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, entry)
		return err
	})
}

// accountExistsNotice tells the owner of a verified account that someone
// tried to sign up with their address, in the sign-up's transaction.
func (a *Accounts) accountExistsNotice(ctx context.Context, tx Tx, id int64, email string, now time.Time) error {
	if err := notify.Enqueue(ctx, tx, email, notify.SignUpWithYourAddress{SignIn: a.link("/login", ""), Reset: a.link("/password-reset", "")}, now); err != nil {
		return err
	}
	who := fmt.Sprintf("user/%d", id)
	_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "anonymous", Action: "account.sign_up_existing", Subject: who,
		After: "a sign-up with the address of this account: the owner was mailed a notice; nothing changed"})
	return err
}

// ErrVerifyPassword refuses a verification whose password is not the one
// of the latest sign-up with the address.
var ErrVerifyPassword = Refusal(certboard.Forbidden, "Password not right", "password",
	"This password does not match the latest sign-up with this address. If someone else signed up with your address after you, "+
		"sign up again: only the newest link, with the password given last, works.")

// VerifyEmail marks an address verified with the token mailed to it and
// the password of the sign-up that token belongs to, sent from the client
// network network. A sign-up with the address of an unverified account
// replaces that account (SignUp), so the link alone must not verify:
// whoever opens the newest link would verify the address with the password
// of whoever signed up last. With the password, a link verifies only the
// sign-up of the person who chose that password.
//
// The attempt is charged to the network's token counter first (as every
// mailed link is, see redeemToken); then the token is looked up without
// using it, and the password checked against the account's hash in a
// hashing slot (ErrHashBusy, and the charge taken back, when none is
// free). An unknown, used or expired token is ErrNotFound and a wrong
// password ErrVerifyPassword: both stay counted, and the token stays
// unused. When both are right the token is used and the address marked
// verified in one transaction, provided the password did not change
// meanwhile.
func (a *Accounts) VerifyEmail(ctx context.Context, network, token, password string) error {
	charge := tokenCharge(network)
	if err := a.charge(ctx, StepToken, charge); err != nil {
		return err
	}
	u, err := a.store.EmailTokenUser(ctx, Digest(token), PurposeVerify, a.now())
	if errors.Is(err, ErrNotFound) {
		a.counted(StepToken, "wrong")
		return err
	}
	if err != nil {
		a.refund(ctx, charge)
		return err
	}
	release, free := a.hashSlot()
	if !free {
		a.refund(ctx, charge)
		a.counted(StepToken, "busy")
		return ErrHashBusy
	}
	ok, _, verr := Verify(u.PasswordHash, password, DefaultParams)
	release()
	if verr != nil {
		a.log.Error("unreadable password hash", "user", u.ID, "error", verr)
	}
	if !ok || verr != nil {
		a.counted(StepToken, "wrong")
		return ErrVerifyPassword
	}
	err = a.useToken(ctx, token, PurposeVerify, "account.verify_email", func(ctx context.Context, tx Tx, id int64, now time.Time) error {
		if id != u.ID {
			return ErrVerifyPassword // cannot happen: a token names one account
		}
		if err := tx.MarkEmailVerifiedWithHash(ctx, id, u.PasswordHash, now); errors.Is(err, ErrConflict) {
			return ErrVerifyPassword // signed up again, or reset, meanwhile
		} else if err != nil {
			return err
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrNotFound) || err == ErrVerifyPassword:
		a.counted(StepToken, "wrong")
		return err
	case err == nil:
		a.counted(StepToken, "right")
	}
	a.refund(ctx, charge)
	return err
}

// redeemToken consumes a token sent by e-mail and applies its effect in one
// transaction with the audit entry. An unknown, used or expired token is
// ErrNotFound. Each attempt is first charged to the client network's
// counter (TokenThrottle), which may refuse it (a Refusal) before anything
// is checked; a wrong token stays counted, a right one is taken back.
// prepare, when not nil, runs once the attempt is admitted, before the
// transaction (hashing a new password); when it fails nothing was checked
// and the charge is taken back too.
func (a *Accounts) redeemToken(ctx context.Context, network, token, purpose, action string, prepare func() error,
	apply func(ctx context.Context, tx Tx, userID int64, now time.Time) error) error {
	charge := tokenCharge(network)
	if err := a.charge(ctx, StepToken, charge); err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			a.refund(ctx, charge)
			return err
		}
	}
	err := a.useToken(ctx, token, purpose, action, apply)
	if errors.Is(err, ErrNotFound) {
		a.counted(StepToken, "wrong")
		return err
	}
	if err == nil {
		a.counted(StepToken, "right")
	}
	a.refund(ctx, charge)
	return err
}

// useToken is redeemToken's transaction.
func (a *Accounts) useToken(ctx context.Context, token, purpose, action string,
	apply func(ctx context.Context, tx Tx, userID int64, now time.Time) error) error {
	now := a.now()
	return a.inTx(ctx, func(tx Tx) error {
		id, err := tx.UseEmailToken(ctx, Digest(token), purpose, now)
		if err != nil {
			return err
		}
		if err := apply(ctx, tx, id, now); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, userEntry(now, id, action))
		return err
	})
}

// RequestReset queues a password-reset link for the account of an
// address, if there is one and the address's mail quota allows; an unknown
// address or a spent quota is not an error, so callers answer the same
// whatever happened.
func (a *Accounts) RequestReset(ctx context.Context, email string) error {
	now := a.now()
	u, err := a.store.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, digest, err := NewToken()
	if err != nil {
		return err
	}
	return a.inTx(ctx, func(tx Tx) error {
		if ok, err := a.takeMailQuota(ctx, tx, u.Email, "password reset", now); err != nil || !ok {
			return err
		}
		if err := tx.CreateEmailToken(ctx, digest, u.ID, PurposeReset, now.Add(ResetLinkTTL)); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.ResetPassword{Link: a.link("/password-reset/confirm", token), Minutes: int(ResetLinkTTL.Minutes())}, now)
	})
}

// ResetPassword sets a new (already checked) password with a reset token,
// sent from the client network network; every session of the account ends
// and every failure counter of the account is cleared (its owner proved
// who they are). The hash is made in a hashing slot: when none is free the
// answer is ErrHashBusy and the token is left unused.
func (a *Accounts) ResetPassword(ctx context.Context, network, token, password string) error {
	var hash string
	return a.redeemToken(ctx, network, token, PurposeReset, "account.reset_password",
		func() (err error) {
			hash, err = a.hashPassword(password)
			return err
		},
		func(ctx context.Context, tx Tx, id int64, _ time.Time) error {
			if err := tx.SetPassword(ctx, id, hash); err != nil {
				return err
			}
			return tx.ClearAccountThrottles(ctx, id)
		})
}

// Sweep is the daily account sweep, run as the job jobID by actor: in one
// transaction it deletes the sign-ups never verified within
// UnverifiedAccountTTL, each audited, forgets the mail quotas of ended
// windows and marks the job finished (jobs.Done, or jobs.Skipped when
// there was nothing to do), so that a sweep whose job another runner
// finished first leaves nothing behind.
func (a *Accounts) Sweep(ctx context.Context, jobID int64, actor string, now time.Time) error {
	return a.inTx(ctx, func(tx Tx) error {
		did, err := sweep(ctx, tx, actor, now)
		if err != nil {
			return err
		}
		outcome := jobs.Skipped
		if did {
			outcome = jobs.Done
		}
		return tx.FinishJob(ctx, jobID, outcome, now)
	})
}

// sweep is the work of Sweep, in tx; it reports whether there was any.
func sweep(ctx context.Context, tx Tx, actor string, now time.Time) (bool, error) {
	ids, err := tx.DeleteUnverifiedUsers(ctx, now.Add(-UnverifiedAccountTTL))
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		who := fmt.Sprintf("user/%d", id)
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: actor, Action: "account.expire_unverified", Subject: who,
			Before: "unverified", After: fmt.Sprintf("deleted: not verified within %d days of signing up", int(UnverifiedAccountTTL.Hours()/24))}); err != nil {
			return false, err
		}
	}
	swept, err := tx.SweepMailQuota(ctx, now.Add(-MailQuotaWindow))
	if err != nil {
		return false, err
	}
	return len(ids) > 0 || swept > 0, nil
}
