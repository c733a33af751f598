package practicesql

import (
	"context"
	"fmt"

	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// The identifiers' storage: the practice's (one row, its tax id sealed
// under taxIDContext, or empty while none is given) and each
// practitioner's.

func init() {
	references = append(references, authsql.Reference{Table: "practice_identifiers", Column: "updated_by"},
		authsql.Reference{Table: "practitioner_identifiers", Column: "user_id"})
}

// taxIDContext binds the sealed tax id to its column.
const taxIDContext = "practice/identifiers/tax_id"

const practiceIdentifierColumns = "name, address, phone, npi, tax_id, updated_by, updated_at, version"

func (s *Store) scanPracticeIdentifiers(r sqldb.Scanner) (*practice.PracticeIdentifiers, error) {
	var pi practice.PracticeIdentifiers
	var sealed string
	if err := scanFound(r, &pi.Name, &pi.Address, &pi.Phone, &pi.NPI, &sealed, &pi.UpdatedBy, timeInto{&pi.UpdatedAt}, &pi.Version); err != nil {
		return nil, err
	}
	if sealed == "" { // no tax id given yet: nothing was sealed
		return &pi, nil
	}
	tax, err := s.open(sealed, taxIDContext)
	if err != nil {
		return nil, fmt.Errorf("the practice's tax id: %w", err)
	}
	pi.TaxID = string(tax)
	return &pi, nil
}

// PracticeIdentifiers returns the practice's identifiers, or
// sqldb.ErrNotFound before they are first saved.
func (s *Store) PracticeIdentifiers(ctx context.Context) (*practice.PracticeIdentifiers, error) {
	return s.scanPracticeIdentifiers(s.DB.QueryRowContext(ctx, "SELECT "+practiceIdentifierColumns+" FROM practice_identifiers WHERE id = 1"))
}

// PracticeIdentifiers reads the practice's identifiers in the
// transaction, without locking them; sqldb.ErrNotFound before they are
// first saved.
func (tx *Tx) PracticeIdentifiers(ctx context.Context) (*practice.PracticeIdentifiers, error) {
	return tx.s.scanPracticeIdentifiers(tx.QueryRowContext(ctx, "SELECT "+practiceIdentifierColumns+" FROM practice_identifiers WHERE id = 1"))
}

// LockPracticeIdentifiers reads the practice's identifiers in the
// transaction, locking them.
func (tx *Tx) LockPracticeIdentifiers(ctx context.Context) (*practice.PracticeIdentifiers, error) {
	return tx.s.scanPracticeIdentifiers(tx.QueryRowContext(ctx,
		"SELECT "+practiceIdentifierColumns+" FROM practice_identifiers WHERE id = 1"+tx.Dialect.LockRow()))
}

// SavePracticeIdentifiers writes the practice's identifiers if they are
// still at pi.Version (0: never saved; sqldb.ErrConflict otherwise) and
// returns the new version. An empty tax id is stored empty, unsealed.
func (tx *Tx) SavePracticeIdentifiers(ctx context.Context, pi practice.PracticeIdentifiers) (int, error) {
	d := tx.Dialect
	var sealed string
	if pi.TaxID != "" {
		var err error
		if sealed, err = tx.s.seal([]byte(pi.TaxID), taxIDContext); err != nil {
			return 0, err
		}
	}
	if pi.Version == 0 {
		_, err := tx.ExecContext(ctx, d.Rebind("INSERT INTO practice_identifiers (id, "+practiceIdentifierColumns+
			") VALUES (1, ?, ?, ?, ?, ?, ?, ?, 1)"), pi.Name, pi.Address, pi.Phone, pi.NPI, sealed, pi.UpdatedBy, d.Time(pi.UpdatedAt))
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("the practice's identifiers were saved meanwhile: %w", sqldb.ErrConflict)
		}
		if err != nil {
			return 0, err
		}
		return 1, nil
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE practice_identifiers SET name = ?, address = ?, phone = ?, npi = ?, tax_id = ?, "+
		"updated_by = ?, updated_at = ?, version = version + 1 WHERE id = 1 AND version = ?"),
		pi.Name, pi.Address, pi.Phone, pi.NPI, sealed, pi.UpdatedBy, d.Time(pi.UpdatedAt), pi.Version)
	if err := oneRow(res, err, "the practice's identifiers"); err != nil {
		return 0, err
	}
	return pi.Version + 1, nil
}

const practitionerIdentifierColumns = "user_id, licence_type, licence_number, licence_state, npi, updated_at, version"

func scanPractitionerIdentifiers(r sqldb.Scanner) (*practice.PractitionerIdentifiers, error) {
	var pi practice.PractitionerIdentifiers
	if err := scanFound(r, &pi.UserID, &pi.LicenceType, &pi.LicenceNumber, &pi.LicenceState, &pi.NPI, timeInto{&pi.UpdatedAt}, &pi.Version); err != nil {
		return nil, err
	}
	return &pi, nil
}

// PractitionerIdentifiers returns a practitioner's identifiers, or
// sqldb.ErrNotFound before they are first saved.
func (s *Store) PractitionerIdentifiers(ctx context.Context, userID int64) (*practice.PractitionerIdentifiers, error) {
	return scanPractitionerIdentifiers(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+practitionerIdentifierColumns+" FROM practitioner_identifiers WHERE user_id = ?"), userID))
}

// AllPractitionerIdentifiers returns every practitioner's saved
// identifiers, by account.
func (s *Store) AllPractitionerIdentifiers(ctx context.Context) (map[int64]practice.PractitionerIdentifiers, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+practitionerIdentifierColumns+" FROM practitioner_identifiers")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]practice.PractitionerIdentifiers{}
	for rows.Next() {
		pi, err := scanPractitionerIdentifiers(rows)
		if err != nil {
			return nil, err
		}
		out[pi.UserID] = *pi
	}
	return out, rows.Err()
}

// LockPractitionerIdentifiers reads a practitioner's identifiers in the
// transaction, locking them.
func (tx *Tx) LockPractitionerIdentifiers(ctx context.Context, userID int64) (*practice.PractitionerIdentifiers, error) {
	return scanPractitionerIdentifiers(tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT "+practitionerIdentifierColumns+" FROM practitioner_identifiers WHERE user_id = ?"+tx.Dialect.LockRow()), userID))
}

// SavePractitionerIdentifiers writes a practitioner's identifiers if they
// are still at pi.Version (0: never saved; sqldb.ErrConflict otherwise)
// and returns the new version.
func (tx *Tx) SavePractitionerIdentifiers(ctx context.Context, pi practice.PractitionerIdentifiers) (int, error) {
	d := tx.Dialect
	if pi.Version == 0 {
		_, err := tx.ExecContext(ctx, d.Rebind("INSERT INTO practitioner_identifiers ("+practitionerIdentifierColumns+
			") VALUES (?, ?, ?, ?, ?, ?, 1)"), pi.UserID, pi.LicenceType, pi.LicenceNumber, pi.LicenceState, pi.NPI, d.Time(pi.UpdatedAt))
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("the identifiers of practitioner %d were saved meanwhile: %w", pi.UserID, sqldb.ErrConflict)
		}
		if err != nil {
			return 0, err
		}
		return 1, nil
	}
	res, err := tx.ExecContext(ctx, d.Rebind("UPDATE practitioner_identifiers SET licence_type = ?, licence_number = ?, licence_state = ?, "+
		"npi = ?, updated_at = ?, version = version + 1 WHERE user_id = ? AND version = ?"),
		pi.LicenceType, pi.LicenceNumber, pi.LicenceState, pi.NPI, d.Time(pi.UpdatedAt), pi.UserID, pi.Version)
	if err := oneRow(res, err, fmt.Sprintf("the identifiers of practitioner %d", pi.UserID)); err != nil {
		return 0, err
	}
	return pi.Version + 1, nil
}
