package e2e

import (
	"context"
	"testing"
)

// TestPracticeIdentifiers follows the identifiers that name the practice
// and that superbills print in a real browser, every page passing
// axe-core at a desktop's and a phone's width: the admin, from their home
// page, gives the practice's name, identifiers and time zone on its one
// page (an NPI whose check digit is wrong and a zone that is none refused
// at their fields first, with what was typed kept); a practitioner, whose home page flags theirs as missing,
// gives their licence and NPI (a state left unchosen refused first) and
// the flag goes; the admin then sees them.
func TestPracticeIdentifiers(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	ctx := context.Background()

	admin := pb.person("admin")
	pb.signIn(admin, pa.login(practiceAdmin))
	admin.click(`main a[href="/admin/identifiers"]`)
	admin.expectText("h1", "The practice")
	admin.expectText("main", "Not given yet.")
	pb.axe(admin, "the practice's identifiers, none given")
	admin.fill("name", "Lakeview Couples Clinic")
	admin.fill("address", "2900 N Lakeview Ave, Suite 3\nChicago, IL 60657")
	admin.fill("phone", "(312) 555-0148")
	admin.fill("npi", "2999900015")
	admin.fill("tax_id", "07-4417285")
	admin.fill("time_zone", "Chicago")
	admin.click(`form[action="/admin/identifiers"] button[type=submit]`)
	admin.expectText("#npi-error", "check digit")
	admin.expectText("#time_zone-error", "not a time zone")
	if got := admin.value("tax_id"); got != "07-4417285" {
		admin.fatalf("the refused form forgets the tax id typed: %q", got)
	}
	if _, err := pa.st.PracticeIdentifiers(ctx); err == nil {
		t.Fatal("a refused form saved the practice's identifiers")
	}
	pb.axe(admin, "the practice's identifiers, an NPI refused")
	admin.fill("npi", "2999900014")
	admin.fill("time_zone", "America/Chicago")
	admin.click(`form[action="/admin/identifiers"] button[type=submit]`)
	admin.expectFlash("Saved the practice's details")
	if settings, err := pa.p.SessionSettings(ctx); err != nil || settings.TimeZone != "America/Chicago" {
		t.Fatalf("the time zone saved: %+v, %v", settings, err)
	}
	admin.expectText("main table", "not given yet")

	jordan := pb.person("jordan")
	pb.signIn(jordan, pa.login(practitioner))
	jordan.expectText("#flags-h + ul", "Give your licence and NPI")
	jordan.click(`#flags-h + ul a[href="/identifiers"]`)
	jordan.expectText("h1", "Your licence and NPI")
	jordan.expectText("#practice-h ~ dl", "Lakeview Couples Clinic")
	pb.axe(jordan, "the practitioner's identifiers, none given")
	jordan.fill("licence_type", "LMFT")
	jordan.fill("licence_number", "LMFT-0194412")
	jordan.fill("npi", "1999900016")
	jordan.click(`form[action="/identifiers"] button[type=submit]`)
	jordan.expectText("#licence_state-error", "two-letter code")
	pb.axe(jordan, "the practitioner's identifiers, a state missing")
	jordan.choose("licence_state", "IL")
	jordan.click(`form[action="/identifiers"] button[type=submit]`)
	jordan.expectFlash("Saved your licence and NPI")
	jordan.open("/")
	if jordan.has(`#flags-h + ul a[href="/identifiers"]`) {
		jordan.fatalf("the home page still flags the identifiers once given")
	}

	admin.open("/admin/identifiers")
	admin.expectText("main table", "LMFT-0194412")
	pb.axe(admin, "the practice's identifiers, with a practitioner's")
}
