package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/seal"
)

// command runs the certboard command line and returns its exit code and
// what it printed.
func command(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb, date.MustParse("2026-06-01"))
	return code, out.String() + errb.String()
}

// TestNoKeyInTheSourceTree: a command that fails on its arguments makes no
// key file where it runs (the working directory of a test is the source
// tree: that is how a key once got committed).
func TestNoKeyInTheSourceTree(t *testing.T) {
	if _, err := os.Stat("data"); err == nil {
		t.Skip("a data directory is here already")
	}
	t.Setenv("CERTBOARD_DATA", "")
	t.Setenv("CERTBOARD_KEYS_DIR", "")
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	for _, args := range [][]string{
		{"migrate", "--database", "mysql://x"},
		{"audit", "verify", "--database", "sqlite://x"},
		{"keys", "list", "--database", "mysql://x"},
	} {
		if code, out := command(t, args...); code != exitBadInput || !strings.Contains(out, "only postgres:// URLs") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
	if _, err := os.Stat("data"); err == nil {
		os.RemoveAll("data")
		t.Fatal("a command that refused its database URL made a data directory (and a key) in the working directory")
	}
}

func TestKeysLiveWhereTheyAreToldToAndOwnerOnly(t *testing.T) {
	data, keys := t.TempDir(), filepath.Join(t.TempDir(), "keys")
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	if code, out := command(t, "migrate", "--data", data, "--keys", keys); code != exitOK {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(keys, "secret.key")); err != nil {
		t.Fatalf("no keyring in --keys: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "secret.key")); err == nil {
		t.Fatal("a keyring was made in the data directory too")
	}
	// The environment names the same place.
	t.Setenv("CERTBOARD_KEYS_DIR", keys)
	if code, out := command(t, "keys", "list", "--data", data); code != exitOK {
		t.Fatalf("keys list with CERTBOARD_KEYS_DIR: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(data, "secret.key")); err == nil {
		t.Fatal("CERTBOARD_KEYS_DIR was not followed")
	}
	if runtime.GOOS == "windows" {
		return
	}
	if err := os.Chmod(filepath.Join(keys, "secret.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate", "--data", data}, {"audit", "verify", "--data", data}} {
		if code, out := command(t, args...); code != exitBadInput || !strings.Contains(out, "chmod 600") {
			t.Errorf("%v with a key file readable by others: %d %q", args, code, out)
		}
	}
	var out, errb bytes.Buffer
	if code := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", data}, &out, &errb, nil); code != exitBadInput || !strings.Contains(errb.String(), "chmod 600") {
		t.Fatalf("serve with a key file readable by others: %d %q", code, errb.String())
	}
}

// appendAudit writes n entries to the log of the board in data.
func appendAudit(t *testing.T, data string, n int) {
	t.Helper()
	ctx := context.Background()
	s, err := openConfigured(ctx, &storeOptions{Config: boardsql.Config{DataDir: data}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range n {
		err := s.InTx(ctx, func(tx *boardsql.Tx) error {
			_, err := tx.AppendAudit(ctx, audit.Entry{At: time.Now(), Actor: "staff", Action: "test", Subject: "x", After: string(rune('a' + i))})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func sqlite(t *testing.T, data, q string, args ...any) {
	t.Helper()
	s, err := openConfigured(context.Background(), &storeOptions{Config: boardsql.Config{DataDir: data}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerifyCatchesATruncatedLog(t *testing.T) {
	data := t.TempDir()
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	if code, out := command(t, "migrate", "--data", data); code != exitOK {
		t.Fatalf("migrate: %d %q", code, out)
	}
	if code, out := command(t, "audit", "checkpoint", "--data", data); code != exitBadInput || !strings.Contains(out, "the log is empty") {
		t.Fatalf("checkpoint of an empty log: %d %q", code, out)
	}
	appendAudit(t, data, 3)
	at3 := filepath.Join(t.TempDir(), "checkpoint-3.json")
	if code, out := command(t, "audit", "checkpoint", "--data", data, "--out", at3); code != exitOK || !strings.Contains(out, "checkpoint of 3 entries") {
		t.Fatalf("checkpoint: %d %q", code, out)
	}
	appendAudit(t, data, 2)
	code, printed := command(t, "audit", "checkpoint", "--data", data)
	var at5 audit.Checkpoint
	if code != exitOK || json.Unmarshal([]byte(printed), &at5) != nil || at5.Count != 5 || at5.PublicKey == "" {
		t.Fatalf("checkpoint to standard output: %d %q", code, printed)
	}
	at5File := filepath.Join(t.TempDir(), "checkpoint-5.json")
	os.WriteFile(at5File, []byte(printed), 0o644)
	for _, cp := range []string{at3, at5File} {
		if code, out := command(t, "audit", "verify", "--data", data, "--checkpoint", cp); code != exitOK || !strings.Contains(out, "intact: 5 entries") || !strings.Contains(out, "it reaches the checkpoint in") {
			t.Fatalf("verify against %s: %d %q", cp, code, out)
		}
	}

	// Someone deletes the last two entries.
	sqlite(t, data, "DELETE FROM audit_log WHERE seq > 3")
	if code, out := command(t, "audit", "verify", "--data", data); code != exitNo ||
		!strings.Contains(out, "BROKEN: audit log broken at entry 4: missing") || !strings.Contains(out, "the last 2 were deleted") {
		t.Fatalf("verify a truncated log: %d %q", code, out)
	}
	if code, out := command(t, "audit", "checkpoint", "--data", data); code != exitNo || !strings.Contains(out, "no checkpoint written") {
		t.Fatalf("checkpoint of a truncated log: %d %q", code, out)
	}
	sqlite(t, data, "UPDATE audit_checkpoint SET count = 3, head = (SELECT hash FROM audit_log WHERE seq = 3)")
	if code, out := command(t, "audit", "verify", "--data", data); code != exitNo || !strings.Contains(out, "BROKEN: audit checkpoint: the signature") {
		t.Fatalf("verify with a forged checkpoint: %d %q", code, out)
	}
	// With the old signed checkpoint put back, only a copy kept outside
	// shows the loss.
	c3, _ := os.ReadFile(at3)
	var old audit.Checkpoint
	json.Unmarshal(c3, &old)
	sqlite(t, data, "UPDATE audit_checkpoint SET count = ?, head = ?, at = ?, key_id = ?, signature = ?",
		old.Count, old.Head, old.At.UTC().Format("2006-01-02T15:04:05.000000Z"), old.Key, old.Signature)
	if code, out := command(t, "audit", "verify", "--data", data); code != exitOK {
		t.Fatalf("the rolled-back checkpoint: %d %q", code, out)
	}
	if code, out := command(t, "audit", "verify", "--data", data, "--checkpoint", at5File); code != exitNo || !strings.Contains(out, "BROKEN: audit log broken at entry 4: missing") {
		t.Fatalf("verify against the checkpoint kept outside: %d %q", code, out)
	}
	// A checkpoint file that was altered, or is not one, is refused.
	forged := strings.Replace(printed, `"count": 5`, `"count": 3`, 1)
	forgedFile := filepath.Join(t.TempDir(), "forged.json")
	os.WriteFile(forgedFile, []byte(forged), 0o644)
	if code, out := command(t, "audit", "verify", "--data", data, "--checkpoint", forgedFile); code != exitNo || !strings.Contains(out, "does not verify") {
		t.Fatalf("verify against an altered checkpoint: %d %q", code, out)
	}
	os.WriteFile(forgedFile, []byte("not a checkpoint"), 0o644)
	if code, out := command(t, "audit", "verify", "--data", data, "--checkpoint", forgedFile); code != exitBadInput || !strings.Contains(out, "not a checkpoint") {
		t.Fatalf("verify against a file that is no checkpoint: %d %q", code, out)
	}

	// An operator resumes the log after the investigation; it is on record.
	sqlite(t, data, "DELETE FROM audit_checkpoint")
	if code, out := command(t, "audit", "anchor", "--data", data); code != exitBadInput || !strings.Contains(out, "--reason is required") {
		t.Fatalf("anchor without a reason: %d %q", code, out)
	}
	if code, out := command(t, "audit", "anchor", "--data", data, "--reason", "entries 4-5 lost in incident 7; restored from the checkpoint copy"); code != exitOK || !strings.Contains(out, "anchored: entry 4") {
		t.Fatalf("anchor: %d %q", code, out)
	}
	if code, out := command(t, "audit", "verify", "--data", data); code != exitOK || !strings.Contains(out, "intact: 4 entries") {
		t.Fatalf("verify after anchoring: %d %q", code, out)
	}
	if code, out := command(t, "audit", "anchor", "--data", data, "--reason", "again"); code != exitOK || !strings.Contains(out, "nothing to anchor") {
		t.Fatalf("anchor an intact log: %d %q", code, out)
	}
}

// TestRotationKeepsEverythingReadable rotates both kinds of key on a demo
// board: the credential-signing key (certboard keys rotate) and the
// encryption key (certboard keys rotate-secret, then reseal). Credentials
// issued before still verify; portfolios, documents, queued mail and the
// audit log still open and verify; and after the reseal the old
// encryption key is needed for none of it.
func TestRotationKeepsEverythingReadable(t *testing.T) {
	data, keysDir := t.TempDir(), t.TempDir()
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	keyFile := filepath.Join(keysDir, "secret.key")
	start := func(addr string, extra ...string) (string, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		listening := make(chan string, 1)
		done := make(chan int, 1)
		var out, errb bytes.Buffer
		args := append([]string{"--addr", addr, "--data", data, "--keys", keysDir, "--log", "json"}, extra...)
		go func() { done <- serve(ctx, args, &out, &errb, listening) }()
		select {
		case a := <-listening:
			return a, func() { cancel(); <-done }
		case code := <-done:
			cancel()
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
		return "", nil
	}
	addr, stop := start("127.0.0.1:0", "--demo")
	stop()
	oldKeys, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "secret.key")); err == nil {
		t.Fatal("the keyring was made in the data directory despite --keys")
	}

	// What the board holds before the rotation.
	ctx := context.Background()
	opts := &storeOptions{Config: boardsql.Config{DataDir: data}, KeysDir: keysDir}
	st, err := openConfigured(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByEmail(ctx, "jordan@demo.certboard.example")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := st.CredentialsOf(ctx, u.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	credFile := filepath.Join(t.TempDir(), "cred.json")
	os.WriteFile(credFile, creds[0].Document, 0o600)
	apps, err := st.Applications(ctx, boardsql.ApplicationFilter{})
	if err != nil || len(apps) == 0 {
		t.Fatalf("%d applications, %v", len(apps), err)
	}
	portfolios := map[int64]string{}
	for _, a := range apps {
		full, err := st.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		portfolios[a.ID] = string(full.Portfolio)
	}
	const link = "https://board.example/reset?token=before-rotation"
	var mailID int64
	err = st.InTx(ctx, func(tx *boardsql.Tx) error {
		mailID, err = tx.EnqueueMail(ctx, boardsql.Mail{To: u.Email, Subject: "Reset your certboard password", Body: link, CreatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := openFiles(ctx, "", &opts.Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.Put(ctx, "applications/1/before-rotation", []byte("%PDF-1.4 transcript")); err != nil {
		t.Fatal(err)
	}
	docs.Close()
	st.Close()
	// The demo uploaded a file for each document of its applications; with
	// the one above, every stored file is sealed again.
	stored := 0
	if err := filepath.WalkDir(filepath.Join(data, "files"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(path, ".attrs") {
			stored++
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stored < 2 {
		t.Fatalf("%d files stored: the demo's uploads are missing", stored)
	}

	// Rotate both kinds of key.
	var out, errb bytes.Buffer
	if code := runKeys([]string{"rotate", "--data", data, "--keys", keysDir}, &out, &errb, time.Now()); code != exitOK {
		t.Fatalf("keys rotate: %d %s", code, errb.String())
	}
	if code, printed := command(t, "keys", "rotate-secret", "--data", data, "--keys", keysDir); code != exitOK || !strings.Contains(printed, "then run certboard keys reseal") {
		t.Fatalf("keys rotate-secret: %d %q", code, printed)
	}
	code, printed := command(t, "keys", "reseal", "--data", data, "--keys", keysDir)
	if code != exitOK || !strings.Contains(printed, "applications.portfolio") || !strings.Contains(printed, fmt.Sprintf("%-26s %d sealed again", "uploaded documents", stored)) {
		t.Fatalf("keys reseal: %d %q", code, printed)
	}
	// Drop the old encryption key (never do this for real: backups need
	// it): nothing stored needs it any more.
	newKeys, _ := os.ReadFile(keyFile)
	onlyNew := strings.TrimPrefix(string(newKeys), string(oldKeys))
	if onlyNew == string(newKeys) || strings.Count(onlyNew, "\n") != 1 {
		t.Fatalf("the key file after rotate-secret:\n%s", newKeys)
	}
	if err := os.WriteFile(keyFile, []byte(onlyNew), 0o600); err != nil {
		t.Fatal(err)
	}

	// Everything stored opens with the new key alone.
	st, err = openConfigured(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range portfolios {
		a, err := st.Application(ctx, id)
		if err != nil || string(a.Portfolio) != want {
			t.Fatalf("application %d after the rotation: %v", id, err)
		}
	}
	due, err := st.DueMail(ctx, time.Now().AddDate(10, 0, 0), 10000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range due {
		if m.Unreadable != nil {
			t.Fatalf("mail %d after the rotation: %v", m.ID, m.Unreadable)
		}
		found = found || (m.ID == mailID && m.Body == link)
	}
	if !found {
		t.Fatalf("the mail queued before the rotation is not there with its body: %+v", due)
	}
	docs, err = openFiles(ctx, "", &opts.Config)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := docs.Get(ctx, "applications/1/before-rotation"); err != nil || string(got) != "%PDF-1.4 transcript" {
		t.Fatalf("a document after the rotation: %q %v", got, err)
	}
	docs.Close()
	k, _ := seal.LoadFile(keyFile)
	if raw, _ := os.ReadFile(filepath.Join(data, "files", "applications", "1", "before-rotation")); seal.KeyID(string(raw)) != k.Current() {
		t.Fatal("the document was not sealed again under the new key")
	}
	st.Close()
	if code, printed := command(t, "audit", "verify", "--data", data, "--keys", keysDir); code != exitOK {
		t.Fatalf("audit verify after the rotation: %d %q", code, printed)
	}

	// The board starts again at the same address (its DID names it), and a
	// credential signed before the rotation still verifies.
	_, stop = start(addr)
	defer stop()
	out.Reset()
	// The verifier names an issuer only from a trust list: the board's DID.
	trust := filepath.Join(t.TempDir(), "trust.txt")
	if err := os.WriteFile(trust, []byte("did:web:"+strings.ReplaceAll(addr, ":", "%3A")+" certboard\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := runVerify([]string{"--trust", trust, credFile}, nil, &out, &errb, time.Now(), httpFetch); code != exitOK || !strings.HasPrefix(out.String(), "VALID") {
		t.Fatalf("a credential signed before the rotation: %d\n%s", code, out.String())
	}
}

// TestRotateSecretWithTheEnvironment: keys given by CERTBOARD_SECRET_KEYS
// cannot be changed by a command; it prints a new key and what to do.
func TestRotateSecretWithTheEnvironment(t *testing.T) {
	t.Setenv("CERTBOARD_SECRET_KEYS", seal.Encode(seal.Generate()))
	var out, errb bytes.Buffer
	if code := run([]string{"keys", "rotate-secret"}, &out, &errb, date.MustParse("2026-06-01")); code != exitOK ||
		!strings.Contains(errb.String(), "at the END of CERTBOARD_SECRET_KEYS") {
		t.Fatalf("%d %q %q", code, out.String(), errb.String())
	}
	if keys, err := seal.Decode(out.String()); err != nil || len(keys) != 1 {
		t.Fatalf("the printed key: %q %v", out.String(), err)
	}
	data := t.TempDir()
	if code, printed := command(t, "keys", "rotate-secret", "--data", data); code != exitOK {
		t.Fatalf("%d %q", code, printed)
	}
	t.Setenv("CERTBOARD_SECRET_KEYS", "")
	if code, printed := command(t, "keys", "rotate-secret", "--data", data); code != exitBadInput || !strings.Contains(printed, "there is no keyring") {
		t.Fatalf("rotate-secret before any key: %d %q", code, printed)
	}
}
