package requirements

import (
	"errors"
	"strings"
	"testing"
)

// Loader tests for monthly caps, area maximums, the ratio kind, the focus
// filter and session_delivery: unknown.

// TestParseAcceptsHoursAdditions loads a set that uses every addition and
// checks what the loader made of it.
func TestParseAcceptsHoursAdditions(t *testing.T) {
	src := testHeader + `
  - id: clinical
    kind: hours
    title: Clinical sex therapy
    total: 300
    accepts:
      - evidence: clinical
        focus: [sexual]
  - id: supervision
    kind: hours
    title: Supervision
    total: 50
    accepts:
      - evidence: supervision
        session_delivery: [in_person, video, unknown]
    minimums:
      - id: individual
        title: Individual supervision
        match: {evidence: supervision, format: [individual]}
        min: 25
    caps:
      - id: group
        title: Group supervision
        match: {evidence: supervision, format: [group]}
        share: 0.5
      - id: monthly
        title: At most 6 hours of supervision a month
        match: {evidence: supervision}
        max: 6
        per: month
  - id: core
    kind: hours
    title: Core knowledge
    total: 40
    taxonomy: t
    area_minimum: 3
    area_maximum: 20
    area_maximums: {c: 10}
    accepts: [{evidence: education}]
  - id: supervision-ratio
    kind: ratio
    title: One hour of supervision per 6 clinical hours, all along
    of: clinical
    to: supervision
    per: 6
    running: true
`
	s, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the set was rejected:\n%v", err)
	}
	sup := requirement(t, s, "supervision")
	if c := sup.Caps[1]; !c.Monthly() || c.Max != 6 || sup.Caps[0].Monthly() {
		t.Errorf("caps: %+v", sup.Caps)
	}
	if got := sup.Accepts[0].SessionDelivery; len(got) != 3 || got[2] != SessionDeliveryUnknown {
		t.Errorf("session_delivery %v", got)
	}
	if got := requirement(t, s, "clinical").Accepts[0].Focus; len(got) != 1 || got[0] != "sexual" {
		t.Errorf("focus %v", got)
	}
	core := requirement(t, s, "core")
	if core.AreaMaximum != 20 || core.AreaMaximums["c"] != 10 {
		t.Errorf("area maximums %v %v", core.AreaMaximum, core.AreaMaximums)
	}
	ratio := requirement(t, s, "supervision-ratio")
	if ratio.Kind != KindRatio || ratio.Of != "clinical" || ratio.To != "supervision" || ratio.Per != 6 || !ratio.Running {
		t.Errorf("ratio %+v", ratio)
	}
	text := Describe(s)
	for _, want := range []string{
		"at most 6 hours a month from at most 6 hours of supervision a month (supervision evidence); over that they count nowhere in the set",
		"at most 20 hours of any one area count",
		"at most 10 hours of area c count",
		"at least 1 unit of supervision for every 6 of clinical, counting all the evidence each accepts",
		"at the end of every calendar month",
		"clinical evidence, with focus sexual",
		"held in_person/video/unknown",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Describe does not say %q:\n%s", want, text)
		}
	}
}

// TestParseRejectsHoursAdditions checks each inconsistency the loader
// rejects in the additions, at the line marked "#<".
func TestParseRejectsHoursAdditions(t *testing.T) {
	const clinical = `
  - id: clinical
    kind: hours
    title: Clinical
    total: 60
    accepts: [{evidence: clinical}]
`
	tests := []struct {
		name string
		yaml string // appended to testHeader
		want string
	}{
		{"cap per week", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts: [{evidence: supervision}]
    caps:
      - id: weekly
        match: {evidence: supervision}
        max: 2
        per: week #<
`, `cap weekly: per "week" must be month`},
		{"monthly cap with a share", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts: [{evidence: supervision}]
    caps:
      - id: monthly #<
        match: {evidence: supervision}
        share: 0.2
        per: month
`, "cap monthly is a monthly cap (per: month), which takes a positive max (hours a month), not share"},
		{"monthly cap in a taxonomy requirement", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education}]
    caps:
      - id: monthly
        match: {evidence: education}
        max: 6
        per: month #<
`, "cap monthly: a monthly cap cannot be put in a requirement with a taxonomy"},
		{"monthly caps of two requirements overlapping", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts: [{evidence: supervision, format: [individual]}]
    caps:
      - id: monthly
        match: {evidence: supervision}
        max: 6
        per: month
  - id: group
    kind: hours
    title: Group supervision
    total: 10
    accepts: [{evidence: supervision, format: [group]}]
    caps:
      - id: group-monthly #<
        match: {evidence: supervision, format: [group]}
        max: 2
        per: month
`, "requirement group: monthly caps monthly (of requirement sup) and group-monthly may select the same evidence"},
		{"monthly caps of one requirement overlapping", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts: [{evidence: supervision}]
    caps:
      - id: monthly
        match: {evidence: supervision}
        max: 6
        per: month
      - id: case-monthly #<
        match: {evidence: supervision, content: [case]}
        max: 4
        per: month
`, "monthly caps monthly (of requirement sup) and case-monthly may select the same evidence"},
		{"monthly cap over evidence a taxonomy cap limits", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education, activity_kinds: [ce]}]
    caps:
      - id: elearning
        match: {evidence: education, delivery: [elearning]}
        max: 10
  - id: other
    kind: hours
    title: Other education
    total: 10
    accepts: [{evidence: education, activity_kinds: [training]}]
    caps:
      - id: monthly #<
        match: {evidence: education}
        max: 4
        per: month
`, "monthly cap monthly may select evidence that cap elearning of requirement core (which has a taxonomy) limits at its source"},
		{"area maximum without a taxonomy", `
  - id: edu #<
    kind: hours
    title: Education
    total: 30
    area_maximum: 10
    accepts: [{evidence: education}]
`, "area_maximum, area_maximums and at_least_areas need a taxonomy"},
		{"area maximum of zero", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    area_maximum: 0 #<
    accepts: [{evidence: education}]
`, "area_maximum must be a positive number of hours"},
		{"area maximum for an unknown area", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    area_maximums:
      a: 20
      z: 20 #<
    accepts: [{evidence: education}]
`, `area "z" is not in taxonomy t`},
		{"negative area maximum", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    area_maximum: 20
    area_maximums:
      b: -1 #<
    accepts: [{evidence: education}]
`, "the maximum for area b must be a positive number of hours"},
		{"area maximum below the area minimum", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    area_minimum: 3
    area_maximum: 20
    area_maximums:
      b: 2 #<
    accepts: [{evidence: education}]
`, "the maximum of 2 hours for area b is below its minimum of 3"},
		{"area maximum below at_least_areas hours_each", `
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    at_least_areas: {count: 2, hours_each: 10}
    area_maximum: 8 #<
    accepts: [{evidence: education}]
`, "the maximum of 8 hours for area a is below at_least_areas.hours_each of 10"},
		{"area maximums that leave the total out of reach", `
  - id: core
    kind: hours
    title: Core
    total: 40
    taxonomy: t
    area_maximum: 10 #<
    accepts: [{evidence: education}]
`, "the area maximums let at most 30 hours count in all, below the total of 40, so it can never be met"},
		{"ratio without of", clinical + `
  - id: ratio #<
    kind: ratio
    title: Ratio
    to: clinical
    per: 6
`, "requirement ratio: of is required: the id of an hours requirement of the set"},
		{"ratio to a requirement that is not hours", clinical + `
  - id: ratio
    kind: ratio
    title: Ratio
    of: clinical
    to: ethics #<
    per: 6
`, `requirement ratio: to "ethics" must be the id of an hours requirement of the set`},
		{"ratio of an unknown requirement", clinical + `
  - id: ratio
    kind: ratio
    title: Ratio
    of: nowhere #<
    to: clinical
    per: 6
`, `of "nowhere" must be the id of an hours requirement of the set`},
		{"ratio per zero", clinical + `
  - id: sup
    kind: hours
    title: Supervision
    total: 10
    accepts: [{evidence: supervision}]
  - id: ratio
    kind: ratio
    title: Ratio
    of: clinical
    to: sup
    per: 0 #<
`, "requirement ratio: per must be a positive number (6 means one unit of sup per 6 units of clinical)"},
		{"ratio of a requirement to itself", clinical + `
  - id: ratio
    kind: ratio
    title: Ratio
    of: clinical
    to: clinical #<
    per: 6
`, "of and to both name clinical; a ratio compares two different hours requirements"},
		{"hours field on a ratio", clinical + `
  - id: ratio
    kind: ratio
    title: Ratio
    of: clinical
    to: clinical
    per: 6
    total: 10 #<
`, "total does not apply to kind ratio (it takes of, to, per, running)"},
		{"focus outside its values", `
  - id: clin
    kind: hours
    title: Clinical
    total: 30
    accepts:
      - evidence: clinical
        focus: [sexual, couples] #<
`, `focus "couples" is not one of sexual, relationship, other`},
		{"focus on supervision", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts:
      - evidence: supervision
        focus: [sexual] #<
`, "focus applies to clinical evidence, not supervision"},
		{"session_delivery outside its values", `
  - id: sup
    kind: hours
    title: Supervision
    total: 30
    accepts:
      - evidence: supervision
        session_delivery: [unkown] #<
`, `session_delivery "unkown" is not one of in_person, video, phone, unknown`},
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

// TestMonthlyCapExemptions shows what a monthly cap may overlap: the
// ordinary caps and minimums of its own requirement (they limit what the
// requirement counts, the monthly cap limits the evidence at its source) and
// evidence that other requirements count.
func TestMonthlyCapExemptions(t *testing.T) {
	src := testHeader + `
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
      - id: monthly
        match: {evidence: supervision}
        max: 6
        per: month
      - id: group
        match: {evidence: supervision, format: [group]}
        max: 10
  - id: didactic
    kind: hours
    title: Didactic supervision
    total: 5
    accepts: [{evidence: supervision, content: [didactic]}]
  - id: core
    kind: hours
    title: Core
    total: 30
    taxonomy: t
    accepts: [{evidence: education}]
    caps:
      - id: elearning
        match: {evidence: education, delivery: [elearning]}
        max: 10
`
	if _, err := Parse("x.yaml", []byte(src)); err != nil {
		t.Fatalf("the set was rejected:\n%v", err)
	}
}
