package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Mount is where a server sits in its public URL: at the root of its host
// (https://board.example.org), or under a path prefix
// (https://example.org/board/) that a reverse proxy forwards without
// stripping it. Inside a server every path is written from its root
// ("/registry"); the mount adds the prefix at the edges, in one place
// each: Handler strips it from requests, the template helper prefix
// writes it before every link, form and asset of a page, Redirect and
// SeeOther put it in Location, and SetCookie and ReadCookie scope the
// cookies to it. The zero Mount is the root, where nothing changes.
type Mount struct {
	// prefix is "" at the root, otherwise the path without a trailing
	// slash ("/board").
	prefix string
}

// MountOf reads the mount of a public URL: its path, without a trailing
// slash. A path may only hold segments of letters, digits, "-", ".", "_"
// and "~" (not "." or ".."), so that it needs no escaping in a URL, a
// cookie attribute or a did:web; a URL with a query or fragment is
// refused. "" (no public URL) is the root.
func MountOf(publicURL string) (Mount, error) {
	if publicURL == "" {
		return Mount{}, nil
	}
	u, err := url.Parse(publicURL)
	if err != nil {
		return Mount{}, err
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return Mount{}, errors.New("it has a query or a fragment; give the scheme, host and, to serve under a path, the path (such as https://example.org/board/)")
	}
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	if p == "" {
		return Mount{}, nil
	}
	for i, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." || strings.TrimLeft(seg, pathChars) != "" {
			return Mount{}, fmt.Errorf("path segment %d %q: use letters, digits, \"-\", \".\", \"_\" and \"~\" only, and no empty, \".\" or \"..\" segment", i+1, seg)
		}
	}
	return Mount{prefix: p}, nil
}

// pathChars are the characters a mount's path segments may hold.
const pathChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"

// Prefix is the path the server is served under, without a trailing
// slash: "" at the root, "/board" under https://example.org/board/.
func (m Mount) Prefix() string { return m.prefix }

// Path is the public path of p, a path from the server's root ("/login",
// "/credentials/x?y"): p with the prefix before it. Anything that is not
// such a path (an absolute URL, "", a "#fragment", a "//host" reference) is
// returned unchanged.
func (m Mount) Path(p string) string {
	if m.prefix == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return p
	}
	return m.prefix + p
}

// Funcs are the template helpers of the mount: prefix writes the prefix,
// for a page to write href="{{prefix}}/registry" (nothing at the root);
// path writes a path that Go code made, such as a pager's link, with the
// prefix (see Path): href="{{path .Next}}".
func (m Mount) Funcs() template.FuncMap {
	return template.FuncMap{"prefix": m.Prefix, "path": m.Path}
}

// CookieName is the name of a cookie named name at the root. A cookie at
// the root is named "__Host-...", which makes browsers insist on Secure,
// Path=/ and no Domain. Under a prefix the cookie must have a Path of its
// own, which __Host- forbids, so its name starts "__Secure-" instead:
// browsers still insist on Secure, and the cookie is still set without
// Domain, so that it goes to this host only.
func (m Mount) CookieName(name string) string {
	if m.prefix == "" {
		return name
	}
	if rest, ok := strings.CutPrefix(name, "__Host-"); ok {
		return "__Secure-" + rest
	}
	return name
}

// CookiePath is the Path of the server's cookies: "/" at the root, the
// prefix with a slash under it ("/board/", so that the cookies do not go
// to /boardgames).
func (m Mount) CookiePath() string { return m.prefix + "/" }

// Handler serves h under the mount. At the root it is h itself. Under a
// prefix, a request for a path under it reaches h with the prefix taken
// off (as http.StripPrefix does) and the mount in its context, for
// MountFrom; the prefix alone is redirected to the prefix with a slash
// (for GET and HEAD); every other path is answered 404, as it is not
// certboard's.
func (m Mount) Handler(h http.Handler) http.Handler {
	if m.prefix == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == m.prefix {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				http.NotFound(w, r)
				return
			}
			to := m.prefix + "/"
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return
		}
		p, ok := strings.CutPrefix(r.URL.Path, m.prefix)
		rp, rok := strings.CutPrefix(r.URL.RawPath, m.prefix)
		if !ok || !strings.HasPrefix(p, "/") || (r.URL.RawPath != "" && (!rok || !strings.HasPrefix(rp, "/"))) {
			http.NotFound(w, r)
			return
		}
		// A path that is not clean ("/a/../x", "//x") is refused rather
		// than passed on: the mux would redirect it to its clean form
		// without the prefix, outside the mount.
		if clean := cleanPath(p); clean != p {
			http.NotFound(w, r)
			return
		}
		r2 := r.WithContext(context.WithValue(r.Context(), mountKey{}, m))
		u := *r.URL
		u.Path, u.RawPath = p, rp
		r2.URL = &u
		h.ServeHTTP(w, r2)
	})
}

// cleanPath is p as http.ServeMux wants it: path.Clean's form, keeping
// a trailing slash.
func cleanPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// mountKey keys the mount in a request's context.
type mountKey struct{}

// MountFrom is the mount a request came in through (see Handler): the
// root when it came in through none.
func MountFrom(r *http.Request) Mount {
	m, _ := r.Context().Value(mountKey{}).(Mount)
	return m
}

// SeeOther redirects to to, a path from the server's root (or an absolute
// URL), with the given status, the mount's prefix put before the path.
func SeeOther(w http.ResponseWriter, r *http.Request, to string, status int) {
	http.Redirect(w, r, MountFrom(r).Path(to), status)
}

// SetCookie sets c, named and scoped as the mount of r has it: c.Name is
// the cookie's name at the root ("__Host-..."), and its Path is replaced
// by the mount's (see CookieName and CookiePath).
func SetCookie(w http.ResponseWriter, r *http.Request, c *http.Cookie) {
	m := MountFrom(r)
	mc := *c
	mc.Name = m.CookieName(c.Name)
	mc.Path = m.CookiePath()
	http.SetCookie(w, &mc)
}

// ReadCookie returns the cookie of r named name at the root, under the
// name the mount of r gives it (see CookieName).
func ReadCookie(r *http.Request, name string) (*http.Cookie, error) {
	return r.Cookie(MountFrom(r).CookieName(name))
}
