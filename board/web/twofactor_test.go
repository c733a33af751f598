package web

import (
	"context"
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

var (
	tfSecretInPage   = regexp.MustCompile(`secret=([A-Z2-7]+)`)
	tfRecoveryInPage = regexp.MustCompile(`<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>`)
)

// tfCode is the current code of a secret at the server's clock.
func tfCode(t *testing.T, s *Server, secret string) string {
	t.Helper()
	code, err := auth.TOTPCode(secret, s.now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// tfSetUp turns two-factor sign-in on through the pages and returns the
// secret and the recovery codes.
func tfSetUp(t *testing.T, s *Server, h http.Handler, c *http.Cookie) (string, []string) {
	t.Helper()
	rec := getAs(t, h, "/account/two-factor", c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Set up two-factor sign-in") {
		t.Fatalf("settings page: %d %s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, "/account/two-factor/setup", url.Values{}, c); rec.Code != 303 {
		t.Fatalf("setup: %d %s", rec.Code, rec.Body)
	}
	rec = getAs(t, h, "/account/two-factor", c)
	body := rec.Body.String()
	m := tfSecretInPage.FindStringSubmatch(body)
	if rec.Code != 200 || m == nil || !strings.Contains(body, "otpauth://totp/certboard:") || !strings.Contains(body, `src="data:image/png;base64,`) ||
		!strings.Contains(body, auth.GroupSecret(m[1])) {
		t.Fatalf("setup page: %d %s", rec.Code, body)
	}
	secret := m[1]
	rec = postForm(t, h, "/account/two-factor/confirm", url.Values{"code": {"000000"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "does not match") {
		t.Fatalf("wrong confirming code: %d", rec.Code)
	}
	rec = postForm(t, h, "/account/two-factor/confirm", url.Values{"code": {tfCode(t, s, secret)}}, c)
	var codes []string
	for _, m := range tfRecoveryInPage.FindAllStringSubmatch(rec.Body.String(), -1) {
		codes = append(codes, m[1])
	}
	if rec.Code != 200 || len(codes) != auth.RecoveryCodes || !strings.Contains(rec.Body.String(), "Two-factor sign-in is on") {
		t.Fatalf("confirm: %d, %d recovery codes: %s", rec.Code, len(codes), rec.Body)
	}
	// Shown once: the page no longer lists them.
	if rec := getAs(t, h, "/account/two-factor", c); strings.Contains(rec.Body.String(), codes[0]) || !strings.Contains(rec.Body.String(), "Recovery codes left") {
		t.Fatal("the recovery codes are shown again")
	}
	return secret, codes
}

// tfPasswordStep posts the sign-in form of a two-factor account and returns
// the pending session's cookie.
func tfPasswordStep(t *testing.T, h http.Handler, email, next string) *http.Cookie {
	t.Helper()
	rec := acctSignIn(t, h, email, testPassword, next)
	c := acctSessionCookie(rec)
	if rec.Code != 303 || rec.Header().Get("Location") != "/login/two-factor?next="+url.QueryEscape(account.SafeNext(next, afterSignIn)) || c == nil || c.MaxAge > int(PendingMax.Seconds()) {
		t.Fatalf("password step: %d %s %v", rec.Code, rec.Header().Get("Location"), c)
	}
	return c
}

func TestTwoFactorSetupAndSignIn(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	c := sessionFor(t, s, u)
	secret, recovery := tfSetUp(t, s, h, c)
	if u, _ := st.UserByID(context.Background(), u.ID); !u.TwoFactor() {
		t.Fatal("two-factor sign-in is not on")
	}

	// The password step gives a pending session, which is nobody.
	pending := tfPasswordStep(t, h, "jordan@example.org", "/account")
	if acctMe(t, h, acctCookie(pending)) != 0 {
		t.Fatal("a pending session is a signed-in user on the API")
	}
	if rec := getAs(t, h, "/account", pending); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("a pending session opened a page: %d", rec.Code)
	}
	if rec := getAs(t, h, "/login/two-factor?next=/account", pending); rec.Code != 200 || !strings.Contains(rec.Body.String(), `autocomplete="one-time-code"`) {
		t.Fatalf("code page: %d %s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/login/two-factor", nil); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("code page without a password step: %d", rec.Code)
	}

	// A wrong code; then the code that confirmed the setup, which was used.
	rec := postForm(t, h, "/login/two-factor", url.Values{"code": {"123456"}, "next": {"/account"}}, pending)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "This code is not right") || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
		t.Fatalf("wrong code: %d %s", rec.Code, rec.Body)
	}
	rec = postForm(t, h, "/login/two-factor", url.Values{"code": {tfCode(t, s, secret)}, "next": {"/account"}}, pending)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "already used") {
		t.Fatalf("replayed code: %d %s", rec.Code, rec.Body)
	}

	// The next step's code signs in, with a fresh token.
	*clock = clock.Add(auth.TOTPPeriod)
	rec = postForm(t, h, "/login/two-factor", url.Values{"code": {tfCode(t, s, secret)}, "next": {"/account"}}, pending)
	full := acctSessionCookie(rec)
	if rec.Code != 303 || rec.Header().Get("Location") != "/account" || full == nil || full.Value == pending.Value {
		t.Fatalf("right code: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if acctMe(t, h, acctCookie(full)) != u.ID {
		t.Fatal("the upgraded session does not sign in")
	}
	if rec := getAs(t, h, "/login/two-factor", pending); rec.Code != 303 {
		t.Fatal("the pending token still works after the upgrade")
	}

	// The same code again, for another sign-in within its step: refused.
	pending = tfPasswordStep(t, h, "jordan@example.org", "")
	rec = postForm(t, h, "/login/two-factor", url.Values{"code": {tfCode(t, s, secret)}}, pending)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "already used") {
		t.Fatalf("a code used twice: %d", rec.Code)
	}

	// A recovery code instead, typed loosely; it works once.
	rec = postForm(t, h, "/login/two-factor", url.Values{"code": {" " + strings.ToUpper(recovery[3]) + " "}}, pending)
	if rec.Code != 303 || rec.Header().Get("Location") != "/" {
		t.Fatalf("recovery code: %d %s", rec.Code, rec.Body)
	}
	pending = tfPasswordStep(t, h, "jordan@example.org", "")
	if rec := postForm(t, h, "/login/two-factor", url.Values{"code": {recovery[3]}}, pending); rec.Code != 401 {
		t.Fatalf("a recovery code used twice: %d", rec.Code)
	}
	if n, _ := st.RecoveryCodesLeft(context.Background(), u.ID); n != auth.RecoveryCodes-1 {
		t.Fatalf("%d recovery codes left", n)
	}

	audit := acctAudit(t, st)
	for _, want := range []string{"account.two_factor_setup", "account.two_factor_on", "account.recovery_code_used", "session.sign_in"} {
		if !slices.Contains(audit, want) {
			t.Errorf("no %s in the audit log %v", want, audit)
		}
	}
	log, _ := st.AuditLog(context.Background())
	var hows []string
	for _, e := range log {
		if e.Action == "session.sign_in" {
			hows = append(hows, e.After)
		}
	}
	if !slices.Equal(hows, []string{"totp", "recovery code"}) {
		t.Fatalf("sign-ins audited as %v", hows)
	}
}

func TestTwoFactorJSONLogin(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	secret, _ := auth.NewTOTPSecret()
	if err := st.EnableTOTP(context.Background(), u.ID, secret, *clock); err != nil {
		t.Fatal(err)
	}
	body := func(extra string) string {
		return `{"email": "jordan@example.org", "password": "` + testPassword + `"` + extra + `}`
	}
	rec := call(t, h, "POST", "/api/v1/session", body(""))
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "Two-factor code needed") || acctSessionCookie(rec) != nil {
		t.Fatalf("without a code: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/session", body(`, "totp": "000000"`)); rec.Code != 401 || !strings.Contains(rec.Body.String(), "not right") {
		t.Fatalf("wrong code: %d %s", rec.Code, rec.Body)
	}
	rec = call(t, h, "POST", "/api/v1/session", body(`, "totp": "`+tfCode(t, s, secret)+`"`))
	if rec.Code != 200 || acctMe(t, h, acctCookie(sessionCookie(t, rec))) != u.ID {
		t.Fatalf("right code: %d %s", rec.Code, rec.Body)
	}
	if rec := call(t, h, "POST", "/api/v1/session", body(`, "totp": "`+tfCode(t, s, secret)+`"`)); rec.Code != 401 || !strings.Contains(rec.Body.String(), "already used") {
		t.Fatalf("replayed code: %d %s", rec.Code, rec.Body)
	}
	// A wrong password with a right code is still a wrong password.
	*clock = clock.Add(auth.TOTPPeriod)
	wrong := `{"email": "jordan@example.org", "password": "wrong password here", "totp": "` + tfCode(t, s, secret) + `"}`
	if rec := call(t, h, "POST", "/api/v1/session", wrong); rec.Code != 401 || !strings.Contains(rec.Body.String(), "password is not right") {
		t.Fatalf("wrong password: %d", rec.Code)
	}
}

func TestTwoFactorWrongCodesAreLimited(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	secret, _ := auth.NewTOTPSecret()
	st.EnableTOTP(context.Background(), u.ID, secret, *clock)
	pending := tfPasswordStep(t, h, "jordan@example.org", "")
	for range auth.CodeThrottle.Free {
		postForm(t, h, "/login/two-factor", url.Values{"code": {"999999"}}, pending)
	}
	rec := postForm(t, h, "/login/two-factor", url.Values{"code": {tfCode(t, s, secret)}}, pending)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "try again in 5 seconds") || rec.Header().Get("Retry-After") != "5" {
		t.Fatalf("after %d wrong codes the right one must wait: %d %s", auth.CodeThrottle.Free, rec.Code, rec.Body)
	}
	// The JSON sign-in shares the limit.
	if rec := call(t, h, "POST", "/api/v1/session", `{"email": "jordan@example.org", "password": "`+testPassword+`", "totp": "`+tfCode(t, s, secret)+`"}`); rec.Code != 429 {
		t.Fatalf("JSON sign-in while paused: %d", rec.Code)
	}
	*clock = clock.Add(auth.CodeThrottle.Base)
	pending = tfPasswordStep(t, h, "jordan@example.org", "")
	if rec := postForm(t, h, "/login/two-factor", url.Values{"code": {tfCode(t, s, secret)}}, pending); rec.Code != 303 {
		t.Fatalf("after the wait: %d %s", rec.Code, rec.Body)
	}
}

func TestTwoFactorTurnOff(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	u, _ := st.UserByEmail(context.Background(), "jordan@example.org")
	c := sessionFor(t, s, u)
	secret, recovery := tfSetUp(t, s, h, c)

	// Signed in longer ago than ReauthWindow: sent to confirm first.
	*clock = clock.Add(ReauthWindow + time.Minute)
	rec := postForm(t, h, "/account/two-factor/disable", url.Values{}, c)
	if rec.Code != 303 || rec.Header().Get("Location") != "/account/confirm?next=%2Faccount%2Ftwo-factor" {
		t.Fatalf("turning off without a recent sign-in: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if u, _ := st.UserByID(context.Background(), u.ID); !u.TwoFactor() {
		t.Fatal("a refused request turned it off")
	}
	// A recovery code does not confirm; the password and an app code do.
	if rec := raConfirm(t, h, c, testPassword, recovery[0], "/account/two-factor"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "a recovery code cannot be used") {
		t.Fatalf("confirming with a recovery code: %d %s", rec.Code, rec.Body)
	}
	if rec := raConfirm(t, h, c, testPassword, tfCode(t, s, secret), "/account/two-factor"); rec.Code != 303 || rec.Header().Get("Location") != "/account/two-factor" {
		t.Fatalf("confirming: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	rec = postForm(t, h, "/account/two-factor/disable", url.Values{}, c)
	if rec.Code != 303 || rec.Header().Get("Location") != "/account/two-factor" {
		t.Fatalf("turn off: %d %s", rec.Code, rec.Body)
	}
	if u, _ := st.UserByID(context.Background(), u.ID); u.TwoFactor() {
		t.Fatal("still on")
	}
	if got := acctAudit(t, st); !slices.Contains(got, "account.two_factor_off") || !slices.Contains(got, "session.confirm") {
		t.Fatalf("not audited: %v", got)
	}
	if mails := tfMails(t, s, u.Email); len(mails) == 0 || mails[len(mails)-1].Subject != "Two-factor sign-in was turned off" {
		t.Fatalf("the owner was not told: %+v", mails)
	}
	// Signing in needs only the password again.
	if rec := acctSignIn(t, h, "jordan@example.org", testPassword, ""); rec.Code != 303 || rec.Header().Get("Location") != "/" {
		t.Fatalf("sign-in after turning off: %d %s", rec.Code, rec.Header().Get("Location"))
	}

	// Staff must keep it.
	staffSecret, _ := auth.NewTOTPSecret()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	st.EnableTOTP(context.Background(), staff.ID, staffSecret, *clock)
	sc := sessionFor(t, s, staff)
	if rec := getAs(t, h, "/account/two-factor", sc); !strings.Contains(rec.Body.String(), "must keep two-factor sign-in on") || strings.Contains(rec.Body.String(), "/account/two-factor/disable") {
		t.Fatalf("staff settings page offers to turn off: %s", rec.Body)
	}
	if rec := postForm(t, h, "/account/two-factor/disable", url.Values{"code": {tfCode(t, s, staffSecret)}}, sc); rec.Code != 403 {
		t.Fatalf("staff turning off: %d", rec.Code)
	}
	if got, _ := st.UserByID(context.Background(), staff.ID); !got.TwoFactor() {
		t.Fatal("staff turned it off")
	}
}

func TestStaffWithoutTwoFactorAreSentToSetUp(t *testing.T) {
	s, st := newServer(t)
	s.route("GET /tf-test/staff-page", Staff, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("staff only")) }))
	s.route("GET /api/v1/tf-test/staff", Staff, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("staff only")) }))
	h := s.Handler()
	ctx := context.Background()
	now := s.now()
	_, err := st.CreateUser(ctx, boardsql.User{Email: "new.staff@example.org", Name: "New Staff", PasswordHash: testHash(), Roles: []auth.Role{auth.Staff},
		CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	// The password alone signs them in (two-factor is not on yet) ...
	rec := acctSignIn(t, h, "new.staff@example.org", testPassword, "/tf-test/staff-page")
	c := acctSessionCookie(rec)
	if rec.Code != 303 || c == nil {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	// ... but staff pages send them to set it up, and the API refuses.
	rec = getAs(t, h, "/tf-test/staff-page", c)
	if rec.Code != 303 || rec.Header().Get("Location") != "/account/two-factor?required=1" {
		t.Fatalf("staff page without two-factor: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := getAs(t, h, "/api/v1/tf-test/staff", c); rec.Code != 403 {
		t.Fatalf("staff API without two-factor: %d", rec.Code)
	}
	rec = getAs(t, h, "/account/two-factor?required=1", c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Board staff and admins must turn on two-factor sign-in") {
		t.Fatalf("required page: %d %s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/account", c); !strings.Contains(rec.Body.String(), "/account/two-factor?required=1") {
		t.Fatal("the account page does not point staff to the setup")
	}
	tfSetUp(t, s, h, c)
	if rec := getAs(t, h, "/tf-test/staff-page", c); rec.Code != 200 || rec.Body.String() != "staff only" {
		t.Fatalf("after setting it up: %d", rec.Code)
	}
}

// TestEnableTOTPForTests shows how the demo seeder and browser tests sign in
// staff: a known secret, and auth.TOTPCode at the server's time.
func TestEnableTOTPForTests(t *testing.T) {
	s, st := newServer(t)
	clock := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	s.cfg.Now = func() time.Time { return clock }
	h := s.Handler()
	admin := addUser(t, st, "admin@example.org", "Ada Admin", auth.Admin)
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := st.EnableTOTP(context.Background(), admin.ID, secret, clock); err != nil {
		t.Fatal(err)
	}
	pending := tfPasswordStep(t, h, "admin@example.org", "/account")
	code, _ := auth.TOTPCode(secret, clock)
	rec := postForm(t, h, "/login/two-factor", url.Values{"code": {code}, "next": {"/account"}}, pending)
	if rec.Code != 303 || acctMe(t, h, acctCookie(acctSessionCookie(rec))) != admin.ID {
		t.Fatalf("admin sign-in with a computed code: %d %s", rec.Code, rec.Body)
	}
}

// TestTurningTwoFactorOnEndsPasswordOnlySessions: sessions that signed in
// with the password alone end when two-factor sign-in is turned on; the one
// that confirmed the code stays.
func TestTurningTwoFactorOnEndsPasswordOnlySessions(t *testing.T) {
	s, _ := withAccount(t)
	h := s.Handler()
	u, _ := s.store().UserByEmail(context.Background(), "jordan@example.org")
	other := sessionFor(t, s, u)
	here := sessionFor(t, s, u)
	if acctMe(t, h, acctCookie(other)) != u.ID {
		t.Fatal("the other session does not sign in before the setup")
	}
	tfSetUp(t, s, h, here)
	if acctMe(t, h, acctCookie(here)) != u.ID {
		t.Fatal("the session that confirmed the code was ended")
	}
	if acctMe(t, h, acctCookie(other)) != 0 {
		t.Fatal("a password-only session outlived turning two-factor sign-in on")
	}
}

// tfRenew posts the form that makes new recovery codes.
func tfRenew(t *testing.T, h http.Handler, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	return postForm(t, h, "/account/two-factor/recovery-codes", url.Values{}, c)
}

// tfSignInWith runs a whole two-factor sign-in with a second-factor code
// and reports whether it signed in.
func tfSignInWith(t *testing.T, h http.Handler, email, code string) bool {
	t.Helper()
	pending := tfPasswordStep(t, h, email, "")
	rec := postForm(t, h, "/login/two-factor", url.Values{"code": {code}}, pending)
	return rec.Code == http.StatusSeeOther && acctSessionCookie(rec) != nil
}

func TestRecoveryCodesRenewed(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	c := sessionFor(t, s, u)
	secret, old := tfSetUp(t, s, h, c)
	*clock = clock.Add(auth.TOTPPeriod)

	page := getAs(t, h, "/account/two-factor", c).Body.String()
	if !strings.Contains(page, `action="/account/two-factor/recovery-codes"`) || !strings.Contains(page, "10 of 10") || strings.Contains(page, `id="codes-low"`) {
		t.Fatalf("settings page with a full set of codes: %s", page)
	}

	// A forged cross-site post is refused before the handler, even from
	// a session that just signed in.
	req := httptest.NewRequest(http.MethodPost, "/account/two-factor/recovery-codes", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", rec.Code)
	}
	// Without a recent sign-in or confirmation: sent to confirm.
	*clock = clock.Add(ReauthWindow)
	if rec := tfRenew(t, h, c); rec.Code != 303 || rec.Header().Get("Location") != "/account/confirm?next=%2Faccount%2Ftwo-factor" {
		t.Fatalf("without a recent sign-in: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != auth.RecoveryCodes || slices.Contains(acctAudit(t, st), "account.recovery_codes_new") {
		t.Fatalf("a refused request changed the codes: %d left", n)
	}
	mailsBefore := len(tfMails(t, s, u.Email))

	// Confirmed, it makes a new set, shown once.
	if rec := raConfirm(t, h, c, testPassword, tfCode(t, s, secret), "/account/two-factor"); rec.Code != 303 {
		t.Fatalf("confirming: %d %s", rec.Code, rec.Body)
	}
	rec = tfRenew(t, h, c)
	var fresh []string
	for _, m := range tfRecoveryInPage.FindAllStringSubmatch(rec.Body.String(), -1) {
		fresh = append(fresh, m[1])
	}
	if rec.Code != 200 || len(fresh) != auth.RecoveryCodes || !strings.Contains(rec.Body.String(), "Your earlier recovery codes no longer work") {
		t.Fatalf("renew: %d, %d codes: %s", rec.Code, len(fresh), rec.Body)
	}
	for _, f := range fresh {
		if slices.Contains(old, f) {
			t.Fatalf("new code %s was an old one", f)
		}
	}
	if rec := getAs(t, h, "/account/two-factor", c); strings.Contains(rec.Body.String(), fresh[0]) {
		t.Fatal("the new codes are shown again")
	}
	// The confirmation lasts ReauthWindow, no longer.
	*clock = clock.Add(ReauthWindow)
	if rec := tfRenew(t, h, c); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/account/confirm") {
		t.Fatalf("renewing after the confirmation ran out: %d", rec.Code)
	}

	// Audited, and the user is told by mail.
	if got := acctAudit(t, st); !slices.Contains(got, "account.recovery_codes_new") {
		t.Fatalf("no account.recovery_codes_new in %v", got)
	}
	mails := tfMails(t, s, u.Email)
	if len(mails) != mailsBefore+1 || !strings.Contains(mails[len(mails)-1].Subject, "recovery codes") ||
		!strings.Contains(mails[len(mails)-1].Body, "earlier recovery codes no longer work") || strings.Contains(mails[len(mails)-1].Body, fresh[0]) {
		t.Fatalf("mail: %+v", mails)
	}

	// Old codes stop working; a new one works once.
	if tfSignInWith(t, h, "jordan@example.org", old[1]) {
		t.Fatal("an old recovery code still signs in")
	}
	if !tfSignInWith(t, h, "jordan@example.org", fresh[2]) {
		t.Fatal("a new recovery code does not sign in")
	}
	if tfSignInWith(t, h, "jordan@example.org", fresh[2]) {
		t.Fatal("a new recovery code signed in twice")
	}

	// Few codes left: the page warns from RecoveryCodesLow down. One new
	// code was used; using five more leaves four: 0, 1, 8 and 9.
	for _, f := range fresh[3:8] {
		if err := st.UseRecoveryCode(ctx, st.DB, u.ID, auth.Digest(auth.NormalizeRecoveryCode(f)), *clock); err != nil {
			t.Fatal(err)
		}
	}
	if page := getAs(t, h, "/account/two-factor", c).Body.String(); !strings.Contains(page, "4 of 10") || strings.Contains(page, `id="codes-low"`) {
		t.Fatalf("4 codes left: %s", page)
	}
	if err := st.UseRecoveryCode(ctx, st.DB, u.ID, auth.Digest(auth.NormalizeRecoveryCode(fresh[len(fresh)-1])), *clock); err != nil {
		t.Fatal(err)
	}
	if page := getAs(t, h, "/account/two-factor", c).Body.String(); !strings.Contains(page, "Only 3 recovery codes are left") {
		t.Fatalf("3 codes left, no warning: %s", page)
	}
}

// tfMails lists the outbox messages to one address.
func tfMails(t *testing.T, s *Server, to string) []boardsql.Mail {
	t.Helper()
	due, err := s.store().DueMail(context.Background(), time.Now().Add(1000*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []boardsql.Mail
	for _, m := range due {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

func TestRecoveryCodesRenewalLimits(t *testing.T) {
	s, clock := withAccount(t)
	h := s.Handler()
	st := s.store()
	ctx := context.Background()
	u, _ := st.UserByEmail(ctx, "jordan@example.org")
	c := sessionFor(t, s, u)

	// Off: nothing to replace.
	if rec := tfRenew(t, h, c); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor" {
		t.Fatalf("with two-factor off: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if page := getAs(t, h, "/account/two-factor", c).Body.String(); strings.Contains(page, "/account/two-factor/recovery-codes") {
		t.Fatal("the form is offered with two-factor off")
	}
	// Signed out: sent to sign in.
	if rec := tfRenew(t, h, nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("signed out: %d", rec.Code)
	}

	// Wrong codes at the confirmation count toward the two-factor limits.
	secret, old := tfSetUp(t, s, h, c)
	*clock = clock.Add(ReauthWindow + time.Minute)
	for range auth.CodeThrottle.Free {
		if rec := raConfirm(t, h, c, testPassword, "999999", "/account/two-factor"); rec.Code != 422 {
			t.Fatalf("wrong code: %d", rec.Code)
		}
	}
	rec := raConfirm(t, h, c, testPassword, tfCode(t, s, secret), "/account/two-factor")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), "try again in 5 seconds") {
		t.Fatalf("after %d wrong codes: %d %s", auth.CodeThrottle.Free, rec.Code, rec.Body)
	}
	if rec := tfRenew(t, h, c); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/account/confirm") {
		t.Fatalf("renewing while paused: %d", rec.Code)
	}
	// The limit is the one of two-factor sign-in: it pauses that too.
	if tfSignInWith(t, h, "jordan@example.org", old[0]) {
		t.Fatal("sign-in with a recovery code while paused")
	}
	if slices.Contains(acctAudit(t, st), "account.recovery_codes_new") {
		t.Fatal("codes made while paused")
	}
	*clock = clock.Add(auth.CodeThrottle.Base)
	if rec := raConfirm(t, h, c, testPassword, tfCode(t, s, secret), "/account/two-factor"); rec.Code != 303 {
		t.Fatalf("confirming after the wait: %d %s", rec.Code, rec.Body)
	}
	if rec := tfRenew(t, h, c); rec.Code != 200 {
		t.Fatalf("after the wait: %d %s", rec.Code, rec.Body)
	}
	if tfSignInWith(t, h, "jordan@example.org", old[0]) {
		t.Fatal("an old code signs in after renewing")
	}
}
