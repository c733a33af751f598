package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// checkExam looks for a pass of one of the requirement's examinations (or
// interviews) that counts on the evaluation date: not failed, not taken
// after it, not past its valid_to, and no older than valid_years. When
// none counts, it says of every attempt why.
func (c *evalCtx) checkExam(r *requirements.Requirement, withClaimed bool) outcome {
	codes := strings.Join(r.Codes, " or ")
	var o outcome
	var reasons []string
	var best *portfolio.Exam
	for i := range c.p.Exams {
		e := &c.p.Exams[i]
		if e.Kind != r.ExamKind || !slices.Contains(r.Codes, e.Code) {
			continue
		}
		st := e.Verification.EffectiveState()
		why := ""
		switch {
		case st == portfolio.Rejected:
			why = "was rejected in verification"
		case !accepted(st, withClaimed):
			why = "awaits verification"
		case e.Outcome != "passed":
			why = fmt.Sprintf("failed on %s", e.Date)
		case e.Date.After(c.asOf):
			why = fmt.Sprintf("passed on %s, after the evaluation date", e.Date)
		case !e.ValidTo.IsZero() && e.ValidTo.Before(c.asOf):
			why = fmt.Sprintf("passed on %s, but the pass counted only until %s, before %s", e.Date, e.ValidTo, c.asOf)
		case r.ValidYears > 0 && e.Date.Before(c.asOf.AddYears(-r.ValidYears)):
			why = fmt.Sprintf("passed on %s, more than %d years before %s", e.Date, r.ValidYears, c.asOf)
		}
		if why != "" {
			o.excluded = append(o.excluded, Excluded{ID: e.ID, Reason: why})
			reasons = append(reasons, fmt.Sprintf("%s (%s): %s", e.Title, e.ID, why))
			continue
		}
		if best == nil || e.Date.After(best.Date) {
			best = e
		}
	}
	if best != nil {
		o.ok = true
		o.used = []Use{usedItem(best.ID, best.Verification)}
		o.why = fmt.Sprintf("passed the %s %s (%s) on %s", r.ExamKind, best.Title, best.Code, best.Date)
		if !best.ValidTo.IsZero() {
			o.why += fmt.Sprintf(", valid until %s", best.ValidTo)
		}
		return o
	}
	o.steps = []string{fmt.Sprintf("pass the %s %s and add the result", r.ExamKind, codes)}
	if len(reasons) == 0 {
		o.why = fmt.Sprintf("no %s with code %s on file", r.ExamKind, codes)
		// One of the codes as the other kind (an exam where an interview is
		// asked) is worth naming: the code alone does not make it count.
		for _, e := range c.p.Exams {
			if e.Kind != r.ExamKind && slices.Contains(r.Codes, e.Code) && e.Verification.EffectiveState() != portfolio.Rejected {
				o.why = fmt.Sprintf("an %s with code %s is on file, but an %s is needed", e.Kind, e.Code, r.ExamKind)
				break
			}
		}
		return o
	}
	o.why = fmt.Sprintf("no pass of the %s %s counts: %s", r.ExamKind, codes, strings.Join(reasons, "; "))
	return o
}
