package requirements

import "testing"

func TestDisjoint(t *testing.T) {
	edu := Filter{Evidence: EvidenceEducation}
	with := func(f func(*Filter)) Filter { x := edu; f(&x); return x }
	tests := []struct {
		name string
		a, b Filter
		want bool
	}{
		{"different evidence", edu, Filter{Evidence: EvidenceSupervision}, true},
		{"same evidence, nothing else", edu, edu, false},
		{"evidence unset matches any", Filter{}, edu, false},
		{"no common activity kind", with(func(f *Filter) { f.ActivityKinds = []string{"ce"} }), with(func(f *Filter) { f.ActivityKinds = []string{"sar"} }), true},
		{"a common activity kind", with(func(f *Filter) { f.ActivityKinds = []string{"ce", "sar"} }), with(func(f *Filter) { f.ActivityKinds = []string{"sar"} }), false},
		{"approved by X and not approved by X", with(func(f *Filter) { f.ApprovedBy = []string{"AASECT"} }), with(func(f *Filter) { f.NotApprovedBy = []string{"AASECT"} }), true},
		{"approved by X or Y and not approved by X", with(func(f *Filter) { f.ApprovedBy = []string{"AASECT", "SSTAR"} }), with(func(f *Filter) { f.NotApprovedBy = []string{"AASECT"} }), false},
		{"approved by X or Y and approved by neither", with(func(f *Filter) { f.ApprovedBy = []string{"AASECT", "SSTAR"} }), with(func(f *Filter) { f.NotApprovedBy = []string{"SSTAR", "AASECT"} }), true},
		{"different case units", Filter{Evidence: EvidenceCases, CaseUnits: []string{"couple"}}, Filter{Evidence: EvidenceCases, CaseUnits: []string{"individual", "family"}}, true},
		{"a common case unit", Filter{Evidence: EvidenceCases, CaseUnits: []string{"couple", "family"}}, Filter{CaseUnits: []string{"family"}}, false},
		{"different focus may still overlap", Filter{Evidence: EvidenceCases, Focus: []string{"sexual"}}, Filter{Evidence: EvidenceCases, Focus: []string{"relationship"}}, false},
		{"cases and clinical", Filter{Evidence: EvidenceCases}, Filter{Evidence: EvidenceClinical}, true},
		{"different session delivery", Filter{Evidence: EvidenceSupervision, SessionDelivery: []string{"video"}}, Filter{Evidence: EvidenceSupervision, SessionDelivery: []string{"in_person"}}, true},
		{"unknown session delivery and a delivery", Filter{Evidence: EvidenceSupervision, SessionDelivery: []string{SessionDeliveryUnknown}}, Filter{Evidence: EvidenceSupervision, SessionDelivery: []string{"video"}}, true},
		// A block of clinical hours may list both focuses, so it matches both filters.
		{"focus lists sharing no value may still overlap", Filter{Evidence: EvidenceClinical, Focus: []string{"sexual"}}, Filter{Evidence: EvidenceClinical, Focus: []string{"relationship"}}, false},
		{"a focus and a modality", Filter{Evidence: EvidenceClinical, Focus: []string{"sexual"}, Modalities: []string{"in_person"}}, Filter{Evidence: EvidenceClinical, Modalities: []string{"telehealth_video"}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Disjoint(tc.a, tc.b); got != tc.want {
				t.Errorf("Disjoint = %v, want %v", got, tc.want)
			}
			if got := Disjoint(tc.b, tc.a); got != tc.want {
				t.Errorf("Disjoint is not symmetric: %v", got)
			}
		})
	}
}
