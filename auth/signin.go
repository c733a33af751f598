package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/notify"
)

// Sessions and known devices.
const (
	// SessionIdle ends a session not used for this long, unless the
	// mode sets another (AccountsConfig.SessionIdle).
	SessionIdle = 30 * time.Minute
	// SessionMax ends a session this long after sign-in, however active.
	SessionMax = 12 * time.Hour
	// PendingMax is how long a sign-in may wait between its password and
	// its second factor.
	PendingMax = 10 * time.Minute
	// DeviceMax is how long a device stays known after its last sign-in
	// with the second factor.
	DeviceMax = 180 * 24 * time.Hour
)

// Sign-in throttling. Every attempt that may fail (a password, a
// second-factor code, the token of a mailed link) is charged to its
// counters in the database before it is checked, in one transaction that
// decides whether it may be checked at all (Store.ChargeAttempt), so that
// parallel attempts are counted one after the other. A right answer is
// forgiven afterwards. Failures slow down whoever makes them, where they
// come from: an account is never locked by failures from another network.
var (
	// PasswordThrottle counts sign-in attempts per account and client
	// network (IPv6 by /64), or per account and known device.
	PasswordThrottle = Throttle{Free: 5, Base: 5 * time.Second, Max: 15 * time.Minute, Window: 24 * time.Hour}
	// NetworkThrottle counts sign-in attempts from a client network,
	// whatever the account: a looser bound on one network guessing many
	// accounts' passwords. A known device is not counted here.
	NetworkThrottle = Throttle{Free: 30, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// CodeThrottle counts second-factor codes (from the app or recovery
	// codes) per account, whatever the network, since whoever tries them
	// has the password; a known device has a counter of its own.
	CodeThrottle = Throttle{Free: 5, Base: 5 * time.Second, Max: 30 * time.Minute, Window: 24 * time.Hour}
	// TokenThrottle counts redemptions of mailed links (verification and
	// password reset) per client network: tokens are random, so a wrong
	// one says nothing about an account, only about who sends it.
	TokenThrottle = Throttle{Free: 10, Base: 2 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// FailureNotice mails the owner of an account when its wrong
	// passwords (from any network) and wrong codes reach 10 in a day, at
	// most once a day.
	FailureNotice = Notice{After: 10, Window: 24 * time.Hour}
)

// Counter scopes of the sign_in_throttle table.
const (
	scopePassword = "password"
	scopeNetwork  = "network"
	scopeCode     = "code"
	scopeToken    = "token"
	scopeNotice   = "notice"
)

// Steps of a sign-in, as the refusals and the metrics name them.
const (
	StepPassword = "password"
	StepCode     = "code"
	StepToken    = "token"
)

// hashRetry is the Retry-After of an attempt refused because every hashing
// slot was taken.
const hashRetry = 2 * time.Second

// ErrHashBusy answers an attempt that found every password-hashing slot
// taken; it was not checked and costs the client nothing.
var ErrHashBusy = &certboard.Error{Code: certboard.RateLimited, Title: "Busy", RetryAfterSeconds: int(hashRetry / time.Second),
	Message: "The server is checking many passwords at this moment; try again in a few seconds. Nothing was checked, and this does not count as a failed attempt."}

// ErrSignInFailed refuses a password step: the same answer for an unknown
// address, a wrong password and an address not verified yet.
var ErrSignInFailed = Refusal(certboard.Unauthorized, "Sign-in failed", "",
	"The e-mail address or the password is not right, or the address is not verified yet: open the link we sent to it.")

// hashSlot takes a password-hashing slot without waiting; ok is false
// when every slot is taken.
func (a *Accounts) hashSlot() (release func(), ok bool) {
	select {
	case a.slots <- struct{}{}:
		return func() { <-a.slots }, true
	default:
		return nil, false
	}
}

// hashPassword hashes a new password in a hashing slot; ErrHashBusy when
// none is free.
func (a *Accounts) hashPassword(password string) (string, error) {
	release, ok := a.hashSlot()
	if !ok {
		return "", ErrHashBusy
	}
	defer release()
	return Hash(password, DefaultParams)
}

// Client is who makes a request: where it comes from and what it carries.
type Client struct {
	// Network is the client's address, for IPv6 its /64.
	Network string
	// DeviceToken is the token of the client's device cookie, "" for none.
	DeviceToken string
	// UserAgent names the client's software, for the list of sessions.
	UserAgent string
}

// signInClient is who makes an attempt: the client's network and, when
// the client carries the device token of a browser that signed in to the
// account with its second factor, that device.
type signInClient struct {
	// Network is the client's address, for IPv6 its /64.
	Network string
	// Device is the digest of a known device of the account, or "".
	Device string
}

// clientFor says who makes an attempt on u's account (nil: an unknown
// address).
func (a *Accounts) clientFor(ctx context.Context, c Client, u *User) (signInClient, error) {
	cl := signInClient{Network: c.Network}
	if u == nil || !u.TwoFactor() || !ValidDeviceToken(c.DeviceToken) {
		return cl, nil
	}
	digest := Digest(c.DeviceToken)
	known, err := a.store.KnownDevice(ctx, u.ID, digest, a.now())
	if err != nil {
		return cl, err
	}
	if known {
		cl.Device = digest
	}
	return cl, nil
}

// ValidDeviceToken reports whether a device cookie has the form of a token
// this package makes (NewToken: 32 random bytes).
func ValidDeviceToken(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

// accountKey is the lower-case e-mail address an attempt names, as the
// counters know it (a longer input cannot be an account's address).
func accountKey(email string) string {
	return Truncate(strings.ToLower(strings.TrimSpace(email)), 320)
}

// Truncate shortens s to at most n bytes, on a character boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// passwordCharges are the counters a sign-in attempt for email is charged
// to: the account's for the client's network, and the network's; or, from a
// known device, the account's for that device alone.
func passwordCharges(email string, cl signInClient) []Charge {
	acct := accountKey(email)
	if cl.Device != "" {
		return []Charge{{ThrottleKey: ThrottleKey{Scope: scopePassword, Key: acct + "|device:" + Handle(cl.Device), Account: acct}, Policy: PasswordThrottle}}
	}
	return []Charge{
		{ThrottleKey: ThrottleKey{Scope: scopePassword, Key: acct + "|" + cl.Network, Account: acct}, Policy: PasswordThrottle},
		{ThrottleKey: ThrottleKey{Scope: scopeNetwork, Key: cl.Network}, Policy: NetworkThrottle},
	}
}

// PasswordKey is the counter of sign-in attempts on the account of email
// from a network (not a known device).
func PasswordKey(email, network string) ThrottleKey {
	return passwordCharges(email, signInClient{Network: network})[0].ThrottleKey
}

// codeCharge is the counter a second-factor code for u is charged to: the
// account's, or the account's for a known device.
func codeCharge(u *User, cl signInClient) Charge {
	key := fmt.Sprintf("user/%d", u.ID)
	if cl.Device != "" {
		key += "|device:" + Handle(cl.Device)
	}
	return Charge{ThrottleKey: ThrottleKey{Scope: scopeCode, Key: key, Account: accountKey(u.Email)}, Policy: CodeThrottle}
}

// CodeKey is the counter of second-factor codes of u's account (not a
// known device's).
func CodeKey(u *User) ThrottleKey { return codeCharge(u, signInClient{}).ThrottleKey }

// tokenCharge is the counter a mailed link's token from a network is
// charged to.
func tokenCharge(network string) Charge {
	return Charge{ThrottleKey: ThrottleKey{Scope: scopeToken, Key: network}, Policy: TokenThrottle}
}

// noticeKey counts the failures on an account, from everywhere, for
// FailureNotice.
func noticeKey(email string) ThrottleKey {
	acct := accountKey(email)
	return ThrottleKey{Scope: scopeNotice, Key: acct, Account: acct}
}

// throttled is the refusal of an attempt that must wait.
func (a *Accounts) throttled(step string, wait time.Duration) *certboard.Error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	when := fmt.Sprintf("try again in %s (at %s)", waitWords(secs), a.now().Add(time.Duration(secs)*time.Second).UTC().Format("15:04:05 UTC"))
	var detail string
	switch step {
	case StepPassword:
		detail = "Sign-in from your network is paused after repeated failures; " + when + ". Each further failure makes the wait longer. " +
			"A password reset always works: use “Forgot your password?” to choose a new one, which also ends the pause."
	case StepCode:
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
func (a *Accounts) charge(ctx context.Context, step string, charges ...Charge) error {
	wait, err := a.store.ChargeAttempt(ctx, a.now(), charges...)
	if err != nil {
		return err
	}
	if wait > 0 {
		a.counted(step, "throttled")
		return a.throttled(step, wait)
	}
	return nil
}

// refund takes back an admitted attempt's charge (it was right, or never
// checked). The refund is best effort: when it fails, the attempt stays
// counted, which errs on the safe side, and the failure is logged.
func (a *Accounts) refund(ctx context.Context, charges ...Charge) {
	if len(charges) == 0 {
		return
	}
	if err := a.store.RefundAttempt(ctx, a.now(), charges...); err != nil {
		a.log.Error("refunding a sign-in attempt", "error", err)
	}
}

// countFailure counts a wrong password or code on the account of email
// toward FailureNotice and, when it is time, mails the owner (u; nil for
// an unknown address, which is counted the same, so that both take as
// long), in one transaction.
func (a *Accounts) countFailure(ctx context.Context, email string, u *User, network string) error {
	now := a.now()
	return a.inTx(ctx, func(tx Tx) error {
		tell, err := tx.CountFailure(ctx, noticeKey(email), FailureNotice, now)
		if err != nil || !tell || u == nil {
			return err
		}
		return notify.Enqueue(ctx, tx, u.Email, notify.FailedSignIns{After: FailureNotice.After, At: now, Network: network,
			Reset: a.link("/password-reset", "")}, now)
	})
}

// dummyHash is verified against when the e-mail is unknown, so that a
// failed sign-in takes as long whether or not the account exists.
var dummyHash = sync.OnceValue(func() string {
	h, err := Hash("no account has this password", DefaultParams)
	if err != nil {
		panic(err) // only when the system has no randomness
	}
	return h
})

// Attempt is a sign-in whose password was right: its user and who makes
// it. It signs no one in until StartSession or SecondFactor.
type Attempt struct {
	User   *User
	client signInClient
	// agent and device are the client's user agent and device token.
	agent, device string
}

// CheckPassword is the first step of every sign-in. The attempt is first
// charged to its counters (passwordCharges), which may refuse it with a
// wait, before anything is checked; then it takes a password-hashing slot,
// or is refused (and its charge taken back) when every slot is taken; then
// the password is checked, against a dummy hash for an unknown address so
// that both take as long, answer the same and are counted the same; a
// verified address is required too. A right password clears the account's
// counter for this client and takes back the network's charge; a wrong one,
// or the right one of an address not verified yet, stays counted and
// counts toward telling the owner, and both answer ErrSignInFailed. A
// refusal is a Refusal; other errors are internal.
func (a *Accounts) CheckPassword(ctx context.Context, c Client, email, password string) (*Attempt, error) {
	u, err := a.store.UserByEmail(ctx, email)
	hash := dummyHash()
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	cl, err := a.clientFor(ctx, c, u)
	if err != nil {
		return nil, err
	}
	charges := passwordCharges(email, cl)
	if err := a.charge(ctx, StepPassword, charges...); err != nil {
		return nil, err
	}
	release, free := a.hashSlot()
	if !free {
		a.refund(ctx, charges...)
		a.counted(StepPassword, "busy")
		return nil, ErrHashBusy
	}
	ok, _, verr := Verify(hash, password, DefaultParams)
	release()
	if verr != nil {
		// A stored hash this code cannot read: the account cannot sign in
		// until its password is reset, and someone should look.
		a.log.Error("unreadable password hash", "email", email, "error", verr)
	}
	// An unverified address fails exactly like a wrong password (same
	// answer, same counting): sign-up sets the password of a new or
	// unverified address but not of a verified one, so any difference
	// here, in the answer or in what the counters later allow, would tell
	// whether an address has an account.
	if !ok || verr != nil || u == nil || u.EmailVerifiedAt.IsZero() {
		a.counted(StepPassword, "wrong")
		if err := a.countFailure(ctx, email, u, cl.Network); err != nil {
			return nil, err
		}
		return nil, ErrSignInFailed
	}
	a.counted(StepPassword, "right")
	if err := a.inTx(ctx, func(tx Tx) error { return tx.ClearThrottle(ctx, charges[0].ThrottleKey) }); err != nil {
		return nil, err
	}
	a.refund(ctx, charges[1:]...)
	return &Attempt{User: u, client: cl, agent: c.UserAgent, device: c.DeviceToken}, nil
}

// Pending returns the attempt of a sign-in waiting for its second factor
// (its password was right earlier): u and who makes it now.
func (a *Accounts) Pending(ctx context.Context, c Client, u *User) (*Attempt, error) {
	cl, err := a.clientFor(ctx, c, u)
	if err != nil {
		return nil, err
	}
	return &Attempt{User: u, client: cl, agent: c.UserAgent, device: c.DeviceToken}, nil
}

// Started is a session just made: the token for its cookie, the session,
// and after a second factor the token of the browser's device cookie.
type Started struct {
	Token       string
	Session     Session
	DeviceToken string
}

// newSession makes a session for u and its token (for the cookie). A
// pending session waits for the second factor and lasts PendingMax.
func (a *Accounts) newSession(u *User, agent string, pending bool) (string, Session, error) {
	token, digest, err := NewToken()
	if err != nil {
		return "", Session{}, err
	}
	now, life := a.now(), SessionMax
	if pending {
		life = PendingMax
	}
	return token, Session{Digest: digest, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(life),
		UserAgent: Truncate(agent, 300), Pending: pending}, nil
}

// signInEntry is the audit entry of a completed sign-in; how says which
// second factor was used, if any.
func signInEntry(at time.Time, userID int64, how string) audit.Entry {
	e := userEntry(at, userID, "session.sign_in")
	e.After = how
	return e
}

// StartSession stores a session for the attempt's user: a full one, with
// its audit entry in the same transaction, or, with pending, one that
// waits for the second factor.
func (a *Accounts) StartSession(ctx context.Context, at *Attempt, pending bool) (Started, error) {
	token, ss, err := a.newSession(at.User, at.agent, pending)
	if err != nil {
		return Started{}, err
	}
	err = a.inTx(ctx, func(tx Tx) error {
		if err := tx.CreateSession(ctx, ss); err != nil {
			return err
		}
		if pending {
			return nil
		}
		_, err := tx.AppendAudit(ctx, signInEntry(ss.CreatedAt, at.User.ID, "password"))
		return err
	})
	return Started{Token: token, Session: ss}, err
}

// SecondFactor finishes a two-factor sign-in with a code (see
// secondFactor): it stores a fresh, signed-in session in place of the
// pending one (replace; "" when there is none, as in the API's one-step
// sign-in), audits the sign-in and makes the browser a known device.
// A pending session that ended meanwhile is ErrNotFound.
func (a *Accounts) SecondFactor(ctx context.Context, at *Attempt, code, replace string) (Started, error) {
	u := at.User
	token, ss, err := a.newSession(u, at.agent, false)
	if err != nil {
		return Started{}, err
	}
	out := Started{Token: token, Session: ss}
	err = a.secondFactor(ctx, u, code, at.client, true, func(tx Tx, how string) error {
		var err error
		if replace != "" {
			err = tx.ReplaceSession(ctx, replace, ss)
		} else {
			err = tx.CreateSession(ctx, ss)
		}
		if err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, signInEntry(ss.CreatedAt, u.ID, how)); err != nil {
			return err
		}
		out.DeviceToken, err = a.rememberDevice(ctx, tx, at.device, u, at.client)
		return err
	})
	return out, err
}

// rememberDevice, inside the transaction of a full sign-in with the second
// factor, makes the browser a known device of u for DeviceMax (keeping the
// token of its device cookie, or making one) and returns the token for
// the cookie. A sign-in from a device that was known already clears every
// failure counter of the account: its owner is back.
func (a *Accounts) rememberDevice(ctx context.Context, tx Tx, token string, u *User, cl signInClient) (string, error) {
	if !ValidDeviceToken(token) {
		var err error
		if token, _, err = NewToken(); err != nil {
			return "", err
		}
	}
	now := a.now()
	if err := tx.RememberDevice(ctx, u.ID, Digest(token), now, now.Add(DeviceMax)); err != nil {
		return "", err
	}
	if cl.Device != "" {
		if err := tx.ClearAccountThrottles(ctx, u.ID); err != nil {
			return "", err
		}
	}
	return token, nil
}

// SignOut ends the caller's own session (nil: none, as with an API token)
// with its audit entry.
func (a *Accounts) SignOut(ctx context.Context, u *User, current *Session) error {
	return a.inTx(ctx, func(tx Tx) error {
		if current != nil {
			if _, err := tx.EndUserSession(ctx, u.ID, current.Handle()); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		_, err := tx.AppendAudit(ctx, userEntry(a.now(), u.ID, "session.sign_out"))
		return err
	})
}

// LiveSession returns the session of a cookie's token that is usable now,
// and its user; ErrNotFound when there is none.
func (a *Accounts) LiveSession(ctx context.Context, token string) (*Session, *User, error) {
	return a.store.LiveSession(ctx, Digest(token), a.now(), a.idle)
}

// Sessions lists the live sessions of u.
func (a *Accounts) Sessions(ctx context.Context, u *User) ([]Session, error) {
	return a.store.UserSessions(ctx, u.ID, a.now(), a.idle)
}
