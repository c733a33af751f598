package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
)

// documentReads is what the document use cases read outside a transaction.
type documentReads interface {
	Application(ctx context.Context, id int64) (*Application, error)
	Documents(ctx context.Context, applicationID int64) ([]Document, error)
	Document(ctx context.Context, applicationID, id int64) (*Document, error)
	ApplicantDocumentBySHA256(ctx context.Context, applicantID int64, sha256 string) (*Document, error)
	UnknownBlobKeys(ctx context.Context, keys []string) ([]string, error)
	Supervisors(ctx context.Context, applicationID int64) ([]SupervisorLink, error)
	IsAssigned(ctx context.Context, applicationID, reviewerID int64) (bool, error)
}

// documentWrites is what the document use cases write in their transaction.
type documentWrites interface {
	SavePortfolio(ctx context.Context, id int64, version int, portfolio []byte, at time.Time) (int, error)
	AddDocument(ctx context.Context, d Document) (int64, error)
	DeleteDocument(ctx context.Context, applicationID, id int64) error
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// Blobs keeps the files of uploaded documents, encrypted (blob.Store
// implements it). Without one, uploads and downloads are unavailable.
type Blobs interface {
	// Put stores data under key.
	Put(ctx context.Context, key string, data []byte) error
	// Get returns the data under key (blob.ErrNotFound when there is none).
	Get(ctx context.Context, key string) ([]byte, error)
	// Delete removes the data under key.
	Delete(ctx context.Context, key string) error
}

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
