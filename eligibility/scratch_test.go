package eligibility

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// TestConcurrentEvaluationsShareNothing evaluates different portfolios at
// once, so that evaluations reuse each other's pooled working memory, and
// checks every report against one made alone.
func TestConcurrentEvaluationsShareNothing(t *testing.T) {
	set, asOf := shippedSet(t, "aasect-cst"), date.MustParse("2026-06-01")
	ps := make([]*portfolio.Portfolio, 4)
	want := make([]string, len(ps))
	for k := range ps {
		p := largePortfolio()
		// Each portfolio differs: fewer clinical entries, some claimed.
		p.ClinicalHours = p.ClinicalHours[:100*(k+1)]
		for i := range p.Education {
			if i%(k+2) == 0 {
				p.Education[i].Verification.State = portfolio.Claimed
			}
		}
		ps[k] = p
		b, err := json.Marshal(Evaluate(p, set, asOf))
		if err != nil {
			t.Fatal(err)
		}
		want[k] = string(b)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for round := range 10 {
				k := (g + round) % len(ps)
				b, err := json.Marshal(Evaluate(ps[k], set, asOf))
				if err != nil {
					t.Error(err)
					return
				}
				if string(b) != want[k] {
					t.Errorf("goroutine %d, round %d: the report of portfolio %d differs from the one made alone", g, round, k)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestSelectsIsMatchOnSelector checks the written-out selects against
// match on the selector filter, for every accepts filter of every shipped
// set and every item of the example portfolios and the large portfolio.
func TestSelectsIsMatchOnSelector(t *testing.T) {
	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	ps := examplesAndLarge(t)
	checked := 0
	for _, id := range reg.IDs() {
		set := reg.Latest(id)
		for _, p := range ps {
			sc := getScratch()
			c := newCtx(p, set, date.MustParse("2026-06-01"), sc)
			for _, r := range set.Requirements {
				for k := range r.Accepts {
					f := &r.Accepts[k]
					sel := selector(f)
					for i := range c.items {
						it := &c.items[i]
						if got, want := c.selects(f, it), c.match(&sel, it); got != want {
							t.Errorf("%s %s accepts[%d], item %s: selects %v, match on the selector %v", id, r.ID, k, c.id(it), got, want)
						}
						checked++
					}
				}
			}
			sc.release()
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d checks", checked)
	}
}

// examplesAndLarge returns the large portfolio and every example portfolio
// that decodes.
func examplesAndLarge(t *testing.T) []*portfolio.Portfolio {
	t.Helper()
	ps := []*portfolio.Portfolio{largePortfolio()}
	files, _ := filepath.Glob("../examples/portfolios/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := portfolio.Decode(data); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}
