package authsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/sqldb"
)

// errRefused rolls back a charge that a policy refused.
var errRefused = errors.New("attempt refused")

// ChargeAttempt decides an attempt at now against every counter it names,
// in one transaction that holds their rows (an upsert locks each row on
// PostgreSQL; SQLite has one writer at a time): when every policy admits
// it, it is charged to every counter and wait is zero; otherwise nothing
// changes and wait is the longest wait any counter asks. Since the
// decision and the charge are one step, parallel attempts are decided one
// after the other and no more pass than the policies allow.
func (s *Store) ChargeAttempt(ctx context.Context, now time.Time, charges ...auth.Charge) (wait time.Duration, err error) {
	// Rows are locked in one order, so that two attempts that share
	// counters cannot deadlock.
	charges = slices.Clone(charges)
	slices.SortFunc(charges, func(a, b auth.Charge) int {
		return strings.Compare(a.Scope+"\x00"+a.Key, b.Scope+"\x00"+b.Key)
	})
	err = s.db.InTx(ctx, func(stx *sqldb.Tx) error {
		tx := s.In(stx)
		next := make([]auth.Attempts, len(charges))
		for i, c := range charges {
			a, err := tx.lockThrottle(ctx, c.ThrottleKey, now)
			if err != nil {
				return err
			}
			n, w := c.Policy.Admit(a, now)
			next[i], wait = n, max(wait, w)
		}
		if wait > 0 {
			return errRefused
		}
		for i, c := range charges {
			if err := tx.writeThrottle(ctx, c.ThrottleKey, next[i], c.Policy.Forget(next[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errRefused) {
		return wait, nil
	}
	return 0, err
}

// RefundAttempt takes back the charge of an admitted attempt from every
// counter it names (see auth.Throttle.Refund), each row held while it
// changes.
func (s *Store) RefundAttempt(ctx context.Context, now time.Time, charges ...auth.Charge) error {
	charges = slices.Clone(charges)
	slices.SortFunc(charges, func(a, b auth.Charge) int {
		return strings.Compare(a.Scope+"\x00"+a.Key, b.Scope+"\x00"+b.Key)
	})
	return s.db.InTx(ctx, func(stx *sqldb.Tx) error {
		tx := s.In(stx)
		for _, c := range charges {
			a, err := tx.lockThrottle(ctx, c.ThrottleKey, now)
			if err != nil {
				return err
			}
			a = c.Policy.Refund(a)
			if err := tx.writeThrottle(ctx, c.ThrottleKey, a, c.Policy.Forget(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// CountFailure adds a failure at now to the counter k inside tx, under the
// notice policy n, and reports whether the account's owner should be told
// now; it marks the counter told, so that the caller queues the mail in the
// same transaction and it is sent once per window whatever runs in
// parallel.
func (t *Tx) CountFailure(ctx context.Context, k auth.ThrottleKey, n auth.Notice, now time.Time) (tell bool, err error) {
	a, err := t.lockThrottle(ctx, k, now)
	if err != nil {
		return false, err
	}
	a, tell = n.Count(a, now)
	forget := a.Since.Add(n.Window)
	if told := a.Told.Add(n.Window); told.After(forget) {
		forget = told
	}
	return tell, t.writeThrottle(ctx, k, a, forget)
}

// Throttle reads a counter; one that does not exist is the zero state.
func (s *Store) Throttle(ctx context.Context, k auth.ThrottleKey) (auth.Attempts, error) {
	a, err := scanAttempts(s.db.QueryRowContext(ctx, s.d.Rebind(
		"SELECT failures, window_start, blocked_until, told_at FROM sign_in_throttle WHERE scope = ? AND throttle_key = ?"), k.Scope, k.Key))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Attempts{}, nil
	}
	return a, err
}

// ClearThrottle forgets one counter, as when an attempt was right.
func (s *Store) ClearThrottle(ctx context.Context, q Querier, k auth.ThrottleKey) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sign_in_throttle WHERE scope = ? AND throttle_key = ?"), k.Scope, k.Key); err != nil {
		return fmt.Errorf("clearing failed attempts: %w", err)
	}
	return nil
}

// ClearAccountThrottles forgets every counter of a user's account, from
// every network: its owner proved who they are.
func (s *Store) ClearAccountThrottles(ctx context.Context, q Querier, userID int64) error {
	_, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sign_in_throttle WHERE account = (SELECT email FROM users WHERE id = ?)"), userID)
	if err != nil {
		return fmt.Errorf("clearing the account's failed attempts: %w", err)
	}
	return nil
}

// ForgetThrottles deletes the counters that no longer matter at now and
// returns how many.
func (s *Store) ForgetThrottles(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.Rebind("DELETE FROM sign_in_throttle WHERE forget_at <= ?"), s.timeArg(now))
	if err != nil {
		return 0, fmt.Errorf("forgetting old failed attempts: %w", err)
	}
	return res.RowsAffected()
}

// lockThrottle reads a counter inside tx and holds its row until tx ends,
// making an empty one (started at now) when there is none. The upsert's
// update changes nothing; it is there to lock the row and return it.
func (t *Tx) lockThrottle(ctx context.Context, k auth.ThrottleKey, now time.Time) (auth.Attempts, error) {
	s := t.s
	at := s.timeArg(now)
	a, err := scanAttempts(t.tx.QueryRowContext(ctx, s.d.Rebind(
		"INSERT INTO sign_in_throttle (scope, throttle_key, account, failures, window_start, blocked_until, forget_at) VALUES (?, ?, ?, 0, ?, ?, ?) "+
			"ON CONFLICT (scope, throttle_key) DO UPDATE SET scope = excluded.scope "+
			"RETURNING failures, window_start, blocked_until, told_at"),
		k.Scope, k.Key, strings.ToLower(k.Account), at, at, at))
	if err != nil {
		return auth.Attempts{}, fmt.Errorf("reading failed attempts: %w", err)
	}
	return a, nil
}

// writeThrottle stores a counter's new state, held by lockThrottle.
func (t *Tx) writeThrottle(ctx context.Context, k auth.ThrottleKey, a auth.Attempts, forget time.Time) error {
	s := t.s
	var told any
	if !a.Told.IsZero() {
		told = s.timeArg(a.Told)
	}
	_, err := t.tx.ExecContext(ctx, s.d.Rebind(
		"UPDATE sign_in_throttle SET failures = ?, window_start = ?, blocked_until = ?, told_at = ?, forget_at = ? WHERE scope = ? AND throttle_key = ?"),
		a.Failures, s.timeArg(a.Since), s.timeArg(a.Until), told, s.timeArg(forget), k.Scope, k.Key)
	if err != nil {
		return fmt.Errorf("counting failed attempts: %w", err)
	}
	return nil
}

func scanAttempts(r sqldb.Scanner) (auth.Attempts, error) {
	var a auth.Attempts
	var since, until, told any
	if err := r.Scan(&a.Failures, &since, &until, &told); err != nil {
		return a, err
	}
	var err1, err2, err3 error
	a.Since, err1 = sqldb.ScanTime(since)
	a.Until, err2 = sqldb.ScanTime(until)
	if told != nil {
		a.Told, err3 = sqldb.ScanTime(told)
	}
	return a, errors.Join(err1, err2, err3)
}

// KnownDevice reports whether digest is the device token of a browser that
// signed in to the user's account with its second factor, and has not
// expired at now.
func (s *Store) KnownDevice(ctx context.Context, userID int64, digest string, now time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.d.Rebind("SELECT COUNT(*) FROM known_devices WHERE digest = ? AND user_id = ? AND expires_at > ?"),
		digest, userID, s.timeArg(now)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("reading known devices: %w", err)
	}
	return n > 0, nil
}

// KnownDevicesPerUser bounds the devices remembered for one account; the
// least recently used are forgotten first.
const KnownDevicesPerUser = 20

// RememberDevice stores (or renews) the digest of a device token of a
// browser that just signed in to the user's account with its second
// factor, until expires, inside tx; past KnownDevicesPerUser the least
// recently used devices of the user are forgotten, as are expired ones.
func (t *Tx) RememberDevice(ctx context.Context, userID int64, digest string, now, expires time.Time) error {
	s := t.s
	_, err := t.tx.ExecContext(ctx, s.d.Rebind(
		"INSERT INTO known_devices (digest, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?) "+
			"ON CONFLICT (user_id, digest) DO UPDATE SET last_used_at = excluded.last_used_at, expires_at = excluded.expires_at"),
		digest, userID, s.timeArg(now), s.timeArg(now), s.timeArg(expires))
	if err != nil {
		return fmt.Errorf("remembering the device: %w", err)
	}
	_, err = t.tx.ExecContext(ctx, s.d.Rebind(
		"DELETE FROM known_devices WHERE user_id = ? AND (expires_at <= ? OR digest NOT IN "+
			"(SELECT digest FROM known_devices WHERE user_id = ? ORDER BY last_used_at DESC, digest LIMIT ?))"),
		userID, s.timeArg(now), userID, KnownDevicesPerUser)
	if err != nil {
		return fmt.Errorf("forgetting old devices: %w", err)
	}
	return nil
}

// ForgetDevices forgets every known device of a user, inside q: after a
// password reset or change, or with two-factor sign-in turned off, a
// device cookie someone else may hold gives them nothing more.
func (s *Store) ForgetDevices(ctx context.Context, q Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM known_devices WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("forgetting known devices: %w", err)
	}
	return nil
}
