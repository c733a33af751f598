package practice

import (
	"context"

	"github.com/certboard/certboard/practice/scope"
)

// CredentialScopeFor runs scopeFor in a transaction of its own, for the
// external tests.
func (p *Practice) CredentialScopeFor(ctx context.Context, userID int64) (scope.Scope, error) {
	var s scope.Scope
	err := p.store.InTx(ctx, func(tx Tx) error {
		var err error
		s, err = p.scopeFor(ctx, tx, userID)
		return err
	})
	return s, err
}
