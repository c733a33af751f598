package eligibility

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
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
