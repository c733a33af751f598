package web

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMountOf(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"https://board.example.org":       "",
		"https://board.example.org/":      "",
		"https://example.org/board":       "/board",
		"https://example.org/board/":      "/board",
		"http://localhost:8080/a/b-c.d_~": "/a/b-c.d_~",
	} {
		m, err := MountOf(in)
		if err != nil || m.Prefix() != want {
			t.Errorf("MountOf(%q) = %q, %v; want %q", in, m.Prefix(), err, want)
		}
	}
	for _, bad := range []string{"https://example.org/board?x=1", "https://example.org/board#top", "https://example.org/a//b",
		"https://example.org/a/../b", "https://example.org/a/./b", "https://example.org/a%20b", "https://example.org/a%2Fb", "https://example.org/caf%C3%A9", "%zz"} {
		if m, err := MountOf(bad); err == nil {
			t.Errorf("MountOf(%q) = %q, want an error", bad, m.Prefix())
		}
	}
}

func TestMountPathsAndCookies(t *testing.T) {
	root, _ := MountOf("https://board.example.org")
	sub, _ := MountOf("https://example.org/board/")
	for _, c := range []struct{ in, root, sub string }{
		{"/login", "/login", "/board/login"},
		{"/", "/", "/board/"},
		{"/queue?state=x#y", "/queue?state=x#y", "/board/queue?state=x#y"},
		{"https://elsewhere.example/x", "https://elsewhere.example/x", "https://elsewhere.example/x"},
		{"//elsewhere.example/x", "//elsewhere.example/x", "//elsewhere.example/x"},
		{"#top", "#top", "#top"},
		{"", "", ""},
	} {
		if got := root.Path(c.in); got != c.root {
			t.Errorf("root Path(%q) = %q", c.in, got)
		}
		if got := sub.Path(c.in); got != c.sub {
			t.Errorf("/board Path(%q) = %q, want %q", c.in, got, c.sub)
		}
	}
	if root.CookieName("__Host-x") != "__Host-x" || root.CookiePath() != "/" {
		t.Errorf("at the root: %q %q", root.CookieName("__Host-x"), root.CookiePath())
	}
	if sub.CookieName("__Host-x") != "__Secure-x" || sub.CookiePath() != "/board/" {
		t.Errorf("under /board: %q %q", sub.CookieName("__Host-x"), sub.CookiePath())
	}
	// The template helpers write the prefix, and a Go-made path with it.
	tpl := template.Must(template.New("").Funcs(sub.Funcs()).Parse(`<a href="{{prefix}}/x">a</a><a href="{{path .}}">b</a>`))
	var b strings.Builder
	if err := tpl.Execute(&b, "/queue?page=2"); err != nil || b.String() != `<a href="/board/x">a</a><a href="/board/queue?page=2">b</a>` {
		t.Errorf("templates under /board: %q %v", b.String(), err)
	}
	tpl = template.Must(template.New("").Funcs(root.Funcs()).Parse(`<a href="{{prefix}}/x">a</a>`))
	b.Reset()
	if err := tpl.Execute(&b, nil); err != nil || b.String() != `<a href="/x">a</a>` {
		t.Errorf("templates at the root: %q %v", b.String(), err)
	}
}

func TestMountHandler(t *testing.T) {
	sub, _ := MountOf("https://example.org/board")
	var seen *http.Request
	h := sub.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		switch r.URL.Path {
		case "/go":
			SeeOther(w, r, "/there?x=1", http.StatusSeeOther)
		case "/flash":
			Redirect(w, r, "__Host-flash", "/done", "Saved.")
		case "/read":
			c, err := ReadCookie(r, "__Host-flash")
			if err != nil {
				http.Error(w, "no cookie", http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte(c.Value))
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	do := func(method, target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		seen = nil
		req := httptest.NewRequest(method, target, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	if w := do("GET", "/board/a%2Fb/c"); w.Code != 200 || seen.URL.Path != "/a/b/c" || seen.URL.EscapedPath() != "/a%2Fb/c" || MountFrom(seen).Prefix() != "/board" {
		t.Errorf("/board/a%%2Fb/c: %d, the handler saw %v", w.Code, seen.URL)
	}
	if w := do("GET", "/board/"); w.Code != 200 || seen.URL.Path != "/" {
		t.Errorf("/board/: %d", w.Code)
	}
	// Paths the mux would redirect to their clean form, which would lose
	// the prefix, and a first segment "board/x" escaped as one: not ours.
	for _, outside := range []string{"/", "/login", "/boardgames/x", "/other/board/x", "/board/a/../x", "/board//x", "/board/./x", "/board%2Fx"} {
		if w := do("GET", outside); w.Code != http.StatusNotFound || seen != nil {
			t.Errorf("%s outside the prefix: %d, handler reached: %v", outside, w.Code, seen != nil)
		}
	}
	if w := do("GET", "/board?q=1"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/board/?q=1" {
		t.Errorf("GET /board: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := do("POST", "/board"); w.Code != http.StatusNotFound {
		t.Errorf("POST /board: %d", w.Code)
	}
	if w := do("GET", "/board/go"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/board/there?x=1" {
		t.Errorf("SeeOther: %d %q", w.Code, w.Header().Get("Location"))
	}
	w := do("GET", "/board/flash")
	res := w.Result()
	if w.Header().Get("Location") != "/board/done" || len(res.Cookies()) != 1 {
		t.Fatalf("Redirect: %q %v", w.Header().Get("Location"), res.Cookies())
	}
	c := res.Cookies()[0]
	if c.Name != "__Secure-flash" || c.Path != "/board/" || !c.Secure || c.Domain != "" {
		t.Errorf("the flash cookie under /board: %+v", c)
	}
	if w := do("GET", "/board/read", &http.Cookie{Name: "__Secure-flash", Value: "v"}); w.Body.String() != "v" {
		t.Errorf("ReadCookie under /board: %d %q", w.Code, w.Body.String())
	}
	if w := do("GET", "/board/read", &http.Cookie{Name: "__Host-flash", Value: "v"}); w.Code != http.StatusBadRequest {
		t.Errorf("ReadCookie under /board read the root's cookie: %d", w.Code)
	}

	// At the root the handler is the one given, and nothing changes.
	root, _ := MountOf("")
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Redirect(w, r, "__Host-flash", "/done", "Saved.") })
	w = httptest.NewRecorder()
	root.Handler(inner).ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	res = w.Result()
	if w.Header().Get("Location") != "/done" || len(res.Cookies()) != 1 || res.Cookies()[0].Name != "__Host-flash" || res.Cookies()[0].Path != "/" {
		t.Errorf("at the root: %q %v", w.Header().Get("Location"), res.Cookies())
	}
}
