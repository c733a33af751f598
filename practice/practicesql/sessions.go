package practicesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/session"
	"github.com/certboard/certboard/sqldb"
)

// Sessions (migrations 00009 and 00017, which marks sessions held at
// another practice): the sessions of cases, the practice's
// session settings and the practitioners' calendar feeds. What a session
// holds that may say something of its client, its video link and the
// reason of its cancellation, is sealed in its details column, bound to
// its row; a feed's token is kept only as its SHA-256.

// The columns of the sessions' tables that name an account.
func init() {
	for _, r := range [][2]string{{"therapy_sessions", "practitioner_id"}, {"therapy_sessions", "cancelled_user"}, {"therapy_sessions", "created_by"},
		{"session_settings", "updated_by"}, {"calendar_feeds", "practitioner_id"}} {
		references = append(references, authsql.Reference{Table: r[0], Column: r[1]})
	}
}

// sessionContext binds the sealed details of session id to its row.
func sessionContext(id int64) string {
	return "practice/sessions/" + strconv.FormatInt(id, 10) + "/details"
}

// sessionDetails is what a session's details column holds, sealed.
type sessionDetails struct {
	VideoLink    string `json:"video_link,omitempty"`
	CancelReason string `json:"cancel_reason,omitempty"`
}

// sealSession seals the details of session s.
func (s *Store) sealSession(v practice.Session) (string, error) {
	plain, err := json.Marshal(sessionDetails{VideoLink: v.VideoLink, CancelReason: v.CancelReason})
	if err != nil {
		return "", err
	}
	return s.seal(plain, sessionContext(v.ID))
}

// sessionColumns are what scanSession reads, of sessions v joined with
// its practitioner u and, left, the progress note n that records it.
const sessionColumns = `v.id, v.case_id, v.client_id, v.practitioner_id, u.name, v.starts_at, v.minutes, v.modality, v.kind, v.status,
	COALESCE(v.cancelled_by, ''), v.cancelled_at, COALESCE(v.cancelled_user, 0), v.cpt_code, v.fee_cents, v.paid_cents, v.currency,
	v.paid_at, v.details, COALESCE(n.id, 0), v.reminded_at, v.version, v.created_by, v.created_at, v.updated_at, COALESCE(v.imported_from, 0)`

// sessionFrom is the FROM clause of sessionColumns.
const sessionFrom = " FROM therapy_sessions v JOIN users u ON u.id = v.practitioner_id LEFT JOIN progress_notes n ON n.session_id = v.id"

// scanSession reads a session and opens its details.
func (s *Store) scanSession(r sqldb.Scanner) (*practice.Session, error) {
	var v practice.Session
	var modality, kind, status, cancelledBy, details string
	var start, cancelledAt, paidAt, remindedAt, created, updated any
	if err := r.Scan(&v.ID, &v.CaseID, &v.ClientID, &v.PractitionerID, &v.PractitionerName, &start, &v.Minutes, &modality, &kind,
		&status, &cancelledBy, &cancelledAt, &v.CancelledByUser, &v.CPT, &v.FeeCents, &v.PaidCents, &v.Currency, &paidAt,
		&details, &v.NoteID, &remindedAt, &v.Version, &v.CreatedBy, &created, &updated, &v.ImportedFrom); err != nil {
		return nil, err
	}
	v.Modality, v.Kind, v.Status, v.CancelledBy = session.Modality(modality), session.Kind(kind), session.Status(status), session.Canceller(cancelledBy)
	var err error
	if v.Start, err = sqldb.ScanTime(start); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		v  any
		to *time.Time
	}{{cancelledAt, &v.CancelledAt}, {paidAt, &v.PaidAt}, {remindedAt, &v.RemindedAt}} {
		if err := sqldb.ScanOptionalTime(t.v, t.to); err != nil {
			return nil, err
		}
	}
	if v.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	if v.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	if details != "" {
		plain, err := s.open(details, sessionContext(v.ID))
		if err != nil {
			return nil, fmt.Errorf("session %d: opening its details: %w", v.ID, err)
		}
		var d sessionDetails
		if err := json.Unmarshal(plain, &d); err != nil {
			return nil, fmt.Errorf("session %d: its details: %w", v.ID, err)
		}
		v.VideoLink, v.CancelReason = d.VideoLink, d.CancelReason
	}
	return &v, nil
}

// listSessions runs a query of sessionColumns and reads every row.
func (tx *Tx) listSessions(ctx context.Context, q string, args ...any) ([]practice.Session, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(tx.s.scanSession))
}

// SessionSettings returns the practice's session settings.
func (tx *Tx) SessionSettings(ctx context.Context) (practice.SessionSettings, error) {
	var out practice.SessionSettings
	var by sql.NullInt64
	var at any
	err := tx.QueryRowContext(ctx, "SELECT time_zone, updated_by, updated_at FROM session_settings WHERE id = 1").
		Scan(&out.TimeZone, &by, &at)
	if err != nil {
		return out, fmt.Errorf("reading the session settings: %w", err)
	}
	out.UpdatedBy = by.Int64
	return out, sqldb.ScanOptionalTime(at, &out.UpdatedAt)
}

// SaveSessionSettings replaces the practice's session settings.
func (tx *Tx) SaveSessionSettings(ctx context.Context, v practice.SessionSettings) error {
	_, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"UPDATE session_settings SET time_zone = ?, updated_by = ?, updated_at = ? WHERE id = 1"),
		v.TimeZone, v.UpdatedBy, tx.Dialect.Time(v.UpdatedAt))
	return err
}

// LockPractitionerSessions locks practitioner id's account row until the
// transaction ends, which serialises the schedulings of their sessions on
// PostgreSQL (SQLite's writers take turns already).
func (tx *Tx) LockPractitionerSessions(ctx context.Context, id int64) error {
	var one int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT id FROM users WHERE id = ?"+tx.Dialect.LockRow()), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("practitioner %d: %w", id, certboard.ErrNotFound)
	}
	return err
}

// OverlappingSession returns the id of a session of practitioner id that
// is not cancelled nor held at another practice (imported_from) and
// shares a moment with [start, end), other than except; 0 when there is
// none.
func (tx *Tx) OverlappingSession(ctx context.Context, id int64, start, end time.Time, except int64) (int64, error) {
	var other int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		`SELECT id FROM therapy_sessions WHERE practitioner_id = ? AND status <> 'cancelled' AND imported_from IS NULL AND starts_at < ? AND ends_at > ? AND id <> ?
		 ORDER BY starts_at LIMIT 1`),
		id, tx.Dialect.Time(end), tx.Dialect.Time(start), except).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return other, err
}

// CreateSession adds a session and returns its id.
func (tx *Tx) CreateSession(ctx context.Context, v practice.Session) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		`INSERT INTO therapy_sessions (case_id, client_id, practitioner_id, starts_at, ends_at, minutes, modality, kind, status, cpt_code,
		 fee_cents, paid_cents, currency, version, created_by, created_at, updated_at, imported_from)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		v.CaseID, v.ClientID, v.PractitionerID, tx.Dialect.Time(v.Start), tx.Dialect.Time(v.End()), v.Minutes, string(v.Modality),
		string(v.Kind), string(v.Status), v.CPT, v.FeeCents, v.PaidCents, v.Currency, v.Version, v.CreatedBy,
		tx.Dialect.Time(v.CreatedAt), tx.Dialect.Time(v.UpdatedAt), sql.NullInt64{Int64: v.ImportedFrom, Valid: v.ImportedFrom != 0}).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating a session: %w", err)
	}
	v.ID = id
	details, err := tx.s.sealSession(v)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE therapy_sessions SET details = ? WHERE id = ?"), details, id); err != nil {
		return 0, err
	}
	return id, nil
}

func (tx *Tx) session(ctx context.Context, id int64, lock string) (*practice.Session, error) {
	q := "SELECT " + sessionColumns + sessionFrom + " WHERE v.id = ?"
	if lock != "" {
		// The lock takes the session's row alone, not its practitioner's
		// or its note's (PostgreSQL locks no row of an outer join's
		// nullable side).
		q += lock + " OF v"
	}
	v, err := tx.s.scanSession(tx.QueryRowContext(ctx, tx.Dialect.Rebind(q), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session %d: %w", id, certboard.ErrNotFound)
	}
	return v, err
}

// Session reads session id.
func (tx *Tx) Session(ctx context.Context, id int64) (*practice.Session, error) {
	return tx.session(ctx, id, "")
}

// LockSession reads session id and locks its row until the transaction
// ends.
func (tx *Tx) LockSession(ctx context.Context, id int64) (*practice.Session, error) {
	return tx.session(ctx, id, tx.Dialect.LockRow())
}

// UpdateSession writes every changeable field of v if the session is
// still at version, and returns the new version.
func (tx *Tx) UpdateSession(ctx context.Context, v practice.Session, version int) (int, error) {
	details, err := tx.s.sealSession(v)
	if err != nil {
		return 0, err
	}
	opt := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return tx.Dialect.Time(t)
	}
	var cancelledBy, cancelledUser any
	if v.CancelledBy != "" {
		cancelledBy, cancelledUser = string(v.CancelledBy), v.CancelledByUser
	}
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		`UPDATE therapy_sessions SET starts_at = ?, ends_at = ?, minutes = ?, modality = ?, kind = ?, status = ?, cancelled_by = ?,
		 cancelled_at = ?, cancelled_user = ?, cpt_code = ?, fee_cents = ?, paid_cents = ?, currency = ?, paid_at = ?, details = ?,
		 reminded_at = ?, updated_at = ?, version = version + 1
		 WHERE id = ? AND version = ?`),
		tx.Dialect.Time(v.Start), tx.Dialect.Time(v.End()), v.Minutes, string(v.Modality), string(v.Kind), string(v.Status), cancelledBy,
		opt(v.CancelledAt), cancelledUser, v.CPT, v.FeeCents, v.PaidCents, v.Currency, opt(v.PaidAt), details,
		opt(v.RemindedAt), tx.Dialect.Time(v.UpdatedAt), v.ID, version)
	if err != nil {
		return 0, fmt.Errorf("session %d: %w", v.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n != 1 {
		return 0, fmt.Errorf("session %d is no longer at version %d: %w", v.ID, version, certboard.ErrConflict)
	}
	return version + 1, nil
}

// ClientSessions lists the sessions of a client, the latest first.
func (tx *Tx) ClientSessions(ctx context.Context, clientID int64) ([]practice.Session, error) {
	return tx.listSessions(ctx, "SELECT "+sessionColumns+sessionFrom+" WHERE v.client_id = ? ORDER BY v.starts_at DESC, v.id DESC", clientID)
}

// PractitionerSessions lists up to limit sessions of practitioner id that
// end after from, the earliest first.
func (tx *Tx) PractitionerSessions(ctx context.Context, id int64, from time.Time, limit int) ([]practice.Session, error) {
	return tx.listSessions(ctx, "SELECT "+sessionColumns+sessionFrom+
		" WHERE v.practitioner_id = ? AND v.ends_at > ? ORDER BY v.starts_at, v.id LIMIT ?", id, tx.Dialect.Time(from), limit)
}

// LinkNoteSession records that progress note noteID records session
// sessionID; a session with a note already is a conflict.
func (tx *Tx) LinkNoteSession(ctx context.Context, noteID, sessionID int64) error {
	_, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE progress_notes SET session_id = ? WHERE id = ?"), sessionID, noteID)
	if sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("session %d has a progress note already: %w", sessionID, certboard.ErrConflict)
	}
	return err
}

// DueReminders lists the ids of up to limit scheduled sessions not yet
// reminded that start in (from, to], the earliest first.
func (tx *Tx) DueReminders(ctx context.Context, from, to time.Time, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind(
		`SELECT id FROM therapy_sessions WHERE status = 'scheduled' AND reminded_at IS NULL AND starts_at > ? AND starts_at <= ?
		 ORDER BY starts_at, id LIMIT ?`), tx.Dialect.Time(from), tx.Dialect.Time(to), limit)
	if err != nil {
		return nil, err
	}
	return sqldb.ScanIDs(rows)
}

// MarkReminded sets when session id was reminded if it is still scheduled
// and not reminded, in one statement, and reports whether it did: of two
// transactions that try, the second finds the row taken (PostgreSQL
// re-checks the condition once the first commits; SQLite's writers take
// turns) and changes nothing.
func (tx *Tx) MarkReminded(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"UPDATE therapy_sessions SET reminded_at = ? WHERE id = ? AND status = 'scheduled' AND reminded_at IS NULL"), tx.Dialect.Time(at), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// feedColumns are what scanFeed reads of calendar_feeds f joined with its
// holder's account u.
const feedColumns = "f.id, f.practitioner_id, f.created_at, f.revoked_at, u.roles"

// feedFrom is the FROM clause of feedColumns.
const feedFrom = " FROM calendar_feeds f JOIN users u ON u.id = f.practitioner_id"

func scanFeed(r sqldb.Scanner) (*practice.CalendarFeed, error) {
	var f practice.CalendarFeed
	var created, revoked any
	var roles string
	if err := r.Scan(&f.ID, &f.PractitionerID, &created, &revoked, &roles); err != nil {
		return nil, err
	}
	f.HolderPractitioner = slices.Contains(strings.Split(roles, ","), string(auth.Practitioner))
	var err error
	if f.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	return &f, sqldb.ScanOptionalTime(revoked, &f.RevokedAt)
}

// feed reads the one feed a query finds, or certboard.ErrNotFound.
func (tx *Tx) feed(ctx context.Context, q string, arg any) (*practice.CalendarFeed, error) {
	f, err := scanFeed(tx.QueryRowContext(ctx, tx.Dialect.Rebind(q), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("calendar feed: %w", certboard.ErrNotFound)
	}
	return f, err
}

// LiveCalendarFeed returns practitioner id's live feed.
func (tx *Tx) LiveCalendarFeed(ctx context.Context, id int64) (*practice.CalendarFeed, error) {
	return tx.feed(ctx, "SELECT "+feedColumns+feedFrom+" WHERE f.practitioner_id = ? AND f.revoked_at IS NULL", id)
}

// CalendarFeedByHash returns the live feed whose token hashes to hash:
// the look-up is by the hash, so the token itself is never compared, and
// a revoked feed is not found.
func (tx *Tx) CalendarFeedByHash(ctx context.Context, hash string) (*practice.CalendarFeed, error) {
	return tx.feed(ctx, "SELECT "+feedColumns+feedFrom+" WHERE f.token_hash = ? AND f.revoked_at IS NULL", hash)
}

// RevokeCalendarFeed revokes practitioner id's live feed and reports
// whether there was one.
func (tx *Tx) RevokeCalendarFeed(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(
		"UPDATE calendar_feeds SET revoked_at = ? WHERE practitioner_id = ? AND revoked_at IS NULL"), tx.Dialect.Time(at), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// CreateCalendarFeed revokes practitioner id's live feed and adds a new
// one whose token hashes to hash.
func (tx *Tx) CreateCalendarFeed(ctx context.Context, id int64, hash string, at time.Time) (int64, error) {
	if _, err := tx.RevokeCalendarFeed(ctx, id, at); err != nil {
		return 0, err
	}
	var feed int64
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"INSERT INTO calendar_feeds (practitioner_id, token_hash, created_at) VALUES (?, ?, ?) RETURNING id"),
		id, hash, tx.Dialect.Time(at)).Scan(&feed)
	if err != nil {
		return 0, fmt.Errorf("creating a calendar feed: %w", err)
	}
	return feed, nil
}

// LiveCalendarFeedHolders lists the accounts that have a live feed.
func (tx *Tx) LiveCalendarFeedHolders(ctx context.Context) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT practitioner_id FROM calendar_feeds WHERE revoked_at IS NULL ORDER BY practitioner_id")
	if err != nil {
		return nil, err
	}
	return sqldb.ScanIDs(rows)
}
