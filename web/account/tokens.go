package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/auth"
	kit "github.com/certboard/certboard/web"
)

// tokenRequest is a request for a new API token, from the API or a form.
type tokenRequest struct {
	Name string
	// Days until it expires; 0 for auth.DefaultTokenDays.
	Days int
}

// problems says what is wrong with a token request; fields are
// "name" and "days".
func (in *tokenRequest) problems() []fieldProblem {
	in.Name = strings.TrimSpace(in.Name)
	var out []fieldProblem
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		out = append(out, fieldProblem{"name", "give the token a name that says what uses it (at most 100 characters)"})
	}
	if in.Days < 0 || in.Days > auth.MaxTokenDays {
		out = append(out, fieldProblem{"days", fmt.Sprintf("give a number of days from 1 to %d (a year), or leave it out for %d days", auth.MaxTokenDays, auth.DefaultTokenDays)})
	}
	return out
}

// tokenRefusal says why a caller may not create a token; "" when they may.
func (h *Handlers) tokenRefusal(r *http.Request, u *auth.User) string {
	if ViaToken(r) {
		return "API tokens cannot create API tokens; create one from a signed-in session."
	}
	if h.cfg.Accounts.NeedsTwoFactor(u) && !u.TwoFactor() {
		return auth.ErrTokenNeedsTwoFactor.Message
	}
	return ""
}

// createToken stores a new token for u (auth.Accounts.CreateToken) and
// returns the token, which is shown this once.
func (h *Handlers) createToken(ctx context.Context, u *auth.User, in tokenRequest) (string, auth.APIToken, error) {
	return h.cfg.Accounts.CreateToken(ctx, u, in.Name, in.Days)
}

// TokenJSON is an API token as the API lists it: never the token itself.
type TokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Expired    bool       `json:"expired"`
	// Token is set only in the answer that creates it.
	Token string `json:"token,omitempty"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (h *Handlers) showToken(t auth.APIToken) TokenJSON {
	return TokenJSON{ID: t.ID(), Name: t.Name, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: optionalTime(t.LastUsedAt),
		ExpiresAt: t.ExpiresAt.UTC(), Expired: t.Expired(h.now())}
}

// listTokensJSON lists the caller's API tokens.
func (h *Handlers) listTokensJSON(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cfg.Accounts.Tokens(r.Context(), UserFrom(r))
	if err != nil {
		return err
	}
	out := []TokenJSON{}
	for _, t := range list {
		out = append(out, h.showToken(t))
	}
	writeJSON(w, map[string]any{"tokens": out})
	return nil
}

// createTokenJSON creates an API token: {"name": ..., "expires_in_days": n}
// (absent: auth.DefaultTokenDays). It needs a session that signed in or
// confirmed within auth.ReauthWindow, or "password" (and "totp" for a
// two-factor account) in the request. The answer carries the token this
// once.
func (h *Handlers) createTokenJSON(w http.ResponseWriter, r *http.Request) error {
	u := UserFrom(r)
	if why := h.tokenRefusal(r, u); why != "" {
		kit.Problem(w, http.StatusForbidden, "Not allowed", why)
		return nil
	}
	var in struct {
		Name     string `json:"name"`
		Days     *int   `json:"expires_in_days"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
	}
	if !kit.DecodeBody(w, r, &in, "name, optionally expires_in_days, and password (and totp) when the sign-in is not recent", maxAPIBody) {
		return nil
	}
	req := tokenRequest{Name: in.Name}
	if in.Days != nil {
		req.Days = *in.Days
		if req.Days == 0 {
			req.Days = -1 // given, and not a lifetime
		}
	}
	if ps := req.problems(); len(ps) > 0 {
		p := ps[0]
		if p.Field == "days" {
			p.Field = "expires_in_days"
		}
		kit.Problem(w, http.StatusUnprocessableEntity, "Invalid request", p.String())
		return nil
	}
	if ok, err := h.confirmedJSON(w, r, u, reauthProof{Password: in.Password, Code: in.TOTP}, "creating an API token"); !ok {
		return err
	}
	token, t, err := h.createToken(r.Context(), u, req)
	if err != nil {
		return err
	}
	out := h.showToken(t)
	out.Token = token
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, out)
	return nil
}

// revokeTokenJSON revokes one of the caller's tokens.
func (h *Handlers) revokeTokenJSON(w http.ResponseWriter, r *http.Request) error {
	err := h.cfg.Accounts.RevokeToken(r.Context(), UserFrom(r), r.PathValue("id"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		kit.Problem(w, http.StatusNotFound, "Token not found", "You have no API token with id "+strconv.Quote(r.PathValue("id"))+".")
	case err != nil:
		return err
	default:
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// createTokenForm creates an API token from the account page and shows it
// once on that page.
func (h *Handlers) createTokenForm(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	u := UserFrom(r)
	if why := h.tokenRefusal(r, u); why != "" {
		return h.renderAccount(w, r, http.StatusForbidden, accountForm{errs: map[string]string{"": why}})
	}
	if ok, err := h.confirmedOrSent(w, r, "/account#tokens"); !ok {
		return err
	}
	req := tokenRequest{Name: r.PostForm.Get("token_name")}
	errs := map[string]string{}
	if d := strings.TrimSpace(r.PostForm.Get("token_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			errs["token_days"] = fmt.Sprintf("Give a whole number of days from 1 to %d (a year), or leave it empty for %d days.", auth.MaxTokenDays, auth.DefaultTokenDays)
		}
		req.Days = n
	}
	for _, p := range req.problems() {
		if _, done := errs["token_"+p.Field]; !done {
			errs["token_"+p.Field] = Sentence(p.Message)
		}
	}
	if len(errs) > 0 {
		return h.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs, form: r.PostForm})
	}
	token, t, err := h.createToken(r.Context(), u, req)
	if err != nil {
		return err
	}
	return h.renderAccount(w, r, http.StatusCreated, accountForm{newToken: token, newTokenName: t.Name})
}

// revokeTokenForm revokes one of the caller's tokens from the account page.
func (h *Handlers) revokeTokenForm(w http.ResponseWriter, r *http.Request) error {
	err := h.cfg.Accounts.RevokeToken(r.Context(), UserFrom(r), r.PathValue("id"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		h.fail(w, r, http.StatusNotFound, "Token not found", "You have no API token with this id; it may have been revoked already.")
	case err != nil:
		return err
	default:
		h.redirect(w, r, "/account#tokens", "The token is revoked; programs using it can no longer sign in with it.")
	}
	return nil
}
