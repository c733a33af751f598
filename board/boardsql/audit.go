package boardsql

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/sqldb"
)

// AppendAudit adds an entry to the hash-chained audit log inside tx, which
// must be the transaction that makes the change it records, and signs a new
// checkpoint of the log (its length and last hash) in the same
// transaction. Appends are serialised: SQLite transactions take the write
// lock at begin, and on PostgreSQL the log is locked for the rest of the
// transaction.
//
// Before appending it checks that the log still ends where its last signed
// checkpoint says: when entries were deleted from its end (or the
// checkpoint was altered) it refuses with an error wrapping
// ErrAuditTampered, so that the next change cannot paper over the gap by
// signing the shortened log. Nothing is written until that is resolved (see
// AnchorAudit).
func (tx *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	return tx.appendAudit(ctx, e, true)
}

// ErrAuditTampered is wrapped by the error AppendAudit returns when the log
// does not end at its last signed checkpoint.
var ErrAuditTampered = errors.New("the audit log does not end where its last signed checkpoint says")

// auditPurpose is the purpose of the checkpoint signing keys, derived from
// the encryption keyring (seal.Keyring.Signer): never stored, so that
// someone who can write to the database cannot sign a checkpoint.
const auditPurpose = "audit checkpoints"

func (tx *Tx) appendAudit(ctx context.Context, e audit.Entry, guard bool) (audit.Entry, error) {
	s := tx.s
	if s.keys == nil {
		return e, errNoKeys
	}
	if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
		return e, err
	}
	prev, err := s.lastAudit(ctx, tx)
	if err != nil {
		return e, err
	}
	if guard {
		if err := s.checkHead(ctx, tx, prev); err != nil {
			return e, err
		}
	}
	if e.At.IsZero() {
		return e, errors.New("audit entry without a time")
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // what both engines store exactly
	e = audit.Seal(e, prev)
	_, err = tx.ExecContext(ctx, s.Dialect.Rebind(
		"INSERT INTO audit_log (seq, at, actor, action, subject, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		e.Seq, s.timeArg(e.At), e.Actor, e.Action, e.Subject, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("writing the audit log: %w", err)
	}
	if err := s.writeCheckpoint(ctx, tx, e.Seq, e.Hash, e.At); err != nil {
		return e, err
	}
	return e, nil
}

// lastAudit returns the last entry of the log, nil when it is empty.
func (s *Store) lastAudit(ctx context.Context, q Querier) (*audit.Entry, error) {
	last, err := s.scanAudit(q.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1")))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &last, nil
}

// checkHead checks that the log ends at its last checkpoint: the same
// length and last hash, under a valid signature.
func (s *Store) checkHead(ctx context.Context, q Querier, last *audit.Entry) error {
	count, head := int64(0), audit.Genesis
	if last != nil {
		count, head = last.Seq, last.Hash
	}
	cp, err := s.readCheckpoint(ctx, q)
	switch {
	case errors.Is(err, ErrNotFound) && last == nil:
		return nil // a new log: its first entry anchors it
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("%w: the log has %d entries and no checkpoint (it was deleted); nothing more is written to the log until this is resolved: run certboard audit verify", ErrAuditTampered, count)
	case err != nil:
		return err
	}
	if cp.Count != count || cp.Head != head {
		return fmt.Errorf("%w: the checkpoint signed at %s covers %d entries ending in %.12s…, but the log ends at entry %d (%.12s…); nothing more is written to the log until this is resolved: run certboard audit verify",
			ErrAuditTampered, cp.At.Format(time.RFC3339), cp.Count, cp.Head, count, head)
	}
	if err := s.verifyCheckpoint(cp); err != nil {
		return fmt.Errorf("%w: %v", ErrAuditTampered, err)
	}
	return nil
}

// CheckAuditHead checks, cheaply, that the log ends at its last signed
// checkpoint, which AppendAudit requires: for a warning at start. Unlike
// VerifyAudit it does not read or check the whole chain.
func (s *Store) CheckAuditHead(ctx context.Context) error {
	if s.keys == nil {
		return errNoKeys
	}
	last, err := s.lastAudit(ctx, s.DB)
	if err != nil {
		return err
	}
	return s.checkHead(ctx, s.DB, last)
}

// verifyCheckpoint checks a checkpoint's signature with the key it names,
// derived from the keyring: a checkpoint this store signed (the last one,
// remembered) needs no new check.
func (s *Store) verifyCheckpoint(cp audit.Checkpoint) error {
	if last := s.lastCheckpoint.Load(); last != nil && last.Signature == cp.Signature && string(last.Message()) == string(cp.Message()) {
		return nil
	}
	priv, ok := s.auditSigner(cp.Key)
	if !ok {
		return &audit.CheckpointError{Reason: fmt.Sprintf("the checkpoint of %d entries is signed by key %s, which is not in the encryption keyring (keys must never be removed from it)", cp.Count, cp.Key)}
	}
	return cp.VerifySignature(priv.Public().(ed25519.PublicKey))
}

// auditSigner returns the checkpoint key derived from the keyring's key id,
// derived once per store.
func (s *Store) auditSigner(id string) (ed25519.PrivateKey, bool) {
	if k, ok := s.auditKeys.Load(id); ok {
		return k.(ed25519.PrivateKey), true
	}
	priv, ok := s.keys.Signer(id, auditPurpose)
	if ok {
		s.auditKeys.Store(id, priv)
	}
	return priv, ok
}

// writeCheckpoint signs the checkpoint of a log of count entries ending in
// head with the keyring's newest key and stores it in place of the last.
func (s *Store) writeCheckpoint(ctx context.Context, q Querier, count int64, head string, at time.Time) error {
	id := s.keys.Current()
	priv, _ := s.auditSigner(id)
	cp := audit.SignCheckpoint(count, head, at, id, priv)
	_, err := q.ExecContext(ctx, s.Dialect.Rebind(`INSERT INTO audit_checkpoint (id, count, head, at, key_id, signature) VALUES (1, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET count = excluded.count, head = excluded.head, at = excluded.at, key_id = excluded.key_id, signature = excluded.signature`),
		cp.Count, cp.Head, s.timeArg(cp.At), cp.Key, cp.Signature)
	if err != nil {
		return fmt.Errorf("writing the audit checkpoint: %w", err)
	}
	s.lastCheckpoint.Store(&cp)
	return nil
}

// readCheckpoint reads the board's last checkpoint (ErrNotFound when there
// is none), with the public half of its key when the keyring holds it.
func (s *Store) readCheckpoint(ctx context.Context, q Querier) (audit.Checkpoint, error) {
	var cp audit.Checkpoint
	var at any
	err := q.QueryRowContext(ctx, "SELECT count, head, at, key_id, signature FROM audit_checkpoint WHERE id = 1").
		Scan(&cp.Count, &cp.Head, &at, &cp.Key, &cp.Signature)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, ErrNotFound
	}
	if err != nil {
		return cp, fmt.Errorf("reading the audit checkpoint: %w", err)
	}
	if cp.At, err = sqldb.ScanTime(at); err != nil {
		return cp, fmt.Errorf("the audit checkpoint: %w", err)
	}
	if s.keys != nil {
		if priv, ok := s.auditSigner(cp.Key); ok {
			cp.PublicKey = base64.RawURLEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
		}
	}
	return cp, nil
}

// AuditCheckpoint returns the board's last signed checkpoint of the audit
// log (ErrNotFound before the first entry), to publish or keep outside.
func (s *Store) AuditCheckpoint(ctx context.Context) (audit.Checkpoint, error) {
	return s.readCheckpoint(ctx, s.DB)
}

// AuditLog returns the whole log in order.
func (s *Store) AuditLog(ctx context.Context) ([]audit.Entry, error) {
	return s.auditLog(ctx, s.DB)
}

// auditLog reads the whole log through q (the database or a transaction).
func (s *Store) auditLog(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]audit.Entry, error) {
	rows, err := q.QueryContext(ctx,
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var es []audit.Entry
	for rows.Next() {
		e, err := s.scanAudit(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// VerifyAudit reads the log and checks its chain, and that it ends exactly
// at the board's last checkpoint under a valid signature: so an edited
// entry, a deleted one, entries deleted from the end and entries added
// outside certboard all fail. It returns the number of entries. A broken
// chain or a log that does not reach its checkpoint is an
// *audit.BrokenError; a missing or forged checkpoint an
// *audit.CheckpointError.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	es, cp, err := s.auditSnapshot(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return len(es), err
	}
	if err := audit.Verify(es); err != nil {
		return len(es), err
	}
	if s.keys == nil {
		return len(es), errNoKeys
	}
	if errors.Is(err, ErrNotFound) {
		if len(es) == 0 {
			return 0, nil
		}
		return len(es), &audit.CheckpointError{Reason: fmt.Sprintf("the log has %d entries but no checkpoint: it was deleted, or never written (see certboard audit anchor)", len(es))}
	}
	if err := s.verifyCheckpoint(cp); err != nil {
		return len(es), err
	}
	return len(es), audit.Reaches(es, cp, true)
}

// auditSnapshot reads the log and its checkpoint as of one moment, so that
// an entry appended on a live server between the two reads is not taken
// for a truncation: on PostgreSQL the log is held in SHARE mode (appends
// hold it EXCLUSIVE, so they wait), and SQLite has one writer at a time.
// A missing checkpoint is ErrNotFound, with the log read.
func (s *Store) auditSnapshot(ctx context.Context) (es []audit.Entry, cp audit.Checkpoint, err error) {
	var cpErr error
	err = s.InTx(ctx, func(tx *Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Share); err != nil {
			return err
		}
		var err error
		if es, err = s.auditLog(ctx, tx); err != nil {
			return err
		}
		cp, cpErr = s.readCheckpoint(ctx, tx)
		if errors.Is(cpErr, ErrNotFound) {
			return nil
		}
		return cpErr
	})
	if err != nil {
		return es, cp, err
	}
	return es, cp, cpErr
}

// VerifyAuditAgainst checks the log against a checkpoint kept outside the
// database (published, or written by certboard audit checkpoint): its
// signature must verify with a key of the keyring, and the log, whose chain
// must be intact, must reach it (it may have grown since). This catches a
// truncation that also rolled the board's own checkpoint back.
func (s *Store) VerifyAuditAgainst(ctx context.Context, cp audit.Checkpoint) error {
	if s.keys == nil {
		return errNoKeys
	}
	if err := s.verifyCheckpoint(cp); err != nil {
		return err
	}
	es, err := s.AuditLog(ctx)
	if err != nil {
		return err
	}
	if err := audit.Verify(es); err != nil {
		return err
	}
	return audit.Reaches(es, cp, false)
}

// AnchorAudit resumes a log that AppendAudit refuses (it does not end at
// its checkpoint) or one that has none: it appends an entry, action
// "audit.anchor", that records the checkpoint it replaces and the reason
// given, and signs a checkpoint of the log as it now is. It is for an
// operator after an investigation (restoring the database from a backup is
// the better remedy); the break stays visible in the log itself.
func (s *Store) AnchorAudit(ctx context.Context, actor, reason string, at time.Time) (audit.Entry, error) {
	var out audit.Entry
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
			return err
		}
		before := "no checkpoint"
		cp, err := s.readCheckpoint(ctx, tx)
		switch {
		case err == nil:
			before = fmt.Sprintf("checkpoint of %d entries ending in %s, signed at %s by key %s", cp.Count, cp.Head, cp.At.Format(time.RFC3339Nano), cp.Key)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		last, err := s.lastAudit(ctx, tx)
		if err != nil {
			return err
		}
		if last != nil {
			before += fmt.Sprintf("; the log ended at entry %d (%s)", last.Seq, last.Hash)
		} else {
			before += "; the log was empty"
		}
		out, err = tx.appendAudit(ctx, audit.Entry{At: at, Actor: actor, Action: "audit.anchor", Subject: "audit_log", Before: before, After: reason}, false)
		return err
	})
	return out, err
}

// anchorExisting signs the first checkpoint of a log written before
// checkpoints existed: right after the migration that added them.
func (s *Store) anchorExisting(ctx context.Context) error {
	if s.keys == nil {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
			return err
		}
		if _, err := s.readCheckpoint(ctx, tx); !errors.Is(err, ErrNotFound) {
			return err // nil when there is one already
		}
		last, err := s.lastAudit(ctx, tx)
		if err != nil || last == nil {
			return err
		}
		return s.writeCheckpoint(ctx, tx, last.Seq, last.Hash, last.At)
	})
}

func (s *Store) scanAudit(r sqldb.Scanner) (audit.Entry, error) {
	var e audit.Entry
	var at any
	if err := r.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Subject, &e.Before, &e.After, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	t, err := sqldb.ScanTime(at)
	if err != nil {
		return e, fmt.Errorf("audit entry %d: %w", e.Seq, err)
	}
	e.At = t
	return e, nil
}

// timeArg stores times as fixed-width text in SQLite and as timestamptz in
// PostgreSQL, to the microsecond both keep (see sqldb.Dialect.Time).
func (s *Store) timeArg(t time.Time) any { return s.Dialect.Time(t) }
