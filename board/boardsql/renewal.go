package boardsql

import (
	"context"
	"database/sql"
	"errors"

	"github.com/certboard/certboard/sqldb"
)

// ActiveCredentials lists the credentials neither revoked, suspended nor
// superseded (expired ones included: expiry is judged on a date by the
// caller), oldest first, for the lifecycle sweeps.
func (s *Store) ActiveCredentials(ctx context.Context) ([]*IssuedCredential, error) {
	return s.credentialsWhere(ctx, "revoked_at IS NULL AND suspended_at IS NULL AND superseded_by = ''")
}

// SuspendedCredentials lists the credentials suspended and not revoked,
// oldest first.
func (s *Store) SuspendedCredentials(ctx context.Context) ([]*IssuedCredential, error) {
	return s.credentialsWhere(ctx, "suspended_at IS NOT NULL AND revoked_at IS NULL")
}

// credentialsWhere lists the credentials the condition cond (a constant
// of this package, no arguments) selects, oldest first.
func (s *Store) credentialsWhere(ctx context.Context, cond string) ([]*IssuedCredential, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+credColumns+" FROM credentials WHERE "+cond+" ORDER BY issued_at, id")
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, s.scanCredential)
}

// CredentialForUpdate reads a credential in the caller's transaction and,
// on PostgreSQL, locks its row until the transaction ends (SELECT ... FOR
// NO KEY UPDATE, which an insert merely referring to the credential does
// not wait for), so that starting a renewal of it, approving that renewal
// and revoking or suspending it take turns and each sees the others'
// result.
// SQLite's writers already take turns (one write transaction at a time).
// An unknown id is ErrNotFound.
func (tx *Tx) CredentialForUpdate(ctx context.Context, id string) (*IssuedCredential, error) {
	s := tx.s
	q := "SELECT " + credColumns + " FROM credentials WHERE id = ?" + s.Dialect.LockRow()
	return s.scanCredential(tx.QueryRowContext(ctx, s.Dialect.Rebind(q), id))
}

// OpenRenewalID returns, read in the caller's transaction, the id of the
// application renewing a credential that is still open (neither approved,
// denied nor withdrawn: application.State.Final), the oldest when there
// are several; 0 when there is none.
func (tx *Tx) OpenRenewalID(ctx context.Context, credentialID string) (int64, error) {
	s := tx.s
	if credentialID == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT id FROM applications WHERE renews_credential = ? AND state NOT IN ('approved', 'denied', 'withdrawn') ORDER BY id LIMIT 1"),
		credentialID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
