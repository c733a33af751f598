package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/statuslist"
)

// TestUXCredentials walks what people stumbled on around issued
// credentials (issue 15, items 3, 5 and 11), in a browser, on the demo
// board with its background jobs run once as `certboard serve` does at
// start:
//
//   - a certificate's QR code leads to a page that answers, also when the
//     holder has not listed the credential: the certificate's
//     verification, with what the certificate prints and none of the
//     signed forms;
//   - the holder sees who sees what and lists the credential in the
//     registry from its page;
//   - an expired credential (Mei Tanaka's) reads expired, with the day, in
//     the registry, on its page, on /check and to its holder (who is told
//     what to do), and its bit in the suspension list is clear: never
//     suspended;
//   - staff who press Suspend without a reason are told what is missing
//     next to the field, and nothing changes;
//   - the certificate is one page.
func TestUXCredentials(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	var logins []web.DemoLogin
	a := startAppWith(t, engines[0], func(srv *web.Server) {
		ctx := context.Background()
		var err error
		if logins, err = srv.SeedDemo(ctx); err != nil {
			t.Fatalf("seeding the demo: %v", err)
		}
		// What `certboard serve` runs at start and every minute after.
		if _, err := srv.RunDueJobs(ctx); err != nil {
			t.Fatalf("running the due jobs: %v", err)
		}
	})
	b := newBrowser(t, a)
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }

	jordan := demoLogin(t, logins, "jordan")
	c := heldCredential(t, a, jordan.Email)
	credPath := "/credentials/" + c.ID
	var doc struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(c.Document, &doc); err != nil || doc.Name == "" {
		t.Fatalf("the credential names nothing (%v): %s", err, c.Document)
	}

	// 1. The holder takes the credential off the registry (the demo listed
	// it), and downloads the certificate: one page, its code linking the
	// credential's page.
	step("1. the holder unlists the credential and prints its certificate")
	holder := b.person("holder")
	holder.signInDemo(jordan)
	holder.open(credPath)
	holder.expectText("#visibility-h", "Who sees this credential")
	holder.expectText("#visibility", "Anyone with your certificate")
	holder.click(`#visibility form button[type=submit]`)
	holder.expectPath(credPath)
	holder.expectFlash("The registry no longer shows this credential")
	if credentialNow(t, a, c.ID).Public {
		holder.fatalf("the credential is still public after the holder took it off the registry")
	}
	holder.expectText("#visibility", "does not show this credential")
	holder.expectText("#visibility button", "List it in the registry")
	holder.axe("the holder's credential page, unlisted")
	pdf := holder.fetchWithCookies(credPath + "/certificate.pdf")
	if pdf.Status != http.StatusOK || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
		t.Fatalf("the certificate: HTTP %d, %d bytes", pdf.Status, len(pdf.Body))
	}
	if n := pdfPages(pdf.Body); n != 1 {
		t.Errorf("the certificate has %d pages, want 1", n)
	}
	links := pdfURI.FindAllSubmatch(pdf.Body, -1)
	if len(links) == 0 || string(links[0][1]) != a.url+credPath {
		t.Fatalf("the certificate links %q, want %s", links, a.url+credPath)
	}

	// 2. Anyone with the printed certificate follows its code: the page
	// answers with its verification, the holder's name and the credential,
	// and none of the signed forms.
	step("2. a visitor follows the QR code of the unlisted credential")
	visitor := b.person("visitor")
	visitor.open(strings.TrimPrefix(string(links[0][1]), a.url))
	if visitor.last.Status != http.StatusOK {
		visitor.fatalf("the certificate's code answers HTTP %d for an unlisted credential", visitor.last.Status)
	}
	visitor.expectText("h1", doc.Name)
	visitor.expectText("main dl", jordan.Name)
	visitor.expectText("main dl", "active")
	if v := visitor.verdict(); v != "valid" {
		visitor.fatalf("the certificate's page shows it %q, want valid", v)
	}
	for _, sel := range []string{`main a[href*="format="]`, `main a[href$="/certificate.pdf"]`, `form[action$="/visibility"]`, `form[action$="/status"]`} {
		if visitor.has(sel) {
			visitor.fatalf("the verification of an unlisted credential offers %s", sel)
		}
	}
	visitor.axe("the certificate's verification")

	// 3. The holder lists it again, in one step, and the registry shows it.
	step("3. the holder lists it in the registry")
	holder.click(`#visibility form button[type=submit]`)
	holder.expectFlash("The public registry lists you with this credential now.")
	holder.expectText("#visibility", "lists you with this credential")
	visitor.searchRegistry("Jordan", nil)
	if line, ok := visitor.registryCard(jordan.Name).credentialLine(credPath); !ok || !showsValid(line.Text) {
		visitor.fatalf("the registry does not show Jordan's listed credential valid: %+v", line)
	}

	// 4. Mei Tanaka's credential expired; the jobs `serve` runs have run.
	step("4. an expired credential reads expired, never suspended")
	mei := demoLogin(t, logins, "mei.tanaka")
	expired := onlyCredential(t, a, mei.Email)
	day := expired.ValidUntil.UTC().Format("2006-01-02")
	expiredPath := "/credentials/" + expired.ID
	// notSuspended fails when what the page says of the credential (its
	// facts, the sections about it) calls it suspended.
	notSuspended := func(p *person, where string) {
		p.t.Helper()
		for _, text := range p.texts("main dl, main section") {
			text = strings.ReplaceAll(text, "neither revoked nor suspended", "") // the status list check
			if regexp.MustCompile(`(?i)\bsuspen`).MatchString(text) {
				p.fatalf("%s says suspended:\n%s", where, text)
			}
		}
	}
	visitor.searchRegistry("Tanaka", nil)
	line, ok := visitor.registryCard("Mei Tanaka").credentialLine(expiredPath)
	if !ok || !strings.Contains(line.Text, "expired") || !strings.Contains(line.Text, day) || strings.Contains(line.Text, "suspended") {
		visitor.fatalf("the registry shows Mei Tanaka's expired credential as %q; want expired on %s", line.Text, day)
	}
	visitor.axe("the registry with an expired credential")
	visitor.open(expiredPath)
	visitor.expectText("main dl", "expired")
	visitor.expectText("main dl", "Expired on "+day)
	notSuspended(visitor, "the expired credential's page")
	visitor.checkPasted(string(expired.Document))
	if rec := visitor.checkRow("board_record"); rec.Outcome != "invalid" || !strings.Contains(rec.Detail, "Expired on "+day) {
		visitor.fatalf("/check's board record for an expired credential: %+v", rec)
	}
	visitor.expectText("main dl", "Expired on "+day)
	notSuspended(visitor, "/check")
	if bit := statusBit(t, a, "/status/"+expired.SuspensionList, expired.SuspensionIndex); bit {
		t.Errorf("the suspension list sets the bit of an expired credential")
	}
	meiPage := b.person("mei")
	meiPage.signInDemo(mei)
	meiPage.open(expiredPath)
	meiPage.expectText("#standing-h", "Your credential expired on "+day)
	if !meiPage.has(`#standing a[href="/applications"]`) || !meiPage.has(`#standing a[href="`+expiredPath+`/renewal"]`) {
		meiPage.fatalf("the holder of an expired credential is not told where to go: %s", meiPage.text("#standing"))
	}
	notSuspended(meiPage, "the holder's expired credential")
	meiPage.axe("the holder's expired credential")
	meiPage.click(`#standing a[href="` + expiredPath + `/renewal"]`)
	meiPage.expectText("main dl", "expired on "+day)
	notSuspended(meiPage, "the renewal page of an expired credential")
	meiPage.axe("the renewal page of an expired credential")
	meiPage.open("/applications")
	meiPage.expectText("#creds-h + ul", "(expired on "+day+")")
	if meiPage.has(`a[href="` + expiredPath + `/renewal"]`) {
		meiPage.fatalf("the holder's list offers to renew an expired credential")
	}
	meiPage.axe("the holder's list with an expired credential")

	// 5. Staff press Suspend without a reason: told what is missing, next
	// to the field; nothing changes.
	step("5. suspending without a reason")
	staff := b.person("staff")
	staff.signInDemo(demoLogin(t, logins, "staff"))
	staff.open(credPath)
	staff.click(`form[action$="/status"] button[value=suspend]`)
	if staff.last.Status != http.StatusUnprocessableEntity {
		staff.fatalf("suspending without a reason answered HTTP %d, want 422", staff.last.Status)
	}
	staff.expectText(".error-summary", "A reason is needed")
	staff.expectText("#reason-error", "Say why")
	var invalid string
	staff.js(`document.getElementById('reason').getAttribute('aria-invalid') || ''`, &invalid)
	if invalid != "true" {
		staff.fatalf("the reason field is not marked invalid")
	}
	if credentialNow(t, a, c.ID).Status() != "active" {
		t.Fatal("the credential changed though the suspension was refused")
	}
	staff.axe("the credential page with the status form refused")

	// The staff's page of a renewal names the credential's standing too.
	robin := onlyRenewal(t, a, demoLogin(t, logins, "robin.ellis").Email)
	staff.open(fmt.Sprintf("/queue/%d/renewal", robin.ID))
	staff.expectText("main dl", "superseded")
	staff.axe("the staff's renewal page")
}

// onlyRenewal is the one renewal application of a demo holder.
func onlyRenewal(t *testing.T, a *app, email string) *boardsql.Application {
	t.Helper()
	ctx := context.Background()
	u, err := a.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := a.st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: u.ID, SetID: "aasect-renewal"})
	if err != nil || len(apps) != 1 {
		t.Fatalf("%s has %d renewals (%v), want 1", email, len(apps), err)
	}
	return apps[0]
}

// pdfPages is the number of pages a PDF's page tree counts.
func pdfPages(pdf []byte) int {
	m := regexp.MustCompile(`/Type /Pages[^>]*?/Count (\d+)`).FindSubmatch(pdf)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// onlyCredential is the one credential the demo issued to a holder.
func onlyCredential(t *testing.T, a *app, email string) *boardsql.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	u, err := a.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := a.st.CredentialsOf(ctx, u.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%s holds %d credentials (%v), want 1", email, len(creds), err)
	}
	return creds[0]
}

// statusBit reads one bit of a status list the board publishes, as a
// verifier does.
func statusBit(t *testing.T, a *app, path string, index int) bool {
	t.Helper()
	status, body := a.call(http.MethodGet, path, "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, status)
	}
	var list struct {
		Subject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	l, err := statuslist.Decode(list.Subject.EncodedList)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	on, err := l.Get(index)
	if err != nil {
		t.Fatalf("GET %s, bit %d: %v", path, index, err)
	}
	return on
}
