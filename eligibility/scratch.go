package eligibility

import (
	"sync"

	"github.com/certboard/certboard/flow"
)

// scratch is the memory one evaluation works in: the item table, the
// per-requirement tables indexed by item, and the flow graph. Evaluations
// take it from a pool and give it back when their report is written, so a
// busy engine reuses the same arrays instead of allocating and collecting
// them each time. Nothing in a report points into it.
//
// A scratch back in the pool still holds pointers into the last portfolio
// it served until it is reused or the pool drops it at a garbage
// collection.
type scratch struct {
	store  []item
	infos  []itemInfo
	masks  []itemMasks
	keys   []uint64
	areaOf [][]string
	firsts []int32
	counts []int16
	supply []int
	floats []float64
	// areaEdges holds the per-area node and edge tables of the network.
	areaEdges []int
	// gids and nexts are per item: its flow group and the next member of
	// that group; groups and slots the groups (see network.group).
	gids   []int32
	nexts  []int32
	groups []group
	slots  []int32
	// uses and amounts hold a requirement's uses while hoursResult sorts
	// them into the portfolio's order.
	uses    []pendingUse
	amounts []AreaAmount
	g       *flow.Graph
	// tx writes the texts of a result (see texts).
	tx texts
	// phrases are the reasons phrase remembers by key.
	phrases []remembered
	// dyn are the dynamic conditions dynamicOf worked out.
	dyn []dynEntry
}

var scratchPool = sync.Pool{New: func() any { return &scratch{g: flow.New(0)} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// release empties the scratch and returns it to the pool.
func (s *scratch) release() {
	s.store = s.store[:0]
	clear(s.areaOf) // it points into the portfolio
	s.areaOf = s.areaOf[:0]
	s.masks, s.keys = s.masks[:0], s.keys[:0]
	s.infos, s.firsts, s.counts, s.supply = s.infos[:0], s.firsts[:0], s.counts[:0], s.supply[:0]
	s.floats = s.floats[:0]
	s.gids, s.nexts, s.groups, s.areaEdges = s.gids[:0], s.nexts[:0], s.groups[:0], s.areaEdges[:0]
	s.slots = s.slots[:0]
	s.uses, s.amounts = s.uses[:0], s.amounts[:0]
	clear(s.phrases) // they point into the portfolio
	s.phrases = s.phrases[:0]
	clear(s.dyn) // they point into the set and the portfolio
	s.dyn = s.dyn[:0]
	s.g.Clear(0)
	scratchPool.Put(s)
}

// take returns n zeroed elements carved from the end of *buf, growing it
// (into a new array, which leaves parts already handed out intact) when it
// has no room. The part is capped, so appending to it cannot spill into
// the next.
func take[T any](buf *[]T, n int) []T {
	b := *buf
	if cap(b)-len(b) < n {
		b = make([]T, 0, max(2*cap(b), 4*n))
	}
	part := b[len(b) : len(b)+n : len(b)+n]
	clear(part)
	*buf = b[:len(b)+n]
	return part
}
