package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/account"
	"github.com/certboard/certboard/web/admin"
)

//go:embed all:templates static
var webFiles embed.FS

// page is what every HTML page template receives.
type page struct {
	Title string
	User  *auth.User
	// Flash is a one-time message from the previous action ("Saved.").
	Flash string
	// FlashInContent says the page's own template shows Flash, beside the
	// form it answers, because the redirect landed on an anchor further
	// down, where a message at the top would be out of sight.
	FlashInContent bool
	// Errors maps form fields to what to fix; "" holds a form-wide error.
	Errors map[string]string
	// Form holds the submitted values to show again after an error.
	Form url.Values
	Path string
	Data any
	// BoardName is the board's name (board.BoardSettings.DisplayName), for
	// the header and the window's title; render sets it.
	BoardName string
}

// FieldError returns the error for a form field.
func (p page) FieldError(field string) string { return p.Errors[field] }

// Value returns a submitted form value, for refilling a form.
func (p page) Value(field string) string { return p.Form.Get(field) }

// templateFuncs are the helpers every template may use.
var templateFuncs = template.FuncMap{
	// hasRole takes the role's value; one that is not a role fails the page.
	"hasRole": func(u *auth.User, role string) (bool, error) {
		r, err := auth.ParseRole(role)
		if err != nil {
			return false, err
		}
		return u != nil && u.HasRole(r), nil
	},
	"isStaff": func(u *auth.User) bool { return u != nil && u.IsStaff() },
	// words writes a value such as a state or a role with spaces for "_";
	// when a time in UTC to the minute (the account pages' helpers).
	"words": account.Funcs["words"],
	"when":  account.Funcs["when"],
	"num":   formatNum,
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"min":  func(a, b float64) float64 { return math.Min(a, b) },
	"list": func(xs ...any) []any { return xs },
	// dict hands a block several values by name (kit.Dict).
	"dict": kit.Dict,
	// counted writes a count with its noun: "1 application", "3 applications".
	"counted": counted,
	"docName": board.DocumentName,
	// limit makes a report's figure for a cap a limit to draw, labelled by
	// the element with the given id (see the "limit" template).
	"limit": limitOf,
	// evidenceSection hands one list of the dashboard's evidence to the
	// "evidence-list" template.
	"evidenceSection": evidenceSection,
}

// parseTemplates builds one template per page from templates/ and the
// account pages every mode shares (account.Templates), in the board's
// layout (see kit.ParsePages), with the helpers of the mount m (prefix
// and path, see kit.Mount.Funcs).
func parseTemplates(m kit.Mount) (kit.Pages, error) {
	funcs := maps.Clone(templateFuncs)
	maps.Copy(funcs, m.Funcs())
	return kit.ParsePages(webFiles, "templates", funcs, account.Templates, admin.Templates)
}

// FlashCookie carries a one-time message across a redirect.
const FlashCookie = "__Host-certboard_flash"

// render writes an HTML page with the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.User = userFrom(r)
	p.Path = r.URL.Path
	p.BoardName = s.boardName(r.Context())
	p.Flash, p.Errors = kit.PageFlash(w, r, FlashCookie, p.Flash, p.Errors)
	if err := s.pages.Render(w, status, name, p); err != nil {
		s.internal(w, err)
	}
}

// redirect answers a form post with 303 See Other and a one-time message;
// a message starting with "!" is shown as an error.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	kit.Redirect(w, r, FlashCookie, to, flash)
}

// handle adapts a handler that returns its failure instead of writing it:
// a *certboard.Error (or an error boundaryError converts) is answered as a
// page or problem+json, any other error is logged and answered 500. The
// handler has written nothing when it returns an error.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return s.errs.Handle(h)
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

// form reads a urlencoded or multipart form of at most 1 MiB; a form that
// cannot be read is a Malformed error (kit.ParseForm), answered 400.
func (s *Server) form(w http.ResponseWriter, r *http.Request) error {
	return kit.ParseForm(w, r, 1<<20)
}

// staticFiles serves the stylesheet and scripts, cacheable for a day.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(webFiles, "static")
	return kit.Static("/static/", sub)
}

// formatNum writes a number of hours or credits for people: whole numbers
// without decimals, others with at most two.
func formatNum(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// counted writes n with the noun in the singular for one, the plural
// otherwise: "1 application", "0 applications" (certboard.Plural, for
// templates).
func counted(n int, one, many string) string { return certboard.Plural(n, one, many) }
