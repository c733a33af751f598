package web

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/examples"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// TestProgressChecklist checks that every requirement is in the checklist,
// in the report's order, with an icon and words for its status, and that
// the summary counts them with the right plurals.
func TestProgressChecklist(t *testing.T) {
	rep := &eligibility.Report{Results: []eligibility.Result{
		{ID: "degree", Title: "Degree", Status: eligibility.Met},
		{ID: "hours", Title: "Hours", Status: eligibility.Pending},
		{ID: "exam", Title: "Exam", Status: eligibility.Unmet},
		{ID: "oath", Title: "Oath", Status: eligibility.NotApplicable},
	}}
	v := progressOf(rep, nil, nil)
	want := []checkItem{
		{"degree", "Degree", statusMark{"s-met", "✓", "Met"}},
		{"hours", "Hours", statusMark{"s-pending", "◐", "Pending verification"}},
		{"exam", "Exam", statusMark{"s-unmet", "✗", "Not met"}},
		{"oath", "Oath", statusMark{"s-not_applicable", "–", "Does not apply"}},
	}
	if !slices.Equal(v.Checklist, want) {
		t.Errorf("checklist:\n got %+v\nwant %+v", v.Checklist, want)
	}
	if want := "1 of 4 requirements met, 1 pending verification, 1 not met and 1 does not apply."; v.Summary != want {
		t.Errorf("summary %q, want %q", v.Summary, want)
	}
	one := progressOf(&eligibility.Report{Results: rep.Results[:1]}, nil, nil)
	if want := "1 of 1 requirement met."; one.Summary != want {
		t.Errorf("summary %q, want %q", one.Summary, want)
	}
	if v.Pools != nil || v.Grids != nil || v.Timeline.Series != nil {
		t.Errorf("a report without hours gives pools, grids or a timeline: %+v", v)
	}
}

// TestProgressPools checks an hours requirement's pool: counted against
// the total, the verified part from the evidence, its minimums and its caps
// told apart (a monthly cap known from the set), each cap as a limit.
func TestProgressPools(t *testing.T) {
	set := &requirements.Set{Requirements: []*requirements.Requirement{{ID: "sup", Kind: requirements.KindHours,
		Minimums: []requirements.Bucket{{Title: "Individual supervision", Min: 12}},
		Caps:     []requirements.Cap{{Title: "Group supervision", Share: 0.5}, {Title: "Per month", Max: 6, Per: requirements.CapPerMonth}}}}}
	rep := &eligibility.Report{Results: []eligibility.Result{{ID: "sup", Title: "Supervision", Kind: requirements.KindHours, Status: eligibility.Unmet,
		Progress: []eligibility.Progress{
			{Label: "Supervision", Value: 30, Target: 50, Unit: "hours"},
			{Label: "Group supervision", Value: 32, Limit: 25, Unit: "hours", Text: "the report's own words"},
			{Label: "Per month", Value: 4, Limit: 6, Unit: "hours"},
			{Label: "Individual supervision", Value: 5, Target: 12, Unit: "hours"},
		},
		Evidence: []eligibility.Use{{ID: "a", Amount: 20, State: "verified"}, {ID: "b", Amount: 10, State: "claimed"}}}}}
	v := progressOf(rep, set, nil)
	if len(v.Pools) != 1 {
		t.Fatalf("pools: %+v", v.Pools)
	}
	p := v.Pools[0]
	if p.Counted != 30 || p.Total != 50 || p.Verified != 20 || p.Awaiting() != 10 || p.Unit != "hours" || p.Mark.Text != "Not met" {
		t.Errorf("pool %+v (awaiting %v)", p, p.Awaiting())
	}
	if want := []minimumView{{"Individual supervision", 5, 12}}; !slices.Equal(p.Minimums, want) || p.Minimums[0].Met() {
		t.Errorf("minimums %+v, want %+v, not met", p.Minimums, want)
	}
	if len(p.Limits) != 2 {
		t.Fatalf("limits: %+v", p.Limits)
	}
	group, month := p.Limits[0], p.Limits[1]
	if group.Monthly || group.Used() != 25 || group.Over() != 7 || group.ID != "glance-sup-l0" {
		t.Errorf("group cap %+v: used %v, over %v", group, group.Used(), group.Over())
	}
	if want := "Group supervision: 25 of at most 25 hours used; 7 more do not count"; group.Words() != want {
		t.Errorf("group cap says %q, want %q", group.Words(), want)
	}
	if !month.Monthly || month.Over() != 0 {
		t.Errorf("monthly cap %+v", month)
	}
	if want := "Per month: at most 6 hours a month count; the most in one month is 4"; month.Words() != want {
		t.Errorf("monthly cap says %q, want %q", month.Words(), want)
	}
	// The pools are headed by their unit.
	for _, c := range []struct {
		units []string
		want  string
	}{{[]string{"hours"}, "Hours"}, {[]string{"credits", "credits"}, "Credits"}, {[]string{"hours", "credits"}, "Totals"}, {nil, ""}} {
		var pools []poolView
		for _, u := range c.units {
			pools = append(pools, poolView{Unit: u})
		}
		if got := poolsTitle(pools); got != c.want {
			t.Errorf("pools in %v are headed %q, want %q", c.units, got, c.want)
		}
	}
	if v.PoolsTitle != "Hours" {
		t.Errorf("the pools are headed %q", v.PoolsTitle)
	}
}

// TestLimitDrawing checks where a limit's marker, what counts and what is
// over it fall on the drawing: the scale leaves room after the limit, or
// stretches to what is offered when that is more.
func TestLimitDrawing(t *testing.T) {
	for _, c := range []struct {
		offered, limit                float64
		limitX, usedW, beyondW, overW float64
		words                         string
	}{
		{40, 75, 80, 42.67, 20, 0, "eLearning: 40 of at most 75 hours used"},
		{0, 5, 80, 0, 20, 0, "eLearning: 0 of at most 5 hours used"},
		{100, 75, 75, 75, 25, 25, "eLearning: 75 of at most 75 hours used; 25 more do not count"},
		{90, 75, 80, 80, 20, 16, "eLearning: 75 of at most 75 hours used; 15 more do not count"},
	} {
		l := limitView{Title: "eLearning", Offered: c.offered, Limit: c.limit, Unit: "hours"}
		if l.LimitX() != c.limitX || l.UsedW() != c.usedW || l.BeyondW() != c.beyondW || l.OverW() != c.overW || l.Words() != c.words {
			t.Errorf("%v of at most %v: limit at %v, used %v, beyond %v, over %v, %q; want %v, %v, %v, %v, %q", c.offered, c.limit,
				l.LimitX(), l.UsedW(), l.BeyondW(), l.OverW(), l.Words(), c.limitX, c.usedW, c.beyondW, c.overW, c.words)
		}
	}
	if l := limitOf(eligibility.Progress{Label: "x", Value: 1, Limit: 2, Text: "as the report says"}, "id"); l.Words() != "as the report says" || l.ID != "id" {
		t.Errorf("a report's cap keeps the report's words: %+v", l)
	}
}

// cstPortfolio is the eligible CST example, cut to its first year as the
// demo's draft is, its evidence verified unless claimed.
func cstPortfolio(t *testing.T, claimed bool) *portfolio.Portfolio {
	t.Helper()
	raw, err := examples.Portfolio("cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	p.Education = p.Education[:len(p.Education)/2]
	p.Sessions = p.Sessions[:len(p.Sessions)/3]
	p.ClinicalHours = p.ClinicalHours[:len(p.ClinicalHours)/3]
	if claimed {
		for _, e := range p.Education {
			_ = portfolio.SetVerification(p, e.ID, portfolio.Verification{})
		}
	}
	return p
}

// shippedSet is a requirement set certboard ships.
func shippedSet(t *testing.T, id string) *requirements.Set {
	t.Helper()
	cat, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := cat.Latest(id)
	if set == nil {
		t.Fatalf("no set %s", id)
	}
	return set
}

// TestProgressAreaGrid judges a part-way CST portfolio and checks the grid
// of the 15 AASECT core knowledge areas: each area in order with its hours
// against its minimum, the one with no hours short, and areas met only by
// claimed education marked so.
func TestProgressAreaGrid(t *testing.T) {
	set := shippedSet(t, "aasect-cst")
	asOf := date.MustParse("2026-12-07")
	rep := eligibility.Evaluate(cstPortfolio(t, false), set, asOf)
	v := progressOf(rep, set, nil)
	if len(v.Grids) != 1 {
		t.Fatalf("grids: %+v", v.Grids)
	}
	g := v.Grids[0]
	var codes []string
	for _, a := range g.Areas {
		codes = append(codes, a.Code)
	}
	if want := strings.Split("abcdefghijklmno", ""); !slices.Equal(codes, want) || g.Needed != 15 || g.Some || g.ID != "core-knowledge" {
		t.Fatalf("grid %+v: areas %v", g, codes)
	}
	f := g.Areas[5]
	if f.Name != "Diversities in sexual expression and lifestyles" || f.Counted != 0 || f.Target != 3 || f.Mark.Text != "Short by 3" || f.Short() != 3 {
		t.Errorf("area f: %+v", f)
	}
	if a := g.Areas[0]; a.Counted < 3 || a.Mark.Text != "Met" || a.Verified != a.Counted {
		t.Errorf("area a (verified ethics CE): %+v", a)
	}
	if g.Reached != 14 {
		t.Errorf("%d areas reached, want 14", g.Reached)
	}

	claimed := eligibility.Evaluate(cstPortfolio(t, true), set, asOf)
	g = progressOf(claimed, set, nil).Grids[0]
	if a := g.Areas[0]; a.Verified != 0 || a.Mark.Text != "Met once verified" || a.Mark.Icon == "" {
		t.Errorf("area a on claimed education: %+v", a)
	}

	// Pools: every hours requirement, with the eLearning cap as a limit.
	var pools []string
	for _, p := range progressOf(rep, set, nil).Pools {
		pools = append(pools, p.ID)
	}
	if want := []string{"core-knowledge", "training", "sar", "clinical", "supervision"}; !slices.Equal(pools, want) {
		t.Errorf("pools %v, want %v", pools, want)
	}
	ck := progressOf(rep, set, nil).Pools[0]
	if len(ck.Limits) != 1 || ck.Limits[0].Title != "eLearning" || ck.Limits[0].Limit != 75 || ck.Limits[0].Text != "" {
		t.Errorf("core knowledge limits: %+v", ck.Limits)
	}
}

// TestProgressAreaGridSomeAreas checks a set that asks for some of its
// areas (Florida: 12 areas at 10 hours each): the grid says how many are
// needed.
func TestProgressAreaGridSomeAreas(t *testing.T) {
	set := shippedSet(t, "florida-sex-therapist")
	raw, err := examples.Portfolio("florida-eligible-not-aasect.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	v := progressOf(eligibility.Evaluate(p, set, date.MustParse("2026-12-07")), set, p)
	if len(v.Grids) != 1 {
		t.Fatalf("grids: %+v", v.Grids)
	}
	g := v.Grids[0]
	if !g.Some || g.Needed != 12 || len(g.Areas) < 12 || g.Reached < 12 {
		t.Errorf("grid: some %v, needed %d, %d areas, %d reached", g.Some, g.Needed, len(g.Areas), g.Reached)
	}
	for _, a := range g.Areas {
		if a.Target != 10 {
			t.Errorf("area %s: minimum %v, want 10 (hours each)", a.Code, a.Target)
		}
	}
}

// TestProgressTimeline checks the hours by month: sessions by their date,
// clinical hours logged over a period spread over its days, rejected items
// and months after the report's left out, and the gaps (months with none
// between a series' first and last) marked and listed.
func TestProgressTimeline(t *testing.T) {
	d := date.MustParse
	rejected := portfolio.Verification{State: portfolio.Rejected}
	p := &portfolio.Portfolio{
		Sessions: []portfolio.Session{
			{ID: "s1", Date: d("2024-01-10"), Hours: 1},
			{ID: "s2", Date: d("2024-01-24"), Hours: 1.5},
			{ID: "s3", Date: d("2024-03-05"), Hours: 2, Verification: rejected},
			{ID: "s4", Date: d("2024-05-02"), Hours: 1},
			{ID: "s5", Date: d("2024-08-02"), Hours: 1},
			{ID: "s6", Date: d("2025-02-02"), Hours: 3}, // after the report's month
		},
		ClinicalHours: []portfolio.ClinicalHours{
			{ID: "c1", From: d("2024-01-15"), To: d("2024-02-14"), Hours: 31},
			{ID: "c2", Date: d("2024-02-20"), Hours: 4},
		},
	}
	v := timelineOf(p, d("2024-10-01"))
	if v.From != "January 2024" || v.To != "August 2024" || v.Since != "August 2024" || v.Cut != 0 || len(v.Rows) != 8 {
		t.Fatalf("timeline %s to %s, since %q, cut %d, %d rows", v.From, v.To, v.Since, v.Cut, len(v.Rows))
	}
	if len(v.Series) != 2 {
		t.Fatalf("series: %+v", v.Series)
	}
	sup, clin := v.Series[0], v.Series[1]
	if sup.Name != "Supervision received" || sup.Total != 4.5 || sup.Active != 3 || sup.From != "January 2024" || sup.To != "August 2024" {
		t.Errorf("supervision: %+v", sup)
	}
	if want := []string{"February to April 2024", "June to July 2024"}; !slices.Equal(sup.Gaps, want) || sup.GapMonths != 5 {
		t.Errorf("supervision gaps %v (%d months), want %v", sup.Gaps, sup.GapMonths, want)
	}
	if want := "February to April 2024 and June to July 2024"; sup.GapText() != want {
		t.Errorf("gap text %q, want %q", sup.GapText(), want)
	}
	if clin.Total != 35 || clin.Active != 2 || clin.Gaps != nil || clin.To != "February 2024" {
		t.Errorf("clinical: %+v", clin)
	}
	// 17 of the 31 days in January, 14 in February, and 4 more in February.
	cells := func(i int) []monthCell { return v.Rows[i].Cells }
	if c := cells(0); v.Rows[0].Month != "January 2024" || c[0].Hours != 2.5 || c[1].Hours != 17 {
		t.Errorf("January: %+v", c)
	}
	if c := cells(1); !c[0].Gap || c[1].Hours != 18 || c[1].Gap {
		t.Errorf("February: %+v", c)
	}
	if c := cells(2); !c[0].Gap || !c[1].Outside || c[1].Gap {
		t.Errorf("March (the rejected session left out; clinical work over): %+v", c)
	}
	// The drawing: a bar per month in the series' span, the busiest the
	// tallest, a gap the full height.
	if len(sup.Bars) != 8 || sup.Width != 8*monthWidth {
		t.Fatalf("supervision bars: %+v", sup.Bars)
	}
	if b := sup.Bars[0]; b.Gap || b.H != chartHeight || b.Y != 0 || b.X != 0.5 {
		t.Errorf("January's bar (the busiest): %+v", b)
	}
	if b := sup.Bars[1]; !b.Gap || b.H != chartHeight {
		t.Errorf("February's bar (a gap): %+v", b)
	}
	if b := sup.Bars[4]; b.Gap || b.H != 12 || b.Y != 18 || b.X != 16.5 {
		t.Errorf("May's bar (1 of 2.5 hours): %+v", b)
	}
	if len(clin.Bars) != 2 {
		t.Errorf("clinical bars: %+v", clin.Bars)
	}

	if v := timelineOf(&portfolio.Portfolio{}, d("2024-10-01")); v.Series != nil || v.Rows != nil {
		t.Errorf("an empty portfolio has a timeline: %+v", v)
	}
}

// TestProgressTimelineLong checks that a timeline longer than maxMonths
// shows the latest months and says how many are left out, and that runs of
// gaps across a year are written in full.
func TestProgressTimelineLong(t *testing.T) {
	d := date.MustParse
	p := &portfolio.Portfolio{Sessions: []portfolio.Session{
		{ID: "old", Date: d("2015-03-01"), Hours: 1},
		{ID: "a", Date: d("2024-10-01"), Hours: 1},
		{ID: "b", Date: d("2025-02-01"), Hours: 1},
	}}
	v := timelineOf(p, date.Date{})
	if len(v.Rows) != maxMonths || v.To != "February 2025" || v.From != "March 2020" || v.Cut != 120-maxMonths || v.Since != "" {
		t.Errorf("long timeline: %d rows, %s to %s, cut %d, since %q", len(v.Rows), v.From, v.To, v.Cut, v.Since)
	}
	gaps := v.Series[0].Gaps
	if want := []string{"March 2020 to September 2024", "November 2024 to January 2025"}; !slices.Equal(gaps, want) {
		t.Errorf("gaps %v", gaps)
	}
}

// TestProgressTemplate renders the summary of a part-way CST portfolio
// and checks what a person and a screen reader get: the checklist with
// icons and words, bars with labels, the eLearning cap as a meter drawn as a
// limit (no progress bar), the 15 areas, the months with a gap in words and
// in the table, and no inline style (the page's policy forbids it).
func TestProgressTemplate(t *testing.T) {
	s, _ := newServer(t)
	set := shippedSet(t, "aasect-cst")
	p := cstPortfolio(t, false)
	p.Sessions = slices.DeleteFunc(p.Sessions, func(x portfolio.Session) bool { return strings.HasPrefix(x.Date.String(), "2024-08") })
	rep := eligibility.Evaluate(p, set, date.MustParse("2026-12-07"))
	var buf strings.Builder
	if err := s.pages["dashboard"].ExecuteTemplate(&buf, "progress", progressOf(rep, set, p)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if testing.Verbose() {
		t.Log(out)
	}
	for _, want := range []string{
		`<h2 id="glance-h">Progress at a glance</h2>`,
		`<span class="icon s-met" data-glyph="✓" aria-hidden="true"></span> <a href="#req-degree">`,
		`<span class="badge s-unmet">Not met</span>`,
		`<progress value="75" max="90" aria-labelledby="glance-core-knowledge">`,
		`role="meter" aria-labelledby="glance-core-knowledge-l0" aria-valuemin="0" aria-valuemax="75" aria-valuenow="18" aria-valuetext="18 of at most 75 hours"`,
		`<span class="limit-tag">Limit</span> eLearning: 18 of at most 75 hours used</span>`,
		`fill="url(#glance-core-knowledge-l0-fence)"`,
		`<strong>f.</strong> Diversities in sexual expression and lifestyles: 0 hours, minimum 3</span>`,
		`A gap: no hours in August 2024.`,
		`<tr><th scope="row">August 2024</th><td><span class="gapnote"><span aria-hidden="true">✗</span> none (a gap)</span></td><td>`,
		`<svg class="chart" role="img" aria-labelledby="glance-s-supervision"`,
		`fill="url(#glance-s-supervision-gap)"`,
		"nothing is recorded after",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %s", want)
		}
	}
	if n := strings.Count(out, `<li>`+"\n"+`        <span id="glance-core-knowledge-`); n != 15 {
		t.Errorf("%d area tiles, want 15", n)
	}
	if regexp.MustCompile(`<progress[^>]*glance-core-knowledge-l0`).MatchString(out) {
		t.Error("the eLearning cap is drawn as a progress bar")
	}
	if strings.Contains(out, "style=") || strings.Contains(out, "<script") {
		t.Error("inline style or script in the summary")
	}
	// Every id is unique and every aria-labelledby names one.
	ids := map[string]int{}
	for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(out, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %s is used %d times", id, n)
		}
	}
	for _, m := range regexp.MustCompile(`aria-labelledby="([^"]+)"`).FindAllStringSubmatch(out, -1) {
		if ids[m[1]] == 0 {
			t.Errorf("aria-labelledby names %s, which is not there", m[1])
		}
	}
}
