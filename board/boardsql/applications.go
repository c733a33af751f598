package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/sqldb"
)

func appContext(id int64, what string) string {
	return "applications/" + strconv.FormatInt(id, 10) + "/" + what
}

// CreateApplication adds a draft application and returns its id.
func (tx *Tx) CreateApplication(ctx context.Context, a Application) (int64, error) {
	s := tx.s
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"INSERT INTO applications (applicant_id, set_id, state, portfolio, created_at, updated_at, renews_credential) VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id"),
		a.ApplicantID, a.SetID, string(a.State), s.timeArg(a.CreatedAt), s.timeArg(a.CreatedAt), a.RenewsCredential).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("creating the application: %w", err)
	}
	sealed, err := s.seal(a.Portfolio, appContext(id, "portfolio"))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET portfolio = ? WHERE id = ?"), sealed, id); err != nil {
		return 0, err
	}
	return id, nil
}

const appColumns = "a.id, a.applicant_id, a.set_id, a.state, a.portfolio, a.snapshot, a.snapshot_set_version, a.created_at, a.updated_at, a.submitted_at, a.version, u.name, u.email, a.renews_credential"

func (s *Store) scanApplication(r sqldb.Scanner, withPortfolio bool) (*Application, error) {
	var a Application
	var state, portfolio, snapshot string
	var created, updated, submitted any
	if err := r.Scan(&a.ID, &a.ApplicantID, &a.SetID, &state, &portfolio, &snapshot, &a.SnapshotSetVersion,
		&created, &updated, &submitted, &a.Version, &a.ApplicantName, &a.ApplicantEmail, &a.RenewsCredential); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if a.State, err = board.ParseState(state); err != nil {
		return nil, fmt.Errorf("application %d: stored %v", a.ID, err)
	}
	if a.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	if submitted != nil {
		if a.SubmittedAt, err = sqldb.ScanTime(submitted); err != nil {
			return nil, err
		}
	}
	if withPortfolio {
		if a.Portfolio, err = s.open(portfolio, appContext(a.ID, "portfolio")); err != nil {
			return nil, fmt.Errorf("application %d: portfolio: %w", a.ID, err)
		}
		if snapshot != "" {
			if a.Snapshot, err = s.open(snapshot, appContext(a.ID, "snapshot")); err != nil {
				return nil, fmt.Errorf("application %d: snapshot: %w", a.ID, err)
			}
		}
	}
	return &a, nil
}

// Application reads one application with its portfolio and snapshot.
func (s *Store) Application(ctx context.Context, id int64) (*Application, error) {
	return s.scanApplication(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+appColumns+" FROM applications a JOIN users u ON u.id = a.applicant_id WHERE a.id = ?"), id), true)
}

// appHeadColumns are appColumns without the portfolio and snapshot, which
// are read as empty.
const appHeadColumns = "a.id, a.applicant_id, a.set_id, a.state, '', '', a.snapshot_set_version, a.created_at, a.updated_at, a.submitted_at, a.version, u.name, u.email, a.renews_credential"

// ApplicationHead reads one application without its portfolio and
// snapshot (left empty): its state and version, neither read nor
// decrypted, for a caller that has the portfolio of that version already.
func (s *Store) ApplicationHead(ctx context.Context, id int64) (*Application, error) {
	return s.scanApplication(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+appHeadColumns+" FROM applications a JOIN users u ON u.id = a.applicant_id WHERE a.id = ?"), id), false)
}

// Applications lists applications, oldest change first.
func (s *Store) Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error) {
	var where []string
	var args []any
	if f.ApplicantID != 0 {
		where, args = append(where, "a.applicant_id = ?"), append(args, f.ApplicantID)
	}
	if f.State != "" {
		where, args = append(where, "a.state = ?"), append(args, string(f.State))
	}
	if f.SetID != "" {
		where, args = append(where, "a.set_id = ?"), append(args, f.SetID)
	}
	if f.SupervisorEmail != "" {
		where = append(where, "a.id IN (SELECT application_id FROM application_supervisors WHERE email = ?)")
		args = append(args, strings.ToLower(strings.TrimSpace(f.SupervisorEmail)))
	}
	if f.ReviewerID != 0 {
		where = append(where, "a.id IN (SELECT application_id FROM review_assignments WHERE reviewer_id = ?)")
		args = append(args, f.ReviewerID)
	}
	q := "SELECT " + appColumns + " FROM applications a JOIN users u ON u.id = a.applicant_id"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.updated_at, a.id"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (*Application, error) { return s.scanApplication(r, f.WithPortfolio) })
}

// SavePortfolio replaces an application's live portfolio if the
// application is still at version; otherwise it returns ErrConflict and
// changes nothing. It returns the new version.
func (tx *Tx) SavePortfolio(ctx context.Context, id int64, version int, portfolio []byte, at time.Time) (int, error) {
	s := tx.s
	sealed, err := s.seal(portfolio, appContext(id, "portfolio"))
	if err != nil {
		return 0, err
	}
	return tx.bump(ctx, id, version, "portfolio = ?, updated_at = ?", sealed, s.timeArg(at))
}

// bump runs an UPDATE of one application guarded by its version and
// returns the new version, or ErrConflict.
func (tx *Tx) bump(ctx context.Context, id int64, version int, set string, args ...any) (int, error) {
	s := tx.s
	args = append(args, id, version)
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET "+set+", version = version + 1 WHERE id = ? AND version = ?"), args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT 1 FROM applications WHERE id = ?"), id).Scan(&exists); errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		return 0, fmt.Errorf("application %d was changed by someone else since version %d; reload it and apply your change again: %w", id, version, ErrConflict)
	}
	return version + 1, nil
}

// SetApplicationState moves an application to a new state if it is still
// at version and in state from; it returns the new version.
func (tx *Tx) SetApplicationState(ctx context.Context, id int64, version int, from, to board.State, at time.Time) (int, error) {
	s := tx.s
	var cur string
	if err := tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT state FROM applications WHERE id = ?"), id).Scan(&cur); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		return 0, err
	}
	if cur != string(from) {
		return 0, fmt.Errorf("application %d is now %s, not %s; reload it: %w", id, cur, from, ErrConflict)
	}
	return tx.bump(ctx, id, version, "state = ?, updated_at = ?", string(to), s.timeArg(at))
}

// FreezeSnapshot stores the submitted portfolio and the set version it is
// judged by; it is part of submitting, in the same transaction.
func (tx *Tx) FreezeSnapshot(ctx context.Context, id int64, snapshot []byte, setVersion string, at time.Time) error {
	s := tx.s
	sealed, err := s.seal(snapshot, appContext(id, "snapshot"))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE applications SET snapshot = ?, snapshot_set_version = ?, submitted_at = ? WHERE id = ?"),
		sealed, setVersion, s.timeArg(at), id)
	return err
}

// AddEvent records an event in the application's history.
func (tx *Tx) AddEvent(ctx context.Context, e Event) error {
	s := tx.s
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	_, err := tx.ExecContext(ctx, s.Dialect.Rebind(
		"INSERT INTO application_events (application_id, at, actor_id, action, from_state, to_state, message) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		e.ApplicationID, s.timeArg(e.At), actor, e.Action, string(e.From), string(e.To), e.Message)
	return err
}

// Events lists an application's history, oldest first.
func (s *Store) Events(ctx context.Context, applicationID int64) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		`SELECT e.id, e.application_id, e.at, COALESCE(e.actor_id, 0), COALESCE(u.name, ''), e.action, e.from_state, e.to_state, e.message
		 FROM application_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.application_id = ? ORDER BY e.id`), applicationID)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (e Event, err error) {
		var at any
		var from, to string
		if err := r.Scan(&e.ID, &e.ApplicationID, &at, &e.ActorID, &e.ActorName, &e.Action, &from, &to, &e.Message); err != nil {
			return e, err
		}
		if e.From, err = eventState(from); err != nil {
			return e, fmt.Errorf("application %d, event %d: stored from %v", e.ApplicationID, e.ID, err)
		}
		if e.To, err = eventState(to); err != nil {
			return e, fmt.Errorf("application %d, event %d: stored to %v", e.ApplicationID, e.ID, err)
		}
		e.At, err = sqldb.ScanTime(at)
		return e, err
	})
}

// eventState reads a state stored with an event: "" for none.
func eventState(stored string) (board.State, error) {
	if stored == "" {
		return "", nil
	}
	return board.ParseState(stored)
}

// SetSupervisors replaces the supervisor links of an application.
func (tx *Tx) SetSupervisors(ctx context.Context, applicationID int64, links []SupervisorLink) error {
	s := tx.s
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("DELETE FROM application_supervisors WHERE application_id = ?"), applicationID); err != nil {
		return err
	}
	for _, l := range links {
		email := strings.ToLower(strings.TrimSpace(l.Email))
		if email == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.Dialect.Rebind(
			"INSERT INTO application_supervisors (application_id, supervisor_ref, email) VALUES (?, ?, ?)"), applicationID, l.Ref, email); err != nil {
			return err
		}
	}
	return nil
}

// Supervisors lists the supervisor links of an application.
func (s *Store) Supervisors(ctx context.Context, applicationID int64) ([]SupervisorLink, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT supervisor_ref, email FROM application_supervisors WHERE application_id = ? ORDER BY supervisor_ref"), applicationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SupervisorLink
	for rows.Next() {
		var l SupervisorLink
		if err := rows.Scan(&l.Ref, &l.Email); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// IsAssigned reports whether a reviewer is assigned to an application.
func (s *Store) IsAssigned(ctx context.Context, applicationID, reviewerID int64) (bool, error) {
	var one int
	err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT 1 FROM review_assignments WHERE application_id = ? AND reviewer_id = ?"),
		applicationID, reviewerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
