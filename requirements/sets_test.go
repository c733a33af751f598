package requirements

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shippedIDs is every set certboard ships. unconfirmed marks the sets whose
// reference figures include some the sources could not confirm; such a set
// must say so in its confidence notes.
var shippedIDs = []struct {
	id          string
	unconfirmed bool
}{
	{"aasect-cst", true},
	{"aasect-cse", true},
	{"aasect-csc", true},
	{"aasect-cst-supervisor", false},
	{"aasect-cse-supervisor", false},
	{"aasect-renewal", true},
	{"florida-sex-therapist", true},
	{"cosrt-accreditation", false},
	{"sas-psychosexual-therapist-provisional", false},
	{"nacs-clinical-sexologist", true},
	{"efs-essm-ecps", true},
	{"sash-cpsbt", true},
}

func shippedRegistry(t *testing.T) *Catalog {
	t.Helper()
	r, err := Shipped()
	if err != nil {
		t.Fatalf("shipped sets do not load:\n%v", err)
	}
	return r
}

func TestShippedSets(t *testing.T) {
	r := shippedRegistry(t)
	for _, tc := range shippedIDs {
		t.Run(tc.id, func(t *testing.T) {
			s := r.Latest(tc.id)
			if s == nil {
				t.Fatalf("set %s is not shipped; shipped: %v", tc.id, r.IDs())
			}
			if len(s.Sources) == 0 {
				t.Error("no sources")
			}
			for i, src := range s.Sources {
				if src.URL == "" || src.Title == "" {
					t.Errorf("sources[%d] needs a url and a title", i)
				}
			}
			if strings.TrimSpace(s.Version) == "" {
				t.Error("no version")
			}
			if s.EffectiveFrom.IsZero() {
				t.Error("no effective_from")
			}
			if tc.unconfirmed {
				found := false
				for _, c := range s.Confidence {
					if c.Status == "unconfirmed" {
						found = true
					}
				}
				if !found {
					t.Error("the reference marks some of this set's figures UNCONFIRMED, but no confidence entry has status unconfirmed")
				}
			}
		})
	}
	if got, want := len(r.IDs()), len(shippedIDs); got != want {
		t.Errorf("%d sets shipped, the table lists %d: %v", got, want, r.IDs())
	}
}

// TestShippedSetsCiteSources holds every shipped set (every version) to the
// rule of CheckSourced: each requirement, route, cap and minimum cites its
// source; each source has an id, the date it was read and whether it is
// the body's own text; the effective date is cited or marked unconfirmed;
// the version says whose label it is; and a third party's word is marked
// unconfirmed.
func TestShippedSetsCiteSources(t *testing.T) {
	r := shippedRegistry(t)
	for _, id := range r.IDs() {
		for _, s := range r.Versions(id) {
			t.Run(id+"@"+s.Version, func(t *testing.T) {
				for _, p := range s.CheckSourced() {
					t.Error(p)
				}
			})
		}
	}
}

// requirement returns requirement id of set, failing the test when absent.
func requirement(t *testing.T, s *Set, id string) *Requirement {
	t.Helper()
	for _, r := range s.Requirements {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("set %s has no requirement %s", s.ID, id)
	return nil
}

// TestShippedFigures pins the key figures of each shipped set, so that an
// edit that changes one is deliberate.
func TestShippedFigures(t *testing.T) {
	r := shippedRegistry(t)
	tests := []struct {
		set, req string
		check    func(t *testing.T, s *Set, q *Requirement)
	}{
		{"florida-sex-therapist", "education", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 120 || q.AtLeastAreas == nil || q.AtLeastAreas.Count != 12 || q.AtLeastAreas.HoursEach != 10 {
				t.Errorf("want 120 hours with 12 areas at 10 hours, got total %g, at_least_areas %+v", q.Total, q.AtLeastAreas)
			}
			if n := len(s.Taxonomies[q.Taxonomy].Areas); n != 17 {
				t.Errorf("taxonomy has %d areas, want 17", n)
			}
		}},
		{"florida-sex-therapist", "license", func(t *testing.T, s *Set, q *Requirement) {
			if strings.Join(q.Jurisdictions, ",") != "US-FL" || len(q.Professions) != 3 {
				t.Errorf("want the three 491 professions in US-FL, got %v in %v", q.Professions, q.Jurisdictions)
			}
		}},
		{"aasect-renewal", "ce-credits", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 20 || q.Unit != "credits" || len(q.Minimums) != 1 || q.Minimums[0].Min != 5 {
				t.Errorf("want 20 credits with at least 5 approved, got %g %s %+v", q.Total, q.Unit, q.Minimums)
			}
			for _, c := range q.Caps {
				if c.Max != 5 {
					t.Errorf("cap %s is %g, want 5 per alternative method", c.ID, c.Max)
				}
			}
			if s.Cycle == nil || s.Cycle.Years != 3 || len(s.Credits) != 1 || s.Credits[0].Rate != 0.5 {
				t.Errorf("want a 3-year cycle and a half-value credit rule, got %+v %+v", s.Cycle, s.Credits)
			}
		}},
		{"aasect-cst-supervisor", "supervision-of-supervision", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 30 || q.MinSpanMonths != 12 || len(q.Caps) != 1 || q.Caps[0].Share != 0.5 {
				t.Errorf("want 30 hours over 12 months, at most half group; got %g, %d, %+v", q.Total, q.MinSpanMonths, q.Caps)
			}
		}},
		{"aasect-cst-supervisor", "cst", func(t *testing.T, s *Set, q *Requirement) {
			if q.HeldYears != 2 || !q.MustBeValid {
				t.Errorf("want the CST held 2 years and valid, got %g %v", q.HeldYears, q.MustBeValid)
			}
		}},
		{"aasect-cse-supervisor", "supervision-of-supervision", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 15 || q.MinSpanMonths != 9 {
				t.Errorf("want 15 hours over 9 months, got %g over %d", q.Total, q.MinSpanMonths)
			}
		}},
		{"aasect-cse", "supervision", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 25 || len(q.Minimums) != 1 || q.Minimums[0].Min != 5 || len(q.Caps) != 1 || q.Caps[0].Max != 20 {
				t.Errorf("want 25 hours with 5 individual and at most 20 in groups, got %g %+v %+v", q.Total, q.Minimums, q.Caps)
			}
		}},
		{"aasect-cse", "training", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 60 || len(q.Caps) != 1 || q.Caps[0].Max != 30 {
				t.Errorf("want 60 hours of training, at most 30 by eLearning, got %g %+v", q.Total, q.Caps)
			}
		}},
		{"aasect-csc", "sexuality-counseling", func(t *testing.T, s *Set, q *Requirement) {
			if q.MinHours != 1000 || q.MinYears != 2 || q.Window == nil || q.Window.YearsBeforeAsOf != 5 {
				t.Errorf("want 1,000 hours over 2 to 5 years, got %g h, %g y, %+v", q.MinHours, q.MinYears, q.Window)
			}
		}},
		{"cosrt-accreditation", "supervision", func(t *testing.T, s *Set, q *Requirement) {
			if q.RatioTo == nil || q.RatioTo.Requirement != "clinical" || q.RatioTo.Per != 6 || q.Caps[0].Share != 0.25 {
				t.Errorf("want 1 hour per 6 clinical hours with a 25%% group share, got %+v %+v", q.RatioTo, q.Caps)
			}
			if c := requirement(t, s, "clinical"); c.Total != 450 {
				t.Errorf("clinical total %g, want 450", c.Total)
			}
		}},
		{"sas-psychosexual-therapist-provisional", "supervision", func(t *testing.T, s *Set, q *Requirement) {
			if q.Total != 50 || q.Minimums[0].Min != 30 || q.Caps[0].Max != 20 {
				t.Errorf("want 50 hours, at least 30 individual, at most 20 group; got %g %+v %+v", q.Total, q.Minimums, q.Caps)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.set+"/"+tc.req, func(t *testing.T) {
			s := r.Latest(tc.set)
			if s == nil {
				t.Fatalf("set %s is not shipped", tc.set)
			}
			tc.check(t, s, requirement(t, s, tc.req))
		})
	}
}

// TestShippedExpressions runs the CEL expressions and conditions of the
// shipped sets on small portfolios in their JSON form.
func TestShippedExpressions(t *testing.T) {
	r := shippedRegistry(t)
	asOf := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		set, req  string
		condition bool // evaluate applies_if rather than the expression
		portfolio string
		want      bool
	}{
		{"two supervisees", "aasect-cst-supervisor", "supervisees", false,
			`{"supervision_given": [{"supervisee": "p1", "date": "2024-01-01"}, {"supervisee": "p2", "date": "2024-02-01"}, {"supervisee": "p1", "date": "2024-03-01"}]}`, true},
		{"one supervisee twice", "aasect-cst-supervisor", "supervisees", false,
			`{"supervision_given": [{"supervisee": "p1", "date": "2024-01-01"}, {"supervisee": "p1", "date": "2024-02-01"}]}`, false},
		{"second supervisee rejected", "aasect-cst-supervisor", "supervisees", false,
			`{"supervision_given": [{"supervisee": "p1", "date": "2024-01-01"}, {"supervisee": "p2", "date": "2024-02-01", "verification": {"state": "rejected"}}]}`, false},
		{"second supervisee only after the as-of date", "aasect-cst-supervisor", "supervisees", false,
			`{"supervision_given": [{"supervisee": "p1", "date": "2024-01-01"}, {"supervisee": "p2", "date": "2030-01-01"}]}`, false},
		{"no supervision given", "aasect-cse-supervisor", "supervisees", false, `{}`, false},
		{"AASECT-approved SAR", "aasect-cse", "sar", false,
			`{"education": [{"kind": "sar", "date": "2024-10-19", "provider": {"kind": "approved_provider", "approved_by": ["AASECT"]}}]}`, true},
		{"SAR approved by another body", "aasect-cse", "sar", false,
			`{"education": [{"kind": "sar", "date": "2024-10-19", "provider": {"kind": "approved_provider", "approved_by": ["APA"]}}]}`, false},
		{"SAR only after the as-of date", "aasect-cse", "sar", false,
			`{"education": [{"kind": "sar", "date": "2025-10-19", "provider": {"kind": "approved_provider", "approved_by": ["AASECT"]}}]}`, false},
		{"university sexuality course", "aasect-cse", "human-sexuality-education", false,
			`{"education": [{"kind": "university_course", "date": "2013-03-22", "provider": {"kind": "accredited_university"}}]}`, true},
		{"course marked not sexuality-related", "aasect-cse", "human-sexuality-education", false,
			`{"education": [{"kind": "university_course", "date": "2013-03-22", "sexuality_related": false, "provider": {"kind": "accredited_university"}}]}`, false},
		{"CE from a provider AASECT does not approve", "aasect-cse", "human-sexuality-education", false,
			`{"education": [{"kind": "ce", "date": "2023-11-04", "provider": {"kind": "other_ce"}}]}`, false},
		{"teaching is not education received", "aasect-cse", "human-sexuality-education", false,
			`{"education": [{"kind": "teaching", "date": "2025-05-18", "provider": {"kind": "accredited_university"}}]}`, false},
		{"supervised by a CSC supervisor under a contract", "aasect-csc", "supervision", false, cscSupervision("aasect-csc-supervisor", "2027-08-31", "2023-01-09"), true},
		{"the supervisor's CSC supervisor credential had lapsed", "aasect-csc", "supervision", false, cscSupervision("aasect-csc-supervisor", "2023-01-31", "2023-01-09"), false},
		{"supervised only before the contract began", "aasect-csc", "supervision", false, cscSupervision("aasect-csc-supervisor", "2027-08-31", "2023-03-01"), false},
		{"supervised by a sex therapist supervisor only", "aasect-csc", "supervision", false, cscSupervision("aasect-cst-supervisor", "2027-08-31", "2023-01-09"), false},
		{"CSC: a SAR from any provider", "aasect-csc", "sar", false,
			`{"education": [{"kind": "sar", "date": "2023-03-18", "provider": {"kind": "other_ce"}}]}`, true},
		{"CSC: training from an AASECT-approved provider", "aasect-csc", "training", false,
			`{"education": [{"kind": "training", "date": "2023-06-10", "provider": {"kind": "approved_provider", "approved_by": ["AASECT"]}}]}`, true},
		{"CSC: a university course is not training", "aasect-csc", "training", false,
			`{"education": [{"kind": "university_course", "date": "2015-12-11", "provider": {"kind": "accredited_university"}}]}`, false},
		{"member 2 years", "cosrt-accreditation", "membership-12-months", false,
			`{"memberships": [{"organization": "COSRT", "category": "full", "from": "2023-05-01"}]}`, true},
		{"member 6 months", "cosrt-accreditation", "membership-12-months", false,
			`{"memberships": [{"organization": "COSRT", "category": "full", "from": "2024-12-01"}]}`, false},
		{"membership ended", "cosrt-accreditation", "membership-12-months", false,
			`{"memberships": [{"organization": "COSRT", "category": "full", "from": "2020-01-01", "to": "2025-01-01"}]}`, false},
		{"BACP-accredited: the 320-hour route applies", "cosrt-accreditation", "clinical-accredited", true,
			`{"credentials": [{"type": "bacp-accredited", "valid_from": "2020-01-01"}]}`, true},
		{"BACP-accredited: the 450-hour route does not", "cosrt-accreditation", "clinical", true,
			`{"credentials": [{"type": "bacp-accredited", "valid_from": "2020-01-01"}]}`, false},
		{"not accredited elsewhere: the 450-hour route applies", "cosrt-accreditation", "clinical", true, `{}`, true},
		{"rejected accreditation does not open the 320-hour route", "cosrt-accreditation", "supervision-accredited", true,
			`{"credentials": [{"type": "ukcp-accredited", "valid_from": "2020-01-01", "verification": {"state": "rejected"}}]}`, false},
		{"Australian license: registration applies", "sas-psychosexual-therapist-provisional", "registration", true,
			`{"licenses": [{"profession": "psychology", "jurisdiction": "AU", "valid_from": "2020-01-01"}]}`, true},
		{"Australian license: membership does not apply", "sas-psychosexual-therapist-provisional", "membership", true,
			`{"licenses": [{"profession": "psychology", "jurisdiction": "AU", "valid_from": "2020-01-01"}]}`, false},
		{"no license: membership applies", "sas-psychosexual-therapist-provisional", "membership", true, `{}`, true},
		{"US license: membership applies", "sas-psychosexual-therapist-provisional", "membership", true,
			`{"licenses": [{"profession": "psychology", "jurisdiction": "US-FL", "valid_from": "2020-01-01"}]}`, true},
		{"Australian counseling license: membership applies", "sas-psychosexual-therapist-provisional", "membership", true,
			`{"licenses": [{"profession": "counseling", "jurisdiction": "AU", "valid_from": "2020-01-01"}]}`, true},
		{"state license: registration applies", "sas-psychosexual-therapist-provisional", "registration", true,
			`{"licenses": [{"profession": "nursing", "jurisdiction": "au-nsw", "valid_from": "2020-01-01"}]}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := r.Latest(tc.set)
			if s == nil {
				t.Fatalf("set %s is not shipped", tc.set)
			}
			q := requirement(t, s, tc.req)
			p := q.Program()
			if tc.condition {
				p = q.Condition()
			}
			if p == nil {
				t.Fatalf("requirement %s has no compiled program", tc.req)
			}
			var pf map[string]any
			if err := json.Unmarshal([]byte(tc.portfolio), &pf); err != nil {
				t.Fatal(err)
			}
			got, err := p.Eval(map[string]any{"portfolio": pf, "as_of": asOf})
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// testHeader is a valid set up to its requirements; cases append to it.
const testHeader = `id: test-set
title: Test set
body: Test body
version: "1"
effective_from: 2025-01-01
sources:
  - url: https://example.org/rules
    title: Rules
taxonomies:
  t:
    title: Test areas
    areas:
      - {code: a, name: Area A}
      - {code: b, name: Area B}
      - {code: c, name: Area C}
requirements:
  - id: ethics
    kind: attestation
    title: Signed code
    code: test-code
`

// TestParseRejects checks that the loader rejects each inconsistency with
// the line of the offending node. In each case the line the problem must be
// reported on is marked with the comment "#<".
func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		yaml string // appended to testHeader
		want string // a substring of the message
	}{
		{"unknown area in area_minimums", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education}]
    area_minimums:
      a: 3
      z: 3 #<
`, `area "z" is not in taxonomy t`},
		{"cap above total", `
  - id: core
    kind: hours
    title: Core
    total: 30
    accepts: [{evidence: education}]
    caps:
      - id: elearning
        match: {evidence: education, delivery: [elearning]}
        max: 40 #<
`, "of 40 is above the total of 30"},
		{"hours requirement whose evidence a credit rule converts", `
  - id: sar #<
    kind: hours
    title: SAR
    total: 10
    accepts: [{evidence: education}]
credits:
  - match: {evidence: education, provider_kinds: [other_ce]}
    rate: 0.5
`, "requirement sar counts hours, but a credit rule converts evidence it accepts at 0.5"},
		{"cap checked against a ratio_to total", `
  - id: clinical
    kind: hours
    title: Clinical
    total: 60
    accepts: [{evidence: clinical}]
  - id: supervision
    kind: hours
    title: Supervision
    ratio_to: {requirement: clinical, per: 6}
    accepts: [{evidence: supervision}]
    caps:
      - id: group
        match: {evidence: supervision, format: [group]}
        max: 40 #<
`, "cap group of 40 is above the total of 10"},
		{"minimum that selects nothing the requirement accepts", `
  - id: sup
    kind: hours
    title: Supervision
    total: 10
    accepts: [{evidence: supervision, format: [individual]}]
    minimums:
      - id: group
        match: {evidence: supervision, format: [group]} #<
        min: 5
`, "this match selects no evidence the requirement accepts"},
		{"filter mixing fields of two kinds of evidence", `
  - id: edu
    kind: hours
    title: Education
    total: 10
    accepts: [{evidence: education}]
    caps:
      - id: odd
        match: {delivery: [elearning], format: [individual]} #<
        max: 5
`, "mixes fields of education and supervision evidence"},
		{"span longer than the contract window", `
  - id: sup
    kind: hours
    title: Supervision
    total: 10
    min_span_months: 12 #<
    accepts: [{evidence: supervision, window: {after_contract_start: true, months_after_contract_start: 6}}]
`, "min_span_months 12 is longer than the 6 months"},
		{"two YAML documents in one file", `
--- #<
id: other
`, "more than one YAML document"},
		{"implausibly large total", `
  - id: edu
    kind: hours
    title: Education
    total: 1e307 #<
    accepts: [{evidence: education}]
`, "is not a plausible number of hours"},
		{"effective_to before effective_from", `
effective_to: 2024-12-31 #<
`, "effective_to 2024-12-31 is before effective_from 2025-01-01"},
		{"impossible date", `
effective_to: 2025-02-30 #<
`, "effective_to"},
		{"unknown top-level field", `
colour: blue #<
`, "colour"},
		{"unknown requirement field", `
  - id: core
    kind: hours
    title: Core
    total: 30
    accepts: [{evidence: education}]
    frobnicate: true #<
`, "frobnicate"},
		{"unknown kind", `
  - id: core
    kind: hourz #<
    title: Core
`, `kind "hourz" is not one of`},
		{"field that does not belong to the kind", `
  - id: lic
    kind: license
    title: License
    professions: [psychology]
    total: 30 #<
`, "total does not apply to kind license"},
		{"duplicate requirement id", `
  - id: ethics #<
    kind: attestation
    title: Signed code again
    code: test-code
`, `requirement id "ethics" is used twice`},
		{"overlapping caps", `
  - id: core
    kind: hours
    title: Core
    total: 30
    accepts: [{evidence: education}]
    caps:
      - id: elearning
        match: {evidence: education, delivery: [elearning]}
        max: 10
      - id: ce #<
        match: {evidence: education, activity_kinds: [ce]}
        max: 10
`, "caps elearning and ce may select the same evidence"},
		{"minimum overlapping a cap", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts: [{evidence: supervision}]
    minimums:
      - id: individual
        match: {evidence: supervision, format: [individual]}
        min: 10
    caps:
      - id: case #<
        match: {evidence: supervision, content: [case]}
        max: 10
`, "cap case and minimum individual may select the same evidence"},
		{"k-of-n count larger than the area list", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education}]
    at_least_areas: {count: 5, hours_each: 2} #<
`, "at_least_areas asks for 5 areas but only 3 are listed"},
		{"capped evidence shared with another requirement in a taxonomy requirement", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education}]
    caps:
      - id: elearning #<
        match: {evidence: education, delivery: [elearning]}
        max: 10
  - id: training
    kind: hours
    title: Training
    total: 10
    accepts: [{evidence: education, activity_kinds: [training]}]
`, "cap elearning applies to evidence that requirement training can also count"},
		{"filter field of another evidence", `
  - id: clin
    kind: hours
    title: Clinical
    total: 30
    accepts:
      - evidence: clinical
        format: [group] #<
`, "format applies to supervision evidence, not clinical"},
		{"ratio_to an unknown requirement", `
  - id: sup
    kind: hours
    title: Supervision
    ratio_to:
      requirement: nowhere #<
      per: 6
    accepts: [{evidence: supervision}]
`, `ratio_to.requirement "nowhere" must be the id of an hours requirement`},
		{"bad CEL expression", `
  - id: expr
    kind: expression
    title: Expression
    explanation: Something about the portfolio.
    expression: portfolio.supervision_given.size() >= #<
`, "expression does not compile"},
		{"expression that is not a condition", `
  - id: expr
    kind: expression
    title: Expression
    explanation: Something about the portfolio.
    expression: "'yes'" #<
`, "must give true or false"},
		{"confidence about an unknown requirement", `
confidence:
  - figure: nowhere.total #<
    status: unconfirmed
    note: Not known.
`, `figure "nowhere.total" must start with a requirement id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := testHeader + strings.TrimPrefix(tc.yaml, "\n")
			line := markedLine(t, data)
			_, err := Parse("x.yaml", []byte(data))
			if err == nil {
				t.Fatalf("Parse accepted the set; want x.yaml:%d: ...%s...", line, tc.want)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not Problems: %v", err, err)
			}
			for _, p := range ps {
				if p.File == "x.yaml" && p.Line == line && strings.Contains(p.Message, tc.want) {
					return
				}
			}
			t.Errorf("want a problem at x.yaml:%d containing %q, got:\n%v", line, tc.want, ps)
		})
	}
}

// markedLine returns the 1-based line that carries the "#<" marker.
func markedLine(t *testing.T, data string) int {
	t.Helper()
	for i, l := range strings.Split(data, "\n") {
		if strings.Contains(l, "#<") {
			return i + 1
		}
	}
	t.Fatal("test case has no #< marker")
	return 0
}

func TestParseAcceptsHeader(t *testing.T) {
	if _, err := Parse("x.yaml", []byte(testHeader)); err != nil {
		t.Fatalf("the test header must be a valid set:\n%v", err)
	}
}

// TestProblemFormat checks the file:line form the CLI prints.
func TestProblemFormat(t *testing.T) {
	_, err := Parse("my-set.yaml", []byte(testHeader+"effective_to: 2024-12-31\n"))
	if err == nil {
		t.Fatal("Parse accepted the set")
	}
	want := "my-set.yaml:21: effective_to 2024-12-31 is before effective_from 2025-01-01"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}

// TestAreaMinimumOverride checks that a per-area minimum lower than the
// default counts as lowered when the minimums are added up.
func TestAreaMinimumOverride(t *testing.T) {
	src := testHeader + `
  - id: core
    kind: hours
    title: Core
    total: 6
    taxonomy: t
    area_minimum: 3
    area_minimums: {c: 0}
    accepts: [{evidence: education}]
`
	if _, err := Parse("x.yaml", []byte(src)); err != nil {
		t.Fatalf("3 + 3 + 0 fits a total of 6, but the set was rejected:\n%v", err)
	}
}

// cscSupervision is a portfolio, in its JSON form, with one supervision
// session on 2023-02-10 by a supervisor holding credType until validTo, under
// a contract that starts on contractStart.
func cscSupervision(credType, validTo, contractStart string) string {
	return `{"supervisors": [{"id": "s1", "credentials": [{"type": "` + credType + `", "valid_from": "2014-09-01", "valid_to": "` + validTo + `"}]}],
		"supervision_contracts": [{"id": "k1", "supervisor": "s1", "start": "` + contractStart + `"}],
		"supervision_sessions": [{"id": "x1", "date": "2023-02-10", "supervisor": "s1", "contract": "k1"}]}`
}

func TestCompiledBuildsOncePerSet(t *testing.T) {
	reg, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	set := reg.Latest("aasect-cst")
	var builds atomic.Int32
	build := func() any { builds.Add(1); return new(int) }
	var wg sync.WaitGroup
	got := make([]any, 8)
	for k := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[k] = set.Compiled(build) }()
	}
	wg.Wait()
	if builds.Load() != 1 {
		t.Fatalf("build ran %d times, want once", builds.Load())
	}
	for _, v := range got {
		if v != got[0] {
			t.Fatal("Compiled returned different values for one set")
		}
	}
	// A set not made by Parse keeps nothing.
	lit := &Set{ID: "x"}
	if lit.Compiled(build) == lit.Compiled(build) {
		t.Fatal("a literal set kept its compiled value")
	}
}
