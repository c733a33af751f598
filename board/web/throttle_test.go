package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// Client addresses of the throttling tests: the owner's, an attacker's on
// another network, and two addresses of one IPv6 /64.
const (
	ownerAddr    = "192.0.2.7:5555"
	attackerAddr = "198.51.100.9:4444"
	v6a          = "[2001:db8:1:2::1]:443"
	v6b          = "[2001:db8:1:2:ffff::9]:443"
	v6other      = "[2001:db8:1:3::1]:443"
)

// throttleServers returns a server with Jordan's account (the password
// testPassword) and its own clock on each engine: SQLite, and PostgreSQL in
// a database made for the test (skipped without a reachable PostgreSQL, or
// failing when CERTBOARD_CI=1).
func throttleServers(t *testing.T) map[string]*Server {
	t.Helper()
	out := map[string]*Server{"sqlite": throttleServer(t)}
	if pg := throttlePostgres(t); pg != nil {
		out["postgres"] = throttleReady(t, serverOn(t, pg))
	}
	return out
}

// throttleServer is throttleServers on SQLite only.
func throttleServer(t *testing.T) *Server {
	t.Helper()
	s, _ := newServer(t)
	return throttleReady(t, s)
}

// throttleReady gives a server its clock and Jordan's account, and lets
// every request past the rate limits of anonymous forms, which would
// otherwise answer before the throttle these tests are about.
func throttleReady(t *testing.T, s *Server) *Server {
	t.Helper()
	s.anonLimitsOff = true
	clock := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.cfg.Now = func() time.Time { return clock }
	s.usePublicURL(t, "https://board.example.org")
	if _, err := s.store().CreateUser(context.Background(), boardsql.User{Email: "jordan@example.org", Name: "Jordan Reyes",
		PasswordHash: testHash(), Roles: []auth.Role{auth.Applicant}, CreatedAt: clock, EmailVerifiedAt: clock}); err != nil {
		t.Fatal(err)
	}
	return s
}

// advance moves a server's clock (set by throttleServers) forward.
func advance(s *Server, d time.Duration) {
	now := s.cfg.Now().Add(d)
	s.cfg.Now = func() time.Time { return now }
}

// throttlePostgres opens a fresh, migrated PostgreSQL store, dropped after
// the test, or returns nil when there is none to test with.
func throttlePostgres(t *testing.T) *boardsql.Store {
	t.Helper()
	ctx := context.Background()
	dbURL, err := sqldbtest.Postgres(t)
	if err != nil {
		t.Logf("testing SQLite only: %v", err)
		return nil
	}
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: dbURL, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// checks is how many sign-in checks of a step ended with an outcome, from
// the server's metrics.
func checks(t *testing.T, s *Server, step, outcome string) int {
	t.Helper()
	families, err := s.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "certboard_sign_in_checks_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["step"] == step && labels["outcome"] == outcome {
				return int(m.GetCounter().GetValue())
			}
		}
	}
	return 0
}

// from sends a request from a client address: JSON (body), or a form as a
// same-origin browser would (form not nil), with cookies.
func from(t *testing.T, h http.Handler, addr, method, path string, form url.Values, body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	if form != nil {
		body = form.Encode()
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	req.RemoteAddr = addr
	for _, c := range cookies {
		if c != nil {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// signIn posts the JSON sign-in from an address.
func signIn(t *testing.T, h http.Handler, addr, email, password string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	return from(t, h, addr, "POST", "/api/v1/session", nil, fmt.Sprintf(`{"email": %q, "password": %q}`, email, password), cookies...)
}

// parallel runs f n times at once and waits for all.
func parallel(n int, f func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			f()
		})
	}
	close(start)
	wg.Wait()
}

// TestParallelWrongPasswordsAreCounted fires 200 wrong passwords for one
// account from one address at once: no more than the free attempts are
// checked (hashed), the rest are answered 429 before hashing.
func TestParallelWrongPasswordsAreCounted(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			var mu sync.Mutex
			codes := map[int]int{}
			parallel(200, func() {
				rec := signIn(t, h, ownerAddr, "jordan@example.org", "not the right password")
				mu.Lock()
				codes[rec.Code]++
				mu.Unlock()
			})
			if got := checks(t, s, auth.StepPassword, "wrong"); got != auth.PasswordThrottle.Free {
				t.Fatalf("%d passwords checked, want %d (answers %v)", got, auth.PasswordThrottle.Free, codes)
			}
			if codes[http.StatusUnauthorized] != auth.PasswordThrottle.Free || codes[http.StatusTooManyRequests] != 200-auth.PasswordThrottle.Free {
				t.Fatalf("answers %v", codes)
			}
			// The same for addresses that have no account, counted alike.
			parallel(200, func() { signIn(t, h, attackerAddr, "nobody@example.org", "not the right password") })
			if got := checks(t, s, auth.StepPassword, "wrong"); got != 2*auth.PasswordThrottle.Free {
				t.Fatalf("%d passwords checked after the unknown address, want %d", got, 2*auth.PasswordThrottle.Free)
			}
		})
	}
}

// tfAccount turns two-factor sign-in on for Jordan and returns the user
// and the secret.
func tfAccount(t *testing.T, s *Server) (*boardsql.User, string) {
	t.Helper()
	ctx := context.Background()
	u, err := s.store().UserByEmail(ctx, "jordan@example.org")
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := auth.NewTOTPSecret()
	if err := s.store().EnableTOTP(ctx, u.ID, secret, s.now()); err != nil {
		t.Fatal(err)
	}
	u, _ = s.store().UserByID(ctx, u.ID)
	return u, secret
}

// passwordStep posts the sign-in form of a two-factor account from an
// address and returns the pending session's cookie.
func passwordStep(t *testing.T, h http.Handler, addr string, cookies ...*http.Cookie) *http.Cookie {
	t.Helper()
	rec := from(t, h, addr, "POST", "/login", url.Values{"email": {"jordan@example.org"}, "password": {testPassword}}, "", cookies...)
	c := acctSessionCookie(rec)
	if rec.Code != http.StatusSeeOther || c == nil {
		t.Fatalf("password step: %d %s", rec.Code, rec.Body)
	}
	return c
}

// TestParallelWrongCodesAreCounted fires 200 wrong second-factor codes at
// a pending sign-in at once: no more than the free attempts are checked.
func TestParallelWrongCodesAreCounted(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			tfAccount(t, s)
			pending := passwordStep(t, h, attackerAddr)
			var mu sync.Mutex
			codes := map[int]int{}
			parallel(100, func() {
				rec := from(t, h, attackerAddr, "POST", "/login/two-factor", url.Values{"code": {"999999"}}, "", pending)
				mu.Lock()
				codes[rec.Code]++
				mu.Unlock()
			})
			// Recovery codes share the counter.
			parallel(100, func() {
				rec := from(t, h, attackerAddr, "POST", "/login/two-factor", url.Values{"code": {"aaaa-bbbb-cccc"}}, "", pending)
				mu.Lock()
				codes[rec.Code]++
				mu.Unlock()
			})
			if got := checks(t, s, auth.StepCode, "wrong"); got != auth.CodeThrottle.Free {
				t.Fatalf("%d codes checked, want %d (answers %v)", got, auth.CodeThrottle.Free, codes)
			}
			if codes[http.StatusTooManyRequests] != 200-auth.CodeThrottle.Free {
				t.Fatalf("answers %v", codes)
			}
		})
	}
}

// TestParallelWrongTokensAreCounted fires 200 wrong tokens of mailed links
// from one network at once: no more than the free attempts are checked.
func TestParallelWrongTokensAreCounted(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			var mu sync.Mutex
			codes := map[int]int{}
			parallel(200, func() {
				token, _, _ := auth.NewToken()
				rec := from(t, h, v6a, "POST", "/api/v1/accounts/verify", nil, `{"token": "`+token+`", "password": "any password at all"}`)
				mu.Lock()
				codes[rec.Code]++
				mu.Unlock()
			})
			if got := checks(t, s, auth.StepToken, "wrong"); got != auth.TokenThrottle.Free || codes[http.StatusTooManyRequests] != 200-auth.TokenThrottle.Free {
				t.Fatalf("%d tokens checked, want %d (answers %v)", got, auth.TokenThrottle.Free, codes)
			}
			// Reset links share the counter, and the /64: another address of
			// it is paused too.
			parallel(50, func() {
				token, _, _ := auth.NewToken()
				from(t, h, v6b, "POST", "/api/v1/password-reset/confirm", nil, `{"token": "`+token+`", "password": "a brand new passphrase"}`)
			})
			if got := checks(t, s, auth.StepToken, "wrong"); got != auth.TokenThrottle.Free {
				t.Fatalf("%d tokens checked after the resets, want %d", got, auth.TokenThrottle.Free)
			}
			rec := from(t, h, v6b, "POST", "/password-reset/confirm", url.Values{"token": {"x"}, "password": {"a brand new passphrase"}}, "")
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "a password reset always works") {
				t.Fatalf("reset page while paused: %d %s", rec.Code, rec.Body)
			}
			// Another /64 is not.
			if rec := from(t, h, v6other, "POST", "/api/v1/accounts/verify", nil, `{"token": "x", "password": "any password at all"}`); rec.Code != http.StatusBadRequest {
				t.Fatalf("another network: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestAttackerCannotLockOutOwner: wrong passwords from another network, as
// many as the attacker likes, never stop the owner signing in from theirs;
// the attacker is slowed down more and more.
func TestAttackerCannotLockOutOwner(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	for i := range 50 {
		signIn(t, h, attackerAddr, "jordan@example.org", "guess number "+fmt.Sprint(i))
	}
	if rec := signIn(t, h, attackerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("the attacker's network is not slowed down: %d", rec.Code)
	}
	if rec := signIn(t, h, ownerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("the owner was locked out by failures elsewhere: %d %s", rec.Code, rec.Body)
	}
	// An IPv6 client is one /64: changing the address within it does not
	// help, another /64 is another network.
	for range auth.PasswordThrottle.Free {
		signIn(t, h, v6a, "jordan@example.org", "wrong guess")
	}
	if rec := signIn(t, h, v6b, "jordan@example.org", "wrong guess"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("another address of the same /64: %d", rec.Code)
	}
	if rec := signIn(t, h, v6other, "jordan@example.org", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("another /64: %d", rec.Code)
	}
}

// TestNetworkCapAcrossAccounts: one network guessing many accounts is
// slowed down once it has failed auth.NetworkThrottle.Free times, whatever the
// accounts; other networks are not.
func TestNetworkCapAcrossAccounts(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	for i := range auth.NetworkThrottle.Free {
		if rec := signIn(t, h, attackerAddr, fmt.Sprintf("user%d@example.org", i), "some guess here"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	if rec := signIn(t, h, attackerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("past the network's free failures: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := signIn(t, h, ownerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("from another network: %d", rec.Code)
	}
	// Right passwords are not failures: they do not use up the network's
	// allowance (an office behind one address signs in all day).
	s2 := throttleServer(t)
	h2 := s2.Handler()
	for range auth.NetworkThrottle.Free + 2 {
		if rec := signIn(t, h2, ownerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusOK {
			t.Fatalf("right passwords from one network: %d", rec.Code)
		}
	}
}

// TestBackoffGrows: past the free failures each wait doubles, up to the
// longest wait; a right password clears the count.
func TestBackoffGrows(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	for range auth.PasswordThrottle.Free {
		signIn(t, h, ownerAddr, "jordan@example.org", "wrong guess")
	}
	var waits []string
	for range 10 {
		rec := signIn(t, h, ownerAddr, "jordan@example.org", "wrong guess")
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("not paused: %d", rec.Code)
		}
		wait := rec.Header().Get("Retry-After")
		waits = append(waits, wait)
		var secs int
		fmt.Sscan(wait, &secs)
		advance(s, time.Duration(secs)*time.Second)
		if rec := signIn(t, h, ownerAddr, "jordan@example.org", "wrong guess"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("after the wait: %d", rec.Code)
		}
	}
	if got := strings.Join(waits, " "); got != "5 10 20 40 80 160 320 640 900 900" {
		t.Fatalf("waits %s", got)
	}
	advance(s, 15*time.Minute)
	if rec := signIn(t, h, ownerAddr, "jordan@example.org", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("the right password after the wait: %d", rec.Code)
	}
	for range auth.PasswordThrottle.Free {
		if rec := signIn(t, h, ownerAddr, "jordan@example.org", "wrong guess"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("a right password did not clear the count: %d", rec.Code)
		}
	}
}

// TestPasswordResetClearsThrottle: an owner paused on their own network
// (and on codes) is free again right after a password reset.
func TestPasswordResetClearsThrottle(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			u, _ := tfAccount(t, s)
			// Someone with the password guessed codes; the owner forgot
			// the password and kept trying.
			pending := passwordStep(t, h, attackerAddr)
			for range auth.CodeThrottle.Free + 3 {
				from(t, h, attackerAddr, "POST", "/login/two-factor", url.Values{"code": {"999999"}}, "", pending)
			}
			for range auth.PasswordThrottle.Free + 3 {
				signIn(t, h, ownerAddr, "jordan@example.org", "what was it again")
			}
			if rec := signIn(t, h, ownerAddr, "jordan@example.org", "what was it again"); rec.Code != http.StatusTooManyRequests {
				t.Fatalf("not paused: %d", rec.Code)
			}
			if rec := from(t, h, ownerAddr, "POST", "/api/v1/password-reset", nil, `{"email": "jordan@example.org"}`); rec.Code != http.StatusAccepted {
				t.Fatalf("reset request: %d", rec.Code)
			}
			_, token := mailTo(t, s, "jordan@example.org")
			if rec := from(t, h, ownerAddr, "POST", "/password-reset/confirm", url.Values{"token": {token}, "password": {"a brand new passphrase"}}, ""); rec.Code != http.StatusSeeOther {
				t.Fatalf("reset: %d %s", rec.Code, rec.Body)
			}
			for _, k := range []boardsql.ThrottleKey{auth.PasswordKey("jordan@example.org", "192.0.2.7"), auth.CodeKey(u)} {
				if a, err := s.store().Throttle(context.Background(), k); err != nil || a.Failures != 0 {
					t.Fatalf("%s survived the reset: %+v %v", k.Scope, a, err)
				}
			}
			if rec := from(t, h, ownerAddr, "POST", "/login", url.Values{"email": {"jordan@example.org"}, "password": {"a brand new passphrase"}}, ""); rec.Code != http.StatusSeeOther {
				t.Fatalf("sign-in after the reset: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// deviceCookie is the device cookie a response sets, or nil.
func deviceCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == DeviceCookie {
			return c
		}
	}
	return nil
}

// TestKnownDeviceSignIn: a full sign-in with the second factor makes the
// browser a known device; from it the owner is not slowed down by failures
// on their network, and signing in clears the account's counters.
func TestKnownDeviceSignIn(t *testing.T) {
	for name, s := range throttleServers(t) {
		t.Run(name, func(t *testing.T) {
			h := s.Handler()
			u, secret := tfAccount(t, s)
			code := func() string { return tfCode(t, s, secret) }
			pending := passwordStep(t, h, ownerAddr)
			rec := from(t, h, ownerAddr, "POST", "/login/two-factor", url.Values{"code": {code()}}, "", pending)
			device := deviceCookie(rec)
			if rec.Code != http.StatusSeeOther || device == nil {
				t.Fatalf("full sign-in: %d, device cookie %v", rec.Code, device)
			}
			if !device.Secure || !device.HttpOnly || device.Path != "/" || device.Domain != "" || device.MaxAge < 30*24*3600 || !auth.ValidDeviceToken(device.Value) {
				t.Fatalf("device cookie attributes: %+v", device)
			}
			ok, err := s.store().KnownDevice(context.Background(), u.ID, auth.Digest(device.Value), s.now())
			if err != nil || !ok {
				t.Fatalf("the device is not known: %v", err)
			}
			advance(s, auth.TOTPPeriod)

			// Someone on the owner's network (one address behind a NAT)
			// guesses passwords, and someone with the password guesses codes.
			for range auth.PasswordThrottle.Free + 2 {
				signIn(t, h, ownerAddr, "jordan@example.org", "a wrong guess")
			}
			attacker := passwordStep(t, h, attackerAddr)
			for range auth.CodeThrottle.Free + 2 {
				from(t, h, attackerAddr, "POST", "/login/two-factor", url.Values{"code": {"999999"}}, "", attacker)
			}
			// Without the device cookie the owner waits too...
			if rec := from(t, h, ownerAddr, "POST", "/login", url.Values{"email": {"jordan@example.org"}, "password": {testPassword}}, ""); rec.Code != http.StatusTooManyRequests {
				t.Fatalf("without the device: %d", rec.Code)
			}
			// ... with it, not: the password, then the code.
			pending = passwordStep(t, h, ownerAddr, device)
			rec = from(t, h, ownerAddr, "POST", "/login/two-factor", url.Values{"code": {code()}}, "", pending, device)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("second factor from the known device: %d %s", rec.Code, rec.Body)
			}
			if c := deviceCookie(rec); c == nil || c.Value != device.Value {
				t.Fatalf("the device keeps its token: %v", c)
			}
			// The account's counters are cleared, everywhere (still within
			// the waits the failures asked for).
			for _, k := range []boardsql.ThrottleKey{auth.PasswordKey("jordan@example.org", "192.0.2.7"), auth.CodeKey(u)} {
				if a, err := s.store().Throttle(context.Background(), k); err != nil || a.Failures != 0 {
					t.Fatalf("%s survived the sign-in from a known device: %+v %v", k.Scope, a, err)
				}
			}
			if rec := signIn(t, h, ownerAddr, "jordan@example.org", "a wrong guess"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("the owner's network is still paused: %d", rec.Code)
			}
			attacker = passwordStep(t, h, attackerAddr)
			if rec := from(t, h, attackerAddr, "POST", "/login/two-factor", url.Values{"code": {"999999"}}, "", attacker); rec.Code != http.StatusUnauthorized {
				t.Fatalf("codes are still paused: %d", rec.Code)
			}
			// A device cookie of another account, or a made-up one, is no
			// known device.
			fake := &http.Cookie{Name: DeviceCookie, Value: strings.Repeat("A", 43)}
			for range auth.PasswordThrottle.Free + 2 {
				signIn(t, h, ownerAddr, "jordan@example.org", "a wrong guess")
			}
			if rec := from(t, h, ownerAddr, "POST", "/login", url.Values{"email": {"jordan@example.org"}, "password": {testPassword}}, "", fake); rec.Code != http.StatusTooManyRequests {
				t.Fatalf("a made-up device cookie: %d", rec.Code)
			}
		})
	}
}

// TestOwnerToldOfFailures: the owner gets one mail when failures on the
// account cross the threshold, from any network, and no more that day.
func TestOwnerToldOfFailures(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	addrs := []string{attackerAddr, v6a, ownerAddr, "203.0.113.5:1"}
	for i := range auth.FailureNotice.After - 1 {
		signIn(t, h, addrs[i%len(addrs)], "jordan@example.org", "guess "+fmt.Sprint(i))
	}
	if got := tfMails(t, s, "jordan@example.org"); len(got) != 0 {
		t.Fatalf("told before the threshold: %v", got)
	}
	signIn(t, h, "203.0.113.77:1", "jordan@example.org", "one guess too many")
	got := tfMails(t, s, "jordan@example.org")
	if len(got) != 1 || got[0].Subject != "Failed sign-in attempts on your certboard account" ||
		!strings.Contains(got[0].Body, "was not locked") || !strings.Contains(got[0].Body, "https://board.example.org/password-reset") ||
		!strings.Contains(got[0].Body, "203.0.113.77") {
		t.Fatalf("mails %+v", got)
	}
	for i := range auth.FailureNotice.After + 5 {
		advance(s, time.Hour/10)
		signIn(t, h, fmt.Sprintf("203.0.113.%d:1", 100+i), "jordan@example.org", "more guesses")
	}
	if got := tfMails(t, s, "jordan@example.org"); len(got) != 1 {
		t.Fatalf("told %d times in one day", len(got))
	}
	// Addresses without an account are counted alike, and tell no one.
	for i := range auth.FailureNotice.After + 2 {
		signIn(t, h, fmt.Sprintf("203.0.113.%d:1", i), "nobody@example.org", "some guess")
	}
	if got := tfMails(t, s, "nobody@example.org"); len(got) != 0 {
		t.Fatalf("mail to an address without an account: %v", got)
	}
}

// fillHashSlots takes every password-hashing slot, as parallel sign-ins
// would, until the test ends.
func fillHashSlots(t *testing.T, s *Server) {
	t.Helper()
	for range cap(s.hashSlots) {
		s.hashSlots <- struct{}{}
	}
	t.Cleanup(func() { drainHashSlots(s) })
}

func drainHashSlots(s *Server) {
	for len(s.hashSlots) > 0 {
		<-s.hashSlots
	}
}

// TestHashCapAnswers429: with every hashing slot taken a sign-in or reset
// is answered 429 at once, nothing is hashed or counted against the
// client, and a reset's token stays usable.
func TestHashCapAnswers429(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	if cap(s.hashSlots) != DefaultHashConcurrency {
		t.Fatalf("%d slots by default", cap(s.hashSlots))
	}
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/password-reset", nil, `{"email": "jordan@example.org"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("reset request: %d", rec.Code)
	}
	_, token := mailTo(t, s, "jordan@example.org")
	fillHashSlots(t, s)
	for range 2 * auth.PasswordThrottle.Free {
		rec := signIn(t, h, ownerAddr, "jordan@example.org", "a wrong guess")
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" || !strings.Contains(rec.Body.String(), "checking many passwords") {
			t.Fatalf("sign-in with the slots full: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	rec := from(t, h, ownerAddr, "POST", "/login", url.Values{"email": {"jordan@example.org"}, "password": {testPassword}}, "")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("sign-in page with the slots full: %d", rec.Code)
	}
	rec = from(t, h, ownerAddr, "POST", "/api/v1/password-reset/confirm", nil, `{"token": "`+token+`", "password": "a brand new passphrase"}`)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("reset with the slots full: %d %s", rec.Code, rec.Body)
	}
	if n := checks(t, s, auth.StepPassword, "wrong") + checks(t, s, auth.StepPassword, "right"); n != 0 {
		t.Fatalf("%d passwords checked with the slots full", n)
	}
	if n := checks(t, s, auth.StepPassword, "busy"); n != 2*auth.PasswordThrottle.Free+1 {
		t.Fatalf("%d busy answers counted", n)
	}

	drainHashSlots(s)
	// Nothing was counted against the owner, and the token still works.
	for range auth.PasswordThrottle.Free {
		if rec := signIn(t, h, ownerAddr, "jordan@example.org", "a wrong guess"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("busy answers were counted as failures: %d", rec.Code)
		}
	}
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/password-reset/confirm", nil, `{"token": "`+token+`", "password": "a brand new passphrase"}`); rec.Code != http.StatusOK {
		t.Fatalf("reset after the slots freed: %d %s", rec.Code, rec.Body)
	}
}

// TestSignUpHashCap: with every hashing slot taken a sign-up is answered
// 429 before hashing, and creates nothing.
func TestSignUpHashCap(t *testing.T) {
	s := throttleServer(t)
	h := s.Handler()
	fillHashSlots(t, s)
	rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, `{"email": "ana@example.org", "name": "Ana Souza", "password": "quiet harbour lantern seven"}`)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("sign-up with the slots full: %d %s", rec.Code, rec.Body)
	}
	rec = from(t, h, ownerAddr, "POST", "/signup", url.Values{"email": {"ana@example.org"}, "name": {"Ana Souza"}, "password": {"quiet harbour lantern seven"}}, "")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" || !strings.Contains(rec.Body.String(), "checking many passwords") ||
		!strings.Contains(rec.Body.String(), `value="ana@example.org"`) {
		t.Fatalf("sign-up form with the slots full: %d %s", rec.Code, rec.Body)
	}
	if _, err := s.store().UserByEmail(context.Background(), "ana@example.org"); err == nil {
		t.Fatal("an account was created")
	}
	drainHashSlots(s)
	if rec := from(t, h, ownerAddr, "POST", "/api/v1/accounts", nil, `{"email": "ana@example.org", "name": "Ana Souza", "password": "quiet harbour lantern seven"}`); rec.Code != http.StatusAccepted {
		t.Fatalf("sign-up after the slots freed: %d %s", rec.Code, rec.Body)
	}
}

// TestHashConcurrencyConfig: the number of slots comes from the config.
func TestHashConcurrencyConfig(t *testing.T) {
	s, st := newServer(t)
	s2, err := New(Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Sets: s.cfg.Sets, Log: s.cfg.Log, HashConcurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if cap(s2.hashSlots) != 3 {
		t.Fatalf("%d slots, want 3", cap(s2.hashSlots))
	}
}
