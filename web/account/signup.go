package account

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// decodeJSON reads a small JSON object strictly into v; on failure it has
// already answered 400 with what to fix.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, fields string) bool {
	return kit.DecodeBody(w, r, v, fields, 8192)
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
func (h *Handlers) signUp(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in, "email, name and password") {
		return nil
	}
	su := signUpInput{Email: in.Email, Name: in.Name, Password: in.Password}
	if ps := su.problems(); len(ps) > 0 {
		kit.Problem(w, http.StatusBadRequest, "Invalid request", ps[0].String())
		return nil
	}
	if failed, err := h.signInFailed(w, h.cfg.Accounts.SignUp(r.Context(), auth.SignUp(su))); failed {
		return err
	}
	writeJSONStatus(w, http.StatusAccepted, map[string]string{"status": "check your e-mail: we sent a link to verify the address"})
	return nil
}

// verifyEmail consumes a verification token, given with the password of
// the sign-up it verifies.
func (h *Handlers) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	in, ok := decodeLinkBody(w, r)
	if !ok {
		return nil
	}
	if in.Password == "" {
		kit.Problem(w, http.StatusBadRequest, "Invalid request", "password: give the password you chose when you signed up")
		return nil
	}
	err := h.cfg.Accounts.VerifyEmail(r.Context(), kit.LimitKey(r), in.Token, in.Password)
	if err == auth.ErrVerifyPassword {
		answerRefusal(w, auth.ErrVerifyPassword, "password")
		return nil
	}
	return h.redeem(w, r, err, "sign up again to get a new one", "e-mail address verified; you can sign in")
}

// linkBody is the body of the API of a mailed link: its token and a
// password (the sign-up's, or a new one).
type linkBody struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// decodeLinkBody reads a linkBody; on failure it has already answered 400
// with what to fix.
func decodeLinkBody(w http.ResponseWriter, r *http.Request) (linkBody, bool) {
	var in linkBody
	return in, decodeJSON(w, r, &in, "token and password")
}

// redeem answers the outcome of redeeming a token sent by e-mail: an
// unknown, used or expired token gets a 400 that says how to get a new one;
// a throttled attempt 429 with when to try again.
func (h *Handlers) redeem(w http.ResponseWriter, r *http.Request, err error, renew, done string) error {
	switch se := auth.AsRefusal(err); {
	case se != nil:
		answerRefusal(w, se, "")
	case errors.Is(err, auth.ErrNotFound):
		kit.Problem(w, http.StatusBadRequest, "Link not valid", "token: this link is unknown, used or expired; "+renew)
	case err != nil:
		return err
	default:
		writeJSON(w, map[string]string{"status": done})
	}
	return nil
}

// requestReset mails a password-reset link when the address has an
// account, and answers the same either way.
func (h *Handlers) requestReset(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
	}
	if !decodeJSON(w, r, &in, "email") {
		return nil
	}
	if err := h.cfg.Accounts.RequestReset(r.Context(), in.Email); err != nil {
		return err
	}
	writeJSONStatus(w, http.StatusAccepted, map[string]string{"status": "if the address has an account, a reset link is on its way"})
	return nil
}

// confirmReset sets a new password with a reset token and ends every session.
func (h *Handlers) confirmReset(w http.ResponseWriter, r *http.Request) error {
	in, ok := decodeLinkBody(w, r)
	if !ok {
		return nil
	}
	if p := passwordProblem(in.Password, ""); p != nil {
		kit.Problem(w, http.StatusBadRequest, "Invalid request", p.String())
		return nil
	}
	return h.redeem(w, r, h.cfg.Accounts.ResetPassword(r.Context(), kit.LimitKey(r), in.Token, in.Password), "ask for a new one",
		"password changed; every session was ended, sign in again")
}
