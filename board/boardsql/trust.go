package boardsql

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard/sqldb"
)

// AddTrustedIssuer adds an issuer to the trust list; a DID listed already
// is ErrConflict. The caller validates the entry.
func (tx *Tx) AddTrustedIssuer(ctx context.Context, t TrustedIssuer) error {
	s := tx.s
	_, err := tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO trusted_issuers (did, name, note, added_by, added_at) VALUES (?, ?, ?, ?, ?)"),
		t.DID, t.Name, t.Note, t.AddedBy, s.timeArg(t.AddedAt))
	if err != nil {
		if sqldb.IsUniqueViolation(err) {
			return fmt.Errorf("%s is on the trust list already; remove it first to change its name: %w", t.DID, ErrConflict)
		}
		return fmt.Errorf("storing the trusted issuer: %w", err)
	}
	return nil
}

// RemoveTrustedIssuer removes an issuer from the trust list and returns the
// entry removed; a DID not listed is ErrNotFound.
func (tx *Tx) RemoveTrustedIssuer(ctx context.Context, did string) (*TrustedIssuer, error) {
	s := tx.s
	// One statement: of two admins removing the same entry at once, one
	// removes it and the other finds nothing.
	t, err := scanTrustedIssuer(tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"DELETE FROM trusted_issuers WHERE did = ? RETURNING did, name, note, added_by, '', added_at"), did))
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s is not on the trust list: %w", did, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("removing the trusted issuer: %w", err)
	}
	return t, nil
}

const trustedColumns = "t.did, t.name, t.note, t.added_by, COALESCE(u.name, ''), t.added_at"

func scanTrustedIssuer(r sqldb.Scanner) (*TrustedIssuer, error) {
	var t TrustedIssuer
	var at any
	if err := r.Scan(&t.DID, &t.Name, &t.Note, &t.AddedBy, &t.AddedByName, &at); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if t.AddedAt, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	return &t, nil
}

// TrustedIssuers lists the trust list by name (without regard to case),
// then DID: the same order on both engines, whatever their collations.
func (s *Store) TrustedIssuers(ctx context.Context) ([]*TrustedIssuer, error) {
	rows, err := s.DB.QueryContext(ctx,
		"SELECT "+trustedColumns+" FROM trusted_issuers t LEFT JOIN users u ON u.id = t.added_by")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*TrustedIssuer
	for rows.Next() {
		t, err := scanTrustedIssuer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *TrustedIssuer) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.DID, b.DID))
	})
	return out, nil
}
