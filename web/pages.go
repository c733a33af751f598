package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/certboard/certboard"
)

// Pages holds one template per page, by name: the layout with the page's
// own blocks.
type Pages map[string]*template.Template

// ParsePages builds the pages of a directory of fsys. Each file dir/*.html
// other than layout.html is a page named by its file name without .html;
// files whose name starts with "_" hold shared blocks available to every
// page. funcs are the helpers every template may use. Each of more holds,
// at its root, pages that other packages share between modes (the account
// pages of web/account): they are drawn in this layout like the mode's
// own, and a page name given twice is an error.
func ParsePages(fsys fs.FS, dir string, funcs template.FuncMap, more ...fs.FS) (Pages, error) {
	base := template.New("layout.html").Funcs(funcs)
	base, err := base.ParseFS(fsys, path.Join(dir, "layout.html"))
	if err != nil {
		return nil, err
	}
	shared, _ := fs.Glob(fsys, path.Join(dir, "_*.html"))
	if len(shared) > 0 {
		if base, err = base.ParseFS(fsys, shared...); err != nil {
			return nil, err
		}
	}
	out := map[string]*template.Template{}
	add := func(fsys fs.FS, dir string) error {
		files, err := fs.Glob(fsys, path.Join(dir, "*.html"))
		if err != nil {
			return err
		}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if name == "layout" || strings.HasPrefix(name, "_") {
				continue
			}
			if _, ok := out[name]; ok {
				return fmt.Errorf("template %s: a page named %q is there already", f, name)
			}
			t, err := template.Must(base.Clone()).ParseFS(fsys, f)
			if err != nil {
				return fmt.Errorf("template %s: %w", f, err)
			}
			out[name] = t
		}
		return nil
	}
	if err := add(fsys, dir); err != nil {
		return nil, err
	}
	for _, m := range more {
		if err := add(m, "."); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EscapeErrors draws every page with data and returns, by page name, the
// errors html/template finds in the templates themselves (*template.Error):
// contextual escaping (a link that starts with {{prefix}} or {{path}} and
// goes on in a branch can make an ambiguous URL context, which only shows
// when the page is drawn) and templates called but nowhere defined. Errors
// of drawing this data, such as a field an empty data lacks, are not
// reported.
func (p Pages) EscapeErrors(data any) map[string]error {
	out := map[string]error{}
	for name, t := range p {
		var terr *template.Error
		if err := t.ExecuteTemplate(io.Discard, "layout.html", data); errors.As(err, &terr) {
			out[name] = err
		}
	}
	return out
}

// Render writes the page name, executed with data, with the given status;
// nothing is written when it fails.
func (p Pages) Render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := p[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}

// pageBuffers are the buffers pages are rendered into before they are
// sent, reused so that a page of a hundred kilobytes does not grow a new
// buffer, copy by copy, on every request.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for reuse; a rare huge page's
// buffer goes to the garbage collector instead of staying in the pool.
const maxPooledPage = 1 << 20

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledPage {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

// TakeFlash reads the one-time message of the cookie named cookie and
// clears it; isErr is true for a message that is an error (written with a
// leading "!"). ok is false when there is none.
func TakeFlash(w http.ResponseWriter, r *http.Request, cookie string) (msg string, isErr, ok bool) {
	c, err := ReadCookie(r, cookie)
	if err != nil {
		return "", false, false
	}
	SetCookie(w, r, &http.Cookie{Name: cookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return "", false, false
	}
	msg, isErr = strings.CutPrefix(v, "!")
	return msg, isErr, true
}

// PageFlash gives a page about to be drawn the one-time message of the
// cookie named cookie (see TakeFlash), unless it has a message of its own
// (flash is not ""): an error joins the page's errors (errs, made when
// nil) as the form-wide one, under "", any other message is its flash.
// It returns the page's flash and errors.
func PageFlash(w http.ResponseWriter, r *http.Request, cookie, flash string, errs map[string]string) (string, map[string]string) {
	if flash != "" {
		return flash, errs
	}
	msg, isErr, ok := TakeFlash(w, r, cookie)
	switch {
	case ok && isErr:
		if errs == nil {
			errs = map[string]string{}
		}
		errs[""] = msg
	case ok:
		flash = msg
	}
	return flash, errs
}

// Redirect answers a form post with 303 See Other to to, a path from the
// server's root (see SeeOther), and a one-time message in the cookie named
// cookie (see SetCookie); a message starting with "!" is an error.
func Redirect(w http.ResponseWriter, r *http.Request, cookie, to, flash string) {
	if flash != "" {
		SetCookie(w, r, &http.Cookie{Name: cookie, Value: url.QueryEscape(flash), Path: "/", Secure: true, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	SeeOther(w, r, to, http.StatusSeeOther)
}

// ParseForm reads a urlencoded or multipart form of at most limit bytes;
// a form that cannot be read is a Malformed error saying so.
func ParseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return &certboard.Error{Code: certboard.Malformed, Title: "The form could not be read",
			Message: "Send the form again; it may have been too large (" + err.Error() + ").", Err: err}
	}
	return nil
}

// staticFiles are the files every mode serves beside its own: base.css,
// the rules every mode's pages link before the mode's own app.css.
//
//go:embed static
var staticFiles embed.FS

// Static serves the files of fsys under prefix ("/static/"), and beside
// them the files every mode shares (base.css, which every page links
// before its mode's app.css), cacheable for a day. A file of fsys hides a shared one of the
// same name.
func Static(prefix string, fsys fs.FS) http.Handler {
	fsrv := http.StripPrefix(prefix, http.FileServerFS(overlayFS{fsys, SubDir(staticFiles, "static")}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}

// overlayFS is the files of top and, where top has none of a name, those
// of under.
type overlayFS struct{ top, under fs.FS }

// Open opens name in top, or in under when top has no such file.
func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.under.Open(name)
	}
	return f, err
}

// Dict makes a map of its arguments taken in pairs, a key (a string) and
// its value, for templates: a block that needs several values is called
// with {{template "name" (dict "Task" . "Today" $v.Today)}}.
func Dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: %d arguments, not pairs of a key and a value", len(pairs))
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %d is a %T, not a string", i/2+1, pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// SubDir is the directory dir of the embedded files fsys as a file system
// of its own (fs.Sub), such as a package's templates; a dir that is not a
// valid path is a mistake of the program, and panics.
func SubDir(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
