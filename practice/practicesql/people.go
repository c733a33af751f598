package practicesql

import (
	"context"
	"time"

	"github.com/certboard/certboard/auth"
)

// The people of the practice (practice/people.go): its accounts, kept by
// authsql over the practice's database.

// People lists every account of the practice, by name.
func (s *Store) People(ctx context.Context) ([]*auth.User, error) {
	return s.accounts.Users(ctx, "")
}

// CreateUser stores a new account in the transaction;
// sqldb.ErrConflict when the address has one.
func (tx *Tx) CreateUser(ctx context.Context, u auth.User) (int64, error) {
	return tx.accounts().CreateUser(ctx, u)
}

// CreateEmailToken stores the digest of a mailed link's token in the
// transaction.
func (tx *Tx) CreateEmailToken(ctx context.Context, digest string, userID int64, purpose string, expires time.Time) error {
	return tx.accounts().CreateEmailToken(ctx, digest, userID, purpose, expires)
}

// UpdateUser writes an account's name, roles and workplace in the
// transaction if it is still at u.Version (sqldb.ErrConflict otherwise)
// and returns its next version.
func (tx *Tx) UpdateUser(ctx context.Context, u auth.User) (int, error) {
	return tx.accounts().UpdateUser(ctx, u)
}
