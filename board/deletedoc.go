package board

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// DeleteDocument deletes a document of app in one transaction, version
// guarded: the live portfolio (live, decoded from app) loses the
// document's item, the row goes, and the history event and audit entry are
// written. The encrypted file is deleted only after the commit, so that a
// row never names a missing file; should that deletion fail (or the
// process stop first), the file is an orphan that the sweep of document
// files removes later. The caller has decided that by may delete it now
// (the applicant, the application editable, no item referring to it); it
// returns the application's new version.
func (b *Board) DeleteDocument(ctx context.Context, by *auth.User, app *Application, doc *Document, version int,
	live *portfolio.Portfolio) (int, error) {
	if version != app.Version {
		return 0, fmt.Errorf("application %d was changed since version %d (it is now at %d); reload the page and try again: %w",
			app.ID, version, app.Version, certboard.ErrConflict)
	}
	if it, ok := portfolio.Find(live, doc.ItemID); ok && it.List == "documents" {
		if err := portfolio.Remove(live, doc.ItemID); err != nil {
			return 0, fmt.Errorf("%s: %w", err, certboard.ErrConflict)
		}
	}
	data, err := portfolio.Encode(live)
	if err != nil {
		return 0, err
	}
	now := b.clock.Now()
	before, _ := json.Marshal(map[string]any{"item": doc.ItemID, "filename": doc.Filename, "content_type": doc.ContentType,
		"size": doc.Size, "sha256": doc.SHA256, "uploaded_at": doc.CreatedAt.UTC().Format(time.RFC3339)})
	var newVersion int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if newVersion, err = tx.SavePortfolio(ctx, app.ID, version, data, now); err != nil {
			return err
		}
		if err := tx.DeleteDocument(ctx, app.ID, doc.ID); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: "document_deleted",
			Message: fmt.Sprintf("%s: %s deleted", doc.ItemID, doc.Filename)}); err != nil {
			return err
		}
		_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "application.document.delete",
			Subject: fmt.Sprintf("application/%d/document/%d", app.ID, doc.ID), Before: string(before)})
		return err
	})
	if err != nil {
		return 0, err
	}
	if err := b.blobs.Delete(context.WithoutCancel(ctx), doc.BlobKey); err != nil {
		b.log.Error("deleting the file of a deleted document; the sweep will remove it", "key", doc.BlobKey, "error", err)
	}
	return newVersion, nil
}
