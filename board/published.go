package board

import (
	"context"

	"github.com/certboard/certboard/audit"
)

// publishedReads is what the board publishes for verifiers reads: its
// keys (the DID document), its status lists and its audit checkpoint.
type publishedReads interface {
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	CurrentSigningKey(ctx context.Context) (*SigningKey, error)
	SetStatusBits(ctx context.Context, purpose, list string) ([]int, error)
	AuditCheckpoint(ctx context.Context) (audit.Checkpoint, error)
	TrustedIssuers(ctx context.Context) ([]*TrustedIssuer, error)
	Credential(ctx context.Context, id string) (*IssuedCredential, error)
}
