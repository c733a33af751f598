package eligibility

import (
	"fmt"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// TestManyUnusualStates gives each of 65,533 items a state of its own,
// none of them verified, claimed or rejected (a portfolio built in Go can;
// a decoded one cannot), and one accepted item another such state: no
// state's code may stand for another's, so nothing counts. (With 16-bit
// codes the last state's, 65,536, was 0: verified.)
func TestManyUnusualStates(t *testing.T) {
	set, err := requirements.Parse("states.yaml", []byte(`id: states
title: States
body: Test
version: "1"
effective_from: 2020-01-01
sources:
  - url: https://example.org
    title: x
requirements:
  - id: edu
    kind: hours
    title: Education
    total: 10
    accepts:
      - {evidence: education, activity_kinds: [ce]}
`))
	if err != nil {
		t.Fatal(err)
	}
	activity := func(id, kind string, hours float64, st portfolio.State) portfolio.Activity {
		return portfolio.Activity{ID: id, Title: "x", Kind: kind, Provider: portfolio.Provider{Name: "P", Kind: "other_ce"},
			Delivery: "in_person", Date: date.MustParse("2024-01-01"), Hours: hours, Verification: portfolio.Verification{State: st}}
	}
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p", Name: "P"}}
	for i := range 65_533 {
		p.Education = append(p.Education, activity(fmt.Sprintf("f%d", i), "training", 1, portfolio.State(fmt.Sprintf("s%d", i))))
	}
	p.Education = append(p.Education, activity("pending-ce", "ce", 10, "pending"))
	rep := Evaluate(p, set, date.MustParse("2025-01-01"))
	if rep.Verdict != VerdictNotEligible || rep.Results[0].Status != Unmet {
		t.Fatalf("verdict %s, %s %s: %q; evidence %+v; want not eligible, unmet",
			rep.Verdict, rep.Results[0].ID, rep.Results[0].Status, rep.Results[0].Explanation, rep.Results[0].Evidence)
	}
}
