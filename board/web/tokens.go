package web

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
	"github.com/certboard/certboard/board/boardsql"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to search for in code and logs).
const APITokenPrefix = auth.APITokenPrefix

// API token lifetimes, in days: every token expires, after
// DefaultTokenDays unless its creator chose another lifetime of at most
// MaxTokenDays.
const (
	DefaultTokenDays = auth.DefaultTokenDays
	MaxTokenDays     = auth.MaxTokenDays
)

// tokenRoutes registers API token management.
func (s *Server) tokenRoutes() {
	s.route("GET /api/v1/tokens", Authenticated, http.HandlerFunc(s.listTokensJSON))
	s.route("POST /api/v1/tokens", Authenticated, http.HandlerFunc(s.createTokenJSON))
	s.route("DELETE /api/v1/tokens/{id}", Authenticated, http.HandlerFunc(s.revokeTokenJSON))
	s.route("POST /account/tokens", Authenticated, http.HandlerFunc(s.createTokenForm))
	s.route("POST /account/tokens/{id}/revoke", Authenticated, http.HandlerFunc(s.revokeTokenForm))
}

// tokenRequest is a request for a new API token, from the API or a form.
type tokenRequest struct {
	Name string
	// Days until it expires; 0 for DefaultTokenDays.
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
	if in.Days < 0 || in.Days > MaxTokenDays {
		out = append(out, fieldProblem{"days", fmt.Sprintf("give a number of days from 1 to %d (a year), or leave it out for %d days", MaxTokenDays, DefaultTokenDays)})
	}
	return out
}

// tokenRefusal says why a caller may not create a token; "" when they may.
func tokenRefusal(r *http.Request, u *boardsql.User) string {
	if viaToken(r) {
		return "API tokens cannot create API tokens; create one from a signed-in session."
	}
	if needsTwoFactor(u) && !u.TwoFactor() {
		return auth.ErrTokenNeedsTwoFactor.Message
	}
	return ""
}

// createToken stores a new token for u (auth.Accounts.CreateToken) and
// returns the token, which is shown this once.
func (s *Server) createToken(ctx context.Context, u *boardsql.User, in tokenRequest) (string, boardsql.APIToken, error) {
	return s.accounts.CreateToken(ctx, u, in.Name, in.Days)
}

// tokenJSON is an API token as the API lists it: never the token itself.
type tokenJSON struct {
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

func (s *Server) showToken(t boardsql.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID(), Name: t.Name, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: optionalTime(t.LastUsedAt),
		ExpiresAt: t.ExpiresAt.UTC(), Expired: t.Expired(s.now())}
}

// listTokensJSON lists the caller's API tokens.
func (s *Server) listTokensJSON(w http.ResponseWriter, r *http.Request) {
	list, err := s.accounts.Tokens(r.Context(), userFrom(r))
	if err != nil {
		s.internal(w, err)
		return
	}
	out := []tokenJSON{}
	for _, t := range list {
		out = append(out, s.showToken(t))
	}
	writeJSON(w, map[string]any{"tokens": out})
}

// createTokenJSON creates an API token: {"name": ..., "expires_in_days": n}
// (absent: DefaultTokenDays). It needs a session that signed in or
// confirmed within ReauthWindow, or "password" (and "totp" for a
// two-factor account) in the request. The answer carries the token this
// once.
func (s *Server) createTokenJSON(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	if why := tokenRefusal(r, u); why != "" {
		problem(w, http.StatusForbidden, "Not allowed", why)
		return
	}
	var in struct {
		Name     string `json:"name"`
		Days     *int   `json:"expires_in_days"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
	}
	if !decodeBody(w, r, &in, "name, optionally expires_in_days, and password (and totp) when the sign-in is not recent", maxAPIBody) {
		return
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
		problem(w, http.StatusUnprocessableEntity, "Invalid request", p.String())
		return
	}
	if !s.confirmedJSON(w, r, u, reauthProof{Password: in.Password, Code: in.TOTP}, "creating an API token") {
		return
	}
	token, t, err := s.createToken(r.Context(), u, req)
	if err != nil {
		s.internal(w, err)
		return
	}
	out := s.showToken(t)
	out.Token = token
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, out)
}

// revokeTokenJSON revokes one of the caller's tokens.
func (s *Server) revokeTokenJSON(w http.ResponseWriter, r *http.Request) {
	err := s.accounts.RevokeToken(r.Context(), userFrom(r), r.PathValue("id"))
	switch {
	case errors.Is(err, boardsql.ErrNotFound):
		problem(w, http.StatusNotFound, "Token not found", "You have no API token with id "+strconv.Quote(r.PathValue("id"))+".")
	case err != nil:
		s.internal(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// createTokenForm creates an API token from the account page and shows it
// once on that page.
func (s *Server) createTokenForm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	u := userFrom(r)
	if why := tokenRefusal(r, u); why != "" {
		s.renderAccount(w, r, http.StatusForbidden, accountForm{errs: map[string]string{"": why}})
		return
	}
	if !s.confirmedOrSent(w, r, "/account#tokens") {
		return
	}
	req := tokenRequest{Name: r.PostForm.Get("token_name")}
	errs := map[string]string{}
	if d := strings.TrimSpace(r.PostForm.Get("token_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			errs["token_days"] = fmt.Sprintf("Give a whole number of days from 1 to %d (a year), or leave it empty for %d days.", MaxTokenDays, DefaultTokenDays)
		}
		req.Days = n
	}
	for _, p := range req.problems() {
		if _, done := errs["token_"+p.Field]; !done {
			errs["token_"+p.Field] = sentence(p.Message)
		}
	}
	if len(errs) > 0 {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, accountForm{errs: errs, form: r.PostForm})
		return
	}
	token, t, err := s.createToken(r.Context(), u, req)
	if err != nil {
		s.internal(w, err)
		return
	}
	s.renderAccount(w, r, http.StatusCreated, accountForm{newToken: token, newTokenName: t.Name})
}

// revokeTokenForm revokes one of the caller's tokens from the account page.
func (s *Server) revokeTokenForm(w http.ResponseWriter, r *http.Request) {
	err := s.accounts.RevokeToken(r.Context(), userFrom(r), r.PathValue("id"))
	switch {
	case errors.Is(err, boardsql.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Token not found", "You have no API token with this id; it may have been revoked already.")
	case err != nil:
		s.internal(w, err)
	default:
		redirect(w, r, "/account#tokens", "The token is revoked; programs using it can no longer sign in with it.")
	}
}
