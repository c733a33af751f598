package e2e

import (
	"strings"
	"testing"

	"github.com/certboard/certboard/board/web"
)

// TestBoardPagesPassAxe runs axe-core (see checkAxe) on the board's pages
// as each kind of person sees them, in the demo board: a visitor (home,
// sign-in with and without an error, sign-up, the registry and its
// results, /check and its result, a credential's page, the e-mail
// verification and password pages, an unknown page), an applicant with a
// draft (their applications, its dashboard with its eligibility report,
// documents, import, an evidence form with and without errors, their
// account pages), a holder (an approved application, their registry
// profile and credential, a renewal), a supervisor, a reviewer, a CE
// provider, staff (the second factor, the work queue and an application
// in it) and an admin (each admin page). Each page is checked at a
// desktop's width and a phone's (see person.axe). The markup and the
// stylesheet are the same on both engines, so it runs on SQLite only.
func TestBoardPagesPassAxe(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	jordan := demoLogin(t, logins, "jordan")
	credPath := "/credentials/" + heldCredential(t, a, jordan.Email).ID

	visitor := b.person("visitor")
	for _, pg := range []struct{ path, name string }{
		{"/", "the home page"},
		{"/login", "the sign-in page"},
		{"/signup", "the sign-up page"},
		{"/signup/sent", "the page after signing up"},
		{"/password-reset", "the password reset page"},
		{"/password-reset/confirm?token=not-a-token", "the page to choose a new password"},
		{"/verify?token=not-a-token", "the e-mail verification page"},
		{"/registry", "the registry"},
		{"/check", "the page to verify a credential"},
		{credPath, "a credential's page"},
		{"/title-check", "the title check"},
		{"/no-such-page", "the page of an unknown address"},
	} {
		visitor.open(pg.path)
		visitor.axe(pg.name)
	}
	visitor.searchRegistry("", map[string]string{"r-specialty": "interests"})
	visitor.axe("the registry's results")
	visitor.checkPasted(string(heldCredential(t, a, jordan.Email).Document))
	visitor.axe("the result of verifying a credential")
	visitor.open("/login")
	visitor.fill("email", jordan.Email)
	visitor.fill("password", "not the password")
	visitor.click(`form[action="/login"] button[type=submit]`)
	visitor.expectText(".error-summary", "not right")
	visitor.axe("the sign-in page with an error")

	// Jamie's application is a draft: its forms are open.
	applicant := b.person("applicant")
	applicant.signInDemo(demoLogin(t, logins, "jamie"))
	applicant.open("/applications")
	applicant.axe("my applications")
	var dash string
	applicant.js(`(() => { const a = document.querySelector('main a[href^="/applications/"]'); return a ? a.getAttribute('href') : ''; })()`, &dash)
	if dash == "" {
		applicant.fatalf("the applicant's list links no application")
	}
	for _, pg := range []struct{ path, h1, name string }{
		{dash, "", "a draft application's dashboard"},
		{dash + "/documents", "Your documents", "an application's documents"},
		{dash + "/import", "Import a portfolio", "the portfolio import"},
		{dash + "/evidence/education/new", "Add an education activity", "an evidence form"},
		{"/account", "", "the account page"},
		{"/account/two-factor", "", "the two-factor set-up"},
		{"/account/confirm", "", "the page to confirm it's you"},
	} {
		applicant.open(pg.path)
		if applicant.last.Status != 200 || !strings.Contains(applicant.text("h1"), pg.h1) {
			applicant.fatalf("%s is not what this test checks", pg.path)
		}
		applicant.axe(pg.name)
	}
	applicant.open(dash + "/evidence/attestations/new")
	applicant.click(`main form button[type=submit]`)
	applicant.expectText(".error-summary", "Some fields need attention")
	applicant.axe("an evidence form with errors")

	// Jordan holds a credential.
	holder := b.person("holder")
	holder.signInDemo(jordan)
	holder.open("/applications")
	holder.click(`main a[href^="/applications/"]`)
	holder.axe("an approved application's dashboard")
	for _, pg := range []struct{ path, name string }{
		{"/account/profile", "the registry profile"},
		{credPath, "the holder's view of their credential"},
		{credPath + "/renewal", "a credential's renewal"},
	} {
		holder.open(pg.path)
		holder.axe(pg.name)
	}

	supervisor := b.person("supervisor")
	supervisor.signInDemo(demoLogin(t, logins, "lee.park"))
	supervisor.open("/supervision")
	supervisor.axe("the supervisees")
	supervisor.click(`main a[href^="/supervision/"]`)
	supervisor.axe("a supervisee's application")

	reviewer := b.person("reviewer")
	reviewer.signInDemo(demoLogin(t, logins, "priya.raman"))
	reviewer.open("/reviews")
	reviewer.axe("the reviews")
	reviewer.click(`main a[href^="/reviews/"]`)
	reviewer.axe("an application to review")

	staffLogin := demoLogin(t, logins, "staff")
	staff := b.person("staff")
	staff.open("/login")
	staff.fill("email", staffLogin.Email)
	staff.fill("password", web.DemoPassword)
	staff.click(`form[action="/login"] button[type=submit]`)
	if !strings.HasPrefix(staff.path(), "/login/two-factor") {
		staff.fatalf("staff are not asked for a second factor")
	}
	staff.axe("the second factor")
	staff.fill("code", a.totp(staffLogin.TOTPSecret))
	staff.click(`form[action="/login/two-factor"] button[type=submit]`)
	staff.open("/queue")
	staff.axe("the work queue")
	staff.click(`main a[href^="/queue/"]`)
	staff.axe("an application in the queue")

	provider := b.person("CE provider")
	provider.signInDemo(demoLogin(t, logins, "provider"))
	provider.open("/provider")
	provider.axe("the CE provider's reports")

	admin := b.person("admin")
	admin.signInDemo(demoLogin(t, logins, "admin"))
	for _, pg := range []struct{ path, name string }{
		{"/admin", "the admin home"},
		{"/admin/sets", "the requirement sets"},
		{"/admin/users", "the users"},
		{"/admin/board", "the board's details"},
		{"/admin/trust", "the trust list"},
	} {
		admin.open(pg.path)
		admin.axe(pg.name)
	}
}
