package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
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
func (s *Server) takeMailQuota(ctx context.Context, tx *boardsql.Tx, addr, kind string, now time.Time) (bool, error) {
	ok, err := s.cfg.Store.TakeMailQuota(ctx, tx, addr, now, MailQuotaWindow, MailsPerRecipient)
	if err == nil && !ok {
		s.cfg.Log.Warn("mail not sent: the recipient's quota is spent", "mail", kind, "quota", MailsPerRecipient, "window", MailQuotaWindow)
	}
	return ok, err
}

// decodeJSON reads a small JSON object strictly into v; on failure it has
// already answered 400 with what to fix.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, fields string) bool {
	return decodeBody(w, r, v, fields, 8192)
}

// inTx runs f in a transaction and commits when it returns nil (see
// boardsql.InTx). f must not start another transaction.
func (s *Server) inTx(ctx context.Context, f func(tx *boardsql.Tx) error) error {
	return s.cfg.Store.InTx(ctx, f)
}

// queueMail renders a mail and puts it in the outbox inside tx, so that it
// is sent exactly when the change it tells of commits.
func queueMail(ctx context.Context, tx *boardsql.Tx, to string, m notify.Mail, now time.Time) error {
	msg, err := notify.Render(to, m)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueMail(ctx, boardsql.Mail{To: msg.To, Subject: msg.Subject, Body: msg.Body, CreatedAt: now})
	return err
}

// link returns an absolute link to path with a token.
func (s *Server) link(path, token string) string {
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	if token == "" {
		return base + path
	}
	return base + path + "?token=" + token
}

// fieldProblem is what is wrong with one input, in words a person can act
// on; the JSON API shows it as "field: message", a form next to the field.
type fieldProblem struct {
	Field, Message string
}

func (p fieldProblem) String() string { return p.Field + ": " + p.Message }

// passwordProblem checks a new password against the policy.
func passwordProblem(password, email string) *fieldProblem {
	if err := auth.CheckPassword(password, email); err != nil {
		return &fieldProblem{"password", strings.TrimPrefix(err.Error(), "password: ")}
	}
	return nil
}

// signUpInput is what a sign-up gives, from the API or the form.
type signUpInput struct {
	Email, Name, Password string
}

// problems lists what is wrong with a sign-up, field by field in form
// order; it trims the e-mail address and the name.
func (in *signUpInput) problems() []fieldProblem {
	in.Email, in.Name = strings.TrimSpace(in.Email), strings.TrimSpace(in.Name)
	var out []fieldProblem
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || !strings.Contains(in.Email, "@") {
		out = append(out, fieldProblem{"email", "give an e-mail address such as name@example.org"})
	}
	if in.Name == "" || len(in.Name) > 200 {
		out = append(out, fieldProblem{"name", "give your full name (at most 200 characters)"})
	}
	if p := passwordProblem(in.Password, in.Email); p != nil {
		out = append(out, *p)
	}
	return out
}

// signUp creates an unverified account and mails a verification link. For
// an address that already has an account it answers the same and mails the
// owner instead, so that sign-up does not reveal who has an account.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "email, name and password") {
		return
	}
	su := signUpInput{Email: in.Email, Name: in.Name, Password: in.Password}
	if ps := su.problems(); len(ps) > 0 {
		problem(w, http.StatusBadRequest, "Invalid request", ps[0].String())
		return
	}
	if err := s.createAccount(r.Context(), su); s.signInFailed(w, err) {
		return
	}
	writeJSONStatus(w, http.StatusAccepted, map[string]string{"status": "check your e-mail: we sent a link to verify the address"})
}

// createAccount does a valid sign-up, in one transaction with its mail and
// audit entry:
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
// errHashBusy and nothing is created.
func (s *Server) createAccount(ctx context.Context, in signUpInput) error {
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return err
	}
	now := s.now()
	token, digest, err := auth.NewToken()
	if err != nil {
		return err
	}
	email := strings.ToLower(in.Email)
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if ok, err := s.takeMailQuota(ctx, tx, email, "sign-up", now); err != nil || !ok {
			return err
		}
		u := boardsql.User{Email: email, Name: in.Name, PasswordHash: hash, Roles: []auth.Role{auth.Applicant}, CreatedAt: now}
		id, err := s.cfg.Store.CreateUserIn(ctx, tx, u)
		entry := userEntry(now, id, "account.sign_up")
		if errors.Is(err, boardsql.ErrConflict) {
			var replaced bool
			if id, replaced, err = tx.ReplaceUnverifiedUser(ctx, u); err != nil {
				return err
			}
			if !replaced {
				return s.accountExistsNotice(ctx, tx, id, email, now)
			}
			entry = userEntry(now, id, "account.sign_up_again")
			entry.After = "the unverified account was replaced: new name and password; earlier links void"
		}
		if err != nil {
			return err
		}
		if err := s.cfg.Store.CreateEmailToken(ctx, tx, digest, id, boardsql.PurposeVerify, now.Add(VerifyLinkTTL)); err != nil {
			return err
		}
		if err := queueMail(ctx, tx, email, notify.VerifyAddress{Name: in.Name, Link: s.link("/verify", token),
			Hours: int(VerifyLinkTTL.Hours()), Days: int(UnverifiedAccountTTL.Hours() / 24)}, now); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, entry)
		return err
	})
}

// accountExistsNotice tells the owner of a verified account that someone
// tried to sign up with their address, in the sign-up's transaction.
func (s *Server) accountExistsNotice(ctx context.Context, tx *boardsql.Tx, id int64, email string, now time.Time) error {
	if err := queueMail(ctx, tx, email, notify.SignUpWithYourAddress{SignIn: s.link("/login", ""), Reset: s.link("/password-reset", "")}, now); err != nil {
		return err
	}
	who := fmt.Sprintf("user/%d", id)
	_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "anonymous", Action: "account.sign_up_existing", Subject: who,
		After: "a sign-up with the address of this account: the owner was mailed a notice; nothing changed"})
	return err
}

// verifyEmail consumes a verification token, given with the password of
// the sign-up it verifies.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "token and password") {
		return
	}
	if in.Password == "" {
		problem(w, http.StatusBadRequest, "Invalid request", "password: give the password you chose when you signed up")
		return
	}
	err := s.redeemVerify(r.Context(), limitKey(r), in.Token, in.Password)
	if err == errVerifyPassword {
		answerRefusal(w, errVerifyPassword, "password")
		return
	}
	s.redeem(w, r, err, "sign up again to get a new one", "e-mail address verified; you can sign in")
}

// errVerifyPassword refuses a verification whose password is not the one
// of the latest sign-up with the address.
var errVerifyPassword = refusedStep(certboard.Forbidden, "Password not right", "password",
	"This password does not match the latest sign-up with this address. If someone else signed up with your address after you, "+
		"sign up again: only the newest link, with the password given last, works.")

// redeemVerify marks an address verified with the token mailed to it and
// the password of the sign-up that token belongs to, sent from the client
// network network. A sign-up with the address of an unverified account
// replaces that account (createAccount), so the link alone must not
// verify: whoever opens the newest link would verify the address with the
// password of whoever signed up last. With the password, a link verifies
// only the sign-up of the person who chose that password.
//
// The attempt is charged to the network's token counter first (as every
// mailed link is, see redeemToken); then the token is looked up without
// using it, and the password checked against the account's hash in a
// hashing slot (errHashBusy, and the charge taken back, when none is
// free). An unknown, used or expired token is boardsql.ErrNotFound and a
// wrong password errVerifyPassword: both stay counted, and the token stays
// unused. When both are right the token is used and the address marked
// verified in one transaction, provided the password did not change
// meanwhile.
func (s *Server) redeemVerify(ctx context.Context, network, token, password string) error {
	charge := tokenCharge(network)
	if err := s.charge(ctx, stepToken, charge); err != nil {
		return err
	}
	u, err := s.cfg.Store.EmailTokenUser(ctx, auth.Digest(token), boardsql.PurposeVerify, s.now())
	if errors.Is(err, boardsql.ErrNotFound) {
		s.counted(stepToken, "wrong")
		return err
	}
	if err != nil {
		s.refund(ctx, charge)
		return err
	}
	release, free := s.hashSlot()
	if !free {
		s.refund(ctx, charge)
		s.counted(stepToken, "busy")
		return errHashBusy
	}
	ok, _, verr := auth.Verify(u.PasswordHash, password, auth.DefaultParams)
	release()
	if verr != nil {
		s.cfg.Log.Error("unreadable password hash", "user", u.ID, "error", verr)
	}
	if !ok || verr != nil {
		s.counted(stepToken, "wrong")
		return errVerifyPassword
	}
	err = s.useToken(ctx, token, boardsql.PurposeVerify, "account.verify_email",
		func(ctx context.Context, tx *boardsql.Tx, id int64, now time.Time) error {
			if id != u.ID {
				return errVerifyPassword // cannot happen: a token names one account
			}
			if err := s.cfg.Store.MarkEmailVerifiedWithHash(ctx, tx, id, u.PasswordHash, now); errors.Is(err, boardsql.ErrConflict) {
				return errVerifyPassword // signed up again, or reset, meanwhile
			} else if err != nil {
				return err
			}
			return nil
		})
	switch {
	case errors.Is(err, boardsql.ErrNotFound) || err == errVerifyPassword:
		s.counted(stepToken, "wrong")
		return err
	case err == nil:
		s.counted(stepToken, "right")
	}
	s.refund(ctx, charge)
	return err
}

// redeem answers the outcome of redeeming a token sent by e-mail: an
// unknown, used or expired token gets a 400 that says how to get a new one;
// a throttled attempt 429 with when to try again.
func (s *Server) redeem(w http.ResponseWriter, r *http.Request, err error, renew, done string) {
	switch se := signInRefusal(err); {
	case se != nil:
		answerRefusal(w, se, "")
	case errors.Is(err, boardsql.ErrNotFound):
		problem(w, http.StatusBadRequest, "Link not valid", "token: this link is unknown, used or expired; "+renew)
	case err != nil:
		s.internal(w, err)
	default:
		writeJSON(w, map[string]string{"status": done})
	}
}

// redeemToken consumes a token sent by e-mail and applies its effect in one
// transaction with the audit entry. An unknown, used or expired token is
// boardsql.ErrNotFound. Each attempt is first charged to the client network's
// counter (tokenThrottle), which may refuse it (a refusedStep) before
// anything is checked; a wrong token stays counted, a right one is taken
// back. prepare, when not nil, runs once the attempt is admitted, before
// the transaction (hashing a new password); when it fails nothing was
// checked and the charge is taken back too.
func (s *Server) redeemToken(ctx context.Context, network, token, purpose, action string, prepare func() error,
	apply func(ctx context.Context, tx *boardsql.Tx, userID int64, now time.Time) error) error {
	charge := tokenCharge(network)
	if err := s.charge(ctx, stepToken, charge); err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			s.refund(ctx, charge)
			return err
		}
	}
	err := s.useToken(ctx, token, purpose, action, apply)
	if errors.Is(err, boardsql.ErrNotFound) {
		s.counted(stepToken, "wrong")
		return err
	}
	if err == nil {
		s.counted(stepToken, "right")
	}
	s.refund(ctx, charge)
	return err
}

// useToken is redeemToken's transaction.
func (s *Server) useToken(ctx context.Context, token, purpose, action string,
	apply func(ctx context.Context, tx *boardsql.Tx, userID int64, now time.Time) error) error {
	now := s.now()
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		id, err := tx.UseEmailToken(ctx, auth.Digest(token), purpose, now)
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

// userEntry is an audit entry for something users do to their own account.
func userEntry(at time.Time, id int64, action string) audit.Entry {
	who := fmt.Sprintf("user/%d", id)
	return audit.Entry{At: at, Actor: who, Action: action, Subject: who}
}

// requestReset mails a password-reset link when the address has an
// account, and answers the same either way.
func (s *Server) requestReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !decodeJSON(w, r, &in, "email") {
		return
	}
	if err := s.sendResetLink(r.Context(), in.Email); err != nil {
		s.internal(w, err)
		return
	}
	writeJSONStatus(w, http.StatusAccepted, map[string]string{"status": "if the address has an account, a reset link is on its way"})
}

// sendResetLink queues a password-reset link for the account of an
// address, if there is one and the address's mail quota allows; an unknown
// address or a spent quota is not an error, so callers answer the same
// whatever happened.
func (s *Server) sendResetLink(ctx context.Context, email string) error {
	now := s.now()
	u, err := s.cfg.Store.UserByEmail(ctx, email)
	if errors.Is(err, boardsql.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		if ok, err := s.takeMailQuota(ctx, tx, u.Email, "password reset", now); err != nil || !ok {
			return err
		}
		if err := s.cfg.Store.CreateEmailToken(ctx, tx, digest, u.ID, boardsql.PurposeReset, now.Add(ResetLinkTTL)); err != nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.ResetPassword{Link: s.link("/password-reset/confirm", token), Minutes: int(ResetLinkTTL.Minutes())}, now)
	})
}

// confirmReset sets a new password with a reset token and ends every session.
func (s *Server) confirmReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "token and password") {
		return
	}
	if p := passwordProblem(in.Password, ""); p != nil {
		problem(w, http.StatusBadRequest, "Invalid request", p.String())
		return
	}
	s.redeem(w, r, s.redeemReset(r.Context(), limitKey(r), in.Token, in.Password), "ask for a new one",
		"password changed; every session was ended, sign in again")
}

// redeemReset sets a new (already checked) password with a reset token,
// sent from the client network network; every session of the account ends
// and every failure counter of the account is cleared (its owner proved
// who they are). The hash is made in a hashing slot: when none is free the
// answer is errHashBusy and the token is left unused.
func (s *Server) redeemReset(ctx context.Context, network, token, password string) error {
	var hash string
	return s.redeemToken(ctx, network, token, boardsql.PurposeReset, "account.reset_password",
		func() (err error) {
			hash, err = s.hashPassword(password)
			return err
		},
		func(ctx context.Context, tx *boardsql.Tx, id int64, _ time.Time) error {
			if err := s.cfg.Store.SetPassword(ctx, tx, id, hash); err != nil {
				return err
			}
			return s.cfg.Store.ClearAccountThrottles(ctx, tx, id)
		})
}

// jobAccountSweep deletes, once a day, the sign-ups never verified within
// UnverifiedAccountTTL, and forgets the mail quotas of ended windows.
const jobAccountSweep = "accounts.sweep"

// accountSweep is the daily account sweep, in the job's transaction: each
// deleted account is audited.
func (s *Server) accountSweep(ctx context.Context, tx *boardsql.Tx, now time.Time) (string, error) {
	ids, err := tx.DeleteUnverifiedUsers(ctx, now.Add(-UnverifiedAccountTTL))
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		who := fmt.Sprintf("user/%d", id)
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: lifecycleActor, Action: "account.expire_unverified", Subject: who,
			Before: "unverified", After: fmt.Sprintf("deleted: not verified within %d days of signing up", int(UnverifiedAccountTTL.Hours()/24))}); err != nil {
			return "", err
		}
	}
	swept, err := s.cfg.Store.SweepMailQuota(ctx, tx, now.Add(-MailQuotaWindow))
	if err != nil {
		return "", err
	}
	if len(ids) == 0 && swept == 0 {
		return boardsql.JobSkipped, nil
	}
	return boardsql.JobDone, nil
}
