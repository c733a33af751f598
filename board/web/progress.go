package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	kit "github.com/certboard/certboard/web"
)

// The dashboard's progress at a glance (progressOf) arranges what an
// eligibility report says so that it reads in a few seconds: a checklist of
// the requirements, the hours of each pool against its total with the
// limits on it, the hours in each area of a taxonomy against the area's
// minimum, and the supervision and clinical hours month by month with the
// months that have none. It is built from the report, the requirement set
// the report applied and the portfolio, and does no I/O.

// progressView is the at-a-glance summary of one eligibility report.
type progressView struct {
	// Summary counts the requirements by status.
	Summary   string
	Checklist []checkItem
	Pools     []poolView
	// PoolsTitle heads the pools: Hours, Credits, or Totals when the units differ.
	PoolsTitle string
	Grids      []areaGrid
	Timeline   timelineView
}

// checkItem is one requirement of the checklist.
type checkItem struct {
	ID, Title string
	Mark      statusMark
}

// statusMark is how a status is shown: an icon and words as well as a
// colour, so that colour is never the only sign.
type statusMark struct {
	Class string // the colour class, s-<status>
	Icon  string
	Text  string
}

// markOf is the mark of a requirement's status.
func markOf(st eligibility.Status) statusMark {
	switch st {
	case eligibility.Met:
		return statusMark{"s-met", "✓", "Met"}
	case eligibility.Pending:
		return statusMark{"s-pending", "◐", "Pending verification"}
	case eligibility.Unmet:
		return statusMark{"s-unmet", "✗", "Not met"}
	case eligibility.NotApplicable:
		return statusMark{"s-not_applicable", "–", "Does not apply"}
	}
	return statusMark{"s-" + string(st), "?", strings.ReplaceAll(string(st), "_", " ")}
}

// poolView is an hours requirement: the hours counted toward its total,
// its minimums on parts of the pool and its caps.
type poolView struct {
	ID, Title string
	Mark      statusMark
	Unit      string
	Counted   float64
	Total     float64
	// Verified is the part of Counted that verified evidence gives.
	Verified float64
	Minimums []minimumView
	Limits   []limitView
}

// Awaiting is the part of the counted hours still to be verified.
func (p poolView) Awaiting() float64 { return math.Max(0, round2(p.Counted-p.Verified)) }

// Shown is the counted hours as far as the bar shows them (at most the total).
func (p poolView) Shown() float64 { return math.Min(p.Counted, p.Total) }

// minimumView is a minimum on part of a pool ("at least 12 hours of
// individual supervision").
type minimumView struct {
	Title      string
	Value, Min float64
}

// Met reports whether the minimum is reached.
func (m minimumView) Met() bool { return m.Value >= m.Min-1e-9 }

// Shown is the value as far as the bar shows it (at most the minimum).
func (m minimumView) Shown() float64 { return math.Min(m.Value, m.Min) }

// limitView is a cap: at most Limit of the evidence it matches counts (a
// month, when Monthly). It is drawn as a limit, a marker on a scale with
// what lies beyond it fenced off, never as a bar filling toward a goal.
type limitView struct {
	// ID names the limit's label on the page, for aria-labelledby and the
	// drawing's pattern.
	ID    string
	Title string
	// Offered is what the evidence offers (for a monthly cap, the most in
	// any one month); at most Limit of it counts.
	Offered, Limit float64
	Unit           string
	Monthly        bool
	// Text is the report's own account of the cap.
	Text string
}

// Used is what counts under the limit.
func (l limitView) Used() float64 { return math.Min(l.Offered, l.Limit) }

// Over is what the evidence offers beyond the limit, which does not count.
func (l limitView) Over() float64 { return math.Max(0, round2(l.Offered-l.Limit)) }

// scale is the length the drawing spans: the limit with room after it, or
// what is offered when that is more.
func (l limitView) scale() float64 { return math.Max(l.Limit*1.25, l.Offered) }

// LimitX is where the limit's marker stands, in hundredths of the drawing.
func (l limitView) LimitX() float64 { return pct(l.Limit, l.scale()) }

// UsedW is the width of what counts, in hundredths of the drawing.
func (l limitView) UsedW() float64 { return pct(l.Used(), l.scale()) }

// BeyondW is the width of the fenced part after the limit.
func (l limitView) BeyondW() float64 { return round2(100 - l.LimitX()) }

// OverW is the width of what is offered beyond the limit.
func (l limitView) OverW() float64 { return pct(l.Over(), l.scale()) }

// MarkX is where the marker's left edge stands.
func (l limitView) MarkX() float64 { return math.Max(0, round2(l.LimitX()-0.75)) }

// Words says what the limit allows and what counts under it: the report's
// own text when it has one.
func (l limitView) Words() string {
	if l.Text != "" {
		return l.Text
	}
	unit := l.Unit
	if unit == "" {
		unit = "hours"
	}
	if l.Monthly {
		s := fmt.Sprintf("%s: at most %s %s a month count; the most in one month is %s", l.Title, formatNum(l.Limit), unit, formatNum(l.Offered))
		if o := l.Over(); o > 0 {
			s += fmt.Sprintf(", %s over the limit", formatNum(o))
		}
		return s
	}
	s := fmt.Sprintf("%s: %s of at most %s %s used", l.Title, formatNum(l.Used()), formatNum(l.Limit), unit)
	if o := l.Over(); o > 0 {
		s += fmt.Sprintf("; %s more do not count", formatNum(o))
	}
	return s
}

// limitOf makes a report's progress figure for a cap (Limit set) a
// limitView labelled by id; the report's text is the label.
func limitOf(p eligibility.Progress, id string) limitView {
	return limitView{ID: id, Title: p.Label, Offered: p.Value, Limit: p.Limit, Unit: p.Unit, Text: p.Text}
}

// areaGrid is the hours of an hours requirement in each area of its
// taxonomy against each area's minimum.
type areaGrid struct {
	ID, Title string
	Taxonomy  string
	Unit      string
	Areas     []areaCell
	// Needed is how many areas must reach their minimum: all of them, or
	// the count of an at_least_areas rule.
	Needed  int
	Reached int
	// Some is true for an at_least_areas rule: Needed of the areas, not all.
	Some bool
}

// areaCell is one area of a grid.
type areaCell struct {
	Code, Name string
	Counted    float64
	// Verified is the part of Counted that verified evidence gives.
	Verified float64
	Target   float64
	Mark     statusMark
}

// Shown is the counted hours as far as the bar shows them (at most the minimum).
func (a areaCell) Shown() float64 { return math.Min(a.Counted, a.Target) }

// Short is what the area lacks to reach its minimum.
func (a areaCell) Short() float64 { return math.Max(0, round2(a.Target-a.Counted)) }

// areaMark is the mark of an area: met by verified hours, met once claimed
// hours are verified, or short.
func areaMark(counted, verified, target float64) statusMark {
	switch {
	case verified >= target-1e-9:
		return statusMark{"s-met", "✓", "Met"}
	case counted >= target-1e-9:
		return statusMark{"s-pending", "◐", "Met once verified"}
	}
	return statusMark{"s-unmet", "✗", "Short by " + formatNum(round2(target-counted))}
}

// timelineView is the hours of supervision and clinical work month by
// month, from the first month with any to the last, and the gaps: months
// with none between a series' first and last month.
type timelineView struct {
	// From and To are the first and last month shown ("February 2024").
	From, To string
	Series   []seriesView
	Rows     []monthRow
	// Cut is how many earlier months are left out (the timeline shows at
	// most maxMonths).
	Cut int
	// Since is the last month with any hours when it is before the month
	// of the report ("" otherwise).
	Since string
}

// maxMonths is how many months the timeline shows at most: the latest.
const maxMonths = 60

// seriesView is one kind of hours on the timeline.
type seriesView struct {
	ID, Name string
	Total    float64
	// Active is how many months have hours; From and To the first and
	// last of them.
	Active   int
	From, To string
	// Gaps are the runs of months with none between From and To
	// ("August 2024", "November 2024 to January 2025").
	Gaps      []string
	GapMonths int // months in Gaps
	Bars      []monthBar
	// Width is the drawing's width in its own units (monthWidth a month).
	Width int
}

// GapText lists the gaps ("August 2024 and March 2025").
func (s seriesView) GapText() string { return andJoin(s.Gaps) }

// monthBar is one month of a series' drawing.
type monthBar struct {
	X, Y, W, H float64
	// Gap marks a month with none between the series' first and last.
	Gap bool
}

// monthRow is one month of the timeline's table.
type monthRow struct {
	Month string
	Cells []monthCell
}

// monthCell is a series' hours in one month.
type monthCell struct {
	Hours float64
	Gap   bool
	// Outside marks a month before the series' first or after its last.
	Outside bool
}

// Drawing units of the timeline: each month is monthWidth wide, bars at
// most chartHeight tall.
const (
	monthWidth  = 4
	chartHeight = 30
)

// progressOf builds the summary of rep, which judged p by set (either may
// be nil: the parts that need them are left out).
func progressOf(rep *eligibility.Report, set *requirements.Set, p *portfolio.Portfolio) progressView {
	var v progressView
	if rep == nil {
		return v
	}
	counts := map[eligibility.Status]int{}
	for _, r := range rep.Results {
		v.Checklist = append(v.Checklist, checkItem{ID: r.ID, Title: r.Title, Mark: markOf(r.Status)})
		counts[r.Status]++
		if r.Kind != requirements.KindHours || len(r.Progress) == 0 || r.Progress[0].Target <= 0 {
			continue
		}
		var req *requirements.Requirement
		if set != nil {
			req = findRequirement(set, r.ID)
		}
		v.Pools = append(v.Pools, poolOf(r, req))
		if g, ok := gridOf(r, req, set); ok {
			v.Grids = append(v.Grids, g)
		}
	}
	v.Summary = checklistSummary(len(rep.Results), counts)
	v.PoolsTitle = poolsTitle(v.Pools)
	if p != nil {
		v.Timeline = timelineOf(p, rep.AsOf)
	}
	return v
}

// checklistSummary says how many requirements are met, pending and not met.
func checklistSummary(n int, counts map[eligibility.Status]int) string {
	if n == 0 {
		return "The requirement set has no requirements."
	}
	parts := []string{fmt.Sprintf("%d of %d %s met", counts[eligibility.Met], n, kit.Plural(n, "requirement"))}
	if k := counts[eligibility.Pending]; k > 0 {
		parts = append(parts, fmt.Sprintf("%d pending verification", k))
	}
	if k := counts[eligibility.Unmet]; k > 0 {
		parts = append(parts, fmt.Sprintf("%d not met", k))
	}
	if k := counts[eligibility.NotApplicable]; k > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not apply", k, map[bool]string{true: "does", false: "do"}[k == 1]))
	}
	return andJoin(parts) + "."
}

// poolsTitle heads the pools by their unit.
func poolsTitle(pools []poolView) string {
	title := ""
	for _, p := range pools {
		t := "Totals"
		switch p.Unit {
		case "hours", "":
			t = "Hours"
		case "credits":
			t = "Credits"
		}
		if title != "" && t != title {
			return "Totals"
		}
		title = t
	}
	return title
}

// findRequirement returns the requirement of set with the given id, or nil.
func findRequirement(set *requirements.Set, id string) *requirements.Requirement {
	for _, r := range set.Requirements {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// poolOf is the pool of an hours requirement's result; req, when known,
// tells which of the result's figures are its caps and minimums.
func poolOf(r eligibility.Result, req *requirements.Requirement) poolView {
	total := r.Progress[0]
	pool := poolView{ID: r.ID, Title: r.Title, Mark: markOf(r.Status), Unit: total.Unit, Counted: total.Value, Total: total.Target}
	for _, u := range r.Evidence {
		if u.State == string(portfolio.Verified) {
			pool.Verified += u.Amount
		}
	}
	pool.Verified = round2(math.Min(pool.Verified, pool.Counted))
	monthly := map[string]bool{}
	minimum := map[string]bool{}
	if req != nil {
		for _, c := range req.Caps {
			monthly[c.Title] = c.Monthly()
		}
		for _, b := range req.Minimums {
			minimum[b.Title] = true
		}
	}
	for _, pr := range r.Progress[1:] {
		switch {
		case pr.Limit > 0:
			// The summary says it in its own words (Words).
			l := limitOf(pr, fmt.Sprintf("glance-%s-l%d", r.ID, len(pool.Limits)))
			l.Text, l.Monthly = "", monthly[pr.Label]
			if l.Unit == "" {
				l.Unit = pool.Unit
			}
			pool.Limits = append(pool.Limits, l)
		case minimum[pr.Label] && pr.Target > 0:
			pool.Minimums = append(pool.Minimums, minimumView{Title: pr.Label, Value: pr.Value, Min: pr.Target})
		}
	}
	return pool
}

// gridOf is the area grid of an hours requirement with a taxonomy: each
// area the result gives a figure for, in the taxonomy's order.
func gridOf(r eligibility.Result, req *requirements.Requirement, set *requirements.Set) (areaGrid, bool) {
	if req == nil || req.Taxonomy == "" || set.Taxonomies[req.Taxonomy] == nil {
		return areaGrid{}, false
	}
	tax := set.Taxonomies[req.Taxonomy]
	g := areaGrid{ID: r.ID, Title: r.Title, Taxonomy: tax.Title, Unit: r.Progress[0].Unit}
	// The report names each area's figure "area <code>: <name>".
	figures := map[string]eligibility.Progress{}
	for _, pr := range r.Progress[1:] {
		if pr.Limit == 0 && strings.HasPrefix(pr.Label, "area ") {
			figures[pr.Label] = pr
		}
	}
	verified := map[string]float64{}
	for _, u := range r.Evidence {
		if u.State == string(portfolio.Verified) {
			for _, a := range u.Areas {
				verified[a.Area] += a.Amount
			}
		}
	}
	for _, a := range tax.Areas {
		pr, ok := figures["area "+a.Code+": "+a.Name]
		if !ok {
			continue
		}
		c := areaCell{Code: a.Code, Name: a.Name, Counted: pr.Value, Target: pr.Target,
			Verified: round2(math.Min(verified[a.Code], pr.Value))}
		c.Mark = areaMark(c.Counted, c.Verified, c.Target)
		if c.Counted >= c.Target-1e-9 {
			g.Reached++
		}
		g.Areas = append(g.Areas, c)
	}
	if len(g.Areas) == 0 {
		return areaGrid{}, false
	}
	g.Needed = len(g.Areas)
	if k := req.AtLeastAreas; k != nil {
		g.Needed, g.Some = k.Count, true
	}
	return g, true
}

// month is a calendar month counted from year 0: year*12 + month - 1.
type month int

func monthOf(d date.Date) month {
	t := d.Time()
	return month(t.Year()*12 + int(t.Month()) - 1)
}

// name writes the month in full ("August 2024").
func (m month) name() string {
	return fmt.Sprintf("%s %d", time.Month(int(m)%12+1), int(m)/12)
}

// hoursSeries is one kind of dated hours, added up by month.
type hoursSeries struct {
	id, name string
	byMonth  map[month]float64
}

// add counts hours on one day.
func (s *hoursSeries) add(d date.Date, hours float64) {
	if !d.IsZero() && hours > 0 {
		s.byMonth[monthOf(d)] += hours
	}
}

// spread counts hours logged over a period as if spread evenly over its
// days; a period with no end counts on its first day.
func (s *hoursSeries) spread(from, to date.Date, hours float64) {
	if to.IsZero() || !from.Before(to) {
		s.add(from, hours)
		return
	}
	days := from.DaysUntil(to) + 1
	for d, left := from, days; left > 0; {
		// The days of d's month within the period.
		next := date.Of(d.Time().Year(), d.Time().Month(), 1).AddMonths(1)
		n := min(left, d.DaysUntil(next))
		s.add(d, hours*float64(n)/float64(days))
		d, left = next, left-n
	}
}

// timelineOf adds up the supervision received, the clinical hours and the
// supervision given of p by month, leaving out rejected items and months
// after asOf's.
func timelineOf(p *portfolio.Portfolio, asOf date.Date) timelineView {
	ok := func(v portfolio.Verification) bool { return v.EffectiveState() != portfolio.Rejected }
	sup := hoursSeries{id: "supervision", name: "Supervision received", byMonth: map[month]float64{}}
	for _, s := range p.Sessions {
		if ok(s.Verification) {
			sup.add(s.Date, s.Hours)
		}
	}
	clin := hoursSeries{id: "clinical", name: "Clinical hours", byMonth: map[month]float64{}}
	for _, c := range p.ClinicalHours {
		if !ok(c.Verification) {
			continue
		}
		if !c.Date.IsZero() {
			clin.add(c.Date, c.Hours)
		} else {
			clin.spread(c.From, c.To, c.Hours)
		}
	}
	given := hoursSeries{id: "given", name: "Supervision given", byMonth: map[month]float64{}}
	for _, s := range p.SupervisionGiven {
		if ok(s.Verification) {
			given.add(s.Date, s.Hours)
		}
	}
	var all []hoursSeries
	for _, s := range []hoursSeries{sup, clin, given} {
		if !asOf.IsZero() {
			for m := range s.byMonth {
				if m > monthOf(asOf) {
					delete(s.byMonth, m)
				}
			}
		}
		if len(s.byMonth) > 0 {
			all = append(all, s)
		}
	}
	return layTimeline(all, asOf)
}

// layTimeline lays the series out month by month.
func layTimeline(all []hoursSeries, asOf date.Date) timelineView {
	var t timelineView
	if len(all) == 0 {
		return t
	}
	first, last := month(math.MaxInt), month(math.MinInt)
	spans := make([][2]month, len(all))
	for i, s := range all {
		lo, hi := month(math.MaxInt), month(math.MinInt)
		for m := range s.byMonth {
			lo, hi = min(lo, m), max(hi, m)
		}
		spans[i] = [2]month{lo, hi}
		first, last = min(first, lo), max(last, hi)
	}
	if !asOf.IsZero() && last < monthOf(asOf) {
		t.Since = last.name()
	}
	if n := int(last-first) + 1; n > maxMonths {
		t.Cut = n - maxMonths
		first = last - maxMonths + 1
	}
	t.From, t.To = first.name(), last.name()
	n := int(last-first) + 1
	for m := first; m <= last; m++ {
		t.Rows = append(t.Rows, monthRow{Month: m.name()})
	}
	for i, s := range all {
		lo, hi := spans[i][0], spans[i][1]
		sv := seriesView{ID: s.id, Name: s.name, From: lo.name(), To: hi.name(), Width: n * monthWidth}
		most := 0.0
		for m := max(lo, first); m <= hi; m++ {
			most = math.Max(most, s.byMonth[m])
		}
		gapFrom := month(-1)
		endGap := func(m month) {
			if gapFrom >= 0 {
				sv.Gaps = append(sv.Gaps, monthRun(gapFrom, m-1))
				sv.GapMonths += int(m - gapFrom)
				gapFrom = -1
			}
		}
		for m := first; m <= last; m++ {
			h := round2(s.byMonth[m])
			x := float64(int(m-first) * monthWidth)
			cell := monthCell{Hours: h}
			switch {
			case m < lo || m > hi:
				cell.Outside = true
			case h > 0:
				endGap(m)
				sv.Active++
				sv.Total += h
				bh := math.Max(1, round2(h/most*chartHeight))
				sv.Bars = append(sv.Bars, monthBar{X: x + 0.5, Y: chartHeight - bh, W: monthWidth - 1, H: bh})
			default:
				if gapFrom < 0 {
					gapFrom = m
				}
				cell.Gap = true
				sv.Bars = append(sv.Bars, monthBar{X: x + 0.5, Y: 0, W: monthWidth - 1, H: chartHeight, Gap: true})
			}
			t.Rows[int(m-first)].Cells = append(t.Rows[int(m-first)].Cells, cell)
		}
		endGap(hi + 1)
		sv.Total = round2(sv.Total)
		t.Series = append(t.Series, sv)
	}
	return t
}

// monthRun writes a run of months: "August 2024", "August to October
// 2024", "November 2024 to January 2025".
func monthRun(from, to month) string {
	switch {
	case from == to:
		return from.name()
	case int(from)/12 == int(to)/12:
		return fmt.Sprintf("%s to %s", time.Month(int(from)%12+1), to.name())
	}
	return from.name() + " to " + to.name()
}

// andJoin joins "a", "a and b", "a, b and c".
func andJoin(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// pct is x as hundredths of of, rounded for the markup.
func pct(x, of float64) float64 {
	if of <= 0 {
		return 0
	}
	return round2(math.Min(100, 100*x/of))
}

// round2 keeps two decimals.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
