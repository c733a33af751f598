package auditsql_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/audit/auditsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// practiceMigrations are practice mode's migrations, read from its folder:
// the log runs on a database that has only them.
var practiceMigrations = os.DirFS("../../practice/practicesql/migrations")

func practiceDBs(t *testing.T) map[string]*sqldb.DB {
	t.Helper()
	dbs := sqldbtest.Engines(t)
	for name, db := range dbs {
		if _, err := db.Migrate(context.Background(), practiceMigrations); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return dbs
}

func keyring(t *testing.T, raw ...[]byte) *seal.Keyring {
	t.Helper()
	k, err := seal.New(raw...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var t0 = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)

// appendN appends n entries, each in a transaction of its own, from entry
// from on.
func appendN(t *testing.T, db *sqldb.DB, l *auditsql.Log, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
			_, err := l.Append(context.Background(), tx, audit.Entry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "user/1",
				Action: "case.read", Subject: fmt.Sprintf("case/%d", i), After: "read"})
			return err
		})
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

func exec(t *testing.T, db *sqldb.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestLogOnPracticeSchema runs the audit log on a practice's database, on
// both engines: entries chained and checkpointed, verified whole and
// against a checkpoint kept outside; a log cut short refused until an
// operator anchors it; the checkpoint signed again under a new key.
func TestLogOnPracticeSchema(t *testing.T) {
	oldKey, newKey := seal.Generate(), seal.Generate()
	for name, db := range practiceDBs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			l := auditsql.New(db, keyring(t, oldKey))
			if n, err := l.Verify(ctx); err != nil || n != 0 {
				t.Fatalf("an empty log: %d %v", n, err)
			}
			if _, err := l.Checkpoint(ctx); !errors.Is(err, sqldb.ErrNotFound) {
				t.Fatalf("the checkpoint of an empty log: %v, want not found", err)
			}
			appendN(t, db, l, 1, 3)
			at3, err := l.Checkpoint(ctx)
			if err != nil || at3.Count != 3 || at3.PublicKey == "" || !at3.At.Equal(t0.Add(3*time.Minute)) {
				t.Fatalf("the checkpoint: %+v %v", at3, err)
			}
			if n, err := l.Verify(ctx); err != nil || n != 3 {
				t.Fatalf("verify: %d %v", n, err)
			}
			if err := l.CheckHead(ctx); err != nil {
				t.Fatal(err)
			}
			// Another Log over the same database and keys (another
			// instance) verifies what this one signed.
			if n, err := auditsql.New(db, keyring(t, oldKey)).Verify(ctx); err != nil || n != 3 {
				t.Fatalf("verify by another instance: %d %v", n, err)
			}
			// A log without keys appends nothing.
			err = db.InTx(ctx, func(tx *sqldb.Tx) error {
				_, err := auditsql.New(db, nil).Append(ctx, tx, audit.Entry{At: t0, Actor: "a", Action: "b", Subject: "c"})
				return err
			})
			if !errors.Is(err, auditsql.ErrNoKeys) {
				t.Fatalf("append without keys: %v", err)
			}

			// The last entry deleted: nothing more is written, and verify
			// says where.
			exec(t, db, "DELETE FROM audit_log WHERE seq = 3")
			err = db.InTx(ctx, func(tx *sqldb.Tx) error {
				_, err := l.Append(ctx, tx, audit.Entry{At: t0.Add(time.Hour), Actor: "user/1", Action: "case.read", Subject: "case/9"})
				return err
			})
			if !errors.Is(err, auditsql.ErrTampered) {
				t.Fatalf("append to a log cut short: %v, want ErrTampered", err)
			}
			if err := l.CheckHead(ctx); !errors.Is(err, auditsql.ErrTampered) {
				t.Fatalf("check head: %v", err)
			}
			var be *audit.BrokenError
			if _, err := l.Verify(ctx); !errors.As(err, &be) {
				t.Fatalf("verify a log cut short: %v, want a break", err)
			}
			// An operator anchors it: the break stays in the log.
			e, err := l.Anchor(ctx, "operator", "entry 3 lost with a disk; restored nothing", t0.Add(2*time.Hour))
			if err != nil || e.Seq != 3 || e.Action != "audit.anchor" {
				t.Fatalf("anchor: %+v %v", e, err)
			}
			appendN(t, db, l, 10, 1)
			if n, err := l.Verify(ctx); err != nil || n != 4 {
				t.Fatalf("verify after the anchor: %d %v", n, err)
			}
			// The checkpoint kept outside before the loss does not match.
			if err := l.VerifyAgainst(ctx, at3); !errors.As(err, &be) || be.Seq != 3 {
				t.Fatalf("against the checkpoint kept outside: %v, want a break at 3", err)
			}
			forged := at3
			forged.Count = 2
			var ce *audit.CheckpointError
			if err := l.VerifyAgainst(ctx, forged); !errors.As(err, &ce) {
				t.Fatalf("an altered checkpoint: %v", err)
			}

			// A new key: the checkpoint is signed again under it, and the
			// old key is then needed for none of the log.
			rotated := auditsql.New(db, keyring(t, oldKey, newKey))
			if did, err := rotated.Resign(ctx); err != nil || !did {
				t.Fatalf("resign: %v %v", did, err)
			}
			if did, err := rotated.Resign(ctx); err != nil || did {
				t.Fatalf("resign again: %v %v, want nothing to do", did, err)
			}
			if n, err := auditsql.New(db, keyring(t, newKey)).Verify(ctx); err != nil || n != 4 {
				t.Fatalf("verify with the new key alone: %d %v", n, err)
			}
			if _, err := auditsql.New(db, keyring(t, seal.Generate())).Verify(ctx); !errors.As(err, &ce) {
				t.Fatalf("verify with an unrelated key: %v, want a checkpoint error", err)
			}
		})
	}
}

// TestAnchorExisting signs the first checkpoint of a log that has entries
// and none, and leaves a checkpoint that exists alone.
func TestAnchorExisting(t *testing.T) {
	k := seal.Generate()
	for name, db := range practiceDBs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			l := auditsql.New(db, keyring(t, k))
			if err := l.AnchorExisting(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Checkpoint(ctx); !errors.Is(err, sqldb.ErrNotFound) {
				t.Fatalf("an empty log got a checkpoint: %v", err)
			}
			appendN(t, db, l, 1, 2)
			exec(t, db, "DELETE FROM audit_checkpoint")
			var ce *audit.CheckpointError
			if _, err := l.Verify(ctx); !errors.As(err, &ce) {
				t.Fatalf("verify without a checkpoint: %v", err)
			}
			if err := l.AnchorExisting(ctx); err != nil {
				t.Fatal(err)
			}
			cp, err := l.Checkpoint(ctx)
			if err != nil || cp.Count != 2 {
				t.Fatalf("the first checkpoint: %+v %v", cp, err)
			}
			if err := l.AnchorExisting(ctx); err != nil {
				t.Fatal(err)
			}
			if again, err := l.Checkpoint(ctx); err != nil || again.Signature != cp.Signature {
				t.Fatalf("a second AnchorExisting changed the checkpoint: %+v %v", again, err)
			}
			if n, err := l.Verify(ctx); err != nil || n != 2 {
				t.Fatalf("verify: %d %v", n, err)
			}
		})
	}
}
