package auth

import (
	"context"
	"errors"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
)

// The store's errors, which the account use cases decide on.
var (
	// ErrNotFound is a row that does not exist: an unknown address, a link
	// unknown, used or expired, a session ended.
	ErrNotFound = certboard.ErrNotFound
	// ErrConflict is a write that lost a race with another edit or would
	// break a uniqueness rule.
	ErrConflict = certboard.ErrConflict
	// ErrTokenExpired is a known API token past its expiry.
	ErrTokenExpired = errors.New("the API token expired")
)

// Store is what the account use cases need of storage: the reads below,
// and the writes of Tx in one transaction. It is declared here, beside its
// consumer, and implemented by auth/authsql over a mode's own database:
// the board's (reached as boardsql.ForAuth) or a practice's.
type Store interface {
	// InTx runs f in one transaction: it commits when f returns nil and
	// rolls back otherwise.
	InTx(ctx context.Context, f func(tx Tx) error) error

	// UserByEmail returns the account of an address (any case), or
	// ErrNotFound.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// LiveSession returns a session usable at now and its user, or
	// ErrNotFound; reading it marks it seen.
	LiveSession(ctx context.Context, digest string, now time.Time, idle time.Duration) (*Session, *User, error)
	// UserSessions lists the live sessions of a user.
	UserSessions(ctx context.Context, userID int64, now time.Time, idle time.Duration) ([]Session, error)
	// ReauthenticatedAt is when a session last confirmed it is its person
	// (zero: never), or ErrNotFound for a session that ended.
	ReauthenticatedAt(ctx context.Context, digest string) (time.Time, error)
	// EmailTokenUser returns the account of a link's token that is still
	// usable, without using it, or ErrNotFound.
	EmailTokenUser(ctx context.Context, digest, purpose string, now time.Time) (*User, error)
	// TOTP returns a user's two-factor settings.
	TOTP(ctx context.Context, userID int64) (TOTPState, error)
	// RecoveryCodesLeft counts a user's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	// APITokens lists a user's API tokens.
	APITokens(ctx context.Context, userID int64) ([]APIToken, error)
	// APITokenUser returns the user of a live API token and when the
	// token expires (zero: never), ErrNotFound, or ErrTokenExpired with
	// the expiry.
	APITokenUser(ctx context.Context, digest string, now time.Time) (*User, time.Time, error)
	// KnownDevice reports whether a device digest is a live known device
	// of the user.
	KnownDevice(ctx context.Context, userID int64, digest string, now time.Time) (bool, error)
	// ChargeAttempt decides an attempt against its counters and charges
	// it, in one transaction of its own, or returns how long to wait.
	ChargeAttempt(ctx context.Context, now time.Time, charges ...Charge) (wait time.Duration, err error)
	// RefundAttempt takes an admitted attempt's charge back.
	RefundAttempt(ctx context.Context, now time.Time, charges ...Charge) error
	// ForgetThrottles deletes the counters that no longer matter at now
	// and returns how many.
	ForgetThrottles(ctx context.Context, now time.Time) (int64, error)
}

// Tx is one transaction of the store: every write of an account use case
// goes through it.
type Tx interface {
	// AppendAudit appends an entry to the audit log.
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	// EnqueueMail puts a mail in the outbox, sent once the transaction
	// commits.
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)

	// CreateUser stores a new account; ErrConflict when the address has one.
	CreateUser(ctx context.Context, u User) (int64, error)
	// ReplaceUnverifiedUser gives an unverified account of u's address u's
	// name and password, voiding its links; replaced is false, and nothing
	// changes, when that account is verified.
	ReplaceUnverifiedUser(ctx context.Context, u User) (id int64, replaced bool, err error)
	// TakeMailQuota counts a mail to addr and reports whether it may be sent.
	TakeMailQuota(ctx context.Context, addr string, now time.Time, window time.Duration, limit int) (bool, error)
	// CreateEmailToken stores the digest of a link's token.
	CreateEmailToken(ctx context.Context, digest string, userID int64, purpose string, expires time.Time) error
	// UseEmailToken uses a link's token up and returns its account, or
	// ErrNotFound.
	UseEmailToken(ctx context.Context, digest, purpose string, now time.Time) (int64, error)
	// MarkEmailVerifiedWithHash verifies an address, provided the password
	// hash is still hash (ErrConflict otherwise).
	MarkEmailVerifiedWithHash(ctx context.Context, userID int64, hash string, at time.Time) error
	// SetPassword sets a new password hash and ends every session.
	SetPassword(ctx context.Context, userID int64, hash string) error
	// ChangePassword sets a new hash when the hash is still oldHash
	// (ErrConflict otherwise), ends every session but keep and revokes
	// every API token.
	ChangePassword(ctx context.Context, userID int64, oldHash, newHash, keep string) (sessions, tokens int64, err error)

	// CreateSession stores a session.
	CreateSession(ctx context.Context, ss Session) error
	// ReplaceSession ends a (pending) session and stores ss in its place;
	// ErrNotFound when it ended.
	ReplaceSession(ctx context.Context, oldDigest string, ss Session) error
	// EndUserSession ends one session of a user by its handle and returns
	// its digest; ErrNotFound when there is none.
	EndUserSession(ctx context.Context, userID int64, handle string) (string, error)
	// EndOtherSessions ends every session of a user but keep.
	EndOtherSessions(ctx context.Context, userID int64, keep string) (int64, error)
	// MarkReauthenticated records that a session confirmed it is its person.
	MarkReauthenticated(ctx context.Context, userID int64, digest string, at time.Time) error

	// BeginTOTP starts a two-factor setup; ErrConflict when it is on.
	BeginTOTP(ctx context.Context, userID int64, secret string) error
	// ConfirmTOTP turns two-factor sign-in on with recovery codes;
	// ErrConflict when the setup changed.
	ConfirmTOTP(ctx context.Context, userID, step int64, recoveryDigests []string, at time.Time) error
	// DisableTOTP turns two-factor sign-in off.
	DisableTOTP(ctx context.Context, userID int64) error
	// UseTOTPStep records the time step of a code used; ErrConflict when a
	// later one was.
	UseTOTPStep(ctx context.Context, userID, step int64) error
	// RenewRecoveryCodes replaces every recovery code; ErrConflict when
	// two-factor sign-in is off.
	RenewRecoveryCodes(ctx context.Context, userID int64, digests []string, at time.Time) error
	// UseRecoveryCode spends an unused recovery code, or ErrNotFound.
	UseRecoveryCode(ctx context.Context, userID int64, digest string, at time.Time) error

	// CreateAPIToken stores an API token.
	CreateAPIToken(ctx context.Context, t APIToken) error
	// DeleteAPIToken revokes one of a user's tokens by its handle;
	// ErrNotFound when it is not theirs.
	DeleteAPIToken(ctx context.Context, userID int64, id string) (string, error)

	// CountFailure counts a failure toward telling the owner, and reports
	// whether to tell them now.
	CountFailure(ctx context.Context, k ThrottleKey, n Notice, now time.Time) (tell bool, err error)
	// ClearThrottle forgets one counter.
	ClearThrottle(ctx context.Context, k ThrottleKey) error
	// ClearAccountThrottles forgets every counter of a user's account.
	ClearAccountThrottles(ctx context.Context, userID int64) error
	// DeleteUnverifiedUsers deletes the accounts never verified that were
	// made before before, and returns their ids.
	DeleteUnverifiedUsers(ctx context.Context, before time.Time) ([]int64, error)
	// SweepMailQuota forgets the mail quotas of windows that ended before
	// ended.
	SweepMailQuota(ctx context.Context, ended time.Time) (int64, error)
	// FinishJob marks the background job id finished with an outcome
	// (jobs.Done, jobs.Skipped); ErrConflict when it already is.
	FinishJob(ctx context.Context, id int64, outcome string, at time.Time) error
	// RememberDevice makes a device digest a known device of the user until
	// expires.
	RememberDevice(ctx context.Context, userID int64, digest string, now, expires time.Time) error
}
