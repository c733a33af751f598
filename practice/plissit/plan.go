package plissit

import (
	"fmt"
	"time"

	"github.com/certboard/certboard/date"
)

// TreatmentPlan is the plan of Intensive Therapy: the goals and how
// progress towards each is measured, the interventions, how often the
// client is seen, when the plan is reviewed, and the comorbidities that
// warrant Intensive Therapy at all.
type TreatmentPlan struct {
	// Goals are what the therapy works towards, at least one.
	Goals []Goal `json:"goals"`
	// Interventions are what the practitioner will do, at least one.
	Interventions []Intervention `json:"interventions"`
	// Frequency is how often the client is seen.
	Frequency Frequency `json:"frequency"`
	// Reviews are the days the plan is to be reviewed, at least one, each
	// later than the one before.
	Reviews []date.Date `json:"reviews"`
	// Comorbidities are the ids of the comorbidities recorded on the case
	// that warrant Intensive Therapy, at least one; the use case checks
	// that each is recorded on the case.
	Comorbidities []string `json:"comorbidities"`
}

// Goal is one goal of a treatment plan.
type Goal struct {
	// ID names the goal within the plan (such as "g1"), so that notes and
	// interventions can refer to it.
	ID string `json:"id"`
	// Text is the goal.
	Text string `json:"text"`
	// Measure says how progress towards it is measured (a measure's score,
	// a count the client keeps, the client's own rating).
	Measure string `json:"measure"`
}

// Intervention is one intervention of a treatment plan.
type Intervention struct {
	// Text is the intervention (sensate focus, cognitive restructuring of
	// performance anxiety, a referral for a medical assessment).
	Text string `json:"text"`
	// Goals are the ids of the goals it serves; empty when it serves the
	// plan as a whole.
	Goals []string `json:"goals"`
}

// Frequency is how often a client is seen: Sessions per Per.
type Frequency struct {
	// Sessions is how many sessions in each period.
	Sessions int `json:"sessions"`
	// Per is the period.
	Per Period `json:"per"`
}

// Period is the period of a frequency.
type Period string

// The periods.
const (
	Week  Period = "week"
	Month Period = "month"
)

// MaxSessions is the most sessions a frequency may give in the period:
// one a day (7 a week, 31 a month); 0 for a period that is not one of
// the two.
func (p Period) MaxSessions() int {
	switch p {
	case Week:
		return 7
	case Month:
		return 31
	}
	return 0
}

// String reads the frequency as people do ("2 sessions a month").
func (f Frequency) String() string {
	unit := "sessions"
	if f.Sessions == 1 {
		unit = "session"
	}
	return fmt.Sprintf("%d %s a %s", f.Sessions, unit, f.Per)
}

// Bounds of a treatment plan.
const (
	// MaxGoals bounds the goals of a plan: more cannot be worked towards
	// at once.
	MaxGoals = 12
	// MaxReviews bounds the review dates of a plan.
	MaxReviews = 24
	// ReviewHorizonYears is how far ahead of today a review may be: a plan
	// is reviewed and rewritten well within it, and a later date is a
	// typing error.
	ReviewHorizonYears = 2
)

// Check refuses a plan that is incomplete or wrongly written, and says,
// field by field, how to fix it. Everything is required: at least one
// goal, each with an id (unique in the plan), a text and a measure of
// progress; at least one intervention, each with a text and referring
// only to goals of the plan; a frequency of 1 to Per.MaxSessions()
// sessions a week or a month; at least one review date, each after now's
// day (in now's location), at most ReviewHorizonYears ahead, and each
// later than the one before; at least one comorbidity id, none twice.
// Field names are "goals.0.measure", "frequency.sessions", "reviews.1" and
// so on.
func (tp TreatmentPlan) Check(now time.Time) error {
	var p problems
	today := date.FromTime(now)

	// goals are the plan's goal ids, with the first goal of each, for the
	// interventions to refer to even when the goals themselves are refused.
	goals := map[string]int{}
	for i, g := range tp.Goals {
		if _, dup := goals[g.ID]; !dup && g.ID != "" {
			goals[g.ID] = i + 1
		}
	}
	switch n := len(tp.Goals); {
	case n == 0:
		p.Add("goals", "set at least one goal, with how progress towards it is measured")
	case n > MaxGoals:
		p.Add("goals", fmt.Sprintf("set at most %d goals (this has %d); merge the ones that belong together", MaxGoals, n))
	default:
		for i, g := range tp.Goals {
			f := fmt.Sprintf("goals.%d.", i)
			p.id(f+"id", g.ID, fmt.Sprintf("give goal %d an id, such as g%d", i+1, i+1))
			if j := goals[g.ID]; j != i+1 && g.ID != "" {
				p.Add(f+"id", fmt.Sprintf("goal %d has the id of goal %d; give each goal its own", i+1, j))
			}
			p.text(f+"text", g.Text, MaxItem, false, fmt.Sprintf("write goal %d", i+1))
			p.text(f+"measure", g.Measure, MaxItem, false, fmt.Sprintf("say how progress towards goal %d is measured", i+1))
		}
	}

	switch n := len(tp.Interventions); {
	case n == 0:
		p.Add("interventions", "name at least one intervention")
	case n > MaxItems:
		p.Add("interventions", fmt.Sprintf("name at most %d interventions (this has %d)", MaxItems, n))
	default:
		for i, in := range tp.Interventions {
			f := fmt.Sprintf("interventions.%d.", i)
			p.text(f+"text", in.Text, MaxItem, false, fmt.Sprintf("write intervention %d", i+1))
			if len(in.Goals) > MaxGoals {
				p.Add(f+"goals", fmt.Sprintf("refer to at most %d goals", MaxGoals))
				continue
			}
			for k, id := range in.Goals {
				if _, ok := goals[id]; !ok {
					p.Add(fmt.Sprintf("%sgoals.%d", f, k), fmt.Sprintf("intervention %d refers to goal %q, which the plan does not have; use the id of one of its goals", i+1, clip(id)))
				}
			}
		}
	}

	fr := tp.Frequency
	if most := fr.Per.MaxSessions(); most == 0 {
		p.Add("frequency.per", fmt.Sprintf("unknown period %q; choose week or month", clip(string(fr.Per))))
	} else if fr.Sessions < 1 || fr.Sessions > most {
		p.Add("frequency.sessions", fmt.Sprintf("give 1 to %d sessions a %s", most, fr.Per))
	}

	switch n := len(tp.Reviews); {
	case n == 0:
		p.Add("reviews", "set at least one day to review the plan")
	case n > MaxReviews:
		p.Add("reviews", fmt.Sprintf("set at most %d review days (this has %d)", MaxReviews, n))
	default:
		last := today.AddYears(ReviewHorizonYears)
		for i, d := range tp.Reviews {
			f := fmt.Sprintf("reviews.%d", i)
			switch {
			case d.IsZero():
				p.Add(f, fmt.Sprintf("give review %d a day", i+1))
			case !d.After(today):
				p.Add(f, fmt.Sprintf("review %d, %s, is not in the future; choose a day after %s", i+1, d, today))
			case d.After(last):
				p.Add(f, fmt.Sprintf("review %d, %s, is more than %d years ahead; choose a day on or before %s", i+1, d, ReviewHorizonYears, last))
			case i > 0 && !tp.Reviews[i-1].IsZero() && !d.After(tp.Reviews[i-1]):
				p.Add(f, fmt.Sprintf("review %d, %s, is not after review %d, %s; list the days in order, each once", i+1, d, i, tp.Reviews[i-1]))
			}
		}
	}

	switch n := len(tp.Comorbidities); {
	case n == 0:
		p.Add("comorbidities", "name at least one comorbidity recorded on the case that warrants Intensive Therapy; without one, the case is worked at the earlier stages")
	case n > MaxItems:
		p.Add("comorbidities", fmt.Sprintf("name at most %d comorbidities", MaxItems))
	default:
		seen := map[string]int{}
		for i, id := range tp.Comorbidities {
			f := fmt.Sprintf("comorbidities.%d", i)
			p.id(f, id, fmt.Sprintf("choose comorbidity %d from those recorded on the case", i+1))
			if j, dup := seen[id]; dup && id != "" {
				p.Add(f, fmt.Sprintf("comorbidity %d repeats comorbidity %d; name each once", i+1, j))
			} else {
				seen[id] = i + 1
			}
		}
	}

	return p.Err("Invalid treatment plan")
}
