package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/web"
)

// TestDoneWhen walks the credentials issue's "done when" in real browsers,
// on each database engine: in the demo, an approved applicant (Jordan
// Reyes) holds a credential; the public verifies it from the link its PDF
// certificate carries (the address of its QR code) and finds it in the
// public registry, by name, by the start of a name and by specialty and
// place, where suspended, expired, revoked and superseded credentials are
// never shown valid; staff (two factors) suspend it and the registry and
// /check show it at once, then reinstate it; the holder renews it, the
// demo's approved CE provider reports the CE by API, the holder records a
// membership renewal that staff verify, staff approve the renewal, and the
// renewal supersedes the old credential on its page, on /check and in the
// registry.
//
// TestCredentialFlows covers the holder's downloads and /check in depth;
// this test covers what lies between the roles.
func TestDoneWhen(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			needBrowser(t)
			a, logins := startDemoApp(t, eng)
			b := newBrowser(t, a)
			b.shots = wantShots() && eng.name == "sqlite"
			doneWhen(t, a, b, logins)
		})
	}
}

// The demo's registry holders with a credential not in force, with the
// status the registry must name (server/demo_registry.go,
// server/demo_renewal.go). Robin Ellis renewed: her old credential is
// superseded, the new one valid.
var notInForce = []struct {
	name, query, status string
	// renewed: the holder also holds a valid credential.
	renewed bool
}{
	{"Dr. Henrik Lund", "Henrik", "suspended", false},
	{"Mei Tanaka", "Tanaka", "expired", false},
	{"Rafael Costa", "Rafael", "revoked", false},
	{"Robin Ellis", "Robin", "superseded", true},
}

func doneWhen(t *testing.T, a *app, b *browser, logins []web.DemoLogin) {
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }
	jordan := demoLogin(t, logins, "jordan")
	c := heldCredential(t, a, jordan.Email)
	credPath := "/credentials/" + c.ID
	var doc map[string]any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	credName, _ := doc["name"].(string)
	if !c.Public {
		t.Fatalf("the demo did not make Jordan's credential %s public, so the registry cannot list it", c.ID)
	}

	// 0. The public verifies the credential from its printed certificate:
	// the link its PDF carries (what its QR code holds) opens its page, valid.
	step("0. the certificate's link")
	visitor := b.person("visitor")
	status, pdf := a.call(http.MethodGet, credPath+"/certificate.pdf", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s/certificate.pdf with no session: HTTP %d", credPath, status)
	}
	links := pdfURI.FindAllSubmatch(pdf, -1)
	if len(links) == 0 || string(links[0][1]) != a.url+credPath {
		t.Fatalf("the certificate does not link the credential's page %s: %q", a.url+credPath, links)
	}
	visitor.open(strings.TrimPrefix(string(links[0][1]), a.url))
	visitor.expectText("h1", credName)
	if v := visitor.verdict(); v != "valid" {
		visitor.fatalf("the certificate's link shows the credential %q, want valid", v)
	}

	// 1. A visitor with no session searches the registry: by name, by the
	// start of a name, by specialty and by place.
	step("1. registry search")
	api := a.registryAPI(url.Values{"q": {"Jordan"}})
	je := api.entry(jordan.Name)
	if je == nil || len(je.Credentials) == 0 {
		t.Fatalf("the registry API does not list %s with a credential for q=Jordan: %+v", jordan.Name, api)
	}
	ci := slices.IndexFunc(je.Credentials, func(x apiRegistryCredential) bool {
		return x.ID == c.ID
	})
	if ci < 0 {
		t.Fatalf("the registry API lists %s without credential %s: %+v", jordan.Name, c.ID, je.Credentials)
	}
	if jc := je.Credentials[ci]; jc.URL != credPath || jc.Credential != "aasect-cst" || jc.Status != "valid" || !jc.Valid {
		t.Fatalf("the registry API shows Jordan's credential as %+v; want url %s, credential aasect-cst, status valid", jc, credPath)
	}
	registryName := je.Credentials[ci].Name

	wantJordanValid := func(p *person, what string) {
		p.t.Helper()
		card := p.registryCard(jordan.Name)
		line, ok := card.credentialLine(credPath)
		if !ok {
			p.fatalf("%s: Jordan's card has no link to %s: %+v", what, credPath, card)
		}
		if !showsValid(line.Text) || !strings.Contains(line.Text, registryName) {
			p.fatalf("%s: Jordan's credential reads %q; want %q shown valid", what, line.Text, registryName)
		}
	}
	visitor.searchRegistry("Jordan", nil)
	wantJordanValid(visitor, "searching Jordan")
	visitor.shot("registry-search.png")
	visitor.searchRegistry("jor", nil)
	wantJordanValid(visitor, "searching jor")
	var apiNames []string
	for _, e := range a.registryAPI(url.Values{"q": {"jor"}}).Entries {
		apiNames = append(apiNames, e.Name)
	}
	if pageNames := cardNames(visitor.registryCards()); !slices.Equal(pageNames, apiNames) {
		visitor.fatalf("searching jor, the page lists %v and the API %v", pageNames, apiNames)
	}
	// Sexual interests and orientation: Jordan (valid) and Mei Tanaka
	// (expired) in the demo.
	visitor.searchRegistry("", map[string]string{"r-specialty": "interests"})
	wantJordanValid(visitor, "the specialty filter")
	if card := visitor.registryCard("Mei Tanaka"); slices.ContainsFunc(card.Credentials, func(l registryCredential) bool { return showsValid(l.Text) }) {
		visitor.fatalf("Mei Tanaka's expired credential shows valid: %+v", card.Credentials)
	}
	visitor.searchRegistry("", map[string]string{"r-city": "chicago", "r-country": "us"})
	wantJordanValid(visitor, "the city and country filters")
	if names := cardNames(visitor.registryCards()); len(names) != 1 {
		visitor.fatalf("Chicago, US lists %v; the demo has only Jordan there", names)
	}
	visitor.searchRegistry("", map[string]string{"r-city": "Toronto"})
	if slices.Contains(cardNames(visitor.registryCards()), jordan.Name) {
		visitor.fatalf("a search for Toronto lists Jordan, who practises in Chicago")
	}

	// The result links the credential's page, which shows it valid.
	visitor.searchRegistry("Jordan", nil)
	visitor.click(`main a[href="` + credPath + `"]`)
	visitor.expectPath(credPath)
	visitor.expectText("h1", credName)
	if v := visitor.verdict(); v != "valid" {
		visitor.fatalf("the credential followed from the registry shows %q, want valid", v)
	}

	// The demo's suspended, expired, revoked and superseded credentials are
	// never shown valid, on the page or by the API; a hidden profile is not
	// listed.
	for _, h := range notInForce {
		visitor.searchRegistry(h.query, nil)
		card := visitor.registryCard(h.name)
		named := 0
		for _, l := range card.Credentials {
			if strings.Contains(l.Text, h.status) {
				named++
				if showsValid(l.Text) {
					visitor.fatalf("%s's %s credential reads %q, as if valid", h.name, h.status, l.Text)
				}
			} else if !h.renewed || !showsValid(l.Text) {
				visitor.fatalf("%s's credential reads %q; want it not valid, %s", h.name, l.Text, h.status)
			}
		}
		if named != 1 {
			visitor.fatalf("%s's card names %d credentials %s, want 1: %+v", h.name, named, h.status, card.Credentials)
		}
	}
	all := a.registryAPI(url.Values{"q": {""}})
	if len(all.Entries) < 5 || !all.TotalExact || all.Total != len(all.Entries) {
		t.Fatalf("the registry API with an empty q lists %d entries of %d (exact %v); want every public listing of the demo", len(all.Entries), all.Total, all.TotalExact)
	}
	for _, e := range all.Entries {
		for _, ec := range e.Credentials {
			if ec.URL != "/credentials/"+ec.ID || ec.Valid != (ec.Status == "valid") {
				t.Errorf("the registry API lists %s's credential as %+v; want url /credentials/%s and valid only when the status is valid", e.Name, ec, ec.ID)
			}
		}
	}
	for _, h := range notInForce {
		e := all.entry(h.name)
		if e == nil || len(e.Credentials) == 0 {
			t.Fatalf("the registry API does not list %s, whose profile is public", h.name)
		}
		if !slices.ContainsFunc(e.Credentials, func(x apiRegistryCredential) bool { return x.Status == h.status && !x.Valid }) {
			t.Errorf("the registry API lists no %s credential of %s: %+v", h.status, h.name, e.Credentials)
		}
		for _, ec := range e.Credentials {
			if ec.Valid && (!h.renewed || ec.Status != "valid") {
				t.Errorf("the registry API shows %s's credential %s as valid (%s)", h.name, ec.ID, ec.Status)
			}
		}
	}
	if all.entry("Noor Haddad") != nil {
		t.Errorf("the registry lists Noor Haddad, whose profile is hidden")
	}
	if e := all.entry(jordan.Name); e == nil {
		t.Fatalf("the registry API with an empty q does not list %s", jordan.Name)
	}

	// 2. Staff, signed in with two factors, suspend the credential: at once
	// a visitor's registry search and /check show it suspended. Then they
	// reinstate it.
	step("2. suspend")
	staffLogin := demoLogin(t, logins, "staff")
	if staffLogin.TOTPSecret == "" {
		t.Fatalf("the demo's staff account has no two-factor secret")
	}
	staff := b.person("staff")
	staff.signInDemo(staffLogin)
	staff.open(credPath)
	const reason = "Complaint under investigation by the ethics committee."
	staff.fill("reason", reason)
	staff.click(`form[action="` + credPath + `/status"] button[name=action][value=suspend]`)
	staff.expectPath(credPath)
	if got := credentialNow(t, a, c.ID); got.Status() != "suspended" {
		staff.fatalf("after suspending, the credential is %s", got.Status())
	}
	fresh := b.person("another visitor")
	fresh.searchRegistry("Jordan", nil)
	line, ok := fresh.registryCard(jordan.Name).credentialLine(credPath)
	if !ok || showsValid(line.Text) || !strings.Contains(line.Text, "suspended") {
		fresh.fatalf("right after the suspension the registry shows Jordan's credential as %q (listed %v); want not valid, suspended", line.Text, ok)
	}
	fresh.shot("registry-suspended.png")
	if e := a.registryAPI(url.Values{"q": {"jor"}}).entry(jordan.Name); e == nil ||
		!slices.ContainsFunc(e.Credentials, func(x apiRegistryCredential) bool {
			return x.ID == c.ID && x.Status == "suspended" && !x.Valid
		}) {
		t.Fatalf("right after the suspension the registry API shows Jordan as %+v; want the credential suspended, not valid", e)
	}
	fresh.checkPasted(string(c.Document))
	if v := fresh.verdict(); v != "invalid" {
		fresh.fatalf("/check of the suspended credential's JSON gives %q, want invalid", v)
	}
	if r := fresh.checkRow("status"); r.Outcome != "invalid" || !strings.Contains(r.Detail, "suspended") {
		fresh.fatalf("/check shows the status check of the suspended credential as %+v; want invalid, suspended", r)
	}
	if r := fresh.checkRow("board_record"); r.Outcome != "invalid" || !strings.Contains(r.Detail, "uspended") {
		fresh.fatalf("/check shows the board's record of the suspended credential as %+v; want invalid, suspended", r)
	}

	staff.open(credPath)
	staff.click(`form[action="` + credPath + `/status"] button[name=action][value=reinstate]`)
	if got := credentialNow(t, a, c.ID); got.Status() != "active" {
		staff.fatalf("after reinstating, the credential is %s", got.Status())
	}
	fresh.searchRegistry("Jordan", nil)
	wantJordanValid(fresh, "after reinstating")

	// 3. The holder renews. Jordan starts the renewal from the credential's
	// page; the demo's approved CE provider reports 20 hours of
	// AASECT-approved CE by API, which arrive as verified evidence; Jordan
	// sees the progress and submits; staff start the review and approve the
	// renewal without peer review.
	step("3. renewal: start")
	holder := b.person("holder")
	holder.signInDemo(jordan)
	holder.open(credPath)
	renewalPath := credPath + "/renewal"
	holder.click(`main a[href="` + renewalPath + `"]`)
	holder.expectPath(renewalPath)
	holder.click(`form[action="` + renewalPath + `"] button[type=submit]`)
	appPath := holder.path()
	m := regexp.MustCompile(`^/applications/([0-9]+)$`).FindStringSubmatch(appPath)
	if m == nil {
		holder.fatalf("starting the renewal leads to %s, not the renewal's dashboard", appPath)
	}
	appID, _ := strconv.ParseInt(m[1], 10, 64)
	renewal, err := a.st.Application(t.Context(), appID)
	if err != nil {
		t.Fatal(err)
	}
	if renewal.SetID != "aasect-renewal" || renewal.RenewsCredential != c.ID || renewal.State != "draft" {
		t.Fatalf("the renewal started is %s, %s, renewing %q; want an aasect-renewal draft renewing %s", renewal.SetID, renewal.State, renewal.RenewsCredential, c.ID)
	}
	if st, txt := holder.text(`#req-ce-credits h3 .badge`), holder.text(`#req-ce-credits`); st == "met" || !strings.Contains(txt, "0 of 20") {
		holder.fatalf("a renewal just started shows its CE %q: %q; want not met, 0 of 20 credits", st, txt)
	}

	step("3. renewal: the provider reports CE")
	providerLogin := demoLogin(t, logins, "provider")
	provider := b.person("CE provider")
	provider.signInDemo(providerLogin)
	provider.open("/account")
	provider.fill("token_name", "LMS completions sync")
	provider.click(`form[action="/account/tokens"] button[type=submit]`)
	token := provider.value("new-token")
	if !strings.HasPrefix(token, web.APITokenPrefix) {
		provider.fatalf("the account page shows no new API token (got %q)", token)
	}
	today := a.now().UTC().Format("2006-01-02")
	for i, course := range []struct {
		id, title string
		hours     float64
	}{
		{"SSI-301", "Desire discrepancy in long-term couples", 12},
		{"SSI-302", "Ethics in sex therapy practice", 8},
	} {
		completion := map[string]any{"credential_id": c.ID, "holder_email": jordan.Email, "course_id": course.id, "title": course.title,
			"date": today, "hours": course.hours, "delivery": "live_online", "sexuality_related": true}
		status, body := a.call(http.MethodPost, "/api/v1/completions", token, completion)
		if status != http.StatusCreated {
			t.Fatalf("report %d: POST /api/v1/completions: HTTP %d: %s", i+1, status, body)
		}
		// Reported twice, it is stored once.
		if status, body := a.call(http.MethodPost, "/api/v1/completions", token, completion); status != http.StatusOK {
			t.Fatalf("report %d again: HTTP %d, want 200 with the record already stored: %s", i+1, status, body)
		}
	}
	if status, body := a.call(http.MethodPost, "/api/v1/completions", "", map[string]any{}); status != http.StatusUnauthorized {
		t.Errorf("POST /api/v1/completions without a token: HTTP %d, want 401: %s", status, body)
	}
	if !slices.ContainsFunc(a.mailTo(jordan.Email), func(m mail) bool { return strings.Contains(m.Subject, "reported 12 hours") }) {
		t.Errorf("Jordan was not told of the provider's report: %+v", a.mailTo(jordan.Email))
	}

	step("3. renewal: progress and submit")
	holder.open(appPath)
	if st := holder.text(`#req-ce-credits h3 .badge`); st != "met" {
		holder.fatalf("after the provider reported 20 hours, the CE requirement shows %q, want met", st)
	}
	if txt := holder.text(`#req-ce-credits`); !strings.Contains(txt, "20 of 20") {
		holder.fatalf("the CE requirement does not show the 20 credits: %q", txt)
	}
	// The provider's reports are evidence the holder did not type, verified
	// by the provider.
	for _, title := range []string{"Desire discrepancy in long-term couples", "Ethics in sex therapy practice"} {
		var row string
		holder.js(`(() => { const r = Array.from(document.querySelectorAll('main tr')).find(r => r.innerText.includes(`+quote(title)+`)); return r ? r.innerText : ''; })()`, &row)
		if !strings.Contains(row, "verified") || !strings.Contains(row, "Sunrise Sexuality Institute") {
			holder.fatalf("the renewal's evidence shows the reported course %q as %q; want it verified by Sunrise Sexuality Institute", title, row)
		}
	}
	holder.shot("renewal-dashboard.png")
	// The AASECT membership carried over from the first application ends
	// this year; Jordan records its renewal, which makes it the holder's
	// claim until staff verify it.
	holder.click(`main a[href="` + appPath + `/evidence/memberships/mem-aasect/edit"]`)
	holder.tabTo("f-to")
	holder.keys("12312027") // mm dd yyyy, the en-US order of the date field
	holder.click(`main form button[type=submit]`)
	holder.expectPath(appPath)
	var membership string
	holder.js(`(() => { const r = Array.from(document.querySelectorAll('main tr')).find(r => r.innerText.includes('mem-aasect')); return r ? r.innerText : ''; })()`, &membership)
	if !strings.Contains(membership, "2027-12-31") || !strings.Contains(membership, "claimed") {
		holder.fatalf("the renewed membership shows %q; want it to 2027-12-31, claimed", membership)
	}
	holder.open(renewalPath)
	holder.expectText("main", "application "+m[1])
	holder.open(appPath)
	holder.click(`form[action="` + appPath + `/actions/submit"] button[type=submit]`)
	if got, _ := a.st.Application(t.Context(), appID); got.State != "submitted" {
		holder.fatalf("after submitting, the renewal is %s", got.State)
	}

	step("3. renewal: staff approve")
	queuePath := fmt.Sprintf("/queue/%d", appID)
	staff.open(queuePath)
	staff.click(`form[action="` + queuePath + `/actions/start_review"] button[type=submit]`)
	staff.expectPath(queuePath)
	staff.click(`main a[href="` + queuePath + `/renewal"]`)
	staff.expectPath(queuePath + "/renewal")
	// The membership Jordan changed is still a claim: the renewal page says
	// approval must wait, and staff verify it on the queue page.
	approve := `form[action="` + queuePath + `/actions/approve"]`
	if staff.has(approve) || !strings.Contains(staff.mainText(), "Not yet") {
		staff.fatalf("the renewal page offers approval while the membership is only claimed")
	}
	staff.click(`main a[href="` + queuePath + `"]`)
	item := `form[action="` + queuePath + `/items/mem-aasect"]`
	staff.fill("reason-item-mem-aasect", "Membership through 2027-12-31 confirmed in the AASECT member directory.")
	staff.click(item + ` button[name=decision][value=verify]`)
	staff.expectPath(queuePath)
	staff.click(`main a[href="` + queuePath + `/renewal"]`)
	if !staff.has(approve) {
		staff.fatalf("with every item verified the renewal still cannot be approved:\n%s", staff.mainText())
	}
	staff.fill("reason", "CE reported by Sunrise Sexuality Institute; membership in good standing.")
	staff.click(approve + ` button[type=submit]`)
	got, err := a.st.Application(t.Context(), appID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != "approved" {
		staff.fatalf("after approving, the renewal is %s", got.State)
	}
	old := credentialNow(t, a, c.ID)
	if old.Status() != "superseded" || old.SupersededBy == "" {
		t.Fatalf("after the renewal, the old credential is %s (superseded by %q)", old.Status(), old.SupersededBy)
	}
	newPath := "/credentials/" + old.SupersededBy
	if !slices.ContainsFunc(a.mailTo(jordan.Email), func(m mail) bool {
		return strings.Contains(m.Subject, "renewed") && strings.Contains(m.Body, newPath)
	}) {
		t.Errorf("Jordan was not mailed the renewed credential's address: %+v", a.mailTo(jordan.Email))
	}
	renewed := credentialNow(t, a, old.SupersededBy)
	if renewed.Status() != "active" || renewed.SetID != c.SetID || !renewed.Public || !renewed.ValidUntil.After(c.ValidUntil) {
		t.Fatalf("the renewed credential is %s, %s, public %v, valid until %s; want active %s, public, valid after %s",
			renewed.Status(), renewed.SetID, renewed.Public, renewed.ValidUntil, c.SetID, c.ValidUntil)
	}

	// The renewal supersedes the old credential: its page says so and links
	// the new one, which is valid; /check of the old one's JSON says the
	// board's record is superseded; the registry shows the new one valid and
	// the old one not.
	step("3. renewal: superseded")
	holder.open(credPath)
	holder.expectText("main", "superseded by a renewal")
	if v := holder.verdict(); v == "valid" {
		holder.fatalf("the superseded credential's page shows it valid")
	}
	holder.shot("credential-superseded.png")
	visitor.open(credPath)
	visitor.expectText("main", "superseded by a renewal")
	visitor.click(`main a[href="` + newPath + `"]`)
	visitor.expectPath(newPath)
	if v := visitor.verdict(); v != "valid" {
		visitor.fatalf("the renewed credential shows %q, want valid", v)
	}
	visitor.checkPasted(string(c.Document))
	if v := visitor.verdict(); v != "invalid" {
		visitor.fatalf("/check of the superseded credential's JSON gives %q, want invalid", v)
	}
	if r := visitor.checkRow("board_record"); r.Outcome != "invalid" || !strings.Contains(r.Detail, "uperseded") {
		visitor.fatalf("/check shows the board's record of the superseded credential as %+v; want invalid, superseded", r)
	}
	if !visitor.has(`main a[href="` + newPath + `"]`) {
		visitor.fatalf("/check of the superseded credential does not link the current one %s", newPath)
	}
	visitor.checkPasted(renewed.JWT)
	if v := visitor.verdict(); v != "valid" {
		visitor.fatalf("/check of the renewed credential's JWT gives %q with %+v, want valid", v, visitor.checkRows())
	}
	visitor.searchRegistry("Jordan", nil)
	card := visitor.registryCard(jordan.Name)
	if l, ok := card.credentialLine(newPath); !ok || !showsValid(l.Text) {
		visitor.fatalf("the registry shows the renewed credential as %q (listed %v), want valid: %+v", l.Text, ok, card.Credentials)
	}
	// The old credential is still public: the registry lists it, as
	// superseded (docs/registry.md), never as valid.
	if l, ok := card.credentialLine(credPath); !ok || showsValid(l.Text) || !strings.Contains(l.Text, "superseded") {
		visitor.fatalf("the registry shows the superseded credential as %q (listed %v); want not valid, superseded", l.Text, ok)
	}
	if e := a.registryAPI(url.Values{"q": {"Jordan"}}).entry(jordan.Name); e == nil {
		t.Fatalf("the registry API no longer lists Jordan after the renewal")
	} else {
		for _, ec := range e.Credentials {
			if (ec.ID == c.ID && (ec.Valid || ec.Status != "superseded")) || (ec.ID == renewed.ID && (!ec.Valid || ec.Status != "valid")) {
				t.Errorf("after the renewal the registry API shows %s as %s, valid %v", ec.ID, ec.Status, ec.Valid)
			}
		}
	}
	step("done")
}
