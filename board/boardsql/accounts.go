package boardsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/sqldb"
)

// The board's accounts are package authsql over the board's database,
// which both modes share; the methods below are its part of the store,
// each documented in full on the authsql method of the same name.

// ErrNotFound is returned when a looked-up row does not exist (it is
// sqldb.ErrNotFound).
var ErrNotFound = sqldb.ErrNotFound

// ErrConflict is returned when a write would break a uniqueness rule or
// lost a race with another edit (it is sqldb.ErrConflict).
var ErrConflict = sqldb.ErrConflict

// Querier is what both *sql.DB and *sql.Tx offer, so a method can run
// inside a caller's transaction or on its own (authsql.Querier).
type Querier = authsql.Querier

// KnownDevicesPerUser bounds the devices remembered for one account; the
// least recently used are forgotten first.
const KnownDevicesPerUser = authsql.KnownDevicesPerUser

// userReferences are the columns of the board's tables that name an
// account without deleting their row with it (no ON DELETE CASCADE): an
// account any of them names is never deleted as an expired sign-up. A new
// table that names users must be listed here (a test reads the migrations
// to check).
var userReferences = []struct{ Table, Column string }{
	{"applications", "applicant_id"},
	{"application_events", "actor_id"},
	{"documents", "uploaded_by"},
	{"review_assignments", "reviewer_id"},
	{"review_assignments", "assigned_by"},
	{"conflicts", "reviewer_id"},
	{"conflicts", "applicant_id"},
	{"requirement_set_uploads", "uploaded_by"},
	{"credentials", "holder_id"},
	{"registry_profiles", "holder_id"},
	{"ce_providers", "user_id"},
	{"ce_completions", "provider_id"},
	{"ce_completions", "holder_id"},
	{"trusted_issuers", "added_by"},
}

// accountReferences is userReferences as authsql takes them.
func accountReferences() []authsql.Reference {
	refs := make([]authsql.Reference, len(userReferences))
	for i, r := range userReferences {
		refs[i] = authsql.Reference(r)
	}
	return refs
}

// users

// CreateUser adds an account; the e-mail address is stored in lower case
// and must be new (ErrConflict otherwise).
func (s *Store) CreateUser(ctx context.Context, u User) (int64, error) {
	return s.accounts.CreateUser(ctx, u)
}

// CreateUserIn is CreateUser inside a transaction (or any Querier).
func (s *Store) CreateUserIn(ctx context.Context, q Querier, u User) (int64, error) {
	return s.accounts.CreateUserIn(ctx, q, u)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.accounts.UserByID(ctx, id)
}

// Users lists accounts by name; with a role, only those holding it.
func (s *Store) Users(ctx context.Context, role auth.Role) ([]*User, error) {
	return s.accounts.Users(ctx, role)
}

// UserByEmail finds an account by e-mail address, in any case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return s.accounts.UserByEmail(ctx, email)
}

// UpdateUser changes an account's name, roles and practice if it is still
// at u.Version (ErrConflict otherwise) and returns the new version.
func (s *Store) UpdateUser(ctx context.Context, q Querier, u User) (int, error) {
	return s.accounts.UpdateUser(ctx, q, u)
}

// UpdateUser is Store.UpdateUser in the transaction.
func (tx *Tx) UpdateUser(ctx context.Context, u User) (int, error) {
	return tx.accounts().UpdateUser(ctx, u)
}

// EndAllAccess ends every session of a user and revokes their API tokens.
func (s *Store) EndAllAccess(ctx context.Context, q Querier, userID int64) error {
	return s.accounts.EndAllAccess(ctx, q, userID)
}

// EndAllAccess is Store.EndAllAccess in the transaction.
func (tx *Tx) EndAllAccess(ctx context.Context, userID int64) error {
	return tx.accounts().EndAllAccess(ctx, userID)
}

// SetPassword replaces a user's password hash, ends all their sessions,
// revokes their API tokens and forgets their devices.
func (s *Store) SetPassword(ctx context.Context, q Querier, userID int64, hash string) error {
	return s.accounts.SetPassword(ctx, q, userID, hash)
}

// ChangePassword replaces a user's password hash when it is still oldHash
// (ErrConflict otherwise), ends every session but keep and revokes every
// API token.
func (s *Store) ChangePassword(ctx context.Context, q Querier, userID int64, oldHash, newHash, keep string) (sessions, tokens int64, err error) {
	return s.accounts.ChangePassword(ctx, q, userID, oldHash, newHash, keep)
}

// sign-up and links sent by e-mail

// CreateEmailToken stores the digest of a single-use token sent by e-mail.
func (s *Store) CreateEmailToken(ctx context.Context, q Querier, digest string, userID int64, purpose string, expires time.Time) error {
	return s.accounts.CreateEmailToken(ctx, q, digest, userID, purpose, expires)
}

// UseEmailToken consumes a token of a purpose inside tx and returns its
// user's id; an unknown, used, expired or other-purpose token is
// ErrNotFound.
func (tx *Tx) UseEmailToken(ctx context.Context, digest, purpose string, now time.Time) (int64, error) {
	return tx.accounts().UseEmailToken(ctx, digest, purpose, now)
}

// EmailTokenUser returns the account of a live token of a purpose without
// using it, or ErrNotFound.
func (s *Store) EmailTokenUser(ctx context.Context, digest, purpose string, now time.Time) (*User, error) {
	return s.accounts.EmailTokenUser(ctx, digest, purpose, now)
}

// MarkEmailVerifiedWithHash records that a user proved their address,
// provided their password hash is still hash (ErrConflict otherwise).
func (s *Store) MarkEmailVerifiedWithHash(ctx context.Context, q Querier, userID int64, hash string, at time.Time) error {
	return s.accounts.MarkEmailVerifiedWithHash(ctx, q, userID, hash, at)
}

// MarkEmailVerified records that a user proved their address.
func (s *Store) MarkEmailVerified(ctx context.Context, q Querier, userID int64, at time.Time) error {
	return s.accounts.MarkEmailVerified(ctx, q, userID, at)
}

// ReplaceUnverifiedUser gives an unverified applicant account of u's
// address u's name and password, voiding its links, sessions and API
// tokens; replaced is false when the account is verified or holds other
// roles, and an address without an account is ErrNotFound.
func (tx *Tx) ReplaceUnverifiedUser(ctx context.Context, u User) (int64, bool, error) {
	return tx.accounts().ReplaceUnverifiedUser(ctx, u)
}

// DeleteUnverifiedUsers deletes the applicant accounts never verified that
// were made before before and that nothing of the board names
// (userReferences), and returns their ids in order.
func (tx *Tx) DeleteUnverifiedUsers(ctx context.Context, before time.Time) ([]int64, error) {
	return tx.accounts().DeleteUnverifiedUsers(ctx, before)
}

// TakeMailQuota counts one mail to addr and reports whether it is within
// limit mails per window.
func (s *Store) TakeMailQuota(ctx context.Context, q Querier, addr string, now time.Time, window time.Duration, limit int) (bool, error) {
	return s.accounts.TakeMailQuota(ctx, q, addr, now, window, limit)
}

// SweepMailQuota forgets the recipients whose window began at or before
// ended and returns how many.
func (s *Store) SweepMailQuota(ctx context.Context, q Querier, ended time.Time) (int64, error) {
	return s.accounts.SweepMailQuota(ctx, q, ended)
}

// sessions

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, ss Session) error {
	return s.accounts.CreateSession(ctx, ss)
}

// CreateSessionIn is CreateSession inside a transaction (or any Querier).
func (s *Store) CreateSessionIn(ctx context.Context, q Querier, ss Session) error {
	return s.accounts.CreateSessionIn(ctx, q, ss)
}

// LiveSession returns a live session, pending or not, and its user, and
// marks it seen at now; a session no longer live is deleted and
// ErrNotFound.
func (s *Store) LiveSession(ctx context.Context, digest string, now time.Time, idle time.Duration) (*Session, *User, error) {
	return s.accounts.LiveSession(ctx, digest, now, idle)
}

// SessionUser returns the user of a live, signed-in session and marks it
// seen at now; a session no longer live, or waiting for its second
// factor, is ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, digest string, now time.Time, idle time.Duration) (*User, error) {
	return s.accounts.SessionUser(ctx, digest, now, idle)
}

// UserSessions lists a user's live, signed-in sessions, most recently seen
// first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time, idle time.Duration) ([]Session, error) {
	return s.accounts.UserSessions(ctx, userID, now, idle)
}

// DeleteSession ends a session; ending one that does not exist is not an
// error.
func (s *Store) DeleteSession(ctx context.Context, digest string) error {
	return s.accounts.DeleteSession(ctx, digest)
}

// EndUserSession ends one of a user's sessions by its handle and returns
// its digest; a session of another user, or none, is ErrNotFound.
func (s *Store) EndUserSession(ctx context.Context, q Querier, userID int64, handle string) (string, error) {
	return s.accounts.EndUserSession(ctx, q, userID, handle)
}

// EndOtherSessions ends every session of a user but keep and returns how
// many it ended.
func (s *Store) EndOtherSessions(ctx context.Context, q Querier, userID int64, keep string) (int64, error) {
	return s.accounts.EndOtherSessions(ctx, q, userID, keep)
}

// ReplaceSession swaps a pending session for a new one; ErrNotFound when
// the old one no longer exists.
func (s *Store) ReplaceSession(ctx context.Context, q Querier, oldDigest string, ss Session) error {
	return s.accounts.ReplaceSession(ctx, q, oldDigest, ss)
}

// ReauthenticatedAt returns when the person behind a session last
// confirmed it was them (zero: not since the sign-in); an unknown session
// is ErrNotFound.
func (s *Store) ReauthenticatedAt(ctx context.Context, digest string) (time.Time, error) {
	return s.accounts.ReauthenticatedAt(ctx, digest)
}

// MarkReauthenticated records at as the time the person behind one of a
// user's signed-in sessions confirmed it was them; ErrNotFound otherwise.
func (s *Store) MarkReauthenticated(ctx context.Context, q Querier, userID int64, digest string, at time.Time) error {
	return s.accounts.MarkReauthenticated(ctx, q, userID, digest, at)
}

// failed attempts and known devices

// ChargeAttempt decides an attempt at now against every counter it names
// and charges it, in one transaction, or returns how long to wait.
func (s *Store) ChargeAttempt(ctx context.Context, now time.Time, charges ...Charge) (wait time.Duration, err error) {
	return s.accounts.ChargeAttempt(ctx, now, charges...)
}

// RefundAttempt takes back the charge of an admitted attempt from every
// counter it names.
func (s *Store) RefundAttempt(ctx context.Context, now time.Time, charges ...Charge) error {
	return s.accounts.RefundAttempt(ctx, now, charges...)
}

// CountFailure adds a failure at now to the counter k inside tx, under the
// notice policy n, and reports whether the account's owner should be told
// now.
func (tx *Tx) CountFailure(ctx context.Context, k ThrottleKey, n auth.Notice, now time.Time) (tell bool, err error) {
	return tx.accounts().CountFailure(ctx, k, n, now)
}

// Throttle reads a counter; one that does not exist is the zero state.
func (s *Store) Throttle(ctx context.Context, k ThrottleKey) (auth.Attempts, error) {
	return s.accounts.Throttle(ctx, k)
}

// ClearThrottle forgets one counter.
func (s *Store) ClearThrottle(ctx context.Context, q Querier, k ThrottleKey) error {
	return s.accounts.ClearThrottle(ctx, q, k)
}

// ClearAccountThrottles forgets every counter of a user's account.
func (s *Store) ClearAccountThrottles(ctx context.Context, q Querier, userID int64) error {
	return s.accounts.ClearAccountThrottles(ctx, q, userID)
}

// ForgetThrottles deletes the counters that no longer matter at now and
// returns how many.
func (s *Store) ForgetThrottles(ctx context.Context, now time.Time) (int64, error) {
	return s.accounts.ForgetThrottles(ctx, now)
}

// KnownDevice reports whether digest is a live known device of the user.
func (s *Store) KnownDevice(ctx context.Context, userID int64, digest string, now time.Time) (bool, error) {
	return s.accounts.KnownDevice(ctx, userID, digest, now)
}

// RememberDevice stores (or renews) a known device of the user until
// expires, inside tx.
func (tx *Tx) RememberDevice(ctx context.Context, userID int64, digest string, now, expires time.Time) error {
	return tx.accounts().RememberDevice(ctx, userID, digest, now, expires)
}

// ForgetDevices forgets every known device of a user, inside q.
func (s *Store) ForgetDevices(ctx context.Context, q Querier, userID int64) error {
	return s.accounts.ForgetDevices(ctx, q, userID)
}

// two factors

// TOTP reads a user's two-factor settings, opening the sealed secret.
func (s *Store) TOTP(ctx context.Context, userID int64) (TOTPState, error) {
	return s.accounts.TOTP(ctx, userID)
}

// BeginTOTP stores a new, not yet confirmed, TOTP secret; ErrConflict when
// two-factor sign-in is already on.
func (s *Store) BeginTOTP(ctx context.Context, q Querier, userID int64, secret string) error {
	return s.accounts.BeginTOTP(ctx, q, userID, secret)
}

// ConfirmTOTP turns two-factor sign-in on with recovery codes; ErrConflict
// when no setup is waiting.
func (s *Store) ConfirmTOTP(ctx context.Context, q Querier, userID, step int64, recoveryDigests []string, at time.Time) error {
	return s.accounts.ConfirmTOTP(ctx, q, userID, step, recoveryDigests, at)
}

// EnableTOTP turns two-factor sign-in on with a known secret, without a
// confirming code: for the demo seeder and tests.
func (s *Store) EnableTOTP(ctx context.Context, userID int64, secret string, at time.Time) error {
	return s.accounts.EnableTOTP(ctx, userID, secret, at)
}

// DisableTOTP turns two-factor sign-in off and forgets the secret, the
// recovery codes and the known devices.
func (s *Store) DisableTOTP(ctx context.Context, q Querier, userID int64) error {
	return s.accounts.DisableTOTP(ctx, q, userID)
}

// UseTOTPStep records that a code of a time step was used; ErrConflict
// when that step or a later one was.
func (s *Store) UseTOTPStep(ctx context.Context, q Querier, userID, step int64) error {
	return s.accounts.UseTOTPStep(ctx, q, userID, step)
}

// ReplaceRecoveryCodes stores the digests of a user's recovery codes,
// forgetting the previous ones.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, q Querier, userID int64, digests []string, at time.Time) error {
	return s.accounts.ReplaceRecoveryCodes(ctx, q, userID, digests, at)
}

// RenewRecoveryCodes replaces all of a user's recovery codes while
// two-factor sign-in is on; ErrConflict when it is off.
func (s *Store) RenewRecoveryCodes(ctx context.Context, q Querier, userID int64, digests []string, at time.Time) error {
	return s.accounts.RenewRecoveryCodes(ctx, q, userID, digests, at)
}

// UseRecoveryCode spends one of a user's recovery codes by its digest; an
// unknown or used one is ErrNotFound.
func (s *Store) UseRecoveryCode(ctx context.Context, q Querier, userID int64, digest string, at time.Time) error {
	return s.accounts.UseRecoveryCode(ctx, q, userID, digest, at)
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	return s.accounts.RecoveryCodesLeft(ctx, userID)
}

// API tokens

// CreateAPIToken stores a new API token, which must have an expiry.
func (s *Store) CreateAPIToken(ctx context.Context, q Querier, t APIToken) error {
	return s.accounts.CreateAPIToken(ctx, q, t)
}

// APITokens lists a user's API tokens, newest first, expired ones
// included.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return s.accounts.APITokens(ctx, userID)
}

// DeleteAPIToken revokes one of a user's tokens by its ID and returns its
// name; ErrNotFound when it is not theirs.
func (s *Store) DeleteAPIToken(ctx context.Context, q Querier, userID int64, id string) (string, error) {
	return s.accounts.DeleteAPIToken(ctx, q, userID, id)
}

// APITokenUser returns the user of a live API token and when it expires;
// ErrNotFound, or auth.ErrTokenExpired with the expiry.
func (s *Store) APITokenUser(ctx context.Context, digest string, now time.Time) (*User, time.Time, error) {
	return s.accounts.APITokenUser(ctx, digest, now)
}

// accounts is the account writes bound to the transaction.
func (tx *Tx) accounts() *authsql.Tx { return tx.s.accounts.In(tx.Tx) }
