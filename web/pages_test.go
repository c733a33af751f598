package web

import (
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/certboard/certboard"
)

// TestPages: each page is the layout with its own blocks and the shared
// ones; a page that is not there or fails writes nothing.
func TestPages(t *testing.T) {
	fsys := fstest.MapFS{
		"t/layout.html":  {Data: []byte(`<main>{{template "content" .}}</main>`)},
		"t/_shared.html": {Data: []byte(`{{define "hello"}}hello {{.}}{{end}}`)},
		"t/home.html":    {Data: []byte(`{{define "content"}}{{template "hello" .}}{{end}}`)},
		"t/broken.html":  {Data: []byte(`{{define "content"}}{{.Missing}}{{end}}`)},
	}
	pages, err := ParsePages(fsys, "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pages["_shared"]; ok || len(pages) != 2 {
		t.Fatalf("pages: %v", pages)
	}
	rec := httptest.NewRecorder()
	if err := pages.Render(rec, http.StatusAccepted, "home", "<you>"); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 202 || rec.Body.String() != "<main>hello &lt;you&gt;</main>" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("%d %q %v", rec.Code, rec.Body, rec.Header())
	}
	for _, name := range []string{"nowhere", "broken"} {
		rec := httptest.NewRecorder()
		if err := pages.Render(rec, 200, name, "x"); err == nil || rec.Body.Len() > 0 {
			t.Errorf("%s: %v %q", name, err, rec.Body)
		}
	}
}

// TestSharedPages: pages of another file system are drawn in the mode's
// layout with its shared blocks; a name given twice is refused.
func TestSharedPages(t *testing.T) {
	mode := fstest.MapFS{
		"t/layout.html":  {Data: []byte(`<main>{{template "content" .}}</main>`)},
		"t/_shared.html": {Data: []byte(`{{define "hello"}}hello {{.}}{{end}}`)},
		"t/home.html":    {Data: []byte(`{{define "content"}}home{{end}}`)},
	}
	shared := fstest.MapFS{"login.html": {Data: []byte(`{{define "content"}}{{template "hello" .}}: sign in{{end}}`)}}
	pages, err := ParsePages(mode, "t", nil, shared)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := pages.Render(rec, http.StatusOK, "login", "you"); err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != "<main>hello you: sign in</main>" || len(pages) != 2 {
		t.Errorf("%q %v", rec.Body, pages)
	}
	twice := fstest.MapFS{"home.html": {Data: []byte(`{{define "content"}}again{{end}}`)}}
	if _, err := ParsePages(mode, "t", nil, twice); err == nil || !strings.Contains(err.Error(), `"home"`) {
		t.Fatalf("a page given twice: %v", err)
	}
}

// TestFlash: a redirect's message comes back once, an error as such.
func TestFlash(t *testing.T) {
	for _, msg := range []string{"Saved.", "!Not saved; fix the form."} {
		rec := httptest.NewRecorder()
		Redirect(rec, httptest.NewRequest(http.MethodPost, "/x", nil), "flash", "/y", msg)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/y" {
			t.Fatalf("%d %v", rec.Code, rec.Header())
		}
		r := httptest.NewRequest(http.MethodGet, "/y", nil)
		r.AddCookie(rec.Result().Cookies()[0])
		back := httptest.NewRecorder()
		got, isErr, ok := TakeFlash(back, r, "flash")
		if !ok || isErr != strings.HasPrefix(msg, "!") || got != strings.TrimPrefix(msg, "!") {
			t.Errorf("%q: %q %v %v", msg, got, isErr, ok)
		}
		if c := back.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
			t.Errorf("%q: the cookie is not cleared: %v", msg, c)
		}
	}
	if _, _, ok := TakeFlash(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), "flash"); ok {
		t.Error("a message without a cookie")
	}
}

// TestParseForm: a form over the limit is a Malformed error saying so.
func TestParseForm(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a="+strings.Repeat("x", 100)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	err := ParseForm(httptest.NewRecorder(), r, 10)
	if certboard.ErrorCode(err) != certboard.Malformed || !strings.Contains(certboard.ErrorMessage(err), "too large") {
		t.Errorf("%v", err)
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a=b"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := ParseForm(httptest.NewRecorder(), r, 10); err != nil || r.PostForm.Get("a") != "b" {
		t.Errorf("%v %v", err, r.PostForm)
	}
}

// TestDict: pairs make a map; an odd count or a key that is not a string
// is an error.
func TestDict(t *testing.T) {
	m, err := Dict("a", 1, "b", "x")
	if err != nil || len(m) != 2 || m["a"] != 1 || m["b"] != "x" {
		t.Fatalf("Dict = %v, %v", m, err)
	}
	if _, err := Dict("a"); err == nil {
		t.Error("an odd count is accepted")
	}
	if _, err := Dict(1, 2); err == nil {
		t.Error("a key that is not a string is accepted")
	}
}

// TestSubDir: the subtree's files are at its root; a path that is not
// valid panics.
func TestSubDir(t *testing.T) {
	sub := SubDir(fstest.MapFS{"t/a.html": {Data: []byte("a")}}, "t")
	if b, err := fs.ReadFile(sub, "a.html"); err != nil || string(b) != "a" {
		t.Fatalf("a.html = %q, %v", b, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("an invalid path does not panic")
		}
	}()
	SubDir(fstest.MapFS{}, "../t")
}

// TestStaticShared: a mode's files and the shared base.css are served
// under the prefix; a mode's file of the same name hides the shared one.
func TestStaticShared(t *testing.T) {
	get := func(h http.Handler, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	h := Static("/static/", fstest.MapFS{"app.css": {Data: []byte(`main { margin: 0 }`)}})
	if rec := get(h, "/static/app.css"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "main {") {
		t.Errorf("app.css: %d %q", rec.Code, rec.Body)
	}
	rec := get(h, "/static/base.css")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") || !strings.Contains(rec.Body.String(), ".table-wrap") ||
		rec.Header().Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("base.css: %d %q %q %.80q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), rec.Body)
	}
	if rec := get(h, "/static/none.css"); rec.Code != 404 {
		t.Errorf("none.css: %d", rec.Code)
	}
	h = Static("/static/", fstest.MapFS{"base.css": {Data: []byte("own")}})
	if rec := get(h, "/static/base.css"); rec.Body.String() != "own" {
		t.Errorf("a mode's base.css is not the one served: %q", rec.Body)
	}
}

// TestPageFlash: a page's own message stands and leaves the cookie; else
// the cookie's message is the page's flash, or its form-wide error.
func TestPageFlash(t *testing.T) {
	withCookie := func(msg string) *http.Request {
		rec := httptest.NewRecorder()
		Redirect(rec, httptest.NewRequest(http.MethodPost, "/x", nil), "flash", "/y", msg)
		r := httptest.NewRequest(http.MethodGet, "/y", nil)
		r.AddCookie(rec.Result().Cookies()[0])
		return r
	}
	rec := httptest.NewRecorder()
	flash, errs := PageFlash(rec, withCookie("Saved."), "flash", "Own.", nil)
	if flash != "Own." || errs != nil || len(rec.Result().Cookies()) != 0 {
		t.Errorf("own message: %q %v %v", flash, errs, rec.Result().Cookies())
	}
	flash, errs = PageFlash(httptest.NewRecorder(), withCookie("Saved."), "flash", "", nil)
	if flash != "Saved." || errs != nil {
		t.Errorf("message: %q %v", flash, errs)
	}
	flash, errs = PageFlash(httptest.NewRecorder(), withCookie("!Not saved."), "flash", "", map[string]string{"a": "b"})
	if flash != "" || errs[""] != "Not saved." || errs["a"] != "b" {
		t.Errorf("error: %q %v", flash, errs)
	}
	flash, errs = PageFlash(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), "flash", "", nil)
	if flash != "" || errs != nil {
		t.Errorf("no cookie: %q %v", flash, errs)
	}
}

// TestEscapeErrors: a page whose link ends its branches in different URL
// contexts, or that calls a template nowhere defined, is reported by name;
// a page that escapes cleanly is not, even when drawing it with this data
// fails.
func TestEscapeErrors(t *testing.T) {
	parse := func(text string) *template.Template {
		return template.Must(template.New("layout.html").Parse(text))
	}
	pages := Pages{
		"clean":     parse(`<a href="/x/{{.}}">x</a>`),
		"ambiguous": parse(`<a href="{{if .}}/a{{else}}/b?q={{end}}{{.}}">x</a>`),
		"undefined": parse(`{{template "none"}}`),
		"failing":   parse(`{{.Missing}}`),
	}
	errs := pages.EscapeErrors("v")
	if len(errs) != 2 || errs["ambiguous"] == nil || errs["undefined"] == nil {
		t.Errorf("EscapeErrors = %v, want ambiguous and undefined", errs)
	}
}
