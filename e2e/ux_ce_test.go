package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUXCEHolderAddsCE: the demo holder whose renewal is open (Sasha
// Novak) adds CE herself, not only through a provider. From the renewal
// she opens "Add CE"; the form, sent with a bad value and a question left
// unanswered, names each field to fix and keeps what she typed; fixed with
// the keyboard (Tab, Space on the radio button, Enter), it adds the
// activity, claimed. Then she downloads the template, uploads a CSV file
// with one bad row and sees the report naming the row, the column and
// the problem, with nothing added yet; she confirms, and the two valid
// rows are added, the bad one left out, saying so. Every page passes
// axe-core, at a desktop's width and a phone's, and Tab reaches the forms'
// controls in order.
func TestUXCEHolderAddsCE(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	sasha := demoLogin(t, logins, "sasha.novak")
	cred := heldCredential(t, a, sasha.Email)
	day := func(daysAgo int) string { return a.now().AddDate(0, 0, -daysAgo).UTC().Format(time.DateOnly) }

	p := b.person("holder")
	p.signInDemo(sasha)
	p.open("/credentials/" + cred.ID + "/renewal")
	p.click(`main a[href="/credentials/` + cred.ID + `/renewal/ce"]`)
	p.expectPath("/credentials/" + cred.ID + "/renewal/ce")
	p.expectText("h1", "Add CE")
	p.axe("the holder's CE page")
	stops := tabThrough(t, p.ctx)
	requireStops(t, stops, "#ce-date", "#ce-title", "#ce-provider", "#ce-provider_kind", "#ce-approved_aasect", "#ce-approved_by",
		"#ce-kind", "#ce-delivery", "#ce-hours", "#ce-sexuality-yes", `button "Add the activity"`,
		`a "Download the CSV template"`, "#ce-file", `button "Check the file"`)

	// The form: a bad value and a question left out are named, field by field.
	p.fill("ce-date", day(20))
	p.fill("ce-title", "Sexual health after cancer")
	p.fill("ce-provider", "Sunrise Sexuality Institute")
	p.choose("ce-provider_kind", "approved_provider")
	p.tick("ce-approved_aasect")
	p.choose("ce-kind", "ce")
	p.choose("ce-delivery", "live_online")
	p.fill("ce-hours", "2.125")
	p.click(`form[action$="/renewal/ce"] button[type=submit]`)
	if p.last.Status != 422 {
		p.fatalf("a form with a bad value answered %d", p.last.Status)
	}
	p.expectText("#ce-hours-error", "more than two decimals")
	p.expectText("#ce-sexuality_related-error", "yes or no")
	p.expectText(".error-summary", "fix Hours, Related to sexuality?")
	if got := p.value("ce-title"); got != "Sexual health after cancer" {
		p.fatalf("the form lost the title: %q", got)
	}
	p.axe("the CE form with errors")

	// Fixed with the keyboard alone.
	p.tabTo("ce-hours")
	p.keys("\b\b\b\b\b\b")
	p.keys("2.5")
	p.tabTo("ce-sexuality-yes")
	p.keys(" ")
	var yes bool
	p.js(`document.getElementById('ce-sexuality-yes').checked`, &yes)
	if !yes {
		p.fatalf("Space on the radio button did not choose it")
	}
	p.tabTo("ce-hours")
	p.enter()
	p.expectPath("/credentials/" + cred.ID + "/renewal/ce")
	p.expectFlash(`Added "Sexual health after cancer" (2.5 hours on ` + day(20) + ")")
	p.expectText("main table", "Sexual health after cancer")

	// The template, then a file with one bad row.
	tmpl := p.fetchWithCookies("/static/ce-template.csv")
	if tmpl.Status != 200 || !strings.HasPrefix(string(tmpl.Body), "date,title,provider,provider_kind,approved_by,kind,delivery,hours,sexuality_related") {
		p.fatalf("the template: %d %q", tmpl.Status, tmpl.Body)
	}
	file := filepath.Join(t.TempDir(), "sasha-ce.csv")
	csv := string(tmpl.Body) +
		day(40) + `,"Consent, pleasure and communication",Sunrise Sexuality Institute,approved_provider,AASECT,ce,in_person,3,yes` + "\n" +
		day(50) + ",Couples and desire,Coastal Counseling CE,other_ce,,ce,live_online,six,yes\n" +
		day(60) + ",Taught a sexual health class,Bayside College,accredited_university,,teaching,in_person,1.5,yes\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	p.upload("ce-file", file)
	p.click(`form[action$="/renewal/ce/file"] button[type=submit]`)
	p.expectText("#report-h", "Check of sasha-ce.csv")
	p.expectText(".ce-report", "2 rows can be added; 1 row is refused. Nothing has been added yet.")
	var refused [][]string
	p.js(`Array.from(document.querySelectorAll('table[aria-labelledby="refused-h"] tbody tr'), r => Array.from(r.cells, c => c.innerText.trim()))`, &refused)
	if len(refused) != 1 || refused[0][0] != "3" || refused[0][1] != "hours" || !strings.Contains(refused[0][2], `"six" is not a number of hours`) {
		p.fatalf("the refused rows: %q", refused)
	}
	if !strings.Contains(p.text("#have-h"), "(4)") { // three from the demo, one by the form
		p.fatalf("the check added something already: %q", p.text("#have-h"))
	}
	p.axe("the report of a CE file")
	p.atPhoneWidth(func() { p.fitsPhone("the report of a CE file") })

	p.click(`form[action$="/renewal/ce/file/confirm"] button[type=submit]`)
	p.expectPath("/credentials/" + cred.ID + "/renewal/ce")
	p.expectFlash("Added 2 CE activities from sasha-ce.csv")
	p.expectFlash("1 row not added (row 3)")
	main := p.mainText()
	for _, want := range []string{"Consent, pleasure and communication", "Taught a sexual health class", "CE in your renewal (6)"} {
		if !strings.Contains(main, want) {
			p.fatalf("after adding the file, the page does not show %q", want)
		}
	}
	if strings.Contains(main, "Couples and desire") {
		p.fatalf("the refused row was added")
	}
}
