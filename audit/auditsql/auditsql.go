// Package auditsql keeps the hash-chained audit log (package audit) in a
// mode's database: appending an entry in the transaction of the change it
// records, the signed checkpoint written with every entry, verifying the
// chain against that checkpoint or one kept outside, and resuming a log
// that was cut short. The tables (audit_log, audit_checkpoint) are created
// by the migrations of the mode that owns the database; the package works
// over any sqldb database that has them. The checkpoint signing keys are
// derived from the mode's encryption keyring and never stored, so that
// someone who can write to the database cannot sign a checkpoint.
package auditsql

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// Log is the audit log of one database, with the keyring its checkpoints
// are signed with. A mode keeps one Log per database and shares it between
// everything that appends, so that the checkpoint it signed last is known
// to all of them.
type Log struct {
	db   *sqldb.DB
	keys *seal.Keyring
	// last is the checkpoint this log signed last: one read back unchanged
	// needs no signature check.
	last atomic.Pointer[audit.Checkpoint]
	// signers caches the checkpoint signing keys derived from the keyring,
	// by key id.
	signers sync.Map
}

// New is the audit log of db, its checkpoints signed with keys derived
// from keys (nil: every method that signs or verifies fails with
// ErrNoKeys).
func New(db *sqldb.DB, keys *seal.Keyring) *Log {
	return &Log{db: db, keys: keys}
}

// ErrNoKeys is returned by the methods that sign or verify a checkpoint
// when the log has no keyring.
var ErrNoKeys = sqldb.ErrNoKeys

// ErrTampered is wrapped by the error Append returns when the log does not
// end at its last signed checkpoint.
var ErrTampered = errors.New("the audit log does not end where its last signed checkpoint says")

// purpose is the purpose of the checkpoint signing keys, derived from the
// encryption keyring (seal.Keyring.Signer).
const purpose = "audit checkpoints"

// Querier is what both the database and a transaction offer for reading
// and writing the log.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Append adds an entry to the log inside tx, which must be the transaction
// that makes the change it records, and signs a new checkpoint of the log
// (its length and last hash) in the same transaction. Appends are
// serialised: SQLite transactions take the write lock at begin, and on
// PostgreSQL the log is locked for the rest of the transaction.
//
// Before appending it checks that the log still ends where its last signed
// checkpoint says: when entries were deleted from its end (or the
// checkpoint was altered) it refuses with an error wrapping ErrTampered,
// so that the next change cannot paper over the gap by signing the
// shortened log. Nothing is written until that is resolved (see Anchor).
func (l *Log) Append(ctx context.Context, tx *sqldb.Tx, e audit.Entry) (audit.Entry, error) {
	return l.append(ctx, tx, e, true)
}

func (l *Log) append(ctx context.Context, tx *sqldb.Tx, e audit.Entry, guard bool) (audit.Entry, error) {
	if l.keys == nil {
		return e, ErrNoKeys
	}
	if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
		return e, err
	}
	prev, err := l.lastEntry(ctx, tx)
	if err != nil {
		return e, err
	}
	if guard {
		if err := l.checkHead(ctx, tx, prev); err != nil {
			return e, err
		}
	}
	if e.At.IsZero() {
		return e, errors.New("audit entry without a time")
	}
	e.At = e.At.UTC().Truncate(time.Microsecond) // what both engines store exactly
	e = audit.Seal(e, prev)
	d := l.db.Dialect
	_, err = tx.ExecContext(ctx, d.Rebind(
		"INSERT INTO audit_log (seq, at, actor, action, subject, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		e.Seq, d.Time(e.At), e.Actor, e.Action, e.Subject, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("writing the audit log: %w", err)
	}
	if err := l.writeCheckpoint(ctx, tx, e.Seq, e.Hash, e.At); err != nil {
		return e, err
	}
	return e, nil
}

// lastEntry returns the last entry of the log, nil when it is empty.
func (l *Log) lastEntry(ctx context.Context, q Querier) (*audit.Entry, error) {
	last, err := scanEntry(q.QueryRowContext(ctx,
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
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
func (l *Log) checkHead(ctx context.Context, q Querier, last *audit.Entry) error {
	count, head := int64(0), audit.Genesis
	if last != nil {
		count, head = last.Seq, last.Hash
	}
	cp, err := l.readCheckpoint(ctx, q)
	switch {
	case errors.Is(err, sqldb.ErrNotFound) && last == nil:
		return nil // a new log: its first entry anchors it
	case errors.Is(err, sqldb.ErrNotFound):
		return fmt.Errorf("%w: the log has %d entries and no checkpoint (it was deleted); nothing more is written to the log until this is resolved: run certboard audit verify", ErrTampered, count)
	case err != nil:
		return err
	}
	if cp.Count != count || cp.Head != head {
		return fmt.Errorf("%w: the checkpoint signed at %s covers %d entries ending in %.12s…, but the log ends at entry %d (%.12s…); nothing more is written to the log until this is resolved: run certboard audit verify",
			ErrTampered, cp.At.Format(time.RFC3339), cp.Count, cp.Head, count, head)
	}
	if err := l.verifyCheckpoint(cp); err != nil {
		return fmt.Errorf("%w: %v", ErrTampered, err)
	}
	return nil
}

// CheckHead checks, cheaply, that the log ends at its last signed
// checkpoint, which Append requires: for a warning at start. Unlike Verify
// it does not read or check the whole chain.
func (l *Log) CheckHead(ctx context.Context) error {
	if l.keys == nil {
		return ErrNoKeys
	}
	last, err := l.lastEntry(ctx, l.db)
	if err != nil {
		return err
	}
	return l.checkHead(ctx, l.db, last)
}

// verifyCheckpoint checks a checkpoint's signature with the key it names,
// derived from the keyring: a checkpoint this log signed (the last one,
// remembered) needs no new check.
func (l *Log) verifyCheckpoint(cp audit.Checkpoint) error {
	if last := l.last.Load(); last != nil && last.Signature == cp.Signature && string(last.Message()) == string(cp.Message()) {
		return nil
	}
	priv, ok := l.signer(cp.Key)
	if !ok {
		return &audit.CheckpointError{Reason: fmt.Sprintf("the checkpoint of %d entries is signed by key %s, which is not in the encryption keyring (keys must never be removed from it)", cp.Count, cp.Key)}
	}
	return cp.VerifySignature(priv.Public().(ed25519.PublicKey))
}

// signer returns the checkpoint key derived from the keyring's key id,
// derived once per log.
func (l *Log) signer(id string) (ed25519.PrivateKey, bool) {
	if k, ok := l.signers.Load(id); ok {
		return k.(ed25519.PrivateKey), true
	}
	priv, ok := l.keys.Signer(id, purpose)
	if ok {
		l.signers.Store(id, priv)
	}
	return priv, ok
}

// writeCheckpoint signs the checkpoint of a log of count entries ending in
// head with the keyring's newest key and stores it in place of the last.
func (l *Log) writeCheckpoint(ctx context.Context, q Querier, count int64, head string, at time.Time) error {
	id := l.keys.Current()
	priv, _ := l.signer(id)
	cp := audit.SignCheckpoint(count, head, at, id, priv)
	d := l.db.Dialect
	_, err := q.ExecContext(ctx, d.Rebind(`INSERT INTO audit_checkpoint (id, count, head, at, key_id, signature) VALUES (1, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET count = excluded.count, head = excluded.head, at = excluded.at, key_id = excluded.key_id, signature = excluded.signature`),
		cp.Count, cp.Head, d.Time(cp.At), cp.Key, cp.Signature)
	if err != nil {
		return fmt.Errorf("writing the audit checkpoint: %w", err)
	}
	l.last.Store(&cp)
	return nil
}

// readCheckpoint reads the log's last checkpoint (sqldb.ErrNotFound when
// there is none), with the public half of its key when the keyring holds
// it.
func (l *Log) readCheckpoint(ctx context.Context, q Querier) (audit.Checkpoint, error) {
	var cp audit.Checkpoint
	var at any
	err := q.QueryRowContext(ctx, "SELECT count, head, at, key_id, signature FROM audit_checkpoint WHERE id = 1").
		Scan(&cp.Count, &cp.Head, &at, &cp.Key, &cp.Signature)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, sqldb.ErrNotFound
	}
	if err != nil {
		return cp, fmt.Errorf("reading the audit checkpoint: %w", err)
	}
	if cp.At, err = sqldb.ScanTime(at); err != nil {
		return cp, fmt.Errorf("the audit checkpoint: %w", err)
	}
	if l.keys != nil {
		if priv, ok := l.signer(cp.Key); ok {
			cp.PublicKey = base64.RawURLEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
		}
	}
	return cp, nil
}

// Checkpoint returns the log's last signed checkpoint (sqldb.ErrNotFound
// before the first entry), to publish or keep outside.
func (l *Log) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	return l.readCheckpoint(ctx, l.db)
}

// Entries returns the whole log in order.
func (l *Log) Entries(ctx context.Context) ([]audit.Entry, error) {
	return l.entries(ctx, l.db)
}

// entries reads the whole log through q (the database or a transaction).
func (l *Log) entries(ctx context.Context, q Querier) ([]audit.Entry, error) {
	rows, err := q.QueryContext(ctx,
		"SELECT seq, at, actor, action, subject, before, after, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var es []audit.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// Verify reads the log and checks its chain, and that it ends exactly at
// its last checkpoint under a valid signature: so an edited entry, a
// deleted one, entries deleted from the end and entries added outside
// certboard all fail. It returns the number of entries. A broken chain or
// a log that does not reach its checkpoint is an *audit.BrokenError; a
// missing or forged checkpoint an *audit.CheckpointError.
func (l *Log) Verify(ctx context.Context) (int, error) {
	es, cp, err := l.snapshot(ctx)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return len(es), err
	}
	if err := audit.Verify(es); err != nil {
		return len(es), err
	}
	if l.keys == nil {
		return len(es), ErrNoKeys
	}
	if errors.Is(err, sqldb.ErrNotFound) {
		if len(es) == 0 {
			return 0, nil
		}
		return len(es), &audit.CheckpointError{Reason: fmt.Sprintf("the log has %d entries but no checkpoint: it was deleted, or never written (see certboard audit anchor)", len(es))}
	}
	if err := l.verifyCheckpoint(cp); err != nil {
		return len(es), err
	}
	return len(es), audit.Reaches(es, cp, true)
}

// snapshot reads the log and its checkpoint as of one moment, so that an
// entry appended on a live server between the two reads is not taken for
// a truncation: on PostgreSQL the log is held in SHARE mode (appends hold
// it EXCLUSIVE, so they wait), and SQLite has one writer at a time. A
// missing checkpoint is sqldb.ErrNotFound, with the log read.
func (l *Log) snapshot(ctx context.Context) (es []audit.Entry, cp audit.Checkpoint, err error) {
	var cpErr error
	err = l.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Share); err != nil {
			return err
		}
		var err error
		if es, err = l.entries(ctx, tx); err != nil {
			return err
		}
		cp, cpErr = l.readCheckpoint(ctx, tx)
		if errors.Is(cpErr, sqldb.ErrNotFound) {
			return nil
		}
		return cpErr
	})
	if err != nil {
		return es, cp, err
	}
	return es, cp, cpErr
}

// VerifyAgainst checks the log against a checkpoint kept outside the
// database (published, or written by certboard audit checkpoint): its
// signature must verify with a key of the keyring, and the log, whose
// chain must be intact, must reach it (it may have grown since). This
// catches a truncation that also rolled the database's own checkpoint
// back.
func (l *Log) VerifyAgainst(ctx context.Context, cp audit.Checkpoint) error {
	if l.keys == nil {
		return ErrNoKeys
	}
	if err := l.verifyCheckpoint(cp); err != nil {
		return err
	}
	es, err := l.Entries(ctx)
	if err != nil {
		return err
	}
	if err := audit.Verify(es); err != nil {
		return err
	}
	return audit.Reaches(es, cp, false)
}

// Anchor resumes a log that Append refuses (it does not end at its
// checkpoint) or one that has none: it appends an entry, action
// "audit.anchor", that records the checkpoint it replaces and the reason
// given, and signs a checkpoint of the log as it now is. It is for an
// operator after an investigation (restoring the database from a backup is
// the better remedy); the break stays visible in the log itself.
func (l *Log) Anchor(ctx context.Context, actor, reason string, at time.Time) (audit.Entry, error) {
	var out audit.Entry
	err := l.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
			return err
		}
		before := "no checkpoint"
		cp, err := l.readCheckpoint(ctx, tx)
		switch {
		case err == nil:
			before = fmt.Sprintf("checkpoint of %d entries ending in %s, signed at %s by key %s", cp.Count, cp.Head, cp.At.Format(time.RFC3339Nano), cp.Key)
		case !errors.Is(err, sqldb.ErrNotFound):
			return err
		}
		last, err := l.lastEntry(ctx, tx)
		if err != nil {
			return err
		}
		if last != nil {
			before += fmt.Sprintf("; the log ended at entry %d (%s)", last.Seq, last.Hash)
		} else {
			before += "; the log was empty"
		}
		out, err = l.append(ctx, tx, audit.Entry{At: at, Actor: actor, Action: "audit.anchor", Subject: "audit_log", Before: before, After: reason}, false)
		return err
	})
	return out, err
}

// AnchorExisting signs the first checkpoint of a log written before
// checkpoints existed, when it has entries and no checkpoint: for the
// migration that adds the checkpoint table to a database that already
// keeps a log. Without keys it does nothing.
func (l *Log) AnchorExisting(ctx context.Context) error {
	if l.keys == nil {
		return nil
	}
	return l.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
			return err
		}
		if _, err := l.readCheckpoint(ctx, tx); !errors.Is(err, sqldb.ErrNotFound) {
			return err // nil when there is one already
		}
		last, err := l.lastEntry(ctx, tx)
		if err != nil || last == nil {
			return err
		}
		return l.writeCheckpoint(ctx, tx, last.Seq, last.Hash, last.At)
	})
}

// Resign signs the checkpoint again with the keyring's newest key, when
// it was signed with an older one and the log still ends at it, so that
// the older keys are no longer needed to verify it; it reports whether it
// did. A log that does not end at its checkpoint is refused, as by Append.
func (l *Log) Resign(ctx context.Context) (bool, error) {
	if l.keys == nil {
		return false, ErrNoKeys
	}
	done := false
	err := l.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := tx.LockTable(ctx, "audit_log", sqldb.Exclusive); err != nil {
			return err
		}
		cp, err := l.readCheckpoint(ctx, tx)
		if errors.Is(err, sqldb.ErrNotFound) || (err == nil && cp.Key == l.keys.Current()) {
			return nil
		}
		if err != nil {
			return err
		}
		last, err := l.lastEntry(ctx, tx)
		if err != nil {
			return err
		}
		if err := l.checkHead(ctx, tx, last); err != nil {
			return fmt.Errorf("the audit checkpoint is not signed again: %w", err)
		}
		done = true
		return l.writeCheckpoint(ctx, tx, cp.Count, cp.Head, cp.At)
	})
	return done, err
}

func scanEntry(r sqldb.Scanner) (audit.Entry, error) {
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
