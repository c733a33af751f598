package requirements

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden file of TestDescribeCitedSet")

// TestDescribeCitedSet pins what `certboard requirements show` prints for a
// set whose every part cites its source: each citation under the part it is
// for, with the document's title and edition, address, section, quote, the
// date it was read and, for a third party's document, "(third party)".
func TestDescribeCitedSet(t *testing.T) {
	const golden = "testdata/cited.describe.txt"
	got := Describe(parseFile(t, "cited.yaml"))
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Describe differs from %s (run go test -run TestDescribeCitedSet -update to accept):\n%s", golden, got)
	}
	for _, w := range []string{
		"   source: Example Board Counselor Certification Requirements (2025.C.1) <https://example.org/certification/counselor>\n" +
			"     3. Supervision: \"Forty (40) hours of supervision by an approved supervisor.\", read 2026-01-15\n   - at least 40 hours",
		"   - at most 10 hours from group supervision (supervision evidence, format group)\n" +
			"     source: A counselor's summary of the Example Board rules <https://forum.example.net/threads/example-board-rules>\n" +
			"       Reply 4: \"no more than 10 of the hours may be in a group\", read 2026-01-16 (third party)\n",
		"in force from 2025-03-01\nThe effective date:\n  source: ",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("Describe lacks %q", w)
		}
	}
}

// TestDescribeMarksDraftsAndUnconfirmedDates checks the version line: a
// certboard draft label and an unconfirmed effective date are said so.
func TestDescribeMarksDraftsAndUnconfirmedDates(t *testing.T) {
	text := mustRead(t, "testdata/cited.yaml")
	s := parseFile(t, "cited.yaml")
	if got := strings.SplitN(Describe(s), "\n", 4)[2]; got != "id example-cited, version 2025.C.1, by Example Board, in force from 2025-03-01" {
		t.Errorf("version line %q", got)
	}
	text = strings.Replace(text, "version_by: body", "version_by: certboard", 1)
	text = strings.Replace(text, "confidence:\n", "confidence:\n  - figure: set.effective_from\n    status: unconfirmed\n    note: The page gives no date.\n", 1)
	s, err := Parse("draft.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.SplitN(Describe(s), "\n", 4)[2]; got != "id example-cited, version 2025.C.1 (certboard draft), by Example Board, in force from 2025-03-01 (unconfirmed)" {
		t.Errorf("version line %q", got)
	}
}

// TestDescribeCitesMonthlyCapsAndCaseMinimums: the citation of a monthly
// cap and of a minimum of a cases requirement is printed under its line,
// as for every other part.
func TestDescribeCitesMonthlyCapsAndCaseMinimums(t *testing.T) {
	s, err := Parse("cites.yaml", []byte(`id: cites
title: Cites
body: Board
credential: C
version: "1"
effective_from: 2025-01-01
sources:
  - {id: rules, title: Rules, url: "https://example.org/rules", retrieved: 2026-01-15, primary: true}
requirements:
  - id: supervision
    kind: hours
    title: Supervision
    total: 20
    accepts: [{evidence: supervision}]
    caps:
      - id: monthly
        title: All supervision
        match: {evidence: supervision}
        max: 6
        per: month
        cite: [{source: rules, section: "4", quote: "no more than six hours in any month"}]
  - id: cases
    kind: cases
    title: Ten cases, four of them couples
    count: 10
    accepts: [{evidence: cases}]
    minimums:
      - id: couples
        title: Couples
        match: {evidence: cases, case_units: [couple]}
        min: 4
        cite: [{source: rules, section: "6", quote: "at least four couples"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	got := Describe(s)
	for _, w := range []string{
		"   - at most 6 hours a month from all supervision (supervision evidence); over that they count nowhere in the set\n" +
			"     source: Rules <https://example.org/rules>\n" +
			"       4: \"no more than six hours in any month\", read 2026-01-15\n",
		"   - at least 4 of them couples (cases evidence, of unit couple)\n" +
			"     source: Rules <https://example.org/rules>\n" +
			"       6: \"at least four couples\", read 2026-01-15\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("Describe lacks\n%s\nin\n%s", w, got)
		}
	}
}
