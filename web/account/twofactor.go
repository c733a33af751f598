package account

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// RecoveryCodesLow is how few unused recovery codes make the two-factor
// page warn that it is time to make new ones.
const RecoveryCodesLow = 3

// twoFactorLoginPage asks for the second factor of a sign-in whose
// password was right.
func (h *Handlers) twoFactorLoginPage(w http.ResponseWriter, r *http.Request) error {
	next := h.safeNext(r.URL.Query().Get("next"))
	if UserFrom(r) != nil {
		kit.SeeOther(w, r, next, http.StatusSeeOther)
		return nil
	}
	if pendingFrom(r) == nil {
		h.redirect(w, r, "/login?next="+url.QueryEscape(next), "!Sign in with your e-mail address and password first.")
		return nil
	}
	h.render(w, r, http.StatusOK, "login_two_factor", Page{Title: "Two-factor sign-in", Form: url.Values{"next": {next}}, Data: h.signInView()})
	return nil
}

// twoFactorLoginSubmit checks the second factor and, when it is right,
// replaces the pending session with a fresh, signed-in one.
func (h *Handlers) twoFactorLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	next := h.safeNext(r.PostForm.Get("next"))
	form := url.Values{"next": {next}}
	p := pendingFrom(r)
	if p == nil {
		h.redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your sign-in waited too long for its code, or was ended; sign in again.")
		return nil
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" {
		h.render(w, r, http.StatusUnprocessableEntity, "login_two_factor", Page{Title: "Two-factor sign-in", Form: form, Data: h.signInView(),
			Errors: map[string]string{"code": "Type the 6-digit code your authenticator app shows, or a recovery code."}})
		return nil
	}
	ctx := r.Context()
	at, err := h.cfg.Accounts.Pending(ctx, h.client(r), p.User)
	if err != nil {
		return err
	}
	started, err := h.cfg.Accounts.SecondFactor(ctx, at, code, p.Session.Digest)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		h.render(w, r, refusalStatus(se), "login_two_factor", Page{Title: "Two-factor sign-in", Form: form, Data: h.signInView(),
			Errors: map[string]string{se.Field: se.Message}})
		return nil
	case errors.Is(err, auth.ErrNotFound):
		h.redirect(w, r, "/login?next="+url.QueryEscape(next), "!Your sign-in waited too long for its code; sign in again.")
		return nil
	case err != nil:
		return err
	}
	h.setSessionCookie(w, r, started.Token, auth.SessionMax)
	h.setDeviceCookie(w, r, started.DeviceToken)
	kit.SeeOther(w, r, next, http.StatusSeeOther)
	return nil
}

// TwoFactorView is what the two-factor settings page shows.
type TwoFactorView struct {
	// Required: the account must have two-factor sign-in
	// (Accounts.NeedsTwoFactor), or the user was sent here to turn it on.
	Required bool
	Enabled  bool
	Since    time.Time
	// MustKeep: the account cannot turn it off (Accounts.NeedsTwoFactor).
	MustKeep bool
	// Wording is what the page says that differs by mode.
	Wording Wording
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
func (v *TwoFactorView) LowOnCodes() bool { return v.Enabled && v.RecoveryLeft <= RecoveryCodesLow }

// RecoveryTotal is how many recovery codes a full set has.
func (v *TwoFactorView) RecoveryTotal() int { return auth.RecoveryCodes }

// twoFactorData reads the settings of the signed-in user for the page.
func (h *Handlers) twoFactorData(r *http.Request, u *auth.User) (*TwoFactorView, error) {
	st, left, err := h.cfg.Accounts.TwoFactorSettings(r.Context(), u)
	if err != nil {
		return nil, err
	}
	v := &TwoFactorView{Required: r.URL.Query().Get("required") == "1" || h.cfg.Accounts.NeedsTwoFactor(u), Enabled: u.TwoFactor(), Since: u.TOTPEnabledAt,
		MustKeep: h.cfg.Accounts.NeedsTwoFactor(u), RecoveryLeft: left, Wording: h.cfg.Wording}
	if v.Enabled {
		return v, nil
	}
	if st.Pending() {
		v.Pending, v.Secret, v.URI = true, auth.GroupSecret(st.Secret), auth.TOTPURI(st.Secret, h.cfg.TOTPIssuer, u.Email)
		// A QR code is a convenience: without one the secret and the URI
		// are shown anyway.
		if png, err := qrcode.Encode(v.URI, qrcode.Medium, 240); err == nil {
			v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		} else {
			h.cfg.Log.Warn("drawing the two-factor QR code", "error", err)
		}
	}
	return v, nil
}

// renderTwoFactor shows the settings page with a status, errors and, once,
// recovery codes.
func (h *Handlers) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, codes []string) error {
	return h.renderTwoFactorView(w, r, status, errs, func(v *TwoFactorView) { v.RecoveryCodes = codes })
}

// renderTwoFactorView shows the settings page after set changes what it
// shows.
func (h *Handlers) renderTwoFactorView(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, set func(*TwoFactorView)) error {
	v, err := h.twoFactorData(r, UserFrom(r))
	if err != nil {
		return err
	}
	set(v)
	h.render(w, r, status, "two_factor", Page{Title: "Two-factor sign-in", Data: v, Errors: errs})
	return nil
}

// twoFactorPage shows the two-factor settings.
func (h *Handlers) twoFactorPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderTwoFactor(w, r, http.StatusOK, nil, nil)
}

// twoFactorSetup starts (or starts over) a setup with a new secret. Like
// turning it on (twoFactorConfirm), it needs a sign-in or a confirmation
// within auth.ReauthWindow, asked for here so that the person confirms before
// adding the key to their app rather than after.
func (h *Handlers) twoFactorSetup(w http.ResponseWriter, r *http.Request) error {
	u, ctx := UserFrom(r), r.Context()
	if u.TwoFactor() {
		h.redirect(w, r, "/account/two-factor", "Two-factor sign-in is already on.")
		return nil
	}
	if ok, err := h.confirmedOrSent(w, r, "/account/two-factor"); !ok {
		return err
	}
	if failed, err := h.twoFactorFailed(w, r, h.cfg.Accounts.BeginTwoFactor(ctx, u), "Two-factor sign-in is already on."); failed {
		return err
	}
	h.redirect(w, r, "/account/two-factor", "Add the key to your authenticator app, then type the code it shows.")
	return nil
}

// twoFactorConfirm turns two-factor sign-in on when the code proves the
// app holds the secret, and shows the recovery codes once. Turning it on
// locks out whoever lacks the app, so like turning it off it needs a
// sign-in or a confirmation within auth.ReauthWindow (a stolen session alone
// must not lock the owner out), and the owner is mailed in the same
// transaction.
func (h *Handlers) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u, ctx := UserFrom(r), r.Context()
	st, _, err := h.cfg.Accounts.TwoFactorSettings(ctx, u)
	if err != nil {
		return err
	}
	if !st.Pending() {
		h.redirect(w, r, "/account/two-factor", "!Start the setup first.")
		return nil
	}
	if ok, err := h.confirmedOrSent(w, r, "/account/two-factor"); !ok {
		return err
	}
	// EnableTwoFactor draws the page for the user as they are now.
	codes, err := h.cfg.Accounts.EnableTwoFactor(ctx, u, SessionFrom(r), st, r.PostForm.Get("code"))
	if e := refusal(err); e != nil && e.Field == "code" {
		return h.renderTwoFactor(w, r, http.StatusUnprocessableEntity, map[string]string{"code": e.Message}, nil)
	}
	if failed, err := h.twoFactorFailed(w, r, err, "!The setup changed meanwhile (another tab?); look at the page again."); failed {
		return err
	}
	return h.renderTwoFactor(w, r, http.StatusOK, nil, codes)
}

// twoFactorDisable turns two-factor sign-in off; an account that needs it
// (Accounts.NeedsTwoFactor) must keep it. Like every sensitive change it needs a sign-in
// or a confirmation (the password and a current app code) within
// auth.ReauthWindow; without one the browser is sent to confirm first. The
// owner is mailed.
func (h *Handlers) twoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u, ctx := UserFrom(r), r.Context()
	if h.cfg.Accounts.NeedsTwoFactor(u) {
		h.fail(w, r, http.StatusForbidden, "Two-factor sign-in must stay on", h.cfg.Wording.MustKeep)
		return nil
	}
	if !u.TwoFactor() {
		h.redirect(w, r, "/account/two-factor", "Two-factor sign-in is already off.")
		return nil
	}
	if ok, err := h.confirmedOrSent(w, r, "/account/two-factor"); !ok {
		return err
	}
	if failed, err := h.twoFactorFailed(w, r, h.cfg.Accounts.DisableTwoFactor(ctx, u), ""); failed {
		return err
	}
	h.redirect(w, r, "/account/two-factor", "Two-factor sign-in is off.")
	return nil
}

// twoFactorRenewCodes replaces all recovery codes of a user with two-factor
// sign-in on, in one transaction that also audits the change and mails the
// user; the new codes are shown once. Like every sensitive change it needs
// a sign-in or a confirmation within auth.ReauthWindow (a confirmation takes the
// password and a code from the app, never a recovery code).
func (h *Handlers) twoFactorRenewCodes(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u, ctx := UserFrom(r), r.Context()
	if !u.TwoFactor() {
		h.redirect(w, r, "/account/two-factor", "!Two-factor sign-in is off, so there are no recovery codes to replace; turn it on first.")
		return nil
	}
	if ok, err := h.confirmedOrSent(w, r, "/account/two-factor"); !ok {
		return err
	}
	codes, err := h.cfg.Accounts.RenewRecoveryCodes(ctx, u)
	if failed, err := h.twoFactorFailed(w, r, err, "!Two-factor sign-in was turned off meanwhile (another tab?); no recovery codes were made."); failed {
		return err
	}
	return h.renderTwoFactorView(w, r, http.StatusOK, nil, func(v *TwoFactorView) { v.RecoveryCodes, v.Renewed = codes, true })
}

// twoFactorFailed answers a change of the two-factor settings that failed
// and reports whether it did: a change made meanwhile (ErrConflict) goes
// back to the settings page saying conflict (when it is not ""); anything
// else is unexpected and returned, unanswered.
func (h *Handlers) twoFactorFailed(w http.ResponseWriter, r *http.Request, err error, conflict string) (bool, error) {
	if err != nil && conflict != "" && errors.Is(err, auth.ErrConflict) {
		h.redirect(w, r, "/account/two-factor", conflict)
		return true, nil
	}
	return err != nil, err
}
