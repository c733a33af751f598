package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
)

// trustReads is what the trust use cases read outside a transaction.
type trustReads interface {
	TrustedIssuers(ctx context.Context) ([]*TrustedIssuer, error)
}

// trustWrites is what the trust use cases write in their transaction.
type trustWrites interface {
	AddTrustedIssuer(ctx context.Context, t TrustedIssuer) error
	RemoveTrustedIssuer(ctx context.Context, did string) (*TrustedIssuer, error)
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// TrustedIssuer is one entry of the board's trust list: an issuer's DID and
// the name the board gives it, with a note for admins.
type TrustedIssuer struct {
	DID  string
	Name string
	// Note is for admins (how the DID was confirmed, say); never public.
	Note string
	// AddedBy is the admin's account; AddedByName is read from it.
	AddedBy     int64
	AddedByName string
	AddedAt     time.Time
}
