package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/web/account"
)

// tokCreate creates an API token through the JSON API.
func tokCreate(t *testing.T, h http.Handler, body string, opts ...acctOpt) account.TokenJSON {
	t.Helper()
	rec := acctDo(t, h, "POST", "/api/v1/tokens", nil, body, opts...)
	var out account.TokenJSON
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("creating a token: %d %s", rec.Code, rec.Body)
	}
	return out
}

func TestAPITokenLifecycle(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	c := sessionFor(t, s, u)

	tok := tokCreate(t, h, `{"name": "CE sync"}`, acctCookie(c))
	// Without a lifetime, a token lives DefaultTokenDays.
	if !strings.HasPrefix(tok.Token, APITokenPrefix) || len(tok.Token) < 40 || tok.Name != "CE sync" || len(tok.ID) != auth.HandleLen ||
		!tok.ExpiresAt.Equal(clock.AddDate(0, 0, DefaultTokenDays)) {
		t.Fatalf("new token %+v", tok)
	}
	// Stored only as a digest.
	var n int
	st.DB.QueryRowContext(context.Background(), st.Dialect.Rebind("SELECT COUNT(*) FROM api_tokens WHERE digest = ?"), tok.Token).Scan(&n)
	if n != 0 {
		t.Fatal("the token is stored in the clear")
	}

	// It authenticates the API as its user ...
	if acctMe(t, h, acctBearer(tok.Token)) != u.ID {
		t.Fatal("bearer token on /api/v1/me")
	}
	// ... never pages.
	if rec := acctDo(t, h, "GET", "/account", nil, "", acctBearer(tok.Token)); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("a token opened a page: %d", rec.Code)
	}
	if rec := acctDo(t, h, "POST", "/account/tokens", url.Values{"token_name": {"x"}}, "", acctBearer(tok.Token)); rec.Code != 303 {
		t.Fatalf("a token posted a form: %d", rec.Code)
	}
	// A token cannot make tokens.
	if rec := acctDo(t, h, "POST", "/api/v1/tokens", nil, `{"name": "more"}`, acctBearer(tok.Token)); rec.Code != 403 {
		t.Fatalf("a token created a token: %d", rec.Code)
	}

	// Listed without the token itself.
	rec := acctDo(t, h, "GET", "/api/v1/tokens", nil, "", acctCookie(c))
	var list struct {
		Tokens []account.TokenJSON `json:"tokens"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &list) != nil || len(list.Tokens) != 1 || list.Tokens[0].ID != tok.ID ||
		strings.Contains(rec.Body.String(), tok.Token) || list.Tokens[0].LastUsedAt == nil || !list.Tokens[0].LastUsedAt.Equal(*clock) ||
		!list.Tokens[0].ExpiresAt.Equal(tok.ExpiresAt) {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	// The account page shows when it was last used and when it expires.
	if page := getAs(t, h, "/account", c).Body.String(); !strings.Contains(page, "<td>2026-11-26 09:00 UTC</td>\n      <td>2027-02-24 09:00 UTC</td>") {
		t.Fatalf("the account page does not show the token's last use and expiry: %s", page)
	}

	// Another user can neither see nor revoke it.
	other := addUser(t, st, "other@example.org", "Other", auth.Applicant)
	oc := sessionFor(t, s, other)
	if rec := acctDo(t, h, "GET", "/api/v1/tokens", nil, "", acctCookie(oc)); strings.Contains(rec.Body.String(), tok.ID) {
		t.Fatal("another user sees the token")
	}
	if rec := acctDo(t, h, "DELETE", "/api/v1/tokens/"+tok.ID, nil, "", acctCookie(oc)); rec.Code != 404 {
		t.Fatalf("another user's DELETE: %d", rec.Code)
	}

	// Revoked: 401 with a Bearer challenge.
	if rec := acctDo(t, h, "DELETE", "/api/v1/tokens/"+tok.ID, nil, "", acctCookie(c)); rec.Code != 204 {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	rec = acctDo(t, h, "GET", "/api/v1/me", nil, "", acctBearer(tok.Token))
	if rec.Code != 401 || !strings.Contains(rec.Header().Get("WWW-Authenticate"), `error="invalid_token"`) || rec.Header().Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(rec.Body.String(), "unknown or revoked") {
		t.Fatalf("revoked token: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if rec := acctDo(t, h, "DELETE", "/api/v1/tokens/"+tok.ID, nil, "", acctCookie(c)); rec.Code != 404 {
		t.Fatalf("revoking twice: %d", rec.Code)
	}

	// Expiry.
	week := tokCreate(t, h, `{"name": "weekly", "expires_in_days": 7}`, acctCookie(c))
	if !week.ExpiresAt.Equal(clock.AddDate(0, 0, 7)) {
		t.Fatalf("expiry %v", week.ExpiresAt)
	}
	*clock = clock.AddDate(0, 0, 7).Add(-time.Minute)
	if acctMe(t, h, acctBearer(week.Token)) != u.ID {
		t.Fatal("a token before its expiry is refused")
	}
	*clock = clock.Add(time.Minute)
	rec = acctDo(t, h, "GET", "/api/v1/me", nil, "", acctBearer(week.Token))
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "This API token expired on 2026-12-03 09:00 UTC") ||
		!strings.Contains(rec.Header().Get("WWW-Authenticate"), `error_description="The token expired"`) {
		t.Fatalf("expired token: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}

	// Malformed or foreign bearer values are refused on the API, even on
	// public routes, and ignored by pages.
	for _, bad := range []string{"cbt_nope", "not-a-cbt-token", ""} {
		if rec := acctDo(t, h, "GET", "/api/v1/requirement-sets", nil, "", acctBearer(bad)); rec.Code != 401 {
			t.Errorf("bearer %q on a public API route: %d", bad, rec.Code)
		}
	}
	if rec := acctDo(t, h, "GET", "/", nil, "", acctBearer("cbt_nope")); rec.Code != 200 {
		t.Fatalf("a bad token on a public page: %d", rec.Code)
	}

	c = sessionFor(t, s, u) // the first one ended during the week
	for body, want := range map[string]string{
		`{"name": ""}`:                                 "name:",
		`{"name": "x", "expires_in_days": -1}`:         "expires_in_days:",
		`{"name": "x", "expires_in_days": 0}`:          "expires_in_days:",
		`{"name": "x", "expires_in_days": 366}`:        "expires_in_days: give a number of days from 1 to 365",
		`{"name": "x", "scope": "admin"}`:              "unknown field",
		`{"name": "` + strings.Repeat("n", 101) + `"}`: "name:",
	} {
		rec := acctDo(t, h, "POST", "/api/v1/tokens", nil, body, acctCookie(c))
		if (rec.Code != 422 && rec.Code != 400) || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
	// A year is the longest.
	if year := tokCreate(t, h, `{"name": "yearly", "expires_in_days": 365}`, acctCookie(c)); !year.ExpiresAt.Equal(clock.AddDate(1, 0, 0)) {
		t.Fatalf("a year: expires %v", year.ExpiresAt)
	}
	audit := acctAudit(t, st)
	if !slices.Contains(audit, "token.create") || !slices.Contains(audit, "token.revoke") {
		t.Fatalf("audit %v", audit)
	}
}

var tokInPage = regexp.MustCompile(`value="(cbt_[A-Za-z0-9_-]+)"`)

func TestAPITokensOnTheAccountPage(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	u := addUser(t, st, "ana@example.org", "Ana", auth.Applicant)
	c := sessionFor(t, s, u)
	if page := getAs(t, h, "/account", c).Body.String(); !strings.Contains(page, `name="token_days" min="1" max="365" step="1" value="90"`) {
		t.Fatalf("the token form does not offer the default lifetime: %s", page)
	}
	rec := postForm(t, h, "/account/tokens", url.Values{"token_name": {""}, "token_days": {"soon"}}, c)
	body := rec.Body.String()
	if rec.Code != 422 || !strings.Contains(body, "Give the token a name") || !strings.Contains(body, "Give a whole number of days") ||
		!strings.Contains(body, `aria-describedby="token_days-hint token_days-error"`) {
		t.Fatalf("invalid token form: %d %s", rec.Code, body)
	}
	rec = postForm(t, h, "/account/tokens", url.Values{"token_name": {"CE provider sync"}, "token_days": {"30"}}, c)
	m := tokInPage.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusCreated || m == nil || !strings.Contains(rec.Body.String(), "shown this once") {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if acctMe(t, h, acctBearer(m[1])) != u.ID {
		t.Fatal("the token from the page does not work")
	}
	page := getAs(t, h, "/account", c).Body.String()
	if strings.Contains(page, m[1]) || !strings.Contains(page, "CE provider sync") {
		t.Fatal("the token is shown again, or not listed")
	}
	list, _ := st.APITokens(context.Background(), u.ID)
	if len(list) != 1 || !list[0].ExpiresAt.Equal(list[0].CreatedAt.AddDate(0, 0, 30)) {
		t.Fatalf("stored %+v", list)
	}
	for days, code := range map[string]int{"366": 422, "0": 422, "": 201} {
		rec := postForm(t, h, "/account/tokens", url.Values{"token_name": {"days " + days}, "token_days": {days}}, c)
		if rec.Code != code {
			t.Errorf("token_days %q: %d, want %d", days, rec.Code, code)
		}
	}
	list, _ = st.APITokens(context.Background(), u.ID)
	if len(list) != 2 || list[0].Name != "days" || !list[0].ExpiresAt.Equal(list[0].CreatedAt.AddDate(0, 0, DefaultTokenDays)) {
		t.Fatalf("a token made with an empty lifetime: %+v", list)
	}
	rec = postForm(t, h, "/account/tokens/"+list[0].ID()+"/revoke", url.Values{}, c)
	if rec.Code != 303 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if list, _ := st.APITokens(context.Background(), u.ID); len(list) != 1 || list[0].Name == "days" {
		t.Fatal("not revoked")
	}
	if rec := postForm(t, h, "/account/tokens/"+list[0].ID()+"/revoke", url.Values{}, c); rec.Code != 404 {
		t.Fatalf("revoking again: %d", rec.Code)
	}
}

func TestStaffTokens(t *testing.T) {
	s, st := newServer(t)
	s.route("GET /api/v1/tok-test/staff", Staff, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff) // two-factor on
	tok := tokCreate(t, h, `{"name": "reports"}`, acctCookie(sessionFor(t, s, staff)))
	if rec := acctDo(t, h, "GET", "/api/v1/tok-test/staff", nil, "", acctBearer(tok.Token)); rec.Code != 200 {
		t.Fatalf("a staff token on a staff route: %d", rec.Code)
	}
	applicant := addUser(t, st, "ana@example.org", "Ana", auth.Applicant)
	atok := tokCreate(t, h, `{"name": "mine"}`, acctCookie(sessionFor(t, s, applicant)))
	if rec := acctDo(t, h, "GET", "/api/v1/tok-test/staff", nil, "", acctBearer(atok.Token)); rec.Code != 403 {
		t.Fatalf("an applicant's token on a staff route: %d", rec.Code)
	}
	// Staff without two-factor cannot create tokens.
	now := s.now()
	id, _ := st.CreateUser(context.Background(), boardsql.User{Email: "new@example.org", Name: "New", PasswordHash: testHash(), Roles: []auth.Role{auth.Staff}, CreatedAt: now, EmailVerifiedAt: now})
	newStaff, _ := st.UserByID(context.Background(), id)
	if rec := acctDo(t, h, "POST", "/api/v1/tokens", nil, `{"name": "x"}`, acctCookie(sessionFor(t, s, newStaff))); rec.Code != 403 || !strings.Contains(rec.Body.String(), "two-factor") {
		t.Fatalf("staff without two-factor creating a token: %d %s", rec.Code, rec.Body)
	}
}
