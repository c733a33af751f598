package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPracticePractitioner follows a practitioner through a client's
// care in a real browser, every page passing axe-core at a desktop's and
// a phone's width: two-factor sign-in with the keyboard alone (each
// control reached by Tab shows its focus), the home page, a client
// registered with the keyboard (errors shown at their fields, the focus
// brought to the first), the consent signed, a case opened, its concerns
// and a comorbidity recorded, the sexual history taken in its four steps,
// the case moved from Permission through Limited Information to Specific
// Suggestions, a PHQ-9 with thoughts of self-harm that puts a same-day
// safety task on the home page, the task resolved, and the measures chart
// (an SVG with a title and a description, and a table of the same
// scores).
func TestPracticePractitioner(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }
	pa.consentText()
	me := pa.login(practitioner)
	p := pb.person("practitioner")

	step("1. sign-in with the keyboard")
	keyboardPracticeSignIn(pb, p, me.Email, me.TOTPSecret)
	p.expectText("#tasks-h + p", "Nothing needs you today")

	step("2. a client registered with the keyboard")
	p.click(`header nav a[href="/clients"]`)
	p.expectText("h1", "Your clients")
	pb.axe(p, "the practitioner's clients, none yet")
	p.click(`main a[href="/clients/new"]`)
	p.expectText("h1", "Register a client")
	pb.axe(p, "the form of a new client")
	stops := tabThrough(t, p.ctx)
	requireStops(t, stops, "#name", "#preferred_name", "#date_of_birth", "#pronouns", "#gender_identity", "#email", "#phone",
		"#emergency_name", "#emergency_phone", "#emergency_relationship", `button "Register the client"`)
	keyboardClientForm(pb, p)
	clientPath := p.path()
	if !clientPage.MatchString(clientPath) {
		p.fatalf("registering a client leads to %s, not the client's record", clientPath)
	}
	pb.axe(p, "a new client's record")

	step("3. consent to treatment")
	p.click(`main a[href="` + clientPath + `/consent"]`)
	p.expectText("h1", "Consent to treatment: "+clientName)
	pb.axe(p, "the consent form")
	p.radio(`input[name="signer"][value="client"]`)
	p.fill("signed_name", clientName)
	p.radio(`input[name="agreed"]`)
	p.click(`form[action="` + clientPath + `/consent"] button[type=submit]`)
	p.expectPath(clientPath)
	p.expectText("#consent-h + p", "in force")

	step("4. a case opened")
	p.click(`main a[href="` + clientPath + `/cases#open-h"]`)
	p.expectText("h1", "Cases of client")
	pb.axe(p, "a client's cases, none open")
	p.choose("stage", "permission")
	p.choose("concern", "erectile-disorder")
	p.fill("reason", "Intake: the client asks whether what happens with a new partner is normal.")
	p.click(`main form[action$="/cases"] button[type=submit]`)
	casePath := p.path()
	if !casePage.MatchString(casePath) {
		p.fatalf("opening a case leads to %s, not the case", casePath)
	}
	p.expectText("main dl.facts", "Permission (P)")
	pb.axe(p, "a case just opened")

	step("5. concerns and a comorbidity")
	p.choose("c0-onset", "acquired")
	p.choose("c0-context", "situational")
	p.click(`form[action="` + casePath + `/concerns"] button[type=submit]`)
	p.expectFlash("Saved the concerns")
	p.expectText("#concerns", "Erectile disorder")
	p.choose("co-kind", "anxiety")
	p.radio(`input[name="comorbidity.source"][value="judgement"]`)
	p.fill("co-note", "Worry before sex for a year, with a racing heart.")
	p.click(`form[action="` + casePath + `/comorbidities"] button[type=submit]`)
	p.expectFlash("Recorded the comorbidity")
	p.expectText("#comorbidities", "Anxiety")
	pb.axe(p, "a case with its concerns and a comorbidity")

	step("6. Permission, then Limited Information, then Specific Suggestions")
	for _, mv := range []struct{ to, name, why string }{
		{"limited_information", "Limited Information (LI)", "Gave facts on erections and arousal with a new partner."},
		{"specific_suggestions", "Specific Suggestions (SS)", "Facts alone did not settle it: take the history and make suggestions."},
	} {
		p.choose("move-to", mv.to)
		p.fill("move-reason", mv.why)
		p.click(`form[action="` + casePath + `/stage"] button[type=submit]`)
		p.expectFlash("Moved the case")
		p.expectText("main dl.facts", mv.name)
		p.expectText("#stage-h ~ .table-wrap", mv.why)
	}
	pb.axe(p, "a case at Specific Suggestions")

	step("7. the sexual history in four steps")
	p.click(`main a[href="` + casePath + `/history"]`)
	p.expectText("h1", "Sexual history")
	pb.axe(p, "the sexual history, empty")
	for i, fill := range historySteps {
		for id, v := range fill {
			if strings.HasPrefix(id, "=") {
				p.radio(`input[name="` + id[1:] + `"][value="` + v + `"]`)
				continue
			}
			var tag string
			p.js(`(() => { const e = document.getElementById(`+quote(id)+`); return e ? e.tagName : ''; })()`, &tag)
			if tag == "SELECT" {
				p.choose(id, v)
			} else {
				p.fill(id, v)
			}
		}
		p.click(`form[action="` + casePath + `/history"] button[type=submit]`)
		p.expectFlash("Saved")
		if done := len(p.texts("main ol .badge.ok")); done != i+1 {
			p.fatalf("after step %d of the sexual history, %d steps show as done", i+1, done)
		}
	}
	pb.axe(p, "the sexual history, complete")
	pb.shot(p, "practice-sexual-history.png", "", 0)

	step("8. a PHQ-9 with thoughts of self-harm")
	p.open(casePath)
	pb.axe(p, "a case with its sexual history")
	p.click(`main a[href="` + casePath + `/measures"]`)
	p.expectText("h1", "")
	pb.axe(p, "a case's measures, none yet")
	p.click(`main a[href="` + casePath + `/measures/new?instrument=phq-9"]`)
	p.expectText("h1", "PHQ-9")
	pb.axe(p, "the PHQ-9 form")
	for i, v := range phq9 {
		p.radio(fmt.Sprintf(`input[name="item-%d"][value="%d"]`, i+1, v))
	}
	pb.shot(p, "practice-measure-form.png", "", 1500)
	p.click(`form[action="` + casePath + `/measures"] button[type=submit]`)
	p.expectFlash("A same-day safety task is open")
	responsePath := p.path()
	p.expectText("main dl.facts", "scored")
	p.expectText("main dl.facts", "17 (moderately severe)")
	p.expectText("main .next h2", "Same-day safety task")
	pb.axe(p, "a scored PHQ-9 with a safety task")

	step("9. the safety task on the home page, resolved")
	p.click(`header nav a[href="/"]`)
	p.expectText("#tasks-h + ul", "Same-day safety task")
	p.expectText("#tasks-h + ul", "due today")
	pb.axe(p, "the home page with a safety task")
	p.click(`#tasks-h + ul a[href^="` + responsePath + `#task-"]`)
	var taskField string
	p.js(`(() => { const e = document.querySelector('textarea[name="action"]'); return e ? e.id : ''; })()`, &taskField)
	if taskField == "" {
		p.fatalf("the safety task's link leads to no form to close it")
	}
	p.fill(taskField, "Phoned the client at 11:00: no plan or intent; safety plan agreed and crisis line given.")
	p.click(`main form[action^="/safety-tasks/"] button[type=submit]`)
	p.expectFlash("")
	p.expectText("main .next", "Closed")
	pb.axe(p, "a PHQ-9 whose safety task is closed")
	p.click(`header nav a[href="/"]`)
	p.expectText("#tasks-h + p", "Nothing needs you today")

	step("10. the measures chart on the client's record")
	p.open(clientPath)
	var fig struct {
		Role, Title, Desc, LabelledBy, DescribedBy string
		Rows                                       int
	}
	p.js(`(() => { const s = document.querySelector('#measures figure.chart svg'); if (!s) return {};
	  const t = s.querySelector('title'), d = s.querySelector('desc');
	  const table = document.querySelector('#measures .table-wrap table');
	  return {role: s.getAttribute('role') || '', title: t ? t.textContent : '', desc: d ? d.textContent : '',
	    labelledBy: s.getAttribute('aria-labelledby') || '', describedBy: s.getAttribute('aria-describedby') || '',
	    rows: table ? table.tBodies[0].rows.length : 0}; })()`, &fig)
	if fig.Role != "img" || !strings.Contains(fig.Title, "PHQ-9") || fig.Desc == "" {
		p.fatalf("the client's record has no PHQ-9 chart with a title and a description: %+v", fig)
	}
	if fig.LabelledBy == "" || fig.DescribedBy == "" {
		p.fatalf("the chart is not named by its title and described by its description: %+v", fig)
	}
	if fig.Rows != 1 {
		p.fatalf("the table beside the chart has %d rows, want the one score", fig.Rows)
	}
	p.expectText("#measures .table-wrap table", "17")
	pb.axe(p, "a client's record with a chart")

	step("11. a SOAP note written, signed and amended")
	p.click(`#notes a[href^="/case-notes/"]`)
	p.expectText("h1", "Session notes of case")
	notesPath := p.path()
	pb.axe(p, "a case's session notes, none yet")
	p.tabTo("nf-date")
	p.keys(pa.now().UTC().Format("01022006")) // mm dd yyyy, the en-US order
	p.radio(`input[name="format"][value="soap"]`)
	for id, text := range soapNote {
		p.fill(id, text)
	}
	p.fill("nf-pli-information", "Erections come and go with anxiety; this is common with a new partner.")
	p.click(`form[action="` + notesPath + `"] button[type=submit]`)
	p.expectFlash("Saved the draft of the note of " + pa.now().UTC().Format("2006-01-02"))
	notePath := p.path()
	p.expectText("h1", "draft")
	pb.axe(p, "a draft progress note")
	p.radio(`input[name="confirm"]`)
	p.click(`form[action="` + notePath + `/sign"] button[type=submit]`)
	p.expectFlash("Signed the note")
	p.expectText("h1", "signed")
	p.expectText("main dl.facts", "locked")
	pb.axe(p, "a signed progress note")
	p.fill("am-reason", "The plan named the wrong week for the review.")
	p.fill("am-plan", "Sensate focus, stage one, twice before the next session; review in two weeks.")
	p.click(`form[action="` + notePath + `/amendments"] button[type=submit]`)
	p.expectFlash("Kept amendment 1")
	p.expectText("h1", "amended")
	p.expectText("#amendments-h + ol", "The plan named the wrong week for the review.")
	p.expectText("main", "review in two weeks")
	var original string
	p.js(`(() => { const d = Array.from(document.querySelectorAll('main details')).find(d => d.innerText.includes('as signed')); return d ? d.textContent : ''; })()`, &original)
	if !strings.Contains(original, soapNote["nf-plan"]) {
		p.fatalf("the amended note does not keep its plan as signed: %q", original)
	}
	pb.axe(p, "an amended progress note")
	step("done")
}

// soapNote is the progress note of the session, by field: the four
// sections of SOAP.
var soapNote = map[string]string{
	"nf-subjective": "Relieved to hear it is common; still worried before sex.",
	"nf-objective":  "Calm, engaged; PHQ-9 17 with item 9 at 1, followed up the same day.",
	"nf-assessment": "Situational, acquired erectile difficulty with performance anxiety.",
	"nf-plan":       "Sensate focus, stage one, twice before the next session; review next week.",
}

// phq9 are the client's answers to the PHQ-9's items: a total of 17
// (moderately severe), with 1 ("several days") on item 9, thoughts of
// being better off dead or of self-harm, which opens a same-day safety
// task whatever the total.
var phq9 = []int{2, 2, 3, 2, 2, 2, 2, 1, 1}

// historySteps are what the practitioner writes in each step of the
// sexual history, saved one step at a time: field id to value ("=name"
// for a radio button by name).
var historySteps = []map[string]string{
	{"h1-0": "erectile-disorder", "h1-0-d": "Loses the erection with a new partner, not alone."},
	{"h2-text": "Since a new relationship began last spring.", "h2-course": "Worse when tired; better on holiday.",
		"h2-context": "New partner; no medication; a demanding job.", "=step2.acquisition": "acquired", "=step2.generality": "situational"},
	{"h3-client": "Thinks it means something is wrong with the relationship.", "h3-options": "Information, then sensate focus; a GP check."},
	{"h4-sources": "Pressure to perform with someone new.", "h4-goals": "Enjoy sex without watching for the erection\nTalk with the partner about it",
		"h4-plan": "Two sessions of specific suggestions, then review."},
}

var (
	clientPage = regexp.MustCompile(`^/clients/[0-9]+$`)
	casePage   = regexp.MustCompile(`^/cases/[0-9]+$`)
)

// The client the practitioner registers.
const (
	clientName     = "Alex Rivera"
	clientDOB      = "1991-04-23"
	clientPronouns = "they/them"
	clientEmail    = "alex.rivera@example.org"
)

// keyboardClientForm fills the form of a new client with the keyboard
// alone: first with the date of birth left out and an address that is not
// one, which the practice refuses saying what to fix at each field, with
// the focus brought to the first field to fix; then right.
func keyboardClientForm(pb *practiceBrowser, p *person) {
	p.t.Helper()
	p.tabTo("name")
	p.keys(clientName)
	p.tabTo("pronouns")
	p.keys(clientPronouns)
	p.tabTo("email")
	p.keys("alex.rivera")
	p.enter()
	p.expectText("h1", "Register a client")
	for id, want := range map[string]string{"date_of_birth": "YYYY-MM-DD", "email": "e-mail address"} {
		var f struct {
			Invalid     string
			DescribedBy string
			Label       string
			Error       string
		}
		p.js(`(() => { const e = document.getElementById(`+quote(id)+`), err = document.getElementById(`+quote(id+"-error")+`);
		  return {invalid: e.getAttribute('aria-invalid') || '', describedBy: e.getAttribute('aria-describedby') || '',
		    label: e.labels.length ? e.labels[0].innerText : '', error: err ? err.innerText : ''}; })()`, &f)
		if f.Invalid != "true" || !strings.Contains(" "+f.DescribedBy+" ", " "+id+"-error ") || f.Label == "" {
			p.fatalf("#%s is refused without being marked so: %+v", id, f)
		}
		if !strings.Contains(f.Error, want) {
			p.fatalf("#%s says %q, not how to fix it (%q)", id, f.Error, want)
		}
	}
	if got := p.value("name"); got != clientName {
		p.fatalf("the form refused forgets the name typed: %q", got)
	}
	p.waitFocused("date_of_birth", "the form refused (the first field to fix)")
	pb.axe(p, "the form of a new client with errors")
	p.keys(strings.ReplaceAll(clientDOB[5:]+clientDOB[:4], "-", "")) // mm dd yyyy, the en-US order
	p.tabTo("email")                                                 // Tab selects what the field holds: typing replaces it
	p.keys(clientEmail)
	p.enter()
	p.expectFlash("Registered the client")
	p.expectText("h1", clientName)
}

// keyboardPracticeSignIn signs in to the practice with the keyboard alone:
// Tab through the sign-in page first (every control reached shows its
// focus), then the address typed into the field the page focuses, Tab,
// the password, Enter; on the second factor's page, Tab through it, then
// the code typed into the field it focuses, Enter. It ends on the home
// page, whose skip link and menu work with the keyboard. Every page
// passes axe.
func keyboardPracticeSignIn(pb *practiceBrowser, p *person, email, secret string) {
	p.t.Helper()
	p.open("/login")
	pb.axe(p, "the sign-in page")
	stops := tabThrough(p.t, p.ctx)
	requireStops(p.t, stops, `a "Skip to content"`, `a "Sign in"`, "#email", "#password", `button "Sign in"`, `a "Forgot your password?"`)

	p.open("/login")
	p.waitFocused("email", "the sign-in page, just opened")
	p.keys(email)
	p.keys("\t")
	if got := p.focused(); got != "password" {
		p.fatalf("Tab from the e-mail address goes to %q, not the password", got)
	}
	p.keys(pb.pa.password)
	p.enter()
	if got := p.path(); got != "/login/two-factor?next=%2F" && got != "/login/two-factor" {
		p.fatalf("after the password, the practice asks for no second factor: at %s", got)
	}
	p.expectText("h1", "Two-factor sign-in")
	pb.axe(p, "the second factor")
	stops = tabThrough(p.t, p.ctx)
	requireStops(p.t, stops, `a "Skip to content"`, "#code", `button "Continue"`, `a "Start again"`)

	// Tab went round the page: the code field is reached again by Tab,
	// as a keyboard user would, and the code typed there.
	p.tabTo("code")
	p.keys(pb.pa.totp(secret))
	p.enter()
	p.expectPath("/")
	p.expectText("header nav", "Sign out")
	pb.axe(p, "the home page")
	skipLinkWorks(p)
	stops = tabThrough(p.t, p.ctx)
	requireStops(p.t, stops, `a "Skip to content"`, `a "Home"`, `a "Clients"`, `a "Credentials"`, `a "Account"`, `button "Sign out"`)
}
