package authsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/sqldb"
)

// CreateAPIToken stores a new API token, which must have an expiry.
func (s *Store) CreateAPIToken(ctx context.Context, q Querier, t auth.APIToken) error {
	if t.ExpiresAt.IsZero() || !t.ExpiresAt.After(t.CreatedAt) {
		return fmt.Errorf("storing the API token: it needs an expiry after its creation (%v)", t.ExpiresAt)
	}
	_, err := q.ExecContext(ctx, s.d.Rebind("INSERT INTO api_tokens (digest, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
		t.Digest, t.UserID, t.Name, s.timeArg(t.CreatedAt), s.optionalTime(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("storing the API token: %w", err)
	}
	return nil
}

// APITokens lists a user's API tokens, newest first, expired ones included.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]auth.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(
		"SELECT digest, user_id, name, created_at, last_used_at, expires_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, digest"), userID)
	if err != nil {
		return nil, fmt.Errorf("listing API tokens: %w", err)
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (t auth.APIToken, err error) {
		var created, used, expires any
		if err := r.Scan(&t.Digest, &t.UserID, &t.Name, &created, &used, &expires); err != nil {
			return t, err
		}
		if t.CreatedAt, err = sqldb.ScanTime(created); err != nil {
			return t, err
		}
		if used != nil {
			if t.LastUsedAt, err = sqldb.ScanTime(used); err != nil {
				return t, err
			}
		}
		if expires != nil {
			if t.ExpiresAt, err = sqldb.ScanTime(expires); err != nil {
				return t, err
			}
		}
		return t, nil
	})
}

// DeleteAPIToken revokes one of a user's tokens by its ID and returns its
// name. A token that is not the user's, or does not exist, is ErrNotFound.
func (s *Store) DeleteAPIToken(ctx context.Context, q Querier, userID int64, id string) (string, error) {
	if !auth.ValidHandle(id) {
		return "", ErrNotFound
	}
	var name string
	err := q.QueryRowContext(ctx, s.d.Rebind("DELETE FROM api_tokens WHERE user_id = ? AND substr(digest, 1, ?) = ? RETURNING name"),
		userID, auth.HandleLen, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("revoking the API token: %w", err)
	}
	return name, nil
}

// APITokenUser returns the user of a live API token and when the token
// expires (zero: never), and records its use, at most once a minute so that
// reads do not all become writes. An unknown (or revoked) token is
// ErrNotFound; an expired one is auth.ErrTokenExpired, with its expiry, and
// its use is not recorded.
func (s *Store) APITokenUser(ctx context.Context, digest string, now time.Time) (*auth.User, time.Time, error) {
	var userID int64
	var used, expires any
	err := s.db.QueryRowContext(ctx, s.d.Rebind("SELECT user_id, last_used_at, expires_at FROM api_tokens WHERE digest = ?"), digest).
		Scan(&userID, &used, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, ErrNotFound
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reading the API token: %w", err)
	}
	var exp time.Time
	if expires != nil {
		if exp, err = sqldb.ScanTime(expires); err != nil {
			return nil, time.Time{}, err
		}
		if !now.Before(exp) {
			return nil, exp, auth.ErrTokenExpired
		}
	}
	touch := used == nil
	if !touch {
		last, err := sqldb.ScanTime(used)
		if err != nil {
			return nil, time.Time{}, err
		}
		touch = now.Sub(last) >= time.Minute
	}
	if touch {
		if _, err := s.db.ExecContext(ctx, s.d.Rebind("UPDATE api_tokens SET last_used_at = ? WHERE digest = ?"), s.timeArg(now), digest); err != nil {
			return nil, time.Time{}, fmt.Errorf("recording the API token's use: %w", err)
		}
	}
	u, err := s.UserByID(ctx, userID)
	return u, exp, err
}
