package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// okGreen is the stylesheet's colour of success (--ok, #1a7f37).
const okGreen = "rgb(26, 127, 55)"

// TestUXTitleCheckSaysWhatWasChecked: a visitor pastes a portfolio that
// meets Florida's title rule into the title check and sends it with the
// keyboard. The answer says what was checked and on what (evidence they
// entered themselves, which nobody has verified), never that the person
// may use the title, in no success green (its badge nor the report's
// verdict), and points to the registry and to verifying a certificate for
// checking a holder. The page passes axe and fits a phone.
func TestUXTitleCheckSaysWhatWasChecked(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a := startApp(t, engines[0])
	b := newBrowser(t, a)
	visitor := b.person("visitor")
	raw, err := os.ReadFile(filepath.Join("..", "examples", "portfolios", "florida-eligible-not-aasect.json"))
	if err != nil {
		t.Fatal(err)
	}

	visitor.open("/title-check")
	visitor.paste("portfolio", string(raw))
	visitor.tabToMatch(`form[action="/title-check"] button[type=submit]`)
	visitor.enter()

	answer := visitor.text(`section[aria-labelledby="answer-h"]`)
	for _, want := range []string{
		"The evidence entered meets every requirement of",
		"nobody has verified it, so this does not show that Carmen Delgado-Ruiz may use the title",
		"What was checked",
		"On evidence you entered yourself; nobody has verified it.",
		"requirements met on unverified evidence",
	} {
		if !strings.Contains(answer, want) {
			visitor.fatalf("the answer lacks %q:\n%s", want, answer)
		}
	}
	if strings.Contains(answer, "Yes:") || strings.Contains(visitor.text("#answer-h"), "may use") {
		t.Errorf("the answer on self-declared evidence says that the person may use the title:\n%s", answer)
	}
	for _, sel := range []string{`#answer-h .badge`, `section[aria-labelledby="answer-h"] .report > p .badge`} {
		var color string
		visitor.js(`(() => { const e = document.querySelector(`+quote(sel)+`); return e ? getComputedStyle(e).color : "missing"; })()`, &color)
		if color == okGreen || color == "missing" {
			t.Errorf("%s on self-declared evidence: colour %s, want a neutral one (not the success green %s)", sel, color, okGreen)
		}
	}
	for _, href := range []string{"/registry", "/check"} {
		if !visitor.has(`section[aria-labelledby="answer-h"] a[href="` + href + `"]`) {
			t.Errorf("the answer does not point to %s for checking a holder", href)
		}
	}
	visitor.axe("the title check's answer on an uploaded portfolio")
	visitor.atPhoneWidth(func() { visitor.fitsPhone("the title check's answer") })
}

// TestUXRegulatorSearchFindsHoldersByLicence: in the demo board, the
// regulator signs in, goes from the registry to the search of holders,
// and, with the keyboard only, finds Jordan by the licence number of his
// approved portfolio (typed with a hyphen for its dot): Jordan's card
// shows the licence on file and his credential as valid, and says the
// search was recorded. A search by region finds the holder whose
// credential has expired, shown as expired. An empty search is refused,
// naming the fields. A visitor cannot search by licence number, in the
// registry either. Each page passes axe and fits a phone.
func TestUXRegulatorSearchFindsHoldersByLicence(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	number := demoLicence(t, a, demoLogin(t, logins, "jordan").Email)

	reg := b.person("regulator")
	reg.signInDemo(demoLogin(t, logins, "regulator"))
	reg.open("/registry")
	reg.click(`main a[href="/regulator/search"]`)
	reg.expectPath("/regulator/search")
	reg.axe("the search of holders")

	// An empty search: refused, naming the fields.
	reg.tabTo("h-name")
	reg.tabToMatch(`form[action="/regulator/search"] button[type=submit]`)
	reg.enter()
	reg.expectText(".error-summary", "give a name, a licence number or a region")
	if !reg.has(`#h-licence_number[aria-invalid="true"]`) || !strings.Contains(reg.text("#h-licence_number-error"), "give a name, a licence number or a region") {
		reg.fatalf("the empty search does not name the licence number field")
	}
	reg.axe("the search of holders refused")

	// By licence number, with the keyboard.
	reg.tabTo("h-licence_number")
	reg.keys(strings.Replace(number, ".", "-", 1))
	reg.enter()
	found := reg.text(`section[aria-labelledby="found-h"]`)
	for _, want := range []string{"1 person found", "Jordan Reyes", "Licence on file", "US-IL " + number, "verified by the board", "valid", "recorded in the audit log"} {
		if !strings.Contains(found, want) {
			reg.fatalf("the search by licence number: %q missing from\n%s", want, found)
		}
	}
	reg.axe("the holders found by licence number")
	reg.atPhoneWidth(func() { reg.fitsPhone("the holders found by licence number") })

	// By region: Mei Tanaka, whose credential has expired, shown so.
	reg.fill("h-licence_number", "")
	reg.fill("h-region", "British Columbia")
	reg.click(`form[action="/regulator/search"] button[type=submit]`)
	found = reg.text(`section[aria-labelledby="found-h"]`)
	if !strings.Contains(found, "Mei Tanaka") || !strings.Contains(found, "expired") || strings.Contains(found, "Jordan Reyes") {
		reg.fatalf("the search by region:\n%s", found)
	}

	// A visitor cannot: the page asks them to sign in, and the registry
	// refuses licence numbers, saying why.
	visitor := b.person("visitor")
	visitor.open("/regulator/search")
	if !strings.HasPrefix(visitor.path(), "/login") {
		visitor.fatalf("a visitor reached the search of holders at %s", visitor.path())
	}
	visitor.open("/registry?licence_number=" + number)
	if visitor.last.Status != 400 || !strings.Contains(visitor.mainText(), "licence numbers are not public") || strings.Contains(visitor.mainText(), "Jordan Reyes") {
		visitor.fatalf("the registry searched by licence number for a visitor: %d\n%s", visitor.last.Status, visitor.mainText())
	}
}

// demoLicence is the number of the first licence of the approved
// portfolio of the demo holder with this address.
func demoLicence(t *testing.T, a *app, email string) string {
	t.Helper()
	ctx := context.Background()
	u, err := a.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := a.st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range apps {
		app, err := a.st.Application(ctx, sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(app.Snapshot) == 0 {
			continue
		}
		p, err := portfolio.DecodeStored(app.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Licenses) > 0 {
			return p.Licenses[0].Number
		}
	}
	t.Fatalf("%s has no licence in an approved portfolio", email)
	return ""
}
