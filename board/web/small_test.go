package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestPagesNameTheBoard: every page's header and window title give the
// board's name once an admin saved it, and "certboard" before.
func TestPagesNameTheBoard(t *testing.T) {
	s, _, h, _, c := adminSetup(t)
	brand := func(name string) string { return `<a class="brand" href="/">` + name + `</a>` }
	for _, path := range []string{"/", "/registry", "/login"} {
		body := get(t, h, path).Body.String()
		if !strings.Contains(body, brand("certboard")) || !strings.Contains(body, " · certboard</title>") {
			t.Errorf("GET %s before the board has a name: no header or title saying certboard", path)
		}
	}
	form := url.Values{"name": {"Board of Sexuality Professionals & Educators"}, "contact_email": {"office@bsp.example.org"}, "version": {"0"}}
	if rec := postForm(t, h, "/admin/board", form, c); rec.Code != 303 {
		t.Fatalf("saving the board's details: %d %s", rec.Code, rec.Body)
	}
	if got := s.boardName(context.Background()); got != "Board of Sexuality Professionals & Educators" {
		t.Fatalf("boardName = %q", got)
	}
	for _, path := range []string{"/", "/registry", "/login", "/no-such-page"} {
		body := get(t, h, path).Body.String()
		if !strings.Contains(body, brand("Board of Sexuality Professionals &amp; Educators")) ||
			!strings.Contains(body, " · Board of Sexuality Professionals &amp; Educators</title>") {
			t.Errorf("GET %s: the header or title does not name the board:\n%s", path, body)
		}
	}
	if body := getAs(t, h, "/admin", c).Body.String(); !strings.Contains(body, brand("Board of Sexuality Professionals &amp; Educators")) {
		t.Errorf("a signed-in page does not name the board")
	}
}

// TestFavicon: the pages link the favicon, served as SVG and cacheable.
func TestFavicon(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	if body := get(t, h, "/").Body.String(); !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Errorf("the page links no favicon:\n%s", body)
	}
	rec := get(t, h, "/static/favicon.svg")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg ") {
		t.Fatalf("GET /static/favicon.svg: %d %q %.40q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control %q: the favicon is not cacheable", cc)
	}
}
