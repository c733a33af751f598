package note

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

// TestFormats: each format's name and sections in order; unknown ones
// have none.
func TestFormats(t *testing.T) {
	if !slices.Equal(Formats(), []Format{SOAP, DAP}) {
		t.Errorf("Formats() = %v", Formats())
	}
	for _, tc := range []struct {
		f        Format
		name     string
		sections []Section
		labels   []string
	}{
		{SOAP, "SOAP", []Section{"subjective", "objective", "assessment", "plan"}, []string{"Subjective", "Objective", "Assessment", "Plan"}},
		{DAP, "DAP", []Section{"data", "assessment", "plan"}, []string{"Data", "Assessment", "Plan"}},
		{"SOAP", "SOAP", nil, nil},
		{"", "", nil, nil},
	} {
		if tc.f.Name() != tc.name || !slices.Equal(tc.f.Sections(), tc.sections) || tc.f.Known() != (tc.sections != nil) {
			t.Errorf("%q: name %q sections %v known %v", tc.f, tc.f.Name(), tc.f.Sections(), tc.f.Known())
		}
		for i, s := range tc.sections {
			if s.Label() != tc.labels[i] || !tc.f.Has(s) {
				t.Errorf("%q %q: label %q, has %v", tc.f, s, s.Label(), tc.f.Has(s))
			}
		}
	}
	if DAP.Has(Subjective) || DAP.Has(Objective) || SOAP.Has(Data) || Section("notes").Label() != "notes" {
		t.Error("a format has a section of the other")
	}
}

// TestParseFormat: the ids parse; anything else is Invalid on "format".
func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(string(f)); got != f || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, in := range []string{"", "SOAP", "Dap", "soap ", "birp", strings.Repeat("soap", 1000)} {
		got, err := ParseFormat(in)
		if e := certboard.As(err); got != "" || e == nil || e.Code != certboard.Invalid || e.Field != "format" || len(e.Message) > 200 {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
}
