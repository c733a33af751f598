package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/sqldb"
)

func credContext(id, what string) string { return "credentials/" + id + "/" + what }

// UsedStatusIndexes lists the indexes taken in one status list, for the
// allocator; purpose is "revocation" or "suspension".
func (tx *Tx) UsedStatusIndexes(ctx context.Context, purpose, list string) ([]int, error) {
	s := tx.s
	if purpose != "revocation" && purpose != "suspension" {
		return nil, fmt.Errorf("status purpose %q: use revocation or suspension", purpose)
	}
	return scanInts(tx.QueryContext(ctx, s.Dialect.Rebind("SELECT "+purpose+"_index FROM credentials WHERE "+purpose+"_list = ?"), list))
}

// AddCredential stores an issued credential in the caller's transaction;
// an index already taken in a list is ErrConflict.
func (tx *Tx) AddCredential(ctx context.Context, c IssuedCredential) error {
	s := tx.s
	doc, err := s.seal(c.Document, credContext(c.ID, "document"))
	if err != nil {
		return err
	}
	jwt, err := s.seal([]byte(c.JWT), credContext(c.ID, "jwt"))
	if err != nil {
		return err
	}
	var until any
	if !c.ValidUntil.IsZero() {
		until = s.timeArg(c.ValidUntil)
	}
	_, err = tx.ExecContext(ctx, s.Dialect.Rebind(`INSERT INTO credentials (id, application_id, holder_id, set_id, set_version, document, jwt,
		issued_at, valid_until, revocation_list, revocation_index, suspension_list, suspension_index, public)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		c.ID, c.ApplicationID, c.HolderID, c.SetID, c.SetVersion, doc, jwt, s.timeArg(c.IssuedAt), until,
		c.RevocationList, c.RevocationIndex, c.SuspensionList, c.SuspensionIndex, c.Public)
	if err != nil && sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("a status index was taken meanwhile; try again: %w", ErrConflict)
	}
	return err
}

const credColumns = `id, application_id, holder_id, set_id, set_version, document, jwt, issued_at, valid_until,
	revocation_list, revocation_index, suspension_list, suspension_index, public, revoked_at, revoke_reason, suspended_at, suspend_reason, superseded_by, superseded_at`

func (s *Store) scanCredential(r sqldb.Scanner) (*IssuedCredential, error) {
	var c IssuedCredential
	var doc, jwt string
	var issued, until, revoked, suspended, superseded any
	if err := r.Scan(&c.ID, &c.ApplicationID, &c.HolderID, &c.SetID, &c.SetVersion, &doc, &jwt, &issued, &until,
		&c.RevocationList, &c.RevocationIndex, &c.SuspensionList, &c.SuspensionIndex, &c.Public,
		&revoked, &c.RevokeReason, &suspended, &c.SuspendReason, &c.SupersededBy, &superseded); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if c.Document, err = s.open(doc, credContext(c.ID, "document")); err != nil {
		return nil, fmt.Errorf("credential %s: %w", c.ID, err)
	}
	j, err := s.open(jwt, credContext(c.ID, "jwt"))
	if err != nil {
		return nil, fmt.Errorf("credential %s: %w", c.ID, err)
	}
	c.JWT = string(j)
	if c.IssuedAt, err = sqldb.ScanTime(issued); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		col any
		to  *time.Time
	}{{until, &c.ValidUntil}, {revoked, &c.RevokedAt}, {suspended, &c.SuspendedAt}, {superseded, &c.SupersededAt}} {
		if err := sqldb.ScanOptionalTime(t.col, t.to); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// SetCredentialStatus records a staff decision on a credential in the
// caller's transaction: "revoke" (final), "suspend" or "reinstate" (lifts a
// suspension). A revoked credential cannot change any more, and one a
// renewal superseded cannot be suspended (ErrConflict): its successor can.
func (tx *Tx) SetCredentialStatus(ctx context.Context, id, action, reason string, at time.Time) error {
	s := tx.s
	var q string
	var args []any
	switch action {
	case "revoke":
		q, args = "UPDATE credentials SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL", []any{s.timeArg(at), reason, id}
	case "suspend":
		q, args = "UPDATE credentials SET suspended_at = ?, suspend_reason = ? WHERE id = ? AND revoked_at IS NULL AND suspended_at IS NULL AND superseded_by = ''", []any{s.timeArg(at), reason, id}
	case "reinstate":
		q, args = "UPDATE credentials SET suspended_at = NULL, suspend_reason = '' WHERE id = ? AND revoked_at IS NULL AND suspended_at IS NOT NULL", []any{id}
	default:
		return fmt.Errorf("credential status action %q: use revoke, suspend or reinstate", action)
	}
	return tx.updateCredential(ctx, id, q, args,
		fmt.Errorf("credential %s cannot be %s from its present status: %w", id, map[string]string{"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}[action], ErrConflict))
}

// updateCredential runs the update q with args in the transaction; it must
// change credential id. When it changes none, it returns ErrNotFound if
// there is no such credential, else conflict: the row is there but not in
// a state the update accepts.
func (tx *Tx) updateCredential(ctx context.Context, id, q string, args []any, conflict error) error {
	d := tx.s.Dialect
	res, err := tx.ExecContext(ctx, d.Rebind(q), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		var one int
		if err := tx.QueryRowContext(ctx, d.Rebind("SELECT 1 FROM credentials WHERE id = ?"), id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return conflict
	}
	return nil
}

// SetStatusBits returns the indexes of a list whose bits are set: revoked
// credentials, and those a renewal superseded, in a revocation list;
// suspended (and neither revoked nor superseded) ones in a suspension list.
// A superseded credential is settled for good, as a revocation is: no
// verifier may take it for current, and nothing brings it back (see
// docs/renewal.md, "Superseded credentials").
func (s *Store) SetStatusBits(ctx context.Context, purpose, list string) ([]int, error) {
	var q string
	switch purpose {
	case "revocation":
		q = "SELECT revocation_index FROM credentials WHERE revocation_list = ? AND (revoked_at IS NOT NULL OR superseded_by <> '')"
	case "suspension":
		q = "SELECT suspension_index FROM credentials WHERE suspension_list = ? AND suspended_at IS NOT NULL AND revoked_at IS NULL AND superseded_by = ''"
	default:
		return nil, fmt.Errorf("status purpose %q: use revocation or suspension", purpose)
	}
	return scanInts(s.DB.QueryContext(ctx, s.Dialect.Rebind(q), list))
}

// scanInts reads a one-column result of integers.
func scanInts(rows *sql.Rows, err error) ([]int, error) {
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (i int, err error) {
		err = r.Scan(&i)
		return i, err
	})
}

// Credential reads one issued credential by id.
func (s *Store) Credential(ctx context.Context, id string) (*IssuedCredential, error) {
	return s.scanCredential(s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT "+credColumns+" FROM credentials WHERE id = ?"), id))
}

// CredentialsOf lists a holder's credentials, newest first.
func (s *Store) CredentialsOf(ctx context.Context, holderID int64) ([]*IssuedCredential, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind("SELECT "+credColumns+" FROM credentials WHERE holder_id = ? ORDER BY issued_at DESC, id"), holderID)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, s.scanCredential)
}

// SetCredentialPublic records the holder's choice to show a credential to
// anyone who has its URL, or not.
func (tx *Tx) SetCredentialPublic(ctx context.Context, id string, public bool) error {
	s := tx.s
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE credentials SET public = ? WHERE id = ?"), public, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// SupersedeCredential records in the caller's transaction that a renewal
// replaced credential old with credential next. A credential already
// superseded, or revoked, cannot be (ErrConflict).
func (tx *Tx) SupersedeCredential(ctx context.Context, old, next string, at time.Time) error {
	s := tx.s
	if old == next || next == "" {
		return fmt.Errorf("credential %s cannot supersede itself", old)
	}
	return tx.updateCredential(ctx, old,
		"UPDATE credentials SET superseded_by = ?, superseded_at = ? WHERE id = ? AND superseded_by = '' AND revoked_at IS NULL",
		[]any{next, s.timeArg(at), old},
		fmt.Errorf("credential %s is revoked or already superseded: %w", old, ErrConflict))
}
