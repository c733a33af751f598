package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/demo"
)

// TestPracticeAdmin follows a practice's admin through their pages in a
// real browser, every page passing axe-core at a desktop's and a phone's
// width: the menu reached with the keyboard; a person added (an address
// taken refused first, then the mail with the link to choose a password); the consent
// text and the scope of practice; an issuer added to the trust list; a
// licensed instrument (ASEX) made usable: permission confirmed (a
// statement too short refused by the form first), item texts imported with
// placeholder wording, enabled; and a client's record opened through
// emergency access with a reason (too short a reason refused first), of
// which the client's practitioner is told.
func TestPracticeAdmin(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	clientID, _ := pa.practiceClient(practitioner, "Robin Hale", "1979-02-14")
	admin := pb.person("admin")

	pb.signIn(admin, pa.login(practiceAdmin))
	admin.expectText("#admin-h + p", "3 people have an account")
	stops := tabThrough(t, admin.ctx)
	requireStops(t, stops, `a "Skip to content"`, `a "Home"`, `a "Client directory"`, `a "People"`, `a "Consent texts"`,
		`a "Scope of practice"`, `a "Trust list"`, `a "Instruments"`, `a "Account"`, `button "Sign out"`)

	// People: an address that has an account is refused at its field;
	// then the person is added and mailed a link.
	admin.click(`header nav a[href="/people"]`)
	admin.expectText("h1", "People")
	pb.axe(admin, "the people")
	const newName, newEmail = "Noor Haddad", "noor.haddad@example.org"
	admin.fill("name", newName)
	admin.fill("email", demo.Email(uncertified))
	admin.radio(`form[action="/people"] input[name="roles"][value="practitioner"]`)
	admin.click(`form[action="/people"] button[type=submit]`)
	admin.expectText("#email-error", "exists already")
	if got := admin.value("name"); got != newName {
		admin.fatalf("the refused form forgets the name typed: %q", got)
	}
	pb.axe(admin, "the people, a person refused")
	admin.fill("email", newEmail)
	admin.radio(`form[action="/people"] input[name="roles"][value="practitioner"]`)
	admin.click(`form[action="/people"] button[type=submit]`)
	admin.expectFlash("Added " + newName)
	admin.expectText("main table", newEmail)
	if mails := pa.mailTo(newEmail); len(mails) != 1 {
		t.Errorf("the person added has %d mails, want the one with the link to choose a password: %q", len(mails), mails)
	}

	admin.click(`header nav a[href="/consent-texts"]`)
	admin.expectText("h1", "Consent to treatment")
	admin.expectText("#versions-h ~ details summary", consentTitle)
	pb.axe(admin, "the consent texts")
	admin.click(`header nav a[href="/admin/scope"]`)
	pb.axe(admin, "the scope of practice")

	// The trust list: empty, then the demo board's DID.
	admin.click(`header nav a[href="/admin/trust-list"]`)
	admin.expectText("h1", "Trust list")
	pb.axe(admin, "the trust list, empty")
	admin.fill("did", "did:web:board.example.org")
	admin.fill("name", "certboard demo board")
	admin.radio(`form[action="/admin/trust-list"] input[name="types"]`)
	admin.click(`form[action="/admin/trust-list"] button[type=submit]`)
	admin.expectFlash("Added certboard demo board to the trust list")
	admin.expectText("#list-h ~ .table-wrap", "did:web:board.example.org")
	pb.axe(admin, "the trust list with an issuer")
	pb.shot(admin, "practice-trust-list.png", "", 0)

	// A licensed instrument: permission, then its item texts, then on.
	admin.click(`header nav a[href="/admin/instruments"]`)
	admin.expectText("h1", "Instruments")
	admin.expectText("#asex-h", "disabled")
	pb.axe(admin, "the instruments")
	// The form itself refuses a statement too short to name a licence
	// (minlength; the server says the same to a client without it).
	admin.fill("statement-asex", "We have it.")
	var tooShort bool
	admin.js(`document.getElementById('statement-asex').validity.tooShort`, &tooShort)
	if !tooShort {
		admin.fatalf("the form takes a permission statement of 11 characters")
	}
	admin.paste("statement-asex", asexPermission) // over what was typed
	admin.click(`form[action="/admin/instruments/asex/permission"] button[type=submit]`)
	admin.expectFlash("Recorded that the practice holds permission")
	admin.expectText("#asex", asexPermission)
	admin.paste("texts-asex", asexTexts())
	admin.click(`form[action="/admin/instruments/asex/texts"] button[type=submit]`)
	admin.expectFlash("Imported the item texts of ASEX (5 items)")
	admin.expectText("#asex", "In use: "+asexSource)
	admin.click(`form[action="/admin/instruments/asex/enabled"] button[type=submit]`)
	admin.expectFlash("ASEX is enabled")
	admin.expectText("#asex-h", "enabled")
	pb.axe(admin, "the instruments, ASEX enabled")
	pb.shot(admin, "practice-instruments.png", "#asex", 1000)

	// Emergency access: the admin is not the client's practitioner.
	admin.click(`header nav a[href="/clients/directory"]`)
	admin.expectText("h1", "Clients")
	admin.expectText("main table", "Robin Hale")
	pb.axe(admin, "the client directory")
	admin.click(fmt.Sprintf(`main a[href="/clients/%d/emergency"]`, clientID))
	admin.expectText("h1", "Emergency access to Robin Hale")
	pb.axe(admin, "the emergency access form")
	admin.fill("reason", "Crisis call")
	admin.click(`main form button[type=submit]`)
	admin.expectText("#reason-error", "")
	pb.axe(admin, "the emergency access form, a reason refused")
	before := len(pa.mailTo(demo.Email(practitioner)))
	admin.fill("reason", "The client phoned the front desk in crisis and Jordan Reyes cannot be reached today.")
	admin.click(`main form button[type=submit]`)
	admin.expectPath(fmt.Sprintf("/clients/%d", clientID))
	admin.expectText(".flash", "You have emergency access to this record")
	admin.expectText("main .error-summary", "emergency access")
	admin.expectText("#emergency-h ~ ul", "in crisis")
	if admin.has(`main a[href$="/edit"]`) {
		admin.fatalf("the record under emergency access offers to edit it")
	}
	pb.axe(admin, "a client's record under emergency access")
	if after := pa.mailTo(demo.Email(practitioner)); len(after) != before+1 {
		t.Errorf("the client's practitioner was mailed %d messages about the emergency access, want 1: %q", len(after)-before, after)
	}
	if got := pb.browser.checkedRoutes(); !slices.Contains(got, "/admin/instruments") {
		t.Errorf("the admin's pages checked: %v", got)
	}
}

// The licence and the item texts the admin records for ASEX. The wording
// is a placeholder: the real items come from the practice's licensed copy
// and are not shipped.
const (
	asexPermission = "Licence 2027-114 from the Arizona Board of Regents, signed 2027-01-04, for use in this practice."
	asexSource     = "Placeholder wording for tests, not the licensed ASEX text"
)

// asexTexts is an item-text file for ASEX in the format the practice
// imports (see practice/measure), with placeholder wording.
func asexTexts() string {
	var b strings.Builder
	fmt.Fprintf(&b, "instrument: asex\nsource: %q\nlead_in: \"Placeholder: the lead-in of the licensed copy goes here.\"\nitems:\n", asexSource)
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "  - number: %d\n    text: \"ASEX item %d (placeholder: the licensed wording goes here)\"\n    answers:\n", i, i)
		for v := 1; v <= 6; v++ {
			fmt.Fprintf(&b, "      - {value: %d, label: \"Answer %d\"}\n", v, v)
		}
	}
	return b.String()
}
