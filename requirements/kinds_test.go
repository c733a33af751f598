package requirements

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// newKinds uses every field of the cases and exam kinds, held_at,
// continuity of licenses and insurance, and a document count.
const newKinds = `
  - id: cases
    kind: cases
    title: At least 30 completed cases, 15 of them couples
    count: 30
    accepts:
      - evidence: cases
        case_units: [individual, couple, family, group]
        focus: [sexual, relationship]
        completed: true
        window: {years_before_as_of: 5}
    minimums:
      - id: couples
        title: Couples
        match: {evidence: cases, case_units: [couple]}
        min: 15
      - id: sexual
        title: With a sexual focus
        match: {focus: [sexual]}
        min: 10
  - id: written-exam
    kind: exam
    title: ECPS written examination passed
    exam_kind: exam
    codes: [ecps-written]
    valid_years: 4
  - id: interview
    kind: exam
    title: Interview passed
    exam_kind: interview
    codes: [ecps-oral, ecps-interview]
  - id: cst
    kind: credential
    title: Certified for 2 years when supervision began
    types: [aasect-cst]
    held_years: 2
    held_at: first_contract_start
  - id: license
    kind: license
    title: Licensed throughout supervision
    professions: [counseling]
    continuous: supervision
  - id: insurance
    kind: insurance
    title: Insured throughout supervision
    continuous: supervision
  - id: documents
    kind: documents
    title: Statements and references
    documents:
      - {kind: theory_statement}
      - {kind: reflective_account, supports: cases}
      - {kind: reference_letter, count: 2, title: Reference letters}
`

func TestParseNewKinds(t *testing.T) {
	s, err := Parse("x.yaml", []byte(testHeader+strings.TrimPrefix(newKinds, "\n")))
	if err != nil {
		t.Fatalf("Parse rejects the set:\n%v", err)
	}
	byID := map[string]*Requirement{}
	for _, r := range s.Requirements {
		byID[r.ID] = r
	}
	c := byID["cases"]
	want := Filter{Evidence: EvidenceCases, CaseUnits: []string{"individual", "couple", "family", "group"},
		Focus: []string{"sexual", "relationship"}, Completed: true, Window: &Window{YearsBeforeAsOf: 5}}
	if c.Count != 30 || len(c.Accepts) != 1 || !reflect.DeepEqual(c.Accepts[0], want) {
		t.Errorf("cases: count %d, accepts %+v", c.Count, c.Accepts)
	}
	if len(c.Minimums) != 2 || c.Minimums[0].Min != 15 || !reflect.DeepEqual(c.Minimums[0].Match.CaseUnits, []string{"couple"}) {
		t.Errorf("cases: minimums %+v", c.Minimums)
	}
	if e := byID["written-exam"]; e.ExamKind != "exam" || !reflect.DeepEqual(e.Codes, []string{"ecps-written"}) || e.ValidYears != 4 {
		t.Errorf("written-exam: %+v", e)
	}
	if r := byID["cst"]; r.HeldAt != HeldAtFirstContractStart || r.HeldYears != 2 {
		t.Errorf("cst: held_at %q, held_years %g", r.HeldAt, r.HeldYears)
	}
	if byID["license"].Continuous != ContinuousSupervision || byID["insurance"].Continuous != ContinuousSupervision {
		t.Errorf("continuous: license %q, insurance %q", byID["license"].Continuous, byID["insurance"].Continuous)
	}
	if d := byID["documents"].Documents; d[0].Count != 0 || d[2].Count != 2 || d[1].Supports != "cases" {
		t.Errorf("documents: %+v", d)
	}

	// certboard requirements show says each in words.
	text := Describe(s)
	for _, line := range []string{
		"   - at least 30 cases\n",
		"   - counts cases evidence, of unit individual/couple/family/group, with focus sexual/relationship, completed, from the last 5 years\n",
		"   - at least 15 of them couples (cases evidence, of unit couple)\n",
		"   - at least 10 of them with a sexual focus (any evidence, with focus sexual)\n",
		"   - a passed exam with code ecps-written\n",
		"   - passed no more than 4 years before the evaluation date\n",
		"   - a passed interview with code ecps-oral or ecps-interview\n",
		"   - for at least 2 years when the first supervision contract began\n",
		"   - held without a gap from the start of supervision to the evaluation date\n",
		"   - liability insurance without a gap from the start of supervision to the evaluation date\n",
		"   - on file: theory_statement\n",
		"   - on file: reflective_account (supporting cases)\n",
		"   - on file: Reference letters: 2 different documents of kind reference_letter\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("Describe lacks %q:\n%s", line, text)
		}
	}
}

// TestParseRejectsNewKinds checks the loader's messages for the new kinds
// and fields, each at the line marked "#<".
func TestParseRejectsNewKinds(t *testing.T) {
	tests := []struct {
		name string
		yaml string // appended to testHeader
		want string
	}{
		{"cases without count", `
  - id: cases #<
    kind: cases
    title: Cases
    accepts: [{evidence: cases}]
`, "requirement cases: count must be a positive number of cases"},
		{"more cases than a portfolio holds", `
  - id: cases
    kind: cases
    title: Cases
    count: 5000 #<
    accepts: [{evidence: cases}]
`, "count 5000 is more than the 2000 cases a portfolio may hold, so it can never be met"},
		{"cases without accepts", `
  - id: cases #<
    kind: cases
    title: Cases
    count: 3
`, "requirement cases: accepts is required: which cases count (evidence: cases)"},
		{"cases accepting clinical evidence", `
  - id: cases
    kind: cases
    title: Cases
    count: 3
    accepts:
      - {evidence: clinical} #<
`, `accepts[0].evidence must be cases, not "clinical"`},
		{"unknown case unit", `
  - id: cases
    kind: cases
    title: Cases
    count: 3
    accepts:
      - evidence: cases
        case_units:
          - couples #<
`, `case_units "couples" is not one of individual, couple, family, group`},
		{"unknown focus", `
  - id: cases
    kind: cases
    title: Cases
    count: 3
    accepts:
      - evidence: cases
        focus:
          - sex #<
`, `focus "sex" is not one of sexual, relationship, other`},
		{"case field on education evidence", `
  - id: edu
    kind: hours
    title: Education
    total: 10
    accepts:
      - evidence: education
        completed: true #<
`, "completed applies to cases evidence, not education"},
		{"hours counting cases", `
  - id: edu
    kind: hours
    title: Education
    total: 10
    accepts:
      - evidence: cases #<
`, "requirement edu: cases are counted, not measured in hours; count them with a requirement of kind cases"},
		{"fractional case minimum", `
  - id: cases
    kind: cases
    title: Cases
    count: 30
    accepts: [{evidence: cases}]
    minimums:
      - id: couples
        title: Couples
        match: {case_units: [couple]}
        min: 7.5 #<
`, "minimum couples needs min, a positive whole number of cases"},
		{"case minimum above the count", `
  - id: cases
    kind: cases
    title: Cases
    count: 10
    accepts: [{evidence: cases}]
    minimums:
      - id: couples
        title: Couples
        match: {case_units: [couple]}
        min: 15 #<
`, "minimum couples of 15 cases is above the count of 10; raise count or lower the minimum"},
		{"case minimum selecting nothing accepted", `
  - id: cases
    kind: cases
    title: Cases
    count: 10
    accepts: [{evidence: cases, case_units: [individual]}]
    minimums:
      - id: couples
        title: Couples
        match: {case_units: [couple]} #<
        min: 5
`, "this match selects no evidence the requirement accepts"},
		{"case minimum with a field of other evidence", `
  - id: cases
    kind: cases
    title: Cases
    count: 10
    accepts: [{evidence: cases}]
    minimums:
      - id: group
        title: Group
        match:
          format: [group] #<
        min: 2
`, "requirement cases: format does not apply to cases (a case filter takes evidence, case_units, focus, completed, require_contract, window)"},
		{"case minimum id twice", `
  - id: cases
    kind: cases
    title: Cases
    count: 10
    accepts: [{evidence: cases}]
    minimums:
      - {id: couples, title: Couples, match: {case_units: [couple]}, min: 2}
      - {id: couples, title: Families, match: {case_units: [family]}, min: 2} #<
`, `minimum id "couples" is used twice`},
		{"caps on cases", `
  - id: cases
    kind: cases
    title: Cases
    count: 10
    accepts: [{evidence: cases}]
    caps: [] #<
`, "caps does not apply to kind cases (it takes count, accepts, minimums)"},
		{"credit rule for cases", `
credits:
  - match:
      evidence: cases #<
    rate: 0.5
`, "credits[0]: cases are counted, not converted into credits"},
		{"exam without exam_kind", `
  - id: exam #<
    kind: exam
    title: Exam
    codes: [x]
`, "requirement exam: exam_kind is required (exam or interview)"},
		{"unknown exam_kind", `
  - id: exam
    kind: exam
    title: Exam
    exam_kind: oral #<
    codes: [x]
`, `exam_kind "oral" is not one of exam, interview`},
		{"exam without codes", `
  - id: exam #<
    kind: exam
    title: Exam
    exam_kind: exam
`, "requirement exam: codes is required"},
		{"exam code twice", `
  - id: exam
    kind: exam
    title: Exam
    exam_kind: exam
    codes:
      - x
      - x #<
`, `code "x" is listed twice`},
		{"zero valid_years", `
  - id: exam
    kind: exam
    title: Exam
    exam_kind: exam
    codes: [x]
    valid_years: 0 #<
`, "valid_years 0 must be a positive number of years"},
		{"unknown held_at", `
  - id: cst
    kind: credential
    title: CST
    types: [aasect-cst]
    held_years: 2
    held_at: first_session #<
`, `held_at "first_session" must be as_of or first_contract_start`},
		{"held_at without held_years", `
  - id: cst
    kind: credential
    title: CST
    types: [aasect-cst]
    held_at: first_contract_start #<
`, "held_at says when held_years is measured; give held_years too"},
		{"license continuous through a cycle", `
  - id: lic
    kind: license
    title: License
    professions: [counseling]
    continuous: cycle #<
`, `continuous "cycle" must be as_of or supervision (cycle is for memberships)`},
		{"insurance continuous typo", `
  - id: ins
    kind: insurance
    title: Insurance
    continuous: always #<
`, `continuous "always" must be as_of or supervision`},
		{"document count of zero", `
  - id: docs
    kind: documents
    title: Documents
    documents:
      - kind: reference_letter
        count: 0 #<
`, "documents[0].count 0 must be from 1 (the default) to 100"},
		{"unknown document kind", `
  - id: docs
    kind: documents
    title: Documents
    documents:
      - kind: reference #<
`, `document kind "reference" is not one of`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := testHeader + strings.TrimPrefix(tc.yaml, "\n")
			line := markedLine(t, data)
			_, err := Parse("x.yaml", []byte(data))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse: %v; want x.yaml:%d: ...%s", err, line, tc.want)
			}
			for _, p := range ps {
				if p.Line == line && strings.Contains(p.Message, tc.want) {
					return
				}
			}
			t.Errorf("want a problem at x.yaml:%d containing %q, got:\n%v", line, tc.want, ps)
		})
	}
}
