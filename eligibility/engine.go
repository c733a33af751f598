package eligibility

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// Evaluate judges a portfolio against a requirement set as of a date. Only
// evidence dated on or before asOf counts; rejected evidence never counts;
// evidence that is only claimed makes a requirement pending, never met. Hours
// are allocated across the set's hours requirements by maximum flow, so each
// hour counts once and the verdict is eligible exactly when some valid
// allocation of the evidence meets every requirement.
func Evaluate(p *portfolio.Portfolio, set *requirements.Set, asOf date.Date) *Report {
	views := &viewCache{p: p}
	conds := conditions(set, views, asOf)
	if !conds.differ {
		return evaluate(p, set, asOf, views, conds.claimed, conds)
	}
	// Whether some requirement applies depends on evidence still awaiting
	// verification. The verdict on verified evidence alone uses the
	// requirements that apply to it; the report uses those that apply once
	// claimed evidence is verified, with the difference made pending.
	vp := verifiedOnly(p)
	verified := evaluate(vp, set, asOf, &viewCache{p: vp}, conds.verified, conds)
	if verified.Eligible {
		verified.Summary += " (on verified evidence alone)"
		return verified
	}
	rep := evaluate(p, set, asOf, views, conds.claimed, conds)
	for i, res := range rep.Results {
		switch {
		case conds.claimed[i] && !conds.verified[i]:
			if res.Status == Met {
				res.Status = Pending
			}
			res.Explanation += "; it applies only because of evidence still awaiting verification (with verified evidence alone its condition is false)"
		case !conds.claimed[i] && conds.verified[i]:
			vr := verified.Results[i]
			if vr.Status == Met {
				res = vr
				break
			}
			res.Status = Pending
			res.Explanation = "waived only once evidence awaiting verification is verified; with verified evidence alone it applies: " + vr.Explanation
			res.Shortfall = vr.Shortfall
		}
		rep.Results[i] = res
	}
	conclude(rep, set, asOf)
	return rep
}

// conds is the applicability of each requirement, by its position in the
// set, judged on verified evidence alone and with claimed evidence too.
type conds struct {
	verified, claimed []bool
	// errs holds the errors of conditions that could not be evaluated
	// (nil when there are none).
	errs   []error
	differ bool
}

// viewCache holds the CEL views of one portfolio.
type viewCache struct {
	p     *portfolio.Portfolio
	views [2]map[string]any
}

func (v *viewCache) get(withClaimed bool) map[string]any {
	i := 0
	if withClaimed {
		i = 1
	}
	if v.views[i] == nil {
		v.views[i] = celView(v.p, withClaimed)
	}
	return v.views[i]
}

// conditions evaluates every applies_if on both views. A condition that
// cannot be evaluated counts as true: a rule is never waived by an error.
func conditions(set *requirements.Set, views *viewCache, asOf date.Date) conds {
	n := len(set.Requirements)
	both := make([]bool, 2*n)
	cs := conds{verified: both[:n:n], claimed: both[n:]}
	for k, r := range set.Requirements {
		cs.verified[k], cs.claimed[k] = true, true
		cond := r.Condition()
		if cond == nil {
			continue
		}
		for _, withClaimed := range []bool{false, true} {
			ok, err := cond.Eval(map[string]any{"portfolio": views.get(withClaimed), "as_of": asOf.Time()})
			if err != nil {
				if cs.errs == nil {
					cs.errs = make([]error, n)
				}
				cs.errs[k], ok = err, true
			}
			if withClaimed {
				cs.claimed[k] = ok
			} else {
				cs.verified[k] = ok
			}
		}
		cs.differ = cs.differ || cs.verified[k] != cs.claimed[k]
	}
	return cs
}

// evaluate judges the portfolio with a given applicability.
func evaluate(p *portfolio.Portfolio, set *requirements.Set, asOf date.Date, views *viewCache,
	applies []bool, cs conds) *Report {
	sc := getScratch()
	defer sc.release()
	c := newCtx(p, set, asOf, sc)
	c.view = views.get
	rep := &Report{
		Set:    SetRef{ID: set.ID, Title: set.Title, Body: set.Body, Version: set.Version, CertboardDraft: set.CertboardDraft()},
		Person: p.Person.Name,
		AsOf:   asOf,
	}
	// A requirement that does not apply takes no hours from the others.
	c.hours = c.prepareHours(applies)
	hours := c.evalHours(c.hours)
	sources := compiled(set).reportSources()
	rep.Results = make([]Result, 0, len(set.Requirements))
	next := 0 // the next of hours
	for k, r := range set.Requirements {
		var res Result
		switch {
		case !applies[k]:
			res = Result{ID: r.ID, Title: r.Title, Kind: r.Kind, Status: NotApplicable,
				Explanation: "does not apply to this portfolio: its condition is false (" + strings.Join(strings.Fields(r.AppliesIf), " ") + ")"}
		case r.Kind == requirements.KindHours:
			// prepareHours took the hours requirements that apply, in order.
			res = hours[next]
			next++
		case r.Kind == requirements.KindRatio:
			res = c.ratioResult(r)
		default:
			res = c.nonHours(r)
		}
		if cs.errs != nil && cs.errs[k] != nil {
			err := cs.errs[k]
			res.Explanation += fmt.Sprintf("; its applies_if condition could not be evaluated (%v), so it is treated as applying", err)
		}
		res.Sources = sources[k]
		rep.Results = append(rep.Results, res)
	}
	conclude(rep, set, asOf)
	return rep
}

// conclude sets the verdict and summary from the results, and lists the
// set's unconfirmed figures.
func conclude(rep *Report, set *requirements.Set, asOf date.Date) {
	unmet, pending, na := 0, 0, 0
	for _, r := range rep.Results {
		switch r.Status {
		case Unmet:
			unmet++
		case Pending:
			pending++
		case NotApplicable:
			na++
		}
	}
	applicable := len(rep.Results) - na
	rep.Eligible = false
	// The summary is concatenated rather than formatted: the same words
	// with fewer allocations.
	title, day := set.Title, asOf.String()
	switch {
	case unmet > 0:
		rep.Verdict = VerdictNotEligible
		rep.Summary = "Not eligible for " + title + " as of " + day + ": " + count(unmet, "requirement") + " unmet"
		if pending > 0 {
			rep.Summary += ", " + strconv.Itoa(pending) + " pending verification"
		}
	case pending > 0:
		rep.Verdict = VerdictPending
		rep.Summary = "Not yet eligible for " + title + " as of " + day + ": " + count(pending, "requirement") + " met only by evidence still awaiting verification"
	default:
		rep.Verdict = VerdictEligible
		rep.Eligible = true
		switch applicable {
		case 0:
			rep.Summary = "Eligible for " + title + " as of " + day + ": none of its requirements applies"
		case 1:
			rep.Summary = "Eligible for " + title + " as of " + day + ": its requirement is met"
		default:
			rep.Summary = "Eligible for " + title + " as of " + day + ": all " + strconv.Itoa(applicable) + " requirements met"
		}
		if na > 0 && applicable > 0 {
			rep.Summary += " (" + strconv.Itoa(na) + " not applicable)"
		}
	}
	rep.Unconfirmed = nil
	unconfirmed := 0
	for _, n := range set.Confidence {
		if n.Status == "unconfirmed" {
			unconfirmed++
		}
	}
	if unconfirmed > 0 {
		rep.Unconfirmed = make([]Note, 0, unconfirmed)
	}
	for _, n := range set.Confidence {
		if n.Status == "unconfirmed" {
			rep.Unconfirmed = append(rep.Unconfirmed, Note{Figure: n.Figure, Note: strings.TrimSpace(n.Note)})
		}
	}
}

// verifiedOnly returns a copy of the portfolio with only its verified items.
func verifiedOnly(p *portfolio.Portfolio) *portfolio.Portfolio {
	b, err := json.Marshal(celView(p, false))
	if err != nil {
		panic(err) // the view is plain JSON data
	}
	var v portfolio.Portfolio
	if err := json.Unmarshal(b, &v); err != nil {
		panic(err)
	}
	return &v
}

// nonHours runs a non-hours requirement with verified evidence, then, when
// that fails, with claimed evidence too.
func (c *evalCtx) nonHours(r *requirements.Requirement) Result {
	res := Result{ID: r.ID, Title: r.Title, Kind: r.Kind}
	o := c.check(r, false)
	res.Status = Met
	if !o.ok {
		o = c.check(r, true)
		res.Status = Unmet
		if o.ok {
			res.Status = Pending
		}
	}
	res.Progress, res.Evidence, res.Excluded = o.progress, o.used, o.excluded
	switch res.Status {
	case Met:
		res.Explanation = o.why
	case Pending:
		var ids []string
		for _, u := range o.used {
			if u.State == string(portfolio.Claimed) {
				ids = append(ids, u.ID)
			}
		}
		res.Explanation = fmt.Sprintf("would be met (%s) once %s %s verified", o.why, strings.Join(ids, ", "), isAre(len(ids)))
		if len(ids) == 0 {
			res.Explanation = "would be met (" + o.why + ") once claimed evidence is verified"
		}
	case Unmet:
		res.Explanation = o.why
		res.Shortfall = &Shortfall{Steps: o.steps}
		if len(o.steps) == 0 {
			res.Shortfall.Steps = []string{r.Title}
		}
	}
	return res
}

// checkExpression runs a CEL expression requirement.
func (c *evalCtx) checkExpression(r *requirements.Requirement, withClaimed bool) outcome {
	ok, err := r.Program().Eval(map[string]any{"portfolio": c.view(withClaimed), "as_of": c.asOf.Time()})
	if err != nil {
		return outcome{why: fmt.Sprintf("the rule could not be evaluated (%v): %s", err, r.Explanation), steps: []string{r.Explanation}}
	}
	if ok {
		return outcome{ok: true, why: r.Explanation}
	}
	return outcome{why: "not shown: " + r.Explanation, steps: []string{r.Explanation}}
}

// celView is the portfolio as CEL sees it: its JSON form, with rejected
// items removed, and claimed items removed unless withClaimed.
func celView(p *portfolio.Portfolio, withClaimed bool) map[string]any {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // a Portfolio always marshals
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	for k, v := range m {
		arr, ok := v.([]any)
		if !ok {
			continue
		}
		kept := arr[:0]
		for _, e := range arr {
			obj, _ := e.(map[string]any)
			st := portfolio.Claimed
			if ver, ok := obj["verification"].(map[string]any); ok {
				if s, ok := ver["state"].(string); ok {
					st = portfolio.State(s)
				}
			}
			if accepted(st, withClaimed) {
				kept = append(kept, e)
			}
		}
		m[k] = kept
	}
	return m
}

// Select picks the version of a set that applies to a portfolio: the one in
// force on the as-of date, or, for a set that applies by contract start, the
// one in force when the first supervision contract began.
func Select(reg *requirements.Catalog, id string, p *portfolio.Portfolio, asOf date.Date) (*requirements.Set, string, error) {
	latest := reg.Latest(id)
	if latest == nil {
		return nil, "", fmt.Errorf("no requirement set has id %q; run 'certboard requirements list' to see them", id)
	}
	day, why := asOf, "in force on the as-of date "+asOf.String()
	if latest.AppliesBy == requirements.AppliesByContractStart {
		first := date.Date{}
		for _, k := range p.Contracts {
			if k.Verification.EffectiveState() != portfolio.Rejected && !k.Start.After(asOf) && (first.IsZero() || k.Start.Before(first)) {
				first = k.Start
			}
		}
		if !first.IsZero() {
			day, why = first, "in force when the first supervision contract was signed, "+first.String()
		}
	}
	s, err := reg.At(id, day)
	if err != nil && day != asOf {
		// A contract older than every version: the earliest version applies.
		if vs := reg.Versions(id); len(vs) > 0 && day.Before(vs[0].EffectiveFrom) {
			return vs[0], fmt.Sprintf("%s, the earliest on file: the supervision contract (%s) predates every version", vs[0].Version, day), nil
		}
	}
	return s, why, err
}

// count writes "1 item" or "3 items".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// amount writes a figure with its unit, singular for exactly one ("1 hour").
func amount(x float64, unit string) string {
	if round(x) == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return num(x) + " " + unit
}

// more writes "3 more hours" or "1 more hour".
//
// It rounds up, so that a shortfall of 0.001 reads "0.01 more", never "0 more".
func more(x float64, unit string) string {
	x = math.Ceil(x*100-1e-6) / 100
	if x == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return strconv.FormatFloat(x, 'f', -1, 64) + " more " + unit
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
