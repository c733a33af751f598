package board

import (
	"context"
	"crypto/ed25519"
	"io"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
)

// credentialReads is what the credential use cases read outside a transaction.
type credentialReads interface {
	Credential(ctx context.Context, id string) (*IssuedCredential, error)
	ActiveCredentials(ctx context.Context) ([]*IssuedCredential, error)
	SuspendedCredentials(ctx context.Context) ([]*IssuedCredential, error)
	CurrentSigningKey(ctx context.Context) (*SigningKey, error)
	BoardSettings(ctx context.Context) (*BoardSettings, error)
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	Application(ctx context.Context, id int64) (*Application, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]jobs.Job, error)
	RetryJob(ctx context.Context, id int64, attempts int, failure string, now time.Time) (bool, error)
	Jobs(ctx context.Context, prefix string) ([]jobs.Job, error)
}

// credentialWrites is what the credential use cases write in their transaction.
type credentialWrites interface {
	UsedStatusIndexes(ctx context.Context, purpose, list string) ([]int, error)
	NewSigningKeyIn(ctx context.Context, r io.Reader, at time.Time) (*SigningKey, error)
	AddCredential(ctx context.Context, c IssuedCredential) error
	CredentialForUpdate(ctx context.Context, id string) (*IssuedCredential, error)
	SetCredentialStatus(ctx context.Context, id, action, reason string, at time.Time) error
	SetCredentialPublic(ctx context.Context, id string, public bool) error
	SupersedeCredential(ctx context.Context, old, next string, at time.Time) error
	PublicCredentialSets(ctx context.Context, holderID int64) ([]string, error)
	ReindexProfile(ctx context.Context, holderID int64, extra func(*Profile) string) error
	OpenRenewalID(ctx context.Context, credentialID string) (int64, error)
	CreateApplication(ctx context.Context, a Application) (int64, error)
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
	EnqueueJob(ctx context.Context, j jobs.Job) (bool, error)
	CancelJobs(ctx context.Context, prefix string, at time.Time) (int, error)
	FinishJob(ctx context.Context, id int64, outcome string, at time.Time) error
}

// SigningKey is one of the board's Ed25519 keys for signing credentials.
type SigningKey struct {
	// ID is the key's fragment in the board's DID document ("key-20261126-1a2b").
	ID     string
	Public ed25519.PublicKey
	// Private is set only by CurrentSigningKey.
	Private   ed25519.PrivateKey
	CreatedAt time.Time
	// RetiredAt is when a newer key replaced it (zero for the current key).
	RetiredAt time.Time
}

// IssuedCredential is a credential the board issued: its signed forms and
// where it stands in the status lists.
type IssuedCredential struct {
	ID            string // the UUID in its URL
	ApplicationID int64
	HolderID      int64
	SetID         string
	SetVersion    string
	// Document is the credential's JSON; JWT its VC-JWT form.
	Document   []byte
	JWT        string
	IssuedAt   time.Time
	ValidUntil time.Time
	// RevocationList and SuspensionList name the status lists; the indexes
	// are the credential's bits in them.
	RevocationList  string
	RevocationIndex int
	SuspensionList  string
	SuspensionIndex int
	// Public is the holder's choice to let anyone fetch it by its URL.
	Public bool
	// RevokedAt is when the board revoked it, for good (zero: not revoked).
	RevokedAt    time.Time
	RevokeReason string
	// SuspendedAt is when the board suspended it (zero: not suspended).
	SuspendedAt   time.Time
	SuspendReason string
	// SupersededBy is the id of the credential a renewal issued in its
	// place, and SupersededAt when (empty and zero: not superseded).
	SupersededBy string
	SupersededAt time.Time
}

// Status is "revoked", "suspended", "superseded" or "active"; expiry is
// judged on a date by the caller (StandingAt).
func (c *IssuedCredential) Status() string {
	switch {
	case !c.RevokedAt.IsZero():
		return "revoked"
	case !c.SuspendedAt.IsZero():
		return "suspended"
	case c.SupersededBy != "":
		return "superseded"
	}
	return "active"
}

// StandingAt is where the credential stands at now: Status, except that
// an active credential past its validUntil is "expired". Expiry is never a
// suspension: a verifier reads it from the credential's validUntil, and
// only the board's staff suspend, with a reason.
func (c *IssuedCredential) StandingAt(now time.Time) string {
	if st := c.Status(); st != "active" {
		return st
	}
	if c.Expired(now) {
		return "expired"
	}
	return "active"
}

// Expired says whether the credential is past its validUntil at now (one
// without an end never is).
func (c *IssuedCredential) Expired(now time.Time) bool {
	return !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil)
}
