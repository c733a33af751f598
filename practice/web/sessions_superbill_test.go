package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
	path := fmt.Sprintf("/client-sessions/%d/superbill", client)
	month := url.Values{"month": {"2026-12"}}
	one := url.Values{"session": {fmt.Sprint(x.ID)}}

	record := w.get(t, fmt.Sprintf("/clients/%d", client), prac).Body.String()
	for _, want := range []string{`action="/client-sessions/` + fmt.Sprint(client) + `/superbill"`, `type="month"`, `value="2026-12"`,
		fmt.Sprintf(`name="session" value="%d"`, x.ID)} {
		if !strings.Contains(record, want) {
			t.Errorf("the record lacks %s", want)
		}
	}

	// Without identifiers: the page says what to give, and where.
	// A GET (a link from another site, say) makes none.
	if rec := w.get(t, path+"?month=2026-12", prac); rec.Code == http.StatusOK || rec.Header().Get("Content-Type") == "application/pdf" {
		t.Fatalf("a GET of the superbill: %d", rec.Code)
	}
	rec := w.do(t, http.MethodPost, path, month, prac)
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

	for _, form := range []url.Values{month, one} {
		rec = w.do(t, http.MethodPost, path, form, prac)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("%v: %d %q %q\n%s", form, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"), rec.Body)
		}
		cd := rec.Header().Get("Content-Disposition")
		if !strings.HasPrefix(cd, `attachment; filename="superbill-`+fmt.Sprint(client)+"-") || strings.Contains(cd, "Rivera") || strings.Contains(cd, "Alex") {
			t.Errorf("%v: Content-Disposition %q", form, cd)
		}
		text, err := superbill.Text(rec.Body.Bytes())
		if err != nil || !strings.Contains(text, "90834") || !strings.Contains(text, "USD 120.00") || !strings.Contains(text, "Alex Rivera") {
			t.Errorf("%v: the PDF shows %v:\n%s", form, err, text)
		}
	}

	// A month without sessions is refused at the month's field.
	rec = w.do(t, http.MethodPost, path, url.Values{"month": {"2026-09"}}, prac)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "no attended session") ||
		!strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `id="sb-month-`+fmt.Sprint(client)+`-error"`) {
		t.Errorf("September: %d\n%s", rec.Code, body)
	}
	// Nobody else has it: an admin (no practitioner), a practitioner and
	// admin who is not assigned (refused as an admin, who knows the
	// client exists).
	if rec := w.do(t, http.MethodPost, path, month, w.session(t, "admin")); rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") == "application/pdf" {
		t.Errorf("the admin: %d", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, path, month, w.session(t, "both")); rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") == "application/pdf" {
		t.Errorf("an unassigned practitioner: %d", rec.Code)
	}
}
