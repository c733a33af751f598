package eligibility

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/cputime"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// largePortfolio builds a portfolio with 400 education activities, 80
// supervision sessions and 400 clinical entries, all verified, eligible for
// aasect-cst as of 2026-06-01.
func largePortfolio() *portfolio.Portfolio {
	v := portfolio.Verification{State: portfolio.Verified, By: "bench"}
	d := func(s string) date.Date { return date.MustParse(s) }
	p := &portfolio.Portfolio{
		Format:       portfolio.FormatV1,
		Person:       portfolio.Person{ID: "p", Name: "Bench Applicant"},
		Degrees:      []portfolio.Degree{{ID: "deg", Level: "doctorate", Field: "Clinical Psychology", Clinical: true, Institution: "U", Accreditation: "regional", Conferred: d("2015-05-01"), Verification: v}},
		Licenses:     []portfolio.License{{ID: "lic", Profession: "psychology", Jurisdiction: "US-NY", Number: "1", ValidFrom: d("2016-01-01"), ValidTo: d("2028-01-01"), IndependentPractice: true, Verification: v}},
		Memberships:  []portfolio.Membership{{ID: "mem", Organization: "AASECT", Category: "professional", From: d("2020-01-01"), Verification: v}},
		Insurance:    []portfolio.Insurance{{ID: "ins", Carrier: "C", From: d("2020-01-01"), To: d("2030-01-01"), Verification: v}},
		Experience:   []portfolio.Experience{{ID: "exp", Role: "clinical", From: d("2015-06-01"), HoursPerWeek: 40, Verification: v}},
		Supervisors:  []portfolio.Supervisor{{ID: "sup", Name: "S", Verification: v, Credentials: []portfolio.HeldCredential{{Type: "aasect-cst-supervisor", ValidFrom: d("2010-01-01")}}}},
		Contracts:    []portfolio.Contract{{ID: "con", Supervisor: "sup", Start: d("2021-01-01"), Verification: v}},
		Attestations: []portfolio.Attestation{{ID: "att", Code: "aasect-code-of-conduct", Signed: d("2026-01-01"), Verification: v}},
		Documents: []portfolio.Document{
			{ID: "doc1", Kind: "transcript", Received: d("2026-01-01"), Supports: []string{"deg"}, Verification: v},
			{ID: "doc2", Kind: "license", Received: d("2026-01-01"), Supports: []string{"lic"}, Verification: v},
			{ID: "doc3", Kind: "reference_letter", Received: d("2026-01-01"), Verification: v},
			{ID: "doc4", Kind: "recommendation_letter", Received: d("2026-01-01"), Supports: []string{"con"}, Verification: v}},
		PeerReviews: []portfolio.PeerReview{{ID: "rev", Kind: "review", Reviewer: "r", Outcome: "approve", Date: d("2026-05-01"), Verification: v}},
	}
	areas := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"}
	kinds := []string{"ce", "ce", "university_course", "training", "sar"}
	deliveries := []string{"in_person", "live_online", "elearning"}
	tagged := 0
	for i := range 400 {
		a := portfolio.Activity{ID: fmt.Sprintf("edu-%03d", i), Title: "Activity", Kind: kinds[i%len(kinds)],
			Provider: portfolio.Provider{Name: "P", Kind: []string{"approved_provider", "other_ce", "accredited_university"}[i%3]},
			Delivery: deliveries[(i/5)%3], Date: d("2022-01-01").AddDays(i), Hours: float64(1 + i%6), Verification: v}
		if a.Kind == "ce" || a.Kind == "university_course" {
			// Each tagged activity covers one to three consecutive areas.
			var as []string
			for k := range 1 + tagged%3 {
				as = append(as, areas[(tagged+k)%15])
			}
			a.Areas = map[string][]string{"aasect-core": as}
			tagged++
		}
		p.Education = append(p.Education, a)
	}
	for i := range 80 {
		s := portfolio.Session{ID: fmt.Sprintf("ses-%02d", i), Date: d("2021-02-01").AddDays(9 * i), Hours: 1, Format: "individual",
			Supervisor: "sup", Content: "case", Contract: "con", Verification: v}
		if i%3 == 0 {
			s.Format, s.GroupSize = "group", 3
		}
		if i%20 == 0 {
			s.Content = "didactic"
		}
		p.Sessions = append(p.Sessions, s)
	}
	for i := range 400 {
		h := portfolio.ClinicalHours{ID: fmt.Sprintf("cli-%03d", i), Date: d("2021-02-01").AddDays(3 * i), Hours: 1.5,
			Modality: []string{"in_person", "telehealth_video", "in_person", "telehealth_phone"}[i%4], ClientJurisdiction: "US-NY", Contract: "con", Verification: v}
		p.ClinicalHours = append(p.ClinicalHours, h)
	}
	return p
}

func shippedSet(tb testing.TB, id string) *requirements.Set {
	tb.Helper()
	reg, err := requirements.Shipped()
	if err != nil {
		tb.Fatal(err)
	}
	s := reg.Latest(id)
	if s == nil {
		tb.Fatalf("no shipped set %s", id)
	}
	return s
}

func TestLargePortfolioEligible(t *testing.T) {
	rep := Evaluate(largePortfolio(), shippedSet(t, "aasect-cst"), date.MustParse("2026-06-01"))
	if !rep.Eligible {
		for _, r := range rep.Results {
			t.Logf("%s %s: %s", r.ID, r.Status, r.Explanation)
		}
		t.Fatal("the benchmark portfolio should be eligible")
	}
}

// BenchmarkEvaluateLarge evaluates the large portfolio against aasect-cst.
// Reproduce: go test ./eligibility -run '^$' -bench EvaluateLarge -benchmem -cpu 1
func BenchmarkEvaluateLarge(b *testing.B) {
	p, set, asOf := largePortfolio(), shippedSet(b, "aasect-cst"), date.MustParse("2026-06-01")
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		if rep := Evaluate(p, set, asOf); !rep.Eligible {
			b.Fatal("not eligible")
		}
	}
	cputime.Report(b, start)
}

// BenchmarkEvaluateExample evaluates a realistic applicant
// (examples/portfolios/cst-eligible.json: 14 activities, 41 sessions, 13
// clinical blocks) against aasect-cst.
// Reproduce: go test ./eligibility -run '^$' -bench EvaluateExample -benchmem -cpu 1
func BenchmarkEvaluateExample(b *testing.B) {
	data, err := os.ReadFile("../examples/portfolios/cst-eligible.json")
	if err != nil {
		b.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	set, asOf := shippedSet(b, "aasect-cst"), date.MustParse("2026-06-01")
	b.ReportAllocs()
	for b.Loop() {
		if rep := Evaluate(p, set, asOf); !rep.Eligible {
			b.Fatal("not eligible")
		}
	}
}

// BenchmarkEvaluateFloridaKOfN evaluates the Florida example, whose 12-of-17
// areas requirement runs the subset search.
// Reproduce: go test ./eligibility -run '^$' -bench EvaluateFloridaKOfN -benchmem -cpu 1
func BenchmarkEvaluateFloridaKOfN(b *testing.B) {
	data, err := os.ReadFile("../examples/portfolios/florida-eligible-not-aasect.json")
	if err != nil {
		b.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	set, asOf := shippedSet(b, "florida-sex-therapist"), date.MustParse("2026-06-01")
	b.ReportAllocs()
	for b.Loop() {
		if rep := Evaluate(p, set, asOf); !rep.Eligible {
			b.Fatal("not eligible")
		}
	}
}

// BenchmarkDecodeStoredLarge decodes the large portfolio as the board
// reads it back from its database before evaluating it
// (portfolio.DecodeStored), to set beside BenchmarkEvaluateLarge.
// Reproduce: go test ./eligibility -run '^$' -bench 'DecodeStoredLarge|EvaluateLarge' -benchmem -cpu 1
func BenchmarkDecodeStoredLarge(b *testing.B) {
	data, err := json.Marshal(largePortfolio())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		if _, err := portfolio.DecodeStored(data); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, start)
}
