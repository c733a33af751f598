package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/superbill"
)

// TestPracticeSuperbill has a practitioner, whose client had an attended
// and paid session last week, first ask for the superbill of a month
// without sessions (the page says why, at the month's field), then
// download the month's superbill from the form on the client's Sessions
// section and the session's own from its button (both forms POST): both PDFs, named without
// the client's name, listing the session. Every page passes axe.
func TestPracticeSuperbill(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	ctx := context.Background()
	admin, by := pa.actor(practiceAdmin), pa.actor(practitioner)
	if _, err := pa.p.SetPracticeIdentifiers(ctx, admin, practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		Address: "1200 N Lake Shore Dr\nChicago, IL 60610", Phone: "(312) 555-0142", TaxID: "36-4512789", TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := pa.p.SetOwnIdentifiers(ctx, by, practice.PractitionerIdentifiersInput{LicenceType: "LMFT",
		LicenceNumber: "LMFT-0158342", LicenceState: "IL", NPI: "1234567893"}, 0); err != nil {
		t.Fatal(err)
	}
	clientID, caseID := pa.practiceClient(practitioner, "Robin Vega", "1987-06-30")
	if _, err := pa.p.SetCaseConcerns(ctx, by, caseID, []concern.Diagnosis{{Concern: "erectile-disorder",
		Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Situational, Severity: concern.Mild}}}, 1); err != nil {
		t.Fatal(err)
	}
	// Tuesday 5 January 2027 at 10:00 in Chicago, before the practice's
	// clock (11 January): attended, and paid.
	x, err := pa.p.ScheduleSession(ctx, by, caseID, practice.SessionInput{Date: "2027-01-05", Time: "10:00", Minutes: "50",
		Modality: "in_person", Kind: "individual", CPT: "90834", Fee: "160.00", Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	if x, err = pa.p.MarkSession(ctx, by, x.ID, x.Version, "attended"); err != nil {
		t.Fatal(err)
	}
	if _, err = pa.p.RecordPayment(ctx, by, x.ID, x.Version, "160.00"); err != nil {
		t.Fatal(err)
	}

	p := pb.person("practitioner")
	pb.signIn(p, pa.login(practitioner))
	p.open(fmt.Sprintf("/clients/%d", clientID))
	month := fmt.Sprintf("sb-month-%d", clientID)
	if got := p.value(month); got != "2027-01" {
		t.Errorf("the month offered is %q, want 2027-01, the latest session's", got)
	}
	pb.shot(p, "practice-sessions-superbill.png", "#sessions", 1200)
	pb.axe(p, "a client's record with the superbill's form")
	submit := fmt.Sprintf(`form.superbill-form[action="/client-sessions/%d/superbill"][method=post] button[type=submit]`, clientID)

	// A month without sessions: the page says so at the field, and how.
	var set string
	p.js(fmt.Sprintf(`document.getElementById(%q).value = "2026-10"`, month), &set)
	p.click(submit)
	if p.last.Status != 422 {
		t.Errorf("a month without sessions answers %d", p.last.Status)
	}
	p.expectText("h1", "No sessions to bill")
	p.expectText("#"+month+"-error", "no attended session with you in October 2026")
	pb.axe(p, "a superbill refused")

	// The month's superbill, then the session's.
	p.js(fmt.Sprintf(`document.getElementById(%q).value = "2027-01"`, month), &set)
	name, pdf := p.download(submit)
	checkSuperbillPDF(t, name, fmt.Sprintf("superbill-%d-2027-01.pdf", clientID), pdf)
	p.open(fmt.Sprintf("/clients/%d", clientID))
	name, pdf = p.download(fmt.Sprintf(`#sessions form[action="/client-sessions/%d/superbill"]:has(input[name="session"][value="%d"]) button[type=submit]`, clientID, x.ID))
	checkSuperbillPDF(t, name, fmt.Sprintf("superbill-%d-session-%d.pdf", clientID, x.ID), pdf)
}

// checkSuperbillPDF checks a downloaded superbill: its name, that it is a
// PDF, and that it lists the session.
func checkSuperbillPDF(t *testing.T, name, want string, pdf []byte) {
	t.Helper()
	if name != want || strings.Contains(name, "Vega") {
		t.Errorf("the superbill is named %q, want %q", name, want)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the superbill %s is not a PDF: %q", name, pdf[:min(len(pdf), 16)])
	}
	text, err := superbill.Text(pdf)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Robin Vega", "2027-01-05", "90834", "F52.21", "Total paid by the client USD 160.00", "Jordan Reyes, LMFT"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the superbill %s does not show %q:\n%s", name, want, text)
		}
	}
}
