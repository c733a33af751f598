package boardsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/auth"
)

// ForAuth is the store as the account use cases see it (auth.Store): the
// same store, whose InTx hands out the transaction as an auth.Tx.
type ForAuth struct{ *Store }

var _ auth.Store = ForAuth{}

// InTx runs f in one transaction of the store.
func (s ForAuth) InTx(ctx context.Context, f func(tx auth.Tx) error) error {
	return s.Store.InTx(ctx, func(tx *Tx) error { return f(authTx{Tx: tx, s: s.Store}) })
}

// authTx is a transaction as an auth.Tx: the store's methods that take a
// Querier, bound to the transaction.
type authTx struct {
	*Tx
	s *Store
}

var _ auth.Tx = authTx{}

func (t authTx) CreateUser(ctx context.Context, u User) (int64, error) {
	return t.s.CreateUserIn(ctx, t.Tx, u)
}

func (t authTx) TakeMailQuota(ctx context.Context, addr string, now time.Time, window time.Duration, limit int) (bool, error) {
	return t.s.TakeMailQuota(ctx, t.Tx, addr, now, window, limit)
}

func (t authTx) CreateEmailToken(ctx context.Context, digest string, userID int64, purpose string, expires time.Time) error {
	return t.s.CreateEmailToken(ctx, t.Tx, digest, userID, purpose, expires)
}

func (t authTx) MarkEmailVerifiedWithHash(ctx context.Context, userID int64, hash string, at time.Time) error {
	return t.s.MarkEmailVerifiedWithHash(ctx, t.Tx, userID, hash, at)
}

func (t authTx) SetPassword(ctx context.Context, userID int64, hash string) error {
	return t.s.SetPassword(ctx, t.Tx, userID, hash)
}

func (t authTx) ChangePassword(ctx context.Context, userID int64, oldHash, newHash, keep string) (int64, int64, error) {
	return t.s.ChangePassword(ctx, t.Tx, userID, oldHash, newHash, keep)
}

func (t authTx) CreateSession(ctx context.Context, ss Session) error {
	return t.s.CreateSessionIn(ctx, t.Tx, ss)
}

func (t authTx) ReplaceSession(ctx context.Context, oldDigest string, ss Session) error {
	return t.s.ReplaceSession(ctx, t.Tx, oldDigest, ss)
}

func (t authTx) EndUserSession(ctx context.Context, userID int64, handle string) (string, error) {
	return t.s.EndUserSession(ctx, t.Tx, userID, handle)
}

func (t authTx) EndOtherSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	return t.s.EndOtherSessions(ctx, t.Tx, userID, keep)
}

func (t authTx) MarkReauthenticated(ctx context.Context, userID int64, digest string, at time.Time) error {
	return t.s.MarkReauthenticated(ctx, t.Tx, userID, digest, at)
}

func (t authTx) BeginTOTP(ctx context.Context, userID int64, secret string) error {
	return t.s.BeginTOTP(ctx, t.Tx, userID, secret)
}

func (t authTx) ConfirmTOTP(ctx context.Context, userID, step int64, recoveryDigests []string, at time.Time) error {
	return t.s.ConfirmTOTP(ctx, t.Tx, userID, step, recoveryDigests, at)
}

func (t authTx) DisableTOTP(ctx context.Context, userID int64) error {
	return t.s.DisableTOTP(ctx, t.Tx, userID)
}

func (t authTx) UseTOTPStep(ctx context.Context, userID, step int64) error {
	return t.s.UseTOTPStep(ctx, t.Tx, userID, step)
}

func (t authTx) RenewRecoveryCodes(ctx context.Context, userID int64, digests []string, at time.Time) error {
	return t.s.RenewRecoveryCodes(ctx, t.Tx, userID, digests, at)
}

func (t authTx) UseRecoveryCode(ctx context.Context, userID int64, digest string, at time.Time) error {
	return t.s.UseRecoveryCode(ctx, t.Tx, userID, digest, at)
}

func (t authTx) CreateAPIToken(ctx context.Context, tok APIToken) error {
	return t.s.CreateAPIToken(ctx, t.Tx, tok)
}

func (t authTx) DeleteAPIToken(ctx context.Context, userID int64, id string) (string, error) {
	return t.s.DeleteAPIToken(ctx, t.Tx, userID, id)
}

func (t authTx) ClearThrottle(ctx context.Context, k ThrottleKey) error {
	return t.s.ClearThrottle(ctx, t.Tx, k)
}

func (t authTx) ClearAccountThrottles(ctx context.Context, userID int64) error {
	return t.s.ClearAccountThrottles(ctx, t.Tx, userID)
}

func (t authTx) SweepMailQuota(ctx context.Context, ended time.Time) (int64, error) {
	return t.s.SweepMailQuota(ctx, t.Tx, ended)
}
