package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
)

// TestCredentialFlows follows the credential the demo board issued to its
// approved applicant, in real browsers, on each database engine: the
// holder opens it, makes it public and downloads it in its three forms
// (before that, others see only its verification);
// anyone follows the certificate's link and sees it verified; anyone checks
// it on /check as JSON, as a JWT and as a file, and sees tampering and
// garbage refused with the reason; staff suspend it and everyone sees it
// suspended at once, then reinstate it.
func TestCredentialFlows(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			needBrowser(t)
			a, logins := startDemoApp(t, eng)
			b := newBrowser(t, a)
			// One engine writes the screenshots, so that a run writes each once.
			b.shots = wantShots() && eng.name == "sqlite"
			credentialFlows(t, a, b, logins)
		})
	}
}

// heldCredential is the active credential the demo issued to a holder when
// their application was approved.
func heldCredential(t *testing.T, a *app, email string) *boardsql.IssuedCredential {
	t.Helper()
	ctx := context.Background()
	u, err := a.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := a.st.CredentialsOf(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range creds {
		if c.Status() == "active" && c.JWT != "" {
			return c
		}
	}
	t.Fatalf("the demo issued no active credential to %s (%d credentials)", email, len(creds))
	return nil
}

// credentialNow reads a credential from the store again.
func credentialNow(t *testing.T, a *app, id string) *boardsql.IssuedCredential {
	t.Helper()
	c, err := a.st.Credential(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var pdfURI = regexp.MustCompile(`/URI \(([^)]*)\)`)

func credentialFlows(t *testing.T, a *app, b *browser, logins []web.DemoLogin) {
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }
	jordan := demoLogin(t, logins, "jordan")
	c := heldCredential(t, a, jordan.Email)
	credPath := "/credentials/" + c.ID
	var doc map[string]any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	name, _ := doc["name"].(string)
	if name == "" {
		t.Fatalf("the credential has no name: %s", c.Document)
	}

	// 1. The holder finds the credential among their applications, opens
	// it, makes it public and downloads it as JSON, JWT and PDF.
	step("1. holder")
	holder := b.person("holder")
	holder.signInDemo(jordan)
	holder.open("/applications")
	holder.click(`main a[href="` + credPath + `"]`)
	holder.expectPath(credPath)
	holder.expectText("h1", name)
	if v := holder.verdict(); v != "valid" {
		holder.fatalf("the holder's credential is verified %q, want valid", v)
	}

	// Private until the holder says otherwise: anyone else sees only its
	// verification, none of its signed forms. (The demo may have made it
	// public already; then the holder hides it first.)
	visibility := `form[action="` + credPath + `/visibility"] button[type=submit]`
	if credentialNow(t, a, c.ID).Public {
		holder.click(visibility)
		holder.expectPath(credPath)
		if credentialNow(t, a, c.ID).Public {
			holder.fatalf("the credential is still public after the holder made it private")
		}
	}
	public := b.person("public")
	public.open(credPath)
	if public.last.Status != 200 {
		public.fatalf("a private credential's page answered HTTP %d to the public, want 200 (its verification)", public.last.Status)
	}
	if v := public.verdict(); v != "valid" || public.has(`main a[href*="format="]`) || public.has(`main a[href$="/certificate.pdf"]`) {
		public.fatalf("a private credential's page shows the public %q, or offers its signed forms", v)
	}
	for _, p := range []string{"/certificate.pdf", "?format=json", "?format=jwt"} {
		if f := public.fetchWithCookies(credPath + p); f.Status != 404 {
			t.Fatalf("%s of a private credential answered HTTP %d to the public, want 404", p, f.Status)
		}
	}
	holder.click(visibility)
	holder.expectPath(credPath)
	if !credentialNow(t, a, c.ID).Public {
		holder.fatalf("the credential is not public after the holder made it so")
	}
	if !holder.has(`form[action="` + credPath + `/visibility"] input[name=public][value=false]`) {
		holder.fatalf("the page does not offer to make the public credential private again")
	}

	downloads := map[string][]byte{}
	for _, d := range []struct{ what, link, path, ctype, ext string }{
		{"JSON", `main a[href*="format=json"]`, credPath + "?format=json", "application/json", ".json"},
		{"JWT", `main a[href*="format=jwt"]`, credPath + "?format=jwt", "application/vc+jwt", ".jwt"},
		{"PDF", `main a[href$="/certificate.pdf"]`, credPath + "/certificate.pdf", "application/pdf", ".pdf"},
	} {
		file, data := holder.download(d.link)
		if !strings.HasSuffix(file, d.ext) || !strings.Contains(file, c.ID) {
			t.Errorf("the %s download is named %q; want the credential's id and %s", d.what, file, d.ext)
		}
		f := holder.fetchWithCookies(d.path)
		if f.Status != 200 || !strings.HasPrefix(f.ContentType, d.ctype) || !strings.HasPrefix(f.Disposition, "attachment") {
			t.Errorf("GET %s: HTTP %d, Content-Type %q, Content-Disposition %q; want 200, %s, an attachment",
				d.path, f.Status, f.ContentType, f.Disposition, d.ctype)
		}
		if d.what != "PDF" && !bytes.Equal(data, f.Body) {
			t.Errorf("the %s downloaded differs from what %s answers", d.what, d.path)
		}
		downloads[d.what] = data
	}
	var signed struct {
		ID    string `json:"id"`
		Proof struct {
			Type, Cryptosuite, VerificationMethod, ProofValue string
		} `json:"proof"`
	}
	if err := json.Unmarshal(downloads["JSON"], &signed); err != nil {
		t.Fatalf("the JSON download is not JSON: %v", err)
	}
	if signed.ID != a.url+credPath || signed.Proof.Type != "DataIntegrityProof" || signed.Proof.Cryptosuite != "eddsa-rdfc-2022" || signed.Proof.ProofValue == "" {
		t.Errorf("the JSON download: id %q, proof %+v; want its own address and an eddsa-rdfc-2022 Data Integrity proof", signed.ID, signed.Proof)
	}
	jwt := string(downloads["JWT"])
	parts := strings.Split(jwt, ".")
	var header struct{ Alg, Kid, Typ string }
	if len(parts) != 3 || parts[2] == "" {
		t.Fatalf("the JWT download has %d parts, want three with a signature: %.80q", len(parts), jwt)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &header) != nil || header.Alg != "EdDSA" {
		t.Errorf("the JWT's header %q does not name EdDSA (%v)", parts[0], err)
	}
	pdf := downloads["PDF"]
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-32):], []byte("%%EOF")) {
		t.Fatalf("the PDF download is not a whole PDF: %d bytes, starting %.16q", len(pdf), pdf)
	}

	// 2. Anyone with the printed certificate follows its link (the address
	// its QR code holds: server/certificate_test.go decodes the code) in a
	// browser of their own, with no session, and sees it verified.
	step("2. the certificate's link")
	var links []string
	for _, m := range pdfURI.FindAllSubmatch(pdf, -1) {
		if !slices.Contains(links, string(m[1])) {
			links = append(links, string(m[1]))
		}
	}
	if !slices.Equal(links, []string{a.url + credPath}) {
		t.Fatalf("the certificate links %q; want only the credential's page %s", links, a.url+credPath)
	}
	if !bytes.Contains(pdfContent(pdf), []byte("open "+a.url+credPath)) {
		t.Errorf("the certificate does not print the address %s for those who cannot scan", a.url+credPath)
	}
	public.open(strings.TrimPrefix(links[0], a.url))
	if public.last.Status != 200 {
		public.fatalf("the certificate's link answers HTTP %d to the public", public.last.Status)
	}
	public.expectText("h1", name)
	if v := public.verdict(); v != "valid" {
		public.fatalf("the public sees the credential verified %q, want valid", v)
	}
	for _, sel := range []string{`form[action$="/status"]`, `form[action$="/visibility"]`} {
		if public.has(sel) {
			public.fatalf("the public is offered %s", sel)
		}
	}
	public.shot("credential-page.png")
	public.atPhoneWidth(func() {
		public.open(credPath)
		public.fitsPhone("the credential page")
	})

	// 3. Anyone checks it on /check: pasted as JSON, pasted as a JWT, as a
	// file; a tampered copy and garbage are refused with the reason.
	step("3. /check")
	checker := b.person("checker")
	check := func(pasted string) {
		checker.t.Helper()
		checker.open("/check")
		checker.paste("credential", pasted)
		checker.click(`form[action="/check"] button[type=submit]`)
		checker.expectPath("/check")
	}
	wantValid := func(what string) {
		checker.t.Helper()
		if v := checker.verdict(); v != "valid" {
			checker.fatalf("%s: the verdict is %q, want valid; checks %+v", what, v, checker.checkRows())
		}
		rows := checker.checkRows()
		for _, want := range []string{"signature", "issuer", "validity", "status"} {
			if !slices.ContainsFunc(rows, func(r checkRow) bool { return r.Name == want }) {
				checker.fatalf("%s: no %s check shown on its own; checks %+v", what, want, rows)
			}
		}
		for _, r := range rows {
			if r.Outcome != "valid" || r.Detail == "" {
				checker.fatalf("%s: the %s check shows %q (%q), want valid with details", what, r.Name, r.Outcome, r.Detail)
			}
		}
	}
	check(string(c.Document))
	wantValid("the JSON pasted")
	checker.expectText("main", name)
	checker.shot("verify-valid.png")
	check(c.JWT)
	wantValid("the JWT pasted")

	checker.open("/check")
	file := filepath.Join(t.TempDir(), "credential-"+c.ID+".json")
	if err := os.WriteFile(file, downloads["JSON"], 0o600); err != nil {
		t.Fatal(err)
	}
	checker.upload("file", file)
	checker.click(`form[action="/check"] button[type=submit]`)
	wantValid("the JSON file uploaded")

	tampered := map[string]any{}
	_ = json.Unmarshal(c.Document, &tampered)
	tampered["name"] = name + " and Supervisor"
	forged, _ := json.Marshal(tampered)
	check(string(forged))
	if v := checker.verdict(); v != "invalid" {
		checker.fatalf("a tampered credential is %q, want invalid", v)
	}
	if rows := checker.checkRows(); !slices.ContainsFunc(rows, func(r checkRow) bool { return r.Name == "signature" && r.Outcome == "invalid" }) {
		checker.fatalf("a tampered credential does not show its signature invalid: %+v", rows)
	}

	for _, g := range []struct{ pasted, want string }{
		{"this is not a credential", "neither a JSON credential nor a VC-JWT"},
		{`{"name": "half a credential"`, "not a JSON object"},
	} {
		check(g.pasted)
		rows := checker.checkRows()
		if v := checker.verdict(); v != "invalid" || !slices.ContainsFunc(rows, func(r checkRow) bool {
			return r.Outcome == "invalid" && strings.Contains(r.Detail, g.want)
		}) {
			checker.fatalf("%q gives %q with %+v; want invalid, saying %q", g.pasted, v, rows, g.want)
		}
	}
	checker.open("/check")
	checker.click(`form[action="/check"] button[type=submit]`)
	if checker.last.Status != 422 || !checker.has(`#credential[aria-invalid=true]`) {
		checker.fatalf("nothing to check answers HTTP %d without marking the field; want 422 and the field marked", checker.last.Status)
	}
	checker.expectText(".field-error", "Paste a credential")

	// 4. Staff suspend it, with a reason: the public page and /check show it
	// suspended at once; reinstated, it is valid again.
	step("4. suspend and reinstate")
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
	if got := credentialNow(t, a, c.ID); got.Status() != "suspended" || got.SuspendReason != reason {
		staff.fatalf("after suspending, the credential is %s (%q)", got.Status(), got.SuspendReason)
	}
	if !slices.ContainsFunc(a.mailTo(jordan.Email), func(m mail) bool {
		return strings.Contains(m.Subject, "suspended") && strings.Contains(m.Body, reason)
	}) {
		t.Errorf("the holder was not told of the suspension and its reason: %+v", a.mailTo(jordan.Email))
	}

	public.open(credPath)
	if v := public.verdict(); v == "valid" {
		public.fatalf("the public page of a suspended credential shows it valid")
	}
	if txt := public.mainText(); !strings.Contains(txt, "suspended") {
		public.fatalf("the public page of a suspended credential does not say suspended:\n%s", txt)
	}
	wantSuspended := func(what string) {
		checker.t.Helper()
		rows := checker.checkRows()
		if v := checker.verdict(); v != "invalid" || !slices.ContainsFunc(rows, func(r checkRow) bool {
			return r.Name == "status" && r.Outcome == "invalid" && strings.Contains(r.Detail, "suspended")
		}) {
			checker.fatalf("%s of a suspended credential gives %q with %+v; want invalid, its status suspended", what, v, rows)
		}
	}
	check(string(c.Document))
	wantSuspended("the JSON")
	checker.shot("verify-suspended.png")
	check(c.JWT)
	wantSuspended("the JWT")

	staff.open(credPath)
	staff.click(`form[action="` + credPath + `/status"] button[name=action][value=reinstate]`)
	if got := credentialNow(t, a, c.ID); got.Status() != "active" {
		staff.fatalf("after reinstating, the credential is %s", got.Status())
	}
	public.open(credPath)
	if v := public.verdict(); v != "valid" {
		public.fatalf("the public page of a reinstated credential shows %q, want valid", v)
	}
	check(string(c.Document))
	wantValid("the JSON, reinstated")

	// 5. /check on a phone, and with the keyboard alone: Tab to the field,
	// paste (or type), Tab to the button, Enter (or Space).
	step("5. phone and keyboard")
	checker.atPhoneWidth(func() {
		checker.open("/check")
		checker.fitsPhone("/check")
		check(string(c.Document))
		checker.fitsPhone("/check with a result")
	})
	kb := b.person("keyboard user")
	kb.open("/check")
	kb.js(`document.activeElement && document.activeElement.blur(), null`, nil)
	kb.tabTo("credential")
	if _, err := chromedp.Call(kb.ctx, input.InsertText, input.InsertTextParams{Text: c.JWT}); err != nil { // Ctrl+V
		kb.fatalf("pasting: %v", err)
	}
	kb.tabToMatch(`form[action="/check"] button[type=submit]`)
	kb.pressFor("\r")
	if v := kb.verdict(); v != "valid" {
		kb.fatalf("the JWT pasted with the keyboard is %q, want valid", v)
	}
	kb.open("/check")
	kb.js(`document.activeElement && document.activeElement.blur(), null`, nil)
	kb.tabTo("credential")
	kb.keys("not a credential")
	kb.tabToMatch(`form[action="/check"] button[type=submit]`)
	kb.pressFor(" ")
	if v := kb.verdict(); v != "invalid" || !strings.Contains(kb.mainText(), "neither a JSON credential nor a VC-JWT") {
		kb.fatalf("typed garbage gives %q without naming the problem", v)
	}

	step("done")
	pages := b.checkedRoutes()
	for _, want := range []string{"/credentials/" + numbers.ReplaceAllString(c.ID, "{n}"), "/check", "/applications"} {
		if !slices.Contains(pages, want) {
			t.Errorf("the flow never checked the structure of a page of %s (checked %v)", want, pages)
		}
	}
}
