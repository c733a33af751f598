package authsql

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/sqldb"
)

// ReplaceUnverifiedUser is a sign-up with an address whose account was
// never verified: whoever made that account could not prove the address
// theirs, so it must not keep the address from its owner. The account gets
// the new name and password hash, and u.CreatedAt as its creation time (its
// expiry starts again); its e-mail tokens are deleted (earlier verification
// and reset links stop working), and so are its sessions and API tokens.
// Only an account that holds the sign-up role alone (Config.SignUpRole) is
// replaced. It returns the account's id
// and whether it was replaced; an account that is verified (or holds other
// roles) is left as it was (false), and an address without an account is
// ErrNotFound.
func (t *Tx) ReplaceUnverifiedUser(ctx context.Context, u auth.User) (int64, bool, error) {
	s := t.s
	email := strings.ToLower(strings.TrimSpace(u.Email))
	var id int64
	if s.signUpRole == "" {
		err := t.tx.QueryRowContext(ctx, s.d.Rebind("SELECT id FROM users WHERE email = ?"), email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, ErrNotFound
		}
		return id, false, err
	}
	err := t.tx.QueryRowContext(ctx, s.d.Rebind(
		"UPDATE users SET name = ?, password_hash = ?, created_at = ?, version = version + 1 "+
			"WHERE email = ? AND email_verified_at IS NULL AND roles = ? RETURNING id"),
		u.Name, u.PasswordHash, s.timeArg(u.CreatedAt), email, string(s.signUpRole)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = t.tx.QueryRowContext(ctx, s.d.Rebind("SELECT id FROM users WHERE email = ?"), email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, ErrNotFound
		}
		if err != nil {
			return 0, false, fmt.Errorf("finding the account: %w", err)
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("replacing the unverified account: %w", err)
	}
	for _, table := range []string{"email_tokens", "sessions", "api_tokens"} {
		if _, err := t.tx.ExecContext(ctx, s.d.Rebind("DELETE FROM "+table+" WHERE user_id = ?"), id); err != nil {
			return 0, false, fmt.Errorf("clearing %s of the replaced account: %w", table, err)
		}
	}
	return id, true, nil
}

// DeleteUnverifiedUsers deletes the sign-ups that were never verified:
// accounts created before `before` whose address is not verified, that
// hold the sign-up role alone (Config.SignUpRole) and that nothing else
// names (Config.References). Their e-mail tokens, sessions, API tokens and recovery
// codes go with them. It returns the ids deleted, in order.
func (t *Tx) DeleteUnverifiedUsers(ctx context.Context, before time.Time) ([]int64, error) {
	s := t.s
	if s.signUpRole == "" {
		return nil, nil // no sign-up: every account was made on purpose
	}
	var q strings.Builder
	q.WriteString("DELETE FROM users WHERE email_verified_at IS NULL AND created_at < ? AND roles = ?")
	for _, r := range s.refs {
		fmt.Fprintf(&q, " AND NOT EXISTS (SELECT 1 FROM %s WHERE %s.%s = users.id)", r.Table, r.Table, r.Column)
	}
	q.WriteString(" RETURNING id")
	rows, err := t.tx.QueryContext(ctx, s.d.Rebind(q.String()), s.timeArg(before), string(s.signUpRole))
	if err != nil {
		return nil, fmt.Errorf("deleting unverified accounts: %w", err)
	}
	ids, err := sqldb.ScanIDs(rows)
	if err != nil {
		return nil, fmt.Errorf("deleting unverified accounts: %w", err)
	}
	slices.Sort(ids) // RETURNING gives no order
	return ids, nil
}

// recipientKey is how mail_quota names an address: the SHA-256 of the
// address in lower case, so that the table holds no addresses.
func recipientKey(addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return hex.EncodeToString(sum[:])
}

// TakeMailQuota counts one mail to addr and reports whether it is within
// limit mails per window. An address's window begins with the first mail
// after the previous window ended; the count and the decision are one
// upsert, so that concurrent requests (on any instance) cannot both take
// the last place. A refused mail is counted too (it does not matter: the
// window still ends on time). Run it in the transaction that queues the
// mail, so that a rolled-back mail is not counted.
func (s *Store) TakeMailQuota(ctx context.Context, q Querier, addr string, now time.Time, window time.Duration, limit int) (bool, error) {
	if limit < 1 || window <= 0 {
		return false, errors.New("a mail quota needs a limit and a window")
	}
	ended := s.timeArg(now.Add(-window))
	var sent int
	err := q.QueryRowContext(ctx, s.d.Rebind(
		"INSERT INTO mail_quota (recipient, window_start, sent) VALUES (?, ?, 1) "+
			"ON CONFLICT (recipient) DO UPDATE SET "+
			"sent = CASE WHEN mail_quota.window_start <= ? THEN 1 ELSE mail_quota.sent + 1 END, "+
			"window_start = CASE WHEN mail_quota.window_start <= ? THEN excluded.window_start ELSE mail_quota.window_start END "+
			"RETURNING sent"),
		recipientKey(addr), s.timeArg(now), ended, ended).Scan(&sent)
	if err != nil {
		return false, fmt.Errorf("counting mail to the recipient: %w", err)
	}
	return sent <= limit, nil
}

// SweepMailQuota forgets the recipients whose window began at or before
// ended (their count no longer matters) and returns how many.
func (s *Store) SweepMailQuota(ctx context.Context, q Querier, ended time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM mail_quota WHERE window_start <= ?"), s.timeArg(ended))
	if err != nil {
		return 0, fmt.Errorf("sweeping mail counts: %w", err)
	}
	return res.RowsAffected()
}
