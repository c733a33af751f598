package flow

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMaxFlowKnownNetworks(t *testing.T) {
	// The classic CLRS network: maximum flow 23.
	g := New(6)
	for _, e := range [][3]float64{{0, 1, 16}, {0, 2, 13}, {1, 2, 10}, {2, 1, 4}, {1, 3, 12}, {3, 2, 9}, {2, 4, 14}, {4, 3, 7}, {3, 5, 20}, {4, 5, 4}} {
		g.AddEdge(int(e[0]), int(e[1]), e[2])
	}
	if f := g.MaxFlow(0, 5); math.Abs(f-23) > 1e-9 {
		t.Fatalf("max flow = %v, want 23", f)
	}
}

func TestMaxFlowFractional(t *testing.T) {
	g := New(4)
	g.AddEdge(0, 1, 2.5)
	g.AddEdge(0, 2, 0.25)
	g.AddEdge(1, 3, 1.75)
	g.AddEdge(2, 3, 10)
	g.AddEdge(1, 2, 0.5)
	if f := g.MaxFlow(0, 3); math.Abs(f-2.5) > 1e-9 {
		t.Fatalf("max flow = %v, want 2.5", f)
	}
}

// TestPriorityPreserved checks the property the engine relies on: raising
// capacities and augmenting again never takes flow back from an edge into t.
func TestPriorityPreserved(t *testing.T) {
	g := New(5)
	g.AddEdge(0, 1, 5)
	g.AddEdge(1, 2, 5)
	g.AddEdge(1, 3, 5)
	first := g.AddEdge(2, 4, 3)
	second := g.AddEdge(3, 4, 0)
	g.MaxFlow(0, 4)
	g.SetCap(second, 10)
	g.MaxFlow(0, 4)
	if g.Flow(first) != 3 || g.Flow(second) != 2 {
		t.Fatalf("flows %v %v, want 3 and 2", g.Flow(first), g.Flow(second))
	}
}

// TestAgainstMinCut compares max flow with the minimum cut found by
// enumerating every s-t cut of small random graphs.
func TestAgainstMinCut(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		n := 2 + r.IntN(6)
		type e struct {
			u, v int
			c    float64
		}
		var es []e
		g := New(n)
		for i := 0; i < r.IntN(14); i++ {
			u, v := r.IntN(n), r.IntN(n)
			if u == v {
				continue
			}
			c := float64(r.IntN(9)) / 2
			es = append(es, e{u, v, c})
			g.AddEdge(u, v, c)
		}
		got := g.MaxFlow(0, n-1)
		best := math.Inf(1)
		for mask := 0; mask < 1<<n; mask++ {
			if mask&1 == 0 || mask&(1<<(n-1)) != 0 {
				continue
			}
			c := 0.0
			for _, x := range es {
				if mask&(1<<x.u) != 0 && mask&(1<<x.v) == 0 {
					c += x.c
				}
			}
			best = min(best, c)
		}
		if math.Abs(got-best) > 1e-7 {
			t.Fatalf("trial %d: max flow %v, min cut %v", trial, got, best)
		}
	}
}

func TestClearReusesGraph(t *testing.T) {
	g := New(4)
	g.AddEdge(0, 1, 5)
	g.AddEdge(1, 3, 2)
	g.AddEdge(0, 2, 1)
	g.AddEdge(2, 3, 4)
	if f := g.MaxFlow(0, 3); f != 3 {
		t.Fatalf("first graph: max flow = %v, want 3", f)
	}
	g.Clear(3)
	e := g.AddEdge(0, 1, 7)
	g.AddEdge(1, 2, 6)
	if f := g.MaxFlow(0, 2); f != 6 {
		t.Fatalf("after Clear: max flow = %v, want 6", f)
	}
	if g.Flow(e) != 6 || e != 0 {
		t.Fatalf("after Clear: first edge %d carries %v, want edge 0 with 6", e, g.Flow(e))
	}
}
