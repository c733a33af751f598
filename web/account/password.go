package account

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// passwordChange is a change of password, from the API or the form.
type passwordChange struct {
	// Current is the password now; Code the app's code of a two-factor
	// account: together they confirm it is the account's person.
	Current, Code string
	New           string
	// Again repeats New on the form (the API has no repeat: set it to New).
	Again string
}

// problems says what is wrong with a change for account u, field by field
// in form order: "current_password", "code", "new_password",
// "new_password_again".
func (in *passwordChange) problems(u *auth.User) []fieldProblem {
	var out []fieldProblem
	for _, p := range (reauthProof{Password: in.Current, Code: in.Code}).missing(u) {
		if p.Field == "password" {
			p.Field = "current_password"
		}
		out = append(out, p)
	}
	switch p := passwordProblem(in.New, u.Email); {
	case p != nil:
		out = append(out, fieldProblem{"new_password", p.Message})
	case in.New == in.Current:
		out = append(out, fieldProblem{"new_password", "choose a password other than your current one"})
	case in.Again != in.New:
		out = append(out, fieldProblem{"new_password_again", "type the new password again, the same both times"})
	}
	return out
}

// changePassword sets a new (already checked) password for u once the
// current password, and for a two-factor account the app's code, confirm it
// is them (auth.Accounts.ChangePassword): every other session ends and
// every API token is revoked. A refusal of the proof is an auth.Refusal
// with Field "password" or "code"; a password changed meanwhile is
// auth.ErrConflict.
func (h *Handlers) changePassword(r *http.Request, u *auth.User, in passwordChange) (auth.PasswordChanged, error) {
	return h.cfg.Accounts.ChangePassword(r.Context(), h.client(r), SessionFrom(r), u, auth.Proof{Password: in.Current, Code: in.Code}, in.New)
}

// changePasswordForm changes the password from the account page.
func (h *Handlers) changePasswordForm(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u := UserFrom(r)
	if SessionFrom(r) == nil {
		h.fail(w, r, http.StatusBadRequest, "No session", "Sign in with a browser to change your password.")
		return nil
	}
	in := passwordChange{Current: r.PostForm.Get("current_password"), Code: r.PostForm.Get("code"),
		New: r.PostForm.Get("new_password"), Again: r.PostForm.Get("new_password_again")}
	// Passwords are never sent back into the form.
	if ps := in.problems(u); len(ps) > 0 {
		errs := map[string]string{}
		for _, p := range ps {
			errs[p.Field] = Sentence(p.Message)
		}
		return h.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs})
	}
	done, err := h.changePassword(r, u, in)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		setRetryAfter(w, se)
		status, field := refusalStatus(se), se.Field
		if status == http.StatusForbidden {
			status = http.StatusUnprocessableEntity // the session is fine; a field is wrong
		}
		if field == "password" {
			field = "current_password"
		}
		return h.renderAccount(w, r, status, accountForm{errs: map[string]string{field: se.Message}})
	case errors.Is(err, auth.ErrConflict):
		return h.renderAccount(w, r, http.StatusConflict, accountForm{errs: map[string]string{
			"current_password": "Your password was changed elsewhere meanwhile; type the password you have now."}})
	case err != nil:
		return err
	}
	msg := "Your password is changed."
	if done.Sessions > 0 {
		msg += fmt.Sprintf(" Your other sessions (%d) were ended.", done.Sessions)
	}
	if done.Tokens > 0 {
		msg += fmt.Sprintf(" Your API tokens (%d) were revoked; make new ones for the programs that need them.", done.Tokens)
	}
	h.redirect(w, r, "/account#password", msg)
	return nil
}

// changePasswordJSON changes the password: {"current_password",
// "new_password", and "totp" for a two-factor account}. It needs a session:
// an API token cannot change the password.
func (h *Handlers) changePasswordJSON(w http.ResponseWriter, r *http.Request) error {
	u := UserFrom(r)
	if SessionFrom(r) == nil {
		kit.Problem(w, http.StatusForbidden, "Not allowed", "API tokens cannot change the password; sign in (POST /api/v1/session) and change it from that session.")
		return nil
	}
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
		TOTP    string `json:"totp"`
	}
	if !kit.DecodeBody(w, r, &in, "current_password, new_password and, with two-factor sign-in, totp", maxAPIBody) {
		return nil
	}
	change := passwordChange{Current: in.Current, Code: in.TOTP, New: in.New, Again: in.New}
	if ps := change.problems(u); len(ps) > 0 {
		p := ps[0]
		if p.Field == "code" {
			p.Field = "totp"
		}
		kit.Problem(w, http.StatusUnprocessableEntity, "Invalid request", p.String())
		return nil
	}
	done, err := h.changePassword(r, u, change)
	switch se := auth.AsRefusal(err); {
	case se != nil:
		answerRefusal(w, se, map[string]string{"password": "current_password", "code": "totp"}[se.Field])
		return nil
	case errors.Is(err, auth.ErrConflict):
		kit.Problem(w, http.StatusConflict, "Changed meanwhile", "current_password: the password was changed meanwhile; send the password the account has now.")
		return nil
	case err != nil:
		return err
	}
	writeJSON(w, map[string]any{"status": "password changed; every other session was ended and every API token revoked",
		"sessions_ended": done.Sessions, "tokens_revoked": done.Tokens})
	return nil
}
