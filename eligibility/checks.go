package eligibility

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// outcome is the result of one non-hours check in one pass.
type outcome struct {
	ok       bool
	why      string // one line: what was found, or what is missing
	used     []Use
	progress []Progress
	steps    []string
	excluded []Excluded // items that could have counted, and why they do not
}

func usedItem(id string, v portfolio.Verification) Use {
	return Use{ID: id, State: string(v.EffectiveState())}
}

// check runs a non-hours requirement in one pass.
func (c *evalCtx) check(r *requirements.Requirement, withClaimed bool) outcome {
	switch r.Kind {
	case requirements.KindDegree:
		return c.checkDegree(r, withClaimed)
	case requirements.KindExperience:
		rule := requirements.ExperienceRule{Roles: r.Roles, MinYears: r.MinYears, MinHours: r.MinHours}
		from := date.Date{}
		if w := r.Window; w != nil && (w.YearsBeforeAsOf > 0 || w.MonthsBeforeAsOf > 0) {
			from = c.asOf.AddYears(-w.YearsBeforeAsOf).AddMonths(-w.MonthsBeforeAsOf)
		}
		return c.checkExperience(rule, from, withClaimed, nil)
	case requirements.KindLicense:
		return c.checkLicense(r, withClaimed)
	case requirements.KindMembership:
		return c.checkMembership(r, withClaimed)
	case requirements.KindInsurance:
		return c.checkInsurance(r, withClaimed)
	case requirements.KindCredential:
		return c.checkCredential(r, withClaimed)
	case requirements.KindAttestation:
		return c.checkAttestation(r, withClaimed)
	case requirements.KindDocuments:
		return c.checkDocuments(r, withClaimed)
	case requirements.KindPeerReview:
		return c.checkPeerReview(r, withClaimed)
	case requirements.KindExpression:
		return c.checkExpression(r, withClaimed)
	case requirements.KindCases:
		return c.checkCases(r, withClaimed)
	case requirements.KindExam:
		return c.checkExam(r, withClaimed)
	}
	return outcome{why: "unknown requirement kind " + r.Kind}
}

func (c *evalCtx) checkDegree(r *requirements.Requirement, withClaimed bool) outcome {
	// closest is the most useful failure to report: a degree that fits a
	// route but lacks experience beats a degree of the wrong kind.
	closest, rank := outcome{why: "no degree on file"}, 0
	consider := func(o outcome, rk int) {
		if rk > rank {
			closest, rank = o, rk
		}
	}
	for _, rt := range r.Routes {
		for _, d := range c.p.Degrees {
			if !accepted(d.Verification.EffectiveState(), withClaimed) || d.Conferred.After(c.asOf) {
				continue
			}
			if !slices.Contains(rt.Levels, d.Level) {
				continue
			}
			appendLabel := func(b []byte) []byte {
				b = append(append(append(append(b, d.Level...), " in "...), d.Field...), " ("...)
				b = append(append(b, d.Institution...), ", "...)
				return append(d.Conferred.Time().AppendFormat(b, "2006"), ')')
			}
			label := ""
			if rt.Clinical && !d.Clinical || len(rt.Accreditation) > 0 && !slices.Contains(rt.Accreditation, d.Accreditation) || rt.Experience == nil {
				label = c.text(appendLabel)
			}
			if rt.Clinical && !d.Clinical {
				consider(outcome{why: label + " is not a clinical degree"}, 1)
				continue
			}
			if len(rt.Accreditation) > 0 && !slices.Contains(rt.Accreditation, d.Accreditation) {
				consider(outcome{why: fmt.Sprintf("%s is from a %s institution; %s accreditation is needed", label, words(d.Accreditation), orList(rt.Accreditation))}, 1)
				continue
			}
			if rt.Experience == nil {
				return outcome{ok: true, why: "met by a " + label, used: []Use{usedItem(d.ID, d.Verification)}}
			}
			from := date.Date{}
			if rt.Experience.AfterDegree {
				from = d.Conferred
			}
			used := make([]Use, 1, 1+len(c.p.Experience))
			used[0] = usedItem(d.ID, d.Verification)
			ex := c.checkExperience(*rt.Experience, from, withClaimed, used)
			ex.why = c.text(func(b []byte) []byte {
				if ex.ok {
					b = append(b, "met by "...)
				}
				b = strconv.AppendQuote(append(b, "route "...), rt.Title)
				b = appendLabel(append(b, ": a "...))
				if ex.ok {
					b = append(b, " and "...)
				} else {
					b = append(b, ", but "...)
				}
				return append(b, ex.why...)
			})
			if ex.ok {
				return ex
			}
			consider(ex, 2)
		}
	}
	if len(closest.steps) == 0 {
		var titles []string
		for _, rt := range r.Routes {
			titles = append(titles, rt.Title)
		}
		closest.steps = []string{"add a degree that fits one route: " + strings.Join(titles, "; or ")}
	}
	return closest
}

// checkExperience measures experience periods in roles from a date (zero for
// any time) to the as-of date: calendar years of the union of the periods,
// and hours as weeks times hours per week.
//
// The items used are appended to used.
func (c *evalCtx) checkExperience(rule requirements.ExperienceRule, from date.Date, withClaimed bool, used []Use) outcome {
	type span struct{ a, b date.Date }
	var spanArray [8]span
	spans := spanArray[:0]
	hours := 0.0
	for _, e := range c.p.Experience {
		if !accepted(e.Verification.EffectiveState(), withClaimed) || (len(rule.Roles) > 0 && !slices.Contains(rule.Roles, e.Role)) {
			continue
		}
		a, b := e.From, e.To
		if b.IsZero() || b.After(c.asOf) {
			b = c.asOf
		}
		if !from.IsZero() && a.Before(from) {
			a = from
		}
		if b.Before(a) || e.HoursPerWeek <= 0 {
			continue
		}
		spans = append(spans, span{a, b})
		hours += float64(a.DaysUntil(b)+1) / 7 * e.HoursPerWeek
		used = append(used, usedItem(e.ID, e.Verification))
	}
	slices.SortFunc(spans, func(x, y span) int { return x.a.Compare(y.a) })
	years := 0.0
	var cur *span
	for i := range spans {
		s := spans[i]
		if cur != nil && !s.a.After(cur.b.AddDays(1)) {
			if s.b.After(cur.b) {
				cur.b = s.b
			}
			continue
		}
		if cur != nil {
			years += yearsBetween(cur.a, cur.b)
		}
		cur = &s
	}
	if cur != nil {
		years += yearsBetween(cur.a, cur.b)
	}
	appendRoles := func(b []byte) []byte {
		if len(rule.Roles) == 0 {
			return append(b, "professional"...)
		}
		return appendOrList(b, "", rule.Roles)
	}
	// appendHave appends "2 years of therapist experience".
	appendHave := func(b []byte, x float64, unit string) []byte {
		return append(appendRoles(append(appendAmount(b, x, unit), " of "...)), " experience"...)
	}
	o := outcome{used: used}
	o.ok = true
	if n := btoi(rule.MinYears > 0) + btoi(rule.MinHours > 0); n > 0 {
		o.progress = make([]Progress, 0, n)
	}
	if rule.MinYears > 0 {
		o.progress = append(o.progress, Progress{Label: "experience years", Value: round(years), Target: rule.MinYears, Unit: "years",
			Text: c.text(func(b []byte) []byte {
				return append(appendRoles(append(appendAmount(append(appendNumber(b, years), " of "...), rule.MinYears, "years"), " of "...)), " experience"...)
			})})
		if years < rule.MinYears-1e-9 {
			o.ok = false
			o.steps = append(o.steps, fmt.Sprintf("%s of %s experience", more(rule.MinYears-years, "years"), orRoles(rule.Roles)))
		}
	}
	if rule.MinHours > 0 {
		o.progress = append(o.progress, Progress{Label: "experience hours", Value: round(hours), Target: rule.MinHours, Unit: "hours",
			Text: c.text(func(b []byte) []byte {
				return append(appendRoles(append(appendAmount(append(appendNumber(b, hours), " of "...), rule.MinHours, "hours"), " of "...)), " experience"...)
			})})
		if hours < rule.MinHours-1e-9 {
			o.ok = false
			o.steps = append(o.steps, fmt.Sprintf("%s of %s experience", more(rule.MinHours-hours, "hours"), orRoles(rule.Roles)))
		}
	}
	o.why = c.text(func(b []byte) []byte {
		if !o.ok {
			b = append(b, "only "...)
		}
		if rule.MinYears > 0 {
			b = appendHave(b, years, "years")
		}
		if rule.MinHours > 0 {
			if rule.MinYears > 0 {
				b = append(b, " and "...)
			}
			b = appendHave(b, hours, "hours")
		}
		if !from.IsZero() {
			b = appendDate(append(b, " since "...), from)
		}
		return b
	})
	return o
}

// orRoles writes the roles of an experience rule, or "professional".
func orRoles(roles []string) string {
	if len(roles) == 0 {
		return "professional"
	}
	return orList(roles)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// yearsBetween measures the period from a to b, both days included, in
// years: whole calendar years first (so 2021-06-01 to 2023-05-31 is exactly
// 2, leap day or not), then the remaining days at 365.25 a year.
func yearsBetween(a, b date.Date) float64 {
	end := b.AddDays(1)
	y := 0
	for !a.AddYears(y + 1).After(end) {
		y++
	}
	return float64(y) + float64(a.AddYears(y).DaysUntil(end))/365.25
}

// jurisdictionMatches accepts an exact code (US-FL) or a country prefix (US).
func jurisdictionMatches(patterns []string, j string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if strings.EqualFold(p, j) || strings.HasPrefix(strings.ToUpper(j), strings.ToUpper(p)+"-") {
			return true
		}
	}
	return false
}

func (c *evalCtx) checkLicense(r *requirements.Requirement, withClaimed bool) outcome {
	if r.Continuous == requirements.ContinuousSupervision {
		if start := c.supervisionStart(); !start.IsZero() {
			if o, ok := c.licenseThrough(r, withClaimed, start); ok {
				return o
			}
		}
	}
	o := outcome{why: fmt.Sprintf("no %s license on file", orList(r.Professions))}
	if len(r.Jurisdictions) > 0 {
		o.why += " in " + strings.Join(r.Jurisdictions, ", ")
	}
	for _, l := range c.p.Licenses {
		if !accepted(l.Verification.EffectiveState(), withClaimed) || !slices.Contains(r.Professions, l.Profession) || !jurisdictionMatches(r.Jurisdictions, l.Jurisdiction) {
			continue
		}
		label := fmt.Sprintf("%s license %s (%s)", words(l.Profession), l.Number, l.Jurisdiction)
		switch {
		case r.IndependentPractice && !l.IndependentPractice:
			o.why = label + " does not allow independent practice"
			o.steps = []string{"a license that allows independent practice"}
		case l.ValidFrom.After(c.asOf):
			o.why = fmt.Sprintf("%s is valid only from %s", label, l.ValidFrom)
			o.steps = []string{"wait until the license takes effect, or evaluate as of a later date"}
		case !l.ValidTo.IsZero() && l.ValidTo.Before(c.asOf):
			o.why = fmt.Sprintf("%s expired %s, before %s", label, l.ValidTo, c.asOf)
			o.steps = []string{"renew the license and add the renewed license with its new validity dates"}
		default:
			return outcome{ok: true, why: label + " is valid on " + c.asOf.String(), used: []Use{usedItem(l.ID, l.Verification)}}
		}
	}
	if len(o.steps) == 0 {
		o.steps = []string{"add a valid " + orList(r.Professions) + " license"}
	}
	return o
}

// licenseThrough checks that licenses fitting the requirement cover every
// day from the start of supervision to the evaluation date; ok is false
// when no license fits at all, which the check on the evaluation date
// explains better.
func (c *evalCtx) licenseThrough(r *requirements.Requirement, withClaimed bool, start date.Date) (outcome, bool) {
	var spellArray [4]spell
	spells := spellArray[:0]
	for _, l := range c.p.Licenses {
		if !accepted(l.Verification.EffectiveState(), withClaimed) || !slices.Contains(r.Professions, l.Profession) ||
			!jurisdictionMatches(r.Jurisdictions, l.Jurisdiction) || (r.IndependentPractice && !l.IndependentPractice) {
			continue
		}
		spells = append(spells, spell{l.ID, l.ValidFrom, l.ValidTo, l.Verification})
	}
	if len(spells) == 0 {
		return outcome{}, false
	}
	ok, used, gapFrom, gapTo := c.cover(spells, start)
	if ok {
		return outcome{ok: true, used: used, why: c.text(func(b []byte) []byte {
			b = append(appendOrList(append(b, "held a"...), " ", r.Professions), " license"...)
			if len(r.Jurisdictions) > 0 {
				b = append(b, " in "...)
				for i, j := range r.Jurisdictions {
					if i > 0 {
						b = append(b, ", "...)
					}
					b = append(b, j...)
				}
			}
			return c.appendFromStart(append(b, " without a gap "...), start)
		})}, true
	}
	what := orList(r.Professions) + " license"
	if len(r.Jurisdictions) > 0 {
		what += " in " + strings.Join(r.Jurisdictions, ", ")
	}
	label := fmt.Sprintf("from the start of supervision (%s) to %s", start, c.asOf)
	return outcome{why: fmt.Sprintf("no %s from %s to %s; it must be held without a gap %s", what, gapFrom, gapTo, label), used: used,
		steps: []string{fmt.Sprintf("show a %s valid from %s to %s (a lapse cannot be closed later; ask the board)", what, gapFrom, gapTo)}}, true
}

// appendFromStart appends "from the start of supervision (start) to as-of".
func (c *evalCtx) appendFromStart(b []byte, start date.Date) []byte {
	b = appendDate(append(b, "from the start of supervision ("...), start)
	return appendDate(append(b, ") to "...), c.asOf)
}

// spell is one period of a license, membership or insurance policy.
type spell struct {
	id       string
	from, to date.Date // to is zero when open-ended
	v        portfolio.Verification
}

// supervisionStart is the start of supervision: the earliest supervision
// contract or session that was not rejected, when on or before the
// evaluation date (zero otherwise).
func (c *evalCtx) supervisionStart() date.Date {
	first := c.firstContract
	for i := range c.p.Sessions {
		if s := &c.p.Sessions[i]; s.Verification.EffectiveState() != portfolio.Rejected && (first.IsZero() || s.Date.Before(first)) {
			first = s.Date
		}
	}
	if first.After(c.asOf) {
		return date.Date{}
	}
	return first
}

// cover reports whether spells cover every day from `from` to the
// evaluation date, with the spells used; when they do not, the first gap.
func (c *evalCtx) cover(spells []spell, from date.Date) (ok bool, used []Use, gapFrom, gapTo date.Date) {
	slices.SortFunc(spells, func(x, y spell) int { return x.from.Compare(y.from) })
	covered := from // the first day not yet covered
	for _, m := range spells {
		if m.from.After(covered) {
			break
		}
		if m.to.IsZero() || !m.to.Before(covered) {
			used = append(used, usedItem(m.id, m.v))
			if m.to.IsZero() {
				covered = c.asOf.AddDays(1)
				break
			}
			covered = m.to.AddDays(1)
		}
		if covered.After(c.asOf) {
			break
		}
	}
	if covered.After(c.asOf) {
		return true, used, date.Date{}, date.Date{}
	}
	gapTo = c.asOf
	for _, m := range spells {
		if m.from.After(covered) {
			gapTo = m.from.AddDays(-1)
			break
		}
	}
	return false, used, covered, gapTo
}

func (c *evalCtx) checkMembership(r *requirements.Requirement, withClaimed bool) outcome {
	var msArray [4]*portfolio.Membership
	ms := msArray[:0]
	otherCategory := ""
	for i := range c.p.Memberships {
		m := &c.p.Memberships[i]
		if !accepted(m.Verification.EffectiveState(), withClaimed) || !containsFold(r.Organizations, m.Organization) {
			continue
		}
		if len(r.Categories) > 0 && !containsFold(r.Categories, m.Category) {
			otherCategory = m.Category
			continue
		}
		ms = append(ms, m)
	}
	from, continuous := c.asOf, ""
	switch r.Continuous {
	case requirements.ContinuousSupervision:
		if first := c.supervisionStart(); !first.IsZero() {
			from, continuous = first, requirements.ContinuousSupervision
		}
	case requirements.ContinuousCycle:
		if c.cycleStart.IsZero() {
			return outcome{why: c.cycleProblem, steps: []string{"add the credential being renewed"}}
		}
		from, continuous = c.cycleStart, requirements.ContinuousCycle
	}
	// appendLabel appends when membership is needed.
	appendLabel := func(b []byte) []byte {
		switch continuous {
		case requirements.ContinuousSupervision:
			return c.appendFromStart(b, from)
		case requirements.ContinuousCycle:
			b = appendDate(append(b, "through the current cycle so far ("...), from)
			return append(appendDate(append(b, " to "...), c.asOf), ')')
		}
		return appendDate(append(b, "on "...), c.asOf)
	}
	var spellArray [4]spell
	spells := spellArray[:0]
	for _, m := range ms {
		spells = append(spells, spell{m.ID, m.From, m.To, m.Verification})
	}
	ok, used, covered, gapEnd := c.cover(spells, from)
	if ok {
		return outcome{ok: true, used: used, why: c.text(func(b []byte) []byte {
			b = append(b, "member of "...)
			for i, o := range r.Organizations {
				if i > 0 {
					b = append(b, " or "...)
				}
				b = append(b, o...)
			}
			return appendLabel(append(b, ' '))
		})}
	}
	org := strings.Join(r.Organizations, " or ")
	label := c.text(appendLabel)
	if len(ms) == 0 {
		if otherCategory != "" {
			return outcome{why: fmt.Sprintf("the %s membership on file is in category %s; %s is needed", org, words(otherCategory), orList(r.Categories)),
				steps: []string{fmt.Sprintf("hold %s membership as %s", org, orList(r.Categories))}}
		}
		return outcome{why: fmt.Sprintf("no %s membership on file", org), steps: []string{"join " + org + " and add the membership"}}
	}
	if from == c.asOf {
		last := *ms[len(ms)-1]
		for _, m := range ms {
			if !m.To.IsZero() && m.To.After(last.To) {
				last = *m
			}
		}
		why := fmt.Sprintf("no %s membership in force on %s", org, c.asOf)
		if !last.To.IsZero() && last.To.Before(c.asOf) {
			why += fmt.Sprintf(" (the last ended %s)", last.To)
		}
		return outcome{why: why, steps: []string{"renew the " + org + " membership and add it"}}
	}
	return outcome{why: fmt.Sprintf("not a member of %s from %s to %s; membership must be continuous %s", org, covered, gapEnd, label), used: used,
		steps: []string{fmt.Sprintf("show %s membership from %s to %s (a lapse cannot be closed later; ask the board about reinstatement)", org, covered, gapEnd)}}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (c *evalCtx) checkInsurance(r *requirements.Requirement, withClaimed bool) outcome {
	if start := c.supervisionStart(); r.Continuous == requirements.ContinuousSupervision && !start.IsZero() {
		var spellArray [4]spell
		spells := spellArray[:0]
		for _, in := range c.p.Insurance {
			if accepted(in.Verification.EffectiveState(), withClaimed) {
				spells = append(spells, spell{in.ID, in.From, in.To, in.Verification})
			}
		}
		if len(spells) > 0 {
			ok, used, gapFrom, gapTo := c.cover(spells, start)
			if ok {
				return outcome{ok: true, used: used, why: c.text(func(b []byte) []byte {
					return c.appendFromStart(append(b, "insured without a gap "...), start)
				})}
			}
			label := fmt.Sprintf("from the start of supervision (%s) to %s", start, c.asOf)
			return outcome{why: fmt.Sprintf("no liability insurance from %s to %s; it must be held without a gap %s", gapFrom, gapTo, label), used: used,
				steps: []string{fmt.Sprintf("show liability insurance in force from %s to %s", gapFrom, gapTo)}}
		}
	}
	o := outcome{why: "no liability insurance on file"}
	for _, in := range c.p.Insurance {
		if !accepted(in.Verification.EffectiveState(), withClaimed) {
			continue
		}
		if c.asOf.Within(in.From, in.To) {
			return outcome{ok: true, used: []Use{usedItem(in.ID, in.Verification)}, why: c.text(func(b []byte) []byte {
				return appendDate(append(append(append(b, "insured by "...), in.Carrier...), " on "...), c.asOf)
			})}
		}
		o.why = fmt.Sprintf("the %s policy is not in force on %s (%s to %s)", in.Carrier, c.asOf, in.From, orOpen(in.To))
	}
	o.steps = []string{"add professional liability insurance in force on " + c.asOf.String()}
	return o
}

func orOpen(d date.Date) string {
	if d.IsZero() {
		return "open-ended"
	}
	return d.String()
}

func (c *evalCtx) checkCredential(r *requirements.Requirement, withClaimed bool) outcome {
	o := outcome{why: fmt.Sprintf("no %s credential on file", orList(r.Types)), steps: []string{"add the " + orList(r.Types) + " credential"}}
	// at is the day held_years is measured on.
	at := c.asOf
	var contract *portfolio.Contract
	if r.HeldAt == requirements.HeldAtFirstContractStart {
		// The earliest contract not rejected marks the start of supervision,
		// as in supervisionStart, whether or not it is verified yet: a later
		// verified contract would measure the years too late. On a tie the
		// verified contract is taken.
		for i := range c.p.Contracts {
			k := &c.p.Contracts[i]
			st := k.Verification.EffectiveState()
			if st == portfolio.Rejected || k.Start.After(c.asOf) {
				continue
			}
			if contract == nil || k.Start.Before(contract.Start) ||
				(k.Start == contract.Start && st == portfolio.Verified && contract.Verification.EffectiveState() != portfolio.Verified) {
				contract = k
			}
		}
		if contract == nil {
			return outcome{why: fmt.Sprintf("no supervision contract on file, so how long %s was held when supervision began cannot be measured", orList(r.Types)),
				steps: []string{"add the supervision contract"}}
		}
		if !accepted(contract.Verification.EffectiveState(), withClaimed) {
			// Only the pass with claimed evidence can measure: at best pending.
			return outcome{why: fmt.Sprintf("the first supervision contract (%s) is not verified", contract.ID),
				used: []Use{usedItem(contract.ID, contract.Verification)}, steps: []string{"have the supervision contract verified"}}
		}
		at = contract.Start
	}
	earliest, firstFrom := date.Date{}, date.Date{}
	var used []Use
	valid, heldAt := false, false
	for _, cr := range c.p.Credentials {
		if !accepted(cr.Verification.EffectiveState(), withClaimed) || !slices.Contains(r.Types, cr.Type) || cr.ValidFrom.After(c.asOf) {
			continue
		}
		if cr.Status == "revoked" {
			o.why = fmt.Sprintf("the %s credential %s was revoked", cr.Type, cr.Number)
			continue
		}
		used = append(used, usedItem(cr.ID, cr.Verification))
		if (cr.Status == "" || cr.Status == "active") && c.asOf.Within(cr.ValidFrom, cr.ValidTo) {
			valid = true
		}
		if firstFrom.IsZero() || cr.ValidFrom.Before(firstFrom) {
			firstFrom = cr.ValidFrom
		}
		if cr.ValidFrom.After(at) {
			continue // begun after the day measured: no years then
		}
		if earliest.IsZero() || cr.ValidFrom.Before(earliest) {
			earliest = cr.ValidFrom
		}
		if at.Within(cr.ValidFrom, cr.ValidTo) {
			heldAt = true
		}
	}
	if contract != nil {
		used = append(used, usedItem(contract.ID, contract.Verification))
	}
	if firstFrom.IsZero() {
		return o
	}
	if r.MustBeValid && !valid {
		return outcome{why: fmt.Sprintf("no %s credential is valid and active on %s", orList(r.Types), c.asOf), used: used,
			steps: []string{"renew or reinstate the credential"}}
	}
	if contract == nil {
		years := yearsBetween(earliest, c.asOf.AddDays(-1))
		if r.HeldYears > 0 && years < r.HeldYears-1e-9 {
			return outcome{why: fmt.Sprintf("held %s since %s: %s of %s years", orList(r.Types), earliest, num(years), num(r.HeldYears)), used: used,
				steps:    []string{fmt.Sprintf("wait until %s", earliest.AddMonths(int(math.Ceil(r.HeldYears*12))))},
				progress: []Progress{{Label: "years held", Value: round(years), Target: r.HeldYears, Unit: "years", Text: fmt.Sprintf("%s of %s years", num(years), num(r.HeldYears))}}}
		}
		return outcome{ok: true, why: fmt.Sprintf("holds %s since %s", orList(r.Types), earliest), used: used}
	}
	// Measured when the first supervision contract began, which a later
	// credential or a later contract cannot change.
	when := fmt.Sprintf("when the first supervision contract (%s) began on %s", contract.ID, at)
	cannot := fmt.Sprintf("%s had to be held for %s years by %s; ask the board", orList(r.Types), num(r.HeldYears), at)
	switch {
	case earliest.IsZero():
		return outcome{why: fmt.Sprintf("%s was first held from %s, after the first supervision contract (%s) began on %s", orList(r.Types), firstFrom, contract.ID, at),
			used: used, steps: []string{cannot}}
	case !heldAt:
		return outcome{why: fmt.Sprintf("no %s credential was valid %s", orList(r.Types), when), used: used, steps: []string{cannot}}
	}
	years := yearsBetween(earliest, at.AddDays(-1))
	progress := []Progress{{Label: "years held", Value: round(years), Target: r.HeldYears, Unit: "years",
		Text: fmt.Sprintf("%s of %s years %s", num(years), num(r.HeldYears), when)}}
	if years < r.HeldYears-1e-9 {
		return outcome{why: fmt.Sprintf("held %s since %s: %s of %s years %s", orList(r.Types), earliest, num(years), num(r.HeldYears), when),
			used: used, steps: []string{cannot}, progress: progress}
	}
	return outcome{ok: true, why: fmt.Sprintf("held %s since %s: %s years %s", orList(r.Types), earliest, num(years), when), used: used, progress: progress}
}

func (c *evalCtx) checkAttestation(r *requirements.Requirement, withClaimed bool) outcome {
	o := outcome{}
	for _, a := range c.p.Attestations {
		if !accepted(a.Verification.EffectiveState(), withClaimed) || a.Code != r.Code {
			continue
		}
		if a.Signed.After(c.asOf) {
			o.why = fmt.Sprintf("%s was signed on %s, after the as-of date", r.Code, a.Signed)
			continue
		}
		return outcome{ok: true, used: []Use{usedItem(a.ID, a.Verification)}, why: c.text(func(b []byte) []byte {
			return appendDate(append(append(append(b, "signed "...), r.Code...), " on "...), a.Signed)
		})}
	}
	if o.why == "" {
		o.why = "no signed " + r.Code + " on file"
	}
	what := strings.TrimPrefix(strings.TrimPrefix(r.Title, "Signed "), "signed ")
	o.steps = []string{"sign " + what}
	return o
}

// inCollection reports whether a portfolio collection holds an item with
// an id that was not rejected: a document supporting a rejected item
// supports nothing. Documents and their supports are few, so the
// collection is searched rather than indexed.
func (c *evalCtx) inCollection(name, id string) bool {
	p := c.p
	switch name {
	case "degrees":
		return hasLive(p.Degrees, id, func(x *portfolio.Degree) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "licenses":
		return hasLive(p.Licenses, id, func(x *portfolio.License) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "memberships":
		return hasLive(p.Memberships, id, func(x *portfolio.Membership) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "insurance":
		return hasLive(p.Insurance, id, func(x *portfolio.Insurance) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "experience":
		return hasLive(p.Experience, id, func(x *portfolio.Experience) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "credentials":
		return hasLive(p.Credentials, id, func(x *portfolio.Credential) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "education":
		return hasLive(p.Education, id, func(x *portfolio.Activity) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "clinical_hours":
		return hasLive(p.ClinicalHours, id, func(x *portfolio.ClinicalHours) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "supervision_contracts":
		return hasLive(p.Contracts, id, func(x *portfolio.Contract) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "supervision_sessions":
		return hasLive(p.Sessions, id, func(x *portfolio.Session) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "attestations":
		return hasLive(p.Attestations, id, func(x *portfolio.Attestation) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "peer_reviews":
		return hasLive(p.PeerReviews, id, func(x *portfolio.PeerReview) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "cases":
		return hasLive(p.Cases, id, func(x *portfolio.Case) (string, portfolio.Verification) { return x.ID, x.Verification })
	case "exams":
		return hasLive(p.Exams, id, func(x *portfolio.Exam) (string, portfolio.Verification) { return x.ID, x.Verification })
	}
	return false
}

// hasLive reports whether xs holds an item with an id that was not rejected.
func hasLive[T any](xs []T, id string, of func(*T) (string, portfolio.Verification)) bool {
	for i := range xs {
		if x, v := of(&xs[i]); x == id && v.EffectiveState() != portfolio.Rejected {
			return true
		}
	}
	return false
}

// checkDocuments looks for the documents each entry of a documents
// requirement asks for. A document counts toward one entry only, so entries
// of one kind need distinct documents ("two reference letters" and "a
// letter from the supervisor" need three letters), and two items of one
// file are one document. Documents are matched to entries as a bipartite
// matching, which finds the most entries' worth of documents whatever the
// order; entries with supports are served first, so that when documents
// run short it is an entry any document of its kind can fill that lacks.
func (c *evalCtx) checkDocuments(r *requirements.Requirement, withClaimed bool) outcome {
	rules := r.Documents
	docs := c.p.Documents
	// The files group the document items by file: items with the same
	// file_sha256 are one document. head[f] is file f's first item and
	// next[i] the item after i in its file (-1 at the end). All the integer
	// tables share one array.
	nd, nr := len(docs), len(rules)
	ints := make([]int, 3*nd+nr*nd+nd)
	head, next, tail := ints[:0:nd], ints[nd:2*nd], ints[2*nd:3*nd] // tail[f] is file f's last item
	var byFile map[string]int
	for i, d := range docs {
		next[i] = -1
		if d.FileSHA256 != "" {
			if f, ok := byFile[d.FileSHA256]; ok {
				next[tail[f]] = i
				tail[f] = i
				continue
			}
			if byFile == nil {
				byFile = map[string]int{}
			}
			byFile[d.FileSHA256] = len(head)
		}
		tail[len(head)] = i
		head = append(head, i)
	}
	nf := len(head)
	// fits[k*nf+f] is the item of file f that fits rule k, or -1.
	fits := ints[3*nd : 3*nd+nr*nf]
	for k, rule := range rules {
		for f, first := range head {
			fits[k*nf+f] = -1
			for i := first; i >= 0; i = next[i] {
				d := &docs[i]
				if !accepted(d.Verification.EffectiveState(), withClaimed) || d.Kind != rule.Kind || d.Received.After(c.asOf) {
					continue
				}
				if rule.Supports != "" && !slices.ContainsFunc(d.Supports, func(id string) bool { return c.inCollection(rule.Supports, id) }) {
					continue
				}
				fits[k*nf+f] = i
				break
			}
		}
	}
	// slots holds a rule index per document needed, the rules with
	// supports first; owner[f] is the slot file f serves, or -1.
	var slots []int
	for _, specific := range []bool{true, false} {
		for k, rule := range rules {
			if (rule.Supports != "") == specific {
				for range max(rule.Count, 1) {
					slots = append(slots, k)
				}
			}
		}
	}
	owner := ints[3*nd+nr*nd : 3*nd+nr*nd+nf]
	for f := range owner {
		owner[f] = -1
	}
	seen := make([]bool, nf)
	var augment func(s int) bool
	augment = func(s int) bool {
		for f := range nf {
			if seen[f] || fits[slots[s]*nf+f] < 0 {
				continue
			}
			seen[f] = true
			if owner[f] < 0 || augment(owner[f]) {
				owner[f] = s
				return true
			}
		}
		return false
	}
	for s := range slots {
		clear(seen)
		augment(s)
	}

	o := outcome{ok: true}
	if len(slots) > 0 {
		o.used = make([]Use, 0, len(slots))
	}
	var missing []string
	for k, rule := range rules {
		need, found, fitting := max(rule.Count, 1), 0, 0
		for f := range nf {
			if fits[k*nf+f] < 0 {
				continue
			}
			fitting++
			if owner[f] >= 0 && slots[owner[f]] == k {
				found++
				d := &docs[fits[k*nf+f]]
				o.used = append(o.used, usedItem(d.ID, d.Verification))
			}
		}
		title := rule.Title
		if title == "" {
			title = words(rule.Kind)
		}
		elsewhere := fitting - found // fitting documents counted toward other entries
		switch {
		case found == need:
		case need == 1:
			text := title
			if elsewhere > 0 {
				text += " (on file, but counted toward another entry)"
			}
			missing = append(missing, text)
			o.steps = append(o.steps, "upload "+lowerFirst(title))
		default:
			text := fmt.Sprintf("%s (%d of %d on file", title, found, need)
			if elsewhere > 0 {
				text += fmt.Sprintf(", not counting %s counted toward another entry", count(elsewhere, "document"))
			}
			missing = append(missing, text+")")
			o.steps = append(o.steps, fmt.Sprintf("upload %s (%d more)", lowerFirst(title), need-found))
		}
	}
	if len(o.used) == 0 {
		o.used = nil
	}
	if len(missing) > 0 {
		o.ok = false
		o.why = "missing: " + strings.Join(missing, ", ")
		return o
	}
	// Each file serves one entry, so the documents used are distinct.
	o.why = fmt.Sprintf("all %d documents on file", len(o.used))
	if len(o.used) == 1 {
		o.why = "the document is on file"
	}
	return o
}

func (c *evalCtx) checkPeerReview(r *requirements.Requirement, withClaimed bool) outcome {
	kind := r.ReviewKind
	if kind == "" {
		kind = "review"
	}
	// Each reviewer's latest answer is the one that counts: an approval
	// withdrawn by a later rejection or request for revision no longer counts.
	// latest holds the index of each reviewer's latest answer, in the order
	// of the reviewers' first answers.
	var latestArray [8]int
	latest := latestArray[:0]
	reviews := c.p.PeerReviews
	for i := range reviews {
		pr := &reviews[i]
		if !accepted(pr.Verification.EffectiveState(), withClaimed) || pr.Kind != kind || pr.Date.After(c.asOf) {
			continue
		}
		j := slices.IndexFunc(latest, func(k int) bool { return reviews[k].Reviewer == pr.Reviewer })
		if j < 0 {
			latest = append(latest, i)
		} else if !pr.Date.Before(reviews[latest[j]].Date) {
			latest[j] = i
		}
	}
	approvals := 0 // each reviewer answers once in latest
	var used []Use
	var notes []string
	for _, k := range latest {
		pr := &reviews[k]
		name := pr.ReviewerName
		if name == "" {
			name = pr.Reviewer
		}
		switch {
		case pr.Reviewer == c.p.Person.ID:
			notes = append(notes, name+" is the applicant")
		case r.ExcludeSupervisors && c.supervisedBy(pr.Reviewer):
			notes = append(notes, name+" supervised the applicant and cannot count")
		case pr.Outcome != "approve":
			notes = append(notes, fmt.Sprintf("%s answered %s on %s", name, pr.Outcome, pr.Date))
		default:
			approvals++
			used = append(used, usedItem(pr.ID, pr.Verification))
		}
	}
	// The progress text and its unit are cut from the explanation:
	// "2 of 3 approving reviews from independent reviewers (...)".
	var progressEnd, unitFrom int
	why := c.text(func(b []byte) []byte {
		b = append(strconv.AppendInt(b, int64(approvals), 10), " of "...)
		b = append(strconv.AppendInt(b, int64(r.Approvals), 10), " approving "...)
		unitFrom = len(b)
		b = appendWords(b, kind)
		if r.Approvals != 1 {
			b = append(b, 's')
		}
		progressEnd = len(b)
		b = append(b, " from independent reviewers"...)
		if len(notes) > 0 {
			b = append(b, " ("...)
			for i, n := range notes {
				if i > 0 {
					b = append(b, "; "...)
				}
				b = append(b, n...)
			}
			b = append(b, ')')
		}
		return b
	})
	unit := why[unitFrom:progressEnd]
	if r.Approvals == 1 {
		unit = words(kind) + "s"
	}
	o := outcome{used: used, ok: approvals >= r.Approvals, why: why,
		progress: []Progress{{Label: "approvals", Value: float64(approvals), Target: float64(r.Approvals), Unit: unit,
			Text: why[:progressEnd]}}}
	if !o.ok {
		who := "reviewers"
		if r.ExcludeSupervisors {
			who = "reviewers who did not supervise the applicant"
		}
		missing := r.Approvals - approvals
		noun := "approving " + words(kind)
		if missing != 1 {
			noun += "s"
		}
		o.steps = []string{fmt.Sprintf("%d more %s from %s", missing, noun, who)}
	}
	return o
}
