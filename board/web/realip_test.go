package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRateLimitBehindAProxy: behind a trusted proxy each client has its own
// limit; without the setting, X-Forwarded-For changes nothing.
func TestRateLimitBehindAProxy(t *testing.T) {
	s, _ := newServer(t)
	proxies, _ := ParseTrustedProxies("10.0.0.1")
	s.cfg.TrustedProxies = proxies
	seen := ""
	h := s.realClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = clientIP(r) }))
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.1:5000"
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if seen != "203.0.113.7" {
		t.Fatalf("behind the proxy: %q", seen)
	}
	s.cfg.TrustedProxies = nil
	h = s.realClient(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = clientIP(r) }))
	h.ServeHTTP(httptest.NewRecorder(), req)
	if seen != "10.0.0.1" {
		t.Fatalf("without trusted proxies: %q", seen)
	}
}
