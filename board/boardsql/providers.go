package boardsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/sqldb"
)

func dateText(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDateText(s string) (date.Date, error) {
	if s == "" {
		return date.Date{}, nil
	}
	return date.Parse(s)
}

// SetProviderProfile creates or replaces a provider's profile.
func (s *Store) SetProviderProfile(ctx context.Context, q Querier, p ProviderProfile) error {
	approvals := p.Approvals
	if approvals == nil {
		approvals = []ProviderApproval{}
	}
	a, err := json.Marshal(approvals)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, s.Dialect.Rebind(`INSERT INTO ce_providers (user_id, name, approvals, approved, approved_from, approved_until, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, approvals = excluded.approvals, approved = excluded.approved,
			approved_from = excluded.approved_from, approved_until = excluded.approved_until, updated_at = excluded.updated_at`),
		p.UserID, p.Name, string(a), p.Approved, dateText(p.ApprovedFrom), dateText(p.ApprovedUntil), s.timeArg(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("storing the provider profile: %w", err)
	}
	return nil
}

const providerColumns = "p.user_id, u.email, p.name, p.approvals, p.approved, p.approved_from, p.approved_until, p.updated_at"

func scanProvider(r sqldb.Scanner) (*ProviderProfile, error) {
	var p ProviderProfile
	var approvals, from, until string
	var updated any
	if err := r.Scan(&p.UserID, &p.Email, &p.Name, &approvals, &p.Approved, &from, &until, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(approvals), &p.Approvals); err != nil {
		return nil, fmt.Errorf("provider %d: approvals: %w", p.UserID, err)
	}
	var err error
	if p.ApprovedFrom, err = parseDateText(from); err != nil {
		return nil, fmt.Errorf("provider %d: %w", p.UserID, err)
	}
	if p.ApprovedUntil, err = parseDateText(until); err != nil {
		return nil, fmt.Errorf("provider %d: %w", p.UserID, err)
	}
	if p.UpdatedAt, err = sqldb.ScanTime(updated); err != nil {
		return nil, err
	}
	return &p, nil
}

// ProviderProfile reads the profile of a provider account; an account
// without one is ErrNotFound.
func (s *Store) ProviderProfile(ctx context.Context, userID int64) (*ProviderProfile, error) {
	return scanProvider(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+providerColumns+" FROM ce_providers p JOIN users u ON u.id = p.user_id WHERE p.user_id = ?"), userID))
}

// ProviderProfiles lists every provider profile by name.
func (s *Store) ProviderProfiles(ctx context.Context) ([]*ProviderProfile, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+providerColumns+" FROM ce_providers p JOIN users u ON u.id = p.user_id ORDER BY p.name, p.user_id")
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanProvider)
}

// AddCompletion stores a reported completion in the caller's transaction
// and returns its id. A completion the provider already reported for the
// credential (the same course id) is ErrConflict; look it up first with
// CompletionByKey, which is what idempotent reporting answers.
func (tx *Tx) AddCompletion(ctx context.Context, c Completion) (int64, error) {
	s := tx.s
	areas := c.Areas
	if areas == nil {
		areas = map[string][]string{}
	}
	a, err := json.Marshal(areas)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, s.Dialect.Rebind(`INSERT INTO ce_completions (provider_id, course_id, credential_id, holder_id, application_id, item_id,
		title, completed_on, hours, delivery, sexuality_related, areas, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.ProviderID, c.CourseID, c.CredentialID, c.HolderID, c.ApplicationID, c.ItemID, c.Title, c.Date.String(), c.Hours, c.Delivery,
		c.SexualityRelated, string(a), s.timeArg(c.ReportedAt)).Scan(&id)
	if err != nil && sqldb.IsUniqueViolation(err) {
		return 0, fmt.Errorf("course %s was already reported for credential %s: %w", c.CourseID, c.CredentialID, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("storing the completion: %w", err)
	}
	return id, nil
}

const completionColumns = `c.id, c.provider_id, c.course_id, c.credential_id, c.holder_id, u.email, c.application_id, c.item_id, c.title,
	c.completed_on, c.hours, c.delivery, c.sexuality_related, c.areas, c.reported_at`

func scanCompletion(r sqldb.Scanner) (*Completion, error) {
	var c Completion
	var on, areas string
	var reported any
	if err := r.Scan(&c.ID, &c.ProviderID, &c.CourseID, &c.CredentialID, &c.HolderID, &c.HolderEmail, &c.ApplicationID, &c.ItemID, &c.Title,
		&on, &c.Hours, &c.Delivery, &c.SexualityRelated, &areas, &reported); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if c.Date, err = date.Parse(on); err != nil {
		return nil, fmt.Errorf("completion %d: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(areas), &c.Areas); err != nil {
		return nil, fmt.Errorf("completion %d: areas: %w", c.ID, err)
	}
	if len(c.Areas) == 0 {
		c.Areas = nil
	}
	if c.ReportedAt, err = sqldb.ScanTime(reported); err != nil {
		return nil, err
	}
	return &c, nil
}

// CompletionByKey finds what a provider reported for a course and a
// credential; none is ErrNotFound. q may be a transaction.
func (s *Store) CompletionByKey(ctx context.Context, q Querier, providerID int64, courseID, credentialID string) (*Completion, error) {
	return scanCompletion(q.QueryRowContext(ctx, s.Dialect.Rebind("SELECT "+completionColumns+
		" FROM ce_completions c JOIN users u ON u.id = c.holder_id WHERE c.provider_id = ? AND c.course_id = ? AND c.credential_id = ?"),
		providerID, courseID, credentialID))
}

// SetProviderProfile creates or replaces a provider's profile in the
// transaction.
func (tx *Tx) SetProviderProfile(ctx context.Context, p ProviderProfile) error {
	return tx.s.SetProviderProfile(ctx, tx, p)
}

// ReportedCompletion finds what a provider reported for a course and a
// credential, outside any transaction (a read that must not queue behind
// the writers); ErrNotFound when nothing was.
func (s *Store) ReportedCompletion(ctx context.Context, providerID int64, courseID, credentialID string) (*Completion, error) {
	return s.CompletionByKey(ctx, s.DB, providerID, courseID, credentialID)
}

// CompletionByKey finds, in the transaction, what a provider reported for
// a course and a credential; none is ErrNotFound.
func (tx *Tx) CompletionByKey(ctx context.Context, providerID int64, courseID, credentialID string) (*Completion, error) {
	return tx.s.CompletionByKey(ctx, tx, providerID, courseID, credentialID)
}

// Completions lists reported completions in the order they were stored.
func (s *Store) Completions(ctx context.Context, f CompletionFilter) ([]*Completion, error) {
	where, args := []string{"c.id > ?"}, []any{f.After}
	if f.ProviderID != 0 {
		where, args = append(where, "c.provider_id = ?"), append(args, f.ProviderID)
	}
	if f.ApplicationID != 0 {
		where, args = append(where, "c.application_id = ?"), append(args, f.ApplicationID)
	}
	q := "SELECT " + completionColumns + " FROM ce_completions c JOIN users u ON u.id = c.holder_id WHERE " + strings.Join(where, " AND ") + " ORDER BY c.id"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanCompletion)
}
