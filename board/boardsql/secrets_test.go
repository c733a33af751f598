package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/seal"
)

// resetLink is a live link of the kind a mail body carries.
const resetLink = "https://board.example/reset?token=Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM"

// outboxRow is the whole outbox row of a message as the database holds it.
func outboxRow(t *testing.T, s *Store, id int64) string {
	t.Helper()
	var to, subject, body, created, next string
	var sealed, sent sql.NullString
	err := s.DB.QueryRow(s.Dialect.Rebind(
		"SELECT to_addr, subject, body, sealed_body, CAST(created_at AS TEXT), CAST(next_attempt_at AS TEXT), CAST(sent_at AS TEXT) FROM outbox WHERE id = ?"), id).
		Scan(&to, &subject, &body, &sealed, &created, &next, &sent)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{to, subject, body, sealed.String, created, next, sent.String}, "|")
}

func queueMail(t *testing.T, s *Store, m Mail) int64 {
	t.Helper()
	var id int64
	err := s.InTx(context.Background(), func(tx *Tx) error {
		var err error
		id, err = tx.EnqueueMail(context.Background(), m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// migrateBefore applies the migrations before the one that sealed mail and
// added audit checkpoints: a database as an older certboard left it.
func migrateBefore(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.DB.MigrateTo(context.Background(), Migrations, secretsMigration-1); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeSealsQueuedMailAndAnchorsTheLog: a live database of an older
// version, with plain mail bodies (sent and unsent) and an audit log
// without checkpoints, keeps working after the migration: sent bodies are
// dropped, unsent ones sealed and still delivered, and the log anchored
// where it was, so that a later truncation is caught.
func TestUpgradeSealsQueuedMailAndAnchorsTheLog(t *testing.T) {
	for name, s := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			migrateBefore(t, s)
			now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			var sentID, queuedID int64
			for i, sent := range []bool{true, false} {
				var id int64
				err := s.DB.QueryRow(s.Dialect.Rebind("INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?) RETURNING id"),
					fmt.Sprintf("user%d@example.org", i), "Verify your e-mail address", "Open "+resetLink, s.timeArg(now), s.timeArg(now)).Scan(&id)
				if err != nil {
					t.Fatal(err)
				}
				if sent {
					sentID = id
					if _, err := s.DB.Exec(s.Dialect.Rebind("UPDATE outbox SET sent_at = ? WHERE id = ?"), s.timeArg(now), id); err != nil {
						t.Fatal(err)
					}
				} else {
					queuedID = id
				}
			}
			// Three entries written the old way, without checkpoints.
			var prev *audit.Entry
			for i := range 3 {
				e := audit.Seal(audit.Entry{At: now.Add(time.Duration(i) * time.Second), Actor: "staff", Action: "old", Subject: fmt.Sprint(i)}, prev)
				if _, err := s.DB.Exec(s.Dialect.Rebind("INSERT INTO audit_log (seq, at, actor, action, subject, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, '', '', ?, ?)"),
					e.Seq, s.timeArg(e.At), e.Actor, e.Action, e.Subject, e.PrevHash, e.Hash); err != nil {
					t.Fatal(err)
				}
				prev = &e
			}

			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if row := outboxRow(t, s, sentID); strings.Contains(row, "token=") {
				t.Fatalf("a sent mail keeps its body after the upgrade: %s", row)
			}
			if row := outboxRow(t, s, queuedID); strings.Contains(row, "token=") {
				t.Fatalf("a queued mail is still in plain text after the upgrade: %s", row)
			}
			due, err := s.DueMail(ctx, now, 10)
			if err != nil || len(due) != 1 || due[0].ID != queuedID || due[0].Body != "Open "+resetLink {
				t.Fatalf("the queued mail after the upgrade: %+v %v", due, err)
			}
			if n, err := s.VerifyAudit(ctx); err != nil || n != 3 {
				t.Fatalf("the old log after the upgrade: %d %v", n, err)
			}
			appendN(t, s, 1)
			if _, err := s.DB.Exec("DELETE FROM audit_log WHERE seq >= 3"); err != nil {
				t.Fatal(err)
			}
			var be *audit.BrokenError
			if _, err := s.VerifyAudit(ctx); !errors.As(err, &be) || be.Seq != 3 {
				t.Fatalf("truncated after the upgrade: %v", err)
			}
		})
	}
}

// TestAuditTailIsAnchored: every way of cutting or padding the log that a
// chain alone misses is caught by the checkpoint, and a log that fails its
// checkpoint takes no new entry until an operator anchors it again.
func TestAuditTailIsAnchored(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tamper  func(t *testing.T, s *Store)
		wantSeq int64 // the break VerifyAudit reports; 0: a checkpoint error
	}{
		{"intact", func(*testing.T, *Store) {}, -1},
		{"last two entries deleted", func(t *testing.T, s *Store) { exec(t, s, "DELETE FROM audit_log WHERE seq > 3") }, 4},
		{"every entry deleted", func(t *testing.T, s *Store) { exec(t, s, "DELETE FROM audit_log") }, 1},
		{"last entries and the checkpoint deleted", func(t *testing.T, s *Store) {
			exec(t, s, "DELETE FROM audit_log WHERE seq > 3")
			exec(t, s, "DELETE FROM audit_checkpoint")
		}, 0},
		{"checkpoint rewritten to the shortened log", func(t *testing.T, s *Store) {
			var hash string
			if err := s.DB.QueryRow("SELECT hash FROM audit_log WHERE seq = 3").Scan(&hash); err != nil {
				t.Fatal(err)
			}
			exec(t, s, "DELETE FROM audit_log WHERE seq > 3")
			exec(t, s, s.Dialect.Rebind("UPDATE audit_checkpoint SET count = 3, head = ?"), hash)
		}, 0},
		{"an entry added outside certboard", func(t *testing.T, s *Store) {
			log, err := s.AuditLog(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			e := audit.Seal(audit.Entry{At: log[4].At.Add(time.Second), Actor: "mallory", Action: "forged", Subject: "x"}, &log[4])
			exec(t, s, s.Dialect.Rebind("INSERT INTO audit_log (seq, at, actor, action, subject, before, after, prev_hash, hash) VALUES (?, ?, ?, ?, ?, '', '', ?, ?)"),
				e.Seq, s.timeArg(e.At), e.Actor, e.Action, e.Subject, e.PrevHash, e.Hash)
		}, 6},
		{"an entry edited", func(t *testing.T, s *Store) {
			exec(t, s, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, s := range migrated(t) {
				t.Run(name, func(t *testing.T) {
					ctx := context.Background()
					appendN(t, s, 5)
					tc.tamper(t, s)
					_, err := s.VerifyAudit(ctx)
					var be *audit.BrokenError
					var ce *audit.CheckpointError
					switch {
					case tc.wantSeq == -1 && err != nil:
						t.Fatalf("an intact log fails: %v", err)
					case tc.wantSeq == 0 && !errors.As(err, &ce):
						t.Fatalf("VerifyAudit: %v, want a checkpoint error", err)
					case tc.wantSeq > 0 && (!errors.As(err, &be) || be.Seq != tc.wantSeq):
						t.Fatalf("VerifyAudit: %v, want a break at entry %d", err, tc.wantSeq)
					}
					if tc.wantSeq == -1 || tc.name == "an entry edited" {
						// An edit in the middle does not stop the log (the
						// chain shows it); only a changed end does.
						appendN(t, s, 1)
						return
					}
					// The next change cannot sign the shortened log.
					tx, err := s.Begin(ctx)
					if err != nil {
						t.Fatal(err)
					}
					_, err = tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "staff", Action: "next", Subject: "x"})
					tx.Rollback()
					if !errors.Is(err, ErrAuditTampered) {
						t.Fatalf("AppendAudit on a tampered log: %v, want ErrAuditTampered", err)
					}
					if err := s.CheckAuditHead(ctx); !errors.Is(err, ErrAuditTampered) {
						t.Fatalf("CheckAuditHead: %v", err)
					}
					// An operator resumes it; the break stays on record.
					e, err := s.AnchorAudit(ctx, "operator", "restored what could be; see incident 12", time.Now())
					if err != nil {
						t.Fatal(err)
					}
					if e.Action != "audit.anchor" || !strings.Contains(e.Before, "checkpoint of ") && !strings.Contains(e.Before, "no checkpoint") {
						t.Fatalf("anchor entry: %+v", e)
					}
					if _, err := s.VerifyAudit(ctx); err != nil {
						t.Fatalf("after anchoring: %v", err)
					}
					appendN(t, s, 1)
				})
			}
		})
	}
}

func exec(t *testing.T, s *Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointKeptOutside: a checkpoint saved outside the database
// catches a truncation that also rolled the board's own checkpoint back;
// one not signed by the board's keys is refused.
func TestCheckpointKeptOutside(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			appendN(t, s, 3)
			at3, err := s.AuditCheckpoint(ctx)
			if err != nil || at3.Count != 3 || at3.PublicKey == "" {
				t.Fatalf("checkpoint: %+v %v", at3, err)
			}
			// An attacker keeps a copy of the row now...
			var row [5]any
			if err := s.DB.QueryRow("SELECT count, head, at, key_id, signature FROM audit_checkpoint").Scan(&row[0], &row[1], &row[2], &row[3], &row[4]); err != nil {
				t.Fatal(err)
			}
			appendN(t, s, 2)
			at5, _ := s.AuditCheckpoint(ctx)
			for _, c := range []audit.Checkpoint{at3, at5} {
				if err := s.VerifyAuditAgainst(ctx, c); err != nil {
					t.Fatalf("against the checkpoint of %d: %v", c.Count, err)
				}
			}
			// ...and later deletes the last two entries and puts it back.
			exec(t, s, "DELETE FROM audit_log WHERE seq > 3")
			exec(t, s, s.Dialect.Rebind("UPDATE audit_checkpoint SET count = ?, head = ?, at = ?, key_id = ?, signature = ?"), row[:]...)
			if _, err := s.VerifyAudit(ctx); err != nil {
				t.Fatalf("the rolled-back log fools the database's own checkpoint, as expected of it: %v", err)
			}
			var be *audit.BrokenError
			if err := s.VerifyAuditAgainst(ctx, at5); !errors.As(err, &be) || be.Seq != 4 {
				t.Fatalf("against the checkpoint kept outside: %v, want a break at entry 4", err)
			}
			// A checkpoint signed by another key, or altered, is refused.
			var ce *audit.CheckpointError
			forged := at3
			forged.Count = 2
			if err := s.VerifyAuditAgainst(ctx, forged); !errors.As(err, &ce) {
				t.Fatalf("an altered checkpoint: %v", err)
			}
			other := New(s.DB, testKeys(t))
			if err := other.VerifyAuditAgainst(ctx, at3); !errors.As(err, &ce) {
				t.Fatalf("a checkpoint of another board's key: %v", err)
			}
		})
	}
}

// TestSecretKeyRotation: after a new encryption key is added, everything
// sealed under the old one still opens and the audit checkpoint still
// verifies; after ResealAll, the old key is needed for none of it.
func TestSecretKeyRotation(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			oldKey, newKey := seal.Generate(), seal.Generate()
			before, _ := seal.New(oldKey)
			s = New(s.DB, before)
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			uid, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.EnableTOTP(ctx, uid, "JBSWY3DPEHPK3PXP", at); err != nil {
				t.Fatal(err)
			}
			var appID int64
			err = s.InTx(ctx, func(tx *Tx) error {
				if appID, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "submitted", Portfolio: []byte(`{"p":1}`), CreatedAt: at}); err != nil {
					return err
				}
				if err := tx.FreezeSnapshot(ctx, appID, []byte(`{"s":1}`), "2025.T.1", at); err != nil {
					return err
				}
				return tx.AddCredential(ctx, IssuedCredential{ID: "c1", ApplicationID: appID, HolderID: uid, SetID: "aasect-cst", SetVersion: "2025.T.1",
					Document: []byte(`{"id":"c1"}`), JWT: "a.b.c", IssuedAt: at, RevocationList: "r", RevocationIndex: 1, SuspensionList: "s", SuspensionIndex: 1})
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.NewSigningKey(ctx, nil, at); err != nil {
				t.Fatal(err)
			}
			mailID := queueMail(t, s, Mail{To: "holder@example.org", Subject: "Reset", Body: resetLink, CreatedAt: at})
			appendN(t, s, 2)

			check := func(t *testing.T, s *Store) {
				t.Helper()
				a, err := s.Application(ctx, appID)
				if err != nil || string(a.Portfolio) != `{"p":1}` || string(a.Snapshot) != `{"s":1}` {
					t.Fatalf("application: %+v %v", a, err)
				}
				c, err := s.Credential(ctx, "c1")
				if err != nil || string(c.Document) != `{"id":"c1"}` || c.JWT != "a.b.c" {
					t.Fatalf("credential: %+v %v", c, err)
				}
				if tf, err := s.TOTP(ctx, uid); err != nil || tf.Secret != "JBSWY3DPEHPK3PXP" {
					t.Fatalf("two-factor secret: %+v %v", tf, err)
				}
				if k, err := s.CurrentSigningKey(ctx); err != nil || k.Private == nil {
					t.Fatalf("signing key: %v", err)
				}
				due, err := s.DueMail(ctx, at, 10)
				if err != nil || len(due) != 1 || due[0].ID != mailID || due[0].Body != resetLink || due[0].Unreadable != nil {
					t.Fatalf("mail: %+v %v", due, err)
				}
				if _, err := s.VerifyAudit(ctx); err != nil {
					t.Fatalf("audit: %v", err)
				}
			}
			rotated, _ := seal.New(oldKey, newKey)
			s = New(s.DB, rotated)
			check(t, s)
			appendN(t, s, 1) // the checkpoint of the old key is accepted, the new one signs

			counts, err := s.ResealAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range counts {
				got[c.Column] = c.Count
			}
			want := map[string]int{"applications.portfolio": 1, "applications.snapshot": 1, "credentials.document": 1, "credentials.jwt": 1,
				"signing_keys.private_key": 1, "users.totp_secret": 1, "outbox.sealed_body": 1, "licence_index": 0, "audit_checkpoint": 0}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("resealed %v, want %v", got, want)
			}
			if again, err := s.ResealAll(ctx); err != nil || again[0].Count != 0 {
				t.Fatalf("a second reseal: %v %v", again, err)
			}
			onlyNew, _ := seal.New(newKey)
			check(t, New(s.DB, onlyNew))
		})
	}
}

// TestResealSignsTheCheckpointAgain: a checkpoint signed under the old key
// is signed again under the new one.
func TestResealSignsTheCheckpointAgain(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			oldKey := seal.Generate()
			k1, _ := seal.New(oldKey)
			s = New(s.DB, k1)
			appendN(t, s, 2)
			k2, _ := seal.New(oldKey, seal.Generate())
			s = New(s.DB, k2)
			counts, err := s.ResealAll(ctx)
			if err != nil || counts[len(counts)-1].Count != 1 {
				t.Fatalf("%v %v", counts, err)
			}
			cp, _ := s.AuditCheckpoint(ctx)
			if cp.Key != k2.Current() {
				t.Fatalf("checkpoint key %s, want %s", cp.Key, k2.Current())
			}
		})
	}
}

func TestDataFilesAreOwnerOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	check := func(t *testing.T) {
		t.Helper()
		for name, want := range map[string]os.FileMode{"": 0o700, "certboard.db": 0o600, "certboard.db-wal": 0o600, "certboard.db-shm": 0o600} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s: mode %04o, want %04o", filepath.Join("data", name), fi.Mode().Perm(), want)
			}
		}
	}
	keys := testKeys(t)
	s, err := Open(ctx, Config{DataDir: dir, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	appendN(t, s, 1)
	check(t)
	s.Close()
	// A directory and files left readable by others (by an older version,
	// or by hand) are narrowed at the next start.
	for name, mode := range map[string]os.FileMode{"": 0o755, "certboard.db": 0o644} {
		if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(ctx, Config{DataDir: dir, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appendN(t, s, 1)
	check(t)
}

// TestVerifyAuditWhileAppending: verifying a live log never takes an entry
// appended between reading the log and reading its checkpoint for a
// truncation.
func TestVerifyAuditWhileAppending(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			appendN(t, s, 1)
			done := make(chan error, 1)
			go func() {
				for i := range 60 {
					err := s.InTx(ctx, func(tx *Tx) error {
						_, err := tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "staff", Action: "busy", Subject: fmt.Sprint(i)})
						return err
					})
					if err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			for {
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
					if _, err := s.VerifyAudit(ctx); err != nil {
						t.Fatalf("after the appends: %v", err)
					}
					return
				default:
				}
				if _, err := s.VerifyAudit(ctx); err != nil {
					t.Fatalf("verifying while entries are appended: %v", err)
				}
			}
		})
	}
}
