package main

import (
	"github.com/certboard/certboard/auth"

	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServe starts the real command on a free port, calls it, and stops it
// as SIGTERM would.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log", "json"}, &out, &errb, listening)
	}()
	var addr string
	select {
	case addr = <-listening:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/api/v1/requirement-sets": "aasect-cst"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, b)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d after shutdown: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "certboard listening on http://127.0.0.1:") || !strings.Contains(errb.String(), `"msg":"request"`) {
		t.Fatalf("stdout %q, log %q", out.String(), errb.String())
	}
}

func TestServeBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := serve(context.Background(), []string{"--log", "xml", "--data", t.TempDir()}, &out, &errb, nil); code != exitBadInput || !strings.Contains(errb.String(), "--log") {
		t.Fatalf("%d %q", code, errb.String())
	}
	for _, n := range []string{"0", "many", "-3", "5000"} {
		errb.Reset()
		if code := serve(context.Background(), []string{"--hash-concurrency", n, "--data", t.TempDir()}, &out, &errb, nil); code != exitBadInput ||
			!strings.Contains(errb.String(), "--hash-concurrency") {
			t.Fatalf("--hash-concurrency %s: %d %q", n, code, errb.String())
		}
	}
}

// TestServeDemo starts the demo twice on one data directory: the first
// seeds it and prints the logins, the second finds it and prints them again;
// a printed staff secret gives codes that `certboard totp` prints.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	var secret string
	for round := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		listening := make(chan string, 1)
		done := make(chan int, 1)
		var out, errb bytes.Buffer
		go func() {
			done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir, "--demo", "--log", "json"}, &out, &errb, listening)
		}()
		var addr string
		select {
		case addr = <-listening:
		case code := <-done:
			cancel()
			t.Fatalf("serve --demo exited %d: %s", code, errb.String())
		}
		resp, err := http.Get("http://" + addr + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cancel()
		if code := <-done; code != exitOK || resp.StatusCode != 200 {
			t.Fatalf("round %d: exit %d, /login %d: %s", round, code, resp.StatusCode, errb.String())
		}
		text := out.String()
		for _, want := range []string{"certboard-demo-2026", "staff@demo.certboard.example", "jamie@demo.certboard.example", "two-factor secret "} {
			if !strings.Contains(text, want) {
				t.Fatalf("round %d: the demo output lacks %q:\n%s", round, want, text)
			}
		}
		_, rest, _ := strings.Cut(text, "two-factor secret ")
		got := strings.Fields(rest)[0]
		if round == 1 && got != secret {
			t.Fatalf("the second start printed another secret: %s, was %s", got, secret)
		}
		secret = got
	}
	var out, errb bytes.Buffer
	now := time.Date(2026, 11, 26, 12, 0, 10, 0, time.UTC)
	if code := runTOTP([]string{secret}, &out, &errb, now); code != exitOK {
		t.Fatalf("totp: %d %s", code, errb.String())
	}
	want, err := auth.TOTPCode(secret, now)
	if err != nil || !strings.HasPrefix(out.String(), want+" (valid for 20 more seconds)") {
		t.Fatalf("totp printed %q, want the code %s: %v", out.String(), want, err)
	}
	if code := runTOTP([]string{"not base32!"}, &out, &errb, now); code != exitBadInput {
		t.Fatalf("a bad secret: exit %d", code)
	}
}

func TestServeRefusesAPublicURLWithAPath(t *testing.T) {
	var out, errb bytes.Buffer
	code := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--public-url", "https://x.example/boards/a"}, &out, &errb, nil)
	if code != exitBadInput || !strings.Contains(errb.String(), "--public-url") {
		t.Fatalf("%d %q", code, errb.String())
	}
}
