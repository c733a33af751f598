package board

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
)

// adminReads is what the admin use cases read outside a transaction.
type adminReads interface {
	SetUploadByID(ctx context.Context, id int64) (*SetUpload, error)
	SetUploads(ctx context.Context, publishedOnly bool) ([]*SetUpload, error)
	// PublishedSetsMark changes whenever a requirement-set version is
	// published (RefreshSets).
	PublishedSetsMark(ctx context.Context) (string, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	BoardSettings(ctx context.Context) (*BoardSettings, error)
	SearchUsers(ctx context.Context, query string, limit int) ([]*auth.User, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	Users(ctx context.Context, role auth.Role) ([]*auth.User, error)
	TrustedIssuers(ctx context.Context) ([]*TrustedIssuer, error)
}

// adminWrites is what the admin use cases write in their transaction.
type adminWrites interface {
	CreateSetUpload(ctx context.Context, u SetUpload) (int64, error)
	PublishSetUpload(ctx context.Context, id int64, at time.Time) error
	// PublishedSetUploads returns the published uploads, in the order they
	// were published, and holds the uploads until the transaction ends, so
	// that publications on every instance are made one at a time.
	PublishedSetUploads(ctx context.Context) ([]*SetUpload, error)
	SaveBoardSettings(ctx context.Context, b BoardSettings) (int, error)
	UpdateUser(ctx context.Context, u auth.User) (int, error)
	EndAllAccess(ctx context.Context, userID int64) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// mayAdminister refuses anyone but the board's admins.
func mayAdminister(by *auth.User) error {
	if by == nil || !by.HasRole(auth.Admin) {
		return &certboard.Error{Code: certboard.Forbidden, Message: "Only the board's admins may do this."}
	}
	return nil
}

// adminEntry is the audit entry of an admin's action.
func adminEntry(at time.Time, by *auth.User, action, subject, before, after string) audit.Entry {
	return audit.Entry{At: at, Actor: fmt.Sprintf("user/%d", by.ID), Action: action, Subject: subject, Before: before, After: after}
}

// isConflict reports whether the store refused a write as a conflict (a
// row changed meanwhile, a unique value taken).
func isConflict(err error) bool { return errors.Is(err, certboard.ErrConflict) }

// isNotFound reports whether the store found no row.
func isNotFound(err error) bool { return errors.Is(err, certboard.ErrNotFound) }

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
// The JSON names are those of the admin API and the audit log.
type BoardSettings struct {
	Name          string `json:"name"`
	ShortName     string `json:"short_name"`
	ContactEmail  string `json:"contact_email"`
	PostalAddress string `json:"postal_address"`
	Website       string `json:"website"`
	// Version counts saves, for optimistic concurrency (0: never saved).
	Version int `json:"version"`
}
