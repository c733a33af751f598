package e2e

import (
	"testing"
)

// TestKeyboardOnlySignIn signs in with the keyboard alone, as the pattern
// for every mode's keyboard tests: Tab through the page first (every
// control reached shows its focus and is on screen, and the ones the flow
// needs are reached in order), then do the flow with keys only: the
// address typed into the field the page focuses, Tab, the password,
// Enter. On the page signed in to, the skip link leads to the content and
// Tab reaches the menu and the form; both pages pass axe-core.
func TestKeyboardOnlySignIn(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a := startApp(t, engines[0])
	b := newBrowser(t, a)
	a.addUser(applicantName, applicantEmail, "")
	p := b.person("keyboard user")

	p.open("/login")
	p.axe("the sign-in page")
	stops := tabThrough(t, p.ctx)
	requireStops(t, stops, `a "Skip to content"`, `a "Registry"`, `a "Sign in"`, `a "Create an account"`,
		"#email", "#password", `button "Sign in"`, `a "Forgot your password?"`)

	// Fresh, the page puts the focus in the address field (autofocus).
	p.open("/login")
	if got := p.focused(); got != "email" {
		p.fatalf("the sign-in page opens with the focus on %q, not the e-mail address", got)
	}
	p.keys(applicantEmail)
	p.keys("\t")
	if got := p.focused(); got != "password" {
		p.fatalf("Tab from the e-mail address goes to %q, not the password", got)
	}
	p.keys(password)
	p.enter()
	p.expectPath("/applications")
	p.expectText("header nav", "Sign out")

	p.axe("my applications")
	skipLinkWorks(p)
	stops = tabThrough(t, p.ctx)
	requireStops(t, stops, `a "Skip to content"`, `a "My applications"`, `a "Account"`, `button "Sign out"`,
		"#set_id", `button "Start"`)
}
