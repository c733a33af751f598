package authsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
)

// The writes of auth.Tx that are the store's writes over a Querier, bound
// to the transaction; the others are declared beside their tables.

// AppendAudit appends an entry to the database's audit log in the
// transaction (see auditsql.Log.Append).
func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	return t.s.audit.Append(ctx, t.tx, e)
}

// EnqueueMail puts a mail in the database's outbox in the transaction, its
// body sealed (see jobsql.Outbox.EnqueueMail).
func (t *Tx) EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error) {
	return t.s.outbox.EnqueueMail(ctx, t.tx, m)
}

// FinishJob marks a background job finished with an outcome in the
// transaction that made its changes; ErrConflict when it already is (see
// jobsql.Finish).
func (t *Tx) FinishJob(ctx context.Context, id int64, outcome string, at time.Time) error {
	return jobsql.Finish(ctx, t.tx, id, outcome, at)
}

// CreateUser is Store.CreateUserIn in the transaction.
func (t *Tx) CreateUser(ctx context.Context, u auth.User) (int64, error) {
	return t.s.CreateUserIn(ctx, t.tx, u)
}

// TakeMailQuota is Store.TakeMailQuota in the transaction.
func (t *Tx) TakeMailQuota(ctx context.Context, addr string, now time.Time, window time.Duration, limit int) (bool, error) {
	return t.s.TakeMailQuota(ctx, t.tx, addr, now, window, limit)
}

// SweepMailQuota is Store.SweepMailQuota in the transaction.
func (t *Tx) SweepMailQuota(ctx context.Context, ended time.Time) (int64, error) {
	return t.s.SweepMailQuota(ctx, t.tx, ended)
}

// CreateEmailToken is Store.CreateEmailToken in the transaction.
func (t *Tx) CreateEmailToken(ctx context.Context, digest string, userID int64, purpose string, expires time.Time) error {
	return t.s.CreateEmailToken(ctx, t.tx, digest, userID, purpose, expires)
}

// MarkEmailVerifiedWithHash is Store.MarkEmailVerifiedWithHash in the
// transaction.
func (t *Tx) MarkEmailVerifiedWithHash(ctx context.Context, userID int64, hash string, at time.Time) error {
	return t.s.MarkEmailVerifiedWithHash(ctx, t.tx, userID, hash, at)
}

// SetPassword is Store.SetPassword in the transaction.
func (t *Tx) SetPassword(ctx context.Context, userID int64, hash string) error {
	return t.s.SetPassword(ctx, t.tx, userID, hash)
}

// ChangePassword is Store.ChangePassword in the transaction.
func (t *Tx) ChangePassword(ctx context.Context, userID int64, oldHash, newHash, keep string) (sessions, tokens int64, err error) {
	return t.s.ChangePassword(ctx, t.tx, userID, oldHash, newHash, keep)
}

// CreateSession is Store.CreateSessionIn in the transaction.
func (t *Tx) CreateSession(ctx context.Context, ss auth.Session) error {
	return t.s.CreateSessionIn(ctx, t.tx, ss)
}

// ReplaceSession is Store.ReplaceSession in the transaction.
func (t *Tx) ReplaceSession(ctx context.Context, oldDigest string, ss auth.Session) error {
	return t.s.ReplaceSession(ctx, t.tx, oldDigest, ss)
}

// EndUserSession is Store.EndUserSession in the transaction.
func (t *Tx) EndUserSession(ctx context.Context, userID int64, handle string) (string, error) {
	return t.s.EndUserSession(ctx, t.tx, userID, handle)
}

// EndOtherSessions is Store.EndOtherSessions in the transaction.
func (t *Tx) EndOtherSessions(ctx context.Context, userID int64, keep string) (int64, error) {
	return t.s.EndOtherSessions(ctx, t.tx, userID, keep)
}

// MarkReauthenticated is Store.MarkReauthenticated in the transaction.
func (t *Tx) MarkReauthenticated(ctx context.Context, userID int64, digest string, at time.Time) error {
	return t.s.MarkReauthenticated(ctx, t.tx, userID, digest, at)
}

// BeginTOTP is Store.BeginTOTP in the transaction.
func (t *Tx) BeginTOTP(ctx context.Context, userID int64, secret string) error {
	return t.s.BeginTOTP(ctx, t.tx, userID, secret)
}

// ConfirmTOTP is Store.ConfirmTOTP in the transaction.
func (t *Tx) ConfirmTOTP(ctx context.Context, userID, step int64, recoveryDigests []string, at time.Time) error {
	return t.s.ConfirmTOTP(ctx, t.tx, userID, step, recoveryDigests, at)
}

// DisableTOTP is Store.DisableTOTP in the transaction.
func (t *Tx) DisableTOTP(ctx context.Context, userID int64) error {
	return t.s.DisableTOTP(ctx, t.tx, userID)
}

// UseTOTPStep is Store.UseTOTPStep in the transaction.
func (t *Tx) UseTOTPStep(ctx context.Context, userID, step int64) error {
	return t.s.UseTOTPStep(ctx, t.tx, userID, step)
}

// RenewRecoveryCodes is Store.RenewRecoveryCodes in the transaction.
func (t *Tx) RenewRecoveryCodes(ctx context.Context, userID int64, digests []string, at time.Time) error {
	return t.s.RenewRecoveryCodes(ctx, t.tx, userID, digests, at)
}

// UseRecoveryCode is Store.UseRecoveryCode in the transaction.
func (t *Tx) UseRecoveryCode(ctx context.Context, userID int64, digest string, at time.Time) error {
	return t.s.UseRecoveryCode(ctx, t.tx, userID, digest, at)
}

// CreateAPIToken is Store.CreateAPIToken in the transaction.
func (t *Tx) CreateAPIToken(ctx context.Context, tok auth.APIToken) error {
	return t.s.CreateAPIToken(ctx, t.tx, tok)
}

// DeleteAPIToken is Store.DeleteAPIToken in the transaction.
func (t *Tx) DeleteAPIToken(ctx context.Context, userID int64, id string) (string, error) {
	return t.s.DeleteAPIToken(ctx, t.tx, userID, id)
}

// ClearThrottle is Store.ClearThrottle in the transaction.
func (t *Tx) ClearThrottle(ctx context.Context, k auth.ThrottleKey) error {
	return t.s.ClearThrottle(ctx, t.tx, k)
}

// ClearAccountThrottles is Store.ClearAccountThrottles in the transaction.
func (t *Tx) ClearAccountThrottles(ctx context.Context, userID int64) error {
	return t.s.ClearAccountThrottles(ctx, t.tx, userID)
}
