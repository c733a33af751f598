package plissit

import (
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/date"
)

// SexualHistory is the sexual history taken at Specific Suggestions, in
// the four steps of the model, each a section of its own. It is taken over
// one or more sessions, so a step may be partly written: Check judges what
// is written, Complete says which steps are done.
type SexualHistory struct {
	// Issues is step 1: the issues and concerns defined.
	Issues Issues `json:"step1"`
	// Evolution is step 2: how the concerns evolved over time.
	Evolution Evolution `json:"step2"`
	// Understanding is step 3: the client's understanding of the main
	// issues and the options for resolving them.
	Understanding Understanding `json:"step3"`
	// Plan is step 4: the client's view of the sources of the concerns,
	// realistic goals and a plan.
	Plan Plan `json:"step4"`
}

// Issues is step 1 of a sexual history: the concerns, defined.
type Issues struct {
	// Concerns are the client's concerns, each defined in their words;
	// none twice.
	Concerns []Concern `json:"concerns"`
}

// Concern is one concern defined in step 1.
type Concern struct {
	// ConcernID is the concern's id in the practice's list of concerns
	// (such as low sexual desire); the use case checks that it is listed.
	ConcernID string `json:"concern_id"`
	// Description defines the concern for this client, in their words.
	Description string `json:"description"`
}

// Evolution is step 2 of a sexual history: how the concerns came about
// and changed.
type Evolution struct {
	// Onset is when the concerns began.
	Onset Onset `json:"onset"`
	// Course is how they have gone since: steady, worse, in episodes.
	Course string `json:"course"`
	// Context is what surrounded their beginning and course: relationships,
	// health, medication, events.
	Context string `json:"context"`
	// Acquisition says whether the concerns are lifelong or acquired;
	// "" until decided.
	Acquisition Acquisition `json:"acquisition"`
	// Generality says whether they are generalised or situational; ""
	// until decided.
	Generality Generality `json:"generality"`
}

// Onset is when a concern began: a date or the client's age then, or
// neither when only words fit ("since the first attempt at
// intercourse"), with words as the client put it.
type Onset struct {
	// Date is the day it began, if known; the zero Date for none.
	Date date.Date `json:"date"`
	// Age is the client's age in years when it began, if known; 0 for none.
	Age int `json:"age"`
	// Text says it in words.
	Text string `json:"text"`
}

// MaxAge is the highest age an onset may give.
const MaxAge = 120

// given says whether anything of the onset is written.
func (o Onset) given() bool {
	return !o.Date.IsZero() || o.Age != 0 || strings.TrimSpace(o.Text) != ""
}

// Acquisition says whether a concern has been there since the client's
// sexual life began or came later (the DSM-5-TR and ICD-11 specifier).
type Acquisition string

// The acquisitions.
const (
	Lifelong Acquisition = "lifelong"
	Acquired Acquisition = "acquired"
)

// Generality says whether a concern arises in every situation or only in
// some (the DSM-5-TR and ICD-11 specifier).
type Generality string

// The generalities.
const (
	Generalised Generality = "generalised"
	Situational Generality = "situational"
)

// Understanding is step 3 of a sexual history.
type Understanding struct {
	// Client is the client's understanding of the main issues.
	Client string `json:"client"`
	// Options are the options for resolution discussed with the client.
	Options string `json:"options"`
}

// Plan is step 4 of a sexual history.
type Plan struct {
	// Sources is the client's view of where the concerns come from.
	Sources string `json:"sources"`
	// Goals are the realistic goals set with the client, one a line.
	Goals []string `json:"goals"`
	// Plan is how the goals will be worked towards.
	Plan string `json:"plan"`
}

// earliest is the earliest onset date a history accepts, 1900-01-01;
// anything before is a typing error.
var earliest = date.Of(1900, time.January, 1)

// Check refuses what is written wrongly in any step, and says, field by
// field, how to fix it: text too long or not text, an unknown concern id
// or one listed twice, a concern without a description, an onset both as
// a date and as an age, a date in the future of now's day (in now's
// location) or before 1900-01-01, an age outside 1 to MaxAge, an
// acquisition or generality not one of the listed ones, an empty goal or
// more than MaxGoals.
// What is simply not written yet is for Complete. Field names are
// "step1.concerns.0.description", "step2.onset.date" and so on.
func (h SexualHistory) Check(now time.Time) error {
	var p problems
	today := date.FromTime(now)

	if n := len(h.Issues.Concerns); n > MaxItems {
		p.Add("step1.concerns", fmt.Sprintf("list at most %d concerns (this has %d); merge the ones that belong together", MaxItems, n))
	} else {
		seen := map[string]int{}
		for i, c := range h.Issues.Concerns {
			f := fmt.Sprintf("step1.concerns.%d.", i)
			p.id(f+"concern_id", c.ConcernID, fmt.Sprintf("choose the concern %d is about from the list of concerns", i+1))
			if j, dup := seen[c.ConcernID]; dup && c.ConcernID != "" {
				p.Add(f+"concern_id", fmt.Sprintf("concern %d is the same concern as concern %d; describe both in one", i+1, j))
			} else {
				seen[c.ConcernID] = i + 1
			}
			p.text(f+"description", c.Description, MaxText, true, fmt.Sprintf("define concern %d for this client, in their words", i+1))
		}
	}

	e := h.Evolution
	switch {
	case !e.Onset.Date.IsZero() && e.Onset.Age != 0:
		p.Add("step2.onset", "give the onset as a date or as the client's age then, not both")
	case !e.Onset.Date.IsZero() && e.Onset.Date.After(today):
		p.Add("step2.onset.date", fmt.Sprintf("%s is in the future; give the day the concern began, on or before %s", e.Onset.Date, today))
	case !e.Onset.Date.IsZero() && e.Onset.Date.Before(earliest):
		p.Add("step2.onset.date", fmt.Sprintf("%s is before %s; check the year", e.Onset.Date, earliest))
	case e.Onset.Age < 0 || e.Onset.Age > MaxAge:
		p.Add("step2.onset.age", fmt.Sprintf("give the client's age in whole years, 1 to %d, or leave it empty", MaxAge))
	}
	p.text("step2.onset.text", e.Onset.Text, MaxText, true, "")
	p.text("step2.course", e.Course, MaxText, true, "")
	p.text("step2.context", e.Context, MaxText, true, "")
	switch e.Acquisition {
	case "", Lifelong, Acquired:
	default:
		p.Add("step2.acquisition", fmt.Sprintf("unknown value %q; choose lifelong or acquired", clip(string(e.Acquisition))))
	}
	switch e.Generality {
	case "", Generalised, Situational:
	default:
		p.Add("step2.generality", fmt.Sprintf("unknown value %q; choose generalised or situational", clip(string(e.Generality))))
	}

	p.text("step3.client", h.Understanding.Client, MaxText, true, "")
	p.text("step3.options", h.Understanding.Options, MaxText, true, "")

	p.text("step4.sources", h.Plan.Sources, MaxText, true, "")
	p.list("step4.goals", h.Plan.Goals, MaxGoals, "goal", "goals")
	p.text("step4.plan", h.Plan.Plan, MaxText, true, "")

	return p.Err("Invalid sexual history")
}

// StepStatus says whether one step of a sexual history is done, and if
// not, what is still to write.
type StepStatus struct {
	// Step is the step's number, 1 to 4.
	Step int
	// Name is the step as people read it.
	Name string
	// Done says whether everything the step asks for is written.
	Done bool
	// Missing are the fields still to write, by field name
	// ("step2.course"), in the form's order.
	Missing []string
}

// stepNames are the four steps of a sexual history as people read them.
var stepNames = [4]string{
	"Issues and concerns defined",
	"Evolution over time",
	"Understanding and options for resolution",
	"Sources, goals and plan",
}

// Complete says, for each of the four steps in order, whether it is done:
// step 1 when at least one concern is listed and each has an id and a
// description; step 2 when the onset (a date, an age or words), the
// course, the context, whether lifelong or acquired and whether
// generalised or situational are all given; step 3 when the client's
// understanding and the options discussed are written; step 4 when the
// client's view of the sources, at least one goal and the plan are
// written. It judges presence only; Check judges the values.
func (h SexualHistory) Complete() [4]StepStatus {
	var out [4]StepStatus
	var miss [4][]string
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }

	if len(h.Issues.Concerns) == 0 {
		miss[0] = append(miss[0], "step1.concerns")
	}
	for i, c := range h.Issues.Concerns {
		if c.ConcernID == "" {
			miss[0] = append(miss[0], fmt.Sprintf("step1.concerns.%d.concern_id", i))
		}
		if blank(c.Description) {
			miss[0] = append(miss[0], fmt.Sprintf("step1.concerns.%d.description", i))
		}
	}

	e := h.Evolution
	if !e.Onset.given() {
		miss[1] = append(miss[1], "step2.onset")
	}
	if blank(e.Course) {
		miss[1] = append(miss[1], "step2.course")
	}
	if blank(e.Context) {
		miss[1] = append(miss[1], "step2.context")
	}
	if e.Acquisition == "" {
		miss[1] = append(miss[1], "step2.acquisition")
	}
	if e.Generality == "" {
		miss[1] = append(miss[1], "step2.generality")
	}

	if blank(h.Understanding.Client) {
		miss[2] = append(miss[2], "step3.client")
	}
	if blank(h.Understanding.Options) {
		miss[2] = append(miss[2], "step3.options")
	}

	if blank(h.Plan.Sources) {
		miss[3] = append(miss[3], "step4.sources")
	}
	goal := false
	for _, g := range h.Plan.Goals {
		goal = goal || !blank(g)
	}
	if !goal {
		miss[3] = append(miss[3], "step4.goals")
	}
	if blank(h.Plan.Plan) {
		miss[3] = append(miss[3], "step4.plan")
	}

	for i := range out {
		out[i] = StepStatus{Step: i + 1, Name: stepNames[i], Done: len(miss[i]) == 0, Missing: miss[i]}
	}
	return out
}

// Done says whether all four steps are done: what Facts.HistoryComplete
// reports for a move to Intensive Therapy. A history that Check refuses
// is never done, however much of it is written.
func (h SexualHistory) Done(now time.Time) bool {
	if h.Check(now) != nil {
		return false
	}
	for _, s := range h.Complete() {
		if !s.Done {
			return false
		}
	}
	return true
}
