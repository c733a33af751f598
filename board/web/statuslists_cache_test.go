package web

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/verifier"
)

// TestStatusListReuseAndChange: a list is signed once and served again
// (with an ETag answered by 304) until a status changes, and a change shows
// in the very next answer, so that the verify page sees a suspension at
// once.
func TestStatusListReuseAndChange(t *testing.T) {
	s, st := newServer(t)
	s.usePublicURL(t, "https://board.example")
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	jordan, _ := st.UserByEmail(ctx, demoEmail("jordan"))
	creds, err := st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) == 0 {
		t.Fatalf("credentials: %v", err)
	}
	c := creds[0]
	h := s.Handler()
	fetch := func(etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/status/"+suspensionList, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := fetch("")
	tag := first.Header().Get("ETag")
	if first.Code != 200 || tag == "" {
		t.Fatalf("first answer: %d, ETag %q", first.Code, tag)
	}
	if again := fetch(""); again.Body.String() != first.Body.String() {
		t.Fatal("an unchanged list was signed again")
	}
	if rec := fetch(tag); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Fatalf("If-None-Match with the current tag: %d", rec.Code)
	}
	if r := verifier.Verify(ctx, c.Document, s.verifierFetch, s.now()); r.Status() != "valid" {
		t.Fatalf("before suspension: %s", r.Status())
	}
	if err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		return tx.SetCredentialStatus(ctx, c.ID, "suspend", "test", s.now())
	}); err != nil {
		t.Fatal(err)
	}
	changed := fetch(tag)
	if changed.Code != 200 || changed.Header().Get("ETag") == tag {
		t.Fatalf("after suspension: %d, ETag %q (was %q)", changed.Code, changed.Header().Get("ETag"), tag)
	}
	if r := verifier.Verify(ctx, c.Document, s.verifierFetch, s.now()); r.Status() == "valid" {
		t.Fatal("a suspended credential verifies as valid")
	}
	// A cached list is not kept past its life.
	var cache statusCache
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cache.put("x", []byte("body"), at)
	if _, ok := cache.get("x", at.Add(statusListLife/2)); !ok {
		t.Fatal("a fresh entry is not reused")
	}
	if _, ok := cache.get("x", at.Add(statusListLife+time.Second)); ok {
		t.Fatal("an old entry is reused")
	}
}
