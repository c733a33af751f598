package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// examplePortfolio is the portfolio the applicant imports: eligible for
// aasect-cst as of epoch once its evidence is verified.
const examplePortfolio = "../examples/portfolios/cst-eligible.json"

// TestApplicationLifecycle walks one application from sign-up to approval
// through every role, in real browsers, on each database engine.
func TestApplicationLifecycle(t *testing.T) {
	t.Parallel()
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			needBrowser(t)
			a := startApp(t, eng)
			b := newBrowser(t, a)
			// The screenshots come from one engine only, so that one run
			// writes each file once.
			b.shots = wantShots() && eng.name == "sqlite"
			lifecycle(t, a, b)
		})
	}
}

// The people of the flow. The applicant's name, address and practice are
// those of the example portfolio; the supervisor is the one it names.
const (
	applicantName  = "Jordan Reyes"
	applicantEmail = "jordan.reyes@example.org"
	supervisorName = "Dr. Maya Okafor"
	supervisorMail = "maya.okafor@example.org"
	supervisorRef  = "sup-okafor" // the supervisor's id in the portfolio
	staffEmail     = "casey.board@example.org"
	reviewerEmail  = "sam.lee@example.org"
	// the applicant's practice, as the example portfolio gives it
	applicantPractice = "Lakeview Couples Clinic"
)

func lifecycle(t *testing.T, a *app, b *browser) {
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }
	// The board's people have accounts already; staff sign in with two
	// factors. One reviewer works in the applicant's practice and must not
	// be offered.
	a.addUser(supervisorName, supervisorMail, "Okafor Sex Therapy Associates", auth.Supervisor)
	staffUser := a.addUser("Casey Board", staffEmail, "certboard", auth.Staff)
	staffSecret := a.enableTOTP(staffUser)
	reviewer := a.addUser("Sam Lee", reviewerEmail, "Riverside Sexual Health", auth.Reviewer)
	conflicted := a.addUser("Pat Lakeview", "pat@example.org", applicantPractice, auth.Reviewer)

	applicant := b.person("applicant")

	// 1. Sign up, verify the address from the mail with the password, sign in
	// (keyboard only).
	step("1. sign-up")
	applicant.open("/signup")
	applicant.expectText("h1", "Create an account")
	applicant.fill("name", applicantName)
	applicant.fill("email", applicantEmail)
	applicant.fill("password", password)
	applicant.click(`form[action="/signup"] button[type=submit]`)
	applicant.expectPath("/signup/sent")
	applicant.expectText("h1", "Check your mail")
	link := verifyLink(t, a)
	applicant.open(strings.TrimPrefix(link, a.url))
	applicant.expectText("h1", "Verify your e-mail address")
	// The link alone does not verify: it takes the password of the sign-up.
	applicant.fill("password", password)
	applicant.click(`form[action="/verify"] button[type=submit]`)
	applicant.expectPath("/login")
	applicant.expectFlash("Your e-mail address is verified")
	applicant.shot("01-login.png")
	keyboardSignIn(applicant, applicantEmail)

	// 2. Start an application, import the example portfolio, point its
	// supervisor at the supervisor's account, add an item with the form
	// (keyboard only), upload a document, read the report, submit.
	step("2. application")
	applicant.expectText("h1", "My applications")
	skipLinkWorks(applicant)
	applicant.choose("set_id", "aasect-cst")
	applicant.click(`form[action="/applications"] button[type=submit]`)
	applicant.expectFlash("Application started")
	id := appID(applicant)
	dash := fmt.Sprintf("/applications/%d", id)
	applicant.expectText(".badge", "draft")

	applicant.click(`a[href="` + dash + `/import"]`)
	applicant.expectText("h1", "Import a portfolio")
	applicant.upload("file", examplePortfolio)
	applicant.click(`form[action="` + dash + `/import"] button[type=submit]`)
	applicant.expectPath(dash)
	applicant.expectFlash("Portfolio imported")
	applicant.expectText("#supervisors", "(1)")

	applicant.click(`a[href="` + dash + `/evidence/supervisors/` + supervisorRef + `/edit"]`)
	applicant.expectText("h1", "Change a supervisor")
	applicant.fill("f-email", supervisorMail)
	applicant.click(`form[action="` + dash + `/evidence/supervisors/` + supervisorRef + `"] button[type=submit]`)
	applicant.expectPath(dash)
	applicant.expectFlash("Saved: a supervisor changed")
	if p := livePortfolio(t, a, id); p.Supervisors[0].Email != supervisorMail {
		t.Fatalf("the supervisor's e-mail address was not saved: %+v", p.Supervisors[0])
	}

	applicant.click(`a[href="` + dash + `/evidence/education/new"]`)
	eduID := keyboardEducation(applicant, dash)

	applicant.click(`a[href="` + dash + `/documents"]`)
	applicant.expectText("h1", "Your documents")
	applicant.choose("doc-kind", "transcript")
	applicant.fill("doc-title", "Master's transcript, Northwestern University")
	applicant.tick("doc-sup-0-0") // the degree, the first item listed
	applicant.upload("doc-file", writePDF(t))
	applicant.click(`#add-document button[type=submit]`)
	applicant.expectPath(dash + "/documents")
	applicant.expectText("main table", "Master's transcript, Northwestern University")
	applicant.shot("04-documents.png")
	// The imported portfolio's documents came without their files: they
	// count only once uploaded.
	applicant.uploadAllPendingFiles(t, dash)

	applicant.open(dash)
	checkReport(applicant, "pending")
	applicant.shot("02-dashboard.png")
	phoneShot(applicant, dash)
	applicant.click(`form[action="` + dash + `/actions/submit"] button[type=submit]`)
	applicant.expectFlash("Submitted")
	applicant.expectText("dl.facts", "submitted")
	if !slices.ContainsFunc(a.mailTo(staffEmail), func(m mail) bool { return strings.Contains(m.Subject, "is submitted") }) {
		t.Errorf("staff were not told of the submission: %v", a.mailTo(staffEmail))
	}

	// 3. The supervisor confirms a session they gave.
	step("3. supervisor")
	supervisor := b.person("supervisor")
	supervisor.signIn(supervisorMail, "")
	supervisor.open("/supervision")
	supervisor.expectText("main table", applicantName)
	supervisor.click(`a[href="/supervision/` + strconv.FormatInt(id, 10) + `"]`)
	supervisor.expectText("h1", "Supervision of "+applicantName)
	supervisor.shot("05-supervisor.png")
	var session string
	supervisor.js(`(() => { const f = document.querySelector('#sessions ~ .table-wrap form input[name=decision][value=confirm]');
	  return f ? f.form.getAttribute('action').split('/').pop() : ''; })()`, &session)
	if session == "" {
		supervisor.fatalf("no supervision session to confirm")
	}
	supervisor.click(`form[action="/supervision/` + strconv.FormatInt(id, 10) + `/items/` + session + `"] button[type=submit]`)
	supervisor.expectFlash("Confirmed " + session)
	var row string
	supervisor.js(`(() => { const tr = Array.from(document.querySelectorAll('#sessions ~ .table-wrap tbody tr'))
	  .find(tr => tr.cells[0].textContent.includes('(`+session+`)')); return tr ? tr.cells[6].innerText : ''; })()`, &row)
	if !strings.HasPrefix(row, "verified") || !strings.Contains(row, supervisorName) {
		supervisor.fatalf("after confirming, session %s shows %q, want verified by %s", session, row, supervisorName)
	}
	if got := itemState(t, a, id, session, true); got.State != portfolio.Verified || !strings.Contains(got.By, supervisorName) {
		t.Fatalf("the confirmed session %s is %+v in the submitted evidence", session, got)
	}

	// 4. Staff sign in with two factors, take the application into review,
	// verify its evidence, send it to peer review and assign a reviewer.
	step("4. staff")
	staff := b.person("staff")
	staff.signIn(staffEmail, staffSecret)
	staff.open("/queue")
	staff.expectText("main table", applicantName)
	staff.shot("06-staff-queue.png")
	queue := fmt.Sprintf("/queue/%d", id)
	staff.click(`a[href="` + queue + `"]`)
	staff.expectText("h1", "Application of "+applicantName)
	staff.click(`form[action="` + queue + `/actions/start_review"] button[type=submit]`)
	staff.expectFlash("is now under review")
	staff.expectText(`tr[id="item-`+session+`"]`, "verified")

	staff.click(`tr[id="item-` + eduID + `"] button[value=verify]`)
	staff.expectFlash(eduID + " verified")
	staff.expectText(`tr[id="item-`+eduID+`"]`, "verified")
	if got := itemState(t, a, id, eduID, true); got.State != portfolio.Verified {
		t.Fatalf("%s is %+v in the submitted evidence after staff verified it", eduID, got)
	}
	n := verifyRest(staff, id, queue)
	step(fmt.Sprintf("verified %d more items through the API", n))
	checkReport(staff, "eligible")

	staff.click(`form[action="` + queue + `/actions/send_to_peer_review"] button[type=submit]`)
	staff.expectFlash("is now peer review")
	var offered []string
	staff.js(`Array.from(document.querySelectorAll('#reviewer_id option'), o => o.value).filter(Boolean)`, &offered)
	if !slices.Equal(offered, []string{strconv.FormatInt(reviewer.ID, 10)}) {
		staff.fatalf("the reviewers offered are %v; want only %s (id %d), not %s (id %d), who works in the applicant's practice",
			offered, reviewer.Name, reviewer.ID, conflicted.Name, conflicted.ID)
	}
	staff.expectText("#excluded-h + ul", conflicted.Name+": works in the applicant's practice")
	staff.choose("reviewer_id", strconv.FormatInt(reviewer.ID, 10))
	staff.click(`form[action="` + queue + `/reviewers"] button[type=submit]`)
	staff.expectFlash("Reviewer assigned")
	staff.expectText("#reviewers + .table-wrap table", reviewer.Name)
	staff.shot("07-staff-application.png")
	if ms := a.mailTo(reviewerEmail); len(ms) != 1 || !strings.Contains(ms[0].Body, a.url+"/reviews/"+strconv.FormatInt(id, 10)) {
		t.Errorf("the reviewer's invitation: %+v", ms)
	}

	// 5. The reviewer votes to approve.
	step("5. reviewer")
	rev := b.person("reviewer")
	rev.signIn(reviewerEmail, "")
	rev.open("/reviews")
	rev.expectText("main table", applicantName)
	rev.click(`a[href="/reviews/` + strconv.FormatInt(id, 10) + `"]`)
	rev.expectText("h1", "Review of the application of "+applicantName)
	rev.shot("08-reviewer.png")
	rev.tick("vote-approve")
	rev.fill("comments", "Thorough, well documented supervision and training.")
	rev.click(`form[action="/reviews/` + strconv.FormatInt(id, 10) + `/vote"] button[type=submit]`)
	rev.expectFlash("Your vote is recorded")
	rev.expectText("#vote-h + p", "approve")

	// 6. Staff approve; the applicant sees it.
	step("6. decision")
	staff.open(queue)
	if staff.has(`#decide-h ~ p.next`) {
		staff.fatalf("approval is still refused after the reviewer's vote")
	}
	staff.click(`form[action="` + queue + `/actions/approve"] button[type=submit]`)
	staff.expectFlash("is now approved")
	applicant.open(dash)
	applicant.expectText("dl.facts .badge", "approved")
	applicant.open("/applications")
	applicant.expectText("main table", "approved")
	if !slices.ContainsFunc(a.mailTo(applicantEmail), func(m mail) bool { return strings.Contains(m.Subject, "is approved") }) {
		t.Errorf("the applicant was not told of the approval: %+v", a.mailTo(applicantEmail))
	}
	step("done")
	pages := b.checkedRoutes()
	t.Logf("checked the structure of %d pages on %d routes: %s", sum(b.checked), len(pages), strings.Join(pages, " "))
	for _, want := range []string{"/signup", "/verify", "/login", "/login/two-factor", "/applications", "/applications/{n}",
		"/applications/{n}/import", "/applications/{n}/evidence/education/new", "/applications/{n}/evidence/supervisors/sup-okafor/edit",
		"/applications/{n}/documents", "/supervision", "/supervision/{n}", "/queue", "/queue/{n}", "/reviews", "/reviews/{n}"} {
		if !slices.Contains(pages, want) {
			t.Errorf("the flow never checked a page of %s", want)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

var verifyLinkRE = regexp.MustCompile(`https?://\S+/verify\?token=\S+`)

// verifyLink reads the verification link of the applicant's sign-up mail.
func verifyLink(t *testing.T, a *app) string {
	t.Helper()
	ms := a.mailTo(applicantEmail)
	if len(ms) != 1 {
		t.Fatalf("expected one mail to %s after sign-up, got %d: %+v", applicantEmail, len(ms), ms)
	}
	link := verifyLinkRE.FindString(ms[0].Body)
	if !strings.HasPrefix(link, a.url+"/verify?token=") {
		t.Fatalf("the sign-up mail has no verification link to %s: %q", a.url, ms[0].Body)
	}
	return link
}

var appPathRE = regexp.MustCompile(`^/applications/(\d+)$`)

// appID reads the application's id from the dashboard's address.
func appID(p *person) int64 {
	p.t.Helper()
	m := appPathRE.FindStringSubmatch(p.path())
	if m == nil {
		p.fatalf("not on an application's dashboard")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// keyboardSignIn signs in on the sign-in page with the keyboard alone:
// Tab to each field, type, Enter.
func keyboardSignIn(p *person, email string) {
	p.t.Helper()
	p.expectPath("/login")
	p.tabTo("email")
	p.keys(email)
	p.tabTo("password")
	p.keys(password)
	p.enter()
	p.expectPath("/applications")
	p.expectText("header nav", "Sign out")
}

// The education activity the applicant adds with the keyboard.
const (
	eduTitle    = "Sexual health across the life course"
	eduProvider = "Midwest Sexuality Institute"
)

// keyboardEducation fills the education form with the keyboard alone and
// submits it with Enter; it returns the new item's id.
func keyboardEducation(p *person, dash string) string {
	p.t.Helper()
	p.expectText("h1", "Add an education activity")
	p.tabTo("f-title")
	p.keys(eduTitle)
	p.tabTo("f-kind")
	p.keys("tr") // type-ahead on the list: training
	p.tabTo("f-provider-name")
	p.keys(eduProvider)
	p.tabTo("f-provider-kind")
	p.keys("ap") // approved provider
	p.tabTo("f-provider-approved_by")
	p.keys("AASECT")
	p.tabTo("f-delivery")
	p.keys("in") // in person
	p.tabTo("f-date")
	p.keys("03142026") // mm dd yyyy, the en-US order of the date field
	for _, area := range []string{"b", "g"} {
		p.tabTo("f-areas-aasect-core-" + area)
		p.keys(" ")
	}
	p.tabTo("f-hours")
	p.keys("6")
	var got map[string]any
	p.js(`(() => { const f = document.querySelector('main form'); const d = new FormData(f); const o = {};
	  for (const [k, v] of d) { if (k in o) o[k] = [].concat(o[k], v); else o[k] = v; } return o; })()`, &got)
	want := map[string]any{"title": eduTitle, "kind": "training", "provider.name": eduProvider, "provider.kind": "approved_provider",
		"provider.approved_by": "AASECT", "delivery": "in_person", "date": "2026-03-14", "hours": "6", "areas.aasect-core": []any{"b", "g"}}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			p.fatalf("after typing, field %s holds %v, want %v (the whole form: %v)", k, got[k], v, got)
		}
	}
	p.shot("03-evidence-form.png")
	p.enter() // in the hours field: submits the form
	p.expectPath(dash)
	p.expectFlash("Saved: an education activity added")
	p.expectText("#education ~ .table-wrap", eduTitle)
	live := livePortfolio(p.t, p.app, appIDFrom(dash))
	for _, e := range live.Education {
		if e.Title == eduTitle {
			if e.Hours != 6 || e.Date.String() != "2026-03-14" || !slices.Equal(e.Areas["aasect-core"], []string{"b", "g"}) {
				p.t.Fatalf("the saved activity differs from what was typed: %+v", e)
			}
			return e.ID
		}
	}
	p.t.Fatalf("the education activity typed is not in the portfolio")
	return ""
}

func appIDFrom(dash string) int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(dash, "/applications/"), 10, 64)
	return id
}

// checkReport checks the eligibility report on the page: a verdict and one
// status per requirement, and that one of them is want.
func checkReport(p *person, want string) {
	p.t.Helper()
	verdict := p.text(".report > p > .badge")
	statuses := p.texts(".report article.card h3 .badge")
	if verdict == "" || len(statuses) < 5 {
		p.fatalf("the eligibility report is missing: verdict %q, %d requirement statuses", verdict, len(statuses))
	}
	known := []string{"met", "pending", "unmet", "not applicable"}
	for _, s := range statuses {
		if !slices.Contains(known, s) {
			p.fatalf("the report shows the requirement status %q, not one of %v", s, known)
		}
	}
	if want == "eligible" {
		if verdict != "eligible" {
			var open []string
			for _, c := range p.texts(".report article.card") {
				if !strings.Contains(c, " met\n") {
					open = append(open, oneLine(c))
				}
			}
			p.fatalf("the report's verdict is %q, want eligible; requirements: %q", verdict, open)
		}
		return
	}
	if !slices.Contains(statuses, want) {
		p.fatalf("no requirement is %q in the report (statuses %v, verdict %q)", want, statuses, verdict)
	}
}

// verifyRest verifies every item of the submitted evidence still claimed,
// through the JSON API that staff tools use, from the staff member's page
// (their session, one request at a time, each with the version the last one
// returned); then it reloads the page. Verifying eighty items by hand
// would only repeat the click the flow already makes.
func verifyRest(p *person, id int64, queue string) int {
	p.t.Helper()
	var res struct {
		Done  int
		Error string
	}
	p.jsAwait(`(async () => {
	  const ids = Array.from(document.querySelectorAll('tr[id^="item-"]'))
	    .filter(tr => tr.querySelector('.badge').textContent.trim() === 'claimed').map(tr => tr.id.slice(5));
	  let version = Number(document.querySelector('main input[name=version]').value);
	  for (const item of ids) {
	    const r = await fetch('/api/v1/applications/`+strconv.FormatInt(id, 10)+`/items/' + encodeURIComponent(item) + '/verification', {
	      method: 'POST', headers: {'Content-Type': 'application/json'},
	      body: JSON.stringify({decision: 'verify', reason: 'checked against the documents', version})});
	    const body = await r.text();
	    if (!r.ok) return {error: item + ': HTTP ' + r.status + ' ' + body};
	    version = JSON.parse(body).version;
	  }
	  return {done: ids.length};
	})()`, &res)
	if res.Error != "" {
		p.fatalf("verifying through the API: %s", res.Error)
	}
	p.open(queue)
	if left := p.texts(`tr[id^="item-"] .badge.s-claimed`); len(left) > 0 {
		p.fatalf("%d items are still claimed after verifying %d", len(left), res.Done)
	}
	return res.Done
}

// phoneShot shows the dashboard on a phone-sized screen: nothing may be
// wider than the screen (tables scroll inside their own box).
func phoneShot(p *person, dash string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		p.fatalf("emulating a phone: %v", err)
	}
	p.open(dash)
	var width int
	p.js(`document.documentElement.scrollWidth`, &width)
	if width > 390 {
		p.t.Errorf("on a 390 px wide phone the dashboard is %d px wide: it scrolls sideways", width)
	}
	p.shot("09-dashboard-phone.png")
	if err := chromedp.Do(p.ctx, chromedp.ResetViewport()); err != nil {
		p.fatalf("leaving the phone emulation: %v", err)
	}
	p.open(dash)
}

// writePDF writes a small valid PDF to upload.
func writePDF(t *testing.T) string {
	t.Helper()
	const pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
	path := filepath.Join(t.TempDir(), "transcript.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// livePortfolio reads an application's live portfolio from the store.
func livePortfolio(t *testing.T, a *app, id int64) *portfolio.Portfolio {
	t.Helper()
	app, err := a.st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// itemState reads an item's verification in the live portfolio or, with
// frozen, in the submitted snapshot.
func itemState(t *testing.T, a *app, id int64, item string, frozen bool) portfolio.Verification {
	t.Helper()
	app, err := a.st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	data := app.Portfolio
	if frozen {
		data = app.Snapshot
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := portfolio.Find(p, item)
	if !ok {
		t.Fatalf("application %d has no item %s", id, item)
	}
	return portfolio.VerificationOf(it.Value)
}

// skipLinkWorks checks the layout's skip link with the keyboard: the first
// Tab on a page reaches it, it shows on screen when focused, and Enter moves
// the focus to the main content.
func skipLinkWorks(p *person) {
	p.t.Helper()
	p.js(`document.activeElement && document.activeElement.blur(), null`, nil)
	p.keys("\t")
	var skip struct {
		Class   string
		Href    string
		Visible bool
	}
	p.js(`(() => { const e = document.activeElement, r = e.getBoundingClientRect();
	  return {class: e.className, href: e.getAttribute('href') || '', visible: r.left >= 0 && r.top >= 0 && r.width > 0}; })()`, &skip)
	if skip.Class != "skip" || skip.Href != "#main" {
		p.fatalf("the first Tab reaches %+v, not the skip link", skip)
	}
	if !skip.Visible {
		p.fatalf("the skip link stays off screen when it has the focus")
	}
	p.keys("\r")
	var at struct{ Hash, Focus string }
	p.js(`({hash: location.hash, focus: document.activeElement.id})`, &at)
	if at.Hash != "#main" || at.Focus != "main" {
		p.fatalf("Enter on the skip link leads to %+v, not to the main content", at)
	}
}
