package escalation

import (
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/practice/measure"
)

// Input is what the rules are evaluated on for one case.
type Input struct {
	// Measures are the case's scored measures. Only the latest of each
	// instrument (by Taken; the later in the list on a tie) is evaluated.
	Measures []Measure
	// Recorded are the comorbidities recorded by hand.
	Recorded []Recorded
}

// Check refuses an input a person could have got wrong: a recorded
// comorbidity of a kind or source that is not one of the listed ones. A
// caller checks what it was sent before it stores or evaluates it.
func (in Input) Check() error {
	for i, rc := range in.Recorded {
		if !rc.Kind.Known() {
			_, err := ParseKind(string(rc.Kind))
			return fmt.Errorf("recorded %d: %w", i+1, err)
		}
		if _, err := ParseSource(string(rc.Source)); err != nil {
			return fmt.Errorf("recorded %d: %w", i+1, err)
		}
	}
	return nil
}

// Measure is one scored measure of the case.
type Measure struct {
	// Result is the scored response, as measure.Score returns it.
	Result measure.Result
	// Taken is when the measure was taken.
	Taken time.Time
	// Ref identifies the stored response, for a page to link to; optional.
	Ref string
}

// Recorded is a comorbidity recorded by hand.
type Recorded struct {
	// Kind is the comorbidity.
	Kind Kind
	// Source is where it comes from: a diagnosis on file or the
	// practitioner's judgement.
	Source Source
	// Note says more (which diagnosis, what the practitioner saw).
	Note string
}

// Report is what the rules say about a case.
type Report struct {
	// Version and Effective name the rules evaluated.
	Version   string
	Effective string
	// Comorbidities are the comorbidities indicated, in the order of
	// Kinds, each with where it came from.
	Comorbidities []Comorbidity
	// NeedsIntensiveTherapy says whether the case needs Intensive
	// Therapy, and IntensiveTherapyReasons why.
	NeedsIntensiveTherapy   bool
	IntensiveTherapyReasons []Reason
	// SafetyTasks are the safety tasks to open, with the measure that
	// raised each.
	SafetyTasks []SafetyTask
	// Outcomes are every rule, in the file's order, with whether it fired
	// and why or why not.
	Outcomes []Outcome
}

// Comorbidity is one comorbidity indicated on a case.
type Comorbidity struct {
	// Kind is the comorbidity.
	Kind Kind
	// Label is Kind as people read it.
	Label string
	// From are where it came from, one entry a rule or a record.
	From []Evidence
}

// Evidence is where a comorbidity came from: a rule that fired on a
// measure (Rule, Measure) or a record made by hand (Recorded).
type Evidence struct {
	// Rule is the id of the rule that fired; "" for a record.
	Rule string
	// Measure is the measure the rule fired on; nil for a record.
	Measure *Measure
	// Recorded is the record; nil for a rule.
	Recorded *Recorded
	// Why says it in words.
	Why string
}

// Reason is one reason the case needs Intensive Therapy: the rule that
// says so and the comorbidity it fired on.
type Reason struct {
	// Rule is the id of the rule that says so.
	Rule string
	// Comorbidity is the comorbidity it fired on.
	Comorbidity Kind
	// Why says it in words.
	Why string
}

// SafetyTask is a safety task a rule opened.
type SafetyTask struct {
	// Task is the task (SameDay).
	Task string
	// Rule is the id of the rule that opened it.
	Rule string
	// Measure is the measure that raised it.
	Measure Measure
	// Why says it in words.
	Why string
}

// Outcome is one rule's result on the case.
type Outcome struct {
	// Rule is the rule.
	Rule Rule
	// Fired says whether its condition held.
	Fired bool
	// Why says why it fired or did not, naming the rule, the instrument
	// and the value.
	Why string
}

// Evaluate runs the rules on the case. Rules on a measure run first, in
// the file's order; rules on any comorbidity then see what those
// indicated together with what was recorded by hand.
func Evaluate(rules *Rules, in Input) Report {
	rep := Report{Version: rules.Version, Effective: rules.Effective.String()}
	latest := map[string]*Measure{}
	for i := range in.Measures {
		m := &in.Measures[i]
		if cur, ok := latest[m.Result.Instrument]; !ok || !m.Taken.Before(cur.Taken) {
			latest[m.Result.Instrument] = m
		}
	}
	outcomes := make([]Outcome, len(rules.Rules))
	from := map[Kind][]Evidence{}
	for i, r := range rules.Rules {
		if r.When.AnyComorbidity {
			continue
		}
		o := Outcome{Rule: r}
		m := latest[r.When.Instrument]
		o.Fired, o.Why = testMeasure(r, m)
		if o.Fired {
			mc := *m
			switch {
			case r.Then.Comorbidity != "":
				o.Why += "; indicates " + r.Then.Comorbidity.Label()
				from[r.Then.Comorbidity] = append(from[r.Then.Comorbidity], Evidence{Rule: r.ID, Measure: &mc, Why: o.Why})
			case r.Then.SafetyTask != "":
				o.Why += "; opens a same-day safety task"
				rep.SafetyTasks = append(rep.SafetyTasks, SafetyTask{Task: r.Then.SafetyTask, Rule: r.ID, Measure: mc, Why: o.Why})
			case r.Then.IntensiveTherapy:
				o.Why += "; the case needs Intensive Therapy"
				rep.NeedsIntensiveTherapy = true
				rep.IntensiveTherapyReasons = append(rep.IntensiveTherapyReasons, Reason{Rule: r.ID, Why: o.Why})
			}
		}
		outcomes[i] = o
	}
	for i := range in.Recorded {
		rc := in.Recorded[i]
		why := fmt.Sprintf("%s recorded from the %s", rc.Kind.Label(), rc.Source.Label())
		if rc.Note != "" {
			why += ": " + rc.Note
		}
		from[rc.Kind] = append(from[rc.Kind], Evidence{Recorded: &rc, Why: why})
	}
	order := Kinds()
	for k := range from {
		if !k.Known() {
			order = append(order, k)
		}
	}
	for _, k := range order {
		if ev, ok := from[k]; ok {
			rep.Comorbidities = append(rep.Comorbidities, Comorbidity{Kind: k, Label: k.Label(), From: ev})
		}
	}
	for i, r := range rules.Rules {
		if !r.When.AnyComorbidity {
			continue
		}
		o := Outcome{Rule: r}
		if len(rep.Comorbidities) == 0 {
			o.Why = fmt.Sprintf("rule %s: no comorbidity is indicated by a measure or recorded on the case", r.ID)
		} else {
			o.Fired = true
			parts := make([]string, len(rep.Comorbidities))
			for j, c := range rep.Comorbidities {
				srcs := make([]string, len(c.From))
				for k, e := range c.From {
					srcs[k] = e.short()
				}
				parts[j] = fmt.Sprintf("%s (%s)", c.Label, strings.Join(srcs, "; "))
			}
			o.Why = fmt.Sprintf("rule %s: the case has %s", r.ID, strings.Join(parts, ", "))
			for _, c := range rep.Comorbidities {
				why := fmt.Sprintf("rule %s: %s coexists with the sexual concern", r.ID, c.Label)
				// The loader allows only intensive_therapy on any_comorbidity.
				rep.NeedsIntensiveTherapy = true
				rep.IntensiveTherapyReasons = append(rep.IntensiveTherapyReasons, Reason{Rule: r.ID, Comorbidity: c.Kind, Why: why})
			}
			o.Why += "; the case needs Intensive Therapy"
		}
		outcomes[i] = o
	}
	rep.Outcomes = outcomes
	return rep
}

// short names where evidence came from, for a rule's explanation.
func (e Evidence) short() string {
	if e.Recorded != nil {
		return e.Recorded.Source.Label()
	}
	in := instrumentName(e.Measure.Result.Instrument)
	return fmt.Sprintf("rule %s on %s total %s", e.Rule, in, total(e.Measure.Result.Total))
}

// testMeasure says whether a measure rule holds on m (nil when the case has
// no such measure) and why.
func testMeasure(r Rule, m *Measure) (bool, string) {
	c := r.When
	name := instrumentName(c.Instrument)
	if m == nil {
		return false, fmt.Sprintf("rule %s: no %s scored on the case", r.ID, name)
	}
	res := m.Result
	on := fmt.Sprintf("rule %s: %s total %s on %s", r.ID, name, total(res.Total), m.Taken.Format("2006-01-02"))
	switch {
	case c.Positive:
		rule := ""
		if in, ok := measure.Lookup(c.Instrument); ok {
			rule = " (" + in.Positive + ")"
		}
		if res.Positive {
			return true, on + " is positive" + rule
		}
		return false, on + " is not positive" + rule
	case len(c.Band) > 0:
		want := orList(c.Band)
		if contains(c.Band, res.Band) {
			return true, fmt.Sprintf("%s is in band %s, one of %s", on, res.Band, want)
		}
		return false, fmt.Sprintf("%s is in band %s, not %s", on, res.Band, want)
	case c.Flag != "":
		if contains(res.Flags, c.Flag) {
			return true, fmt.Sprintf("%s raised the %s flag", on, c.Flag)
		}
		return false, fmt.Sprintf("%s raised no %s flag", on, c.Flag)
	}
	return false, on + ": the rule tests nothing"
}

// instrumentName returns the instrument's name ("PHQ-9"), or its id when
// unknown.
func instrumentName(id string) string {
	if in, ok := measure.Lookup(id); ok {
		return in.Name
	}
	return id
}

// total writes a total without a needless decimal place.
func total(t float64) string { return fmt.Sprint(t) }

// orList joins "zone_3", "zone_4" as "zone_3 or zone_4".
func orList(vals []string) string {
	if len(vals) < 2 {
		return strings.Join(vals, "")
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// Partial is a measure answered in part: the client has not sent it yet,
// so it has no total, only the flags its answers raise whatever the rest
// get (measure.FlagsSoFar).
type Partial struct {
	// Instrument is the instrument's id ("phq-9").
	Instrument string
	// Flags are the flags raised so far.
	Flags []string
	// Answered counts the items answered, of Items.
	Answered, Items int
	// Taken is when the answers were saved.
	Taken time.Time
	// Ref identifies what holds the answers, for a page to link to.
	Ref string
}

// PartialTasks returns the safety tasks the rules open on a measure
// answered in part: those of the rules on a flag of its instrument that
// it raised. A safety task cannot wait for answers the client may never
// send; the other rules, on a total or a band, wait for a scored measure.
// Each task's Measure holds the instrument and the flags, with no total.
func PartialTasks(rules *Rules, p Partial) []SafetyTask {
	var out []SafetyTask
	for _, r := range rules.Rules {
		c := r.When
		if r.Then.SafetyTask == "" || c.Flag == "" || c.Instrument != p.Instrument || !contains(p.Flags, c.Flag) {
			continue
		}
		why := fmt.Sprintf("rule %s: %s answered in part (%d of %d items) on %s raised the %s flag; opens a same-day safety task",
			r.ID, instrumentName(p.Instrument), p.Answered, p.Items, p.Taken.Format("2006-01-02"), c.Flag)
		m := Measure{Result: measure.Result{Instrument: p.Instrument, Flags: append([]string{}, p.Flags...)}, Taken: p.Taken, Ref: p.Ref}
		out = append(out, SafetyTask{Task: r.Then.SafetyTask, Rule: r.ID, Measure: m, Why: why})
	}
	return out
}
