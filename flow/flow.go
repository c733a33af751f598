// Package flow holds a maximum-flow solver (Dinic's algorithm) over real
// capacities. The eligibility engine uses it to allocate evidence hours to
// requirements so that no hour is counted twice.
package flow

import (
	"math"
	"slices"
)

// Eps is the tolerance below which a capacity or flow is treated as zero.
const Eps = 1e-9

// Inf is an effectively unbounded capacity.
var Inf = math.Inf(1)

type edge struct {
	from int32
	to   int32
	cap  float64
	flow float64
}

// Graph is a flow network. Edges are added in pairs (forward and residual);
// the id AddEdge returns names the forward edge. Adjacency is laid out in one
// array (compressed rows) when a flow is first computed after a change of
// shape, so building a graph costs a handful of allocations.
type Graph struct {
	nodes int
	edges []edge
	start []int32 // adjacency of node u: adj[start[u]:start[u+1]]
	adj   []int32
	dirty bool
	level []int32
	iter  []int32
	queue []int32
	fill  []int32
}

// Clear empties the graph down to n nodes and no edges, keeping its memory
// for the next graph built in it.
func (g *Graph) Clear(n int) {
	g.nodes, g.edges, g.dirty = n, g.edges[:0], true
}

// resize returns s with length n, all zero, reusing its array when it is
// large enough.
func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// New returns a graph with n nodes, numbered 0 to n-1.
func New(n int) *Graph {
	return &Graph{nodes: n, dirty: true}
}

// Grow reserves room for about n more edges.
func (g *Graph) Grow(n int) {
	g.edges = slices.Grow(g.edges, 2*n)
}

// AddNode adds a node and returns its number.
func (g *Graph) AddNode() int {
	g.nodes++
	g.dirty = true
	return g.nodes - 1
}

// AddEdge adds an edge from u to v with capacity c and returns its id.
func (g *Graph) AddEdge(u, v int, c float64) int {
	id := len(g.edges)
	g.edges = append(g.edges, edge{from: int32(u), to: int32(v), cap: c}, edge{from: int32(v), to: int32(u)})
	g.dirty = true
	return id
}

// layout builds the compressed adjacency arrays.
func (g *Graph) layout() {
	if !g.dirty {
		return
	}
	g.start = resize(g.start, g.nodes+1)
	for _, e := range g.edges {
		g.start[e.from+1]++
	}
	for u := range g.nodes {
		g.start[u+1] += g.start[u]
	}
	g.adj = resize(g.adj, len(g.edges))
	g.fill = append(g.fill[:0], g.start[:g.nodes]...)
	fill := g.fill
	for id, e := range g.edges {
		g.adj[fill[e.from]] = int32(id)
		fill[e.from]++
	}
	g.dirty = false
}

func (g *Graph) out(u int32) []int32 { return g.adj[g.start[u]:g.start[u+1]] }

// SetCap changes the capacity of edge e. Lowering it below the current flow
// is not allowed and panics.
func (g *Graph) SetCap(e int, c float64) {
	if g.edges[e].flow > c+Eps {
		panic("flow: capacity below current flow")
	}
	g.edges[e].cap = c
}

// Cap returns the capacity of edge e.
func (g *Graph) Cap(e int) float64 { return g.edges[e].cap }

// Flow returns the flow on edge e.
func (g *Graph) Flow(e int) float64 { return g.edges[e].flow }

// Saturated reports whether edge e carries its full capacity.
func (g *Graph) Saturated(e int) bool { return g.edges[e].flow >= g.edges[e].cap-1e-7 }

// Reset sets every flow to zero.
func (g *Graph) Reset() {
	for i := range g.edges {
		g.edges[i].flow = 0
	}
}

func (g *Graph) residual(id int32) float64 {
	e := &g.edges[id]
	if id&1 == 0 {
		return e.cap - e.flow
	}
	return g.edges[id^1].flow
}

func (g *Graph) push(id int32, f float64) {
	if id&1 == 0 {
		g.edges[id].flow += f
	} else {
		g.edges[id^1].flow -= f
	}
}

// MaxFlow augments the current flow from s to t until it is maximum and
// returns the amount added. Calling it again after raising capacities
// continues from the flow already found; flow already entering t is never
// taken back, which lets callers fill edges into t in priority order.
func (g *Graph) MaxFlow(s, t int) float64 {
	g.layout()
	n := g.nodes
	if cap(g.level) < n {
		g.level = make([]int32, n)
		g.iter = make([]int32, n)
		g.queue = make([]int32, 0, n)
	}
	g.level, g.iter = g.level[:n], g.iter[:n]
	total := 0.0
	for g.bfs(s, t) {
		for i := range g.iter {
			g.iter[i] = 0
		}
		for {
			f := g.dfs(int32(s), int32(t), Inf)
			if f <= Eps {
				break
			}
			total += f
		}
	}
	return total
}

func (g *Graph) bfs(s, t int) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	q := append(g.queue[:0], int32(s))
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, id := range g.out(u) {
			v := g.edges[id].to
			if g.level[v] < 0 && g.residual(id) > Eps {
				g.level[v] = g.level[u] + 1
				q = append(q, v)
			}
		}
	}
	g.queue = q
	return g.level[t] >= 0
}

func (g *Graph) dfs(u, t int32, limit float64) float64 {
	if u == t {
		return limit
	}
	out := g.out(u)
	for ; int(g.iter[u]) < len(out); g.iter[u]++ {
		id := out[g.iter[u]]
		v := g.edges[id].to
		r := g.residual(id)
		if r <= Eps || g.level[v] != g.level[u]+1 {
			continue
		}
		if f := g.dfs(v, t, min(limit, r)); f > Eps {
			g.push(id, f)
			return f
		}
	}
	return 0
}
