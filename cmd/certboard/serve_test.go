package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
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
}
