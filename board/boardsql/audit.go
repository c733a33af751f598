package boardsql

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/audit/auditsql"
)

// The board's audit log is package auditsql over the board's database; the
// methods below are its part of the store.

// ErrAuditTampered is wrapped by the error AppendAudit returns when the log
// does not end at its last signed checkpoint (it is auditsql.ErrTampered).
var ErrAuditTampered = auditsql.ErrTampered

// AppendAudit adds an entry to the hash-chained audit log inside tx, which
// must be the transaction that makes the change it records, and signs a new
// checkpoint of the log in the same transaction; it refuses, wrapping
// ErrAuditTampered, when the log does not end at its last signed
// checkpoint (see auditsql.Log.Append).
func (tx *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	return tx.s.audit.Append(ctx, tx.Tx, e)
}

// CheckAuditHead checks, cheaply, that the log ends at its last signed
// checkpoint, which AppendAudit requires: for a warning at start (see
// auditsql.Log.CheckHead).
func (s *Store) CheckAuditHead(ctx context.Context) error { return s.audit.CheckHead(ctx) }

// AuditCheckpoint returns the board's last signed checkpoint of the audit
// log (ErrNotFound before the first entry), to publish or keep outside.
func (s *Store) AuditCheckpoint(ctx context.Context) (audit.Checkpoint, error) {
	return s.audit.Checkpoint(ctx)
}

// AuditLog returns the whole log in order.
func (s *Store) AuditLog(ctx context.Context) ([]audit.Entry, error) { return s.audit.Entries(ctx) }

// VerifyAudit reads the log and checks its chain, and that it ends exactly
// at the board's last checkpoint under a valid signature; it returns the
// number of entries (see auditsql.Log.Verify).
func (s *Store) VerifyAudit(ctx context.Context) (int, error) { return s.audit.Verify(ctx) }

// VerifyAuditAgainst checks the log against a checkpoint kept outside the
// database (see auditsql.Log.VerifyAgainst).
func (s *Store) VerifyAuditAgainst(ctx context.Context, cp audit.Checkpoint) error {
	return s.audit.VerifyAgainst(ctx, cp)
}

// AnchorAudit resumes a log that AppendAudit refuses, or one that has no
// checkpoint, with an "audit.anchor" entry that records why (see
// auditsql.Log.Anchor).
func (s *Store) AnchorAudit(ctx context.Context, actor, reason string, at time.Time) (audit.Entry, error) {
	return s.audit.Anchor(ctx, actor, reason, at)
}

// timeArg stores times as fixed-width text in SQLite and as timestamptz in
// PostgreSQL, to the microsecond both keep (see sqldb.Dialect.Time).
func (s *Store) timeArg(t time.Time) any { return s.Dialect.Time(t) }
