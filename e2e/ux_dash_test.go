package e2e

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// glance is what the dashboard's progress at a glance shows, read in the
// browser.
type glance struct {
	Summary   string
	Checklist []struct{ Title, Href, State string }
	// Cards counts the report's requirement cards, which the checklist's
	// links lead to; Missing lists links that lead nowhere.
	Cards    int
	Missing  []string
	Icons    int      // checklist icons, each hidden from screen readers
	Glyphs   []string // what each icon draws
	Pools    []glancePool
	Areas    []struct{ Text, State string }
	Caption  string // the supervision series' caption
	August   []string
	Limit    string // the eLearning cap's words
	Meter    string // its meter's accessible value
	Fenced   bool   // its drawing fences off what lies past the limit
	CapBars  []string
	Unnamed  []string // bars, meters and charts without a name
	Overflow int      // how far the summary is wider than its box
}

// glancePool is a pool's bar: the words it is labelled by, its maximum.
type glancePool struct {
	Label string
	Max   float64
}

// readGlance reads the summary of the page shown.
func (p *person) readGlance() glance {
	p.t.Helper()
	var g glance
	p.js(`(() => {
	  const q = (s, r = document) => Array.from(r.querySelectorAll(s));
	  const text = e => e ? e.textContent.trim().replace(/\s+/g, ' ') : '';
	  const named = e => { const id = e.getAttribute('aria-labelledby'); return id && text(document.getElementById(id)) !== ''; };
	  const sec = document.querySelector('section.glance');
	  if (!sec) return {};
	  const cl = q('.checklist li', sec);
	  const limit = document.getElementById('glance-core-knowledge-l0');
	  const meter = limit && document.querySelector('[role=meter][aria-labelledby="glance-core-knowledge-l0"]');
	  const beyond = meter && meter.querySelector('rect.limit-beyond');
	  const aug = q('.glance-months tbody tr', sec).find(tr => text(tr.cells[0]) === 'August 2024');
	  return {
	    Summary: text(sec.querySelector('h2 + p')),
	    Checklist: cl.map(li => ({Title: text(li.querySelector('a')), Href: li.querySelector('a').getAttribute('href'), State: text(li.querySelector('.badge'))})),
	    Cards: q('.report article.card').length,
	    Missing: cl.map(li => li.querySelector('a').getAttribute('href')).filter(h => !document.getElementById(h.slice(1))),
	    Icons: cl.filter(li => li.querySelector('.icon[aria-hidden=true]')).length,
	    Glyphs: cl.map(li => getComputedStyle(li.querySelector('.icon'), '::before').content),
	    Pools: q('.pool > progress', sec).map(e => ({Label: text(document.getElementById(e.getAttribute('aria-labelledby'))), Max: e.max})),
	    Areas: q('.glance-areas .areas li', sec).map(li => ({Text: text(li.querySelector('span[id]')), State: text(li.querySelector('.badge'))})),
	    Caption: text(document.getElementById('glance-s-supervision')),
	    August: aug ? Array.from(aug.cells).map(c => c.textContent.trim()) : [],
	    Limit: text(limit),
	    Meter: meter ? meter.getAttribute('aria-valuetext') : '',
	    Fenced: !!(beyond && /url\(#glance-core-knowledge-l0-fence\)/.test(beyond.getAttribute('fill')) && meter.querySelector('rect.limit-mark')),
	    CapBars: q('progress').map(e => text(document.getElementById(e.getAttribute('aria-labelledby')))).filter(t => /eLearning|Telehealth|Group supervision|Didactic training/.test(t)),
	    Unnamed: q('progress, [role=meter], svg[role=img]').filter(e => !named(e)).map(e => e.outerHTML.slice(0, 80)),
	    Overflow: sec.scrollWidth - sec.clientWidth,
	  };
	})()`, &g)
	return g
}

// TestUXDashboardProgress signs in as the demo's part-way applicant and
// checks the progress at a glance on their dashboard: a checklist of every
// requirement with an icon and words, linked to its card in the report;
// each pool's hours against its total on a labelled bar; the 15 AASECT core
// areas with their hours against the 3-hour minimum; the supervision and
// clinical hours by month with August 2024, a month without supervision,
// marked as a gap in words and in the table; and the eLearning cap shown
// as a limit (a meter with a marker and a fenced-off part, never a progress
// bar, here or in the report's cards). The page is served whole (nothing
// needs JavaScript), fits a phone and passes axe.
func TestUXDashboardProgress(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	p := b.person("Jamie, applicant with a draft")
	p.signInDemo(demoLogin(t, logins, "jamie"))
	p.open("/applications")
	var dash string
	p.js(`(() => { const a = document.querySelector('main a[href^="/applications/"]'); return a ? a.getAttribute('href') : ''; })()`, &dash)
	if dash == "" {
		p.fatalf("Jamie's applications link no dashboard")
	}
	p.open(dash)
	g := p.readGlance()

	// The checklist: every requirement, its status in words, a link to its card.
	if len(g.Checklist) == 0 || len(g.Checklist) != g.Cards || g.Icons != len(g.Checklist) || len(g.Missing) > 0 {
		p.fatalf("the checklist has %d items with %d icons for %d requirement cards; links to nothing: %v", len(g.Checklist), g.Icons, g.Cards, g.Missing)
	}
	states := map[string]int{}
	glyphs := map[string]string{"Met": `"✓"`, "Pending verification": `"◐"`, "Not met": `"✗"`, "Does not apply": `"–"`}
	for i, c := range g.Checklist {
		states[c.State]++
		if glyphs[c.State] == "" || g.Glyphs[i] != glyphs[c.State] {
			t.Errorf("checklist item %q says %q with the icon %s", c.Title, c.State, g.Glyphs[i])
		}
	}
	if states["Pending verification"] == 0 || states["Not met"] == 0 || !strings.Contains(g.Summary, "pending verification") {
		t.Errorf("a draft with claimed evidence should show pending and unmet requirements: %v, %q", states, g.Summary)
	}

	// Hours per pool against their totals.
	var pools []string
	for _, pl := range g.Pools {
		pools = append(pools, pl.Label)
	}
	for _, want := range []struct {
		name  string
		total float64
	}{{"Core knowledge education", 90}, {"Supervised clinical sex therapy", 300}, {"Supervision by an AASECT Certified Supervisor", 50}} {
		if !slices.ContainsFunc(g.Pools, func(pl glancePool) bool {
			return strings.HasPrefix(pl.Label, want.name+": ") && pl.Max == want.total &&
				strings.Contains(pl.Label, " of "+strconv.FormatFloat(want.total, 'f', -1, 64)+" hours")
		}) {
			t.Errorf("no bar of %s against its %v hours: %q", want.name, want.total, pools)
		}
	}

	// The 15 core areas, each against its minimum; area f has no hours.
	if len(g.Areas) != 15 {
		p.fatalf("the area grid has %d areas, want AASECT's 15: %v", len(g.Areas), g.Areas)
	}
	for i, ar := range g.Areas {
		if code := string(rune('a' + i)); !strings.HasPrefix(ar.Text, code+". ") || !strings.Contains(ar.Text, "minimum 3") {
			t.Errorf("area %d reads %q, want area %s against its minimum of 3", i+1, ar.Text, code)
		}
	}
	if f := g.Areas[5]; !strings.Contains(f.Text, "Diversities in sexual expression") || f.State != "✗ Short by 3" {
		t.Errorf("area f: %+v, want short by 3", f)
	}

	// The months, with August 2024 a gap in supervision.
	if !strings.Contains(g.Caption, "A gap: no hours in August 2024") {
		t.Errorf("the supervision timeline says %q, want a gap in August 2024", g.Caption)
	}
	if len(g.August) != 3 || !strings.Contains(g.August[1], "none (a gap)") || strings.Contains(g.August[2], "gap") {
		t.Errorf("the table's row for August 2024 is %q, want a gap in supervision and clinical hours", g.August)
	}

	// The eLearning cap is a limit, not a progress bar.
	if !strings.Contains(g.Limit, "Limit") || !strings.Contains(g.Limit, "eLearning: ") || !strings.Contains(g.Limit, "of at most 75 hours used") ||
		!strings.HasSuffix(g.Meter, "of at most 75 hours") || !g.Fenced {
		t.Errorf("the eLearning cap reads %q (meter %q, fenced %v), want a limit of at most 75 hours drawn as one", g.Limit, g.Meter, g.Fenced)
	}
	if len(g.CapBars) > 0 {
		t.Errorf("caps drawn as progress bars: %q", g.CapBars)
	}
	if len(g.Unnamed) > 0 {
		t.Errorf("bars, meters or charts without a name: %q", g.Unnamed)
	}

	// The server sends it all: nothing waits for a script.
	page := string(p.fetchWithCookies(dash).Body)
	for _, want := range []string{"Progress at a glance", "A gap: no hours in August 2024", "<table>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page as served lacks %q", want)
		}
	}

	// With the table open: axe at both widths, and no sideways scrolling
	// on a phone.
	p.js(`(() => { document.querySelectorAll('section.glance details').forEach(d => d.open = true); return true; })()`, nil)
	p.atPhoneWidth(func() {
		p.fitsPhone("the dashboard with its progress at a glance")
		if g := p.readGlance(); g.Overflow > 0 {
			t.Errorf("on a phone the progress at a glance is %d px wider than its box", g.Overflow)
		}
	})
	p.axe("the dashboard with its progress at a glance")
}
