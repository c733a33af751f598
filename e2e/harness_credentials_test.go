package e2e

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/board/web"
)

// startDemoApp is startApp with the demo board seeded (web.SeedDemo);
// it returns the demo's logins as well.
func startDemoApp(t *testing.T, eng engine) (*app, []web.DemoLogin) {
	t.Helper()
	var logins []web.DemoLogin
	a := startAppWith(t, eng, func(srv *web.Server) {
		var err error
		if logins, err = srv.SeedDemo(context.Background()); err != nil {
			t.Fatalf("seeding the demo on %s: %v", eng.name, err)
		}
	})
	return a, logins
}

// demoLogin finds a demo account by the local part of its address.
func demoLogin(t *testing.T, logins []web.DemoLogin, local string) web.DemoLogin {
	t.Helper()
	for _, l := range logins {
		if strings.HasPrefix(l.Email, local+"@") {
			return l
		}
	}
	t.Fatalf("the demo has no account %s@…", local)
	return web.DemoLogin{}
}

// signInDemo is signIn (harness_test.go) with the demo's password: it signs
// in with the mouse and typing, and the authenticator code when the account
// has two factors, and ends signed in wherever sign-in leads.
func (p *person) signInDemo(l web.DemoLogin) {
	p.t.Helper()
	p.open("/login")
	p.fill("email", l.Email)
	p.fill("password", web.DemoPassword)
	p.click(`form[action="/login"] button[type=submit]`)
	if l.TOTPSecret != "" {
		if !strings.HasPrefix(p.path(), "/login/two-factor") {
			p.fatalf("after the password, %s is not asked for a code", l.Email)
		}
		p.fill("code", p.app.totp(l.TOTPSecret))
		p.click(`form[action="/login/two-factor"] button[type=submit]`)
	}
	p.expectText("header nav", "Sign out")
}

// paste puts text into a field as a paste does: the field is focused, its
// content selected and replaced in one input (typing a credential of
// several kilobytes key by key would take seconds and prove nothing more).
func (p *person) paste(id, text string) {
	p.t.Helper()
	var ok bool
	p.js(`(() => { const e = document.getElementById(`+quote(id)+`); if (!e) return false; e.focus(); e.select(); return true; })()`, &ok)
	if !ok {
		p.fatalf("no field #%s to paste into", id)
	}
	if _, err := chromedp.Call(p.ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		p.fatalf("pasting into #%s: %v", id, err)
	}
	var got string
	p.js(`document.getElementById(`+quote(id)+`).value`, &got)
	if got != text {
		p.fatalf("#%s holds %d characters after pasting %d", id, len(got), len(text))
	}
}

// tabToMatch presses Tab until the focused element matches the CSS
// selector; it fails when Tab never reaches one.
func (p *person) tabToMatch(sel string) {
	p.t.Helper()
	for range 200 {
		var ok bool
		p.js(`!!(document.activeElement && document.activeElement.matches(`+quote(sel)+`))`, &ok)
		if ok {
			return
		}
		p.keys("\t")
	}
	p.fatalf("Tab never reaches %s", sel)
}

// pressFor presses a key (" " for Space) on the focused element and waits
// for the page it leads to.
func (p *person) pressFor(key string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(key))
	if err != nil {
		p.fatalf("pressing %q: %v", key, err)
	}
	p.arrived(resp, fmt.Sprintf("pressing %q", key))
}

// fetched is what an HTTP GET answered.
type fetched struct {
	Status      int
	ContentType string
	Disposition string
	Body        []byte
}

// fetchWithCookies gets a path of the application with Go's HTTP client,
// sending the cookies the person's browser holds for it: what a download
// of a link on the page receives, headers included.
func (p *person) fetchWithCookies(path string) fetched {
	p.t.Helper()
	cookies, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.app.url + "/"}})
	if err != nil {
		p.fatalf("reading the browser's cookies: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.app.url+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.fatalf("GET %s: %v", path, err)
	}
	return fetched{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Disposition: resp.Header.Get("Content-Disposition"), Body: body}
}

// download clicks the link matching sel, which the browser saves as a file
// (the server answers it as an attachment), and returns the name the
// browser suggested and the bytes it saved.
func (p *person) download(sel string) (string, []byte) {
	p.t.Helper()
	if !p.has(sel) {
		p.fatalf("no link to download matches %s", sel)
	}
	dir := p.t.TempDir()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior:         cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	}); err != nil {
		p.fatalf("allowing downloads: %v", err)
	}
	begin := chromedp.Events(ctx, cdpbrowser.DownloadWillBegin)
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
	var name, guid string
	for ev, err := range begin {
		if err != nil {
			p.fatalf("clicking %s starts no download: %v", sel, err)
		}
		name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			p.fatalf("downloading %s (%s): %v", sel, name, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			p.fatalf("the download of %s (%s) was cancelled", sel, name)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		p.fatalf("reading the download of %s: %v", sel, err)
	}
	return name, data
}

// verdict is the overall verdict a verification shows: the badge of the
// heading of its result ("valid", "invalid", "could not check").
func (p *person) verdict() string {
	p.t.Helper()
	var v string
	p.js(`(() => { const b = document.querySelector('main h2 .badge'); return b ? b.innerText.trim() : ''; })()`, &v)
	if v == "" {
		p.fatalf("the page shows no verdict (no badge in a heading)")
	}
	return v
}

// checkRow is one check of a verification as the page shows it.
type checkRow struct{ Name, Outcome, Detail string }

// checkRows reads the checks of a verification on /check: one row each.
func (p *person) checkRows() []checkRow {
	p.t.Helper()
	var cells [][]string
	p.js(`Array.from(document.querySelectorAll('main table tbody tr'), tr => Array.from(tr.cells, c => c.innerText.trim()))`, &cells)
	var out []checkRow
	for _, c := range cells {
		if len(c) < 3 {
			p.fatalf("a row of the checks has %d cells: %q", len(c), c)
		}
		out = append(out, checkRow{c[0], c[1], c[2]})
	}
	return out
}

// mainText is the visible text of the page's main content.
func (p *person) mainText() string {
	p.t.Helper()
	var s string
	p.js(`document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText`, &s)
	return s
}

// atPhoneWidth runs do on a phone-sized screen (390 by 844 CSS pixels, a
// mobile viewport), then goes back to the desktop size.
func (p *person) atPhoneWidth(do func()) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		p.fatalf("emulating a phone: %v", err)
	}
	// Clearing the override (desktop) gives the window's width back;
	// chromedp.ResetViewport would leave the page at the phone's width.
	defer desktop(p)
	do()
}

// fitsPhone fails when the page shown scrolls sideways on a 390 px screen.
func (p *person) fitsPhone(what string) {
	p.t.Helper()
	var width int
	p.js(`document.documentElement.scrollWidth`, &width)
	if width > 390 {
		p.t.Errorf("%s: on a 390 px wide phone the page is %d px wide: it scrolls sideways", what, width)
	}
}

var pdfStreamRE = regexp.MustCompile(`(?s)<<([^>]*?/Filter /FlateDecode[^>]*?)>>\s*stream\r?\n`)

// pdfContent is a PDF with its compressed streams inflated after it, so
// that the text its pages draw can be searched.
func pdfContent(pdf []byte) []byte {
	out := bytes.Clone(pdf)
	for _, m := range pdfStreamRE.FindAllSubmatchIndex(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(pdf[m[1]:]))
		if err != nil {
			continue
		}
		if data, err := io.ReadAll(zr); err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
			out = append(out, '\n')
			out = append(out, data...)
		}
	}
	return out
}
