package eligibility

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// citedSet cites a source for a requirement, its minimum and its cap, one
// of them a third party's, and nothing for a second requirement.
const citedSet = `id: cited
title: Cited set
body: Test Board
version: 2026-draft
version_by: certboard
effective_from: 2020-01-01
sources:
  - {id: rules, title: Test Board rules, url: "https://example.org/rules", edition: "2019.1", retrieved: 2026-02-01, primary: true}
  - {id: blog, title: A blog post, url: "https://example.net/post", retrieved: 2026-02-02, primary: false}
  - {id: old, title: An old copy, url: "https://example.net/old"}
confidence:
  - {figure: sup.caps.group, status: unconfirmed, note: Only a blog says so.}
requirements:
  - id: sup
    kind: hours
    title: Supervision
    total: 20
    cite:
      - {source: rules, section: "3. Supervision", quote: "Twenty   hours of\n supervision."}
      - {source: old, section: "p. 2", quote: "twenty hours"}
    accepts: [{evidence: supervision}]
    minimums:
      - id: ind
        match: {evidence: supervision, format: [individual]}
        min: 10
        cite: [{source: rules, section: "3(a)", quote: "ten individually"}]
    caps:
      - id: group
        title: Group supervision
        match: {evidence: supervision, format: [group]}
        max: 5
        cite: [{source: blog, section: "Para 4", quote: "at most five in groups"}]
  - id: ethics
    kind: attestation
    title: Ethics
    code: c
`

func TestResultsCarryTheirSources(t *testing.T) {
	set, err := requirements.Parse("cited.yaml", []byte(citedSet))
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(&portfolio.Portfolio{Person: portfolio.Person{ID: "p", Name: "P"}}, set, day("2026-03-01"))
	yes, no := true, false
	want := []Source{
		{Title: "Test Board rules", URL: "https://example.org/rules", Edition: "2019.1", Retrieved: day("2026-02-01"), Primary: &yes,
			Section: "3. Supervision", Quote: "Twenty hours of supervision."},
		{Title: "An old copy", URL: "https://example.net/old", Section: "p. 2", Quote: "twenty hours"},
		{For: "minimum: ind", Title: "Test Board rules", URL: "https://example.org/rules", Edition: "2019.1", Retrieved: day("2026-02-01"), Primary: &yes,
			Section: "3(a)", Quote: "ten individually"},
		{For: "cap: Group supervision", Title: "A blog post", URL: "https://example.net/post", Retrieved: day("2026-02-02"), Primary: &no,
			Section: "Para 4", Quote: "at most five in groups"},
	}
	sup := resultOf(t, rep, "sup")
	if !reflect.DeepEqual(sup.Sources, want) {
		t.Errorf("sources of sup:\n got %+v\nwant %+v", sup.Sources, want)
	}
	if !sup.Sources[3].ThirdParty() || sup.Sources[0].ThirdParty() || sup.Sources[1].ThirdParty() {
		t.Error("only the blog is a third party's")
	}
	if !rep.Set.CertboardDraft {
		t.Error("the report does not say the version is a certboard draft")
	}

	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, w := range []string{
		`"certboard_draft":true`,
		`"sources":[{"title":"Test Board rules","url":"https://example.org/rules","edition":"2019.1","retrieved":"2026-02-01","primary":true,"section":"3. Supervision","quote":"Twenty hours of supervision."},{"title":"An old copy","url":"https://example.net/old","section":"p. 2","quote":"twenty hours"}`,
		`{"for":"cap: Group supervision","title":"A blog post","url":"https://example.net/post","retrieved":"2026-02-02","primary":false,"section":"Para 4","quote":"at most five in groups"}`,
	} {
		if !strings.Contains(js, w) {
			t.Errorf("JSON report lacks %s:\n%s", w, js)
		}
	}
	// A requirement that cites nothing has no sources member at all.
	var back struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Results[1]["sources"]; ok || len(back.Results) != 2 {
		t.Errorf("the uncited requirement's result has sources: %s", back.Results[1]["sources"])
	}
}

// The sources are worked out once per set; each report gets its own copy.
func TestReportsShareNoSources(t *testing.T) {
	set, err := requirements.Parse("cited.yaml", []byte(citedSet))
	if err != nil {
		t.Fatal(err)
	}
	p := &portfolio.Portfolio{Person: portfolio.Person{ID: "p", Name: "P"}}
	first := resultOf(t, Evaluate(p, set, day("2026-03-01")), "sup")
	first.Sources[0].Quote, *first.Sources[0].Primary = "changed", false
	first.Sources = append(first.Sources[:1], Source{Title: "appended"})
	second := resultOf(t, Evaluate(p, set, day("2026-03-01")), "sup")
	if s := second.Sources; len(s) != 4 || s[0].Quote != "Twenty hours of supervision." || !*s[0].Primary || s[1].Title != "An old copy" {
		t.Errorf("a change to one report's sources reached the next: %+v", s)
	}
}

func TestOneLine(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\nb", "a\tb", "a\u00a0b", "a\u2003 b", "“quoted” text — with dashes", "x\u0085y"} {
		if got, want := oneLine(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
	}
}
