package e2e

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// queueRow is one application in the work queue as staff see it.
type queueRow struct {
	Name, State string
	Days        int
}

// queueRows reads the rows of the work queue shown.
func (p *person) queueRows() []queueRow {
	p.t.Helper()
	var raw [][]string
	p.js(`Array.from(document.querySelectorAll('main table tbody tr'), tr =>
	  [tr.cells[0].querySelector('a').innerText, tr.cells[2].innerText.trim(), tr.cells[5].innerText.trim()])`, &raw)
	var out []queueRow
	for _, r := range raw {
		days, err := strconv.Atoi(r[2])
		if err != nil {
			p.fatalf("the queue's row of %s waits %q days", r[0], r[2])
		}
		out = append(out, queueRow{Name: r[0], State: r[1], Days: days})
	}
	return out
}

// countRE reads the count a link of the queue's states ends with.
var countRE = regexp.MustCompile(`\((\d+)\)\s*$`)

// linkCount reads the count in the text of the link matching sel.
func (p *person) linkCount(sel string) int {
	p.t.Helper()
	m := countRE.FindStringSubmatch(p.text(sel))
	if m == nil {
		p.fatalf("%s shows no count: %q", sel, p.text(sel))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// headings lists the text of the headings of a level in main.
func (p *person) headings(level string) []string {
	p.t.Helper()
	return p.texts("main " + level)
}

// headingsInOrder fails unless the page's headings start at h1 and never
// skip a level going down (h1, h2, h3; not h1, h3), as axe's
// heading-order rule asks; it returns how many there are.
func (p *person) headingsInOrder(what string) int {
	p.t.Helper()
	var levels []int
	p.js(`Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), h => Number(h.tagName[1]))`, &levels)
	for i, l := range levels {
		if i == 0 && l != 1 || i > 0 && l > levels[i-1]+1 {
			p.fatalf("%s: the headings go %v: a level skipped", what, levels)
		}
	}
	return len(levels)
}

// TestUXQueueStaffQueue: on the demo board, staff sign in to their home
// page, which counts the applications waiting for them by state; the work
// queue opens on those applications, the longest waiting first, with the
// count of each state, and not on the decided ones, which are a link or
// the state filter (a plain GET form) away. The admin's home puts the
// admin's work first and the queue after, and the admin pages' headings
// go down one level at a time (axe's heading-order rule).
func TestUXQueueStaffQueue(t *testing.T) {
	t.Parallel()
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)

	staff := b.person("staff")
	staff.signInDemo(demoLogin(t, logins, "staff"))
	staff.expectPath("/")
	staff.expectText("h1", "Welcome, Sam Okafor")
	if got := staff.headings("h2"); !slices.Equal(got, []string{"Work queue"}) {
		staff.fatalf("the staff home's sections are %q, want the work queue", got)
	}
	homeCounts := map[string]int{}
	for _, st := range []string{"submitted", "under_review", "peer_review"} {
		homeCounts[st] = staff.linkCount(`main a[href="/queue?state=` + st + `"]`)
	}
	staff.axe("the staff home")

	staff.click(`main a[href="/queue"]`)
	staff.expectPath("/queue")
	rows := staff.queueRows()
	waiting := staff.linkCount(`nav.queue-states a[href="/queue"]`)
	if len(rows) == 0 || len(rows) != waiting {
		staff.fatalf("the queue opens on %d applications; its link counts %d waiting for the board", len(rows), waiting)
	}
	byState := map[string]int{}
	for i, r := range rows {
		if !slices.Contains([]string{"submitted", "under review", "peer review"}, r.State) {
			staff.fatalf("the queue opens on %s, %s: not waiting for the board", r.Name, r.State)
		}
		if i > 0 && r.Days > rows[i-1].Days {
			staff.fatalf("%s (%d days) comes after %s (%d days): not the longest waiting first", r.Name, r.Days, rows[i-1].Name, rows[i-1].Days)
		}
		byState[strings.ReplaceAll(r.State, " ", "_")]++
	}
	for st, n := range homeCounts {
		if byState[st] != n || staff.linkCount(`nav.queue-states a[href="/queue?state=`+st+`"]`) != n {
			staff.fatalf("%s: the home counts %d, the queue lists %d and its link counts %d", st, n, byState[st],
				staff.linkCount(`nav.queue-states a[href="/queue?state=`+st+`"]`))
		}
	}
	if strings.Contains(staff.mainText(), "Jordan Reyes") {
		staff.fatalf("the queue opens with Jordan's approved application")
	}
	staff.axe("the work queue")
	staff.atPhoneWidth(func() { staff.fitsPhone("the work queue") })

	// The decided ones, by a link with their count.
	closed := staff.linkCount(`nav.queue-states a[href="/queue?state=closed"]`)
	staff.click(`nav.queue-states a[href="/queue?state=closed"]`)
	rows = staff.queueRows()
	if len(rows) != closed || !slices.ContainsFunc(rows, func(r queueRow) bool { return r.Name == "Jordan Reyes" && r.State == "approved" }) {
		staff.fatalf("the decided applications (%d counted): %+v", closed, rows)
	}
	for _, r := range rows {
		if !slices.Contains([]string{"approved", "denied", "withdrawn"}, r.State) {
			staff.fatalf("%s, %s, is among the decided", r.Name, r.State)
		}
	}
	staff.expectText(`nav.queue-states a[aria-current="page"]`, "Decided or withdrawn")
	// One state, by the form.
	staff.choose("f-state", "denied")
	staff.click(`form[action="/queue"] button[type=submit]`)
	staff.expectPath("/queue?state=denied&set=&age=")
	rows = staff.queueRows()
	if len(rows) != 1 || rows[0].Name != "Drew Santos" || rows[0].State != "denied" {
		staff.fatalf("the denied applications: %+v", rows)
	}
	staff.axe("the work queue, one state")
	// The brand goes home.
	staff.click(`header a.brand`)
	staff.expectPath("/")
	staff.expectText("main h2", "Work queue")

	admin := b.person("admin")
	admin.signInDemo(demoLogin(t, logins, "admin"))
	admin.expectPath("/")
	if got := admin.headings("h2"); !slices.Equal(got, []string{"Administration", "Work queue"}) {
		admin.fatalf("the admin's home shows %q, want the admin's work, then the queue", got)
	}
	admin.axe("the admin's home")
	admin.headingsInOrder("the admin's home")
	admin.click(`main a[href="/admin"]`)
	admin.expectPath("/admin")
	if n := admin.headingsInOrder("/admin"); n < 2 {
		admin.fatalf("/admin has %d headings", n)
	}
	admin.axe("the admin pages' home")
}

// TestUXQueueRoleHomes: on the demo board, reviewers, supervisors,
// regulators and CE providers each land, after signing in, on a home page
// of their work with what waits for them counted and linked; an applicant
// lands on their applications, where, once approved, their credential and
// its certificate are linked, and the approved application's page leads
// to both.
func TestUXQueueRoleHomes(t *testing.T) {
	t.Parallel()
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)

	for _, tc := range []struct {
		local, h2, text, link string
	}{
		// Tomás has not voted on Riley's application yet.
		{"tomas.silva", "Peer reviews", "1 application waits for your vote", `main li a[href^="/reviews/"]`},
		{"lee.park", "Supervision", "wait for your confirmation", `main li a[href^="/supervision/"]`},
		{"regulator", "Title checks", "The registry lists", `main a[href="/title-check"]`},
		{"provider", "CE reports", "The board's approval is in force.", `main a[href="/provider"]`},
	} {
		p := b.person(tc.local)
		p.signInDemo(demoLogin(t, logins, tc.local))
		p.expectPath("/")
		if got := p.headings("h2"); !slices.Equal(got, []string{tc.h2}) {
			p.fatalf("the home shows %q, want %s", got, tc.h2)
		}
		p.expectText("main", tc.text)
		p.headingsInOrder("the home of " + tc.local)
		p.axe("the home of " + tc.local)
		p.atPhoneWidth(func() { p.fitsPhone("the home of " + tc.local) })
		var href string
		p.js(`document.querySelector(`+quote(tc.link)+`).getAttribute('href')`, &href)
		p.click(tc.link)
		p.expectPath(href)
	}

	holder := b.person("holder")
	holder.signInDemo(demoLogin(t, logins, "jordan"))
	holder.expectPath("/applications")
	cert := `main a[href^="/credentials/"][href$="/certificate.pdf"]`
	if !holder.has(cert) {
		holder.fatalf("the holder's applications link no certificate")
	}
	holder.click(`main table a[href^="/applications/"]`)
	holder.expectText("#credential-h", "Your credential")
	var credential, pdf string
	holder.js(`document.querySelector('#credential-h ~ p a[href^="/credentials/"]:not([href$=".pdf"])').getAttribute('href')`, &credential)
	holder.js(`document.querySelector('#credential-h ~ p a[href$="/certificate.pdf"]').getAttribute('href')`, &pdf)
	if pdf != credential+"/certificate.pdf" {
		holder.fatalf("the approved application links the credential %q and the certificate %q", credential, pdf)
	}
	holder.axe("an approved application")
	if got := holder.fetchWithCookies(pdf); got.Status != 200 || got.ContentType != "application/pdf" {
		holder.fatalf("the certificate: %d %s", got.Status, got.ContentType)
	}
	holder.click(`#credential-h ~ p a[href="` + credential + `"]`)
	holder.expectPath(credential)
}
