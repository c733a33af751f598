package board

import "context"

// The reads of documents. The caller has decided that the person may see
// the application (Visible, MayUpload); these only read.

// Documents lists the documents of application appID.
func (b *Board) Documents(ctx context.Context, appID int64) ([]Document, error) {
	return b.store.Documents(ctx, appID)
}

// Document returns document id of application appID, or an error
// wrapping certboard.ErrNotFound.
func (b *Board) Document(ctx context.Context, appID, id int64) (*Document, error) {
	return b.store.Document(ctx, appID, id)
}

// ApplicantDocument returns a document that applicantID uploaded to one of
// their own applications with the given SHA-256, or an error wrapping
// certboard.ErrNotFound: an import copies its file.
func (b *Board) ApplicantDocument(ctx context.Context, applicantID int64, sha256 string) (*Document, error) {
	return b.store.ApplicantDocumentBySHA256(ctx, applicantID, sha256)
}

// UnknownBlobKeys returns the keys of keys that no document names: files
// of the file store that the sweep may delete.
func (b *Board) UnknownBlobKeys(ctx context.Context, keys []string) ([]string, error) {
	return b.store.UnknownBlobKeys(ctx, keys)
}
