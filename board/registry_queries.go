package board

import (
	"context"
	"iter"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// SearchRegistry searches the public registry; anyone may. Credentials
// and their status are read live, so a suspension or revocation shows at
// once.
func (b *Board) SearchRegistry(ctx context.Context, q RegistryQuery) (*RegistryPage, error) {
	return b.store.SearchRegistry(ctx, q)
}

// ExportRegistry records that a member of staff exports the whole
// registry (an audit entry, written before anything is read), and returns
// every listing, page by page; an error ends the walk.
func (b *Board) ExportRegistry(ctx context.Context, by *auth.User) (iter.Seq2[*Listing, error], error) {
	if by == nil || !by.IsStaff() {
		return nil, &certboard.Error{Code: certboard.Forbidden, Message: "Only the board's staff may export the registry."}
	}
	err := b.store.InTx(ctx, func(tx Tx) error {
		_, err := tx.AppendAudit(ctx, adminEntry(b.clock.Now(), by, "registry.export", "registry", "", "csv"))
		return err
	})
	if err != nil {
		return nil, err
	}
	return func(yield func(*Listing, error) bool) {
		q := RegistryQuery{Limit: 100, NoCount: true}
		for {
			res, err := b.store.SearchRegistry(ctx, q)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range res.Listings {
				if !yield(&res.Listings[i], nil) {
					return
				}
			}
			if res.Next == 0 {
				return
			}
			q.After = res.Next
		}
	}, nil
}
