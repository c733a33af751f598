package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
)

// TestVerifyCommand runs the demo board, takes the credential it issued on
// approval, and verifies it from the command line in both forms; an
// unreachable issuer is "could not check" (exit 2), a broken file invalid
// (exit 1).
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir, "--demo", "--log", "json"}, &out, &errb, listening)
	}()
	select {
	case <-listening:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	defer func() { cancel(); <-done }()

	cfg := &storeOptions{Config: boardsql.Config{DataDir: dir}}
	st, err := openConfigured(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByEmail(context.Background(), "jordan@demo.certboard.example")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := st.CredentialsOf(context.Background(), u.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	files := map[string][]byte{"cred.json": creds[0].Document, "cred.jwt": []byte(creds[0].JWT), "broken.json": []byte(`{"hello":"world"}`)}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	var cred struct {
		Issuer struct{ ID, Name string } `json:"issuer"`
	}
	if err := json.Unmarshal(creds[0].Document, &cred); err != nil || cred.Issuer.ID == "" {
		t.Fatalf("the credential's issuer: %+v %v", cred, err)
	}
	trusted, other, broken := filepath.Join(dir, "trusted.txt"), filepath.Join(dir, "other.txt"), filepath.Join(dir, "broken.txt")
	for name, text := range map[string]string{trusted: "# our board\n" + cred.Issuer.ID + " The Demo Board\n", other: "did:web:aasect.org AASECT\n",
		broken: "did:web:aasect.org AASECT\nAASECT\n"} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"cred.json", "cred.jwt"} {
		// Without a trust list the checks pass, but no issuer is named:
		// the credential's own name is only its claim.
		var o, e bytes.Buffer
		if code := runVerify([]string{filepath.Join(dir, name)}, nil, &o, &e, now, httpFetch); code != exitOK || !strings.HasPrefix(o.String(), "UNKNOWN ISSUER") ||
			!strings.Contains(o.String(), cred.Issuer.ID+" signed it; no trust list given") ||
			!strings.Contains(o.String(), fmt.Sprintf("it calls itself %q (its own claim, unverified)", cred.Issuer.Name)) {
			t.Fatalf("%s: exit %d\n%s%s", name, code, o.String(), e.String())
		}
		o.Reset()
		if code := runVerify([]string{"--trust", trusted, filepath.Join(dir, name)}, nil, &o, &e, now, httpFetch); code != exitOK || !strings.HasPrefix(o.String(), "VALID") ||
			!strings.Contains(o.String(), "The Demo Board ("+cred.Issuer.ID+"), on the trust list") || strings.Contains(o.String(), "calls itself") {
			t.Fatalf("%s, trusted: exit %d\n%s%s", name, code, o.String(), e.String())
		}
		o.Reset()
		if code := runVerify([]string{"--trust", other, filepath.Join(dir, name)}, nil, &o, &e, now, httpFetch); code != exitUntrusted || !strings.HasPrefix(o.String(), "UNKNOWN ISSUER") ||
			!strings.Contains(o.String(), "it is not on the trust list") {
			t.Fatalf("%s, not on the list: exit %d\n%s%s", name, code, o.String(), e.String())
		}
	}
	var eb bytes.Buffer
	if code := runVerify([]string{"--trust", broken, filepath.Join(dir, "cred.json")}, nil, io.Discard, &eb, now, httpFetch); code != exitBadInput ||
		!strings.Contains(eb.String(), "line 2") {
		t.Fatalf("a broken trust list: exit %d %s", code, eb.String())
	}
	var o, e bytes.Buffer
	down := func(context.Context, string) ([]byte, error) { return nil, errors.New("connection refused") }
	if code := runVerify([]string{filepath.Join(dir, "cred.json")}, nil, &o, &e, now, down); code != exitBadInput || !strings.HasPrefix(o.String(), "COULD NOT CHECK") {
		t.Fatalf("issuer down: exit %d\n%s", code, o.String())
	}
	o.Reset()
	if code := runVerify([]string{filepath.Join(dir, "broken.json")}, nil, &o, &e, now, httpFetch); code != exitNo {
		t.Fatalf("broken: exit %d\n%s", code, o.String())
	}
	o.Reset()
	if code := runVerify([]string{"-"}, strings.NewReader(creds[0].JWT), &o, &e, now, httpFetch); code != exitOK {
		t.Fatalf("stdin: exit %d\n%s", code, o.String())
	}
	if code := runVerify([]string{filepath.Join(dir, "missing.json")}, nil, &o, &e, now, httpFetch); code != exitBadInput {
		t.Fatalf("missing file: exit %d", code)
	}
	if _, err := httpFetch(context.Background(), "http://example.org/x"); err == nil {
		t.Fatal("plain http to another host was fetched")
	}
}
