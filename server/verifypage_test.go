package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestVerifyPageAndAPI: anyone verifies the board's credential on the page
// (pasted) and through the API (JWT as text); a suspension shows at once;
// garbage is invalid, not an error.
func TestVerifyPageAndAPI(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	creds, err := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	if rec := getAs(t, h, "/check", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="credential"`) {
		t.Fatalf("form: %d", rec.Code)
	}
	rec := postForm(t, h, "/check", url.Values{"credential": {string(c.Document)}}, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Result: <span class=\"badge s-met\">valid</span>") {
		t.Fatalf("page: %d\n%s", rec.Code, rec.Body)
	}
	api := func(body string) map[string]any {
		req := httptest.NewRequest("POST", "/api/v1/verify", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return out
	}
	if out := api(c.JWT); out["status"] != "valid" || out["format"] != "vc-jwt" {
		t.Fatalf("API: %v", out)
	}
	if out := api("not a credential"); out["status"] != "invalid" {
		t.Fatalf("garbage: %v", out)
	}
	if rec := postForm(t, h, "/credentials/"+c.ID+"/status", url.Values{"action": {"suspend"}, "reason": {"lapsed"}}, w.cookie["staff"]); rec.Code != 303 {
		t.Fatalf("suspend: %d", rec.Code)
	}
	if out := api(c.JWT); out["status"] != "invalid" || !strings.Contains(rec2s(out), "suspended") {
		t.Fatalf("after suspension: %v", out)
	}
	if rec := postForm(t, h, "/check", url.Values{"credential": {""}}, nil); rec.Code != 422 {
		t.Fatalf("empty: %d", rec.Code)
	}
}

func rec2s(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestSafeFetchRefusesLocalAndPlainAddresses: the public verifier never
// reaches this machine or a private network, nor plain http.
func TestSafeFetchRefusesLocalAndPlainAddresses(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://example.org/x", "https://127.0.0.1/x", "https://localhost:1/x", "https://10.0.0.1/x", "https://[::1]/x", "https://169.254.169.254/latest/meta-data", "https://100.100.100.200/x", "https://198.18.0.1/x", "https://[64:ff9b::a00:1]/x"} {
		if _, err := safeFetch(ctx, u); err == nil {
			t.Errorf("%s was fetched", u)
		} else if strings.HasPrefix(u, "https://") && !errors.Is(err, errForbiddenAddress) {
			t.Errorf("%s: refused for another reason: %v", u, err)
		}
	}
}

// TestOwnFetchesOnlyPublicDocuments: the in-process shortcut serves the DID
// document and status lists, nothing else of the board.
func TestOwnFetchesOnlyPublicDocuments(t *testing.T) {
	s, _ := newServer(t)
	if _, err := s.verifierFetch(context.Background(), s.publicBase()+"/api/v1/me"); err == nil {
		t.Fatal("a verification fetched a private page of the board")
	}
	if _, err := s.verifierFetch(context.Background(), s.publicBase()+"/credentials/abc?format=json"); err == nil {
		t.Fatal("a verification fetched a credential of the board")
	}
}
