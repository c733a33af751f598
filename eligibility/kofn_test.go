package eligibility

import (
	"testing"

	"github.com/certboard/certboard/date"
)

// TestKOfNIsNotGreedy is the smallest case where choosing areas one by one
// fails: area c can reach 2 hours from X and Y, but then neither a nor b can;
// the best choice is {a, b}. (Areas that can reach a threshold together do not
// form a matroid when hours are not multiples of the threshold.)
func TestKOfNIsNotGreedy(t *testing.T) {
	in := instance{
		areas: []string{"c", "a", "b"}, kofn: true, k: 2, m: 2, t1: 4, cap1: 4, t2: 1, cap2: 1,
		acts: []bfAct{
			{kind: "ce", hours: 1, areas: []string{"a", "c"}},
			{kind: "ce", hours: 1, areas: []string{"b", "c"}},
			{kind: "ce", hours: 1, areas: []string{"a"}},
			{kind: "ce", hours: 1, areas: []string{"b"}},
			{kind: "sar", hours: 1, areas: []string{"a"}},
		},
	}
	p, set := in.build()
	rep := Evaluate(p, set, date.MustParse("2025-01-01"))
	if !rep.Eligible {
		t.Fatalf("want eligible with areas a and b, got %+v", rep.Results)
	}
	r1 := rep.Results[0]
	for _, pr := range r1.Progress {
		if pr.Label == "areas" && pr.Value != 2 {
			t.Fatalf("areas reaching 2 hours together = %v, want 2", pr.Value)
		}
		if pr.Label == "area c: area c" && pr.Value != 0 {
			t.Fatalf("area c received %v; the hours belong in a and b", pr.Value)
		}
	}
}
