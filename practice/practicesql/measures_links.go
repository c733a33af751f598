package practicesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// The storage of measures sent to clients (migration 00010): links, kept
// by their token's SHA-256 hash, with the answers saved so far sealed to
// their row (linkContext), and the measures cases schedule.

func init() {
	for _, r := range [][2]string{{"measure_links", "created_by"}, {"measure_links", "revoked_by"},
		{"measure_schedules", "created_by"}, {"measure_schedules", "stopped_by"}} {
		references = append(references, authsql.Reference{Table: r[0], Column: r[1]})
	}
}

func linkContext(id int64) string {
	return "practice/measures/links/" + strconv.FormatInt(id, 10) + "/answers"
}

// ---- links

const linkColumns = "id, token_hash, case_id, client_id, instrument, delivery, schedule_id, session_at, created_by, created_by_name, " +
	"created_at, expires_at, answers, answered, saved_at, used_at, response_id, revoked_by, revoked_at"

// scanLink reads a link and its token hash, opening its answers.
func (s *Store) scanLink(r sqldb.Scanner) (*practice.MeasureLink, string, error) {
	var l practice.MeasureLink
	var hash, delivery, answers string
	var schedule, response, revokedBy sql.NullInt64
	var sessionAt, created, expires, saved, used, revoked any
	if err := r.Scan(&l.ID, &hash, &l.CaseID, &l.ClientID, &l.Instrument, &delivery, &schedule, &sessionAt, &l.CreatedBy,
		&l.CreatedByName, &created, &expires, &answers, &l.Answered, &saved, &used, &response, &revokedBy, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", sqldb.ErrNotFound
		}
		return nil, "", err
	}
	l.Delivery = practice.LinkDelivery(delivery)
	l.ScheduleID, l.ResponseID, l.RevokedBy = schedule.Int64, response.Int64, revokedBy.Int64
	var err error
	if l.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, "", err
	}
	if l.ExpiresAt, err = sqldb.ScanTime(expires); err != nil {
		return nil, "", err
	}
	for _, t := range []struct {
		v  any
		to *time.Time
	}{{sessionAt, &l.SessionAt}, {saved, &l.SavedAt}, {used, &l.UsedAt}, {revoked, &l.RevokedAt}} {
		if err := sqldb.ScanOptionalTime(t.v, t.to); err != nil {
			return nil, "", err
		}
	}
	if answers != "" {
		plain, err := s.open(answers, linkContext(l.ID))
		if err != nil {
			return nil, "", fmt.Errorf("link %d: opening its answers: %w", l.ID, err)
		}
		var sa sealedAnswers
		if err := json.Unmarshal(plain, &sa); err != nil {
			return nil, "", fmt.Errorf("link %d: its answers: %w", l.ID, err)
		}
		l.Answers, l.Closing = sa.Answers, sa.Closing
	}
	return &l, hash, nil
}

// CreateMeasureLink stores a link under its token's hash and returns its
// id.
func (tx *Tx) CreateMeasureLink(ctx context.Context, l practice.MeasureLink, tokenHash string) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind("INSERT INTO measure_links (token_hash, case_id, client_id, instrument, delivery, "+
		"schedule_id, session_at, created_by, created_by_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		tokenHash, l.CaseID, l.ClientID, l.Instrument, string(l.Delivery), nullID(l.ScheduleID), optionalTime(d, l.SessionAt),
		l.CreatedBy, l.CreatedByName, d.Time(l.CreatedAt), d.Time(l.ExpiresAt)).Scan(&id)
	if sqldb.IsUniqueViolation(err) {
		return 0, fmt.Errorf("a link for that session or token exists: %w", sqldb.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("creating the link: %w", err)
	}
	return id, nil
}

// LockMeasureLinkByHash reads the link of a token's hash, locking it.
func (tx *Tx) LockMeasureLinkByHash(ctx context.Context, tokenHash string) (*practice.MeasureLink, string, error) {
	l, hash, err := tx.s.scanLink(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+linkColumns+" FROM measure_links WHERE token_hash = ?"+tx.Dialect.LockRow()), tokenHash))
	if err != nil {
		return nil, "", fmt.Errorf("the link of a token: %w", err)
	}
	return l, hash, nil
}

// LockMeasureLink reads a link, locking it.
func (tx *Tx) LockMeasureLink(ctx context.Context, id int64) (*practice.MeasureLink, error) {
	l, _, err := tx.s.scanLink(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+linkColumns+" FROM measure_links WHERE id = ?"+tx.Dialect.LockRow()), id))
	if err != nil {
		return nil, fmt.Errorf("link %d: %w", id, err)
	}
	return l, nil
}

// SaveMeasureLinkAnswers saves the answers given so far to a link neither
// used nor revoked, sealed to its row.
func (tx *Tx) SaveMeasureLinkAnswers(ctx context.Context, id int64, answers []*int, closing string, at time.Time) error {
	plain, err := json.Marshal(sealedAnswers{Answers: answers, Closing: closing})
	if err != nil {
		return err
	}
	sealed, err := tx.s.seal(plain, linkContext(id))
	if err != nil {
		return err
	}
	n := 0
	for _, a := range answers {
		if a != nil {
			n++
		}
	}
	return tx.exactlyOne(ctx, fmt.Sprintf("link %d", id), "UPDATE measure_links SET answers = ?, answered = ?, saved_at = ? "+
		"WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL", sealed, n, tx.Dialect.Time(at), id)
}

// UseMeasureLink marks a link used, naming the response recorded, and
// drops the answers saved (the response holds them now).
func (tx *Tx) UseMeasureLink(ctx context.Context, id int64, at time.Time, responseID int64) error {
	return tx.exactlyOne(ctx, fmt.Sprintf("link %d", id), "UPDATE measure_links SET used_at = ?, response_id = ?, answers = '' "+
		"WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL", tx.Dialect.Time(at), responseID, id)
}

// RevokeMeasureLink revokes a link neither used nor revoked and drops the
// answers saved through it; how many there were stays, for the list.
func (tx *Tx) RevokeMeasureLink(ctx context.Context, id, by int64, at time.Time) error {
	return tx.exactlyOne(ctx, fmt.Sprintf("link %d", id), "UPDATE measure_links SET revoked_at = ?, revoked_by = ?, answers = '' "+
		"WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL", tx.Dialect.Time(at), by, id)
}

// LinkSafetyTasks lists the safety tasks a link's answers raised before
// they were sent.
func (tx *Tx) LinkSafetyTasks(ctx context.Context, linkID int64) ([]practice.SafetyTask, error) {
	return tx.tasks(ctx, "link_id = ? ORDER BY id", linkID)
}

// AttachLinkSafetyTasks names the response a link's answers were recorded
// as on the safety tasks they raised before.
func (tx *Tx) AttachLinkSafetyTasks(ctx context.Context, linkID, responseID int64) error {
	_, err := tx.ExecContext(ctx, tx.Dialect.Rebind("UPDATE safety_tasks SET response_id = ? WHERE link_id = ? AND response_id IS NULL"),
		responseID, linkID)
	return err
}

// exactlyOne runs an update that must change one row: ErrConflict when it
// changed none.
func (tx *Tx) exactlyOne(ctx context.Context, what, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, tx.Dialect.Rebind(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("%s changed meanwhile: %w", what, sqldb.ErrConflict)
	}
	return nil
}

// CaseMeasureLinks lists a case's links, newest first.
func (tx *Tx) CaseMeasureLinks(ctx context.Context, caseID int64) ([]practice.MeasureLink, error) {
	rows, err := tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+linkColumns+" FROM measure_links WHERE case_id = ? ORDER BY id DESC"), caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []practice.MeasureLink{}
	for rows.Next() {
		l, _, err := tx.s.scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, rows.Err()
}

// SessionLinkSent says whether a schedule sent a link for a session
// already.
func (tx *Tx) SessionLinkSent(ctx context.Context, scheduleID int64, sessionAt time.Time) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind("SELECT COUNT(*) FROM measure_links WHERE schedule_id = ? AND session_at = ?"),
		scheduleID, tx.Dialect.Time(sessionAt)).Scan(&n)
	return n > 0, err
}

// ---- schedules

const scheduleColumns = "id, case_id, client_id, instrument, kind, every_weeks, active, next_due, created_by, created_by_name, " +
	"created_at, stopped_by, stopped_at"

func scanSchedule(r sqldb.Scanner) (*practice.MeasureSchedule, error) {
	var s practice.MeasureSchedule
	var kind string
	var stoppedBy sql.NullInt64
	var next, created, stopped any
	if err := r.Scan(&s.ID, &s.CaseID, &s.ClientID, &s.Instrument, &kind, &s.EveryWeeks, &s.Active, &next, &s.CreatedBy,
		&s.CreatedByName, &created, &stoppedBy, &stopped); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, sqldb.ErrNotFound
		}
		return nil, err
	}
	s.Kind, s.StoppedBy = practice.ScheduleKind(kind), stoppedBy.Int64
	var err error
	if s.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	if err := sqldb.ScanOptionalTime(next, &s.NextDue); err != nil {
		return nil, err
	}
	if err := sqldb.ScanOptionalTime(stopped, &s.StoppedAt); err != nil {
		return nil, err
	}
	return &s, nil
}

func scanSchedules(rows *sql.Rows, err error) ([]practice.MeasureSchedule, error) {
	if err != nil {
		return nil, err
	}
	return scanAll(rows, deref(scanSchedule))
}

// CreateMeasureSchedule stores a schedule and returns its id.
func (tx *Tx) CreateMeasureSchedule(ctx context.Context, s practice.MeasureSchedule) (int64, error) {
	d := tx.Dialect
	var id int64
	err := tx.QueryRowContext(ctx, d.Rebind("INSERT INTO measure_schedules (case_id, client_id, instrument, kind, every_weeks, active, "+
		"next_due, created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		s.CaseID, s.ClientID, s.Instrument, string(s.Kind), s.EveryWeeks, s.Active, optionalTime(d, s.NextDue), s.CreatedBy,
		s.CreatedByName, d.Time(s.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating the schedule: %w", err)
	}
	return id, nil
}

// LockMeasureSchedule reads a schedule, locking it.
func (tx *Tx) LockMeasureSchedule(ctx context.Context, id int64) (*practice.MeasureSchedule, error) {
	s, err := scanSchedule(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+scheduleColumns+" FROM measure_schedules WHERE id = ?"+tx.Dialect.LockRow()), id))
	if err != nil {
		return nil, fmt.Errorf("schedule %d: %w", id, err)
	}
	return s, nil
}

// StopMeasureSchedule stops an active schedule; by 0 records the practice.
func (tx *Tx) StopMeasureSchedule(ctx context.Context, id, by int64, at time.Time) error {
	return tx.exactlyOne(ctx, fmt.Sprintf("schedule %d", id), "UPDATE measure_schedules SET active = ?, stopped_by = ?, stopped_at = ? "+
		"WHERE id = ? AND "+tx.Dialect.IsTrue("active"), false, nullID(by), tx.Dialect.Time(at), id)
}

// AdvanceMeasureSchedule sets when an active schedule is next due.
func (tx *Tx) AdvanceMeasureSchedule(ctx context.Context, id int64, next time.Time) error {
	return tx.exactlyOne(ctx, fmt.Sprintf("schedule %d", id), "UPDATE measure_schedules SET next_due = ? WHERE id = ? AND "+
		tx.Dialect.IsTrue("active"), tx.Dialect.Time(next), id)
}

// CaseMeasureSchedules lists a case's schedules, newest first.
func (tx *Tx) CaseMeasureSchedules(ctx context.Context, caseID int64) ([]practice.MeasureSchedule, error) {
	return scanSchedules(tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+scheduleColumns+
		" FROM measure_schedules WHERE case_id = ? ORDER BY id DESC"), caseID))
}

// ClientSessionSchedules lists the active "before every session"
// schedules on a client's cases, oldest first.
func (tx *Tx) ClientSessionSchedules(ctx context.Context, clientID int64) ([]practice.MeasureSchedule, error) {
	return scanSchedules(tx.QueryContext(ctx, tx.Dialect.Rebind("SELECT "+scheduleColumns+
		" FROM measure_schedules WHERE client_id = ? AND kind = ? AND "+tx.Dialect.IsTrue("active")+" ORDER BY id"),
		clientID, string(practice.BeforeSession)))
}

// DueMeasureSchedules lists the active "every N weeks" schedules due at
// now, oldest due first.
func (s *Store) DueMeasureSchedules(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT id FROM measure_schedules WHERE "+s.Dialect.IsTrue("active")+
		" AND kind = ? AND next_due <= ? ORDER BY next_due, id LIMIT ?"), string(practice.EveryWeeks), s.Dialect.Time(now), limit)
	if err != nil {
		return nil, err
	}
	return sqldb.ScanIDs(rows)
}
