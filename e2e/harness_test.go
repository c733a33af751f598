package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

const (
	// chromiumPath is where the Debian package puts Chromium.
	chromiumPath = "/usr/bin/chromium"
	// testTimeout bounds each test, so that a hang fails instead of
	// blocking CI. The axe test of the board's pages visits about thirty
	// pages at two widths: 1 to 2 minutes alone, past 3 on a host busy
	// with other builds, where it then failed on the deadline.
	testTimeout = 5 * time.Minute
	// password is every account's password in these tests.
	password = "violet kettle mountain breeze"
	// screenshotDir is where CERTBOARD_SCREENSHOTS=1 writes, relative to
	// this package.
	screenshotDir = "../docs/screenshots"
	// stepTimeout bounds one navigation, so that a page that never comes
	// fails with a clear message while the test has time left to say where.
	stepTimeout = 30 * time.Second
	// maxShotHeight bounds a screenshot's height in CSS pixels, so that a
	// long page (a portfolio of 80 items) keeps its PNG small.
	maxShotHeight = 2400
)

// epoch is the date the server's clock starts at: the example portfolios
// are eligible as of this day (examples/portfolios/expectations.json), and
// some of their memberships end later in 2026, so the real date would make
// the flow fail once they lapse.
var epoch = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// unavailable skips a test that lacks Chromium or PostgreSQL, or fails it
// in CI (CERTBOARD_CI=1), where both must be present.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CERTBOARD_CI") == "1" {
		t.Fatal(msg + " (required when CERTBOARD_CI=1)")
	}
	t.Skip(msg)
}

// engine opens an empty store of one database engine for a test.
type engine struct {
	name string
	open func(t *testing.T, keys *seal.Keyring) *boardsql.Store
}

// engines are the databases the flow runs on.
var engines = []engine{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(t *testing.T, keys *seal.Keyring) *boardsql.Store {
	t.Helper()
	st, err := boardsql.Open(context.Background(), boardsql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// openPostgres creates a database of its own for the test and drops it
// afterwards.
func openPostgres(t *testing.T, keys *seal.Keyring) *boardsql.Store {
	t.Helper()
	ctx := context.Background()
	dbURL, err := sqldbtest.Postgres(t)
	if err != nil {
		unavailable(t, "%v", err)
	}
	st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: dbURL, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// app is certboard served over HTTP for one test.
type app struct {
	t   *testing.T
	st  *boardsql.Store
	url string // http://localhost:PORT
	now func() time.Time
}

// startApp builds the server as `certboard serve` does, on a store of the
// engine, with its clock starting at epoch, and serves it on a free port of
// the loopback interface. Browsers reach it as localhost, where Chromium
// keeps the Secure, __Host- session cookie over plain HTTP.
func startApp(t *testing.T, eng engine) *app {
	t.Helper()
	return startAppWith(t, eng, nil)
}

// startAppWith is startApp with a step run on the server before it serves
// (prepare may be nil), such as seeding the demo board.
func startAppWith(t *testing.T, eng engine, prepare func(*web.Server)) *app {
	t.Helper()
	return startAppAt(t, eng, "", prepare)
}

// startAppAt is startAppWith serving under the path prefix ("" for the
// root, or such as "/board"), as behind a reverse proxy that keeps the
// path: the public URL, and the app's url, end with it.
func startAppAt(t *testing.T, eng engine, prefix string, prepare func(*web.Server)) *app {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st := eng.open(t, keys)
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating the %s store: %v", eng.name, err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, st: st, url: fmt.Sprintf("http://localhost:%d%s", ln.Addr().(*net.TCPAddr).Port, prefix)}
	start := time.Now()
	a.now = func() time.Time { return epoch.Add(time.Since(start)) }
	log := slog.New(slog.NewTextHandler(&testLog{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := web.New(web.Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Demo: boardsql.ForBoard{Store: st},
		Sets: sets, Log: log, Now: a.now, PublicURL: a.url, Files: docs})
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(srv)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return a
}

// testLog writes the server's warnings and errors to the test log.
type testLog struct {
	mu sync.Mutex
	t  *testing.T
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Logf("server: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

var passwordHash = sync.OnceValue(func() string {
	h, err := auth.Hash(password, auth.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
})

// addUser creates a verified account directly in the store.
func (a *app) addUser(name, email, practice string, roles ...auth.Role) *boardsql.User {
	a.t.Helper()
	ctx := context.Background()
	now := a.now()
	id, err := a.st.CreateUser(ctx, boardsql.User{Email: email, Name: name, PasswordHash: passwordHash(), Roles: roles,
		Workplace: practice, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		a.t.Fatalf("creating %s: %v", email, err)
	}
	u, err := a.st.UserByID(ctx, id)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// enableTOTP turns two-factor sign-in on for u and returns the secret.
func (a *app) enableTOTP(u *boardsql.User) string {
	a.t.Helper()
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.st.EnableTOTP(context.Background(), u.ID, secret, a.now()); err != nil {
		a.t.Fatal(err)
	}
	return secret
}

// totp is the code an authenticator app shows now, by the server's clock.
func (a *app) totp(secret string) string {
	a.t.Helper()
	code, err := auth.TOTPCode(secret, a.now())
	if err != nil {
		a.t.Fatal(err)
	}
	return code
}

// mail is a message in the outbox.
type mail struct{ Subject, Body string }

// mailTo lists the messages queued for an address, oldest first, their
// bodies opened (they are sealed in the outbox table).
func (a *app) mailTo(addr string) []mail {
	a.t.Helper()
	due, err := a.st.DueMail(context.Background(), time.Now().AddDate(100, 0, 0), 100000)
	if err != nil {
		a.t.Fatalf("reading the outbox: %v", err)
	}
	var out []mail
	for _, m := range due {
		if m.To == addr {
			out = append(out, mail{Subject: m.Subject, Body: m.Body})
		}
	}
	return out
}

// browser is one headless Chromium for a test; each person gets a browser
// context of their own in it (their own cookies, like a separate profile).
type browser struct {
	t     *testing.T
	app   *app
	ctx   context.Context
	shots bool
	// checked counts the pages checked by checkPage, by route (numbers
	// replaced by {n}).
	checked map[string]int
}

// needBrowser skips the test in -short mode, and when Chromium is missing
// (or fails it, in CI).
func needBrowser(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests take a minute; run them without -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		unavailable(t, "Chromium is not installed at %s (Debian package chromium): %v", chromiumPath, err)
	}
}

// newBrowser starts Chromium for a test, with the test's timeout.
func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	needBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // the tests may run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("hide-scrollbars", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancel()
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return &browser{t: t, app: a, ctx: bctx, checked: map[string]int{}}
}

// person is someone using the application in a browser context of their
// own. Every page they reach is checked for its structure (see checkPage).
type person struct {
	t    *testing.T
	app  *app
	b    *browser
	who  string
	ctx  context.Context
	last *network.Response
}

// person opens a new browser context for someone.
func (b *browser) person(who string) *person {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("%s: opening a browser context: %v", who, err)
	}
	// Date fields take typed digits in the order of the locale's format.
	if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "en_US"}); err != nil {
		b.t.Fatalf("%s: setting the locale: %v", who, err)
	}
	return &person{t: b.t, app: b.app, b: b, who: who, ctx: ctx}
}

// fatalf fails the test with where the person is and what the page says.
func (p *person) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("%s: %s\n%s", p.who, fmt.Sprintf(format, args...), p.describe())
}

// describe says where the person is: the address, the status, the heading,
// and any message or error the page shows.
func (p *person) describe() string {
	var b strings.Builder
	loc, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href`))
	fmt.Fprintf(&b, "  at %s", loc)
	if p.last != nil {
		fmt.Fprintf(&b, " (HTTP %d)", p.last.Status)
	}
	for _, sel := range []string{"h1", ".flash", ".error-summary", ".field-error"} {
		for _, txt := range p.texts(sel) {
			fmt.Fprintf(&b, "\n  %s: %s", sel, oneLine(txt))
		}
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// js runs an expression in the page and decodes its JSON result into out.
func (p *person) js(expr string, out any) {
	p.t.Helper()
	p.evaluate(expr, out)
}

// jsAwait is js for an expression that gives a promise: it waits for it.
func (p *person) jsAwait(expr string, out any) {
	p.t.Helper()
	p.evaluate(expr, out, chromedp.EvalAwaitPromise)
}

func (p *person) evaluate(expr string, out any, opts ...chromedp.EvaluateOption) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, opts...))
	if err != nil {
		p.t.Fatalf("%s: evaluating %q: %v", p.who, oneLine(expr), err)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		p.t.Fatalf("%s: decoding the result of %q (%s): %v", p.who, oneLine(expr), raw, err)
	}
}

// quote makes a Go string a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// texts returns the visible text of every element matching a CSS selector.
func (p *person) texts(sel string) []string {
	var out []string
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](
		`Array.from(document.querySelectorAll(`+quote(sel)+`), e => e.innerText.trim())`))
	if err == nil {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

// text returns the text of the first element matching sel, or "".
func (p *person) text(sel string) string {
	if ts := p.texts(sel); len(ts) > 0 {
		return ts[0]
	}
	return ""
}

// has reports whether an element matches sel.
func (p *person) has(sel string) bool {
	p.t.Helper()
	var n int
	p.js(`document.querySelectorAll(`+quote(sel)+`).length`, &n)
	return n > 0
}

// path is the path (and query) of the page shown.
func (p *person) path() string {
	p.t.Helper()
	var loc string
	p.js(`location.pathname + location.search`, &loc)
	return loc
}

// open goes to a path of the application and checks the page.
func (p *person) open(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.app.url+path))
	if err != nil {
		p.fatalf("opening %s: %v", path, err)
	}
	p.arrived(resp, "opening "+path)
}

// click clicks the element matching sel and waits for the page it leads to
// (a link, or a form's submit button).
func (p *person) click(sel string) {
	p.t.Helper()
	if !p.has(sel) {
		p.fatalf("nothing to click matches %s", sel)
	}
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
	p.arrived(resp, "clicking "+sel)
}

// tick clicks a checkbox or radio button, which leads nowhere.
func (p *person) tick(id string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID(id), chromedp.NodeVisible)); err != nil {
		p.fatalf("clicking #%s: %v", id, err)
	}
	var checked bool
	p.js(`document.getElementById(`+quote(id)+`).checked`, &checked)
	if !checked {
		p.fatalf("#%s is not checked after a click", id)
	}
}

// keys presses keys on whatever has the focus; "\t" is Tab, "\r" Enter.
func (p *person) keys(s string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent(s)); err != nil {
		p.fatalf("pressing %q: %v", s, err)
	}
}

// enter presses Enter and waits for the page the form leads to.
func (p *person) enter() {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.KeyEvent("\r"))
	if err != nil {
		p.fatalf("pressing Enter: %v", err)
	}
	p.arrived(resp, "pressing Enter")
}

// focused is the id of the element that has the focus ("" when it has none).
func (p *person) focused() string {
	p.t.Helper()
	var id string
	p.js(`document.activeElement ? document.activeElement.id : ""`, &id)
	return id
}

// tabTo presses Tab until the element with the id has the focus, as a
// keyboard user moves through a form; it fails when Tab never reaches it.
func (p *person) tabTo(id string) {
	p.t.Helper()
	for range 400 {
		if p.focused() == id {
			return
		}
		p.keys("\t")
	}
	p.fatalf("Tab never reaches #%s", id)
}

// arrived checks the response and the page just reached.
func (p *person) arrived(resp *network.Response, what string) {
	p.t.Helper()
	p.last = resp
	if resp == nil {
		p.fatalf("%s: no page loaded", what)
	}
	if resp.Status >= 500 {
		p.fatalf("%s: the server failed with HTTP %d", what, resp.Status)
	}
	p.checkPage()
}

// pageProblems is the structural check run on every page: exactly one
// <h1>, the layout's skip link to the main content, a label for every
// form field, no duplicate id and no aria-describedby pointing nowhere.
const pageProblems = `(() => {
  const out = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) out.push(h1 + ' <h1> elements, want exactly 1');
  const skip = document.querySelector('a.skip[href="#main"]');
  if (!skip) out.push('no skip link (a.skip href="#main")');
  else if (!document.getElementById('main')) out.push('the skip link points to #main, which is missing');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    const labelled = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) out.push('<' + el.tagName.toLowerCase() + ' name="' + el.name + '" id="' + el.id + '"> has no label');
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) out.push('duplicate id "' + el.id + '"');
    seen.add(el.id);
  }
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) out.push('aria-describedby of ' + (el.id || el.name || el.tagName) + ' names missing id "' + id + '"');
    }
  }
  return out;
})()`

// checkPage fails the test when the page breaks the structural rules.
func (p *person) checkPage() {
	p.t.Helper()
	var problems []string
	p.js(pageProblems, &problems)
	if len(problems) > 0 {
		p.fatalf("the page breaks accessibility rules:\n  - %s", strings.Join(problems, "\n  - "))
	}
	var path string
	p.js(`location.pathname`, &path)
	p.b.checked[numbers.ReplaceAllString(path, "{n}")]++
}

var numbers = regexp.MustCompile(`[0-9]+`)

// checkedRoutes lists the routes whose pages passed checkPage.
func (b *browser) checkedRoutes() []string {
	var out []string
	for r := range b.checked {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// expectPath fails unless the page shown has the path.
func (p *person) expectPath(want string) {
	p.t.Helper()
	if got := p.path(); got != want {
		p.fatalf("expected to be at %s, but at %s", want, got)
	}
}

// expectText fails unless the element matching sel contains want.
func (p *person) expectText(sel, want string) {
	p.t.Helper()
	for _, txt := range p.texts(sel) {
		if strings.Contains(txt, want) {
			return
		}
	}
	p.fatalf("expected %s to contain %q; it has %q", sel, want, p.texts(sel))
}

// expectFlash fails unless the page shows a one-time message containing want.
func (p *person) expectFlash(want string) {
	p.t.Helper()
	if errs := p.texts(".error-summary"); len(errs) > 0 {
		p.fatalf("expected the message %q, but the page shows an error", want)
	}
	p.expectText(".flash", want)
}

// fill types text into a field, as a person does.
func (p *person) fill(id, text string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	old, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id)))
	if err == nil && old != "" {
		err = chromedp.Do(ctx, chromedp.Clear(chromedp.ID(id)))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), text))
	}
	if err != nil {
		p.fatalf("typing into #%s: %v", id, err)
	}
}

// choose picks the option with value in a select.
func (p *person) choose(id, value string) {
	p.t.Helper()
	var ok bool
	p.js(`(() => { const s = document.getElementById(`+quote(id)+`);
	  if (!s || !Array.from(s.options).some(o => o.value === `+quote(value)+`)) return false;
	  s.value = `+quote(value)+`; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, &ok)
	if !ok {
		p.fatalf("#%s has no option %q", id, value)
	}
}

// upload puts a local file in a file input.
func (p *person) upload(id, path string) {
	p.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID(id), []string{abs})); err != nil {
		p.fatalf("choosing %s in #%s: %v", path, id, err)
	}
}

// signIn signs in with the mouse and typing, and the authenticator code
// when secret is given; it ends on the page sign-in leads to: the home
// page of the person's work, or their applications when they only apply.
func (p *person) signIn(email, secret string) {
	p.t.Helper()
	p.open("/login")
	p.fill("email", email)
	p.fill("password", password)
	p.click(`form[action="/login"] button[type=submit]`)
	if secret != "" {
		p.expectPath("/login/two-factor?next=%2F")
		p.fill("code", p.app.totp(secret))
		p.click(`form[action="/login/two-factor"] button[type=submit]`)
	}
	if path := p.path(); path != "/" && path != "/applications" {
		p.fatalf("sign-in led to %s, not the home page", path)
	}
	p.expectText("header nav", "Sign out")
}

// shot saves a screenshot of the page to docs/screenshots when
// CERTBOARD_SCREENSHOTS=1 and the browser takes them.
func (p *person) shot(name string) {
	p.t.Helper()
	if !p.b.shots {
		return
	}
	png, err := chromedp.Run(p.ctx, pageShot(maxShotHeight))
	if err != nil {
		p.fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join(screenshotDir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s: %d KB", path, len(png)/1024)
}

// pageShot captures the whole page as PNG, like chromedp.FullScreenshot
// (which gives PNG only at quality 100), cut at maxHeight CSS pixels.
func pageShot(maxHeight float64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		w, h := m.CSSLayoutViewport.ClientWidth, m.CSSContentSize.Height
		h = min(h, maxHeight)
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
			Clip:                  &page.Viewport{X: 0, Y: 0, Width: float64(w), Height: h, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}

// wantShots reports whether this run writes the screenshots.
func wantShots() bool { return os.Getenv("CERTBOARD_SCREENSHOTS") == "1" }
