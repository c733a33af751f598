package eligibility

import (
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/cputime"
	"github.com/certboard/certboard/portfolio"
)

// copyCollections gives p's three large collections (education, clinical
// hours, supervision sessions) new memory of exactly their length, and each
// activity a new areas map and each item new lists, sharing every string:
// what any decoder producing these Go values must at least allocate and
// write, without reading a byte of input.
func copyCollections(p *portfolio.Portfolio) *portfolio.Portfolio {
	q := *p
	q.Education = make([]portfolio.Activity, len(p.Education))
	for i, a := range p.Education {
		if a.Areas != nil {
			m := make(map[string][]string, len(a.Areas))
			for k, v := range a.Areas {
				m[k] = append([]string(nil), v...)
			}
			a.Areas = m
		}
		if a.Provider.ApprovedBy != nil {
			a.Provider.ApprovedBy = append([]string(nil), a.Provider.ApprovedBy...)
		}
		q.Education[i] = a
	}
	q.ClinicalHours = make([]portfolio.ClinicalHours, len(p.ClinicalHours))
	for i, h := range p.ClinicalHours {
		if h.Focus != nil {
			h.Focus = append([]string(nil), h.Focus...)
		}
		q.ClinicalHours[i] = h
	}
	q.Sessions = append([]portfolio.Session(nil), p.Sessions...)
	return &q
}

// BenchmarkDecodeFloorLarge measures the floor under any decoder of the
// large portfolio into portfolio's Go values: making its collections and
// maps (copyCollections), with no parsing at all. Set beside
// BenchmarkDecodeStoredLarge and BenchmarkEvaluateLarge.
// Reproduce: go test ./eligibility -run '^$' -bench 'DecodeFloorLarge|DecodeStoredLarge|EvaluateLarge$' -benchmem -cpu 1
func BenchmarkDecodeFloorLarge(b *testing.B) {
	p := largePortfolio()
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		if q := copyCollections(p); len(q.Education) != len(p.Education) {
			b.Fatal("copy lost items")
		}
	}
	cputime.Report(b, start)
}

// TestCopyCollectionsKeepsEvaluation checks that the floor's copy is a
// whole portfolio: it evaluates exactly as the original does.
func TestCopyCollectionsKeepsEvaluation(t *testing.T) {
	p := largePortfolio()
	set := shippedSet(t, "aasect-cst")
	want := Evaluate(p, set, date.MustParse("2026-06-01"))
	got := Evaluate(copyCollections(p), set, date.MustParse("2026-06-01"))
	if got.Eligible != want.Eligible || len(got.Results) != len(want.Results) {
		t.Fatalf("copy evaluates differently: eligible %v/%v, %d/%d results", got.Eligible, want.Eligible, len(got.Results), len(want.Results))
	}
	for i := range want.Results {
		if got.Results[i].Status != want.Results[i].Status || got.Results[i].Explanation != want.Results[i].Explanation {
			t.Errorf("%s: %s %q, want %s %q", want.Results[i].ID, got.Results[i].Status, got.Results[i].Explanation, want.Results[i].Status, want.Results[i].Explanation)
		}
	}
}
