package web

import (
	"strings"
	"testing"
)

// TestFavicon: the practice's pages link its favicon, served as SVG and
// cacheable.
func TestFavicon(t *testing.T) {
	w := newWorld(t)
	if body := w.get(t, "/login").Body.String(); !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Errorf("the sign-in page links no favicon:\n%s", body)
	}
	rec := w.get(t, "/static/favicon.svg")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg ") {
		t.Fatalf("GET /static/favicon.svg: %d %q %.40q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q: the favicon is not cacheable", cc)
	}
}
