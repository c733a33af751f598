package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestPracticeDemoPages checks the demo practice's fullest pages with
// axe-core, at a desktop's and a phone's width, as its people see them:
// pages whose data the flows of the other tests do not reach in a minute
// of browsing. Jordan, certified by the demo board, reads Sofia's record
// (six months of PHQ-9, GAD-7 and AUDIT-C charted), her case in Intensive
// Therapy, its treatment plan, sexual history, measures and notes; Lena,
// without a credential, has a same-day safety task on her home page and a
// case referred on; Dr. Holt, whose credential the board suspended, sees
// it on her credentials page; the admin sees the case flagged for review
// on the scope page.
func TestPracticeDemoPages(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	start := time.Now()
	step := func(name string) { t.Logf("%6.1fs %s", time.Since(start).Seconds(), name) }
	pa := startDemoPractice(t)
	pb := newPracticeBrowser(t, pa)
	step("the demo board and practice seeded")

	jordan := pb.person("Jordan")
	pb.signIn(jordan, pa.login("jordan"))
	jordan.click(`#clients-h + ul a` + linkText(jordan, "#clients-h + ul a", "Sofia Alvarez"))
	jordan.expectText("h1", "Sofia Alvarez")
	if n := len(jordan.texts("#measures figure.chart")); n != 3 {
		jordan.fatalf("Sofia's record charts %d instruments, want PHQ-9, GAD-7 and AUDIT-C", n)
	}
	pb.axe(jordan, "a client's record with six months of measures")
	pb.shot(jordan, "practice-client-record.png", "#measures", 1500)
	jordan.click(`#cases a[href^="/cases/"]`)
	jordan.expectText("main dl.facts", "Intensive Therapy (IT)")
	casePath := jordan.path()
	pb.axe(jordan, "a case in Intensive Therapy")
	for _, pg := range []struct{ path, h1, name string }{
		{casePath + "/plan", "Treatment plan", "a treatment plan"},
		{casePath + "/history", "Sexual history", "a complete sexual history"},
		{casePath + "/measures", "", "a case's measures over six months"},
		{"/case-notes/" + strings.TrimPrefix(casePath, "/cases/"), "Session notes", "a case's session notes"},
	} {
		jordan.click(`main dl.facts a[href="` + pg.path + `"]`)
		jordan.expectText("h1", pg.h1)
		pb.axe(jordan, pg.name)
		if strings.HasSuffix(pg.path, "/plan") {
			jordan.expectText("#g0-text", "")
			pb.shot(jordan, "practice-treatment-plan.png", "", 1800)
		}
		jordan.open(casePath)
	}
	step("Jordan")

	lena := pb.person("Lena")
	pb.signIn(lena, pa.login("lena.fischer"))
	lena.expectText("#tasks-h + ul", "Same-day safety task")
	pb.shot(lena, "practice-home-safety-task.png", "", 0)
	lena.click(`#clients-h + ul a` + linkText(lena, "#clients-h + ul a", "Theo Marshall"))
	pb.axe(lena, "a client's record with a safety task")
	lena.click(`#cases a[href^="/cases/"]`)
	lena.expectText("#referrals", "Jordan Reyes")
	pb.axe(lena, "a case referred on")
	step("Lena")

	holt := pb.person("Dr. Holt")
	pb.signIn(holt, pa.login("maren.holt"))
	holt.click(`header nav a[href="/credentials"]`)
	holt.expectText("main", "suspended")
	pb.axe(holt, "the credentials of a practitioner whose CST is suspended")
	step("Dr. Holt")

	admin := pb.person("admin")
	pb.signIn(admin, pa.login("ines.okoro"))
	admin.click(`header nav a[href="/admin/scope"]`)
	admin.expectText("main", "Cases to review")
	admin.expectText("main", "of Dr. Maren Holt")
	pb.axe(admin, "the scope of practice with a case flagged")
	admin.click(`header nav a[href="/people"]`)
	pb.axe(admin, "the demo practice's people")
	step("admin")
}

// linkText is a CSS suffix (:nth-of-type is no use across list items, so
// an attribute selector on the href) that picks, among the links matching
// sel, the one whose text contains text.
func linkText(p *person, sel, text string) string {
	p.t.Helper()
	var href string
	p.js(`(() => { const a = Array.from(document.querySelectorAll(`+quote(sel)+`)).find(a => a.innerText.includes(`+quote(text)+`));
	  return a ? a.getAttribute('href') : ''; })()`, &href)
	if href == "" {
		p.fatalf("no link %s reads %q", sel, text)
	}
	return `[href="` + href + `"]`
}
