package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/account"
)

// ClientStaff: practitioners and practice admins, with two factors: the
// pages both reach, where the use case decides by role and by client
// (registering a client, a client's record, which an admin reads only
// through emergency access).
var ClientStaff = &kit.Rule{Name: "practitioner or practice admin", TwoFactor: true,
	Allow: func(u kit.Roles) bool { return u.HasRole(auth.Practitioner) || u.HasRole(auth.PracticeAdmin) }}

// clientRoutes registers the pages of clients and their consent, and the
// clients' part of the home page. New calls it.
func (s *Server) clientRoutes() {
	s.route("GET /clients", Practitioner, s.handle(s.clientsPage))
	s.route("GET /clients/new", ClientStaff, s.handle(s.newClientPage))
	s.route("POST /clients", ClientStaff, s.handle(s.createClient))
	s.route("GET /clients/directory", PracticeAdmin, s.handle(s.directoryPage))
	s.route("GET /clients/{id}", ClientStaff, s.handle(s.clientPage))
	s.route("GET /clients/{id}/edit", Practitioner, s.handle(s.editClientPage))
	s.route("POST /clients/{id}", Practitioner, s.handle(s.updateClient))
	s.route("GET /clients/{id}/consent", Practitioner, s.handle(s.consentPage))
	s.route("POST /clients/{id}/consent", Practitioner, s.handle(s.signConsent))
	s.route("POST /clients/{id}/consent/withdraw", Practitioner, s.handle(s.withdrawConsent))
	s.route("GET /clients/{id}/emergency", PracticeAdmin, s.handle(s.emergencyPage))
	s.route("POST /clients/{id}/emergency", PracticeAdmin, s.handle(s.requestEmergency))
	s.route("POST /clients/{id}/practitioners", PracticeAdmin, s.handle(s.assignPractitioner))
	s.route("POST /clients/{id}/practitioners/{pid}/unassign", PracticeAdmin, s.handle(s.unassignPractitioner))
	s.route("GET /consent-texts", PracticeAdmin, s.handle(s.consentTextsPage))
	s.route("POST /consent-texts", PracticeAdmin, s.handle(s.publishConsentText))
	s.route("POST /consent-texts/{id}", PracticeAdmin, s.handle(s.reviseConsentText))
	s.homeParts = append(s.homeParts, s.clientsHome)
}

// ClientSection is a part of a client's record page that another area of
// practice mode fills (cases, notes, measures): a heading, an anchor, and
// the HTML of a shared block (a templates/_<area>*.html file) rendered by
// the page.
type ClientSection struct {
	// ID is the section's anchor ("cases"), Title its heading.
	ID, Title string
	// Block names the shared template block that draws the section, and
	// Data is what it receives.
	Block string
	Data  any
	// HTML is the block drawn, set by the record page.
	HTML template.HTML
}

// clientSection fills one section of the record page of rec for the
// person reading it, through the area's use cases (which check and audit
// their own reads); nil for no section.
type clientSection func(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error)

// clientSections are the other areas' sections of the record page, in
// order: each area appends its own in an init function of its file.
var clientSections []clientSection

// actor is the person making the request, as the use cases take them.
func actor(r *http.Request) practice.Actor { return practice.ActorOf(account.UserFrom(r)) }

// pathID reads a number from the path, or answers NotFound naming what.
func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, certboard.Errorf(certboard.NotFound, "there is no %s %q", what, r.PathValue(name)).WithTitle(sentenceCase(what) + " not found")
	}
	return id, nil
}

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clientFields are a refusal's messages by form field, without the name of
// the field in front, for the message beside each field ("" for the form).
func clientFields(e *certboard.Error) map[string]string {
	out := map[string]string{}
	for f, m := range fieldErrors(e) {
		out[f] = account.Sentence(strings.TrimPrefix(m, f+": "))
	}
	return out
}

// identityForm reads the identity fields of a form.
func identityForm(f url.Values) practice.IdentityInput {
	return practice.IdentityInput{Name: f.Get("name"), PreferredName: f.Get("preferred_name"), DateOfBirth: f.Get("date_of_birth"),
		Pronouns: f.Get("pronouns"), GenderIdentity: f.Get("gender_identity"), Email: f.Get("email"), Phone: f.Get("phone"),
		EmergencyName: f.Get("emergency_name"), EmergencyPhone: f.Get("emergency_phone"), EmergencyRelationship: f.Get("emergency_relationship")}
}

// identityValues are an identity as form values, to fill the form.
func identityValues(in practice.IdentityInput) url.Values {
	return url.Values{"name": {in.Name}, "preferred_name": {in.PreferredName}, "date_of_birth": {in.DateOfBirth},
		"pronouns": {in.Pronouns}, "gender_identity": {in.GenderIdentity}, "email": {in.Email}, "phone": {in.Phone},
		"emergency_name": {in.EmergencyName}, "emergency_phone": {in.EmergencyPhone}, "emergency_relationship": {in.EmergencyRelationship}}
}

// ClientsView is a page of a practitioner's list of clients.
type ClientsView struct {
	Clients []ClientLine
	// Filter is the name looked for ("" for everyone), All how many
	// clients the practitioner has, Pager the page links.
	Filter string
	All    int
	Pager  Pager
	// MaxFilter bounds the filter field.
	MaxFilter int
}

// ClientLine is one client in a list.
type ClientLine struct {
	ID        int64
	Name      string
	Pronouns  string
	Age       int
	Consented bool
}

// clientsPage shows a page of the practitioner's clients, filtered by the
// name in q (practice.Practice.ClientList); GET /clients?q=lee&page=2.
func (s *Server) clientsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := ClientsView{Filter: q.Get("q"), MaxFilter: practice.MaxClientFilter}
	n, err := pageOf(r)
	if err != nil {
		return err
	}
	list, err := s.practice.ClientList(r.Context(), actor(r), practice.ClientQuery{Filter: v.Filter, Page: n})
	if err == nil {
		v.Filter, v.All = list.Filter, list.All
		var keep url.Values
		if list.Filter != "" {
			keep = url.Values{"q": {list.Filter}}
		}
		v.Pager = pagerOf("Pages of your clients", "/clients", keep, list.Page)
		today := date.FromTime(s.now().UTC())
		for _, c := range list.Clients {
			name := c.Name
			if c.PreferredName != "" {
				name = c.PreferredName + " (" + c.Name + ")"
			}
			v.Clients = append(v.Clients, ClientLine{ID: c.ID, Name: name, Pronouns: c.Pronouns,
				Age: practice.Identity{DateOfBirth: c.DateOfBirth}.AgeOn(today), Consented: c.Consented})
		}
	}
	if e := refusal(err); e != nil && e.Code == certboard.Invalid {
		s.render(w, r, e.Answer().Status, "clients", page{Title: "Your clients", Data: v, Errors: clientFields(e), Form: url.Values{"q": {v.Filter}}})
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "clients", page{Title: "Your clients", Data: v, Form: url.Values{"q": {v.Filter}}})
	return nil
}

// clientsHome lists a practitioner's clients on their home page: the
// first page of their list, and a link to the rest.
func (s *Server) clientsHome(ctx context.Context, u *auth.User, v *HomeView) error {
	if !v.Practitioner {
		return nil
	}
	list, err := s.practice.ClientList(ctx, practice.ActorOf(u), practice.ClientQuery{Page: 1})
	if err != nil {
		return err
	}
	for _, c := range list.Clients {
		item := HomeItem{Text: c.Name, Href: fmt.Sprintf("/clients/%d", c.ID)}
		if c.PreferredName != "" {
			item.Text = c.PreferredName + " (" + c.Name + ")"
		}
		if !c.Consented {
			item.Note = "no consent to treatment in force"
		}
		v.Clients = append(v.Clients, item)
	}
	if list.Page.Many() {
		v.Clients = append(v.Clients, HomeItem{Text: fmt.Sprintf("All your %d clients", list.All), Href: "/clients"})
	}
	return nil
}

// ClientFormView is the form of a client's identity: new or edited.
type ClientFormView struct {
	// ID and Version are the client's when editing (0 for a new client).
	ID      int64
	Version int
	// Choose says the form offers practitioners to assign (an admin
	// registering a client); Practitioners are those to choose from.
	Choose        bool
	Practitioners []practice.Member
	// Pronouns and Genders are suggestions for the free-text fields.
	Pronouns, Genders []string
	// Groups are the identity's fields, filled and with what to fix.
	Groups []FieldGroup
}

// FieldGroup is a fieldset of a form.
type FieldGroup struct {
	Legend string
	Fields []FormField
}

// FormField is one text field of a form: its name, label, hint, input
// type, suggestion list, value and what to fix ("" for nothing).
type FormField struct {
	Name, Label, Hint, Type, List, Autocomplete, Value, Error string
	Max                                                       int
}

// identityGroups are the identity's fields, filled from f with errs.
func identityGroups(f url.Values, errs map[string]string) []FieldGroup {
	field := func(name, label, hint, typ, list, auto string, max int) FormField {
		return FormField{Name: name, Label: label, Hint: hint, Type: typ, List: list, Autocomplete: auto, Max: max, Value: f.Get(name), Error: errs[name]}
	}
	return []FieldGroup{
		{"Who the client is", []FormField{
			field("name", "Full name", "As the client signs it.", "text", "", "off", practice.MaxNameLen),
			field("preferred_name", "Name to use (optional)", "If the client goes by another name.", "text", "", "off", practice.MaxNameLen),
			field("date_of_birth", "Date of birth", "As YYYY-MM-DD, such as 1990-04-23.", "date", "", "off", 10),
			field("pronouns", "Pronouns (optional)", "In the client's own words; suggestions appear as you type.", "text", "pronoun-suggestions", "off", practice.MaxShortTextLen),
			field("gender_identity", "Gender identity (optional)", "In the client's own words.", "text", "gender-suggestions", "off", practice.MaxShortTextLen),
		}},
		{"How to reach the client: an e-mail address, a phone number or both", []FormField{
			field("email", "E-mail address", "", "email", "", "off", practice.MaxEmailLen),
			field("phone", "Phone number", "With + and the country code if abroad.", "tel", "", "off", 30),
		}},
		{"Emergency contact (optional: all three, or none)", []FormField{
			field("emergency_name", "Name", "", "text", "", "off", practice.MaxNameLen),
			field("emergency_phone", "Phone number", "", "tel", "", "off", 30),
			field("emergency_relationship", "Relationship to the client", "Partner, friend, parent...", "text", "", "off", practice.MaxShortTextLen),
		}},
	}
}

// renderClientForm draws the identity form.
func (s *Server) renderClientForm(w http.ResponseWriter, r *http.Request, status int, v ClientFormView, errs map[string]string, f url.Values) error {
	v.Pronouns, v.Genders = practice.PronounSuggestions, practice.GenderIdentitySuggestions
	v.Groups = identityGroups(f, errs)
	title := "Register a client"
	if v.ID != 0 {
		title = "Edit the client's details"
	}
	s.render(w, r, status, "clients_form", page{Title: title, Data: v, Errors: errs, Form: f})
	return nil
}

// newClientView is the form of a new client: an admin chooses the
// practitioners.
func (s *Server) newClientView(r *http.Request) (ClientFormView, error) {
	by := actor(r)
	v := ClientFormView{Choose: by.IsAdmin()}
	if v.Choose {
		var err error
		if v.Practitioners, err = s.practice.Practitioners(r.Context(), by); err != nil {
			return v, err
		}
	}
	return v, nil
}

func (s *Server) newClientPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.newClientView(r)
	if err != nil {
		return err
	}
	return s.renderClientForm(w, r, http.StatusOK, v, nil, url.Values{})
}

// createClient registers a client (practice.Practice.CreateClient); a
// refusal shows the form again with what to fix.
func (s *Server) createClient(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	req := practice.NewClient{Identity: identityForm(r.PostForm)}
	for _, v := range r.PostForm["practitioners"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return certboard.FieldError(certboard.Malformed, "practitioners", "choose practitioners from the list")
		}
		req.Practitioners = append(req.Practitioners, id)
	}
	id, err := s.practice.CreateClient(r.Context(), actor(r), req)
	if e := refusal(err); e != nil && (e.Code != certboard.Forbidden || e.Field != "") {
		v, verr := s.newClientView(r)
		if verr != nil {
			return verr
		}
		values := identityValues(req.Identity)
		values["practitioners"] = r.PostForm["practitioners"]
		return s.renderClientForm(w, r, e.Answer().Status, v, clientFields(e), values)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clients/%d", id), "Registered the client. Next, they sign the consent to treatment.")
	return nil
}

func (s *Server) editClientPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	rec, err := s.practice.ClientRecord(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.renderClientForm(w, r, http.StatusOK, ClientFormView{ID: id, Version: rec.Client.Version}, nil,
		identityValues(rec.Client.Identity.Input()))
}

// updateClient saves a client's identity (practice.Practice.UpdateClient),
// guarded by the version the form was made from.
func (s *Server) updateClient(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return certboard.FieldError(certboard.PreconditionRequired, "version", "the form lacks the record's version; reload the page and make your change again")
	}
	in := identityForm(r.PostForm)
	_, err = s.practice.UpdateClient(r.Context(), actor(r), id, in, version)
	if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		return s.renderClientForm(w, r, e.Answer().Status, ClientFormView{ID: id, Version: version}, clientFields(e), identityValues(in))
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clients/%d", id), "Saved the client's details.")
	return nil
}

// ClientPageView is a client's record page.
type ClientPageView struct {
	Record *practice.ClientRecord
	Age    int
	// Assigned says the reader is one of the client's practitioners: they
	// may change the record. Otherwise the reader holds emergency access,
	// until Until.
	Assigned bool
	Until    string
	// Sections are the other areas' parts of the record.
	Sections []ClientSection
	textView
}

// clientPage shows a client's record (practice.Practice.ClientRecord,
// which checks access and audits the read). An admin without emergency
// access is shown the form to ask for it.
func (s *Server) clientPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	by := actor(r)
	rec, err := s.practice.ClientRecord(r.Context(), by, id)
	if e := refusal(err); e != nil && e.Code == certboard.Forbidden && by.IsAdmin() {
		return s.renderEmergency(w, r, http.StatusForbidden, id, map[string]string{"": e.Message}, nil)
	}
	if err != nil {
		return err
	}
	v := ClientPageView{Record: rec, Age: rec.Client.Identity.AgeOn(date.FromTime(s.now().UTC())), Assigned: rec.Access.Assigned}
	if g := rec.Access.Emergency; g != nil {
		v.Until = g.ExpiresAt.UTC().Format("15:04 UTC")
	}
	for _, part := range clientSections {
		sec, err := part(s, r, rec)
		if err != nil {
			return err
		}
		if sec == nil {
			continue
		}
		var buf bytes.Buffer
		if err := s.pages["clients_record"].ExecuteTemplate(&buf, sec.Block, sec.Data); err != nil {
			return certboard.Wrap(err, "drawing the "+sec.ID+" section of a client's record")
		}
		sec.HTML = template.HTML(buf.String()) // html/template's own output, escaped in context
		v.Sections = append(v.Sections, *sec)
	}
	s.render(w, r, http.StatusOK, "clients_record", page{Title: rec.Client.Identity.CalledBy(), Data: v})
	return nil
}

// ConsentFormView is the form on which a client signs the consent to
// treatment.
type ConsentFormView struct {
	Record *practice.ClientRecord
	Text   *practice.ConsentText
	Age    int
	// Minor says a parent or guardian signs.
	Minor bool
	textView
}

// textView gives the views that show a consent text its paragraphs.
type textView struct{}

// Paragraphs splits a text into paragraphs at blank lines, and each into
// its lines, for a page to draw as written.
func (textView) Paragraphs(text string) [][]string {
	var out [][]string
	for para := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			out = append(out, strings.Split(para, "\n"))
		}
	}
	return out
}

func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, status int, id int64, errs map[string]string, f url.Values) error {
	ctx, by := r.Context(), actor(r)
	rec, err := s.practice.ClientRecord(ctx, by, id)
	if err != nil {
		return err
	}
	v := ConsentFormView{Record: rec, Age: rec.Client.Identity.AgeOn(date.FromTime(s.now().UTC()))}
	v.Minor = v.Age < practice.AgeOfMajority
	texts, err := s.practice.ConsentTexts(ctx, by)
	if err != nil {
		return err
	}
	if len(texts) > 0 {
		v.Text = &texts[0]
	}
	if f == nil {
		f = url.Values{"signer": {string(practice.SignerClient)}}
		if v.Minor {
			f.Set("signer", string(practice.SignerGuardian))
		}
	}
	s.render(w, r, status, "clients_consent", page{Title: "Consent to treatment", Data: v, Errors: errs, Form: f})
	return nil
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	return s.renderConsent(w, r, http.StatusOK, id, nil, nil)
}

// signConsent records the client's signature (practice.Practice.SignConsent)
// with the signed-in practitioner as witness.
func (s *Server) signConsent(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	textID, _ := strconv.ParseInt(r.PostForm.Get("text"), 10, 64)
	sig := practice.Signature{ClientID: id, TextID: textID, Signer: practice.Signer(r.PostForm.Get("signer")),
		SignedName: r.PostForm.Get("signed_name"), GuardianRelationship: r.PostForm.Get("guardian_relationship"),
		Agreed: r.PostForm.Get("agreed") == "yes"}
	c, err := s.practice.SignConsent(r.Context(), actor(r), sig)
	if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		values := url.Values{"signer": {string(sig.Signer)}, "signed_name": {sig.SignedName}, "guardian_relationship": {sig.GuardianRelationship}}
		if sig.Agreed {
			values.Set("agreed", "yes")
		}
		return s.renderConsent(w, r, e.Answer().Status, id, clientFields(e), values)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clients/%d", id), fmt.Sprintf("Signed: consent to treatment, version %d, witnessed by you.", c.Version))
	return nil
}

// withdrawConsent records that the client withdrew their consent
// (practice.Practice.WithdrawConsent).
func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	err = s.practice.WithdrawConsent(r.Context(), actor(r), id, r.PostForm.Get("reason"))
	to := fmt.Sprintf("/clients/%d", id)
	if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		redirect(w, r, to, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, to, "Recorded that the client withdrew their consent to treatment.")
	return nil
}

// EmergencyView is the form on which an admin asks for emergency access.
type EmergencyView struct {
	ID   int64
	Name string
	// Minutes is how long access lasts; MinReason the shortest reason.
	Minutes, MinReason int
}

// renderEmergency draws the emergency access form for client id, which
// the admin knows from the directory (NotFound when it is not there).
func (s *Server) renderEmergency(w http.ResponseWriter, r *http.Request, status int, id int64, errs map[string]string, f url.Values) error {
	dir, err := s.practice.ClientDirectory(r.Context(), actor(r))
	if err != nil {
		return err
	}
	i := slices.IndexFunc(dir, func(e practice.DirectoryEntry) bool { return e.ID == id })
	if i < 0 {
		return certboard.Errorf(certboard.NotFound, "there is no client %d", id).WithTitle("Client not found")
	}
	v := EmergencyView{ID: id, Name: dir[i].Name, Minutes: int(practice.EmergencyAccessFor.Minutes()), MinReason: practice.MinEmergencyReason}
	s.render(w, r, status, "clients_emergency", page{Title: "Emergency access", Data: v, Errors: errs, Form: f})
	return nil
}

func (s *Server) emergencyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	return s.renderEmergency(w, r, http.StatusOK, id, nil, nil)
}

// requestEmergency gives the admin emergency access for the reason they
// give (practice.Practice.RequestEmergencyAccess) and opens the record.
func (s *Server) requestEmergency(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	g, err := s.practice.RequestEmergencyAccess(r.Context(), actor(r), id, reason)
	if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		return s.renderEmergency(w, r, e.Answer().Status, id, clientFields(e), url.Values{"reason": {reason}})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clients/%d", id), fmt.Sprintf("You have emergency access to this record until %s. Its practitioners have been told.",
		g.ExpiresAt.UTC().Format("15:04 UTC")))
	return nil
}

// DirectoryView is a page of the admin's directory of clients.
type DirectoryView struct {
	Clients []practice.DirectoryEntry
	// Filter is the name looked for, All how many clients the practice
	// has, Pager the page links, MaxFilter the filter's bound.
	Filter        string
	All           int
	Pager         Pager
	MaxFilter     int
	Practitioners []practice.Member
	// Self is the admin reading it, whom its forms never offer to assign
	// (another admin must: practice.Practice.AssignWithReason).
	Self int64
}

// Unassigned returns the practitioners not assigned to a client, for its
// assign form, the reader left out.
func (v DirectoryView) Unassigned(e practice.DirectoryEntry) []practice.Member {
	var out []practice.Member
	for _, m := range v.Practitioners {
		if m.ID != v.Self && !slices.ContainsFunc(e.Practitioners, func(a practice.Member) bool { return a.ID == m.ID }) {
			out = append(out, m)
		}
	}
	return out
}

// MinAssignReason is the shortest reason for assigning a practice admin.
func (DirectoryView) MinAssignReason() int { return practice.MinAssignReason }

// MaxAssignReason is the longest reason for an assignment.
func (DirectoryView) MaxAssignReason() int { return practice.MaxAssignReason }

func (s *Server) directoryPage(w http.ResponseWriter, r *http.Request) error {
	ctx, by := r.Context(), actor(r)
	n, err := pageOf(r)
	if err != nil {
		return err
	}
	v := DirectoryView{Filter: r.URL.Query().Get("q"), MaxFilter: practice.MaxClientFilter, Self: by.UserID}
	status, errs := http.StatusOK, map[string]string(nil)
	dir, err := s.practice.ClientDirectoryPage(ctx, by, practice.ClientQuery{Filter: v.Filter, Page: n})
	if e := refusal(err); e != nil && e.Code == certboard.Invalid {
		status, errs = e.Answer().Status, clientFields(e)
	} else if err != nil {
		return err
	} else {
		var keep url.Values
		if dir.Filter != "" {
			keep = url.Values{"q": {dir.Filter}}
		}
		v.Clients, v.Filter, v.All = dir.Clients, dir.Filter, dir.All
		v.Pager = pagerOf("Pages of the clients", "/clients/directory", keep, dir.Page)
	}
	if v.Practitioners, err = s.practice.Practitioners(ctx, by); err != nil {
		return err
	}
	s.render(w, r, status, "clients_directory", page{Title: "Clients", Data: v, Errors: errs, Form: url.Values{"q": {v.Filter}}})
	return nil
}

// assignPractitioner assigns the practitioner chosen to a client, with
// the reason given (practice.Practice.AssignWithReason).
func (s *Server) assignPractitioner(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PostForm.Get("practitioner"), 10, 64)
	if err != nil {
		redirect(w, r, "/clients/directory", "!Choose a practitioner to assign.")
		return nil
	}
	err = s.practice.AssignWithReason(r.Context(), actor(r), id, pid, r.PostForm.Get("reason"))
	return s.afterAssignment(w, r, err, "Assigned the practitioner. The client's other practitioners have been told.")
}

// unassignPractitioner ends an assignment
// (practice.Practice.UnassignPractitioner).
func (s *Server) unassignPractitioner(w http.ResponseWriter, r *http.Request) error {
	if err := form(w, r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid", "practitioner")
	if err != nil {
		return err
	}
	return s.afterAssignment(w, r, s.practice.UnassignPractitioner(r.Context(), actor(r), id, pid),
		"Unassigned the practitioner. They and the client's other practitioners have been told.")
}

// afterAssignment goes back to the directory with what happened: a
// refusal too, a Forbidden one about the form (an admin choosing
// themselves) included.
func (s *Server) afterAssignment(w http.ResponseWriter, r *http.Request, err error, done string) error {
	if e := refusal(err); e != nil && (e.Code != certboard.Forbidden || e.Field != "") {
		redirect(w, r, "/clients/directory", "!"+account.Sentence(plain(e)))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/clients/directory", done)
	return nil
}

// ConsentTextsView is the admin's page of the consent text's versions.
type ConsentTextsView struct {
	Texts []practice.ConsentText
	// Next is the version a publication makes.
	Next int
	textView
}

func (s *Server) renderConsentTexts(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, f url.Values) error {
	texts, err := s.practice.ConsentTexts(r.Context(), actor(r))
	if err != nil {
		return err
	}
	if f == nil {
		f = url.Values{}
		if len(texts) > 0 {
			f = url.Values{"title": {texts[0].Title}, "body": {texts[0].Body}}
		}
	}
	v := ConsentTextsView{Texts: texts, Next: 1}
	if len(texts) > 0 {
		v.Next = texts[0].Version + 1
	}
	s.render(w, r, status, "clients_consent_texts", page{Title: "Consent to treatment", Data: v, Errors: errs, Form: f})
	return nil
}

func (s *Server) consentTextsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderConsentTexts(w, r, http.StatusOK, nil, nil)
}

// publishConsentText publishes a new version
// (practice.Practice.PublishConsentText).
func (s *Server) publishConsentText(w http.ResponseWriter, r *http.Request) error {
	if err := textForm(w, r, practice.MaxConsentTitle+practice.MaxConsentBody); err != nil {
		return err
	}
	title, body := r.PostForm.Get("title"), r.PostForm.Get("body")
	t, err := s.practice.PublishConsentText(r.Context(), actor(r), title, body)
	if e := refusal(err); e != nil && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		return s.renderConsentTexts(w, r, e.Answer().Status, clientFields(e), url.Values{"title": {title}, "body": {body}})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/consent-texts", fmt.Sprintf("Published version %d. Clients sign it from now on.", t.Version))
	return nil
}

// reviseConsentText corrects the newest version before anyone signs it
// (practice.Practice.ReviseConsentText).
func (s *Server) reviseConsentText(w http.ResponseWriter, r *http.Request) error {
	if err := textForm(w, r, practice.MaxConsentTitle+practice.MaxConsentBody); err != nil {
		return err
	}
	id, err := pathID(r, "id", "consent text")
	if err != nil {
		return err
	}
	title, body := r.PostForm.Get("title"), r.PostForm.Get("body")
	err = s.practice.ReviseConsentText(r.Context(), actor(r), id, title, body)
	var e *certboard.Error
	if errors.As(err, &e) && (e.Code == certboard.Invalid || e.Code == certboard.Conflict) {
		return s.renderConsentTexts(w, r, e.Answer().Status, clientFields(e), url.Values{"title": {title}, "body": {body}})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/consent-texts", "Corrected the newest version.")
	return nil
}
