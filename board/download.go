package board

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
)

// DocumentFile reads and checks the file of a document read before. A
// document deleted since (its file goes after the row's commit) is not
// found (a *certboard.Error, NotFound), like any other document that is
// gone; any other failure, a row without its file included, is
// unexpected. The caller has checked that there is a file store.
func (b *Board) DocumentFile(ctx context.Context, app *Application, doc *Document) ([]byte, error) {
	data, err := b.blobs.Get(ctx, doc.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		if _, derr := b.store.Document(ctx, app.ID, doc.ID); isNotFound(derr) {
			return nil, &certboard.Error{Code: certboard.NotFound, Title: "Document not found",
				Message: fmt.Sprintf("The application has no document %s any more; it was deleted.", doc.Filename)}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("document %d of application %d: %w", doc.ID, app.ID, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != doc.SHA256 {
		return nil, fmt.Errorf("document %d of application %d: the file does not match its recorded SHA-256", doc.ID, app.ID)
	}
	return data, nil
}

// RecordDownload writes to the audit log, in its own transaction, that by
// is about to receive the file of doc, reaching it as as (the roles under
// which they see the application, "applicant+staff" say). A download is
// sent only once this entry is written.
func (b *Board) RecordDownload(ctx context.Context, by *auth.User, as string, app *Application, doc *Document) error {
	after, _ := json.Marshal(map[string]any{"item": doc.ItemID, "filename": doc.Filename, "sha256": doc.SHA256, "as": as})
	return b.store.InTx(ctx, func(tx Tx) error {
		_, err := tx.AppendAudit(ctx, audit.Entry{At: b.clock.Now(), Actor: fmt.Sprintf("user/%d", by.ID), Action: "application.document.download",
			Subject: fmt.Sprintf("application/%d/document/%d", app.ID, doc.ID), After: string(after)})
		return err
	})
}
