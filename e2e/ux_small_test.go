package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/demo"
)

// TestUXSmall checks the small things of issue 15 in the demo board, in
// one browser: the board's name in every page's header and title; a
// favicon served as SVG; an import whose person details differ from the
// application's asks before it replaces any, and keeps each one the
// applicant does not choose to replace; a submission mails the applicant a
// confirmation and staff a notice; and every page of every role fits a
// phone 375 px wide, with no element wider than the screen.
func TestUXSmall(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)

	// The demo board's name, in the header and the window's title.
	visitor := b.person("visitor")
	visitor.open("/")
	name := demo.BoardDetails.Name
	if got := visitor.text("header .brand"); got != name {
		visitor.fatalf("the header names the board %q, want %q", got, name)
	}
	var title string
	visitor.js(`document.title`, &title)
	if !strings.HasSuffix(title, " · "+name) {
		visitor.fatalf("the window's title %q does not name the board", title)
	}
	// The favicon the layout links is an SVG image.
	var icon struct{ Href, Type string }
	visitor.jsAwait(`(async () => { const l = document.querySelector('link[rel=icon]'); if (!l) return {href: '', type: ''};
	  const r = await fetch(l.href); return {href: l.getAttribute('href'), type: r.ok ? r.headers.get('content-type') : 'HTTP ' + r.status}; })()`, &icon)
	if icon.Href != "/static/favicon.svg" || icon.Type != "image/svg+xml" {
		visitor.fatalf("the favicon: %+v, want /static/favicon.svg as image/svg+xml", icon)
	}

	// An applicant imports the example portfolio, whose person is someone
	// else: the page asks, and keeps their details but the one they choose
	// to take from the file.
	const (
		anaName     = "Ana Souza"
		anaEmail    = "ana.souza.lima@harbortherapy.example.org" // long: it must wrap on a phone
		anaPractice = "Harbor Therapy"
	)
	a.addUser(anaName, anaEmail, anaPractice, auth.Applicant)
	ana := b.person("applicant")
	ana.open("/login")
	ana.fill("email", anaEmail)
	ana.fill("password", password)
	ana.click(`form[action="/login"] button[type=submit]`)
	ana.expectText("header .brand", name)
	ana.open("/applications")
	ana.choose("set_id", "aasect-cst")
	ana.click(`form[action="/applications"] button[type=submit]`)
	ana.expectFlash("Application started")
	id := appID(ana)
	dash := fmt.Sprintf("/applications/%d", id)
	ana.open(dash + "/import")
	ana.upload("file", examplePortfolio)
	ana.click(`form[action="` + dash + `/import"] button[type=submit]`)
	ana.expectPath(dash + "/import")
	ana.expectText("main h2", "Your details differ from the file's")
	if got, want := ana.texts("main fieldset legend"), []string{"Name", "E-mail address", "Practice"}; !slices.Equal(got, want) {
		ana.fatalf("the import asks about %q, want %q", got, want)
	}
	ana.expectText("main fieldset", "Keep this application's: "+anaName)
	ana.expectText("main fieldset", "Use the file's: "+applicantName)
	if p := livePortfolio(t, a, id); len(p.Education) != 0 {
		ana.fatalf("asking imported the portfolio already")
	}
	ana.axe("the import's choice of details")
	ana.tick("detail-practice-imported")
	ana.click(`form[action="` + dash + `/import"] button[name=details][value=chosen]`)
	ana.expectPath(dash)
	ana.expectFlash("Portfolio imported")
	ana.expectFlash("Your details were kept where the file's differed (Name, E-mail address)")
	p := livePortfolio(t, a, id)
	if p.Person.Name != anaName || p.Person.Email != anaEmail || p.Person.Practice != applicantPractice || p.Person.Region != "IL" || len(p.Education) == 0 {
		ana.fatalf("after the import the person is %+v (%d education items)", p.Person, len(p.Education))
	}

	// Her documents came without their files; uploaded, they count.
	ana.uploadAllPendingFiles(t, dash)
	ana.open(dash)

	// Submitting mails Ana a confirmation and staff a notice.
	ana.click(`form[action="` + dash + `/actions/submit"] button[type=submit]`)
	ana.expectFlash("A confirmation is on its way")
	mails := a.mailTo(anaEmail)
	if len(mails) != 1 || mails[0].Subject != name+" received your application for AASECT Certified Sex Therapist (CST)" {
		t.Fatalf("Ana's mail after submitting: %+v", mails)
	}
	for _, want := range []string{"Dear " + anaName, "What you submitted:", "What happens next:",
		"Your application: " + a.url + dash, "Questions? Write to " + demo.BoardDetails.ContactEmail} {
		if !strings.Contains(mails[0].Body, want) {
			t.Errorf("the confirmation does not say %q:\n%s", want, mails[0].Body)
		}
	}
	staffLogin := demoLogin(t, logins, "staff")
	if !slices.ContainsFunc(a.mailTo(staffLogin.Email), func(m mail) bool {
		return strings.Contains(m.Body, anaName) && strings.Contains(m.Body, a.url+"/queue/"+strconv.FormatInt(id, 10))
	}) {
		t.Errorf("staff were not told of Ana's submission: %+v", a.mailTo(staffLogin.Email))
	}

	// Every page of every role fits a phone 375 px wide.
	jordan := demoLogin(t, logins, "jordan")
	credPath := "/credentials/" + heldCredential(t, a, jordan.Email).ID
	visitor.fitsAt375("/", "/login", "/signup", "/registry", "/registry?q=jor", "/check", credPath, "/title-check", "/no-such-page")
	ana.fitsAt375(dash, dash+"/documents", dash+"/import", dash+"/evidence/education/new", "/applications", "/account")

	jamie := b.person("applicant with a draft")
	jamie.signInDemo(demoLogin(t, logins, "jamie"))
	jamie.open("/applications")
	draft := jamie.firstLink("/applications/")
	jamie.fitsAt375(draft, draft+"/documents", draft+"/evidence/supervision_sessions/new")

	holder := b.person("holder")
	holder.signInDemo(jordan)
	holder.open("/applications")
	holder.fitsAt375(holder.firstLink("/applications/"), credPath, credPath+"/renewal", "/account/profile")

	supervisor := b.person("supervisor")
	supervisor.signInDemo(demoLogin(t, logins, "lee.park"))
	supervisor.open("/supervision")
	supervisor.fitsAt375("/supervision", supervisor.firstLink("/supervision/"))

	reviewer := b.person("reviewer")
	reviewer.signInDemo(demoLogin(t, logins, "priya.raman"))
	reviewer.open("/reviews")
	reviewer.fitsAt375("/reviews", reviewer.firstLink("/reviews/"))

	// Staff see the applicant's address on an application's page, as on
	// that of a holder the demo certified earlier.
	lucia, err := a.st.UserByEmail(context.Background(), demo.Email("lucia.fernandez"))
	if err != nil {
		t.Fatal(err)
	}
	held, err := a.st.Applications(context.Background(), boardsql.ApplicationFilter{ApplicantID: lucia.ID, Limit: 1})
	if err != nil || len(held) == 0 {
		t.Fatalf("the demo's application of %s: %v", lucia.Email, err)
	}
	staff := b.person("staff")
	staff.signInDemo(staffLogin)
	staff.fitsAt375("/queue", "/queue/"+strconv.FormatInt(id, 10), "/queue/"+strconv.FormatInt(held[0].ID, 10), credPath)

	provider := b.person("CE provider")
	provider.signInDemo(demoLogin(t, logins, "provider"))
	provider.fitsAt375("/provider")

	admin := b.person("admin")
	admin.signInDemo(demoLogin(t, logins, "admin"))
	admin.fitsAt375("/admin", "/admin/sets", "/admin/users", "/admin/board", "/admin/trust")
}

// firstLink is the address of the first link in the main content whose
// address starts with prefix and goes further.
func (p *person) firstLink(prefix string) string {
	p.t.Helper()
	var href string
	p.js(`(() => { for (const a of document.querySelectorAll('main a[href^=`+quote(prefix)+`]')) {
	  const h = a.getAttribute('href'); if (h.length > `+strconv.Itoa(len(prefix))+`) return h; } return ''; })()`, &href)
	if href == "" {
		p.fatalf("the page links nothing under %s", prefix)
	}
	return href
}

// overflowing lists, on the page shown, what is wider than the screen: the
// page itself when it scrolls sideways, and each element that reaches past
// the screen's right edge, unless it is inside a box that scrolls (a
// table's scroll container) or clips.
const overflowing = `(() => {
  const vw = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth > vw) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
  const scrolls = e => { for (let c = e.parentElement; c; c = c.parentElement) {
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(c).overflowX)) return true; } return false; };
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 0.5 || scrolls(e)) continue;
    let what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
    out.push(what + ' reaches ' + Math.round(r.right) + ' px (' + (e.innerText || '').trim().slice(0, 50).replace(/\s+/g, ' ') + ')');
    if (out.length >= 8) break;
  }
  return out;
})()`

// fitsAt375 opens each path on a phone 375 px wide and fails the test for
// each page that is wider than the screen, naming what sticks out.
func (p *person) fitsAt375(paths ...string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)); err != nil {
		p.fatalf("emulating a phone: %v", err)
	}
	defer desktop(p)
	for _, path := range paths {
		p.open(path)
		var out []string
		p.js(overflowing, &out)
		if len(out) > 0 {
			p.t.Errorf("%s: %s on a phone 375 px wide:\n  - %s", p.who, path, strings.Join(out, "\n  - "))
		}
	}
}
