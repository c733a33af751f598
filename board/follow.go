package board

import (
	"context"
	"fmt"

	"github.com/certboard/certboard/requirements"
)

// RefreshSets takes into the catalog in force the requirement-set versions
// published since it last looked, by this instance or by another on the
// same database, and returns how many it added. It reads only the store's
// PublishedSetsMark while nothing was published, so that a server can call
// it every few seconds (board/web.Server.FollowSets). A published version
// that no longer loads or fits is an error and is left out; the others
// are taken in.
func (b *Board) RefreshSets(ctx context.Context) (int, error) {
	mark, err := b.store.PublishedSetsMark(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading which requirement sets are published: %w", err)
	}
	if last := b.setsMark.Load(); last != nil && *last == mark {
		return 0, nil
	}
	ups, err := b.store.SetUploads(ctx, true)
	if err != nil {
		return 0, fmt.Errorf("reading the published requirement sets: %w", err)
	}
	// One swap at a time, so that a publication on this instance and a
	// refresh never swap the catalog from the same base.
	publishMu.Lock()
	defer publishMu.Unlock()
	cat, added, bad := takeIn(b.Catalog(), ups)
	if added > 0 {
		b.SetCatalog(cat)
	}
	if bad == nil {
		b.setsMark.Store(&mark)
	}
	return added, bad
}

// takeIn returns cat with the versions of the published uploads it lacks,
// in order, and how many; an upload that does not load or fit is left out
// and the first such is the error.
func takeIn(cat *requirements.Catalog, published []*SetUpload) (*requirements.Catalog, int, error) {
	added := 0
	var bad error
	for _, up := range published {
		if cat.Version(up.SetID, up.Version) != nil {
			continue
		}
		set, err := requirements.Parse(UploadFile(up), []byte(up.YAML))
		if err == nil {
			var next *requirements.Catalog
			if next, err = cat.With(set); err == nil {
				cat, added = next, added+1
				continue
			}
		}
		if bad == nil {
			bad = fmt.Errorf("published requirement set %s version %s (upload %d) cannot be taken in: %w", up.SetID, up.Version, up.ID, err)
		}
	}
	return cat, added, bad
}
