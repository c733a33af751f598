package auth

import "time"

// The records of accounts that the store keeps besides users and sessions
// (user.go): API tokens, two-factor settings, counters of failed attempts
// and the purposes of links sent by e-mail.

// APIToken is a long-lived bearer token with which an integration acts as
// its user; only the digest of the token is stored.
type APIToken struct {
	Digest     string
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	// ExpiresAt is when the token stops working. Every token has one
	// (the store refuses a token without); zero is read as never only
	// for a row the upgrade to migration 19 has not reached.
	ExpiresAt time.Time
}

// ID is the token's handle.
func (t APIToken) ID() string { return Handle(t.Digest) }

// Expired reports whether the token no longer works at now.
func (t APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// TOTPState is a user's two-factor sign-in settings.
type TOTPState struct {
	// Secret is the base32 TOTP secret; "" when there is none.
	Secret string
	// EnabledAt is when two-factor sign-in was turned on; zero while a
	// setup is unfinished (Secret set) or when it is off.
	EnabledAt time.Time
	// LastStep is the TOTP time step of the last code used; only later
	// steps are accepted.
	LastStep int64
}

// Pending reports whether a setup was started and not yet confirmed.
func (t TOTPState) Pending() bool { return t.Secret != "" && t.EnabledAt.IsZero() }

// ThrottleKey names one counter of failed attempts (a row of
// sign_in_throttle).
type ThrottleKey struct {
	// Scope says what is counted (wrong passwords, wrong codes...), Key
	// for whom (an account and a client network, a network...).
	Scope, Key string
	// Account is the lower-case e-mail address of the account the counter
	// belongs to, "" for one that belongs to no account (a network's).
	// Clearing an account's throttles clears every counter of an account.
	Account string
}

// Charge is an attempt to charge to a counter, under its policy.
type Charge struct {
	ThrottleKey
	Policy Throttle
}

// Token purposes.
const (
	PurposeVerify = "verify_email"
	PurposeReset  = "reset_password"
)
