package practicesql

import (
	"context"

	"github.com/certboard/certboard/practice"
)

// ForPractice is the store as the practice's use cases see it
// (practice.Store): the same store, whose InTx hands out the transaction
// as a practice.Tx.
type ForPractice struct{ *Store }

var _ practice.Store = ForPractice{}

// InTx runs f in one transaction of the store.
func (s ForPractice) InTx(ctx context.Context, f func(tx practice.Tx) error) error {
	return s.Store.InTx(ctx, func(tx *Tx) error { return f(tx) })
}
