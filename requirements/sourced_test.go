package requirements

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// parseFile loads a set from testdata, failing the test when it does not load.
func parseFile(t *testing.T, name string) *Set {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(name, data)
	if err != nil {
		t.Fatalf("%s does not load:\n%v", name, err)
	}
	return s
}

func TestCheckSourcedAcceptsACitedSet(t *testing.T) {
	s := parseFile(t, "cited.yaml")
	if ps := s.CheckSourced(); len(ps) > 0 {
		t.Fatalf("a fully cited set is reported:\n%v", ps)
	}
}

// TestCheckSourcedReportsEachGap checks CheckSourced against uncited.yaml,
// whose lines carry "# gap: words" where a problem containing those words
// must be reported: exactly those problems, at those lines.
func TestCheckSourcedReportsEachGap(t *testing.T) {
	const name = "uncited.yaml"
	s := parseFile(t, name)
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	type gap struct {
		line  int
		words string
	}
	var want []gap
	marker := regexp.MustCompile(`# gap: (.+)$`)
	for i, l := range strings.Split(string(data), "\n") {
		if m := marker.FindStringSubmatch(l); m != nil {
			want = append(want, gap{i + 1, strings.TrimSpace(m[1])})
		}
	}
	if len(want) < 9 {
		t.Fatalf("%s marks %d gaps; the test expects one of each kind", name, len(want))
	}
	got := s.CheckSourced()
	for _, p := range got {
		if p.File != name {
			t.Errorf("problem names file %q, want %q: %v", p.File, name, p)
		}
	}
	for _, w := range want {
		found := slices.ContainsFunc(got, func(p Problem) bool { return p.Line == w.line && strings.Contains(p.Message, w.words) })
		if !found {
			t.Errorf("want a problem at %s:%d containing %q", name, w.line, w.words)
		}
	}
	for _, p := range got {
		if !slices.ContainsFunc(want, func(w gap) bool { return p.Line == w.line && strings.Contains(p.Message, w.words) }) {
			t.Errorf("unexpected problem: %v", p)
		}
	}
	if t.Failed() {
		t.Logf("all problems:\n%v", got)
	}
}

// TestCheckSourcedThirdPartyNeedsUnconfirmed checks that the confidence
// entry that lets cited.yaml cite a third party is what makes it pass.
func TestCheckSourcedThirdPartyNeedsUnconfirmed(t *testing.T) {
	data, err := os.ReadFile("testdata/cited.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "figure: supervision.caps.group\n    status: unconfirmed", "figure: supervision.caps.group\n    status: confirmed", 1)
	if text == string(data) {
		t.Fatal("cited.yaml no longer has the confidence entry this test changes")
	}
	s, err := Parse("cited.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	ps := s.CheckSourced()
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "cap group: cite[0] is of a third party's document (source forum") ||
		!strings.Contains(ps[0].Message, `figure starting "supervision"`) {
		t.Fatalf("want one problem about the third-party cite of cap group, got:\n%v", ps)
	}
	if want := markedLineOf(text, "Reply 4"); ps[0].Line != want {
		t.Errorf("reported at line %d, want the cite's line %d", ps[0].Line, want)
	}
}

// markedLineOf returns the 1-based line of the first line containing s.
func markedLineOf(text, s string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}

// TestParseKeepsCitations checks what the loader reads from sources and
// citations.
func TestParseKeepsCitations(t *testing.T) {
	s := parseFile(t, "cited.yaml")
	if s.VersionBy != VersionByBody || s.CertboardDraft() || s.EffectiveUnconfirmed() {
		t.Errorf("version_by %q, draft %v, effective unconfirmed %v", s.VersionBy, s.CertboardDraft(), s.EffectiveUnconfirmed())
	}
	rules, forum := s.Source("rules"), s.Source("forum")
	if rules == nil || forum == nil || s.Source("nope") != nil {
		t.Fatalf("Source lookup: rules %v, forum %v", rules, forum)
	}
	if rules.Edition != "2025.C.1" || rules.Retrieved.String() != "2026-01-15" || rules.Primary == nil || !*rules.Primary || rules.ThirdParty() {
		t.Errorf("rules source: %+v", rules)
	}
	if !forum.ThirdParty() || forum.Line != markedLineOf(mustRead(t, "testdata/cited.yaml"), "- id: forum") {
		t.Errorf("forum source: %+v", forum)
	}
	if len(s.EffectiveCite) != 1 || s.EffectiveCite[0].Section != "Header" {
		t.Errorf("effective_cite: %+v", s.EffectiveCite)
	}
	sup := requirement(t, s, "supervision")
	if len(sup.Cite) != 1 || sup.Cite[0].Source != "rules" || sup.Cite[0].Quote != "Forty (40) hours of supervision by an approved supervisor." {
		t.Errorf("supervision cite: %+v", sup.Cite)
	}
	if len(sup.Caps[0].Cite) != 1 || sup.Caps[0].Line == 0 || len(sup.Minimums[0].Cite) != 1 || sup.Minimums[0].Line == 0 {
		t.Errorf("cap %+v, minimum %+v", sup.Caps[0], sup.Minimums[0])
	}
	deg := requirement(t, s, "degree")
	if len(deg.Routes[0].Cite) != 1 || deg.Routes[0].Line == 0 {
		t.Errorf("route: %+v", deg.Routes[0])
	}
	if len(s.Credits[0].Cite) != 1 {
		t.Errorf("credit rule: %+v", s.Credits[0])
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// citeHeader is a valid set with two sources with ids; cases append to it.
const citeHeader = `id: test-set
title: Test set
body: Test body
version: "1"
effective_from: 2025-01-01
sources:
  - id: a6
    url: https://example.org/rules
    title: Rules
  - id: x2
    url: https://example.net/summary
    title: Summary
requirements:
  - id: ethics
    kind: attestation
    title: Signed code
    code: test-code
`

// TestParseRejectsCitations checks the loader's checks of sources and
// citations, each at the line marked "#<".
func TestParseRejectsCitations(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown source id", `
    cite:
      - source: a7 #<
        section: "1"
        quote: "the words"
`, `requirement ethics: cite[0].source "a7" is not the id of a source of the set; the sources are a6, x2`},
		{"missing section", `
    cite:
      - {source: a6, quote: "the words"} #<
`, "requirement ethics: cite[0].section is required"},
		{"missing quote", `
    cite:
      - {source: a6, section: "2"} #<
`, "requirement ethics: cite[0].quote is required"},
		{"missing source", `
    cite:
      - {section: "2", quote: "the words"} #<
`, "requirement ethics: cite[0].source is required"},
		{"quote too long", `
    cite:
      - source: a6
        section: "2"
        quote: "` + strings.Repeat("é", MaxQuote+1) + `" #<
`, "cite[0].quote is 301 characters long, more than 300"},
		{"empty cite", `
    cite: [] #<
`, "requirement ethics: cite is empty"},
		{"cite on a cap", `
  - id: sup
    kind: hours
    title: Supervision
    total: 10
    accepts: [{evidence: supervision}]
    caps:
      - id: group
        match: {evidence: supervision, format: [group]}
        max: 5
        cite:
          - {source: nowhere, section: "3", quote: "at most 5"} #<
`, `requirement sup, cap group: cite[0].source "nowhere" is not the id of a source`},
		{"cite on a route", `
  - id: degree
    kind: degree
    title: Degree
    routes:
      - levels: [master]
        cite:
          - {source: a6, section: "", quote: "a master's"} #<
`, "requirement degree, routes[0]: cite[0].section is required"},
		{"cite on a minimum", `
  - id: sup
    kind: hours
    title: Supervision
    total: 10
    accepts: [{evidence: supervision}]
    minimums:
      - id: ind
        match: {evidence: supervision, format: [individual]}
        min: 5
        cite:
          - {source: a6, section: "3"} #<
`, "requirement sup, minimum ind: cite[0].quote is required"},
		{"effective_cite with an unknown source", `
effective_cite:
  - {source: b1, section: Header, quote: "from 1 January"} #<
`, `effective_cite: cite[0].source "b1" is not the id`},
		{"credit rule cite", `
credits:
  - match: {evidence: education}
    rate: 1
    cite:
      - {source: a6, quote: "one credit per hour"} #<
`, "credits[0]: cite[0].section is required"},
		{"version_by", `
version_by: board #<
`, `version_by "board" must be body`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := citeHeader + strings.TrimPrefix(tc.yaml, "\n")
			line := markedLine(t, data)
			_, err := Parse("x.yaml", []byte(data))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want problems, got %v", err)
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

// TestParseRejectsSourceIDs checks that source ids are well formed and unique.
func TestParseRejectsSourceIDs(t *testing.T) {
	for _, tc := range []struct{ name, sources, want string }{
		{"duplicate", "  - {id: a6, url: \"https://example.org/a\", title: A}\n  - {id: a6, url: \"https://example.org/b\", title: B} #<\n", `sources[1].id "a6" is used twice (first by sources[0])`},
		{"upper case", "  - {id: A6, url: \"https://example.org/a\", title: A} #<\n", `sources[0].id "A6" must be lower-case`},
		{"empty", "  - {id: \"\", url: \"https://example.org/a\", title: A} #<\n", `sources[0].id "" must be lower-case`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "id: test-set\ntitle: T\nbody: B\nversion: \"1\"\neffective_from: 2025-01-01\nsources:\n" + tc.sources +
				"requirements:\n  - {id: ethics, kind: attestation, title: Signed, code: c}\n"
			line := markedLine(t, data)
			_, err := Parse("x.yaml", []byte(data))
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != line || !strings.Contains(ps[0].Message, tc.want) {
				t.Fatalf("want one problem at line %d containing %q, got %v", line, tc.want, err)
			}
		})
	}
}

// TestParseAcceptsUncitedSets checks that citations stay optional for the
// loader: a set whose sources have no ids and whose requirements cite
// nothing loads, as boards' own sets may.
func TestParseAcceptsUncitedSets(t *testing.T) {
	if _, err := Parse("x.yaml", []byte(testHeader)); err != nil {
		t.Fatal(err)
	}
	parseFile(t, "uncited.yaml")
}
