package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/internal/boardtest"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	pweb "github.com/certboard/certboard/practice/web"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/verifier/httpfetch"
)

// The practice's harness: practice mode served as `certboard serve --mode
// practice` serves it, on a SQLite database of its own in a fresh
// directory, with three people (an admin, who adds two practitioners
// through the use case), each signing in with two factors. The browser,
// the people in it and their checks are the board's (harness_test.go): a
// practiceApp is an app whose board store is nil, so that nothing of the
// board's harness that reads the board's database may be called on it.

// The practice's people, by the local part of their address (named as in
// the demo practice, demo.PracticePeople).
const (
	practiceAdmin = "ines.okoro"   // practice admin
	practitioner  = "jordan"       // practitioner: the flows of a client
	uncertified   = "lena.fischer" // practitioner without a sex therapy credential
)

// practiceEpoch is the day the practice's clock starts at: after the
// shipped escalation rules and scope map took effect (December 2026).
var practiceEpoch = time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC)

// practiceApp is a practice served over HTTP for one test.
type practiceApp struct {
	*app
	st *practicesql.Store
	// p is the practice's use cases on the same store and clock, for the
	// steps a test sets up without the browser (a client of the
	// uncertified practitioner, say).
	p      *practice.Practice
	logins []demo.Login
	// password is every account's password.
	password string
}

// startPractice builds a practice's server as cmd/certboard does
// (practicesql.Open and Migrate, then pweb.New on ForPractice and the
// store's accounts), with its clock starting at practiceEpoch, gives it
// its people (seedPeople) and serves it on a free port of the loopback
// interface. Browsers reach it as localhost, a secure context where
// Chromium keeps the Secure, __Host- cookies of the practice
// (__Host-certboard_practice_session, ..._device) over plain HTTP, as it
// does the board's.
func startPractice(t *testing.T) *practiceApp {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(ctx, practicesql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating the practice's store: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, url: fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)}
	start := time.Now()
	a.now = func() time.Time { return practiceEpoch.Add(time.Since(start)) }
	log := slog.New(slog.NewTextHandler(&testLog{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := pweb.New(pweb.Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Log: log,
		Now: a.now, PublicURL: a.url, HashConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	uc, err := practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: certboard.ClockFunc(a.now),
		PublicURL: a.url, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	pa := &practiceApp{app: a, st: st, p: uc, password: password}
	pa.seedPeople()
	serveOn(t, ln, srv.Handler())
	return pa
}

// practicePeople are the practice's people in these tests: its admin
// first, who adds the others.
var practicePeople = []struct {
	local, name string
	role        auth.Role
}{
	{practiceAdmin, "Ines Okoro", auth.PracticeAdmin},
	{practitioner, "Jordan Reyes", auth.Practitioner},
	{uncertified, "Lena Fischer", auth.Practitioner},
}

// seedPeople gives the practice its people as a practice gets them: the
// first admin made in the store (no use case makes her), who adds the
// others through practice.Practice.AddPerson (their audit entries and
// the mails with their links). Each then has the password and the
// two-factor secret they would set with the link and an authenticator
// app, written in the store.
func (pa *practiceApp) seedPeople() {
	pa.t.Helper()
	ctx := context.Background()
	now := pa.now()
	var admin *auth.User
	for _, person := range practicePeople {
		email := demo.Email(person.local)
		var id int64
		if admin == nil {
			var err error
			if id, err = pa.st.CreateUser(ctx, auth.User{Email: email, Name: person.name, PasswordHash: passwordHash(),
				Roles: []auth.Role{person.role}, CreatedAt: now, EmailVerifiedAt: now}); err != nil {
				pa.t.Fatalf("creating the first admin: %v", err)
			}
		} else {
			u, err := pa.p.AddPerson(ctx, admin, practice.NewPerson{Name: person.name, Email: email, Roles: []string{string(person.role)}})
			if err != nil {
				pa.t.Fatalf("adding %s: %v", person.name, err)
			}
			id = u.ID
			if err := pa.st.SetPassword(ctx, id, passwordHash()); err != nil {
				pa.t.Fatal(err)
			}
		}
		secret, err := auth.NewTOTPSecret()
		if err != nil {
			pa.t.Fatal(err)
		}
		if err := pa.st.EnableTOTP(ctx, id, secret, now); err != nil {
			pa.t.Fatal(err)
		}
		u, err := pa.st.UserByID(ctx, id)
		if err != nil {
			pa.t.Fatal(err)
		}
		if admin == nil {
			admin = u
		}
		pa.logins = append(pa.logins, demo.Login{Email: email, Name: u.Name, Roles: u.Roles, TOTPSecret: secret})
	}
}

// login is the demo practice's person with the local part of the address.
func (pa *practiceApp) login(local string) demo.Login {
	pa.t.Helper()
	i := slices.IndexFunc(pa.logins, func(l demo.Login) bool { return l.Email == demo.Email(local) })
	if i < 0 {
		pa.t.Fatalf("the demo practice has no %s", local)
	}
	return pa.logins[i]
}

// actor is a person of the practice as the use cases take them.
func (pa *practiceApp) actor(local string) practice.Actor {
	pa.t.Helper()
	u, err := pa.st.UserByEmail(context.Background(), demo.Email(local))
	if err != nil {
		pa.t.Fatalf("reading %s: %v", local, err)
	}
	return practice.ActorOf(u)
}

// mailTo lists the subjects of the messages queued for an address.
func (pa *practiceApp) mailTo(addr string) []string {
	pa.t.Helper()
	due, err := pa.st.DueMail(context.Background(), time.Now().AddDate(100, 0, 0), 1000)
	if err != nil {
		pa.t.Fatalf("reading the outbox: %v", err)
	}
	var out []string
	for _, m := range due {
		if m.To == addr {
			out = append(out, m.Subject)
		}
	}
	return out
}

// practiceBrowser is a browser on a practice whose every page visited is
// checked with axe-core: see visit.
type practiceBrowser struct {
	*browser
	pa *practiceApp
	// axed counts the routes (numbers replaced by {n}) axe checked.
	axed map[string]int
}

// newPracticeBrowser starts Chromium for a test on a practice; it writes
// the screenshots when CERTBOARD_SCREENSHOTS=1.
func newPracticeBrowser(t *testing.T, pa *practiceApp) *practiceBrowser {
	t.Helper()
	b := newBrowser(t, pa.app)
	b.shots = wantShots()
	pb := &practiceBrowser{browser: b, pa: pa, axed: map[string]int{}}
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		// Every page the test reached passed axe: a route reached
		// (checkPage counts them) but never checked is a gap in the test.
		for _, r := range b.checkedRoutes() {
			if pb.axed[r] == 0 {
				t.Errorf("the test reached %s but never ran axe on it", r)
			}
		}
	})
	return pb
}

// axe runs axe-core on the page the person shows, at a desktop's width
// and a phone's (person.axe), and records its route as checked. It then
// puts the browser back at its own width (see desktop), so that the next
// page is checked, and shot, at a desktop's width too.
func (pb *practiceBrowser) axe(p *person, name string, exempt ...axeExempt) {
	p.t.Helper()
	p.axe(name, exempt...)
	desktop(p)
	var path string
	p.js(`location.pathname`, &path)
	pb.axed[numbers.ReplaceAllString(path, "{n}")]++
}

// desktop ends a phone's emulation (atPhoneWidth ends with it):
// chromedp.ResetViewport would override the metrics with a width of 0,
// which Chromium keeps at the phone's 390 CSS pixels; clearing the
// override gives the window's width back.
func desktop(p *person) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		p.fatalf("leaving the phone's emulation: %v", err)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{}); err != nil {
		p.fatalf("leaving the phone's emulation: %v", err)
	}
	// The page lays out again after the override is cleared; on a busy
	// machine that can take a moment, so the width is read until it grows
	// (for at most two seconds) before it is judged.
	var width int
	for range 20 {
		if p.js(`document.documentElement.clientWidth`, &width); width > 390 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.fatalf("after the phone's emulation the page is still %d CSS pixels wide", width)
}

// signIn signs in to the practice with the mouse and typing: the
// address and password, then the code of the person's authenticator (the
// current TOTP code of their seeded secret); it ends on their home page.
// Every page on the way passes axe.
func (pb *practiceBrowser) signIn(p *person, l demo.Login) {
	p.t.Helper()
	p.open("/login")
	pb.axe(p, "the sign-in page")
	p.fill("email", l.Email)
	p.fill("password", pb.pa.password)
	p.click(`form[action="/login"] button[type=submit]`)
	if !strings.HasPrefix(p.path(), "/login/two-factor") {
		p.fatalf("after the password, %s is not asked for a code", l.Email)
	}
	pb.axe(p, "the second factor")
	p.fill("code", pb.pa.totp(l.TOTPSecret))
	p.click(`form[action="/login/two-factor"] button[type=submit]`)
	p.expectPath("/")
	p.expectText("header nav", "Sign out")
	pb.axe(p, "the home page")
}

// practiceClient registers a client of a practitioner through the use
// cases, with the consent to treatment signed (publishing the practice's
// consent text first when it has none) and a case open at Permission: the
// start of a flow that is not about registering clients.
func (pa *practiceApp) practiceClient(local, name, dob string) (clientID, caseID int64) {
	pa.t.Helper()
	ctx := context.Background()
	by := pa.actor(local)
	id, err := pa.p.CreateClient(ctx, by, practice.NewClient{Identity: practice.IdentityInput{Name: name, DateOfBirth: dob,
		Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"}})
	if err != nil {
		pa.t.Fatalf("registering %s: %v", name, err)
	}
	text := pa.consentText()
	if _, err := pa.p.SignConsent(ctx, by, practice.Signature{ClientID: id, TextID: text, Signer: practice.SignerClient,
		SignedName: name, Agreed: true}); err != nil {
		pa.t.Fatalf("%s signing the consent: %v", name, err)
	}
	caseID, err = pa.p.OpenCase(ctx, by, id, practice.NewCase{Reason: "first session: permission to talk about sex"})
	if err != nil {
		pa.t.Fatalf("opening a case of %s: %v", name, err)
	}
	return id, caseID
}

// consentText is the id of the practice's newest consent text, published
// by its admin when there is none.
func (pa *practiceApp) consentText() int64 {
	pa.t.Helper()
	ctx := context.Background()
	admin := pa.actor(practiceAdmin)
	texts, err := pa.p.ConsentTexts(ctx, admin)
	if err != nil {
		pa.t.Fatal(err)
	}
	if len(texts) > 0 {
		return texts[0].ID
	}
	ct, err := pa.p.PublishConsentText(ctx, admin, consentTitle, consentBody)
	if err != nil {
		pa.t.Fatalf("publishing the consent text: %v", err)
	}
	return ct.ID
}

// The practice's consent to treatment in these tests.
const (
	consentTitle = "Consent to sex therapy"
	consentBody  = "You agree to talk therapy about your sexual concerns with a practitioner of the practice.\n\n" +
		"What you say stays confidential, except where the law requires us to act to keep you or others safe.\n\n" +
		"Your record is kept encrypted; you may see it, and you may withdraw this consent at any time."
)

// radio clicks the radio button or checkbox matching sel, which leads
// nowhere, unless it is checked already (a form may tick a box for you),
// and checks that it is checked.
func (p *person) radio(sel string) {
	p.t.Helper()
	if p.has(sel + ":checked") {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		p.fatalf("clicking %s: %v", sel, err)
	}
	var checked bool
	p.js(`document.querySelector(`+quote(sel)+`).checked`, &checked)
	if !checked {
		p.fatalf("%s is not checked after a click", sel)
	}
}

// waitFocused waits a moment for the element with the id to have the
// focus, as a page's autofocus gives it (browsers run autofocus at their
// next rendering, a little after the page loads), and fails with what
// has the focus instead.
func (p *person) waitFocused(id, what string) {
	p.t.Helper()
	var got string
	for range 40 {
		if got = p.focused(); got == id {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.fatalf("%s: the focus is on %q, not #%s", what, got, id)
}

// shot saves a screenshot of the page, from the top of the element
// matching from ("" for the top of the page) down height CSS pixels at
// most (0 for maxShotHeight), so that each PNG stays well under 300 KB.
// It writes docs/screenshots/name only when CERTBOARD_SCREENSHOTS=1.
func (pb *practiceBrowser) shot(p *person, name, from string, height float64) {
	p.t.Helper()
	if !pb.shots {
		return
	}
	if height == 0 {
		height = maxShotHeight
	}
	var top float64
	if from != "" {
		if !p.has(from) {
			p.fatalf("screenshot %s: nothing matches %s", name, from)
		}
		p.js(`Math.max(0, document.querySelector(`+quote(from)+`).getBoundingClientRect().top + window.scrollY - 16)`, &top)
	}
	png, err := chromedp.Run(p.ctx, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		h := min(m.CSSContentSize.Height-top, height)
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true),
			Clip: &page.Viewport{X: 0, Y: top, Width: float64(m.CSSLayoutViewport.ClientWidth), Height: h, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
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

// startDemoPractice serves the demo practice as `certboard serve --demo`
// does: the demo board seeded and serving on a port of the loopback
// interface (boardtest.StartDemo), and beside it the demo practice on its
// own database, trusting that board's did:web and fetching its documents over
// HTTP (pweb.Server.TrustLocalOrigins and httpfetch.Origins), seeded by
// demo.SeedPractice: four people, six clients at every stage, measures
// over six months, treatment plans, a safety task, a referral and a
// suspended credential. Both run on the real clock, as the demo does.
// The practice's logins are the demo's (password demo.Password).
func startDemoPractice(t *testing.T) *practiceApp {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(&testLog{t: t}, &slog.HandlerOptions{Level: slog.LevelWarn}))

	// The board.
	b := boardtest.StartDemo(t, log)
	boardURL, boardDeps := b.URL, b.Deps

	// The practice beside it.
	pkeys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(ctx, practicesql.Config{DataDir: t.TempDir(), Keys: pkeys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, url: fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port), now: time.Now}
	srv, err := pweb.New(pweb.Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Log: log,
		PublicURL: a.url, HashConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.TrustLocalOrigins(boardURL); err != nil {
		t.Fatal(err)
	}
	fetch, err := httpfetch.Origins(boardURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := practice.Config{Store: practicesql.ForPractice{Store: st}, PublicURL: a.url, Log: log}
	logins, err := demo.SeedPractice(ctx, demo.PracticeDeps{Store: st, Config: cfg, Board: boardDeps, Fetch: fetch})
	if err != nil {
		t.Fatalf("seeding the demo practice: %v", err)
	}
	uc, err := practice.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, ln, srv.Handler())
	return &practiceApp{app: a, st: st, p: uc, logins: logins, password: demo.Password}
}

// serveOn serves h on ln until the test ends.
func serveOn(t *testing.T, ln net.Listener, h http.Handler) {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
}
