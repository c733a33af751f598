package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
)

// APITokenPrefix starts every API token, so that a leaked one is easy to
// recognise (and to search for in code and logs).
const APITokenPrefix = "cbt_"

// API token lifetimes, in days: every token expires, after
// DefaultTokenDays unless its creator chose another lifetime of at most
// MaxTokenDays.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// TokenUser returns the user of an API token; an unknown or revoked token,
// or one without the prefix, is ErrNotFound, and an expired one an
// Unauthorized Error (wrapping ErrTokenExpired) that says when it expired.
func (a *Accounts) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return nil, ErrNotFound
	}
	u, expires, err := a.store.APITokenUser(ctx, Digest(token), a.now())
	if errors.Is(err, ErrTokenExpired) {
		return nil, &certboard.Error{Code: certboard.Unauthorized, Title: "Token expired",
			Message: "This API token expired on " + expires.UTC().Format("2006-01-02 15:04 UTC") + "; create a new one on your account page.",
			Err:     err}
	}
	return u, err
}

// newAPIToken returns a random API token and its digest.
func newAPIToken() (token, digest string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("reading a random token: %w", err)
	}
	token = APITokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, Digest(token), nil
}

// Tokens lists u's API tokens.
func (a *Accounts) Tokens(ctx context.Context, u *User) ([]APIToken, error) {
	return a.store.APITokens(ctx, u.ID)
}

// ErrTokenNeedsTwoFactor refuses an API token to an account that must
// sign in with two factors and does not yet.
var ErrTokenNeedsTwoFactor = &certboard.Error{Code: certboard.Forbidden, Title: "Not allowed",
	Message: "Turn on two-factor sign-in before creating API tokens: your account must sign in with two factors."}

// CreateToken stores a new API token for u, named name, expiring after
// days (0: DefaultTokenDays), with its audit entry, and returns the token,
// which is shown this once. Who may create one is the caller's to check.
func (a *Accounts) CreateToken(ctx context.Context, u *User, name string, days int) (string, APIToken, error) {
	if a.NeedsTwoFactor(u) && !u.TwoFactor() {
		return "", APIToken{}, ErrTokenNeedsTwoFactor
	}
	token, digest, err := newAPIToken()
	if err != nil {
		return "", APIToken{}, err
	}
	now := a.now()
	if days <= 0 {
		days = DefaultTokenDays
	}
	t := APIToken{Digest: digest, UserID: u.ID, Name: name, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
	err = a.inTx(ctx, func(tx Tx) error {
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, tokenEntry(now, u.ID, "token.create", t.ID()))
		return err
	})
	return token, t, err
}

// RevokeToken deletes one of u's tokens with its audit entry; a token that
// is not theirs is ErrNotFound.
func (a *Accounts) RevokeToken(ctx context.Context, u *User, id string) error {
	return a.inTx(ctx, func(tx Tx) error {
		if _, err := tx.DeleteAPIToken(ctx, u.ID, id); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, tokenEntry(a.now(), u.ID, "token.revoke", id))
		return err
	})
}

// tokenEntry is the audit entry of a change to an API token.
func tokenEntry(at time.Time, userID int64, action, id string) audit.Entry {
	return audit.Entry{At: at, Actor: fmt.Sprintf("user/%d", userID), Action: action, Subject: "token/" + id}
}

// Sessions (the rest of them are in signin.go).

// EndSession ends one of u's sessions, by its handle, with its audit entry,
// and reports whether it was current (the caller's; nil for none); a
// session that is not theirs is ErrNotFound.
func (a *Accounts) EndSession(ctx context.Context, u *User, current *Session, handle string) (own bool, err error) {
	err = a.inTx(ctx, func(tx Tx) error {
		digest, err := tx.EndUserSession(ctx, u.ID, handle)
		if err != nil {
			return err
		}
		own = current != nil && current.Digest == digest
		e := userEntry(a.now(), u.ID, "session.end")
		e.After = "session " + handle
		_, err = tx.AppendAudit(ctx, e)
		return err
	})
	return own, err
}

// EndOtherSessions ends every session of u but the caller's, with an audit
// entry, and returns how many ended.
func (a *Accounts) EndOtherSessions(ctx context.Context, u *User, current *Session) (int64, error) {
	var n int64
	err := a.inTx(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.EndOtherSessions(ctx, u.ID, current.Digest); err != nil {
			return err
		}
		e := userEntry(a.now(), u.ID, "session.end_others")
		e.After = fmt.Sprintf("%d sessions", n)
		_, err = tx.AppendAudit(ctx, e)
		return err
	})
	return n, err
}
