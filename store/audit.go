package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/audit"
)

// AppendAudit adds an entry to the hash-chained audit log inside tx, which
// must be the transaction that makes the change it records. Appends are
// serialised: SQLite transactions take the write lock at begin, and on
// PostgreSQL the log is locked for the rest of the transaction.
func (s *Store) AppendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) (audit.Entry, error) {
	if s.Dialect == Postgres {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE audit_log IN EXCLUSIVE MODE"); err != nil {
			return e, fmt.Errorf("locking the audit log: %w", err)
		}
	}
	var prev *audit.Entry
	last, err := s.scanAudit(tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1")))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return e, err
	default:
		prev = &last
	}
	if e.At.IsZero() {
		return e, errors.New("audit entry without a time")
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // what both engines store exactly
	e = audit.Seal(e, prev)
	_, err = tx.ExecContext(ctx, s.Dialect.Rebind(
		"INSERT INTO audit_log (seq, at, actor, action, subject, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		e.Seq, s.timeArg(e.At), e.Actor, e.Action, e.Subject, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("writing the audit log: %w", err)
	}
	return e, nil
}

// AuditLog returns the whole log in order.
func (s *Store) AuditLog(ctx context.Context) ([]audit.Entry, error) {
	rows, err := s.DB.QueryContext(ctx,
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var es []audit.Entry
	for rows.Next() {
		e, err := s.scanAudit(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// VerifyAudit reads the log and checks its chain.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	es, err := s.AuditLog(ctx)
	if err != nil {
		return 0, err
	}
	return len(es), audit.Verify(es)
}

type scanner interface{ Scan(...any) error }

func (s *Store) scanAudit(r scanner) (audit.Entry, error) {
	var e audit.Entry
	var at any
	if err := r.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Subject, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	t, err := scanTime(at)
	if err != nil {
		return e, fmt.Errorf("audit entry %d: %w", e.Seq, err)
	}
	e.At = t
	return e, nil
}

// sqliteTime is how SQLite stores times: fixed-width UTC text, so that
// comparing the text compares the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timeArg stores times as fixed-width text in SQLite and as timestamptz in
// PostgreSQL, to the microsecond both keep.
func (s *Store) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.Dialect == SQLite {
		return t.Format(sqliteTime)
	}
	return t
}

// scanTime reads a time column of either engine.
func scanTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("malformed time %q", v)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("a time of type %T", v)
}
