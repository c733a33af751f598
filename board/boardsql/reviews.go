package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/sqldb"
)

// SaveSnapshot replaces an application's submitted snapshot (after staff
// verified or rejected an item in it) if the application is still at
// version; otherwise it returns ErrConflict and changes nothing. It returns
// the new version. The set version and submission time stay as they were.
func (tx *Tx) SaveSnapshot(ctx context.Context, id int64, version int, snapshot []byte, at time.Time) (int, error) {
	s := tx.s
	sealed, err := s.seal(snapshot, appContext(id, "snapshot"))
	if err != nil {
		return 0, err
	}
	return tx.bump(ctx, id, version, "snapshot = ?, updated_at = ?", sealed, s.timeArg(at))
}

// Votes a peer reviewer may cast.
const (
	VoteApprove = "approve"
	VoteReject  = "reject"
	VoteRevise  = "revise"
)

// AssignReviewer assigns a reviewer to an application if the application is
// still at version, and returns the new version. A reviewer already
// assigned, or a stale version, is ErrConflict. Whether the reviewer may
// review this application (conflicts of interest) is the caller's check.
func (tx *Tx) AssignReviewer(ctx context.Context, applicationID int64, version int, reviewerID, by int64, at time.Time) (int, error) {
	s := tx.s
	var one int
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT 1 FROM review_assignments WHERE application_id = ? AND reviewer_id = ?"),
		applicationID, reviewerID).Scan(&one)
	if err == nil {
		return 0, fmt.Errorf("user %d is already assigned to application %d: %w", reviewerID, applicationID, ErrConflict)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	next, err := tx.bump(ctx, applicationID, version, "updated_at = ?", s.timeArg(at))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind(
		"INSERT INTO review_assignments (application_id, reviewer_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)"),
		applicationID, reviewerID, by, s.timeArg(at)); err != nil {
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("user %d is already assigned to application %d: %w", reviewerID, applicationID, ErrConflict)
		}
		return 0, fmt.Errorf("assigning the reviewer: %w", err)
	}
	return next, nil
}

// UnassignReviewer removes a reviewer (and their vote) from an application
// if the application is still at version, and returns the new version. A
// reviewer who is not assigned is ErrNotFound.
func (tx *Tx) UnassignReviewer(ctx context.Context, applicationID int64, version int, reviewerID int64, at time.Time) (int, error) {
	s := tx.s
	next, err := tx.bump(ctx, applicationID, version, "updated_at = ?", s.timeArg(at))
	if err != nil {
		return 0, err
	}
	if err := tx.endAssignment(ctx, applicationID, reviewerID); err != nil {
		return 0, err
	}
	return next, nil
}

// EndAssignment removes a reviewer's assignment without a version check (a
// reviewer declaring a conflict ends their own assignment), and counts as an
// edit of the application. A reviewer who is not assigned is ErrNotFound.
func (tx *Tx) EndAssignment(ctx context.Context, applicationID, reviewerID int64) error {
	if err := tx.endAssignment(ctx, applicationID, reviewerID); err != nil {
		return err
	}
	return tx.bumpVersion(ctx, applicationID)
}

func (tx *Tx) endAssignment(ctx context.Context, applicationID, reviewerID int64) error {
	return tx.changeAssignment(ctx, applicationID, reviewerID, "DELETE FROM review_assignments WHERE application_id = ? AND reviewer_id = ?")
}

// changeAssignment runs q, whose last two arguments are applicationID and
// reviewerID (after args), on the reviewer's assignment to the
// application; ErrNotFound when there is no such assignment.
func (tx *Tx) changeAssignment(ctx context.Context, applicationID, reviewerID int64, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, tx.s.Dialect.Rebind(q), append(args, applicationID, reviewerID)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("user %d is not assigned to application %d: %w", reviewerID, applicationID, ErrNotFound)
	}
	return nil
}

// HoldState checks, in tx, that an application is in state and keeps it
// there until tx ends: a no-op write on its row, conditional on the state,
// which locks the row (PostgreSQL waits for a decision being written and
// then sees it; SQLite's write transactions run one at a time). Something
// done on the strength of the state, such as a vote while the application
// is in peer review, then commits only while the state still holds. Another
// state is ErrConflict, naming it; no such application is ErrNotFound.
func (tx *Tx) HoldState(ctx context.Context, applicationID int64, state board.State) error {
	s := tx.s
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET state = state WHERE id = ? AND state = ?"), applicationID, string(state))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	var cur string
	err = tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT state FROM applications WHERE id = ?"), applicationID).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("no application %d: %w", applicationID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("application %d is now %s, not %s; reload it: %w", applicationID, strings.ReplaceAll(cur, "_", " "),
		state.Words(), ErrConflict)
}

// bumpVersion counts a change to an application's review (a vote, an
// assignment ended) as an edit: a decision made on what was read before
// it, such as an approval counting the votes, is then refused as stale.
func (tx *Tx) bumpVersion(ctx context.Context, applicationID int64) error {
	s := tx.s
	_, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET version = version + 1 WHERE id = ?"), applicationID)
	return err
}

const assignmentColumns = "r.application_id, r.reviewer_id, u.name, u.email, r.assigned_by, r.assigned_at, r.vote, r.comments, r.voted_at, r.conflict"

func (s *Store) assignments(ctx context.Context, where string, args ...any) ([]Assignment, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT "+assignmentColumns+
		" FROM review_assignments r JOIN users u ON u.id = r.reviewer_id WHERE "+where+" ORDER BY r.assigned_at, r.application_id, r.reviewer_id"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		var assigned, voted any
		if err := rows.Scan(&a.ApplicationID, &a.ReviewerID, &a.ReviewerName, &a.ReviewerEmail, &a.AssignedBy, &assigned,
			&a.Vote, &a.Comments, &voted, &a.Conflict); err != nil {
			return nil, err
		}
		if a.AssignedAt, err = sqldb.ScanTime(assigned); err != nil {
			return nil, err
		}
		if voted != nil {
			if a.VotedAt, err = sqldb.ScanTime(voted); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Assignments lists the reviewers assigned to an application, first
// assigned first, with their votes.
func (s *Store) Assignments(ctx context.Context, applicationID int64) ([]Assignment, error) {
	return s.assignments(ctx, "r.application_id = ?", applicationID)
}

// ReviewerAssignments lists a reviewer's assignments, oldest first.
func (s *Store) ReviewerAssignments(ctx context.Context, reviewerID int64) ([]Assignment, error) {
	return s.assignments(ctx, "r.reviewer_id = ?", reviewerID)
}

// FlaggedAssignments lists the assignments whose reviewer was found in a
// conflict of interest after assignment (see FlagConflict), oldest first.
func (s *Store) FlaggedAssignments(ctx context.Context) ([]Assignment, error) {
	return s.assignments(ctx, "r.conflict <> ''")
}

// FlagConflict records, in the caller's transaction, the conflict of
// interest found when an assigned reviewer's details were checked again
// ("" clears it). It reports whether the flag changed; a change counts as
// an edit of the application (its version changes), so that a decision
// made on what was read before it is refused as stale. A reviewer who is
// not assigned is ErrNotFound.
func (tx *Tx) FlagConflict(ctx context.Context, applicationID, reviewerID int64, conflict string) (bool, error) {
	s := tx.s
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind(
		"UPDATE review_assignments SET conflict = ? WHERE application_id = ? AND reviewer_id = ? AND conflict <> ?"),
		conflict, applicationID, reviewerID, conflict)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if n == 1 {
		return true, tx.bumpVersion(ctx, applicationID)
	}
	var one int
	err = tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT 1 FROM review_assignments WHERE application_id = ? AND reviewer_id = ?"),
		applicationID, reviewerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("user %d is not assigned to application %d: %w", reviewerID, applicationID, ErrNotFound)
	}
	return false, err
}

// Vote records (or changes) an assigned reviewer's vote and comments. A
// reviewer who is not assigned is ErrNotFound. A vote counts as an edit of the
// application (its version changes); its value and when it may be cast are
// the caller's checks.
func (tx *Tx) Vote(ctx context.Context, applicationID, reviewerID int64, vote, comments string, at time.Time) error {
	err := tx.changeAssignment(ctx, applicationID, reviewerID,
		"UPDATE review_assignments SET vote = ?, comments = ?, voted_at = ? WHERE application_id = ? AND reviewer_id = ?",
		vote, comments, tx.s.timeArg(at))
	if err != nil {
		return err
	}
	return tx.bumpVersion(ctx, applicationID)
}

// DeclareConflict records a conflict of interest between a reviewer and an
// applicant; declaring it again replaces the reason.
func (tx *Tx) DeclareConflict(ctx context.Context, c Conflict) error {
	s := tx.s
	if strings.TrimSpace(c.Reason) == "" {
		return errors.New("a conflict needs a reason")
	}
	_, err := tx.ExecContext(ctx, s.Dialect.Rebind(
		`INSERT INTO conflicts (reviewer_id, applicant_id, reason, declared_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (reviewer_id, applicant_id) DO UPDATE SET reason = excluded.reason, declared_at = excluded.declared_at`),
		c.ReviewerID, c.ApplicantID, c.Reason, s.timeArg(c.DeclaredAt))
	if err != nil {
		return fmt.Errorf("recording the conflict: %w", err)
	}
	return nil
}

// Conflicts lists the conflicts declared with an applicant, by reviewer name.
func (s *Store) Conflicts(ctx context.Context, applicantID int64) ([]Conflict, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		`SELECT c.reviewer_id, u.name, c.applicant_id, c.reason, c.declared_at FROM conflicts c JOIN users u ON u.id = c.reviewer_id
		 WHERE c.applicant_id = ? ORDER BY u.name, c.reviewer_id`), applicantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var at any
		if err := rows.Scan(&c.ReviewerID, &c.ReviewerName, &c.ApplicantID, &c.Reason, &at); err != nil {
			return nil, err
		}
		if c.DeclaredAt, err = sqldb.ScanTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
