package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthz(t *testing.T) {
	w := httptest.NewRecorder()
	Healthz(w, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != http.StatusOK || w.Body.String() != "ok\n" || w.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("healthz: %d %q %q", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
}

func TestReady(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	w := httptest.NewRecorder()
	Ready(w, httptest.NewRequest("GET", "/readyz", nil), log, func(ctx context.Context) error {
		if d, ok := ctx.Deadline(); !ok || time.Until(d) > 2*time.Second {
			t.Errorf("ready asked without a two-second limit")
		}
		return nil
	})
	if w.Code != http.StatusOK || w.Body.String() != "ready\n" {
		t.Fatalf("ready: %d %q", w.Code, w.Body)
	}

	w = httptest.NewRecorder()
	Ready(w, httptest.NewRequest("GET", "/readyz", nil), log, func(context.Context) error { return errors.New("db down") })
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "The database does not answer.") {
		t.Fatalf("not ready: %d %q", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "not ready") || !strings.Contains(logs.String(), "db down") {
		t.Fatalf("the cause is not logged: %q", logs.String())
	}
}
