package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTitleCheckTooLarge: only a body over the limit is "too large".
func TestTitleCheckTooLarge(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	big := strings.Repeat("x", maxTitlePortfolio+10)
	req := httptest.NewRequest("POST", "/api/v1/title-check", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("an oversized API body: %d", rec.Code)
	}
	req = httptest.NewRequest("POST", "/title-check", strings.NewReader("--broken\r\nnot a part"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=broken")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "could not be read") {
		t.Fatalf("a broken form: %d", rec.Code)
	}
}
