package eligibility

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// instance is a small random allocation problem: two hours requirements
// sharing education evidence. R1 has a taxonomy with per-area minimums or
// "k of n areas", sometimes an area maximum, and an eLearning cap on CE
// that only it can count; R2 counts trainings and SARs with its own
// eLearning cap.
type instance struct {
	areas    []string
	kofn     bool
	k        int
	m        int // per-area minimum, or hours each for k of n
	t1, cap1 int // R1 total and cap on eLearning CE
	t2, cap2 int // R2 total and cap on eLearning
	amax     int // R1's area maximum, 0 for none
	acts     []bfAct
}

type bfAct struct {
	kind    string // ce, training or sar
	elearn  bool
	claimed bool // only claimed, not verified
	hours   int
	areas   []string
}

func randomInstance(r *rand.Rand) instance {
	in := instance{areas: []string{"a", "b", "c", "d"}[:2+r.IntN(3)]}
	in.kofn = r.IntN(2) == 0
	in.m = 1 + r.IntN(2)
	if in.kofn {
		in.k = 1 + r.IntN(len(in.areas))
		in.t1 = in.k*in.m + r.IntN(2)
	} else {
		in.t1 = len(in.areas)*in.m + r.IntN(2)
	}
	in.cap1 = 1 + r.IntN(in.t1)
	in.t2 = 1 + r.IntN(3)
	in.cap2 = 1 + r.IntN(in.t2)
	n, maxHours := 2+r.IntN(2), 3
	if r.IntN(3) == 0 {
		// Many one- and two-hour items against a threshold of 2: the shape
		// where picking areas greedily goes wrong.
		n, maxHours, in.m = 4+r.IntN(2), 2, 2
		if in.kofn {
			in.k = 1 + r.IntN(len(in.areas))
			in.t1 = in.k * in.m
		} else {
			in.t1 = len(in.areas) * in.m
		}
		in.cap1 = 1 + r.IntN(in.t1)
	}
	for range n {
		a := bfAct{kind: []string{"ce", "ce", "training", "sar"}[r.IntN(4)], elearn: r.IntN(3) == 0, claimed: r.IntN(4) == 0, hours: 1 + r.IntN(maxHours)}
		for _, x := range in.areas {
			if r.IntN(2) == 0 && len(a.areas) < 2 {
				a.areas = append(a.areas, x)
			}
		}
		if len(a.areas) == 0 {
			a.areas = []string{in.areas[r.IntN(len(in.areas))]}
		}
		in.acts = append(in.acts, a)
	}
	if r.IntN(3) == 0 {
		// At least the minimum or threshold, and room for the total.
		in.amax = max(in.m+r.IntN(2), (in.t1+len(in.areas)-1)/len(in.areas))
	}
	return in
}

func (in instance) build() (*portfolio.Portfolio, *requirements.Set) {
	tax := &requirements.Taxonomy{Title: "test areas"}
	for _, a := range in.areas {
		tax.Areas = append(tax.Areas, requirements.Area{Code: a, Name: "area " + a})
	}
	r1 := &requirements.Requirement{ID: "r1", Kind: requirements.KindHours, Title: "R1", Total: float64(in.t1), Taxonomy: "t",
		Accepts: []requirements.Filter{{Evidence: "education", ActivityKinds: []string{"ce", "training"}}},
		Caps:    []requirements.Cap{{ID: "el", Title: "eLearning CE", Match: requirements.Filter{Evidence: "education", ActivityKinds: []string{"ce"}, Delivery: []string{"elearning"}}, Max: float64(in.cap1)}}}
	if in.kofn {
		r1.AtLeastAreas = &requirements.AtLeastAreas{Count: in.k, HoursEach: float64(in.m)}
	} else {
		r1.AreaMinimum = float64(in.m)
	}
	r1.AreaMaximum = float64(in.amax)
	r2 := &requirements.Requirement{ID: "r2", Kind: requirements.KindHours, Title: "R2", Total: float64(in.t2),
		Accepts: []requirements.Filter{{Evidence: "education", ActivityKinds: []string{"training", "sar"}}},
		Caps:    []requirements.Cap{{ID: "el", Title: "eLearning", Match: requirements.Filter{Evidence: "education", Delivery: []string{"elearning"}}, Max: float64(in.cap2)}}}
	set := &requirements.Set{ID: "bf", Title: "brute force", Taxonomies: map[string]*requirements.Taxonomy{"t": tax},
		Requirements: []*requirements.Requirement{r1, r2}}
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p", Name: "P"}}
	for i, a := range in.acts {
		d := "in_person"
		if a.elearn {
			d = "elearning"
		}
		p.Education = append(p.Education, portfolio.Activity{ID: fmt.Sprintf("e%d", i), Title: "x", Kind: a.kind,
			Provider: portfolio.Provider{Name: "p", Kind: "approved_provider"}, Delivery: d, Date: date.MustParse("2024-01-01"),
			Hours: float64(a.hours), Areas: map[string][]string{"t": a.areas}, Verification: portfolio.Verification{State: state(a.claimed)}})
	}
	return p, set
}

func state(claimed bool) portfolio.State {
	if claimed {
		return portfolio.Claimed
	}
	return portfolio.Verified
}

// slot is one place an activity's hours can go: R1 in an area, or R2.
type slot struct {
	req  int
	area string
}

func (in instance) slots(a bfAct) []slot {
	var s []slot
	if a.kind == "ce" || a.kind == "training" {
		for _, x := range a.areas {
			s = append(s, slot{1, x})
		}
	}
	if a.kind == "training" || a.kind == "sar" {
		s = append(s, slot{req: 2})
	}
	return s
}

// brute enumerates every integer allocation of the evidence (verified only,
// or claimed too) and returns whether one meets both requirements, and the
// most R1 areas reaching m when only R1 counts.
func (in instance) brute(withClaimed bool) (eligible bool, bestAreas int) {
	type alloc struct {
		r1area map[string]int
		r1cap  int
		r2     int
		r2cap  int
	}
	var rec func(i int, cur alloc)
	rec = func(i int, cur alloc) {
		if cur.r1cap > in.cap1 || cur.r2cap > in.cap2 {
			return
		}
		for _, x := range in.areas {
			if in.amax > 0 && cur.r1area[x] > in.amax {
				return
			}
		}
		if i == len(in.acts) {
			total, reached, allMin := 0, 0, true
			for _, x := range in.areas {
				total += cur.r1area[x]
				if cur.r1area[x] >= in.m {
					reached++
				} else {
					allMin = false
				}
			}
			ok1 := total >= in.t1 && (in.kofn && reached >= in.k || !in.kofn && allMin)
			if ok1 && cur.r2 >= in.t2 {
				eligible = true
			}
			bestAreas = max(bestAreas, reached)
			return
		}
		a := in.acts[i]
		ss := in.slots(a)
		if a.claimed && !withClaimed {
			ss = nil // the item cannot count
		}
		// Distribute a.hours over ss plus "unused".
		var dist func(j, left int, cur alloc)
		dist = func(j, left int, cur alloc) {
			if j == len(ss) {
				rec(i+1, cur)
				return
			}
			for x := 0; x <= left; x++ {
				next := alloc{r1area: copyMap(cur.r1area), r1cap: cur.r1cap, r2: cur.r2, r2cap: cur.r2cap}
				if ss[j].req == 1 {
					next.r1area[ss[j].area] += x
					if a.kind == "ce" && a.elearn {
						next.r1cap += x
					}
				} else {
					next.r2 += x
					if a.elearn {
						next.r2cap += x
					}
				}
				dist(j+1, left-x, next)
			}
		}
		dist(0, a.hours, cur)
	}
	rec(0, alloc{r1area: map[string]int{}})
	return eligible, bestAreas
}

func copyMap(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// TestAllocationMatchesBruteForce shows the engine is exact: on thousands of
// small random instances, some evidence only claimed, its verdict (eligible,
// pending verification, not eligible) equals that of enumerating every integer
// allocation of verified and then of all evidence, its "k of n" count equals
// the best possible, and the allocation it reports is itself valid.
func TestAllocationMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	asOf := date.MustParse("2025-01-01")
	eligibleSeen := 0
	for trial := range 3000 {
		in := randomInstance(r)
		p, set := in.build()
		rep := Evaluate(p, set, asOf)
		wantEligible, _ := in.brute(false)
		withClaimed, wantAreas := in.brute(true)
		wantVerdict := VerdictNotEligible
		switch {
		case wantEligible:
			wantVerdict = VerdictEligible
		case withClaimed:
			wantVerdict = VerdictPending
		}
		if rep.Eligible != wantEligible || rep.Verdict != wantVerdict {
			t.Fatalf("trial %d: engine %s, brute force %s\ninstance %+v\nreport %+v", trial, rep.Verdict, wantVerdict, in, rep.Results)
		}
		if wantEligible {
			eligibleSeen++
		}
		if in.kofn {
			got := -1
			for _, pr := range rep.Results[0].Progress {
				if pr.Label == "areas" {
					got = int(pr.Value)
				}
			}
			if got != wantAreas {
				t.Fatalf("trial %d: engine says %d areas can reach %d together, brute force %d\ninstance %+v", trial, got, in.m, wantAreas, in)
			}
		}
		checkAllocation(t, trial, in, rep)
	}
	if eligibleSeen < 300 || eligibleSeen > 2700 {
		t.Fatalf("the generator is unbalanced: %d of 3000 eligible", eligibleSeen)
	}
}

// checkAllocation verifies that the reported uses never exceed an item's hours
// and respect the caps and the area maximum.
func checkAllocation(t *testing.T, trial int, in instance, rep *Report) {
	t.Helper()
	used := map[string]float64{}
	capped1, capped2 := 0.0, 0.0
	area := map[string]float64{}
	for ri, res := range rep.Results {
		for _, u := range res.Evidence {
			used[u.ID] += u.Amount
			for _, a := range u.Areas {
				area[a.Area] += a.Amount
			}
			var idx int
			fmt.Sscanf(u.ID, "e%d", &idx)
			a := in.acts[idx]
			if ri == 0 && a.kind == "ce" && a.elearn {
				capped1 += u.Amount
			}
			if ri == 1 && a.elearn {
				capped2 += u.Amount
			}
			if ri == 0 && !slices.Contains([]string{"ce", "training"}, a.kind) || ri == 1 && a.kind == "ce" {
				t.Fatalf("trial %d: %s (%s) counted toward %s", trial, u.ID, a.kind, res.ID)
			}
		}
	}
	for i, a := range in.acts {
		if used[fmt.Sprintf("e%d", i)] > float64(a.hours)+1e-6 {
			t.Fatalf("trial %d: e%d counted %v hours of %d", trial, i, used[fmt.Sprintf("e%d", i)], a.hours)
		}
	}
	if capped1 > float64(in.cap1)+1e-6 || capped2 > float64(in.cap2)+1e-6 {
		t.Fatalf("trial %d: caps exceeded: %v/%d %v/%d", trial, capped1, in.cap1, capped2, in.cap2)
	}
	for a, got := range area {
		if in.amax > 0 && got > float64(in.amax)+1e-6 {
			t.Fatalf("trial %d: area %s counts %v, above the maximum %d", trial, a, got, in.amax)
		}
	}
}
