package authsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/sqldb"
)

// ReauthenticatedAt returns when the person behind a session last confirmed
// that it was them without signing in again (zero: not since the sign-in).
// An unknown session is ErrNotFound.
func (s *Store) ReauthenticatedAt(ctx context.Context, digest string) (time.Time, error) {
	var at any
	err := s.db.QueryRowContext(ctx, s.d.Rebind("SELECT reauth_at FROM sessions WHERE digest = ?"), digest).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the session's confirmation: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return sqldb.ScanTime(at)
}

// MarkReauthenticated records at as the time the person behind one of a
// user's signed-in sessions confirmed it was them. A session that is not
// the user's, is still waiting for its second factor, or no longer exists
// is ErrNotFound.
func (s *Store) MarkReauthenticated(ctx context.Context, q Querier, userID int64, digest string, at time.Time) error {
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE sessions SET reauth_at = ? WHERE digest = ? AND user_id = ? AND pending_2fa = ?"),
		s.timeArg(at), digest, userID, false)
	if err != nil {
		return fmt.Errorf("recording the session's confirmation: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ChangePassword replaces a user's password hash, provided it is still
// oldHash (the one the current password was checked against; ErrConflict
// when it changed meanwhile). It ends every session of the user but keep
// (the one making the change; "" ends them all) and revokes all their API
// tokens, and says how many of each it ended.
func (s *Store) ChangePassword(ctx context.Context, q Querier, userID int64, oldHash, newHash, keep string) (sessions, tokens int64, err error) {
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ? AND password_hash = ?"),
		newHash, userID, oldHash)
	if err != nil {
		return 0, 0, fmt.Errorf("changing the password: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, 0, err
	} else if n == 0 {
		return 0, 0, fmt.Errorf("the password was changed meanwhile: %w", ErrConflict)
	}
	if res, err = q.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE user_id = ? AND digest <> ?"), userID, keep); err != nil {
		return 0, 0, fmt.Errorf("ending sessions: %w", err)
	}
	if sessions, err = res.RowsAffected(); err != nil {
		return 0, 0, err
	}
	if res, err = q.ExecContext(ctx, s.d.Rebind("DELETE FROM api_tokens WHERE user_id = ?"), userID); err != nil {
		return 0, 0, fmt.Errorf("revoking API tokens: %w", err)
	}
	if tokens, err = res.RowsAffected(); err != nil {
		return 0, 0, err
	}
	return sessions, tokens, s.ForgetDevices(ctx, q, userID)
}
