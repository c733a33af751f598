package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// caseItems returns the portfolio's cases as items, so that filters and
// windows judge them as they judge hours: a case is dated by the day it
// was opened, and its period runs to the day it was closed (to the day it
// was opened while it is open).
func (c *evalCtx) caseItems() []*item {
	items := make([]*item, len(c.p.Cases))
	for i := range c.p.Cases {
		k := &c.p.Cases[i]
		it := &item{start: k.Opened, end: k.Opened,
			st: c.stateCode(k.Verification.EffectiveState()), coll: collCases, idx: int32(i)}
		if !k.Closed.IsZero() {
			it.end = k.Closed
		}
		items[i] = it
	}
	return items
}

// foreignToCases reports whether a filter uses a field of other evidence,
// which no case can match.
func foreignToCases(f *requirements.Filter) bool {
	return len(f.ActivityKinds)+len(f.ProviderKinds)+len(f.ApprovedBy)+len(f.NotApprovedBy)+len(f.Delivery)+
		len(f.Format)+len(f.SessionDelivery)+len(f.Content)+len(f.SupervisorCredential)+len(f.Modalities) > 0 ||
		f.SexualityRelated || f.MaxGroupSize > 0 || f.TelehealthWhereLicensed
}

// unitWords names a case's unit as an adjective: "a couple", "an individual".
func unitWords(unit string) string {
	if unit == "individual" {
		return "an individual"
	}
	return "a " + unit
}

// caseFilter tests a case against a filter (filter has checked evidence).
func (c *evalCtx) caseFilter(f *requirements.Filter, it *item, explain bool) (bool, string) {
	k := c.kase(it)
	switch {
	case foreignToCases(f):
		return false, "is a case, which this filter does not select"
	case len(f.CaseUnits) > 0 && !slices.Contains(f.CaseUnits, k.Unit):
		return false, explained(explain, func() string { return fmt.Sprintf("is %s case, not %s", unitWords(k.Unit), orList(f.CaseUnits)) })
	case len(f.Focus) > 0 && !intersects(f.Focus, k.Focus):
		return false, explained(explain, func() string {
			if len(k.Focus) == 0 {
				return fmt.Sprintf("records no focus; %s is needed", orList(f.Focus))
			}
			return fmt.Sprintf("has %s focus, not %s", strings.Join(k.Focus, " and "), orList(f.Focus))
		})
	case f.Completed && !k.Completed:
		return false, "is not marked completed"
	case f.Completed && k.Closed.After(c.asOf):
		return false, explained(explain, func() string { return fmt.Sprintf("was completed on %s, after the evaluation date", k.Closed) })
	}
	return c.contractAndWindow(f, it, explain)
}

// acceptsCase reports whether some accepts filter of r selects a case.
func (c *evalCtx) acceptsCase(r *requirements.Requirement, it *item) bool {
	for k := range r.Accepts {
		if c.match(&r.Accepts[k], it) {
			return true
		}
	}
	return false
}

// checkCases counts the cases a requirement accepts, and those of each of
// its minimums among them. A case counts once, toward the total and toward
// every minimum it matches.
func (c *evalCtx) checkCases(r *requirements.Requirement, withClaimed bool) outcome {
	// Without claimed evidence, a case counts only through verified
	// contracts too.
	c.strict = !withClaimed
	defer func() { c.strict = false }()
	noun := "completed case"
	for _, f := range r.Accepts {
		if !f.Completed {
			noun = "case"
		}
	}
	var o outcome
	var counted []*item
	support := map[string]bool{} // claimed contracts that counted cases rest on
	for _, it := range c.caseItems() {
		reason := ""
		switch {
		case c.state(it) == portfolio.Rejected:
			reason = "was rejected in verification"
		case it.start.After(c.asOf):
			reason = fmt.Sprintf("was opened on %s, after the evaluation date", it.start)
		case !accepted(c.state(it), withClaimed):
			reason = "awaits verification"
		case !c.acceptsCase(r, it):
			if len(r.Accepts) > 0 {
				reason = c.why(&r.Accepts[0], it)
			}
		}
		if reason != "" {
			o.excluded = append(o.excluded, Excluded{ID: c.id(it), Reason: reason})
			continue
		}
		counted = append(counted, it)
		o.used = append(o.used, Use{ID: c.id(it), State: string(c.state(it))})
		if withClaimed && c.hasClaimedSupport {
			c.strict = true
			strictOK := c.acceptsCase(r, it)
			c.strict = false
			if k := c.contractOf(it); !strictOK && k != nil && k.Verification.EffectiveState() == portfolio.Claimed && !support[k.ID] {
				support[k.ID] = true
				o.used = append(o.used, usedItem(k.ID, k.Verification))
			}
		}
	}
	n := len(counted)
	have := []string{count(n, noun)}
	var needs []string
	var figures []float64 // the figure of each need
	o.ok = n >= r.Count
	o.progress = append(o.progress, Progress{Label: "cases", Value: float64(n), Target: float64(r.Count), Unit: "cases",
		Text: fmt.Sprintf("%d of %s", n, count(r.Count, noun))})
	if !o.ok {
		needs, figures = append(needs, "at least "+count(r.Count, noun)), append(figures, float64(r.Count))
		o.steps = append(o.steps, fmt.Sprintf("%d more %s", r.Count-n, plural(noun, r.Count-n)))
	}
	for _, b := range r.Minimums {
		label := b.ID
		if t := strings.TrimSpace(b.Title); t != "" {
			label = strings.ToLower(t)
		}
		m := 0
		for _, it := range counted {
			if c.match(&b.Match, it) {
				m++
			}
		}
		have = append(have, fmt.Sprintf("%d of them %s", m, label))
		o.progress = append(o.progress, Progress{Label: b.ID, Value: float64(m), Target: b.Min, Unit: "cases",
			Text: fmt.Sprintf("%d of %g %s", m, b.Min, label)})
		if float64(m) < b.Min {
			o.ok = false
			needs, figures = append(needs, fmt.Sprintf("at least %g %s", b.Min, label)), append(figures, b.Min)
			short := int(b.Min) - m
			o.steps = append(o.steps, fmt.Sprintf("%d more %s (%s)", short, plural("case", short), label))
		}
	}
	o.why = strings.Join(have, ", ")
	if len(needs) > 0 {
		verb := "are"
		if len(needs) == 1 && figures[0] == 1 {
			verb = "is"
		}
		o.why += "; " + strings.Join(needs, " and ") + " " + verb + " needed"
	}
	return o
}

// plural writes a noun for n of them: "case" or "cases".
func plural(noun string, n int) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
