package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/superbill"
)

// The identifiers' pages: the admins' page of the practice (its name,
// address, phone, NPI, tax id and time zone: the one place the practice's
// mails, letters and superbills take them from) with every
// practitioner's identifiers, and a practitioner's page of their own
// licence and NPI, which superbills print.

// identifierRoutes registers the identifiers' pages, and the flag on a
// practitioner's home page while theirs are missing. New calls it.
func (s *Server) identifierRoutes() {
	s.route("GET /identifiers", Practitioner, s.handle(s.ownIdentifiersPage))
	s.route("POST /identifiers", Practitioner, s.handle(s.saveOwnIdentifiers))
	s.route("GET /admin/identifiers", PracticeAdmin, s.handle(s.practiceIdentifiersPage))
	s.route("POST /admin/identifiers", PracticeAdmin, s.handle(s.savePracticeIdentifiers))
	s.homeParts = append(s.homeParts, s.identifiersHome)
}

// IdentifiersView is what the identifiers' pages show.
type IdentifiersView struct {
	// Practice are the practice's identifiers; Version 0 before an admin
	// gives them.
	Practice practice.PracticeIdentifiers
	// Own are the practitioner's own identifiers, on their page.
	Own practice.PractitionerIdentifiers
	// Practitioners are every practitioner's, on the admins' page.
	Practitioners []practice.PractitionerIdentifiers
	// States are the licence states a practitioner chooses from.
	States []string
	// Zones are suggestions for the practice's time zone; any IANA name
	// is accepted.
	Zones []string
	// Version is the version the form edits.
	Version int
}

// zoneSuggestions are the time zones the practice's page suggests.
var zoneSuggestions = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
	"America/Anchorage", "Pacific/Honolulu", "America/Toronto", "Europe/London", "Europe/Berlin", "Australia/Sydney", "UTC"}

// missingLabels name the identifiers a superbill needs, as the practice's
// page names them.
var missingLabels = map[string]string{"name": "name", "address": "postal address", "phone": "phone number", "tax_id": "tax id"}

// SuperbillMissing names, in form order, what the practice has yet to
// give before a superbill can be made; none once it can.
func (v IdentifiersView) SuperbillMissing() []string {
	var out []string
	for _, f := range v.Practice.Missing() {
		out = append(out, missingLabels[f])
	}
	return out
}

// Lines splits a multi-line text (an address) into its lines.
func (IdentifiersView) Lines(s string) []string { return strings.Split(s, "\n") }

// practiceValues are the practice's identifiers as the form holds them.
func practiceValues(pi practice.PracticeIdentifiers) url.Values {
	return url.Values{"name": {pi.Name}, "address": {pi.Address}, "phone": {pi.Phone}, "npi": {pi.NPI}, "tax_id": {pi.TaxID},
		"time_zone": {pi.TimeZone}}
}

// renderPracticeIdentifiers draws the admins' page with a status, the
// form's errors and values (nil: the saved identifiers).
func (s *Server) renderPracticeIdentifiers(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, values url.Values) error {
	by := actor(r)
	pi, err := s.practice.PracticeIdentifiers(r.Context(), by)
	if err != nil {
		return err
	}
	all, err := s.practice.AllPractitionerIdentifiers(r.Context(), by)
	if err != nil {
		return err
	}
	if values == nil {
		values = practiceValues(pi)
	}
	v := IdentifiersView{Practice: pi, Practitioners: all, Zones: zoneSuggestions, Version: pi.Version}
	s.render(w, r, status, "identifiers_practice", page{Title: "The practice", Data: v, Errors: errs, Form: values})
	return nil
}

func (s *Server) practiceIdentifiersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPracticeIdentifiers(w, r, http.StatusOK, nil, nil)
}

// savePracticeIdentifiers saves the admins' form
// (practice.Practice.SetPracticeIdentifiers); a refusal shows the form
// again with what to fix beside each field, and nothing is saved.
func (s *Server) savePracticeIdentifiers(w http.ResponseWriter, r *http.Request) error {
	version, err := versionedForm(w, r, 0, "version")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := practice.PracticeIdentifiersInput{Name: f.Get("name"), Address: f.Get("address"), Phone: f.Get("phone"), NPI: f.Get("npi"),
		TaxID: f.Get("tax_id"), TimeZone: f.Get("time_zone")}
	_, err = s.practice.SetPracticeIdentifiers(r.Context(), actor(r), in, version)
	if e := refusal(err); e != nil && e.Code != certboard.Forbidden {
		return s.renderPracticeIdentifiers(w, r, e.Answer().Status, clientFields(e), f)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/identifiers", "Saved the practice's details. Its mails, letters and superbills give them from now on.")
	return nil
}

// renderOwnIdentifiers draws a practitioner's page with a status, the
// form's errors and values (nil: the saved identifiers).
func (s *Server) renderOwnIdentifiers(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, values url.Values) error {
	by := actor(r)
	pi, err := s.practice.PracticeIdentifiers(r.Context(), by)
	if err != nil {
		return err
	}
	own, err := s.practice.PractitionerIdentifiers(r.Context(), by, by.UserID)
	if err != nil {
		return err
	}
	if values == nil {
		values = url.Values{"licence_type": {own.LicenceType}, "licence_number": {own.LicenceNumber},
			"licence_state": {own.LicenceState}, "npi": {own.NPI}}
	}
	v := IdentifiersView{Practice: pi, Own: own, States: superbill.States(), Version: own.Version}
	s.render(w, r, status, "identifiers_own", page{Title: "Your licence and NPI", Data: v, Errors: errs, Form: values})
	return nil
}

func (s *Server) ownIdentifiersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOwnIdentifiers(w, r, http.StatusOK, nil, nil)
}

// saveOwnIdentifiers saves a practitioner's form
// (practice.Practice.SetOwnIdentifiers); a refusal shows the form again
// with what to fix beside each field, and nothing is saved.
func (s *Server) saveOwnIdentifiers(w http.ResponseWriter, r *http.Request) error {
	version, err := versionedForm(w, r, 0, "version")
	if err != nil {
		return err
	}
	f := r.PostForm
	in := practice.PractitionerIdentifiersInput{LicenceType: f.Get("licence_type"), LicenceNumber: f.Get("licence_number"),
		LicenceState: f.Get("licence_state"), NPI: f.Get("npi")}
	_, err = s.practice.SetOwnIdentifiers(r.Context(), actor(r), in, version)
	if e := refusal(err); e != nil && e.Code != certboard.Forbidden {
		return s.renderOwnIdentifiers(w, r, e.Answer().Status, clientFields(e), f)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/identifiers", "Saved your licence and NPI. Your superbills print them from now on.")
	return nil
}

// identifiersHome flags, on a practitioner's home page, that their
// licence and NPI are not given yet.
func (s *Server) identifiersHome(ctx context.Context, u *auth.User, v *HomeView) error {
	if !v.Practitioner {
		return nil
	}
	own, err := s.practice.PractitionerIdentifiers(ctx, practice.ActorOf(u), u.ID)
	if err != nil {
		return err
	}
	if !own.Complete() {
		v.Flags = append(v.Flags, HomeItem{Text: "Give your licence and NPI", Href: "/identifiers",
			Note: "Superbills name you by them; none can be made for your sessions until you do."})
	}
	return nil
}
