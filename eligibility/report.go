// Package eligibility holds the engine that judges a portfolio against a
// requirement set on a date and explains the verdict requirement by
// requirement. It is pure: no I/O, no clock (the date is an argument).
package eligibility

import "github.com/certboard/certboard/date"

// Status is the outcome of one requirement.
type Status string

// Requirement statuses.
const (
	// Met: satisfied by verified evidence alone.
	Met Status = "met"
	// Unmet: not satisfied even counting evidence that is only claimed.
	Unmet Status = "unmet"
	// Pending: would be satisfied once claimed evidence is verified.
	Pending Status = "pending"
	// NotApplicable: the requirement's applies_if condition is false.
	NotApplicable Status = "not_applicable"
)

// Verdicts of a report.
const (
	VerdictEligible    = "eligible"
	VerdictPending     = "pending_verification"
	VerdictNotEligible = "not_eligible"
)

// Report is the explainable answer to "does this person meet these rules on
// this date, and if not, what is missing?".
type Report struct {
	Set         SetRef    `json:"set"`
	Person      string    `json:"person"`
	AsOf        date.Date `json:"as_of"`
	Eligible    bool      `json:"eligible"`
	Verdict     string    `json:"verdict"`
	Summary     string    `json:"summary"`
	Results     []Result  `json:"results"`
	Unconfirmed []Note    `json:"unconfirmed,omitempty"`
}

// SetRef names the requirement set and version a report applies.
type SetRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Version string `json:"version"`
	// CertboardDraft is true when Version is a label certboard's authors
	// gave a draft of the body's rules, not the body's own.
	CertboardDraft bool `json:"certboard_draft,omitempty"`
	// Why says how the version was chosen.
	Why string `json:"why,omitempty"`
}

// Note repeats a set's confidence note so a reader knows which figures are not confirmed.
type Note struct {
	Figure string `json:"figure"`
	Note   string `json:"note"`
}

// Result is the outcome of one requirement.
type Result struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Kind        string     `json:"kind"`
	Status      Status     `json:"status"`
	Explanation string     `json:"explanation"`
	Progress    []Progress `json:"progress,omitempty"`
	Evidence    []Use      `json:"evidence,omitempty"`
	Excluded    []Excluded `json:"excluded,omitempty"`
	Shortfall   *Shortfall `json:"shortfall,omitempty"`
	// Sources are the passages of public documents the requirement comes
	// from, as its set cites them: the requirement's own first, then those
	// of its routes, minimums and caps.
	Sources []Source `json:"sources,omitempty"`
}

// Source is one passage a requirement comes from, with what a reader needs
// to find and weigh the document.
type Source struct {
	// For names the part of the requirement the passage is about, such as
	// "cap: Group supervision"; empty for the requirement as a whole.
	For     string `json:"for,omitempty"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Edition string `json:"edition,omitempty"`
	// Retrieved is the date the set's authors read the document.
	Retrieved date.Date `json:"retrieved,omitzero"`
	// Primary is true for the body's own text, false for a third party's
	// copy or account of it; absent when the set does not say.
	Primary *bool  `json:"primary,omitempty"`
	Section string `json:"section"`
	Quote   string `json:"quote"`
}

// ThirdParty reports whether the document is marked as a third party's.
func (s Source) ThirdParty() bool { return s.Primary != nil && !*s.Primary }

// Progress is one figure toward a requirement ("core knowledge: 72 of 90 credits").
type Progress struct {
	Label  string  `json:"label"`
	Value  float64 `json:"value"`
	Target float64 `json:"target,omitempty"`
	// Limit is set for a cap: Value is what the evidence offers, Limit what may count.
	Limit float64 `json:"limit,omitempty"`
	Unit  string  `json:"unit,omitempty"`
	Text  string  `json:"text"`
}

// Use is one evidence item counted toward a requirement.
type Use struct {
	ID string `json:"id"`
	// Amount is what the item contributes, in the requirement's unit.
	Amount float64 `json:"amount,omitempty"`
	// Areas splits Amount by area for a requirement with a taxonomy.
	Areas []AreaAmount `json:"areas,omitempty"`
	State string       `json:"state"`
}

// AreaAmount is the part of an item's contribution counted in one area.
type AreaAmount struct {
	Area   string  `json:"area"`
	Amount float64 `json:"amount"`
}

// Area returns the amount counted in one area (0 when none).
func (u Use) Area(code string) float64 {
	for _, a := range u.Areas {
		if a.Area == code {
			return a.Amount
		}
	}
	return 0
}

// Excluded is an evidence item that could have counted but does not, and why.
type Excluded struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// Shortfall says how far an unmet requirement is from being met and the
// cheapest way to close the gap.
type Shortfall struct {
	Amount float64  `json:"amount,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	Steps  []string `json:"steps"`
}
