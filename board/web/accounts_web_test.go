package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

// acctOpt changes a test request.
type acctOpt func(*http.Request)

func acctCookie(c *http.Cookie) acctOpt {
	return func(r *http.Request) {
		if c != nil {
			r.AddCookie(c)
		}
	}
}

func acctUA(ua string) acctOpt { return func(r *http.Request) { r.Header.Set("User-Agent", ua) } }

func acctBearer(token string) acctOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// acctDo sends a request (a urlencoded form when form is not nil, else
// body) as a same-origin browser or a program would.
func acctDo(t *testing.T, h http.Handler, method, path string, form url.Values, body string, opts ...acctOpt) *httptest.ResponseRecorder {
	t.Helper()
	if form != nil {
		body = form.Encode()
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.RemoteAddr = "192.0.2.7:5555"
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// acctSessionCookie is the session cookie a response sets, or nil.
func acctSessionCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	return nil
}

// acctSignIn posts the sign-in form.
func acctSignIn(t *testing.T, h http.Handler, email, password, next string, opts ...acctOpt) *httptest.ResponseRecorder {
	t.Helper()
	return acctDo(t, h, "POST", "/login", url.Values{"email": {email}, "password": {password}, "next": {next}}, "", opts...)
}

// acctAudit lists the actions in the audit log, in order.
func acctAudit(t *testing.T, st *boardsql.Store) []string {
	t.Helper()
	log, err := st.AuditLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}

// acctMe answers who a cookie (or token) signs in, or 0.
func acctMe(t *testing.T, h http.Handler, opts ...acctOpt) int64 {
	t.Helper()
	rec := acctDo(t, h, "GET", "/api/v1/me", nil, "", opts...)
	if rec.Code != 200 {
		return 0
	}
	var body struct {
		User account.UserJSON `json:"user"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	return body.User.ID
}

func TestLoginFormSignsInAndFollowsOnlyLocalNext(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	rec := acctDo(t, h, "GET", "/login?next=/account", nil, "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="next" value="/account"`) || !strings.Contains(rec.Body.String(), `<label for="email">`) {
		t.Fatalf("sign-in page: %d %s", rec.Code, rec.Body)
	}
	for next, want := range map[string]string{
		"/account":                 "/account",
		"":                         "/",
		"//evil.example":           "/",
		"https://evil.example/x":   "/",
		`/\evil.example`:           "/",
		"/applications/7?view=all": "/applications/7?view=all",
	} {
		rec := acctSignIn(t, h, "jordan@example.org", testPassword, next)
		c := acctSessionCookie(rec)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want || c == nil || !c.HttpOnly || !c.Secure {
			t.Fatalf("next=%q: %d to %q, cookie %v; want 303 to %q", next, rec.Code, rec.Header().Get("Location"), c, want)
		}
		if acctMe(t, h, acctCookie(c)) == 0 {
			t.Fatalf("next=%q: the new session does not sign in", next)
		}
	}
	// The next of the sign-in page's query is carried in the form.
	if rec := acctDo(t, h, "GET", "/login?next=//evil.example", nil, ""); strings.Contains(rec.Body.String(), "evil.example") {
		t.Fatal("the sign-in page carries a foreign next")
	}
	// A signed-in visitor of the sign-in page goes on.
	c := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, ""))
	if rec := acctDo(t, h, "GET", "/login?next=/account", nil, "", acctCookie(c)); rec.Code != 303 || rec.Header().Get("Location") != "/account" {
		t.Fatalf("signed in at /login: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if n := strings.Count(strings.Join(acctAudit(t, s.store()), ","), "session.sign_in"); n != 7 {
		t.Fatalf("%d sign-ins audited, want 7", n)
	}
}

func TestLoginFormRefusals(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()

	rec := acctSignIn(t, h, "", "", "/account")
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Give the e-mail address of your account.") ||
		!strings.Contains(rec.Body.String(), `aria-describedby="password-error"`) {
		t.Fatalf("empty form: %d %s", rec.Code, rec.Body)
	}

	wrong := acctSignIn(t, h, "jordan@example.org", "not the password at all", "/account")
	unknown := acctSignIn(t, h, "nobody@example.org", "not the password at all", "/account")
	for _, rec := range []*httptest.ResponseRecorder{wrong, unknown} {
		body := rec.Body.String()
		if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "The e-mail address or the password is not right, or the address is not verified yet") ||
			strings.Contains(body, "not the password at all") || !strings.Contains(body, `name="next" value="/account"`) || acctSessionCookie(rec) != nil {
			t.Fatalf("wrong password: %d %s", rec.Code, body)
		}
	}
	if !strings.Contains(wrong.Body.String(), `value="jordan@example.org"`) {
		t.Fatal("the address is not filled in again")
	}

	// An unverified address with its right password answers like a wrong
	// password (see TestSignInUnverifiedAnswersLikeWrongPassword).
	if _, err := st.CreateUser(context.Background(), boardsql.User{Email: "new@example.org", Name: "New", PasswordHash: testHash(), CreatedAt: *clock}); err != nil {
		t.Fatal(err)
	}
	if rec := acctSignIn(t, h, "new@example.org", testPassword, ""); rec.Code != 401 || !strings.Contains(rec.Body.String(), "not verified yet") {
		t.Fatalf("unverified: %d %s", rec.Code, rec.Body)
	}

	// Throttled: after the free failures from this network even the right
	// password waits, and the page says how long and what always works.
	for range auth.PasswordThrottle.Free - 1 {
		acctSignIn(t, h, "jordan@example.org", "still not the password", "")
	}
	rec = acctSignIn(t, h, "jordan@example.org", testPassword, "")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "try again in 5 seconds") || rec.Header().Get("Retry-After") != "5" ||
		!strings.Contains(rec.Body.String(), "A password reset always works") || acctSessionCookie(rec) != nil {
		t.Fatalf("throttled: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	*clock = clock.Add(auth.PasswordThrottle.Base)
	if rec := acctSignIn(t, h, "jordan@example.org", testPassword, ""); rec.Code != 303 {
		t.Fatalf("after the wait: %d", rec.Code)
	}
}

func TestLogoutForm(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	c := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, ""))
	rec := acctDo(t, h, "POST", "/logout", url.Values{}, "", acctCookie(c))
	if rec.Code != 303 || rec.Header().Get("Location") != "/" {
		t.Fatalf("sign-out: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if gone := acctSessionCookie(rec); gone == nil || gone.MaxAge >= 0 {
		t.Fatalf("the cookie is not cleared: %v", gone)
	}
	if acctMe(t, h, acctCookie(c)) != 0 {
		t.Fatal("the session survived sign-out")
	}
	if got := acctAudit(t, s.store()); !slices.Equal(got, []string{"session.sign_in", "session.sign_out"}) {
		t.Fatalf("audit %v", got)
	}
	// Anonymous sign-out goes to the sign-in page.
	if rec := acctDo(t, h, "POST", "/logout", url.Values{}, ""); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("anonymous sign-out: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestSignupFormVerifyByForm(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	st := s.store()
	if rec := acctDo(t, h, "GET", "/signup", nil, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `<label for="password">`) {
		t.Fatalf("sign-up page: %d", rec.Code)
	}
	rec := acctDo(t, h, "POST", "/signup", url.Values{"name": {""}, "email": {"not an address"}, "password": {"short"}}, "")
	body := rec.Body.String()
	for _, want := range []string{"Give an e-mail address such as name@example.org.", "Give your full name (at most 200 characters).",
		"Use at least 12 characters", `id="email" name="email" autocomplete="email" required value="not an address" aria-invalid="true" aria-describedby="email-error"`,
		`aria-describedby="password-hint password-error"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if rec.Code != http.StatusUnprocessableEntity || strings.Contains(body, "short") && strings.Contains(body, `value="short"`) {
		t.Fatalf("invalid sign-up: %d", rec.Code)
	}
	if users, _ := st.Users(context.Background(), ""); len(users) != 1 {
		t.Fatalf("an invalid sign-up created an account: %d accounts", len(users))
	}

	form := url.Values{"name": {"Ana Souza"}, "email": {"ana@example.org"}, "password": {"quiet harbour lantern seven"}}
	rec = acctDo(t, h, "POST", "/signup", form, "")
	if rec.Code != 303 || rec.Header().Get("Location") != "/signup/sent" {
		t.Fatalf("sign-up: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := acctDo(t, h, "GET", "/signup/sent", nil, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Check your mail") {
		t.Fatalf("sent page: %d", rec.Code)
	}
	_, token := mailTo(t, s, "ana@example.org")
	// The same address again (an existing account) answers the same.
	again := acctDo(t, h, "POST", "/signup", url.Values{"name": {"Someone"}, "email": {"jordan@example.org"}, "password": {"another long passphrase"}}, "")
	if again.Code != rec.Code || again.Header().Get("Location") != rec.Header().Get("Location") {
		t.Fatalf("sign-up with a taken address is distinguishable: %d %s", again.Code, again.Header().Get("Location"))
	}
	if subject, _ := mailTo(t, s, "jordan@example.org"); subject != "Someone tried to sign up with your address" {
		t.Fatalf("owner not warned: %q", subject)
	}

	// Opening the link shows the form, asking for the sign-up's password,
	// and does not verify yet.
	rec = acctDo(t, h, "GET", "/verify?token="+token, nil, "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="token" value="`+token+`"`) ||
		!strings.Contains(rec.Body.String(), "The password you chose when you signed up") || !strings.Contains(rec.Body.String(), `name="password"`) {
		t.Fatalf("verify page: %d %s", rec.Code, rec.Body)
	}
	if u, _ := st.UserByEmail(context.Background(), "ana@example.org"); !u.EmailVerifiedAt.IsZero() {
		t.Fatal("opening the link verified the address; only the button may")
	}
	rec = acctDo(t, h, "POST", "/verify", url.Values{"token": {token}, "password": {"quiet harbour lantern seven"}}, "")
	if rec.Code != 303 || rec.Header().Get("Location") != "/login" {
		t.Fatalf("verify: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if u, _ := st.UserByEmail(context.Background(), "ana@example.org"); u.EmailVerifiedAt.IsZero() {
		t.Fatal("not verified")
	}
	if rec := acctDo(t, h, "POST", "/verify", url.Values{"token": {token}, "password": {"quiet harbour lantern seven"}}, ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "unknown, used or expired") {
		t.Fatalf("a used link: %d %s", rec.Code, rec.Body)
	}
	if rec := acctDo(t, h, "GET", "/verify", nil, ""); rec.Code != 400 {
		t.Fatalf("no token: %d", rec.Code)
	}
	if rec := acctSignIn(t, h, "ana@example.org", "quiet harbour lantern seven", ""); rec.Code != 303 {
		t.Fatalf("sign-in after verifying: %d", rec.Code)
	}
	if got := acctAudit(t, st); !slices.Contains(got, "account.sign_up") || !slices.Contains(got, "account.verify_email") {
		t.Fatalf("audit %v", got)
	}
}

func TestPasswordResetByForm(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	old := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, ""))
	if rec := acctDo(t, h, "POST", "/password-reset", url.Values{"email": {""}}, ""); rec.Code != 422 || !strings.Contains(rec.Body.String(), "Give the e-mail address") {
		t.Fatalf("empty: %d", rec.Code)
	}
	known := acctDo(t, h, "POST", "/password-reset", url.Values{"email": {"jordan@example.org"}}, "")
	unknown := acctDo(t, h, "POST", "/password-reset", url.Values{"email": {"nobody@example.org"}}, "")
	if known.Code != 303 || unknown.Code != 303 || known.Header().Get("Location") != "/password-reset/sent" || unknown.Header().Get("Location") != "/password-reset/sent" {
		t.Fatalf("reset requests differ: %d %s / %d %s", known.Code, known.Header().Get("Location"), unknown.Code, unknown.Header().Get("Location"))
	}
	if rec := acctDo(t, h, "GET", "/password-reset/sent", nil, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), "new password") {
		t.Fatalf("sent page: %d", rec.Code)
	}
	due, _ := s.store().DueMail(context.Background(), time.Now().Add(1000*time.Hour), 100)
	if !strings.Contains(due[len(due)-1].Body, "/password-reset/confirm?token=") {
		t.Fatalf("the link does not lead to the form: %s", due[len(due)-1].Body)
	}
	_, token := mailTo(t, s, "jordan@example.org")
	if rec := acctDo(t, h, "GET", "/password-reset/confirm?token="+token, nil, ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="token" value="`+token+`"`) {
		t.Fatalf("confirm page: %d", rec.Code)
	}
	rec := acctDo(t, h, "POST", "/password-reset/confirm", url.Values{"token": {token}, "password": {"short"}}, "")
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Use at least 12 characters") || !strings.Contains(rec.Body.String(), `name="token" value="`+token+`"`) {
		t.Fatalf("weak password: %d %s", rec.Code, rec.Body)
	}
	rec = acctDo(t, h, "POST", "/password-reset/confirm", url.Values{"token": {token}, "password": {"amber orchard river climb"}}, "")
	if rec.Code != 303 || rec.Header().Get("Location") != "/login" {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	if acctMe(t, h, acctCookie(old)) != 0 {
		t.Fatal("the old session survived the reset")
	}
	if rec := acctSignIn(t, h, "jordan@example.org", "amber orchard river climb", ""); rec.Code != 303 {
		t.Fatalf("new password: %d", rec.Code)
	}
	rec = acctDo(t, h, "POST", "/password-reset/confirm", url.Values{"token": {token}, "password": {"another orchard river climb"}}, "")
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "unknown, used or expired") || !strings.Contains(rec.Body.String(), `href="/password-reset"`) {
		t.Fatalf("a used link: %d %s", rec.Code, rec.Body)
	}
}

func TestAccountPageProfile(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	u := addUser(t, st, "rev@example.org", "Robin Vale", auth.Applicant, auth.Reviewer)
	c := sessionFor(t, s, u)
	rec := getAs(t, h, "/account", c)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "rev@example.org") || !strings.Contains(body, `value="Robin Vale"`) || !strings.Contains(body, `name="version" value="1"`) {
		t.Fatalf("account page: %d %s", rec.Code, body)
	}
	if rec := postForm(t, h, "/account", url.Values{"name": {""}, "practice": {"x"}, "version": {"1"}}, c); rec.Code != 422 || !strings.Contains(rec.Body.String(), "Give your full name") {
		t.Fatalf("empty name: %d", rec.Code)
	}
	rec = postForm(t, h, "/account", url.Values{"name": {"Robin A. Vale"}, "practice": {"Harbour Clinic"}, "version": {"1"}}, c)
	if rec.Code != 303 || rec.Header().Get("Location") != "/account" {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	got, _ := st.UserByID(context.Background(), u.ID)
	if got.Name != "Robin A. Vale" || got.Workplace != "Harbour Clinic" || !got.HasRole(auth.Reviewer) || got.Email != "rev@example.org" {
		t.Fatalf("saved %+v", got)
	}
	// A form drawn before that change is refused and changes nothing.
	rec = postForm(t, h, "/account", url.Values{"name": {"Stale"}, "practice": {""}, "version": {"1"}}, c)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "reload the page") {
		t.Fatalf("stale form: %d", rec.Code)
	}
	if got, _ := st.UserByID(context.Background(), u.ID); got.Name != "Robin A. Vale" {
		t.Fatalf("a stale form changed the name to %q", got.Name)
	}
	if !slices.Contains(acctAudit(t, st), "account.update") {
		t.Fatal("no audit entry")
	}
}

var acctSessionIDs = regexp.MustCompile(`/account/sessions/([0-9a-f]{16})/end`)

func TestSessionsListAndEnd(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	laptop := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, "", acctUA("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")))
	*clock = clock.Add(2 * time.Minute)
	phone := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, "",
		acctUA("Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36")))
	other := addUser(t, st, "other@example.org", "Other Person", auth.Applicant)
	otherC := sessionFor(t, s, other)

	rec := getAs(t, h, "/account", laptop)
	body := rec.Body.String()
	ids := acctSessionIDs.FindAllStringSubmatch(body, -1)
	if rec.Code != 200 || len(ids) != 2 || strings.Count(body, "this device</span>") != 1 || !strings.Contains(body, "Firefox on Linux") ||
		!strings.Contains(body, "Chrome on Android") || !strings.Contains(body, "End all other sessions") {
		t.Fatalf("sessions on the account page: %d %v %s", rec.Code, ids, body)
	}

	// The API lists the same, and marks the caller's.
	rec = acctDo(t, h, "GET", "/api/v1/sessions", nil, "", acctCookie(laptop))
	var list struct {
		Sessions []account.SessionJSON `json:"sessions"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &list) != nil || len(list.Sessions) != 2 {
		t.Fatalf("GET /api/v1/sessions: %d %s", rec.Code, rec.Body)
	}
	var phoneID, laptopID string
	for _, x := range list.Sessions {
		if x.Current {
			laptopID = x.ID
		} else {
			phoneID = x.ID
		}
	}
	if laptopID == "" || phoneID == "" || strings.Contains(rec.Body.String(), laptop.Value) {
		t.Fatalf("sessions %+v", list.Sessions)
	}

	// Another user cannot end it, by form or API.
	if rec := postForm(t, h, "/account/sessions/"+phoneID+"/end", url.Values{}, otherC); rec.Code != 404 {
		t.Fatalf("another user's form: %d", rec.Code)
	}
	if rec := acctDo(t, h, "DELETE", "/api/v1/sessions/"+phoneID, nil, "", acctCookie(otherC)); rec.Code != 404 {
		t.Fatalf("another user's DELETE: %d", rec.Code)
	}
	if acctMe(t, h, acctCookie(phone)) == 0 {
		t.Fatal("the session ended anyway")
	}
	for _, bad := range []string{"zzzz", "0000000000000000"} {
		if rec := postForm(t, h, "/account/sessions/"+bad+"/end", url.Values{}, laptop); rec.Code != 404 {
			t.Fatalf("unknown session %s: %d", bad, rec.Code)
		}
	}

	// The owner ends the phone's session from the laptop.
	rec = postForm(t, h, "/account/sessions/"+phoneID+"/end", url.Values{}, laptop)
	if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/account") {
		t.Fatalf("end: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if acctMe(t, h, acctCookie(phone)) != 0 || acctMe(t, h, acctCookie(laptop)) == 0 {
		t.Fatal("ending the phone's session: wrong session ended")
	}

	// Ending the current one signs out.
	rec = postForm(t, h, "/account/sessions/"+laptopID+"/end", url.Values{}, laptop)
	if rec.Code != 303 || rec.Header().Get("Location") != "/login" || acctSessionCookie(rec) == nil || acctSessionCookie(rec).MaxAge >= 0 {
		t.Fatalf("ending this session: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if acctMe(t, h, acctCookie(laptop)) != 0 {
		t.Fatal("the current session survived its end")
	}

	// End all others; and by API.
	var cs []*http.Cookie
	for range 3 {
		cs = append(cs, acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, "")))
	}
	rec = postForm(t, h, "/account/sessions/end-others", url.Values{}, cs[0])
	if rec.Code != 303 || acctMe(t, h, acctCookie(cs[0])) == 0 || acctMe(t, h, acctCookie(cs[1])) != 0 || acctMe(t, h, acctCookie(cs[2])) != 0 {
		t.Fatalf("end others: %d", rec.Code)
	}
	if acctMe(t, h, acctCookie(otherC)) == 0 {
		t.Fatal("ending my other sessions ended another user's")
	}
	second := acctSessionCookie(acctSignIn(t, h, "jordan@example.org", testPassword, ""))
	var sid string
	rec = acctDo(t, h, "GET", "/api/v1/sessions", nil, "", acctCookie(second))
	json.Unmarshal(rec.Body.Bytes(), &list)
	for _, x := range list.Sessions {
		if !x.Current {
			sid = x.ID
		}
	}
	if rec := acctDo(t, h, "DELETE", "/api/v1/sessions/"+sid, nil, "", acctCookie(second)); rec.Code != 204 {
		t.Fatalf("DELETE: %d", rec.Code)
	}
	if acctMe(t, h, acctCookie(cs[0])) != 0 || acctMe(t, h, acctCookie(second)) == 0 {
		t.Fatal("DELETE ended the wrong session")
	}
	audit := strings.Join(acctAudit(t, st), ",")
	if strings.Count(audit, "session.end,") < 2 || !strings.Contains(audit, "session.end_others") {
		t.Fatalf("audit %s", audit)
	}
}
