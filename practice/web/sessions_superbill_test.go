package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/superbill"
)

// TestSuperbillPages: the form on the record, the refusal page that says
// how to fix what is missing, the PDF and who may have it.
func TestSuperbillPages(t *testing.T) {
	ctx := context.Background()
	w, client, caseID := sessionsWebWorld(t)
	prac := w.session(t, "practitioner")
	by := practice.ActorOf(w.users["practitioner"])
	if _, err := w.s.practice.SetCaseConcerns(ctx, by, caseID, []concern.Diagnosis{{Concern: "erectile-disorder",
		Specifiers: concern.Specifiers{Onset: concern.Acquired, Context: concern.Situational, Severity: concern.Mild}}}, 1); err != nil {
		t.Fatal(err)
	}
	// A session on 1 December, before the world's clock, attended and paid.
	in := practice.SessionInput{Date: "2026-12-01", Time: "10:00", Minutes: "45", Modality: "in_person", Kind: "individual",
		CPT: "90834", Fee: "150.00", Currency: "USD"}
	x, err := w.s.practice.ScheduleSession(ctx, by, caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if x, err = w.s.practice.MarkSession(ctx, by, x.ID, x.Version, "attended"); err != nil {
		t.Fatal(err)
	}
	if _, err = w.s.practice.RecordPayment(ctx, by, x.ID, x.Version, "120.00"); err != nil {
		t.Fatal(err)
	}
	month := fmt.Sprintf("/client-sessions/%d/superbill?month=2026-12", client)

	record := w.get(t, fmt.Sprintf("/clients/%d", client), prac).Body.String()
	for _, want := range []string{`action="/client-sessions/` + fmt.Sprint(client) + `/superbill"`, `type="month"`, `value="2026-12"`,
		fmt.Sprintf(`href="/client-sessions/%d/superbill?session=%d"`, client, x.ID)} {
		if !strings.Contains(record, want) {
			t.Errorf("the record lacks %s", want)
		}
	}

	// Without identifiers: the page says what to give, and where.
	rec := w.get(t, month, prac)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(body, `href="/identifiers"`) || !strings.Contains(body, "Ask a practice admin") || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("without identifiers: %d\n%s", rec.Code, body)
	}
	if _, err := w.s.practice.SetPracticeIdentifiers(ctx, practice.ActorOf(w.users["admin"]), practice.PracticeIdentifiersInput{
		Name: "Lakeview Couples Clinic", Address: "1200 N Lake Shore Dr\nChicago, IL 60610", Phone: "(312) 555-0142", TaxID: "36-4512789",
		TimeZone: "America/Chicago"}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.SetOwnIdentifiers(ctx, by, practice.PractitionerIdentifiersInput{LicenceType: "LMFT",
		LicenceNumber: "LMFT-0158342", LicenceState: "IL", NPI: "1234567893"}, 0); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{month, fmt.Sprintf("/client-sessions/%d/superbill?session=%d", client, x.ID)} {
		rec = w.get(t, path, prac)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %q %q\n%s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), rec.Body)
		}
		cd := rec.Header().Get("Content-Disposition")
		if !strings.HasPrefix(cd, `attachment; filename="superbill-`+fmt.Sprint(client)+"-") || strings.Contains(cd, "Rivera") || strings.Contains(cd, "Alex") {
			t.Errorf("%s: Content-Disposition %q", path, cd)
		}
		text, err := superbill.Text(rec.Body.Bytes())
		if err != nil || !strings.Contains(text, "90834") || !strings.Contains(text, "USD 120.00") || !strings.Contains(text, "Alex Rivera") {
			t.Errorf("%s: the PDF shows %v:\n%s", path, err, text)
		}
	}

	// A month without sessions is refused at the month's field.
	rec = w.get(t, fmt.Sprintf("/client-sessions/%d/superbill?month=2026-09", client), prac)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "no attended session") ||
		!strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `id="sb-month-`+fmt.Sprint(client)+`-error"`) {
		t.Errorf("September: %d\n%s", rec.Code, body)
	}
	// Nobody else has it: an admin (no practitioner), a practitioner and
	// admin who is not assigned (refused as an admin, who knows the
	// client exists).
	if rec := w.get(t, month, w.session(t, "admin")); rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") == "application/pdf" {
		t.Errorf("the admin: %d", rec.Code)
	}
	if rec := w.get(t, month, w.session(t, "both")); rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") == "application/pdf" {
		t.Errorf("an unassigned practitioner: %d", rec.Code)
	}
}
