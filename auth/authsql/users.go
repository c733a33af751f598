package authsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/sqldb"
)

// parseRoles reads stored roles; a value that is not a role, or not one of
// the mode's (mode nil: any), is an error, so that a bad row fails loudly
// rather than granting nothing quietly.
func parseRoles(stored string, mode []auth.Role) ([]auth.Role, error) {
	if stored == "" {
		return nil, nil
	}
	var roles []auth.Role
	for _, v := range strings.Split(stored, ",") {
		r, err := auth.ParseRole(v)
		if err != nil {
			return nil, fmt.Errorf("stored roles %q: %v", stored, err)
		}
		if mode != nil && !slices.Contains(mode, r) {
			return nil, fmt.Errorf("stored roles %q: %q is not a role of this mode (%s)", stored, r, auth.JoinRoles(mode, ", "))
		}
		roles = append(roles, r)
	}
	return roles, nil
}

// CreateUser adds an account; the e-mail address is stored in lower case
// and must be new (ErrConflict otherwise).
func (s *Store) CreateUser(ctx context.Context, u auth.User) (int64, error) {
	return s.CreateUserIn(ctx, s.db, u)
}

// CreateUserIn is CreateUser inside a transaction (or any Querier).
func (s *Store) CreateUserIn(ctx context.Context, q Querier, u auth.User) (int64, error) {
	email := strings.ToLower(strings.TrimSpace(u.Email))
	var verified any
	if !u.EmailVerifiedAt.IsZero() {
		verified = s.timeArg(u.EmailVerifiedAt)
	}
	var id int64
	err := q.QueryRowContext(ctx, s.d.Rebind(
		"INSERT INTO users (email, name, password_hash, roles, created_at, email_verified_at, practice) VALUES (?, ?, ?, ?, ?, ?, ?) "+
			"ON CONFLICT (email) DO NOTHING RETURNING id"),
		email, u.Name, u.PasswordHash, auth.JoinRoles(u.Roles, ","), s.timeArg(u.CreatedAt), verified, u.Workplace).Scan(&id)
	if err != nil {
		// ON CONFLICT DO NOTHING returns no row for a taken address and, unlike
		// a failed INSERT, leaves a PostgreSQL transaction usable, so the
		// caller can go on (sign-up mails the owner instead).
		if errors.Is(err, sql.ErrNoRows) || sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("an account with e-mail %s already exists: %w", email, ErrConflict)
		}
		return 0, fmt.Errorf("creating the account: %w", err)
	}
	return id, nil
}

const userColumns = "id, email, name, password_hash, roles, created_at, version, email_verified_at, practice, totp_enabled_at"

// userRow is a users row as scanned (userColumns), before its roles and
// times are read.
type userRow struct {
	u                       auth.User
	roles                   string
	created, verified, totp any
}

// dest is where the columns of userColumns scan to.
func (r *userRow) dest() []any {
	return []any{&r.u.ID, &r.u.Email, &r.u.Name, &r.u.PasswordHash, &r.roles, &r.created, &r.u.Version, &r.verified, &r.u.Workplace, &r.totp}
}

// user reads the scanned row's roles and times.
func (s *Store) user(r *userRow) (*auth.User, error) {
	u := r.u
	var err error
	if u.Roles, err = parseRoles(r.roles, s.roles); err != nil {
		return nil, fmt.Errorf("account %d: %v", u.ID, err)
	}
	t, err := sqldb.ScanTime(r.created)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = t
	if err := sqldb.ScanOptionalTime(r.verified, &u.EmailVerifiedAt); err != nil {
		return nil, err
	}
	if err := sqldb.ScanOptionalTime(r.totp, &u.TOTPEnabledAt); err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) scanUser(r sqldb.Scanner) (*auth.User, error) {
	var row userRow
	if err := r.Scan(row.dest()...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return s.user(&row)
}

// UserByID finds an account by id.
func (s *Store) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, s.d.Rebind("SELECT "+userColumns+" FROM users WHERE id = ?"), id))
}

// Users lists accounts by name; with a role, only those holding it.
func (s *Store) Users(ctx context.Context, role auth.Role) ([]*auth.User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	return s.scanUsers(rows, func(u *auth.User) bool { return role == "" || u.HasRole(role) })
}

// SearchUsers lists the accounts whose name or e-mail address contains
// query (any case), by name; an empty query lists everyone. At most limit
// accounts (0: no limit).
func (s *Store) SearchUsers(ctx context.Context, query string, limit int) ([]*auth.User, error) {
	q := "SELECT " + userColumns + " FROM users"
	var args []any
	if query = strings.TrimSpace(query); query != "" {
		pattern := "%" + likeEscaper.Replace(strings.ToLower(query)) + "%"
		q += ` WHERE LOWER(name) LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\'`
		args = append(args, pattern, pattern)
	}
	q += " ORDER BY name, id"
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := s.db.QueryContext(ctx, s.d.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return s.scanUsers(rows, nil)
}

// scanUsers reads the accounts of rows that keep keeps (all of them when
// keep is nil) and closes rows; nil when none is kept.
func (s *Store) scanUsers(rows *sql.Rows, keep func(*auth.User) bool) ([]*auth.User, error) {
	defer rows.Close()
	var out []*auth.User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(u) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// likeEscaper makes a search text match literally in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// UpdateUser changes an account's name, roles and practice if it is still at
// u.Version (ErrConflict otherwise) and returns the new version.
func (s *Store) UpdateUser(ctx context.Context, q Querier, u auth.User) (int, error) {
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET name = ?, roles = ?, practice = ?, version = version + 1 WHERE id = ? AND version = ?"),
		u.Name, auth.JoinRoles(u.Roles, ","), u.Workplace, u.ID, u.Version)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, fmt.Errorf("the account of %s was changed by someone else; reload it and apply your change again: %w", u.Email, ErrConflict)
	}
	return u.Version + 1, nil
}

// UpdateUser is Store.UpdateUser in the transaction.
func (t *Tx) UpdateUser(ctx context.Context, u auth.User) (int, error) {
	return t.s.UpdateUser(ctx, t.tx, u)
}

// UserByEmail finds an account by e-mail address, in any case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*auth.User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, s.d.Rebind("SELECT "+userColumns+" FROM users WHERE email = ?"),
		strings.ToLower(strings.TrimSpace(email))))
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, ss auth.Session) error {
	return s.CreateSessionIn(ctx, s.db, ss)
}

// CreateSessionIn is CreateSession inside a transaction (or any Querier).
func (s *Store) CreateSessionIn(ctx context.Context, q Querier, ss auth.Session) error {
	_, err := q.ExecContext(ctx, s.d.Rebind(
		"INSERT INTO sessions (digest, user_id, created_at, last_seen_at, expires_at, user_agent, pending_2fa) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		ss.Digest, ss.UserID, s.timeArg(ss.CreatedAt), s.timeArg(ss.LastSeenAt), s.timeArg(ss.ExpiresAt), ss.UserAgent, ss.Pending)
	if err != nil {
		return fmt.Errorf("creating the session: %w", err)
	}
	return nil
}

const sessionColumns = "digest, user_id, created_at, last_seen_at, expires_at, user_agent, pending_2fa"

// sessionRow is a sessions row as scanned (sessionColumns), before its
// times are read.
type sessionRow struct {
	ss                     auth.Session
	created, seen, expires any
}

// dest is where the columns of sessionColumns scan to.
func (r *sessionRow) dest() []any {
	return []any{&r.ss.Digest, &r.ss.UserID, &r.created, &r.seen, &r.expires, &r.ss.UserAgent, &r.ss.Pending}
}

// session reads the scanned row's times.
func (r *sessionRow) session() (*auth.Session, error) {
	ss := r.ss
	var err1, err2, err3 error
	ss.CreatedAt, err1 = sqldb.ScanTime(r.created)
	ss.LastSeenAt, err2 = sqldb.ScanTime(r.seen)
	ss.ExpiresAt, err3 = sqldb.ScanTime(r.expires)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	return &ss, nil
}

func scanSession(r sqldb.Scanner) (*auth.Session, error) {
	var row sessionRow
	if err := r.Scan(row.dest()...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("reading the session: %w", err)
	}
	return row.session()
}

// qualify prefixes each of a list of columns with a table's alias.
func qualify(alias, columns string) string {
	return alias + "." + strings.ReplaceAll(columns, ", ", ", "+alias+".")
}

// liveSessionQuery reads a session and its user in one round trip; a
// session always has its user (sessions.user_id cascades on delete).
var liveSessionQuery = "SELECT " + qualify("s", sessionColumns) + ", " + qualify("u", userColumns) +
	" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.digest = ?"

// LiveSession returns a live session, pending or not, and its user, and
// marks it seen at now. A session past its absolute expiry, or idle for
// longer than idle, is deleted and reported as ErrNotFound.
//
// Every request of a signed-in person comes here, so the session and its
// user are read in one statement, a round trip fewer on PostgreSQL; what
// follows the read is as when they were read one after the other.
func (s *Store) LiveSession(ctx context.Context, digest string, now time.Time, idle time.Duration) (*auth.Session, *auth.User, error) {
	var srow sessionRow
	var urow userRow
	err := s.db.QueryRowContext(ctx, s.d.Rebind(liveSessionQuery), digest).Scan(append(srow.dest(), urow.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the session: %w", err)
	}
	ss, err := srow.session()
	if err != nil {
		return nil, nil, err
	}
	if !ss.Live(now, idle) {
		if err := s.DeleteSession(ctx, digest); err != nil {
			return nil, nil, err
		}
		return nil, nil, ErrNotFound
	}
	// Touching at most once a minute keeps reads from becoming writes; the
	// idle timeout is thereby at most a minute generous.
	if now.Sub(ss.LastSeenAt) >= time.Minute {
		if _, err := s.db.ExecContext(ctx, s.d.Rebind("UPDATE sessions SET last_seen_at = ? WHERE digest = ?"), s.timeArg(now), digest); err != nil {
			return nil, nil, fmt.Errorf("touching the session: %w", err)
		}
		ss.LastSeenAt = now
	}
	u, err := s.user(&urow)
	if err != nil {
		return nil, nil, err
	}
	return ss, u, nil
}

// SessionUser returns the user of a live, signed-in session and marks it
// seen at now. A session past its absolute expiry, or idle for longer than
// idle, is deleted and reported as ErrNotFound; a session still waiting for
// its second factor is also ErrNotFound, since it signs no one in.
func (s *Store) SessionUser(ctx context.Context, digest string, now time.Time, idle time.Duration) (*auth.User, error) {
	ss, u, err := s.LiveSession(ctx, digest, now, idle)
	if err != nil {
		return nil, err
	}
	if ss.Pending {
		return nil, ErrNotFound
	}
	return u, nil
}

// UserSessions lists a user's live, signed-in sessions, most recently seen
// first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time, idle time.Duration) ([]auth.Session, error) {
	rows, err := s.db.QueryContext(ctx, s.d.Rebind("SELECT "+sessionColumns+" FROM sessions WHERE user_id = ? AND pending_2fa = ? ORDER BY last_seen_at DESC, created_at DESC"),
		userID, false)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		if ss.Live(now, idle) {
			out = append(out, *ss)
		}
	}
	return out, rows.Err()
}

// DeleteSession ends a session; ending one that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, digest string) error {
	if _, err := s.db.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE digest = ?"), digest); err != nil {
		return fmt.Errorf("ending the session: %w", err)
	}
	return nil
}

// EndUserSession ends one of a user's sessions by its handle and returns
// its digest. A session of another user, or none, is ErrNotFound.
func (s *Store) EndUserSession(ctx context.Context, q Querier, userID int64, handle string) (string, error) {
	if !auth.ValidHandle(handle) {
		return "", ErrNotFound
	}
	var digest string
	err := q.QueryRowContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE user_id = ? AND substr(digest, 1, ?) = ? RETURNING digest"),
		userID, auth.HandleLen, handle).Scan(&digest)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("ending the session: %w", err)
	}
	return digest, nil
}

// EndOtherSessions ends every session of a user but the one with digest
// keep, and returns how many it ended.
func (s *Store) EndOtherSessions(ctx context.Context, q Querier, userID int64, keep string) (int64, error) {
	res, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE user_id = ? AND digest <> ?"), userID, keep)
	if err != nil {
		return 0, fmt.Errorf("ending sessions: %w", err)
	}
	return res.RowsAffected()
}

// ReplaceSession swaps a pending session for a new one, as when the second
// factor of a sign-in is accepted: the old token stops working and the new
// one is fresh. It is ErrNotFound when the old session no longer exists.
func (s *Store) ReplaceSession(ctx context.Context, q Querier, oldDigest string, ss auth.Session) error {
	res, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE digest = ? AND user_id = ?"), oldDigest, ss.UserID)
	if err != nil {
		return fmt.Errorf("ending the pending session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return s.CreateSessionIn(ctx, q, ss)
}

// CreateEmailToken stores the digest of a single-use token sent by e-mail.
func (s *Store) CreateEmailToken(ctx context.Context, q Querier, digest string, userID int64, purpose string, expires time.Time) error {
	_, err := q.ExecContext(ctx, s.d.Rebind("INSERT INTO email_tokens (digest, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)"),
		digest, userID, purpose, s.timeArg(expires))
	if err != nil {
		return fmt.Errorf("storing the token: %w", err)
	}
	return nil
}

// UseEmailToken consumes a token of a purpose inside tx and returns its
// user's id. An unknown, used, expired or other-purpose token is ErrNotFound.
func (t *Tx) UseEmailToken(ctx context.Context, digest, purpose string, now time.Time) (int64, error) {
	s := t.s
	var userID int64
	err := t.tx.QueryRowContext(ctx, s.d.Rebind(
		"UPDATE email_tokens SET used_at = ? WHERE digest = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id"),
		s.timeArg(now), digest, purpose, s.timeArg(now)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("using the token: %w", err)
	}
	return userID, nil
}

// EmailTokenUser returns the account of a live token of a purpose (not
// used, not expired) without using it, so that what else the link needs
// (the sign-up's password) can be checked first. Otherwise ErrNotFound.
func (s *Store) EmailTokenUser(ctx context.Context, digest, purpose string, now time.Time) (*auth.User, error) {
	return s.scanUser(s.db.QueryRowContext(ctx, s.d.Rebind("SELECT "+userColumns+" FROM users WHERE id = "+
		"(SELECT user_id FROM email_tokens WHERE digest = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?)"),
		digest, purpose, s.timeArg(now)))
}

// MarkEmailVerifiedWithHash is MarkEmailVerified for the account as it was
// checked: when its password hash is no longer hash (the password changed
// since it was checked) nothing changes and the answer is ErrConflict.
func (s *Store) MarkEmailVerifiedWithHash(ctx context.Context, q Querier, userID int64, hash string, at time.Time) error {
	// One statement, so that a password changed concurrently is seen.
	res, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), "+
		"version = version + CASE WHEN email_verified_at IS NULL THEN 1 ELSE 0 END WHERE id = ? AND password_hash = ?"),
		s.timeArg(at), userID, hash)
	if err != nil {
		return fmt.Errorf("marking the address verified: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrConflict
	}
	return nil
}

// MarkEmailVerified records that a user proved their address.
func (s *Store) MarkEmailVerified(ctx context.Context, q Querier, userID int64, at time.Time) error {
	_, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET email_verified_at = ?, version = version + 1 WHERE id = ? AND email_verified_at IS NULL"),
		s.timeArg(at), userID)
	return err
}

// SetPassword replaces a user's password hash, ends all their sessions and
// revokes their API tokens.
func (s *Store) SetPassword(ctx context.Context, q Querier, userID int64, hash string) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("UPDATE users SET password_hash = ?, version = version + 1 WHERE id = ?"), hash, userID); err != nil {
		return fmt.Errorf("setting the password: %w", err)
	}
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("ending sessions: %w", err)
	}
	// A token made with the old password may be in the hands of whoever
	// knew it: revoke them all.
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM api_tokens WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("revoking API tokens: %w", err)
	}
	return s.ForgetDevices(ctx, q, userID)
}

// EndAllAccess ends every session of a user and revokes their API tokens,
// for when what they hold no longer fits their account (made staff, who must
// sign in with two factors).
func (s *Store) EndAllAccess(ctx context.Context, q Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM sessions WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("ending sessions: %w", err)
	}
	if _, err := q.ExecContext(ctx, s.d.Rebind("DELETE FROM api_tokens WHERE user_id = ?"), userID); err != nil {
		return fmt.Errorf("revoking API tokens: %w", err)
	}
	return nil
}

// EndAllAccess is Store.EndAllAccess in the transaction.
func (t *Tx) EndAllAccess(ctx context.Context, userID int64) error {
	return t.s.EndAllAccess(ctx, t.tx, userID)
}
