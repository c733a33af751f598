package httpfetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPublicRefusesLocalAndPlainAddresses: Public never reaches this
// machine or a private network, nor plain http.
func TestPublicRefusesLocalAndPlainAddresses(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://example.org/x", "ftp://example.org/x", "https:///x", "https://127.0.0.1/x", "https://localhost:1/x",
		"https://10.0.0.1/x", "https://[::1]/x", "https://169.254.169.254/latest/meta-data", "https://100.100.100.200/x",
		"https://198.18.0.1/x", "https://[64:ff9b::a00:1]/x", "https://[::7f00:1]/x", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x"} {
		if _, err := Public(ctx, u); err == nil {
			t.Errorf("%s was fetched", u)
		} else if strings.HasPrefix(u, "https://") && u != "https:///x" && !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: refused for another reason: %v", u, err)
		}
	}
}

func TestPublicOnly(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"93.184.215.14:443", true},
		{"[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:443", true},
		{"127.0.0.1:443", false},
		{"10.1.2.3:443", false},
		{"172.16.0.1:443", false},
		{"192.168.1.1:443", false},
		{"169.254.169.254:80", false},
		{"100.64.0.1:443", false},
		{"0.0.0.0:443", false},
		{"[::1]:443", false},
		{"[::ffff:127.0.0.1]:443", false},
		{"[fe80::1]:443", false},
		{"[fc00::1]:443", false},
		{"not an address", false},
	} {
		if err := PublicOnly(tc.addr); (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.addr, err, tc.ok)
		}
	}
}

// TestOrigins: an allowed origin is fetched though it is on this machine;
// every other address still goes through Public; redirects stay on the
// origin; only 200 is an answer, and no more than MaxBody bytes.
func TestOrigins(t *testing.T) {
	ctx := context.Background()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("elsewhere")) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/did.json":
			if r.Header.Get("Accept") == "" {
				t.Error("no Accept header")
			}
			w.Write([]byte(`{"id":"did:web:localhost"}`))
		case "/moved":
			http.Redirect(w, r, "/.well-known/did.json", http.StatusFound)
		case "/twice":
			http.Redirect(w, r, "/moved", http.StatusFound)
		case "/thrice":
			http.Redirect(w, r, "/twice", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/big":
			w.Write(make([]byte, MaxBody+1))
		case "/exact":
			w.Write(make([]byte, MaxBody))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	fetch, err := Origins(" " + strings.ToUpper(srv.URL[:4]) + srv.URL[4:] + "/ ")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want, fails string
	}{
		{path: "/.well-known/did.json", want: `{"id":"did:web:localhost"}`},
		{path: "/moved", want: `{"id":"did:web:localhost"}`},
		{path: "/twice", want: `{"id":"did:web:localhost"}`},
		{path: "/thrice", fails: "too often"},
		{path: "/away", fails: "another origin"},
		{path: "/loop", fails: "too often"},
		{path: "/missing", fails: "404"},
		{path: "/big", fails: "larger than 4 MiB"},
	} {
		body, err := fetch(ctx, srv.URL+tc.path)
		if tc.fails != "" {
			if err == nil || !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("%s: %v, want an error saying %q", tc.path, err, tc.fails)
			}
			continue
		}
		if err != nil || string(body) != tc.want {
			t.Errorf("%s: %q %v", tc.path, body, err)
		}
	}
	if body, err := fetch(ctx, srv.URL+"/exact"); err != nil || len(body) != MaxBody {
		t.Errorf("exactly MaxBody: %d bytes, %v", len(body), err)
	}
	if _, err := fetch(ctx, other.URL+"/x"); err == nil {
		t.Error("an origin not allowed was fetched over http")
	}
	if _, err := fetch(ctx, strings.Replace(other.URL, "http://", "https://", 1)+"/x"); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("an origin not allowed, over https: %v", err)
	}
}

func TestOriginsRefusesWhatIsNotAnOrigin(t *testing.T) {
	for _, o := range []string{"localhost:8080", "ftp://localhost", "http://", "http://localhost:8080/path", "http://localhost?x=1",
		"http://user@localhost", "http://localhost#f", "::"} {
		if _, err := Origins(o); err == nil || !strings.Contains(err.Error(), "not an origin") {
			t.Errorf("%q: %v", o, err)
		}
	}
	if f, err := Origins(); err != nil || f == nil {
		t.Fatalf("no origins: %v", err)
	}
}

func TestLimit(t *testing.T) {
	calls := 0
	f := Limit(func(context.Context, string) ([]byte, error) { calls++; return []byte("x"), nil }, 2)
	for i := range 3 {
		_, err := f(context.Background(), "https://example.org")
		if (err == nil) != (i < 2) {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	if calls != 2 {
		t.Fatalf("%d calls reached the fetch", calls)
	}
}
