package plissit

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

// TestStages: the four stages, their ids, names, letters and order.
func TestStages(t *testing.T) {
	want := []struct {
		stage        Stage
		id, abbr, nm string
	}{
		{Permission, "permission", "P", "Permission"},
		{LimitedInformation, "limited_information", "LI", "Limited Information"},
		{SpecificSuggestions, "specific_suggestions", "SS", "Specific Suggestions"},
		{IntensiveTherapy, "intensive_therapy", "IT", "Intensive Therapy"},
	}
	got := Stages()
	if len(got) != len(want) {
		t.Fatalf("Stages() = %v", got)
	}
	for i, w := range want {
		s := got[i]
		if s != w.stage || s.String() != w.id || s.Abbrev() != w.abbr || s.Name() != w.nm || s.Order() != i+1 || !s.Known() {
			t.Errorf("stage %d: %q %q %q %q order %d known %v, want %+v", i, s, s.String(), s.Abbrev(), s.Name(), s.Order(), s.Known(), w)
		}
	}
	got[0] = "changed"
	if Stages()[0] != Permission {
		t.Error("Stages() shares its slice with the caller")
	}
	for _, s := range []Stage{"", "P", "Permission", "PERMISSION", "referral"} {
		if s.Known() || s.Order() != 0 || s.Name() != string(s) || s.Abbrev() != string(s) {
			t.Errorf("%q: known %v, order %d, name %q, abbrev %q", s, s.Known(), s.Order(), s.Name(), s.Abbrev())
		}
	}
}

// TestParseStage: each id parses; anything else, even the letters or the
// name, is Invalid on the field "stage" and lists the ids.
func TestParseStage(t *testing.T) {
	for _, s := range Stages() {
		got, err := ParseStage(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStage(%q) = %q, %v", s, got, err)
		}
	}
	for _, in := range []string{"", "P", "IT", "Permission", "permission ", " permission", "Intensive_Therapy", "intensive-therapy", strings.Repeat("x", 1000)} {
		got, err := ParseStage(in)
		e := certboard.As(err)
		if got != "" || e == nil || e.Code != certboard.Invalid || e.Field != "stage" {
			t.Errorf("ParseStage(%q) = %q, %v", in, got, err)
			continue
		}
		if !strings.Contains(e.Message, "permission, limited_information, specific_suggestions, intensive_therapy") {
			t.Errorf("ParseStage(%q): %q does not list the stages", in, e.Message)
		}
		if len(e.Message) > 300 {
			t.Errorf("ParseStage(%q): message of %d bytes quotes all the input", in, len(e.Message))
		}
	}
	if !slices.IsSortedFunc(Stages(), func(a, b Stage) int { return a.Order() - b.Order() }) {
		t.Error("Stages() is not in order")
	}
}
