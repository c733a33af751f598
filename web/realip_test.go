package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestForwardedClient(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote string
		xff          []string
		want         string // "" when the remote address stands
	}{
		{"through one proxy", "10.0.0.5:4000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"through two proxies", "10.0.0.5:4000", []string{"203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"a forged entry left of the real one", "10.0.0.5:4000", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"several headers", "127.0.0.1:4000", []string{"198.51.100.1", "203.0.113.7"}, "203.0.113.7"},
		{"IPv6 client", "[::1]:4000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"not from a proxy: the header is ignored", "203.0.113.9:4000", []string{"198.51.100.1"}, ""},
		{"only proxies", "10.0.0.5:4000", []string{"10.0.0.6"}, ""},
		{"garbage", "10.0.0.5:4000", []string{"not-an-address"}, ""},
		{"no header", "10.0.0.5:4000", nil, ""},
		// Forms proxies write: ports, brackets, mapped and zoned addresses.
		{"IPv4 client with a port", "10.0.0.5:4000", []string{"203.0.113.7:4711"}, "203.0.113.7"},
		{"IPv6 client in brackets with a port", "10.0.0.5:4000", []string{"[2001:db8::7]:4711"}, "2001:db8::7"},
		{"IPv6 client in brackets", "10.0.0.5:4000", []string{"[2001:db8::7]"}, "2001:db8::7"},
		{"IPv4-mapped client", "10.0.0.5:4000", []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"a proxy entry with a port is still a proxy", "10.0.0.5:4000", []string{"203.0.113.7, 10.1.2.3:8080"}, "203.0.113.7"},
		{"IPv4-mapped proxy peer", "[::ffff:10.0.0.5]:4000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"a client's bracketed garbage left of the real entry", "10.0.0.5:4000", []string{"[nonsense], 203.0.113.7"}, "203.0.113.7"},
		{"spoofing a proxy address from outside", "203.0.113.9:4000", []string{"10.0.0.6, 203.0.113.7"}, ""},
	} {
		a, ok := forwardedClient(proxies, tc.remote, tc.xff)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, nonsense"); err == nil {
		t.Error("a bad proxy address was accepted")
	}
	// A link-local proxy, with its zone, and an IPv4-mapped prefix.
	zoned, err := ParseTrustedProxies("fe80::1%eth0, ::ffff:192.168.0.0/112")
	if err != nil {
		t.Fatal(err)
	}
	for remote, want := range map[string]string{"[fe80::1%eth0]:4000": "203.0.113.7", "192.168.3.4:4000": "203.0.113.7", "192.169.0.1:4000": ""} {
		a, ok := forwardedClient(zoned, remote, []string{"203.0.113.7"})
		if got := map[bool]string{true: a.String()}[ok]; got != want {
			t.Errorf("from %s: %q, want %q", remote, got, want)
		}
	}
}

// TestRealClient: behind a trusted proxy the request's remote address is
// the client's; without the setting, X-Forwarded-For changes nothing.
func TestRealClient(t *testing.T) {
	proxies, _ := ParseTrustedProxies("10.0.0.1")
	seen := ""
	see := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = ClientIP(r) })
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.1:5000"
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	RealClient(proxies, see).ServeHTTP(httptest.NewRecorder(), req)
	if seen != "203.0.113.7" {
		t.Fatalf("behind the proxy: %q", seen)
	}
	RealClient(nil, see).ServeHTTP(httptest.NewRecorder(), req)
	if seen != "10.0.0.1" {
		t.Fatalf("without trusted proxies: %q", seen)
	}
}
