package e2e

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/portfolio"
)

// TestWithoutJavaScript signs in and submits forms in a browser whose
// JavaScript is turned off: the pages are plain HTML forms, checked on the
// server, so they must work without it.
func TestWithoutJavaScript(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a := startApp(t, engines[0])
	b := newBrowser(t, a)
	a.addUser(applicantName, applicantEmail, "")
	p := b.person("applicant without JavaScript")
	if _, err := chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turning JavaScript off: %v", err)
	}
	// A page's own script must not run now.
	if err := chromedp.Do(p.ctx, chromedp.Navigate(`data:text/html,<title>off</title><script>document.title = "on"</script>`)); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(p.ctx, chromedp.Title()); err != nil || title != "off" {
		t.Fatalf("JavaScript still runs in the page (title %q, %v)", title, err)
	}

	// A wrong password: the server says so on the form.
	p.open("/login")
	p.fill("email", applicantEmail)
	p.fill("password", "not the password at all")
	p.click(`form[action="/login"] button[type=submit]`)
	if p.last.Status != 401 {
		p.fatalf("a wrong password answered HTTP %d, want 401", p.last.Status)
	}
	p.expectText(".error-summary", "not right")

	// The right one signs in.
	p.fill("password", password)
	p.click(`form[action="/login"] button[type=submit]`)
	p.expectPath("/applications")
	p.expectText("header nav", "Sign out")

	// Start an application and add an item with the form.
	p.choose("set_id", "aasect-cst")
	p.click(`form[action="/applications"] button[type=submit]`)
	p.expectFlash("Application started")
	id := appID(p)
	dash := fmt.Sprintf("/applications/%d", id)
	p.click(`a[href="` + dash + `/evidence/attestations/new"]`)
	p.expectText("h1", "Add an attestation")

	// The server's checks show on the form: nothing filled in.
	p.click(`main form button[type=submit]`)
	if p.last.Status != 422 {
		p.fatalf("an empty attestation answered HTTP %d, want 422", p.last.Status)
	}
	p.expectText(".error-summary", "Some fields need attention")
	if !p.has(`#f-code[aria-invalid=true]`) {
		p.fatalf("the missing code is not marked invalid")
	}

	p.fill("f-code", "aasect-code-of-ethics")
	p.fill("f-version", "2024")
	p.fill("f-signed", "05012026") // typed as mm dd yyyy
	p.click(`main form button[type=submit]`)
	p.expectPath(dash)
	p.expectFlash("Saved: an attestation added")
	live := livePortfolio(t, a, id)
	if !slices.ContainsFunc(live.Attestations, func(x portfolio.Attestation) bool {
		return x.Code == "aasect-code-of-ethics" && x.Signed.String() == "2026-05-01"
	}) {
		t.Fatalf("the attestation is not saved as typed: %+v", live.Attestations)
	}
}
