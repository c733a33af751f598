package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// backupCLI runs the command line and returns its exit code and output.
func backupCLI(args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb, date.MustParse("2026-12-01"))
	return code, out.String() + errb.String()
}

// newPostgres creates an empty PostgreSQL database for the test, dropped
// after it, and returns its URL; "" without a reachable server outside CI.
func newPostgres(t *testing.T) string {
	t.Helper()
	dbURL, err := sqldbtest.Postgres(t)
	if err != nil {
		t.Skip(err)
	}
	return dbURL
}

// loadWrite is one write of the load: a document, then in one transaction
// an account and the audit entry that records it.
func loadWrite(ctx context.Context, st *boardsql.Store, docs *blob.Store, i int64) error {
	key := fmt.Sprintf("load/%06d", i)
	email := fmt.Sprintf("load-%06d@example.org", i)
	if err := docs.Put(ctx, key, []byte("document "+key)); err != nil {
		return err
	}
	return st.InTx(ctx, func(tx *boardsql.Tx) error {
		now := time.Now()
		if _, err := tx.CreateUser(ctx, auth.User{Email: email, Name: "Load", PasswordHash: "x", Roles: []auth.Role{auth.Applicant}, CreatedAt: now}); err != nil {
			return err
		}
		_, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: "load", Action: "test.write", Subject: key, After: email})
		return err
	})
}

// TestBackupUnderWriteLoadRestoresEveryAcknowledgedWrite takes a backup
// while writers go on, restores it into a new place and finds every write
// acknowledged before the backup began, no write torn in two, and the
// audit chain intact, on both engines.
func TestBackupUnderWriteLoadRestoresEveryAcknowledgedWrite(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			testBackupUnderLoad(t, engine)
		})
	}
}

func testBackupUnderLoad(t *testing.T, engine string) {
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	ctx := context.Background()
	root := t.TempDir()
	data, keys, files := filepath.Join(root, "data"), filepath.Join(root, "keys"), filepath.Join(root, "files")
	src := []string{"--data", data, "--keys", keys, "--files", "file://" + files}
	dst := []string{"--data", filepath.Join(root, "restored"), "--keys", filepath.Join(root, "restored-keys"), "--files", "file://" + filepath.Join(root, "restored-files")}
	opts := &storeOptions{Config: boardsql.Config{DataDir: data}, KeysDir: keys}
	restored := &storeOptions{Config: boardsql.Config{DataDir: filepath.Join(root, "restored")}, KeysDir: filepath.Join(root, "restored-keys")}
	if engine == "postgres" {
		opts.DatabaseURL, restored.DatabaseURL = newPostgres(t), newPostgres(t)
		src = append(src, "--database", opts.DatabaseURL)
		dst = append(dst, "--database", restored.DatabaseURL)
	}
	st, err := openConfigured(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{files, filepath.Join(root, "restored-files")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := blob.Open(ctx, "file://"+files, opts.Keys)
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()

	// Writers go on until the backup is over; each write acknowledged is
	// recorded once its transaction committed.
	var (
		mu     sync.Mutex
		acked  []int64
		next   atomic.Int64
		stop   = make(chan struct{})
		wg     sync.WaitGroup
		failed = make(chan error, 4)
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := next.Add(1)
				if err := loadWrite(ctx, st, docs, i); err != nil {
					failed <- err
					return
				}
				mu.Lock()
				acked = append(acked, i)
				mu.Unlock()
			}
		}()
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for count() < 30 {
		select {
		case err := <-failed:
			t.Fatal(err)
		default:
			time.Sleep(time.Millisecond)
		}
	}
	mu.Lock()
	before := append([]int64(nil), acked...)
	mu.Unlock()
	backupDir, keysDir := filepath.Join(root, "backup"), filepath.Join(root, "backup-keys")
	code, out := backupCLI(append([]string{"backup", "--to", backupDir, "--with-keys", keysDir}, src...)...)
	during := count() - len(before)
	close(stop)
	wg.Wait()
	close(failed)
	for err := range failed {
		t.Fatal(err)
	}
	if code != exitOK {
		t.Fatalf("backup: %d %s", code, out)
	}
	t.Logf("%d writes acknowledged before the backup, %d while it ran, %d in all", len(before), during, count())
	if fi, err := os.Stat(filepath.Join(keysDir, keyFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("keys written apart: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(backupDir, keyFileName)); err == nil {
		t.Fatal("the keys are in the backup")
	}

	code, out = backupCLI(append([]string{"restore", "--from", backupDir, "--keys-from", keysDir}, dst...)...)
	if code != exitOK {
		t.Fatalf("restore: %d %s", code, out)
	}
	code, out = backupCLI("audit", "verify", "--data", restored.DataDir, "--database", restored.DatabaseURL, "--keys", restored.KeysDir)
	if code != exitOK || !strings.Contains(out, "intact: ") || !strings.Contains(out, "ending where the checkpoint") {
		t.Fatalf("audit verify of the restored database: %d %s", code, out)
	}

	rs, err := openConfigured(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if err := rs.CheckAuditHead(ctx); err != nil {
		t.Fatalf("restored audit head: %v", err)
	}
	if _, err := rs.VerifyAudit(ctx); err != nil {
		t.Fatalf("restored audit chain: %v", err)
	}
	rdocs, err := blob.Open(ctx, "file://"+filepath.Join(root, "restored-files"), restored.Keys)
	if err != nil {
		t.Fatal(err)
	}
	defer rdocs.Close()
	q := func(query string, args ...any) int {
		var n int
		if err := rs.DB.QueryRowContext(ctx, rs.Dialect.Rebind(query), args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, i := range before {
		key, email := fmt.Sprintf("load/%06d", i), fmt.Sprintf("load-%06d@example.org", i)
		if q("SELECT COUNT(*) FROM users WHERE email = ?", email) != 1 || q("SELECT COUNT(*) FROM audit_log WHERE action = 'test.write' AND subject = ? AND after = ?", key, email) != 1 {
			t.Fatalf("write %d, acknowledged before the backup began, is not restored whole", i)
		}
	}
	// No write torn in two: every account restored has its audit entry
	// (they committed together) and its document (written before).
	users := q("SELECT COUNT(*) FROM users WHERE email LIKE 'load-%'")
	if users < len(before) || q("SELECT COUNT(*) FROM audit_log WHERE action = 'test.write'") != users ||
		q("SELECT COUNT(*) FROM users u JOIN audit_log a ON a.after = u.email AND a.action = 'test.write'") != users {
		t.Fatalf("restored %d accounts, not each with its one audit entry", users)
	}
	rows, err := rs.DB.QueryContext(ctx, "SELECT subject FROM audit_log WHERE action = 'test.write'")
	if err != nil {
		t.Fatal(err)
	}
	var keysRestored []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keysRestored = append(keysRestored, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, k := range keysRestored {
		b, err := rdocs.Get(ctx, k)
		if err != nil || string(b) != "document "+k {
			t.Fatalf("document %s of a restored write: %q %v", k, b, err)
		}
	}

	// A second restore over the restored data is refused, naming why.
	code, out = backupCLI(append([]string{"restore", "--from", backupDir}, dst...)...)
	want := "is not empty"
	if code != exitBadInput || !strings.Contains(out, want) || !strings.Contains(out, "nothing was restored") {
		t.Fatalf("restore over data: %d %s", code, out)
	}
}

// TestRestoreRefusesNonEmptyTargetsAndTamperedBackups checks that nothing
// is restored from a backup whose files do not match the manifest, or over
// existing data, and that the error names the file or the place.
func TestRestoreRefusesNonEmptyTargetsAndTamperedBackups(t *testing.T) {
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	ctx := context.Background()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	opts := &storeOptions{Config: boardsql.Config{DataDir: data}, KeysDir: filepath.Join(root, "keys")}
	st, err := openConfigured(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	docs, err := blob.OpenDir(filepath.Join(data, "files"), opts.Keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := loadWrite(ctx, st, docs, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	docs.Close()
	st.Close()
	bk := filepath.Join(root, "backup")
	if code, out := backupCLI("backup", "--to", bk, "--data", data, "--keys", opts.KeysDir); code != exitOK || !strings.Contains(out, "documents: 3") {
		t.Fatalf("backup: %d %s", code, out)
	}
	if code, out := backupCLI("backup", "--to", bk, "--data", data, "--keys", opts.KeysDir); code != exitBadInput || !strings.Contains(out, "is not empty") {
		t.Fatalf("backup into a used directory: %d %s", code, out)
	}
	if code, out := backupCLI("backup", "--to", filepath.Join(root, "b2"), "--with-keys", filepath.Join(root, "b2", "keys"), "--data", data, "--keys", opts.KeysDir); code != exitBadInput || !strings.Contains(out, "inside the backup") {
		t.Fatalf("keys inside the backup: %d %s", code, out)
	}

	// A non-empty data directory is refused, and left as it was.
	target := filepath.Join(root, "target")
	if err := os.MkdirAll(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := backupCLI("restore", "--from", bk, "--data", target)
	if code != exitBadInput || !strings.Contains(out, target+" is not empty (it holds notes.txt)") || !strings.Contains(out, "nothing was restored") {
		t.Fatalf("restore into a non-empty directory: %d %s", code, out)
	}
	if entries, _ := os.ReadDir(target); len(entries) != 1 {
		t.Fatalf("the refused restore wrote %d entries", len(entries))
	}

	// A document or the database changed after the backup: refused, the
	// file named, nothing written.
	var docFile string
	filepath.WalkDir(filepath.Join(bk, "documents"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && docFile == "" {
			docFile = p
		}
		return nil
	})
	for _, tamper := range []struct{ file, want string }{
		{docFile, "documents/load/000000: SHA-256"},
		{filepath.Join(bk, "board.db"), "board.db: SHA-256"},
	} {
		orig, err := os.ReadFile(tamper.file)
		if err != nil {
			t.Fatal(err)
		}
		changed := append([]byte(nil), orig...)
		changed[len(changed)/2] ^= 1
		if err := os.WriteFile(tamper.file, changed, 0o600); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(root, "fresh")
		code, out := backupCLI("restore", "--from", bk, "--data", fresh)
		if code != exitBadInput || !strings.Contains(out, "backup file "+tamper.want) || !strings.Contains(out, "do not restore it") {
			t.Fatalf("restore of a tampered %s: %d %s", tamper.file, code, out)
		}
		if _, err := os.Stat(fresh); err == nil {
			t.Fatalf("a tampered backup wrote %s", fresh)
		}
		if err := os.WriteFile(tamper.file, orig, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(docFile); err != nil {
		t.Fatal(err)
	}
	if code, out := backupCLI("restore", "--from", bk, "--data", filepath.Join(root, "fresh")); code != exitBadInput || !strings.Contains(out, "documents/load/000000: missing") {
		t.Fatalf("restore with a document missing: %d %s", code, out)
	}
}

// TestRestoreRefusesNonEmptyPostgres checks that a restore does not go
// into a PostgreSQL database that holds tables.
func TestRestoreRefusesNonEmptyPostgres(t *testing.T) {
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	root := t.TempDir()
	src, other := newPostgres(t), newPostgres(t)
	args := []string{"--database", src, "--keys", filepath.Join(root, "keys"), "--files", "file://" + filepath.Join(root, "files")}
	if code, out := backupCLI(append([]string{"migrate"}, args[:4]...)...); code != exitOK {
		t.Fatalf("migrate: %s", out)
	}
	if err := os.MkdirAll(filepath.Join(root, "files"), 0o700); err != nil {
		t.Fatal(err)
	}
	bk := filepath.Join(root, "backup")
	if code, out := backupCLI(append([]string{"backup", "--to", bk}, args...)...); code != exitOK || !strings.Contains(out, "board database (postgres, schema ") {
		t.Fatalf("backup: %d %s", code, out)
	}
	db, err := sqldb.Open(context.Background(), sqldb.Config{DatabaseURL: other})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE mine (id int)"); err != nil {
		t.Fatal(err)
	}
	code, out := backupCLI("restore", "--from", bk, "--database", other, "--keys", filepath.Join(root, "k2"), "--files", "file://"+filepath.Join(root, "f2"))
	if code != exitBadInput || !strings.Contains(out, "is not empty (it holds public.mine)") {
		t.Fatalf("restore into a database with a table: %d %s", code, out)
	}
	code, out = backupCLI("restore", "--from", bk, "--data", filepath.Join(root, "lite"))
	if code != exitBadInput || !strings.Contains(out, "backed up from PostgreSQL") {
		t.Fatalf("restore of a PostgreSQL backup into SQLite: %d %s", code, out)
	}
}

// TestBackupKeepsPractices backs up a practice on its own, and a board
// with the demo practice in DATA/practice, and restores both with their
// keys.
func TestBackupKeepsPractices(t *testing.T) {
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	ctx := context.Background()
	root := t.TempDir()
	addUser := func(o *storeOptions, email string) {
		t.Helper()
		st, err := openPracticeStore(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateUser(ctx, auth.User{Email: email, Name: "P", PasswordHash: "x", Roles: []auth.Role{auth.PracticeAdmin}, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	hasUser := func(o *storeOptions, email string) {
		t.Helper()
		st, err := openPracticeStore(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.UserByEmail(ctx, email); err != nil {
			t.Fatalf("%s in the restored practice: %v", email, err)
		}
	}

	// A practice on its own.
	practice := &storeOptions{Config: boardsql.Config{DataDir: filepath.Join(root, "practice")}}
	addUser(practice, "admin@practice.example")
	bk := filepath.Join(root, "practice-backup")
	if code, out := backupCLI("backup", "--mode", "practice", "--to", bk, "--data", practice.DataDir, "--with-keys", filepath.Join(root, "practice-keys")); code != exitOK || !strings.Contains(out, "practice database (sqlite") {
		t.Fatalf("practice backup: %d %s", code, out)
	}
	if code, out := backupCLI("restore", "--from", bk, "--data", filepath.Join(root, "p2")); code != exitBadInput || !strings.Contains(out, "is of a practice: restore it with --mode practice") {
		t.Fatalf("practice backup restored as a board: %d %s", code, out)
	}
	if code, out := backupCLI("restore", "--mode", "practice", "--from", bk, "--data", filepath.Join(root, "p2"), "--keys-from", filepath.Join(root, "practice-keys")); code != exitOK {
		t.Fatalf("practice restore: %d %s", code, out)
	}
	hasUser(&storeOptions{Config: boardsql.Config{DataDir: filepath.Join(root, "p2")}}, "admin@practice.example")

	// A board with the demo practice beside it.
	board := &storeOptions{Config: boardsql.Config{DataDir: filepath.Join(root, "board")}}
	if code, out := backupCLI("migrate", "--data", board.DataDir); code != exitOK {
		t.Fatal(out)
	}
	addUser(demoPracticeStore(board), "demo@practice.example")
	bk = filepath.Join(root, "board-backup")
	code, out := backupCLI("backup", "--to", bk, "--data", board.DataDir, "--with-keys", filepath.Join(root, "board-keys"))
	if code != exitOK || !strings.Contains(out, "board database (sqlite") || !strings.Contains(out, "practice database (sqlite") {
		t.Fatalf("board backup: %d %s", code, out)
	}
	for _, f := range []string{"secret.key", "practice/secret.key"} {
		if fi, err := os.Stat(filepath.Join(root, "board-keys", f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("keys %s: %v %v", f, fi, err)
		}
	}
	restored := filepath.Join(root, "b2")
	if code, out := backupCLI("restore", "--from", bk, "--data", restored, "--keys-from", filepath.Join(root, "board-keys")); code != exitOK {
		t.Fatalf("board restore: %d %s", code, out)
	}
	hasUser(demoPracticeStore(&storeOptions{Config: boardsql.Config{DataDir: restored}}), "demo@practice.example")
	if code, out := backupCLI("audit", "verify", "--data", restored); code != exitOK {
		t.Fatalf("restored board: %d %s", code, out)
	}
}
