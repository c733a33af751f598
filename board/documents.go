package board

import "time"

// documentReads is what the document use cases read outside a transaction.
type documentReads interface{}

// documentWrites is what the document use cases write in their transaction.
type documentWrites interface{}

// Document is an uploaded file of an application: the facts about it kept
// in the database. Its content lives, encrypted, in the file store under
// BlobKey; what it is and what it supports is the portfolio's Document item
// ItemID.
type Document struct {
	ID            int64
	ApplicationID int64
	// ItemID is the id of the portfolio's Document item for this file,
	// unique within the application.
	ItemID      string
	Filename    string
	ContentType string
	Size        int64
	// SHA256 is the hex digest of the plaintext content.
	SHA256     string
	BlobKey    string
	UploadedBy int64
	// UploadedByName is read from the account.
	UploadedByName string
	CreatedAt      time.Time
}
