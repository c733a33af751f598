package eligibility

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// A ratio requirement compares the evidence two hours requirements accept:
// at least one unit of To's evidence for every Per units of Of's ("1 hour of
// supervision for every 6 clinical hours"). It counts everything each
// requirement accepts, dated up to the evaluation date, however the hours
// are allocated; when running, the ratio must hold at the end of every
// calendar month from the first item on, not only on the evaluation date.

// ratioSide is what one of the two requirements accepts in a pass.
type ratioSide struct {
	h     *hoursReq
	total float64
	month map[int]float64 // month -> what items of that month give
	items []int
	// over is what monthly caps left out, in the months listed.
	over       float64
	overMonths []int
}

// ratioCheck is the comparison at one point: the end of a month (numbered
// as monthKey does), or the evaluation date.
type ratioCheck struct {
	month   int // -1 for a check on the evaluation date alone
	of, to  float64
	need    float64
	deficit float64
	shortIn []string // running: the first months it fell short in, at most 4
	shortN  int      // running: how many months it fell short in
	from    int      // running: the first month checked
}

// ratioOutcome is one pass over the evidence, verified only or with claimed
// evidence too.
type ratioOutcome struct {
	ok     bool
	of, to ratioSide
	// at is the check reported: the first that fell short, or the last.
	at ratioCheck
	// worst is the largest deficit of any check: that much more of To's
	// evidence, dated by the first check that fell short, meets them all.
	worst float64
}

// ratioResult judges a ratio requirement.
//
// Claimed evidence works both ways here: claimed supervision helps, but
// claimed clinical hours are work said to be done, which needs its
// supervision once verified. So the ratio is met when it holds counting
// all the work (claimed too) against verified supervision alone, which no
// verification can undo; pending when it holds only counting claimed
// supervision as well; unmet otherwise, even when verified evidence alone
// keeps it.
func (c *evalCtx) ratioResult(r *requirements.Requirement) Result {
	res := Result{ID: r.ID, Title: r.Title, Kind: r.Kind}
	of, to := c.hoursByID(r.Of), c.hoursByID(r.To)
	if of == nil || to == nil || r.Per <= 0 {
		res.Status = Unmet
		res.Explanation = fmt.Sprintf("the ratio must name two hours requirements of the set (of %q, to %q) and a positive per", r.Of, r.To)
		res.Shortfall = &Shortfall{Steps: []string{"correct the requirement set"}}
		return res
	}
	// claimedWork names the claimed work counted on the of side.
	claimedWork := func(o ratioOutcome) string {
		var ids []string
		for _, i := range o.of.items {
			if c.state(&c.items[i]) == portfolio.Claimed || of.info[i].weak {
				ids = appendNew(ids, c.id(&c.items[i]))
			}
		}
		if len(ids) == 0 {
			return ""
		}
		return fmt.Sprintf("the claimed %s %s (%s)", idWords(r.Of), of.unit, strings.Join(firstN(ids, 6), ", "))
	}
	// note adds to the explanation what claimed work does to the ratio.
	note := ""
	o := c.ratioPass(r, of, to, true, false)
	res.Status = Met
	if o.ok {
		if w := claimedWork(o); w != "" {
			note = w + " are counted as work done"
		}
	} else {
		o = c.ratioPass(r, of, to, true, true)
		res.Status = Unmet
		if o.ok {
			res.Status = Pending
		} else if v := c.ratioPass(r, of, to, false, false); v.ok {
			note = "verified evidence alone keeps the ratio, but " + claimedWork(o) + " need more " + idWords(r.To) + " once verified"
		}
	}
	figures := c.ratioFigures(r, o)
	res.Progress = []Progress{{Label: r.Title, Value: round(o.at.to), Target: round(o.at.need), Unit: to.unit, Text: figures}}
	listed := map[int]bool{} // an item both requirements accept is listed once
	for _, side := range []ratioSide{o.of, o.to} {
		for _, i := range side.items {
			if it := &c.items[i]; !listed[i] {
				listed[i] = true
				res.Evidence = append(res.Evidence, Use{ID: c.id(it), Amount: round(it.credits), State: string(c.state(it))})
			}
		}
	}
	switch res.Status {
	case Met:
		res.Explanation = figures
		if note != "" {
			res.Explanation += "; " + note
		}
	case Pending:
		var ids []string
		for _, i := range o.to.items {
			if c.state(&c.items[i]) == portfolio.Claimed {
				ids = appendNew(ids, c.id(&c.items[i]))
			}
			if to.info[i].weak {
				for _, id := range c.claimedSupport(&c.items[i]) {
					ids = appendNew(ids, id)
				}
			}
		}
		if len(ids) == 0 {
			res.Explanation = "would be met (" + figures + ") once claimed evidence is verified"
			break
		}
		res.Explanation = fmt.Sprintf("would be met (%s) once %s %s verified: %s", figures, count(len(ids), "claimed item"), isAre(len(ids)), strings.Join(firstN(ids, 6), ", "))
	case Unmet:
		res.Explanation = figures
		if note != "" {
			res.Explanation += "; " + note
		}
		step := fmt.Sprintf("%s of %s", more(o.worst, to.unit), idWords(r.To))
		if r.Running {
			step += " dated no later than " + c.ratioDeadline(o.at.month)
		}
		res.Shortfall = &Shortfall{Amount: round(o.worst), Unit: to.unit, Steps: []string{step}}
	}
	if over := ratioOver(r, o); over != "" {
		res.Explanation += "; " + over
	}
	return res
}

// hoursByID returns the hours requirement with an id as prepareHours
// worked it out, or, when it does not apply, works it out now (nil when the
// set has no such hours requirement).
func (c *evalCtx) hoursByID(id string) *hoursReq {
	for _, h := range c.hours {
		if h.r.ID == id {
			return h
		}
	}
	for _, r := range c.set.Requirements {
		if r.ID == id && r.Kind == requirements.KindHours {
			return c.hoursOf(r)
		}
	}
	return nil
}

// ratioPass counts what each requirement accepts, on each side on verified
// evidence alone or with claimed evidence too, and checks the ratio.
func (c *evalCtx) ratioPass(r *requirements.Requirement, of, to *hoursReq, ofClaimed, toClaimed bool) ratioOutcome {
	o := ratioOutcome{ok: true, of: c.ratioSide(of, ofClaimed), to: c.ratioSide(to, toClaimed)}
	check := func(at *ratioCheck) {
		at.need = at.of / r.Per
		at.deficit = at.need - at.to
	}
	if !r.Running {
		o.at = ratioCheck{month: -1, of: o.of.total, to: o.to.total}
		check(&o.at)
		o.ok = o.at.deficit <= 1e-7
		o.worst = max(o.at.deficit, 0)
		return o
	}
	// The sums change only in months with items, so the check at the end
	// of every month from one such month to the next gives the same result:
	// only those months are checked, each standing for the months up to the
	// next (the last for the months up to the evaluation date).
	last := monthKey(c.asOf)
	months := slices.Sorted(maps.Keys(o.of.month))
	for m := range o.to.month {
		if !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	slices.Sort(months)
	var short []string
	shortN := 0
	var cur, firstShort ratioCheck
	for k, m := range months {
		cur.month, cur.of, cur.to = m, cur.of+o.of.month[m], cur.to+o.to.month[m]
		check(&cur)
		if cur.deficit <= 1e-7 {
			continue
		}
		if shortN == 0 {
			firstShort = cur
		}
		next := last + 1
		if k+1 < len(months) {
			next = months[k+1]
		}
		for x := m; x < next && len(short) < 4; x++ {
			short = append(short, monthLabel(x))
		}
		shortN += next - m
		o.worst = max(o.worst, cur.deficit)
	}
	cur.month = last
	o.ok = shortN == 0
	o.at = cur
	if !o.ok {
		o.at = firstShort
	}
	o.at.shortIn, o.at.shortN, o.at.from = short, shortN, last
	if len(months) > 0 {
		o.at.from = months[0]
	}
	return o
}

// ratioSide sums what one requirement accepts in a pass, by month.
//
// A monthly cap of the set limits the evidence itself (hours over a
// month's limit count nowhere), so what the side's items under one
// monthly cap give in a month is at most the cap's limit. As in the
// allocation, an item falls under the first monthly cap that selects it.
func (c *evalCtx) ratioSide(h *hoursReq, withClaimed bool) ratioSide {
	s := ratioSide{h: h, month: map[int]float64{}}
	var caps []requirements.Cap
	for _, hr := range c.hours {
		for _, cp := range hr.r.Caps {
			if cp.Monthly() {
				caps = append(caps, cp)
			}
		}
	}
	type capMonth struct{ cap, month int }
	under := map[capMonth]float64{}
	for i, in := range h.info {
		it := &c.items[i]
		if !in.elig || !accepted(c.state(it), withClaimed) || (in.weak && !withClaimed) {
			continue
		}
		s.items = append(s.items, i)
		m := monthKey(it.end)
		j := slices.IndexFunc(caps, func(cp requirements.Cap) bool { return c.match(&cp.Match, it) })
		if j < 0 {
			s.month[m] += it.credits
			continue
		}
		under[capMonth{j, m}] += it.credits
	}
	for _, k := range slices.SortedFunc(maps.Keys(under), func(a, b capMonth) int { return cmp.Or(a.month-b.month, a.cap-b.cap) }) {
		x := under[k]
		limit := caps[k.cap].Max
		s.month[k.month] += min(x, limit)
		if x > limit+1e-7 {
			s.over += x - limit
			if !slices.Contains(s.overMonths, k.month) {
				s.overMonths = append(s.overMonths, k.month)
			}
		}
	}
	for _, m := range slices.Sorted(maps.Keys(s.month)) {
		s.total += s.month[m]
	}
	return s
}

// ratioOver says what monthly caps left out of each side ("" when nothing).
func ratioOver(r *requirements.Requirement, o ratioOutcome) string {
	var notes []string
	for _, side := range []struct {
		id string
		s  ratioSide
	}{{r.Of, o.of}, {r.To, o.to}} {
		if side.s.over <= 1e-7 {
			continue
		}
		labels := make([]string, len(side.s.overMonths))
		for i, m := range side.s.overMonths {
			labels[i] = monthLabel(m)
		}
		notes = append(notes, fmt.Sprintf("%s over a monthly limit did not count (%s)", ratioAmount(side.s.over, side.id, side.s.h.unit), shortList(labels)))
	}
	return strings.Join(notes, "; ")
}

// ratioFigures says what the decisive check found: "By the end of 2025-04:
// 180 clinical hours and 25 supervision hours; 30 were needed (1 per 6)".
func (c *evalCtx) ratioFigures(r *requirements.Requirement, o ratioOutcome) string {
	at := o.at
	per := fmt.Sprintf("(1 per %s)", num(r.Per))
	if at.of <= 1e-9 && at.deficit <= 1e-7 && at.shortN == 0 {
		return fmt.Sprintf("no %s counted, so no %s are needed yet", idWords(r.Of)+" "+o.of.h.unit, idWords(r.To)+" "+o.to.h.unit)
	}
	figures := fmt.Sprintf("%s and %s", ratioAmount(at.of, r.Of, o.of.h.unit), ratioAmount(at.to, r.To, o.to.h.unit))
	if !r.Running {
		return fmt.Sprintf("%s; at least %s needed %s", figures, num(at.need), per)
	}
	if !o.ok {
		text := fmt.Sprintf("%s: %s; %s %s needed %s", c.ratioWhen(at.month), figures, num(at.need), wasWere(at.need), per)
		// Four months are named; more, the first three and how many more.
		switch n := at.shortN; {
		case n > len(at.shortIn):
			text += fmt.Sprintf("; it fell short in %d months: %s and %d more", n, strings.Join(at.shortIn[:3], ", "), n-3)
		case n > 1:
			text += fmt.Sprintf("; it fell short in %d months: %s", n, andList(at.shortIn))
		}
		return text
	}
	return fmt.Sprintf("held at the end of every month from %s to %s; %s: %s, at least %s needed %s",
		monthLabel(at.from), monthLabel(monthKey(c.asOf)), lowerFirst(c.ratioWhen(at.month)), figures, num(at.need), per)
}

// ratioWhen names the point of a running check: the end of a month, or the
// evaluation date for its own month.
func (c *evalCtx) ratioWhen(month int) string {
	if month == monthKey(c.asOf) {
		return "By " + c.asOf.String() + " (the evaluation date)"
	}
	return "By the end of " + monthLabel(month)
}

// ratioDeadline is the last day evidence may be dated to count at a check:
// the last day of its month, or the evaluation date.
func (c *evalCtx) ratioDeadline(month int) string {
	if month < 0 || month == monthKey(c.asOf) {
		return c.asOf.String()
	}
	next := month + 1
	return date.Of(next/12, time.Month(next%12+1), 1).AddDays(-1).String()
}

// ratioAmount writes "180 clinical hours" from a requirement id and its unit.
func ratioAmount(x float64, id, unit string) string {
	if round(x) == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return num(x) + " " + idWords(id) + " " + unit
}

// idWords turns a requirement id such as clinical-practice into words.
func idWords(id string) string { return strings.ReplaceAll(id, "-", " ") }

func wasWere(x float64) string {
	if round(x) == 1 {
		return "was"
	}
	return "were"
}
