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

// TOTPContext is the sealing context of a user's TOTP secret
// (users.totp_secret): it binds the sealed secret to its user, so that a
// secret copied into another user's row does not open. A mode that seals
// its columns again under a newer key (as boardsql.Store.ResealAll does)
// needs it.
func TOTPContext(userID int64) string { return fmt.Sprintf("users/%d/totp", userID) }

// TOTP reads a user's two-factor settings, opening the sealed secret.
func (s *Store) TOTP(ctx context.Context, userID int64) (auth.TOTPState, error) {
	var st auth.TOTPState
	var sealed string
	var enabled any
	err := s.db.QueryRowContext(ctx, s.d.Rebind("SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = ?"), userID).
		Scan(&sealed, &enabled, &st.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("reading two-factor settings: %w", err)
	}
	if enabled != nil {
		if st.EnabledAt, err = sqldb.ScanTime(enabled); err != nil {
			return st, err
		}
	}
	if sealed != "" {
		plain, err := sqldb.Unseal(s.keys, sealed, TOTPContext(userID))
		if err != nil {
			return st, fmt.Errorf("opening the two-factor secret of user %d: %w", userID, err)
		}
		st.Secret = string(plain)
	}
	return st, nil
}

// BeginTOTP stores a new, not yet confirmed, TOTP secret for a user whose
// two-factor sign-in is off, replacing an unfinished setup. It is
// ErrConflict when two-factor sign-in is already on.
func (s *Store) BeginTOTP(ctx context.Context, q Querier, userID int64, secret string) error {
	sealed, err := sqldb.Seal(s.keys, []byte(secret), TOTPContext(userID))
	if err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enabled_at IS NULL"), sealed, userID)
	if err != nil {
		return fmt.Errorf("storing the two-factor secret: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("two-factor sign-in is already on: %w", ErrConflict)
	}
	return nil
}

// ConfirmTOTP turns two-factor sign-in on after the user proved their app
// works with a code of the given step, and stores the digests of their new
// recovery codes. It is ErrConflict when no setup was started or it is
// already on.
func (s *Store) ConfirmTOTP(ctx context.Context, q Querier, userID, step int64, recoveryDigests []string, at time.Time) error {
	res, err := q.ExecContext(ctx, s.d.Rebind(
		"UPDATE users SET totp_enabled_at = ?, totp_last_step = ? WHERE id = ? AND totp_secret <> '' AND totp_enabled_at IS NULL"),
		s.timeArg(at), step, userID)
	if err != nil {
		return fmt.Errorf("turning two-factor sign-in on: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("no two-factor setup is waiting for confirmation: %w", ErrConflict)
	}
	return s.ReplaceRecoveryCodes(ctx, q, userID, recoveryDigests, at)
}

// EnableTOTP turns two-factor sign-in on for a user with a known secret,
// without a confirming code and without recovery codes: for the demo seeder
// and tests, which then compute codes with account.TOTPCode.
func (s *Store) EnableTOTP(ctx context.Context, userID int64, secret string, at time.Time) error {
	sealed, err := sqldb.Seal(s.keys, []byte(secret), TOTPContext(userID))
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, s.d.Rebind("UPDATE users SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = 0 WHERE id = ?"),
		sealed, s.timeArg(at), userID)
	if err != nil {
		return fmt.Errorf("turning two-factor sign-in on: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// DisableTOTP turns two-factor sign-in off: the secret, the last step, the
// recovery codes and the known devices are forgotten.
func (s *Store) DisableTOTP(ctx context.Context, q Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0 WHERE id = ?"), userID); err != nil {
		return fmt.Errorf("turning two-factor sign-in off: %w", err)
	}
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM recovery_codes WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("deleting recovery codes: %w", err)
	}
	return s.ForgetDevices(ctx, q, userID)
}

// UseTOTPStep records that a code of a time step was used. It is
// ErrConflict when that step or a later one was already used: the code is a
// replay, even when two requests race with it.
func (s *Store) UseTOTPStep(ctx context.Context, q Querier, userID, step int64) error {
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?"), step, userID, step)
	if err != nil {
		return fmt.Errorf("recording the two-factor code: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("this code was already used: %w", ErrConflict)
	}
	return nil
}

// ReplaceRecoveryCodes stores the digests of a user's recovery codes,
// forgetting the previous ones.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, q Querier, userID int64, digests []string, at time.Time) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM recovery_codes WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("deleting recovery codes: %w", err)
	}
	for _, d := range digests {
		if _, err := q.ExecContext(ctx, s.d.Rebind("INSERT INTO recovery_codes (user_id, digest, created_at) VALUES (?, ?, ?)"),
			userID, d, s.timeArg(at)); err != nil {
			return fmt.Errorf("storing a recovery code: %w", err)
		}
	}
	return nil
}

// RenewRecoveryCodes replaces all of a user's recovery codes with new
// ones, used or not, while two-factor sign-in is on: the old codes stop
// working when q commits. It is ErrConflict when two-factor sign-in is off
// (turned off meanwhile, in another tab), so that codes never outlive it.
func (s *Store) RenewRecoveryCodes(ctx context.Context, q Querier, userID int64, digests []string, at time.Time) error {
	if len(digests) == 0 {
		return errors.New("renewing recovery codes: no codes given")
	}
	// A no-op write on the user's row, conditional on two-factor sign-in
	// being on: it locks the row (PostgreSQL) against a concurrent
	// DisableTOTP until q ends, and sees it if that committed first.
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET totp_enabled_at = totp_enabled_at WHERE id = ? AND totp_enabled_at IS NOT NULL"), userID)
	if err != nil {
		return fmt.Errorf("renewing recovery codes: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("two-factor sign-in is off: %w", ErrConflict)
	}
	return s.ReplaceRecoveryCodes(ctx, q, userID, digests, at)
}

// UseRecoveryCode spends one of a user's recovery codes by its digest. An
// unknown or already used code is ErrNotFound.
func (s *Store) UseRecoveryCode(ctx context.Context, q Querier, userID int64, digest string, at time.Time) error {
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND digest = ? AND used_at IS NULL"),
		s.timeArg(at), userID, digest)
	if err != nil {
		return fmt.Errorf("using a recovery code: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.d.Rebind("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL"), userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting recovery codes: %w", err)
	}
	return n, nil
}
