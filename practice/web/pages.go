package web

import (
	"embed"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/certboard/certboard/auth"
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

// Checked reports whether a form value is among those submitted for
// field, for refilling checkboxes.
func (p page) Checked(field, value string) bool {
	for _, v := range p.Form[field] {
		if v == value {
			return true
		}
	}
	return false
}

// templateFuncs are the helpers every template may use: the account
// pages' (account.Funcs), hasRole, which takes a role's value, and dict
// (kit.Dict), which hands a block several values.
var templateFuncs = func() template.FuncMap {
	f := template.FuncMap{
		"hasRole": func(u *auth.User, role string) bool { return u != nil && u.HasRole(auth.Role(role)) },
		"dict":    kit.Dict,
	}
	maps.Copy(f, account.Funcs)
	return f
}()

// parseTemplates builds one template per page from templates/ and the
// account pages every mode shares, in the practice's layout.
// The helpers of the mount m (prefix and path, see kit.Mount.Funcs) are
// among them.
func parseTemplates(m kit.Mount) (kit.Pages, error) {
	funcs := maps.Clone(templateFuncs)
	maps.Copy(funcs, m.Funcs())
	return kit.ParsePages(webFiles, "templates", funcs, account.Templates, admin.Templates)
}

// FlashCookie carries a one-time message across a redirect. Its name, like
// every cookie of the practice, differs from the board's: on localhost,
// where the demo serves both, cookies ignore the port.
const FlashCookie = "__Host-certboard_practice_flash"

// render writes an HTML page with the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.User = account.UserFrom(r)
	p.Path = r.URL.Path
	p.Flash, p.Errors = kit.PageFlash(w, r, FlashCookie, p.Flash, p.Errors)
	if err := s.pages.Render(w, status, name, p); err != nil {
		s.errs.Internal(w, err)
	}
}

// redirect answers a form post with 303 See Other and a one-time message;
// a message starting with "!" is shown as an error.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	kit.Redirect(w, r, FlashCookie, to, flash)
}

// handle adapts a handler that returns its failure: a *certboard.Error is
// answered as a page or problem+json, any other error is logged and
// answered 500. The handler has written nothing when it returns an error.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return s.errs.Handle(h)
}

// pageError shows an error page for a browser.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	s.render(w, r, status, "error", page{Title: title, Data: detail})
}

// fail answers an error: problem+json to the API, a page to browsers.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if kit.WantsProblem(r) {
		kit.Problem(w, status, title, detail)
		return
	}
	s.pageError(w, r, status, title, detail)
}

// isPage reports whether a route pattern serves browsers (HTML) rather than
// programs: everything outside /api/ and the operational endpoints.
func isPage(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	if p == "" {
		p = pattern
	}
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && !strings.HasPrefix(p, "/static/")
}

// form reads a urlencoded form of at most 64 KiB.
func form(w http.ResponseWriter, r *http.Request) error { return kit.ParseForm(w, r, formOverhead) }

// maxEncodedChar is the most bytes one character of a text takes in a
// urlencoded body: four bytes of UTF-8, each written %XX (a CJK character
// takes 9, an emoji 12).
const maxEncodedChar = 4 * 3

// formOverhead is the room of a form's field names, separators and short
// fields (ids, dates, choices); it is also what form allows in all.
const formOverhead = 64 << 10

// textFormLimit is the body limit of a form whose texts, when valid, hold
// at most chars characters together: every one at its widest encoding,
// and the overhead.
func textFormLimit(chars int) int64 { return int64(chars)*maxEncodedChar + formOverhead }

// textForm reads a urlencoded form whose texts, when valid, hold at most
// chars characters together (textFormLimit): a valid text is never
// refused as a form too large, and a text over its limit reaches the use
// case, which names its field.
func textForm(w http.ResponseWriter, r *http.Request, chars int) error {
	return kit.ParseForm(w, r, textFormLimit(chars))
}

// staticFiles serves the stylesheet, cacheable for a day.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(webFiles, "static")
	return kit.Static("/static/", sub)
}
