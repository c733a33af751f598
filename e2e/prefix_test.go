package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/auth"
)

// TestUnderAPath signs in, in a browser, to a board served under /board
// (as behind a reverse proxy that keeps the path), with a password and a
// two-factor code: every form posts under the path, every redirect lands
// under it, the session cookie is __Secure-certboard_session scoped to
// /board/, and signing out (a form checked for its origin) works.
func TestUnderAPath(t *testing.T) {
	needBrowser(t)
	a := startAppAt(t, engines[0], "/board", nil)
	u := a.addUser("Sam Staff", "sam@example.org", "", auth.Staff)
	secret := a.enableTOTP(u)
	p := newBrowser(t, a).person("Sam")
	p.open("/queue")
	if path := p.path(); path != "/board/login?next=%2Fqueue" {
		p.fatalf("a page that needs sign-in led to %s, want /board/login?next=%%2Fqueue", path)
	}
	p.fill("email", "sam@example.org")
	p.fill("password", password)
	p.click(`form[action="/board/login"] button[type=submit]`)
	p.expectPath("/board/login/two-factor?next=%2Fqueue")
	p.fill("code", p.app.totp(secret))
	p.click(`form[action="/board/login/two-factor"] button[type=submit]`)
	p.expectPath("/board/queue")
	p.expectText("header nav", "Sign out")

	cookies, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.app.url + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var session *network.Cookie
	for _, c := range cookies.Cookies {
		if strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("a __Host- cookie under a path: %s", c.Name)
		}
		if c.Name == "__Secure-certboard_session" {
			session = c
		}
	}
	if session == nil || session.Path != "/board/" || !session.Secure || !session.HTTPOnly {
		t.Fatalf("the session cookie: %+v among %d", session, len(cookies.Cookies))
	}
	// The stylesheet came from under the path.
	var sheets int
	p.js(`[...document.styleSheets].filter(s => s.href && new URL(s.href).pathname === "/board/static/app.css" && s.cssRules.length > 0).length`, &sheets)
	if sheets != 1 {
		t.Errorf("the stylesheet under /board/static/ is not applied: %d", sheets)
	}
	p.click(`form[action="/board/logout"] button[type=submit]`)
	if path := p.path(); !strings.HasPrefix(path, "/board/") || p.has(`form[action="/board/logout"]`) {
		t.Fatalf("signing out led to %s, still signed in: %v", path, p.has(`form[action="/board/logout"]`))
	}
}
