package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
)

// TestUXEvidenceListPages gives the demo's part-way applicant 120
// education activities (imported through the page, as a file) and checks
// that the dashboard shows the list's count by state and its last 10
// items with a link to the list's own page, and that the page lists the
// items 50 at a time, with labelled links to the previous and next pages
// reached with the keyboard; nothing needs JavaScript, and the page fits a
// phone and passes axe.
func TestUXEvidenceListPages(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	p := b.person("Jamie, applicant with a long history")
	p.signInDemo(demoLogin(t, logins, "jamie"))
	p.open("/applications")
	var dash string
	p.js(`(() => { const a = document.querySelector('main a[href^="/applications/"]'); return a ? a.getAttribute('href') : ''; })()`, &dash)
	if dash == "" {
		p.fatalf("Jamie's applications link no dashboard")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/applications/"), 10, 64)
	if err != nil {
		p.fatalf("dashboard link %q", dash)
	}

	// A long history: Jamie's own portfolio with the education repeated to
	// 120 activities, imported as a file.
	live := livePortfolio(t, a, id)
	if len(live.Education) == 0 {
		p.fatalf("Jamie has no education to repeat")
	}
	for i := len(live.Education); i < 120; i++ {
		act := live.Education[i%len(live.Education)]
		act.ID = fmt.Sprintf("edu-long-%d", i)
		live.Education = append(live.Education, act)
	}
	data, err := portfolio.Encode(live)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "long.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	p.open(dash + "/import")
	p.upload("file", file)
	p.click(`form[action="` + dash + `/import"] button[type=submit]`)
	p.expectPath(dash)
	p.expectFlash("Portfolio imported")
	live = livePortfolio(t, a, id)
	rowOf := func(i int) string {
		return `a[href="` + dash + `/evidence/education/` + live.Education[i].ID + `/edit"]`
	}

	// The dashboard: the count, the last 10, a link to them all.
	p.expectText("#education", "(120)")
	rows := func() int {
		var n int
		p.js(`document.querySelectorAll('section[aria-labelledby="education"] tbody tr, section[aria-labelledby="list-h"] tbody tr').length`, &n)
		return n
	}
	if n := rows(); n != 10 {
		t.Errorf("the dashboard shows %d education rows, want the last 10", n)
	}
	if !p.has(rowOf(119)) || p.has(rowOf(109)) {
		t.Error("the dashboard's rows are not the last 10 activities")
	}
	p.expectText(`section[aria-labelledby="education"]`, "120 in all (120 claimed); the last 10 are shown.")
	all := `a[href="` + dash + `/evidence/education"]`
	p.tabToMatch(all)
	p.pressFor("\r")
	p.expectPath(dash + "/evidence/education")
	p.expectText("h1", fmt.Sprintf("Education and training of application %d, page 1 of 3", id))
	if n := rows(); n != 50 || !p.has(rowOf(0)) || !p.has(rowOf(49)) || p.has(rowOf(50)) {
		t.Errorf("page 1 shows %d rows, want activities 1 to 50", n)
	}
	if got := p.text(`nav[aria-label="Pages of Education and training"]`); !strings.Contains(got, "Page 1 of 3") || p.has(`nav a[rel=prev]`) {
		t.Errorf("page 1's pager reads %q, or offers a previous page", got)
	}

	// The next page, by keyboard.
	p.tabToMatch(`nav a[rel=next]`)
	p.pressFor("\r")
	if got := p.path(); got != dash+"/evidence/education?page=2" {
		t.Errorf("the next page is at %q", got)
	}
	p.expectText("h1", "page 2 of 3")
	if n := rows(); n != 50 || !p.has(rowOf(50)) || !p.has(rowOf(99)) {
		t.Errorf("page 2 shows %d rows, want activities 51 to 100", n)
	}
	if !p.has(`nav a[rel=prev]`) || !p.has(`nav a[rel=next]`) {
		t.Error("page 2 offers no previous or next page")
	}
	p.atPhoneWidth(func() { p.fitsPhone("a page of a long evidence list") })
	p.axe("a page of a long evidence list")

	// Served whole: the rows and the pager need no script.
	page := string(p.fetchWithCookies(dash + "/evidence/education?page=3").Body)
	if strings.Count(page, "<tr>") != 21 || !strings.Contains(page, `rel="prev"`) || strings.Contains(page, `rel="next"`) {
		t.Errorf("page 3 as served is not the last 20 activities with a link back:\n%.2000s", page)
	}
}
