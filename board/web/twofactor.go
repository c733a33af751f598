package web

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/notify"
)

// TOTPIssuer names the board in authenticator apps.
const TOTPIssuer = "certboard"

// twoFactorRoutes registers two-factor sign-in and its settings.
func (s *Server) twoFactorRoutes() {
	s.route("GET /login/two-factor", Public, http.HandlerFunc(s.twoFactorLoginPage))
	s.route("POST /login/two-factor", Public, http.HandlerFunc(s.twoFactorLoginSubmit))
	s.route("GET /account/two-factor", Authenticated, http.HandlerFunc(s.twoFactorPage))
	s.route("POST /account/two-factor/setup", Authenticated, http.HandlerFunc(s.twoFactorSetup))
	s.route("POST /account/two-factor/confirm", Authenticated, http.HandlerFunc(s.twoFactorConfirm))
	s.route("POST /account/two-factor/disable", Authenticated, http.HandlerFunc(s.twoFactorDisable))
	s.route("POST /account/two-factor/recovery-codes", Authenticated, http.HandlerFunc(s.twoFactorRenewCodes))
}

// Refusals of a second-factor code.
var (
	errWrongCode = refusedStep(certboard.Unauthorized, "Code not right", "code",
		"This code is not right: type the 6-digit code your authenticator app shows now, or one of your unused recovery codes.")
	errReusedCode = refusedStep(certboard.Unauthorized, "Code already used", "code",
		"This code was already used; wait until your app shows the next one (at most 30 seconds) and type that.")
	errAppCodeOnly = refusedStep(certboard.Unauthorized, "Code from your app needed", "code",
		"Type the 6-digit code your authenticator app shows now; a recovery code cannot be used to make new recovery codes.")
)

// RecoveryCodesLow is how few unused recovery codes make the two-factor
// page warn that it is time to make new ones.
const RecoveryCodesLow = 3

// secondFactor checks a code of u: a TOTP code from the authenticator app,
// refused when its time step (or a later one) was already used, or an
// unused recovery code. When it is right it is spent, and then(tx, how)
// runs in the same transaction, how being "totp" or "recovery code"; a
// recovery code's use is audited. Every code is first charged to the
// account's counter of codes (codeThrottle; a known device has its own),
// which may refuse it with a wait before it is checked; a right code
// clears that counter, a wrong one stays counted and counts toward telling
// the owner. A refusal is a refusedStep.
func (s *Server) secondFactor(ctx context.Context, u *boardsql.User, code string, cl signInClient, then func(tx *boardsql.Tx, how string) error) error {
	return s.checkSecondFactor(ctx, u, code, cl, true, then)
}

// appCode is secondFactor for a TOTP code from the app only: a recovery
// code is refused (and counts as a wrong code). It guards what a stolen
// recovery code must not do, such as making new recovery codes.
func (s *Server) appCode(ctx context.Context, u *boardsql.User, code string, cl signInClient, then func(tx *boardsql.Tx) error) error {
	return s.checkSecondFactor(ctx, u, code, cl, false, func(tx *boardsql.Tx, _ string) error { return then(tx) })
}

// checkSecondFactor is secondFactor, taking recovery codes only when
// recovery is true.
func (s *Server) checkSecondFactor(ctx context.Context, u *boardsql.User, code string, cl signInClient, recovery bool, then func(tx *boardsql.Tx, how string) error) error {
	charge := codeCharge(u, cl)
	if err := s.charge(ctx, stepCode, charge); err != nil {
		return err
	}
	now := s.now()
	st, err := s.cfg.Store.TOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	var refusal *certboard.Error
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		how := "totp"
		if auth.LooksLikeTOTP(code) {
			if st.EnabledAt.IsZero() || st.Secret == "" {
				refusal = errWrongCode
				return refusal
			}
			step, ok := auth.CheckTOTP(st.Secret, code, now, st.LastStep)
			if !ok {
				refusal = errWrongCode
				if _, old := auth.CheckTOTP(st.Secret, code, now, math.MinInt64); old {
					refusal = errReusedCode
				}
				return refusal
			}
			if err := s.cfg.Store.UseTOTPStep(ctx, tx, u.ID, step); errors.Is(err, boardsql.ErrConflict) {
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
			err := s.cfg.Store.UseRecoveryCode(ctx, tx, u.ID, auth.Digest(auth.NormalizeRecoveryCode(code)), now)
			if errors.Is(err, boardsql.ErrNotFound) {
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
		if err := s.cfg.Store.ClearThrottle(ctx, tx, charge.ThrottleKey); err != nil {
			return err
		}
		return then(tx, how)
	})
	switch {
	case refusal != nil:
		s.counted(stepCode, "wrong")
		if err := s.countFailure(ctx, u.Email, u, cl.Network); err != nil {
			return err
		}
	case err == nil:
		s.counted(stepCode, "right")
	default:
		// The code was right but its transaction failed (the pending
		// sign-in ended meanwhile, say): not a wrong guess.
		s.refund(ctx, charge)
	}
	return err
}

// twoFactorLoginPage asks for the second factor of a sign-in whose
// password was right.
func (s *Server) twoFactorLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if userFrom(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if pendingFrom(r) == nil {
		redirect(w, r, "/login?next="+url.QueryEscape(next), "!Sign in with your e-mail address and password first.")
		return
	}
	s.render(w, r, http.StatusOK, "login_two_factor", page{Title: "Two-factor sign-in", Form: url.Values{"next": {next}}})
}

// twoFactorLoginSubmit checks the second factor and, when it is right,
// replaces the pending session with a fresh, signed-in one.
func (s *Server) twoFactorLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	form := url.Values{"next": {next}}
	p := pendingFrom(r)
	if p == nil {
		redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your sign-in waited too long for its code, or was ended; sign in again.")
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" {
		s.render(w, r, http.StatusUnprocessableEntity, "login_two_factor", page{Title: "Two-factor sign-in", Form: form,
			Errors: map[string]string{"code": "Type the 6-digit code your authenticator app shows, or a recovery code."}})
		return
	}
	ctx := r.Context()
	token, ss, err := s.newSession(r, p.User, false)
	if err != nil {
		s.internal(w, err)
		return
	}
	cl, err := s.clientFor(ctx, r, p.User)
	if err != nil {
		s.internal(w, err)
		return
	}
	var device string
	err = s.secondFactor(ctx, p.User, code, cl, func(tx *boardsql.Tx, how string) error {
		if err := s.cfg.Store.ReplaceSession(ctx, tx, p.Session.Digest, ss); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, signInEntry(ss.CreatedAt, p.User.ID, how)); err != nil {
			return err
		}
		t, err := s.rememberDevice(ctx, tx, r, p.User, cl)
		device = t
		return err
	})
	switch se := signInRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		s.render(w, r, refusalStatus(se), "login_two_factor", page{Title: "Two-factor sign-in", Form: form, Errors: map[string]string{se.Field: se.Message}})
		return
	case errors.Is(err, boardsql.ErrNotFound):
		redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your sign-in waited too long for its code; sign in again.")
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	setSessionCookie(w, token, SessionMax)
	setDeviceCookie(w, device)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// twoFactorView is what the two-factor settings page shows.
type twoFactorView struct {
	// Required: the account must have two-factor sign-in (staff, admins
	// and regulators), or the user was sent here to turn it on.
	Required bool
	Enabled  bool
	Since    time.Time
	// MustKeep: staff, admins and regulators cannot turn it off.
	MustKeep bool
	// A setup in progress: the secret, in groups, as a URI and a QR code.
	Pending bool
	Secret  string
	URI     string
	QR      template.URL
	// RecoveryCodes are shown once, right after two-factor is turned on
	// or after new ones were made (Renewed).
	RecoveryCodes []string
	Renewed       bool
	RecoveryLeft  int
}

// LowOnCodes reports whether so few recovery codes are left that the page
// should suggest making new ones.
func (v *twoFactorView) LowOnCodes() bool { return v.Enabled && v.RecoveryLeft <= RecoveryCodesLow }

// RecoveryTotal is how many recovery codes a full set has.
func (v *twoFactorView) RecoveryTotal() int { return auth.RecoveryCodes }

// twoFactorData reads the settings of the signed-in user for the page.
func (s *Server) twoFactorData(r *http.Request, u *boardsql.User) (*twoFactorView, error) {
	st, err := s.cfg.Store.TOTP(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	v := &twoFactorView{Required: r.URL.Query().Get("required") == "1" || needsTwoFactor(u), Enabled: u.TwoFactor(), Since: u.TOTPEnabledAt, MustKeep: needsTwoFactor(u)}
	if v.Enabled {
		if v.RecoveryLeft, err = s.cfg.Store.RecoveryCodesLeft(r.Context(), u.ID); err != nil {
			return nil, err
		}
		return v, nil
	}
	if st.Pending() {
		v.Pending, v.Secret, v.URI = true, auth.GroupSecret(st.Secret), auth.TOTPURI(st.Secret, TOTPIssuer, u.Email)
		// A QR code is a convenience: without one the secret and the URI
		// are shown anyway.
		if png, err := qrcode.Encode(v.URI, qrcode.Medium, 240); err == nil {
			v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		} else {
			s.cfg.Log.Warn("drawing the two-factor QR code", "error", err)
		}
	}
	return v, nil
}

// renderTwoFactor shows the settings page with a status, errors and, once,
// recovery codes.
func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, codes []string) {
	s.renderTwoFactorView(w, r, status, errs, func(v *twoFactorView) { v.RecoveryCodes = codes })
}

// renderTwoFactorView shows the settings page after set changes what it
// shows.
func (s *Server) renderTwoFactorView(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, set func(*twoFactorView)) {
	v, err := s.twoFactorData(r, userFrom(r))
	if err != nil {
		s.internal(w, err)
		return
	}
	set(v)
	s.render(w, r, status, "two_factor", page{Title: "Two-factor sign-in", Data: v, Errors: errs})
}

// twoFactorPage shows the two-factor settings.
func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) {
	s.renderTwoFactor(w, r, http.StatusOK, nil, nil)
}

// twoFactorSetup starts (or starts over) a setup with a new secret. Like
// turning it on (twoFactorConfirm), it needs a sign-in or a confirmation
// within ReauthWindow, asked for here so that the person confirms before
// adding the key to their app rather than after.
func (s *Server) twoFactorSetup(w http.ResponseWriter, r *http.Request) {
	u, ctx := userFrom(r), r.Context()
	if u.TwoFactor() {
		redirect(w, r, "/account/two-factor", "Two-factor sign-in is already on.")
		return
	}
	if !s.confirmedOrSent(w, r, "/account/two-factor") {
		return
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		s.internal(w, err)
		return
	}
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.BeginTOTP(ctx, tx, u.ID, secret); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, userEntry(s.now(), u.ID, "account.two_factor_setup"))
		return err
	})
	if errors.Is(err, boardsql.ErrConflict) {
		redirect(w, r, "/account/two-factor", "Two-factor sign-in is already on.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/account/two-factor", "Add the key to your authenticator app, then type the code it shows.")
}

// twoFactorConfirm turns two-factor sign-in on when the code proves the
// app holds the secret, and shows the recovery codes once. Turning it on
// locks out whoever lacks the app, so like turning it off it needs a
// sign-in or a confirmation within ReauthWindow (a stolen session alone
// must not lock the owner out), and the owner is mailed in the same
// transaction.
func (s *Server) twoFactorConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, ctx := userFrom(r), r.Context()
	st, err := s.cfg.Store.TOTP(ctx, u.ID)
	if err != nil {
		s.internal(w, err)
		return
	}
	if !st.Pending() {
		redirect(w, r, "/account/two-factor", "!Start the setup first.")
		return
	}
	if !s.confirmedOrSent(w, r, "/account/two-factor") {
		return
	}
	now := s.now()
	step, ok := auth.CheckTOTP(st.Secret, r.PostForm.Get("code"), now, st.LastStep)
	if !ok {
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, map[string]string{
			"code": "This code does not match the key: check that your device's clock is right and type the code your app shows now."}, nil)
		return
	}
	codes, digests, err := newRecoveryCodes()
	if err != nil {
		s.internal(w, err)
		return
	}
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.ConfirmTOTP(ctx, tx, u.ID, step, digests, now); err != nil {
			return err
		}
		// Sessions that signed in with the password alone end here: from
		// now on every session of this account has shown a second factor
		// (this one just did, with the confirming code).
		if ss := sessionFrom(r); ss != nil {
			if _, err := s.cfg.Store.EndOtherSessions(ctx, tx, u.ID, ss.Digest); err != nil {
				return err
			}
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.two_factor_on")); err != nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.TwoFactorOn{At: now, Reset: s.link("/password-reset", "")}, now)
	})
	if errors.Is(err, boardsql.ErrConflict) {
		redirect(w, r, "/account/two-factor", "!The setup changed meanwhile (another tab?); look at the page again.")
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	// The page is drawn for the user as they are now.
	u.TOTPEnabledAt = now
	s.renderTwoFactor(w, r, http.StatusOK, nil, codes)
}

// twoFactorDisable turns two-factor sign-in off; staff, admins and
// regulators must keep it. Like every sensitive change it needs a sign-in
// or a confirmation (the password and a current app code) within
// ReauthWindow; without one the browser is sent to confirm first. The
// owner is mailed.
func (s *Server) twoFactorDisable(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, ctx, now := userFrom(r), r.Context(), s.now()
	if needsTwoFactor(u) {
		s.fail(w, r, http.StatusForbidden, "Two-factor sign-in must stay on", "Board staff, admins and regulators must keep two-factor sign-in on.")
		return
	}
	if !u.TwoFactor() {
		redirect(w, r, "/account/two-factor", "Two-factor sign-in is already off.")
		return
	}
	if !s.confirmedOrSent(w, r, "/account/two-factor") {
		return
	}
	err := s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.DisableTOTP(ctx, tx, u.ID); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.two_factor_off")); err != nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.TwoFactorOff{At: now, Settings: s.link("/account/two-factor", "")}, now)
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	redirect(w, r, "/account/two-factor", "Two-factor sign-in is off.")
}

// newRecoveryCodes makes a full set of recovery codes: the codes to show
// once, and the digests to store.
func newRecoveryCodes() (codes, digests []string, err error) {
	codes, err = auth.NewRecoveryCodes(auth.RecoveryCodes)
	if err != nil {
		return nil, nil, err
	}
	digests = make([]string, len(codes))
	for i, c := range codes {
		digests[i] = auth.Digest(auth.NormalizeRecoveryCode(c))
	}
	return codes, digests, nil
}

// twoFactorRenewCodes replaces all recovery codes of a user with two-factor
// sign-in on, in one transaction that also audits the change and mails the
// user; the new codes are shown once. Like every sensitive change it needs
// a sign-in or a confirmation within ReauthWindow (a confirmation takes the
// password and a code from the app, never a recovery code).
func (s *Server) twoFactorRenewCodes(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u, ctx, now := userFrom(r), r.Context(), s.now()
	if !u.TwoFactor() {
		redirect(w, r, "/account/two-factor", "!Two-factor sign-in is off, so there are no recovery codes to replace; turn it on first.")
		return
	}
	if !s.confirmedOrSent(w, r, "/account/two-factor") {
		return
	}
	codes, digests, err := newRecoveryCodes()
	if err != nil {
		s.internal(w, err)
		return
	}
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if err := s.cfg.Store.RenewRecoveryCodes(ctx, tx, u.ID, digests, now); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, userEntry(now, u.ID, "account.recovery_codes_new")); err != nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.RecoveryCodesRenewed{At: now, Settings: s.link("/account/two-factor", "")}, now)
	})
	switch {
	case errors.Is(err, boardsql.ErrConflict):
		redirect(w, r, "/account/two-factor", "!Two-factor sign-in was turned off meanwhile (another tab?); no recovery codes were made.")
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	s.renderTwoFactorView(w, r, http.StatusOK, nil, func(v *twoFactorView) { v.RecoveryCodes, v.Renewed = codes, true })
}
