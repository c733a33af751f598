package board

import (
	"context"

	"github.com/certboard/certboard/audit"
)

// The reads behind what the board publishes for anyone to check: its DID
// document, its status lists, its audit checkpoint, and the verification
// of credentials. They need no user.

// Ready reports whether the store answers (for a readiness probe).
func (b *Board) Ready(ctx context.Context) error { return b.store.Ping(ctx) }

// SigningKeys returns every signing key of the board, the current one
// first and retired ones after it.
func (b *Board) SigningKeys(ctx context.Context) ([]SigningKey, error) {
	return b.store.SigningKeys(ctx)
}

// CurrentSigningKey returns the key the board signs with now, or an error
// wrapping certboard.ErrNotFound before the first key is made.
func (b *Board) CurrentSigningKey(ctx context.Context) (*SigningKey, error) {
	return b.store.CurrentSigningKey(ctx)
}

// StatusBits returns the status-list indexes of the status list list that
// are set for purpose (the revoked or suspended credentials).
func (b *Board) StatusBits(ctx context.Context, purpose, list string) ([]int, error) {
	return b.store.SetStatusBits(ctx, purpose, list)
}

// AuditCheckpoint returns the last signed checkpoint of the audit log, or
// an error wrapping certboard.ErrNotFound while the log is empty.
func (b *Board) AuditCheckpoint(ctx context.Context) (audit.Checkpoint, error) {
	return b.store.AuditCheckpoint(ctx)
}

// TrustList returns the board's trust list, for verifying credentials
// (TrustedIssuers is the admins' list, notes included, to edit it). Only
// each entry's DID and name are for the public.
func (b *Board) TrustList(ctx context.Context) ([]*TrustedIssuer, error) {
	return b.store.TrustedIssuers(ctx)
}

// CredentialRecord returns the board's record of credential id, for a
// verifier checking a credential the board signed, or an error wrapping
// certboard.ErrNotFound.
func (b *Board) CredentialRecord(ctx context.Context, id string) (*IssuedCredential, error) {
	return b.store.Credential(ctx, id)
}
