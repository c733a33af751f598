package boardsql

import (
	"context"
	"fmt"
	"strings"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/sqldb"
)

// stateSince is when an application entered the state it is in: its
// latest move into it in the history, or its last change when the history
// records none (an application certified before the board used certboard).
const stateSince = `COALESCE((SELECT MAX(e.at) FROM application_events e
	WHERE e.application_id = a.id AND e.to_state = a.state), a.updated_at)`

// queueWhere is the WHERE clause of the work queue's reads and its
// arguments: every application past draft that f keeps; with states,
// only those in one of f's States.
func (s *Store) queueWhere(f board.QueueFilter, states bool) (string, []any) {
	where, args := []string{"a.state <> ?"}, []any{string(board.Draft)}
	if states && len(f.States) > 0 {
		marks := make([]string, len(f.States))
		for i, st := range f.States {
			marks[i] = "?"
			args = append(args, string(st))
		}
		where = append(where, "a.state IN ("+strings.Join(marks, ", ")+")")
	}
	if f.SetID != "" {
		where, args = append(where, "a.set_id = ?"), append(args, f.SetID)
	}
	if !f.WaitingBefore.IsZero() {
		where, args = append(where, stateSince+" < ?"), append(args, s.timeArg(f.WaitingBefore))
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// QueueApplications lists the applications past draft that f keeps (see
// board.QueueFilter), each with when it entered its state, the longest
// waiting first. Portfolios are not read.
func (s *Store) QueueApplications(ctx context.Context, f board.QueueFilter) ([]board.QueueEntry, error) {
	where, args := s.queueWhere(f, true)
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT "+appColumns+", "+stateSince+
		" AS since FROM applications a JOIN users u ON u.id = a.applicant_id"+where+" ORDER BY since, a.id"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.QueueEntry
	for rows.Next() {
		var since any
		a, err := s.scanApplication(withSince{rows, &since}, false)
		if err != nil {
			return nil, err
		}
		e := board.QueueEntry{App: a}
		if e.Since, err = sqldb.ScanTime(since); err != nil {
			return nil, fmt.Errorf("application %d: when it entered its state: %w", a.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// withSince scans a row of the work queue: an application's columns, then
// when it entered its state.
type withSince struct {
	sqldb.Scanner
	since *any
}

// Scan reads the application's columns into dest and the last into since.
func (w withSince) Scan(dest ...any) error { return w.Scanner.Scan(append(dest, w.since)...) }

// QueueCounts counts the applications past draft that f keeps, whatever
// its States, by state in no particular order, each with when the longest
// waiting entered it; states with none are left out.
func (s *Store) QueueCounts(ctx context.Context, f board.QueueFilter) ([]board.StateCount, error) {
	where, args := s.queueWhere(f, false)
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT q.state, COUNT(*), MIN(q.since) FROM (SELECT a.state, "+stateSince+
		" AS since FROM applications a"+where+") q GROUP BY q.state"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []board.StateCount
	for rows.Next() {
		var c board.StateCount
		var state string
		var oldest any
		if err := rows.Scan(&state, &c.N, &oldest); err != nil {
			return nil, err
		}
		if c.State, err = board.ParseState(state); err != nil {
			return nil, fmt.Errorf("counting the work queue: stored %v", err)
		}
		if c.Oldest, err = sqldb.ScanTime(oldest); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
