package board

import "time"

// adminReads is what the admin use cases read outside a transaction.
type adminReads interface{}

// adminWrites is what the admin use cases write in their transaction.
type adminWrites interface{}

// SetUpload is a requirement set uploaded by an admin: its YAML as sent,
// unpublished until an admin publishes it.
type SetUpload struct {
	ID      int64
	SetID   string
	Version string
	YAML    string
	// UploadedBy is the admin's account; UploadedByName is read from it.
	UploadedBy     int64
	UploadedByName string
	UploadedAt     time.Time
	// PublishedAt is zero while the upload is a draft.
	PublishedAt time.Time
}

// Published reports whether the upload was published.
func (u *SetUpload) Published() bool { return !u.PublishedAt.IsZero() }

// BoardSettings is who the board is, as its pages and mail name it.
type BoardSettings struct {
	Name          string
	ShortName     string
	ContactEmail  string
	PostalAddress string
	Website       string
	// Version counts saves, for optimistic concurrency (0: never saved).
	Version int
}
