package plissit

import (
	"fmt"
	"strings"

	"github.com/certboard/certboard"
)

// Stage is one of PLISSIT's four stages of intervention. Each asks more of
// the practitioner than the one before: certified sex therapists are
// trained for all four, other practitioners refer onward for Intensive
// Therapy.
type Stage string

// The stages, in their order.
const (
	// Permission invites and validates talk of sexual concerns (P).
	Permission Stage = "permission"
	// LimitedInformation addresses specific concerns and corrects myths (LI).
	LimitedInformation Stage = "limited_information"
	// SpecificSuggestions takes a sexual history and works from it towards
	// goals and a plan (SS).
	SpecificSuggestions Stage = "specific_suggestions"
	// IntensiveTherapy is specialised treatment where other complex life
	// issues coexist with the sexual concern (IT).
	IntensiveTherapy Stage = "intensive_therapy"
)

// stages is every stage with its abbreviation and name, in order: the one
// list of them.
var stages = []struct {
	stage      Stage
	abbr, name string
}{
	{Permission, "P", "Permission"},
	{LimitedInformation, "LI", "Limited Information"},
	{SpecificSuggestions, "SS", "Specific Suggestions"},
	{IntensiveTherapy, "IT", "Intensive Therapy"},
}

// Stages returns the four stages in their order.
func Stages() []Stage {
	out := make([]Stage, len(stages))
	for i, s := range stages {
		out[i] = s.stage
	}
	return out
}

// Order returns the stage's place: 1 for Permission to 4 for Intensive
// Therapy, 0 for a stage that is not one of the four.
func (s Stage) Order() int {
	for i, e := range stages {
		if e.stage == s {
			return i + 1
		}
	}
	return 0
}

// Known says whether s is one of the four stages.
func (s Stage) Known() bool { return s.Order() > 0 }

// Name returns the stage as people read it ("Limited Information"); an
// unknown stage is returned as it is.
func (s Stage) Name() string {
	if i := s.Order(); i > 0 {
		return stages[i-1].name
	}
	return string(s)
}

// Abbrev returns the stage's letters in the model's name ("LI"); an
// unknown stage is returned as it is.
func (s Stage) Abbrev() string {
	if i := s.Order(); i > 0 {
		return stages[i-1].abbr
	}
	return string(s)
}

// String returns the stage's id.
func (s Stage) String() string { return string(s) }

// ParseStage reads a stage's id ("specific_suggestions"); anything else,
// the empty string too, is an Invalid *certboard.Error naming the field
// "stage" and the ids there are.
func ParseStage(s string) (Stage, error) {
	if st := Stage(s); st.Known() {
		return st, nil
	}
	return "", certboard.FieldError(certboard.Invalid, "stage",
		fmt.Sprintf("unknown stage %q; use one of %s", clip(s), stageList()))
}

// stageList joins the stages' ids for messages.
func stageList() string {
	ids := make([]string, len(stages))
	for i, s := range stages {
		ids[i] = string(s.stage)
	}
	return strings.Join(ids, ", ")
}
