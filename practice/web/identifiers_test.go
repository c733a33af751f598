package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
)

// TestPracticeIdentifiersPage: an admin gives the practice's name,
// identifiers and time zone on one page; a bad NPI or zone shows its
// field's error and saves nothing; a name and zone alone are saved and
// the page says what superbills wait for; a practitioner may not reach
// the page; the admin's home and the menu link it, and the old session
// settings' address leads to it.
func TestPracticeIdentifiersPage(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	admin := w.session(t, "admin")
	page := w.get(t, "/admin/identifiers", admin)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Not given yet.") ||
		!strings.Contains(page.Body.String(), `name="version" value="0"`) || !strings.Contains(page.Body.String(), "Person practitioner") {
		t.Fatalf("the page: %d %s", page.Code, page.Body)
	}
	if !strings.Contains(page.Body.String(), `id="time_zone"`) || !strings.Contains(page.Body.String(), `value="UTC"`) {
		t.Fatalf("the page lacks the time zone, UTC until set: %s", page.Body)
	}
	good := url.Values{"version": {"0"}, "name": {"Lakeview Couples Clinic"}, "address": {"1200 N Lake Shore Dr\r\nChicago, IL 60610"},
		"phone": {"(312) 555-0142"}, "npi": {"1234567893"}, "tax_id": {"36-4512789"}, "time_zone": {"America/Chicago"}}
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("npi", "1234567890")
	bad.Set("time_zone", "Chicago")
	rec := w.do(t, http.MethodPost, "/admin/identifiers", bad, admin)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="npi-error"`) || !strings.Contains(body, "check digit") ||
		strings.Contains(body, `id="name-error"`) || !strings.Contains(body, `value="1234567890"`) || !strings.Contains(body, `aria-invalid="true"`) ||
		!strings.Contains(body, `id="time_zone-error"`) || !strings.Contains(body, `value="Chicago"`) {
		t.Fatalf("a bad NPI and zone: %d %s", rec.Code, body)
	}
	if _, err := w.st.PracticeIdentifiers(ctx); err == nil {
		t.Fatal("a refused form saved the identifiers")
	}
	rec = w.do(t, http.MethodPost, "/admin/identifiers", good, admin)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/identifiers" {
		t.Fatalf("saving: %d %s", rec.Code, rec.Body)
	}
	after := w.get(t, "/admin/identifiers", admin, cookie(rec, FlashCookie)).Body.String()
	if !strings.Contains(after, "Saved the practice&#39;s details") || !strings.Contains(after, `value="36-4512789"`) ||
		!strings.Contains(after, `name="version" value="1"`) || !strings.Contains(after, `value="America/Chicago"`) ||
		strings.Contains(after, "Superbills wait for") {
		t.Fatalf("after saving: %s", after)
	}
	if settings, err := w.s.practice.SessionSettings(ctx); err != nil || settings.TimeZone != "America/Chicago" {
		t.Fatalf("the time zone: %+v, %v", settings, err)
	}
	pi, err := w.st.PracticeIdentifiers(ctx)
	if err != nil || pi.Address != "1200 N Lake Shore Dr\nChicago, IL 60610" || pi.NPI != "1234567893" {
		t.Fatalf("saved %+v, %v", pi, err)
	}
	// The form of version 0 again: changed meanwhile, nothing saved.
	good.Set("phone", "(312) 555-0199")
	if rec = w.do(t, http.MethodPost, "/admin/identifiers", good, admin); rec.Code != http.StatusConflict {
		t.Fatalf("a stale form: %d %s", rec.Code, rec.Body)
	}
	if pi, _ := w.st.PracticeIdentifiers(ctx); pi.Phone != "(312) 555-0142" {
		t.Fatalf("a stale form changed the phone: %+v", pi)
	}
	// A name and a zone alone are saved; the page says what superbills
	// wait for.
	partial := url.Values{"version": {"1"}, "name": {"Lakeview Couples Clinic"}, "time_zone": {"America/Chicago"}}
	if rec = w.do(t, http.MethodPost, "/admin/identifiers", partial, admin); rec.Code != http.StatusSeeOther {
		t.Fatalf("a name and a zone alone: %d %s", rec.Code, rec.Body)
	}
	if after := w.get(t, "/admin/identifiers", admin).Body.String(); !strings.Contains(after,
		"<strong>Superbills wait for:</strong> the postal address, the phone number, the tax id.") {
		t.Errorf("the page does not say what superbills wait for: %s", after)
	}
	if rec := w.get(t, "/sessions/settings", admin); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/admin/identifiers" {
		t.Errorf("the old session settings: %d, %q", rec.Code, rec.Header().Get("Location"))
	}
	// Practitioners and people without a role do not reach the page.
	for _, who := range []string{"practitioner", "norole"} {
		c := w.session(t, who)
		if rec := w.get(t, "/admin/identifiers", c); rec.Code != http.StatusForbidden {
			t.Errorf("%s: GET %d", who, rec.Code)
		}
		if rec := w.do(t, http.MethodPost, "/admin/identifiers", good, c); rec.Code != http.StatusForbidden {
			t.Errorf("%s: POST %d", who, rec.Code)
		}
	}
	home := w.get(t, "/", admin).Body.String()
	if !strings.Contains(home, `<p><a href="/admin/identifiers">The practice's name, address and time zone</a>`) ||
		!strings.Contains(home, `<li><a href="/admin/identifiers">The practice</a></li>`) || strings.Contains(home, "/sessions/settings") {
		t.Errorf("the admin's home page does not link the practice's page: %s", home)
	}
}

// TestOwnIdentifiersPage: a practitioner gives their own licence and NPI;
// a bad NPI shows its field's error and saves nothing; the home page
// flags them until they are given; the admin's page shows them.
func TestOwnIdentifiersPage(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.session(t, "practitioner")
	home := w.get(t, "/", c).Body.String()
	if !strings.Contains(home, "Give your licence and NPI") || !strings.Contains(home, `href="/identifiers"`) {
		t.Fatalf("the home page does not flag the missing identifiers: %s", home)
	}
	page := w.get(t, "/identifiers", c)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Not given yet") ||
		!strings.Contains(page.Body.String(), `<option value="IL">IL</option>`) {
		t.Fatalf("the page: %d %s", page.Code, page.Body)
	}
	bad := url.Values{"version": {"0"}, "licence_type": {"LMFT"}, "licence_number": {"LMFT-0158342"}, "licence_state": {"IL"}, "npi": {"123456789"}}
	rec := w.do(t, http.MethodPost, "/identifiers", bad, c)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="npi-error"`) ||
		strings.Contains(body, `id="licence_state-error"`) || !strings.Contains(body, `<option value="IL" selected>`) {
		t.Fatalf("a bad NPI: %d %s", rec.Code, body)
	}
	if _, err := w.st.PractitionerIdentifiers(ctx, w.users["practitioner"].ID); err == nil {
		t.Fatal("a refused form saved the identifiers")
	}
	good := bad
	good.Set("npi", "1234567893")
	good.Set("licence_state", "il")
	rec = w.do(t, http.MethodPost, "/identifiers", good, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/identifiers" {
		t.Fatalf("saving: %d %s", rec.Code, rec.Body)
	}
	after := w.get(t, "/identifiers", c, cookie(rec, FlashCookie)).Body.String()
	if !strings.Contains(after, "Saved your licence and NPI") || !strings.Contains(after, `<option value="IL" selected>`) {
		t.Fatalf("after saving: %s", after)
	}
	if home := w.get(t, "/", c).Body.String(); strings.Contains(home, "Give your licence and NPI") {
		t.Error("the home page still flags the identifiers")
	}
	// Another practitioner's page is their own: nothing of the first.
	if other := w.get(t, "/identifiers", w.session(t, "both")).Body.String(); strings.Contains(other, "LMFT-0158342") {
		t.Error("a practitioner sees another's licence")
	}
	// The admin sees them; an admin who is no practitioner has no page of their own.
	admin := w.session(t, "admin")
	if list := w.get(t, "/admin/identifiers", admin).Body.String(); !strings.Contains(list, "LMFT-0158342") {
		t.Errorf("the admin's page lacks the licence: %s", list)
	}
	if rec := w.get(t, "/identifiers", admin); rec.Code != http.StatusForbidden {
		t.Errorf("an admin on /identifiers: %d", rec.Code)
	}
	// The practice's identifiers show on the practitioner's page once given.
	if _, err := w.s.practice.SetPracticeIdentifiers(ctx, practice.ActorOf(w.users["admin"]), practice.PracticeIdentifiersInput{
		Name: "Lakeview Couples Clinic", Address: "1200 N Lake Shore Dr\nChicago, IL 60610", Phone: "(312) 555-0142", TaxID: "364512789",
		TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	if own := w.get(t, "/identifiers", c).Body.String(); !strings.Contains(own, "1200 N Lake Shore Dr<br>Chicago, IL 60610") ||
		!strings.Contains(own, "36-4512789") {
		t.Errorf("the practice's identifiers on the practitioner's page: %s", own)
	}
}
