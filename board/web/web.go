package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

//go:embed all:templates static
var webFiles embed.FS

// page is what every HTML page template receives.
type page struct {
	Title string
	User  *boardsql.User
	// Flash is a one-time message from the previous action ("Saved.").
	Flash string
	// Errors maps form fields to what to fix; "" holds a form-wide error.
	Errors map[string]string
	// Form holds the submitted values to show again after an error.
	Form url.Values
	Path string
	Data any
}

// FieldError returns the error for a form field.
func (p page) FieldError(field string) string { return p.Errors[field] }

// Value returns a submitted form value, for refilling a form.
func (p page) Value(field string) string { return p.Form.Get(field) }

// templateFuncs are the helpers every template may use.
var templateFuncs = template.FuncMap{
	// hasRole takes the role's value; one that is not a role fails the page.
	"hasRole": func(u *boardsql.User, role string) (bool, error) {
		r, err := auth.ParseRole(role)
		if err != nil {
			return false, err
		}
		return u != nil && u.HasRole(r), nil
	},
	"isStaff": func(u *boardsql.User) bool { return u != nil && u.IsStaff() },
	// words writes a value such as a state or a role with spaces for "_".
	"words": func(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") },
	"num":   formatNum,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"min":  func(a, b float64) float64 { return math.Min(a, b) },
	"list": func(xs ...any) []any { return xs },
}

// parseTemplates builds one template per page: the layout with the page's
// own blocks. Each file under templates/ other than layout.html is a page
// named by its file name without .html; files whose name starts with "_"
// hold shared blocks available to every page.
func parseTemplates() (map[string]*template.Template, error) {
	base := template.New("layout.html").Funcs(templateFuncs)
	base, err := base.ParseFS(webFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	shared, _ := fs.Glob(webFiles, "templates/_*.html")
	if len(shared) > 0 {
		if base, err = base.ParseFS(webFiles, shared...); err != nil {
			return nil, err
		}
	}
	files, err := fs.Glob(webFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(webFiles, f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f, err)
		}
		out[name] = t
	}
	return out, nil
}

// FlashCookie carries a one-time message across a redirect.
const FlashCookie = "__Host-certboard_flash"

// render writes an HTML page with the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.internal(w, fmt.Errorf("no page template %q", name))
		return
	}
	p.User = userFrom(r)
	p.Path = r.URL.Path
	if c, err := r.Cookie(FlashCookie); err == nil && p.Flash == "" {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			if msg, isErr := strings.CutPrefix(v, "!"); isErr {
				if p.Errors == nil {
					p.Errors = map[string]string{}
				}
				p.Errors[""] = msg
			} else {
				p.Flash = v
			}
		}
		http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: "", Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.internal(w, fmt.Errorf("rendering %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// redirect answers a form post with 303 See Other and a one-time message;
// a message starting with "!" is shown as an error.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: FlashCookie, Value: url.QueryEscape(flash), Path: "/", Secure: true, HttpOnly: true,
			SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pageError shows an error page for a browser.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	s.render(w, r, status, "error", page{Title: title, Data: detail})
}

// isPage reports whether a route pattern serves browsers (HTML) rather than
// programs: everything outside /api/ and the operational endpoints.
func isPage(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	if p == "" {
		p = pattern
	}
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics" && !strings.HasPrefix(p, "/static/")
}

// parseForm reads a urlencoded or multipart form with a size limit; on
// failure it has answered.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, http.StatusBadRequest, "The form could not be read", "Send the form again; it may have been too large ("+err.Error()+").")
		return false
	}
	return true
}

// staticFiles serves the stylesheet and scripts, cacheable for a day.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(webFiles, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	})
}

// formatNum writes a number of hours or credits for people: whole numbers
// without decimals, others with at most two.
func formatNum(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
