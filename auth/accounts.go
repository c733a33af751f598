package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
)

// Accounts is the account use cases both modes share: signing up and
// verifying the address, signing in with a password and a second factor,
// sessions, confirming it is you, changing and resetting the password,
// two-factor settings and API tokens. Each exported method is one thing a
// person does; it decides, writes the change with its audit entry and its
// mail in one transaction of the Store, and returns a result, a refusal
// (a *certboard.Error) or, for anything else, an internal error. Cookies,
// forms and pages are the web server's.
type Accounts struct {
	store   Store
	clock   certboard.Clock
	links   func(path, token string) string
	log     *slog.Logger
	slots   chan struct{}
	checked func(step, outcome string)
	signUp  Role
	// idle ends a session not used for this long.
	idle time.Duration
	// twoFactorForAll makes every account need two factors.
	twoFactorForAll bool
}

// AccountsConfig is what Accounts needs.
type AccountsConfig struct {
	// Store keeps the accounts (auth/authsql implements it; the board
	// passes boardsql.ForAuth).
	Store Store
	// Clock tells the time; nil means the system clock.
	Clock certboard.Clock
	// PublicURL is where people reach the site, for links in mail.
	PublicURL string
	// Link, when set, makes the links in mail instead of PublicURL: an
	// absolute link to path, with "?token=" and token when it is not "".
	Link func(path, token string) string
	// Log receives what someone should look at (an unreadable password
	// hash, a refund that failed); nil discards it.
	Log *slog.Logger
	// HashSlots bounds how many passwords are hashed at once: a hash takes
	// a token from it and gives it back. nil means DefaultHashConcurrency.
	HashSlots chan struct{}
	// SignUpRole is the role an account made by signing up holds, and
	// the only one; "" closes sign-up (practice mode, where an admin adds
	// each person): SignUp is then refused. The store must be told the
	// same role (authsql.Config.SignUpRole), which decides the accounts a
	// new sign-up may replace and the sweep may delete.
	SignUpRole Role
	// Checked, when set, counts each check of a sign-in step (StepPassword,
	// StepCode, StepToken) by outcome ("right", "wrong", "throttled",
	// "busy"), for metrics.
	Checked func(step, outcome string)
	// SessionIdle ends a session not used for this long; 0 means
	// SessionIdle (30 minutes, the board's). The practice, which keeps
	// clinical records, signs people out after 15 minutes.
	SessionIdle time.Duration
	// TwoFactorForAll makes every account of the mode need two factors
	// (see Accounts.NeedsTwoFactor), whatever its roles: the practice's.
	TwoFactorForAll bool
}

// DefaultHashConcurrency is how many passwords are hashed at once when
// AccountsConfig.HashSlots is not set: each argon2id hash takes 19 MiB, so
// 8 take about 150 MiB.
const DefaultHashConcurrency = 8

// NewAccounts returns the account use cases over a store.
func NewAccounts(cfg AccountsConfig) (*Accounts, error) {
	if cfg.Store == nil {
		return nil, errors.New("auth: accounts need a store")
	}
	if cfg.Clock == nil {
		cfg.Clock = certboard.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.HashSlots == nil {
		cfg.HashSlots = make(chan struct{}, DefaultHashConcurrency)
	}
	if cfg.Checked == nil {
		cfg.Checked = func(string, string) {}
	}
	if cfg.Link == nil {
		cfg.Link = publicLinks(cfg.PublicURL)
	}
	if cfg.SessionIdle < 0 {
		return nil, errors.New("auth: a session's idle time cannot be negative")
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = SessionIdle
	}
	return &Accounts{store: cfg.Store, clock: cfg.Clock, links: cfg.Link, log: cfg.Log, slots: cfg.HashSlots, checked: cfg.Checked,
		idle: cfg.SessionIdle, twoFactorForAll: cfg.TwoFactorForAll, signUp: cfg.SignUpRole}, nil
}

// SessionIdle is how long a session of this mode may go unused before it
// ends (AccountsConfig.SessionIdle).
func (a *Accounts) SessionIdle() time.Duration { return a.idle }

// NeedsTwoFactor reports whether u must sign in with two factors to do
// their work in this mode: every account when the mode says so
// (AccountsConfig.TwoFactorForAll), otherwise as the roles say (the
// package function NeedsTwoFactor).
func (a *Accounts) NeedsTwoFactor(u *User) bool { return a.twoFactorForAll || NeedsTwoFactor(u) }

func (a *Accounts) now() time.Time { return a.clock.Now() }

// link returns an absolute link to path with a token ("" for none).
func (a *Accounts) link(path, token string) string { return a.links(path, token) }

// publicLinks makes links to the site at public ("http://localhost:8080"
// when it is "").
func publicLinks(public string) func(path, token string) string {
	base := strings.TrimSuffix(public, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	return func(path, token string) string {
		if token == "" {
			return base + path
		}
		return base + path + "?token=" + token
	}
}

// counted counts one check of a step with its outcome.
func (a *Accounts) counted(step, outcome string) { a.checked(step, outcome) }

// userEntry is an audit entry for something users do to their own account.
func userEntry(at time.Time, id int64, action string) audit.Entry {
	who := fmt.Sprintf("user/%d", id)
	return audit.Entry{At: at, Actor: who, Action: action, Subject: who}
}

// Refusal builds the refusal of a step of signing in or confirming: code
// Unauthorized (401), Forbidden (403) or RateLimited (429), its own title,
// the field of the form it belongs to ("" for the whole form) and what the
// person can do.
func Refusal(code certboard.Code, title, field, detail string) *certboard.Error {
	return &certboard.Error{Code: code, Title: title, Field: field, Message: detail}
}

// AsRefusal returns the refusal of a step (see Refusal) in err's chain, or
// nil when err is not one. The use cases' other errors (the store's, the
// hashing's) are never *certboard.Error with these codes, so AsRefusal
// finds the refusals and nothing else.
func AsRefusal(err error) *certboard.Error {
	var e *certboard.Error
	if !errors.As(err, &e) {
		return nil
	}
	switch e.Code {
	case certboard.Unauthorized, certboard.Forbidden, certboard.RateLimited:
		return e
	}
	return nil
}

// inTx runs f in one transaction of the store.
func (a *Accounts) inTx(ctx context.Context, f func(tx Tx) error) error { return a.store.InTx(ctx, f) }

// ForgetThrottles deletes the counters of failed attempts that no longer
// matter (Throttle.Forget) and returns how many; the background job loop
// calls it.
func (a *Accounts) ForgetThrottles(ctx context.Context) (int64, error) {
	return a.store.ForgetThrottles(ctx, a.now())
}
