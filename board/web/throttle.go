package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/notify"
)

// Sign-in throttling. Every attempt that may fail (a password, a
// second-factor code, the token of a mailed link) is charged to its
// counters in the database before it is checked, in one transaction that
// decides whether it may be checked at all (boardsql.ChargeAttempt), so that
// parallel attempts are counted one after the other. A right answer is
// forgiven afterwards. Failures slow down whoever makes them, where they
// come from: an account is never locked by failures from another network.
var (
	// passwordThrottle counts sign-in attempts per account and client
	// network (IPv6 by /64), or per account and known device.
	passwordThrottle = auth.Throttle{Free: 5, Base: 5 * time.Second, Max: 15 * time.Minute, Window: 24 * time.Hour}
	// networkThrottle counts sign-in attempts from a client network,
	// whatever the account: a looser bound on one network guessing many
	// accounts' passwords. A known device is not counted here.
	networkThrottle = auth.Throttle{Free: 30, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// codeThrottle counts second-factor codes (from the app or recovery
	// codes) per account, whatever the network, since whoever tries them
	// has the password; a known device has a counter of its own.
	codeThrottle = auth.Throttle{Free: 5, Base: 5 * time.Second, Max: 30 * time.Minute, Window: 24 * time.Hour}
	// tokenThrottle counts redemptions of mailed links (verification and
	// password reset) per client network: tokens are random, so a wrong
	// one says nothing about an account, only about who sends it.
	tokenThrottle = auth.Throttle{Free: 10, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// failureNotice mails the owner of an account when its wrong
	// passwords (from any network) and wrong codes reach 10 in a day, at
	// most once a day.
	failureNotice = auth.Notice{After: 10, Window: 24 * time.Hour}
)

// Counter scopes of the sign_in_throttle table.
const (
	scopePassword = "password"
	scopeNetwork  = "network"
	scopeCode     = "code"
	scopeToken    = "token"
	scopeNotice   = "notice"
)

// Known devices.
const (
	// DeviceCookie names a browser that signed in to an account with its
	// second factor; the __Host- prefix makes browsers insist on Secure,
	// Path=/ and no Domain.
	DeviceCookie = "__Host-certboard_device"
	// DeviceMax is how long a device stays known after its last sign-in
	// with the second factor.
	DeviceMax = 180 * 24 * time.Hour
)

// DefaultHashConcurrency is how many passwords are hashed at once when
// Config.HashConcurrency is not set: each argon2id hash takes 19 MiB, so
// 8 take about 150 MiB.
const DefaultHashConcurrency = 8

// hashRetry is the Retry-After of an attempt refused because every hashing
// slot was taken.
const hashRetry = 2 * time.Second

// errHashBusy answers an attempt that found every password-hashing slot
// taken; it was not checked and costs the client nothing.
var errHashBusy = &certboard.Error{Code: certboard.RateLimited, Title: "Busy", RetryAfterSeconds: int(hashRetry / time.Second),
	Message: "The server is checking many passwords at this moment; try again in a few seconds. Nothing was checked, and this does not count as a failed attempt."}

// initSignIn sets up the hashing slots and the counters of checks.
func (s *Server) initSignIn() {
	n := s.cfg.HashConcurrency
	if n <= 0 {
		n = DefaultHashConcurrency
	}
	s.hashSlots = make(chan struct{}, n)
	s.checks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "certboard_sign_in_checks_total",
		Help: "Sign-in checks by step (password, code, token) and outcome (right, wrong, throttled, busy).",
	}, []string{"step", "outcome"})
	s.metrics.MustRegister(s.checks)
}

// counted adds one check of a step with its outcome to the metrics.
func (s *Server) counted(step, outcome string) { s.checks.WithLabelValues(step, outcome).Inc() }

// hashSlot takes a password-hashing slot without waiting; ok is false
// when every slot is taken.
func (s *Server) hashSlot() (release func(), ok bool) {
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, true
	default:
		return nil, false
	}
}

// hashPassword hashes a new password in a hashing slot; errHashBusy when
// none is free.
func (s *Server) hashPassword(password string) (string, error) {
	release, ok := s.hashSlot()
	if !ok {
		return "", errHashBusy
	}
	defer release()
	return auth.Hash(password, auth.DefaultParams)
}

// signInClient is who makes an attempt: the client's network and, when
// the request carries the device cookie of a browser that signed in to the
// account with its second factor, that device.
type signInClient struct {
	// Network is the client's address, for IPv6 its /64 (limitKey).
	Network string
	// Device is the digest of a known device of the account, or "".
	Device string
}

// clientFor says who makes an attempt on u's account (nil: an unknown
// address).
func (s *Server) clientFor(ctx context.Context, r *http.Request, u *boardsql.User) (signInClient, error) {
	cl := signInClient{Network: limitKey(r)}
	if u == nil || !u.TwoFactor() {
		return cl, nil
	}
	c, err := r.Cookie(DeviceCookie)
	if err != nil || !validDeviceToken(c.Value) {
		return cl, nil
	}
	digest := auth.Digest(c.Value)
	known, err := s.cfg.Store.KnownDevice(ctx, u.ID, digest, s.now())
	if err != nil {
		return cl, err
	}
	if known {
		cl.Device = digest
	}
	return cl, nil
}

// validDeviceToken reports whether a device cookie has the form of a token
// this server makes (auth.NewToken: 32 random bytes).
func validDeviceToken(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

// accountKey is the lower-case e-mail address an attempt names, as the
// counters know it (a longer input cannot be an account's address).
func accountKey(email string) string {
	return truncate(strings.ToLower(strings.TrimSpace(email)), 320)
}

// passwordCharges are the counters a sign-in attempt for email is charged
// to: the account's for the client's network, and the network's; or, from a
// known device, the account's for that device alone.
func passwordCharges(email string, cl signInClient) []boardsql.Charge {
	acct := accountKey(email)
	if cl.Device != "" {
		return []boardsql.Charge{{ThrottleKey: boardsql.ThrottleKey{Scope: scopePassword, Key: acct + "|device:" + auth.Handle(cl.Device), Account: acct}, Policy: passwordThrottle}}
	}
	return []boardsql.Charge{
		{ThrottleKey: boardsql.ThrottleKey{Scope: scopePassword, Key: acct + "|" + cl.Network, Account: acct}, Policy: passwordThrottle},
		{ThrottleKey: boardsql.ThrottleKey{Scope: scopeNetwork, Key: cl.Network}, Policy: networkThrottle},
	}
}

// codeCharge is the counter a second-factor code for u is charged to: the
// account's, or the account's for a known device.
func codeCharge(u *boardsql.User, cl signInClient) boardsql.Charge {
	key := fmt.Sprintf("user/%d", u.ID)
	if cl.Device != "" {
		key += "|device:" + auth.Handle(cl.Device)
	}
	return boardsql.Charge{ThrottleKey: boardsql.ThrottleKey{Scope: scopeCode, Key: key, Account: accountKey(u.Email)}, Policy: codeThrottle}
}

// tokenCharge is the counter a mailed link's token from a network is
// charged to.
func tokenCharge(network string) boardsql.Charge {
	return boardsql.Charge{ThrottleKey: boardsql.ThrottleKey{Scope: scopeToken, Key: network}, Policy: tokenThrottle}
}

// noticeKey counts the failures on an account, from everywhere, for
// failureNotice.
func noticeKey(email string) boardsql.ThrottleKey {
	acct := accountKey(email)
	return boardsql.ThrottleKey{Scope: scopeNotice, Key: acct, Account: acct}
}

// Steps of a sign-in, as the refusals and the metrics name them.
const (
	stepPassword = "password"
	stepCode     = "code"
	stepToken    = "token"
)

// throttled is the refusal of an attempt that must wait.
func (s *Server) throttled(step string, wait time.Duration) *certboard.Error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	when := fmt.Sprintf("try again in %s (at %s)", waitWords(secs), s.now().Add(time.Duration(secs)*time.Second).UTC().Format("15:04:05 UTC"))
	var detail string
	switch step {
	case stepPassword:
		detail = "Sign-in from your network is paused after repeated failures; " + when + ". Each further failure makes the wait longer. " +
			"A password reset always works: use “Forgot your password?” to choose a new one, which also ends the pause."
	case stepCode:
		detail = "Two-factor sign-in is paused after repeated wrong codes; " + when + ". Each further wrong code makes the wait longer. " +
			"A password reset ends the pause (you will still need a code from your app or a recovery code)."
	default:
		detail = "Too many links that did not work were tried from your network; " + when + ". " +
			"If your link has expired, a password reset always works: ask for a new link and open it then."
	}
	return &certboard.Error{Code: certboard.RateLimited, Title: "Too many attempts", Message: detail, RetryAfterSeconds: secs}
}

// waitWords says a wait of secs seconds in words: seconds up to two
// minutes, whole minutes (rounded up) beyond.
func waitWords(secs int) string {
	switch {
	case secs == 1:
		return "1 second"
	case secs < 120:
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}

// charge admits an attempt of a step against its counters, or answers why
// it must wait.
func (s *Server) charge(ctx context.Context, step string, charges ...boardsql.Charge) error {
	wait, err := s.cfg.Store.ChargeAttempt(ctx, s.now(), charges...)
	if err != nil {
		return err
	}
	if wait > 0 {
		s.counted(step, "throttled")
		return s.throttled(step, wait)
	}
	return nil
}

// refund takes back an admitted attempt's charge (it was right, or never
// checked). The refund is best effort: when it fails, the attempt stays
// counted, which errs on the safe side, and the failure is logged.
func (s *Server) refund(ctx context.Context, charges ...boardsql.Charge) {
	if len(charges) == 0 {
		return
	}
	if err := s.cfg.Store.RefundAttempt(ctx, s.now(), charges...); err != nil {
		s.cfg.Log.Error("refunding a sign-in attempt", "error", err)
	}
}

// countFailure counts a wrong password or code on the account of email
// toward failureNotice and, when it is time, mails the owner (u; nil for
// an unknown address, which is counted the same, so that both take as
// long), in one transaction.
func (s *Server) countFailure(ctx context.Context, email string, u *boardsql.User, network string) error {
	now := s.now()
	return s.inTx(ctx, func(tx *boardsql.Tx) error {
		tell, err := tx.CountFailure(ctx, noticeKey(email), failureNotice, now)
		if err != nil || !tell || u == nil {
			return err
		}
		return queueMail(ctx, tx, u.Email, notify.FailedSignIns{After: failureNotice.After, At: now, Network: network,
			Reset: s.link("/password-reset", "")}, now)
	})
}

// rememberDevice, inside the transaction of a full sign-in with the second
// factor, makes the browser a known device of u for DeviceMax (keeping the
// token of its device cookie, or making one) and returns the token for
// the cookie. A sign-in from a device that was known already clears every
// failure counter of the account: its owner is back.
func (s *Server) rememberDevice(ctx context.Context, tx *boardsql.Tx, r *http.Request, u *boardsql.User, cl signInClient) (string, error) {
	var token string
	if c, err := r.Cookie(DeviceCookie); err == nil && validDeviceToken(c.Value) {
		token = c.Value
	} else if token, _, err = auth.NewToken(); err != nil {
		return "", err
	}
	now := s.now()
	if err := tx.RememberDevice(ctx, u.ID, auth.Digest(token), now, now.Add(DeviceMax)); err != nil {
		return "", err
	}
	if cl.Device != "" {
		if err := s.cfg.Store.ClearAccountThrottles(ctx, tx, u.ID); err != nil {
			return "", err
		}
	}
	return token, nil
}

// setDeviceCookie gives the browser its device token.
func setDeviceCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: DeviceCookie, Value: token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(DeviceMax.Seconds())})
}

// forgetThrottles deletes the failure counters that no longer matter; the
// background job loop calls it.
func (s *Server) forgetThrottles(ctx context.Context) {
	if n, err := s.cfg.Store.ForgetThrottles(ctx, s.now()); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("forgetting old failed attempts", "err", err)
	} else if n > 0 {
		s.cfg.Log.Debug("forgot old failed attempts", "counters", n)
	}
}
