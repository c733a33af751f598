package examples

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

const dir = "portfolios"

// expectation is one entry of expectations.json: the verdict a portfolio
// must get from one requirement set as of one date.
type expectation struct {
	File         string   `json:"file"`
	Requirements string   `json:"requirements"`
	AsOf         string   `json:"as_of"`
	Eligible     bool     `json:"eligible"`
	Verdict      string   `json:"verdict"`
	Failing      []string `json:"failing"`
}

func loadExpectations(t *testing.T) []expectation {
	t.Helper()
	// Expectations may be split over several files (expectations.json,
	// expectations-florida.json, ...), one per group of sets, so that people
	// working on different bodies do not edit one file.
	names, err := filepath.Glob(filepath.Join(dir, "expectations*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exps []expectation
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var some []expectation
		if err := dec.Decode(&some); err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		exps = append(exps, some...)
	}
	if len(exps) == 0 {
		t.Fatal("no expectations*.json lists an example")
	}
	return exps
}

func TestExamples(t *testing.T) {
	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatalf("shipped requirement sets do not load:\n%v", err)
	}
	seen := map[string]bool{}
	for _, e := range loadExpectations(t) {
		name := e.File + " against " + e.Requirements + " as of " + e.AsOf
		key := e.File + "|" + e.Requirements + "|" + e.AsOf
		if seen[key] {
			t.Errorf("%s: listed twice in expectations.json", name)
		}
		seen[key] = true
		t.Run(strings.TrimSuffix(e.File, ".json")+"/"+e.Requirements, func(t *testing.T) {
			if e.File == "" || e.Requirements == "" || e.Verdict == "" || e.Failing == nil {
				t.Fatalf("%s: file, requirements, as_of, verdict and failing are all required", name)
			}
			if !slices.IsSorted(e.Failing) {
				t.Errorf("%s: failing %v is not sorted", name, e.Failing)
			}
			asOf, err := date.Parse(e.AsOf)
			if err != nil {
				t.Fatalf("%s: as_of: %v", name, err)
			}
			data, err := os.ReadFile(filepath.Join(dir, e.File))
			if err != nil {
				t.Fatal(err)
			}
			p, err := portfolio.Decode(data)
			if err != nil {
				t.Fatalf("%s does not decode:\n%v", e.File, err)
			}
			set, _, err := eligibility.Select(reg, e.Requirements, p, asOf)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			rep := eligibility.Evaluate(p, set, asOf)
			failing := []string{}
			for _, r := range rep.Results {
				if r.Status == eligibility.Unmet || r.Status == eligibility.Pending {
					failing = append(failing, r.ID)
				}
			}
			slices.Sort(failing)
			if rep.Eligible != e.Eligible || rep.Verdict != e.Verdict || !slices.Equal(failing, e.Failing) {
				var b strings.Builder
				for _, r := range rep.Results {
					if r.Status != eligibility.Met {
						b.WriteString("\n  " + r.ID + " (" + string(r.Status) + "): " + r.Explanation)
					}
				}
				t.Errorf("%s:\n got eligible=%v verdict=%s failing=%v\nwant eligible=%v verdict=%s failing=%v%s",
					name, rep.Eligible, rep.Verdict, failing, e.Eligible, e.Verdict, e.Failing, b.String())
			}
		})
	}
}

// TestEveryExampleHasAnExpectation keeps expectations.json in step with the
// portfolios on disk, both ways.
func TestEveryExampleHasAnExpectation(t *testing.T) {
	listed := map[string]bool{}
	for _, e := range loadExpectations(t) {
		listed[e.File] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "expectations") {
			continue
		}
		onDisk[base] = true
		if !listed[base] {
			t.Errorf("%s has no entry in any expectations*.json", base)
		}
	}
	if len(onDisk) == 0 {
		t.Fatal("no example portfolios found")
	}
	for f := range listed {
		if !onDisk[f] {
			t.Errorf("expectations.json lists %s, which is not in %s", f, dir)
		}
	}
}

// TestEveryShippedSetHasExamples asks for at least one eligible and one not
// eligible example of every shipped set, so that each set's rules are shown
// to work both ways on realistic evidence.
func TestEveryShippedSetHasExamples(t *testing.T) {
	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	eligible, notEligible := map[string]bool{}, map[string]bool{}
	for _, e := range loadExpectations(t) {
		if e.Verdict == "eligible" {
			eligible[e.Requirements] = true
		}
		if e.Verdict == "not_eligible" {
			notEligible[e.Requirements] = true
		}
	}
	for _, id := range reg.IDs() {
		if !eligible[id] {
			t.Errorf("shipped set %s has no eligible example portfolio", id)
		}
		if !notEligible[id] {
			t.Errorf("shipped set %s has no not_eligible example portfolio", id)
		}
	}
}
