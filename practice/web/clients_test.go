package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/practice"
)

// clientsWorld is a world whose server serves the clients pages. New
// registers them (clientRoutes); until it does, this registers them on
// the test's server.
func clientsWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	for _, r := range w.s.Routes() {
		if r.Pattern == "GET /clients" {
			return w
		}
	}
	w.s.clientRoutes()
	w.h = w.s.Handler()
	return w
}

// identityForm is a valid client's form.
func alexForm() url.Values {
	return url.Values{"name": {"Alex Rivera"}, "date_of_birth": {"1990-04-23"}, "pronouns": {"they/them"},
		"email": {"alex@example.org"}, "emergency_name": {"Sam Rivera"}, "emergency_phone": {"305 555 0199"},
		"emergency_relationship": {"sibling"}}
}

// created is the client id a registration redirected to.
func created(t *testing.T, rec interface {
	Header() http.Header
}) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(rec.Header().Get("Location"), "/clients/%d", &id); err != nil {
		t.Fatalf("redirected to %q: %v", rec.Header().Get("Location"), err)
	}
	return id
}

// TestClientRoutesRules pins the access rule of every clients route.
func TestClientRoutesRules(t *testing.T) {
	w := clientsWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	want := map[string]string{
		"GET /clients":                                    "practitioner",
		"GET /clients/new":                                "practitioner or practice admin",
		"POST /clients":                                   "practitioner or practice admin",
		"GET /clients/directory":                          "practice admin",
		"GET /clients/{id}":                               "practitioner or practice admin",
		"GET /clients/{id}/edit":                          "practitioner",
		"POST /clients/{id}":                              "practitioner",
		"GET /clients/{id}/consent":                       "practitioner",
		"POST /clients/{id}/consent":                      "practitioner",
		"POST /clients/{id}/consent/withdraw":             "practitioner",
		"POST /clients/{id}/part2":                        "practitioner",
		"GET /clients/{id}/emergency":                     "practice admin",
		"POST /clients/{id}/emergency":                    "practice admin",
		"POST /clients/{id}/practitioners":                "practice admin",
		"POST /clients/{id}/practitioners/{pid}/unassign": "practice admin",
		"GET /consent-texts":                              "practice admin",
		"POST /consent-texts":                             "practice admin",
		"POST /consent-texts/{id}":                        "practice admin",
	}
	for pattern, rule := range want {
		if rules[pattern] != rule {
			t.Errorf("%s: rule %q, want %q", pattern, rules[pattern], rule)
		}
	}
	for pattern := range rules {
		// A client's cases are the cases area's routes, pinned in
		// cases_test.go.
		if strings.Contains(pattern, "/clients/{id}/cases") || pattern == "POST /clients/{id}/export" { // export: records_test.go
			continue
		}
		if (strings.Contains(pattern, " /clients") || strings.Contains(pattern, " /consent-texts")) && want[pattern] == "" {
			t.Errorf("%s has no expectation here", pattern)
		}
	}
}

// TestClientRoutesAsEveryRole calls every clients route as each kind of
// person, on a client of the practitioner's: the guard answers by rule
// (sign in, two factors, 403 without the role), nothing answers a server
// error, and nobody but the assigned practitioner reads the record.
func TestClientRoutesAsEveryRole(t *testing.T) {
	w := clientsWorld(t)
	ctx := context.Background()
	id, err := w.s.practice.CreateClient(ctx, practice.ActorOf(w.users["practitioner"]), practice.NewClient{Identity: practice.IdentityInput{
		Name: "Alex Rivera", DateOfBirth: "1990-04-23", Email: "alex@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {"999"}}
	for _, r := range w.s.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/clients") && !strings.HasPrefix(path, "/consent-texts") {
			continue
		}
		path = strings.NewReplacer("{id}", fmt.Sprint(id), "{pid}", fmt.Sprint(w.users["practitioner"].ID)).Replace(path)
		if rec := w.do(t, method, path, form); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("%s anonymously: %d %s", r.Pattern, rec.Code, rec.Header().Get("Location"))
		}
		for _, who := range []string{"admin", "practitioner", "both", "nofactor", "noadmin2fa", "norole"} {
			u := w.users[who]
			rec := w.do(t, method, path, form, w.session(t, who))
			body := rec.Body.String()
			switch {
			case rec.Code >= 500:
				t.Errorf("%s as %s: %d %s", r.Pattern, who, rec.Code, body)
			case !r.Access.Allows(u):
				if rec.Code != http.StatusForbidden {
					t.Errorf("%s as %s: %d, want 403", r.Pattern, who, rec.Code)
				}
			case !u.TwoFactor():
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor?required=1" {
					t.Errorf("%s as %s without two factors: %d %s", r.Pattern, who, rec.Code, rec.Header().Get("Location"))
				}
			}
			if who != "practitioner" && strings.Contains(body, "alex@example.org") {
				t.Errorf("%s as %s shows the client's record", r.Pattern, who)
			}
		}
	}
}

// TestClientPages: a practitioner registers a client (a bad form says
// what to fix and saves nothing), reads and edits the record, and the
// client signs the consent the admin published; an admin reads the record
// only through emergency access, which says why and tells the
// practitioner.
func TestClientPages(t *testing.T) {
	w := clientsWorld(t)
	ctx := context.Background()
	pc, ac := w.session(t, "practitioner"), w.session(t, "admin")

	if rec := w.get(t, "/clients/new", pc); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `list="pronoun-suggestions"`) ||
		strings.Contains(rec.Body.String(), `name="practitioners"`) {
		t.Fatalf("the form for a practitioner: %d %s", rec.Code, rec.Body)
	}
	bad := alexForm()
	bad.Set("date_of_birth", "2090-01-01")
	bad.Set("emergency_phone", "")
	rec := w.do(t, http.MethodPost, "/clients", bad, pc)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="date_of_birth-error"`) ||
		!strings.Contains(body, `id="emergency_phone-error"`) || !strings.Contains(body, `value="Alex Rivera"`) || !strings.Contains(body, "check the year") {
		t.Fatalf("a bad form: %d %s", rec.Code, body)
	}
	if list, _ := w.s.practice.MyClients(ctx, practice.ActorOf(w.users["practitioner"])); len(list) != 0 {
		t.Fatalf("a refused form saved %d clients", len(list))
	}
	rec = w.do(t, http.MethodPost, "/clients", alexForm(), pc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("registering: %d %s", rec.Code, rec.Body)
	}
	id := created(t, rec)
	page := w.get(t, fmt.Sprintf("/clients/%d", id), pc, cookie(rec, FlashCookie)).Body.String()
	if !strings.Contains(page, "Registered the client") || !strings.Contains(page, "Alex Rivera") || !strings.Contains(page, "sibling") ||
		!strings.Contains(page, "no consent to treatment in force") {
		t.Fatalf("the record: %s", page)
	}
	if home := w.get(t, "/", pc).Body.String(); !strings.Contains(home, fmt.Sprintf(`href="/clients/%d"`, id)) {
		t.Errorf("the home page does not list the client: %s", home)
	}
	if list := w.get(t, "/clients", pc).Body.String(); !strings.Contains(list, "Alex Rivera") {
		t.Errorf("the list: %s", list)
	}

	// Edit, and edit again from the old version.
	edit := alexForm()
	edit.Set("preferred_name", "Lex")
	edit.Set("version", "1")
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d", id), edit, pc); rec.Code != http.StatusSeeOther {
		t.Fatalf("editing: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d", id), edit, pc); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "reload") {
		t.Fatalf("editing an old version: %d %s", rec.Code, rec.Body)
	}
	if rec := w.get(t, fmt.Sprintf("/clients/%d/edit", id), pc); !strings.Contains(rec.Body.String(), `value="Lex"`) ||
		!strings.Contains(rec.Body.String(), `name="version" value="2"`) {
		t.Fatalf("the edit form: %s", rec.Body)
	}

	// Consent: none published yet, then the admin publishes one.
	if rec := w.get(t, fmt.Sprintf("/clients/%d/consent", id), pc); !strings.Contains(rec.Body.String(), "no consent text yet") {
		t.Fatalf("consent without a text: %s", rec.Body)
	}
	text := "I consent to sex therapy with this practice.\n\nI understand what it involves, that I may stop at any time, and how my records are kept."
	if rec := w.do(t, http.MethodPost, "/consent-texts", url.Values{"title": {"Consent to treatment"}, "body": {"Too short."}}, ac); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `id="body-error"`) {
		t.Fatalf("a short text: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(t, http.MethodPost, "/consent-texts", url.Values{"title": {"Consent to treatment"}, "body": {text}}, ac); rec.Code != http.StatusSeeOther {
		t.Fatalf("publishing: %d %s", rec.Code, rec.Body)
	}
	texts, err := w.s.practice.ConsentTexts(ctx, practice.ActorOf(w.users["admin"]))
	if err != nil || len(texts) != 1 {
		t.Fatalf("texts %v %v", texts, err)
	}
	form := w.get(t, fmt.Sprintf("/clients/%d/consent", id), pc).Body.String()
	if !strings.Contains(form, "<p>I consent to sex therapy with this practice.</p>") || !strings.Contains(form, fmt.Sprintf(`name="text" value="%d"`, texts[0].ID)) {
		t.Fatalf("the consent form: %s", form)
	}
	sign := url.Values{"text": {fmt.Sprint(texts[0].ID)}, "signer": {"client"}, "signed_name": {"Alex Rivers"}, "agreed": {"yes"}}
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/consent", id), sign, pc); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `id="signed_name-error"`) {
		t.Fatalf("a wrong name: %d %s", rec.Code, rec.Body)
	}
	sign.Set("signed_name", "Alex Rivera")
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/consent", id), sign, pc); rec.Code != http.StatusSeeOther {
		t.Fatalf("signing: %d %s", rec.Code, rec.Body)
	}
	if page := w.get(t, fmt.Sprintf("/clients/%d", id), pc).Body.String(); !strings.Contains(page, "in force") ||
		!strings.Contains(page, "witnessed by Person practitioner") || !strings.Contains(page, "I understand what it involves") {
		t.Fatalf("the record after signing: %s", page)
	}
	if rec := w.do(t, http.MethodPost, "/consent-texts/"+fmt.Sprint(texts[0].ID), url.Values{"title": {"Changed"}, "body": {text + " More."}}, ac); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "publish a new version instead") {
		t.Fatalf("correcting a signed text: %d %s", rec.Code, rec.Body)
	}

	// The admin: the directory, not the record, until emergency access.
	dir := w.get(t, "/clients/directory", ac).Body.String()
	if !strings.Contains(dir, "Alex Rivera") || strings.Contains(dir, "alex@example.org") || strings.Contains(dir, "1990") {
		t.Fatalf("the directory: %s", dir)
	}
	rec = w.get(t, fmt.Sprintf("/clients/%d", id), ac)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), `action="/clients/`+fmt.Sprint(id)+`/emergency"`) ||
		strings.Contains(rec.Body.String(), "alex@example.org") {
		t.Fatalf("the record for an admin: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/emergency", id), url.Values{"reason": {"urgent"}}, ac); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `id="reason-error"`) {
		t.Fatalf("a short reason: %d %s", rec.Code, rec.Body)
	}
	reason := "Alex called the front desk in crisis and the practitioner is unreachable."
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/clients/%d/emergency", id), url.Values{"reason": {reason}}, ac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("emergency access: %d %s", rec.Code, rec.Body)
	}
	page = w.get(t, fmt.Sprintf("/clients/%d", id), ac, cookie(rec, FlashCookie)).Body.String()
	if !strings.Contains(page, "alex@example.org") || !strings.Contains(page, "under emergency access, until 10:00 UTC") ||
		strings.Contains(page, "Edit the details") || !strings.Contains(page, reason) {
		t.Fatalf("the record under emergency access: %s", page)
	}
	due, err := w.st.DueMail(ctx, w.clock.now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, m := range due {
		told = told || m.To == "practitioner@practice.example" && strings.Contains(m.Subject, "Emergency access")
	}
	if !told {
		t.Errorf("the practitioner was not mailed: %v", due)
	}
	if page := w.get(t, fmt.Sprintf("/clients/%d", id), pc).Body.String(); !strings.Contains(page, reason) {
		t.Errorf("the practitioner does not see the reason: %s", page)
	}
	w.clock.advance(time.Hour)
	pc, ac = w.session(t, "practitioner"), w.session(t, "admin") // the others went idle
	if rec := w.get(t, fmt.Sprintf("/clients/%d", id), ac); rec.Code != http.StatusForbidden {
		t.Fatalf("after an hour: %d", rec.Code)
	}

	// Assignments from the directory: the last practitioner stays.
	unassign := fmt.Sprintf("/clients/%d/practitioners/%d/unassign", id, w.users["practitioner"].ID)
	rec = w.do(t, http.MethodPost, unassign, url.Values{}, ac)
	if !strings.Contains(w.get(t, "/clients/directory", ac, cookie(rec, FlashCookie)).Body.String(), "keeps at least one practitioner") {
		t.Fatal("the last practitioner was unassigned")
	}
	// "both" is a practice admin too: they may not assign themselves,
	// and another admin assigns them only with a reason.
	assign := fmt.Sprintf("/clients/%d/practitioners", id)
	bc := w.session(t, "both")
	if dir := w.get(t, "/clients/directory", bc).Body.String(); strings.Contains(dir, fmt.Sprintf(`<option value="%d">`, w.users["both"].ID)) {
		t.Errorf("the directory offers an admin to assign themselves: %s", dir)
	}
	if dir := w.get(t, "/clients/directory", ac).Body.String(); !strings.Contains(dir, fmt.Sprintf(`<option value="%d">%s (practice admin: give a reason)</option>`, w.users["both"].ID, w.users["both"].Name)) {
		t.Errorf("the directory does not offer another admin, saying a reason is needed: %s", dir)
	}
	rec = w.do(t, http.MethodPost, assign, url.Values{"practitioner": {fmt.Sprint(w.users["both"].ID)}, "reason": {"Standing in for the practitioner this month."}}, bc)
	if rec.Code != http.StatusSeeOther || !strings.Contains(w.get(t, "/clients/directory", bc, cookie(rec, FlashCookie)).Body.String(), "Another practice admin must assign you") {
		t.Fatalf("assigning oneself: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, assign, url.Values{"practitioner": {fmt.Sprint(w.users["both"].ID)}}, ac)
	if rec.Code != http.StatusSeeOther || !strings.Contains(w.get(t, "/clients/directory", ac, cookie(rec, FlashCookie)).Body.String(), "is a practice admin too") {
		t.Fatalf("assigning an admin without a reason: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, assign, url.Values{"practitioner": {fmt.Sprint(w.users["both"].ID)}, "reason": {"Standing in for the practitioner this month."}}, ac)
	if rec.Code != http.StatusSeeOther || !strings.Contains(w.get(t, "/clients/directory", ac, cookie(rec, FlashCookie)).Body.String(), "Assigned the practitioner") {
		t.Fatalf("assigning: %d", rec.Code)
	}
	if rec := w.get(t, fmt.Sprintf("/clients/%d", id), w.session(t, "both")); rec.Code != http.StatusOK {
		t.Fatalf("the newly assigned practitioner: %d", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, unassign, url.Values{}, ac); rec.Code != http.StatusSeeOther {
		t.Fatalf("unassigning: %d", rec.Code)
	}
	if rec := w.get(t, fmt.Sprintf("/clients/%d", id), pc); rec.Code != http.StatusNotFound {
		t.Fatalf("an unassigned practitioner: %d", rec.Code)
	}
}

// TestAnAdminRegistersAClientForAPractitioner: the admin's form offers
// the practitioners, and one must be chosen.
func TestAnAdminRegistersAClientForAPractitioner(t *testing.T) {
	w := clientsWorld(t)
	ac := w.session(t, "admin")
	if rec := w.get(t, "/clients/new", ac); !strings.Contains(rec.Body.String(), `name="practitioners"`) {
		t.Fatalf("the admin's form: %s", rec.Body)
	}
	if rec := w.do(t, http.MethodPost, "/clients", alexForm(), ac); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), `id="practitioners-error"`) {
		t.Fatalf("no practitioner chosen: %d %s", rec.Code, rec.Body)
	}
	f := alexForm()
	f.Set("practitioners", fmt.Sprint(w.users["practitioner"].ID))
	rec := w.do(t, http.MethodPost, "/clients", f, ac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("registering: %d %s", rec.Code, rec.Body)
	}
	id := created(t, rec)
	if rec := w.get(t, fmt.Sprintf("/clients/%d", id), w.session(t, "practitioner")); rec.Code != http.StatusOK {
		t.Fatalf("the practitioner assigned: %d", rec.Code)
	}
}

// TestOtherAreasFillTheRecord: a section another area registers is drawn
// on the record page from a shared block, escaped.
func TestOtherAreasFillTheRecord(t *testing.T) {
	w := clientsWorld(t)
	saved := clientSections
	t.Cleanup(func() { clientSections = saved })
	clientSections = append(clientSections, func(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
		return &ClientSection{ID: "cases", Title: "Cases", Block: "home_item",
			Data: HomeItem{Text: "Low desire <script>", Href: fmt.Sprintf("/clients/%d/cases/1", rec.Client.ID)}}, nil
	})
	pc := w.session(t, "practitioner")
	id := created(t, w.do(t, http.MethodPost, "/clients", alexForm(), pc))
	page := w.get(t, fmt.Sprintf("/clients/%d", id), pc).Body.String()
	if !strings.Contains(page, `<h2 id="cases-h">Cases</h2>`) || !strings.Contains(page, "Low desire &lt;script&gt;") ||
		!strings.Contains(page, fmt.Sprintf(`href="/clients/%d/cases/1"`, id)) {
		t.Fatalf("the record with a section: %s", page)
	}
}
