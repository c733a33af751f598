package boardsql

import (
	"context"

	"github.com/certboard/certboard/auth"
)

// ForAuth is the store as the account use cases see it (auth.Store): the
// board's accounts (package authsql over the board's database), whose
// InTx hands out the transaction as an auth.Tx.
type ForAuth struct{ *Store }

var _ auth.Store = ForAuth{}

// InTx runs f in one transaction of the store.
func (s ForAuth) InTx(ctx context.Context, f func(tx auth.Tx) error) error {
	return s.Store.accounts.InTx(ctx, f)
}
