// Package escalation evaluates practice mode's escalation rules: from a
// case's latest scored measures and the comorbidities recorded by hand, it
// says which comorbidities are indicated and where each came from, whether
// the case needs Intensive Therapy (PLISSIT's fourth stage) and why, which
// same-day safety tasks to open, and for every rule whether it fired and
// why or why not. The rules ship as versioned data (rules/*.yaml) with
// their sources. The package is pure: no I/O, no clock.
package escalation

import (
	"fmt"
	"strings"

	"github.com/certboard/certboard"
)

// Kind is a comorbidity that, coexisting with a sexual concern, calls for
// Intensive Therapy under PLISSIT (Annon, 1976).
type Kind string

// The comorbidity kinds, in the order Kinds lists them.
const (
	Depression            Kind = "depression"
	Anxiety               Kind = "anxiety"
	PersonalityDisorder   Kind = "personality_disorder"
	SubstanceUse          Kind = "substance_use"
	InterpersonalConflict Kind = "interpersonal_conflict"
	IntrapersonalConflict Kind = "intrapersonal_conflict"
)

// kinds is every kind with its label, in order: the one list of them.
var kinds = []struct {
	kind  Kind
	label string
}{
	{Depression, "Depression"},
	{Anxiety, "Anxiety disorder (including OCD)"},
	{PersonalityDisorder, "Personality disorder"},
	{SubstanceUse, "Substance use"},
	{InterpersonalConflict, "Interpersonal conflict"},
	{IntrapersonalConflict, "Intrapersonal conflict"},
}

// Kinds returns every comorbidity kind, in a fixed order.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = k.kind
	}
	return out
}

// Label returns the kind as people read it; an unknown kind is returned
// as it is.
func (k Kind) Label() string {
	for _, e := range kinds {
		if e.kind == k {
			return e.label
		}
	}
	return string(k)
}

// Known says whether k is one of Kinds.
func (k Kind) Known() bool {
	for _, e := range kinds {
		if e.kind == k {
			return true
		}
	}
	return false
}

// ParseKind reads a kind's id; anything else is an Invalid
// *certboard.Error naming the field "kind".
func ParseKind(s string) (Kind, error) {
	if k := Kind(s); k.Known() {
		return k, nil
	}
	return "", certboard.FieldError(certboard.Invalid, "kind",
		fmt.Sprintf("unknown comorbidity %q; use one of %s", s, kindList()))
}

// kindList joins the kinds' ids for messages.
func kindList() string {
	ids := make([]string, len(kinds))
	for i, k := range kinds {
		ids[i] = string(k.kind)
	}
	return strings.Join(ids, ", ")
}

// Source says where a comorbidity recorded by hand comes from.
type Source string

// The sources of a recorded comorbidity.
const (
	// Diagnosis is a diagnosis on file.
	Diagnosis Source = "diagnosis"
	// Judgement is the practitioner's clinical judgement.
	Judgement Source = "judgement"
)

// Label returns the source as people read it.
func (s Source) Label() string {
	switch s {
	case Diagnosis:
		return "diagnosis on file"
	case Judgement:
		return "practitioner's judgement"
	}
	return string(s)
}

// ParseSource reads "diagnosis" or "judgement"; anything else is an
// Invalid *certboard.Error naming the field "source".
func ParseSource(s string) (Source, error) {
	switch Source(s) {
	case Diagnosis, Judgement:
		return Source(s), nil
	}
	return "", certboard.FieldError(certboard.Invalid, "source",
		fmt.Sprintf("unknown source %q; use diagnosis or judgement", s))
}
