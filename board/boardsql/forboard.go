package boardsql

import (
	"context"

	"github.com/certboard/certboard/board"
)

// ForBoard is the store as the board's use cases see it (board.Store):
// the same store, whose InTx hands out the transaction as a board.Tx.
type ForBoard struct{ *Store }

var _ board.Store = ForBoard{}

// InTx runs f in one transaction of the store.
func (s ForBoard) InTx(ctx context.Context, f func(tx board.Tx) error) error {
	return s.Store.InTx(ctx, func(tx *Tx) error { return f(tx) })
}
