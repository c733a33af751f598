package eligibility

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/flow"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// searchBudget bounds the number of feasibility checks one at_least_areas
// search may make. Real sets have at most a few dozen areas and prune early.
const searchBudget = 200_000

// hoursReq is an hours requirement prepared for allocation.
type hoursReq struct {
	*hoursPlan
	r     *requirements.Requirement
	total float64
	// per item index: whether and how the requirement can count it.
	info []itemInfo
	// filtered holds area lists of items that also name areas outside the
	// taxonomy.
	filtered map[int][]string
	// areaOf holds, per item index, the areas itemAreas returns, for the
	// items hoursOf found eligible (nil for the others, and without a
	// taxonomy), so that they are looked up in the item's map once.
	areaOf [][]string
	// keyed is set for the requirements prepareHours prepares, which mix
	// what they make of each item into the evaluation's keys; pos is the
	// requirement's position among them.
	keyed bool
	pos   int
}

// Codes of itemInfo.why other than the index of a filter of the
// requirement's accepts list.
const (
	whyNone    = -1 // no reason: it counts, or is of a kind the requirement does not select
	whyNoArea  = -2 // it covers no area of the requirement's taxonomy
	whyAfterAs = -3 // it is dated after the as-of date
)

// itemInfo is what one requirement makes of one item. It holds no pointers,
// so a slice of them per requirement is cheap to allocate.
type itemInfo struct {
	elig bool
	// weak: eligible only thanks to a claimed license or contract.
	weak   bool
	capOf  int16 // index of the cap it falls under, or -1
	bucket int16 // index of the minimum it falls under, or -1
	// why says why it does not count: the index of the first filter of
	// the accepts list that selects its kind (the reason is worded only
	// when a report lists the item, by reason), or a why* code.
	why int16
	// areaKey hashes the positions in the taxonomy of the areas it counts
	// in, in their order, for the network's grouping (0 without them).
	areaKey uint64
}

// itemAreas returns the taxonomy areas item i covers for this requirement.
func (h *hoursReq) itemAreas(c *evalCtx, i int) []string {
	if h.areaOf != nil && h.areaOf[i] != nil {
		return h.areaOf[i]
	}
	if a, ok := h.filtered[i]; ok {
		return a
	}
	return c.act(&c.items[i]).Areas[h.r.Taxonomy]
}

// reason returns why item i does not count ("" when it does, or when it is
// not of a kind the requirement selects). It words the reason only now,
// for an item the report lists: of the filters that select the item's kind,
// from the first recorded on, the first that has something to say.
func (h *hoursReq) reason(c *evalCtx, i int) string {
	it := &c.items[i]
	switch w := h.info[i].why; w {
	case whyNone:
		return ""
	case whyNoArea:
		return "covers no area of " + c.set.Taxonomies[h.r.Taxonomy].Title
	case whyAfterAs:
		return "is dated " + it.end.String() + ", after the as-of date"
	default:
		for k := range h.accepts[w:] {
			f := &h.accepts[int(w)+k]
			if !c.selects(f, it) {
				continue
			}
			if why := c.why(f, it); why != "" {
				return why
			}
		}
		return ""
	}
}

// prepareHours works out, once per evaluation, which items each hours
// requirement that applies (applies is by position in the set) can count
// and where they go inside it.
func (c *evalCtx) prepareHours(applies []bool) []*hoursReq {
	n := 0
	for k, r := range c.set.Requirements {
		if r.Kind == requirements.KindHours && applies[k] {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if v := compiled(c.set).vocab; v != nil {
		c.masks = take(&c.sc.masks, len(c.items))
		for i := range c.items {
			v.masks(&c.masks[i], c, &c.items[i])
		}
	}
	c.keys = take(&c.sc.keys, len(c.items))
	store, hs := make([]hoursReq, n), make([]*hoursReq, 0, n)
	for k, r := range c.set.Requirements {
		if r.Kind != requirements.KindHours || !applies[k] {
			continue
		}
		h := &store[len(hs)]
		h.keyed, h.pos = true, len(hs)
		c.prepare(h, r)
		hs = append(hs, h)
	}
	for _, h := range hs {
		if rt := h.r.RatioTo; rt != nil {
			var base *hoursReq
			for _, o := range hs {
				if o.r.ID == rt.Requirement {
					base = o
				}
			}
			if base != nil {
				h.total = base.total / rt.Per
			} else {
				// The base requirement does not apply: take its figure from the set.
				for _, r := range c.set.Requirements {
					if r.ID == rt.Requirement {
						h.total = r.Total / rt.Per
					}
				}
			}
		}
	}
	return hs
}

// hoursPlan is what an hours requirement's allocation needs that depends
// on the set alone. It is worked out once per set (see compiledSet) and
// shared, read only, by every evaluation.
type hoursPlan struct {
	unit     string
	areas    []string       // the taxonomy's area codes, in order; nil without a taxonomy
	areaIdx  map[string]int // area -> its position in areas
	areaName map[string]string
	areaMin  map[string]float64
	// areaMax holds the areas with a maximum (area_maximum, area_maximums).
	areaMax map[string]float64
	kofn    *requirements.AtLeastAreas
	among   map[string]bool
	// wanted says, by evidenceIndex, which collections the accepts list reads.
	wanted [3]bool
	// accepts, capMatch and minMatch are copies of the requirement's
	// accepts list and of its caps' and minimums' match filters whose
	// values are the strings the portfolio's decoder shares (see
	// sharedFilter), which the filters compare quicker.
	accepts, capMatch, minMatch []requirements.Filter
	// acceptPlans, capPlans and minPlans are those filters compiled (see
	// filterPlan), or nil when the set's filters are not (see compiledSet).
	acceptPlans, capPlans, minPlans []filterPlan
}

// planHours works out the hoursPlan of requirement r of set.
func planHours(set *requirements.Set, r *requirements.Requirement) *hoursPlan {
	h := &hoursPlan{unit: r.Unit}
	if h.unit == "" {
		h.unit = "hours"
	}
	for _, f := range r.Accepts {
		h.wanted[evidenceIndex(f.Evidence)] = true
		h.accepts = append(h.accepts, sharedFilter(f))
	}
	for _, cp := range r.Caps {
		h.capMatch = append(h.capMatch, sharedFilter(cp.Match))
	}
	for _, b := range r.Minimums {
		h.minMatch = append(h.minMatch, sharedFilter(b.Match))
	}
	if r.Taxonomy != "" {
		h.areaName, h.areaMin, h.areaIdx = map[string]string{}, map[string]float64{}, map[string]int{}
		for _, a := range set.Taxonomies[r.Taxonomy].Areas {
			h.areaIdx[a.Code] = len(h.areas)
			h.areas = append(h.areas, a.Code)
			h.areaName[a.Code] = a.Name
			m := r.AreaMinimum
			if v, ok := r.AreaMinimums[a.Code]; ok {
				m = v
			}
			h.areaMin[a.Code] = m
			mx := r.AreaMaximum
			if v, ok := r.AreaMaximums[a.Code]; ok {
				mx = v
			}
			if mx > 0 {
				if h.areaMax == nil {
					h.areaMax = map[string]float64{}
				}
				h.areaMax[a.Code] = mx
			}
		}
		if r.AtLeastAreas != nil {
			h.kofn = r.AtLeastAreas
			h.among = map[string]bool{}
			for _, a := range h.areas {
				if len(h.kofn.Among) == 0 || slices.Contains(h.kofn.Among, a) {
					h.among[a] = true
				}
			}
		}
	}
	return h
}

// hoursOf prepares one hours requirement: which items it can count and
// where they go inside it.
func (c *evalCtx) hoursOf(r *requirements.Requirement) *hoursReq {
	h := &hoursReq{}
	c.prepare(h, r)
	return h
}

// prepare is hoursOf into h.
func (c *evalCtx) prepare(h *hoursReq, r *requirements.Requirement) {
	*h = hoursReq{hoursPlan: compiled(c.set).hours[r], r: r, total: r.Total, keyed: h.keyed, pos: h.pos}
	h.info = take(&c.sc.infos, len(c.items))
	if h.areas != nil {
		h.areaOf = take(&c.sc.areaOf, len(c.items))
	}
	for i := range h.info {
		h.info[i] = itemInfo{capOf: -1, bucket: -1, why: whyNone}
	}
	for e, wanted := range h.wanted {
		if wanted {
			from, to := c.collection(e)
			c.prepareItems(h, r, from, to)
		}
	}
}

// prepareItems is prepare of the items from index from to index to.
func (c *evalCtx) prepareItems(h *hoursReq, r *requirements.Requirement, from, to int) {
	for i := from; i < to; i++ {
		it, in := &c.items[i], &h.info[i]
		ok, why := c.acceptsItem(h, i)
		if ok && h.areas != nil {
			codes := c.act(it).Areas[r.Taxonomy]
			kept, key := knownAreas(codes, h.areaIdx)
			in.areaKey = key
			if len(kept) != len(codes) {
				if h.filtered == nil {
					h.filtered = map[int][]string{}
				}
				h.filtered[i] = kept
			}
			if as := h.itemAreas(c, i); len(as) == 0 {
				ok, why = false, whyNoArea
			} else {
				h.areaOf[i] = as
			}
		}
		if ok && it.end.After(c.asOf) {
			ok, why = false, whyAfterAs
		}
		in.elig, in.why = ok, why
		if !ok {
			continue
		}
		if c.hasClaimedSupport {
			c.strict = true
			strictOK, _ := c.acceptsItem(h, i)
			c.strict = false
			in.weak = !strictOK
		}
		for j := range r.Caps {
			// A monthly cap limits the item at its source (see build).
			if !r.Caps[j].Monthly() && c.matchItem(h.capPlans, h.capMatch, j, i) {
				in.capOf = int16(j)
				break
			}
		}
		for j := range r.Minimums {
			if c.matchItem(h.minPlans, h.minMatch, j, i) {
				in.bucket = int16(j)
				break
			}
		}
		if h.keyed {
			c.keys[i] = mixInfo(c.keys[i], h.pos, in)
		}
	}
}

// mixInfo mixes into key (FNV-1a over words) what the requirement at
// position pos among those that apply makes of an eligible item, as the
// network's grouping compares it (see network.alike). The result is never
// 0, so that a key of 0 says no requirement counts the item.
func mixInfo(key uint64, pos int, in *itemInfo) uint64 {
	if key == 0 {
		key = 14695981039346656037
	}
	w := uint64(0)
	if in.weak {
		w = 1
	}
	key = (key ^ (uint64(pos)<<40 | w<<32 | uint64(uint16(in.capOf))<<16 | uint64(uint16(in.bucket)))) * 1099511628211
	key = (key ^ in.areaKey) * 1099511628211
	return key | 1
}

// acceptsItem is accepts of item i with the requirement's filter plans,
// when the evaluation has the items' masks.
func (c *evalCtx) acceptsItem(h *hoursReq, i int) (bool, int16) {
	if c.masks == nil {
		return c.accepts(h.accepts, &c.items[i])
	}
	m := &c.masks[i]
	why := int16(whyNone)
	for k := range h.acceptPlans {
		fp := &h.acceptPlans[k]
		if fp.static(m) && (!fp.dynamic || c.dynamicOf(&h.accepts[k], &c.items[i])) {
			return true, whyNone
		}
		if why == whyNone && fp.selects(m) {
			why = int16(k)
		}
	}
	return false, why
}

// matchItem is match of item i and filter fs[j], with its plan fps[j] when
// the evaluation has the items' masks.
func (c *evalCtx) matchItem(fps []filterPlan, fs []requirements.Filter, j, i int) bool {
	if c.masks == nil {
		return c.match(&fs[j], &c.items[i])
	}
	fp := &fps[j]
	return fp.static(&c.masks[i]) && (!fp.dynamic || c.dynamicOf(&fs[j], &c.items[i]))
}

// accepts reports whether a requirement's accepts list takes an item, and if
// not, the index of the first filter that selects the item's kind (whyNone
// when none does): reason words why from there.
func (c *evalCtx) accepts(fs []requirements.Filter, it *item) (bool, int16) {
	why := int16(whyNone)
	for k := range fs {
		// Only evidence of the kind the filter selects is worth explaining:
		// a training is not "excluded" from a SAR requirement, it is unrelated.
		f := &fs[k]
		if c.match(f, it) {
			return true, whyNone
		}
		if why == whyNone && c.selects(f, it) {
			why = int16(k)
		}
	}
	return false, why
}

// selects reports whether an item is of the kind a filter is about: whether
// it passes the filter's selector, the part that says which kind of
// evidence it is (collection, activity kinds, supervision format and
// content). It is match on the selector, written out for items that carry
// hours so that no Filter is built per item.
func (c *evalCtx) selects(f *requirements.Filter, it *item) bool {
	if c.kase(it) != nil {
		sel := selector(f)
		return c.match(&sel, it)
	}
	if f.Evidence != "" && f.Evidence != it.evidence() {
		return false
	}
	if a := c.act(it); a != nil {
		if len(f.ActivityKinds) > 0 && !slices.Contains(f.ActivityKinds, a.Kind) {
			return false
		}
	} else if len(f.ActivityKinds) > 0 {
		return false
	}
	if s := c.session(it); s != nil {
		return (len(f.Format) == 0 || slices.Contains(f.Format, s.Format)) &&
			(len(f.Content) == 0 || slices.Contains(f.Content, s.Content))
	}
	return len(f.Format)+len(f.Content) == 0
}

// selector is the part of a filter that says which kind of evidence it is
// about.
func selector(f *requirements.Filter) requirements.Filter {
	return requirements.Filter{Evidence: f.Evidence, ActivityKinds: f.ActivityKinds, Content: f.Content, Format: f.Format}
}

// network is the flow network of one pass over the evidence.
type network struct {
	// claimed lists the groups only claimed; weak the uses that rest on a
	// claimed license or contract. Both are shut in the verified layer.
	claimed []int
	weak    []weakUse
	// monthly are the monthly caps of the requirements, in order.
	monthly []*monthCap
	// searchCut is set when an at_least_areas search ran out of budget.
	searchCut bool
	c         *evalCtx
	g         *flow.Graph
	s, t      int
	reqs      []*reqNet
	// groups are the flow's evidence nodes: items interchangeable for
	// every requirement (see group), in the order of their first member.
	groups []group
	gid    []int32 // per item index: its group, or -1 when no requirement counts it
	next   []int32 // per item index: the next member of its group, or -1
	supply []int   // per group: its supply edge
}

// group is a set of items that every requirement treats alike: same state,
// same limit at the source, and for each requirement the same eligibility,
// claimed support, cap, minimum bucket and areas. The flow sees one node
// with their credits together; hoursResult shares a group's flow out among
// its members in the portfolio's order.
type group struct {
	rep, last int32 // the first and last member; members link through network.next
	credits   float64
	mc, month int32  // the monthly cap selecting the members at the source (-1: none) and their month
	hash      uint64 // what network.hash gives its members
}

// pendingUse is one use of hoursResult before it is put in order: the
// item, its amount, and where its area split lies in the scratch's
// amounts. It holds no pointers, so sorting them moves plain memory.
type pendingUse struct {
	i        int32
	from, to int32
	amount   float64
}

// monthCap is a cap with per: month. It limits the evidence it selects at
// the source: each calendar month has a node fed from the source with the
// cap's limit, and the supply of every item of that month the cap selects
// comes from it, so the limit binds wherever the item's hours go.
type monthCap struct {
	rn    *reqNet // the requirement the cap belongs to
	j     int     // the cap's index in the requirement's caps
	cap   requirements.Cap
	node  map[int]int // month -> node
	edge  map[int]int // month -> the edge from the source to its node
	items map[int]int // group -> month, for the groups under it
}

type reqNet struct {
	h        *hoursReq
	free     int
	freeEdge int
	freeCap  float64
	// areaNode, areaMin and areaFree are per area, in the order of h.areas:
	// its node and its edges to t and to free.
	areaNode []int
	areaMin  []int
	areaFree []int
	capNode  []int
	capEdge  []int
	bkNode   []int
	bkEdge   []int // bucket -> t
	bkFree   []int
	// first and count locate, per group, the consecutive edges that carry
	// the group's contribution (count is 0 when it has none).
	first    []int32
	count    []int16
	avail    float64
	capAvail []float64
	kSet     map[string]bool // areas currently demanded for at_least_areas
	// sat records, after a solve, whether every sink of the requirement is
	// full; pure, whether it is full with verified evidence alone (no hours
	// from claimed items, none resting on claimed support).
	sat, pure bool
}

// build makes the network over all evidence that is not rejected. Claimed
// items' supply edges and the edges of items that count only thanks to
// claimed support are recorded, so that solve can first allocate verified
// evidence alone and then add the rest.
func (c *evalCtx) build(hs []*hoursReq) *network {
	c.sc.g.Clear(2)
	n := &network{c: c, g: c.sc.g, s: 0, t: 1}
	g := n.g
	g.Grow(c.edgesNeeded(hs))
	nets := make([]reqNet, len(hs))
	for k, h := range hs {
		rn := &nets[k]
		rn.h = h
		rn.free = g.AddNode()
		rn.freeEdge = g.AddEdge(rn.free, n.t, 0)
		if h.areas != nil {
			k := len(h.areas)
			rn.areaNode, rn.areaMin, rn.areaFree = take(&c.sc.areaEdges, k), take(&c.sc.areaEdges, k), take(&c.sc.areaEdges, k)
			for j := range h.areas {
				v := g.AddNode()
				rn.areaNode[j] = v
				rn.areaMin[j] = g.AddEdge(v, n.t, 0)
				rn.areaFree[j] = g.AddEdge(v, rn.free, flow.Inf)
			}
		}
		rn.capAvail = take(&c.sc.floats, len(h.r.Caps))
		rn.capNode, rn.capEdge = take(&c.sc.areaEdges, len(h.r.Caps)), take(&c.sc.areaEdges, len(h.r.Caps))
		for j, cp := range h.r.Caps {
			if cp.Monthly() {
				rn.capNode[j], rn.capEdge[j] = -1, -1
				n.monthly = append(n.monthly, &monthCap{rn: rn, j: j, cap: cp, node: map[int]int{}, edge: map[int]int{}, items: map[int]int{}})
				continue
			}
			v := g.AddNode()
			rn.capNode[j] = v
			if h.areas != nil {
				// Source-side cap: capped evidence is exclusive to this
				// requirement (see sourceOf).
				rn.capEdge[j] = g.AddEdge(n.s, v, cp.Limit(h.total))
			} else {
				rn.capEdge[j] = g.AddEdge(v, rn.free, cp.Limit(h.total))
			}
		}
		k := len(h.r.Minimums)
		rn.bkNode, rn.bkEdge, rn.bkFree = take(&c.sc.areaEdges, k), take(&c.sc.areaEdges, k), take(&c.sc.areaEdges, k)
		for j := range h.r.Minimums {
			v := g.AddNode()
			rn.bkNode[j] = v
			rn.bkEdge[j] = g.AddEdge(v, n.t, 0)
			rn.bkFree[j] = g.AddEdge(v, rn.free, flow.Inf)
		}
		n.reqs = append(n.reqs, rn)
	}
	n.group()
	n.supply = take(&c.sc.supply, len(n.groups))
	for _, rn := range n.reqs {
		rn.first, rn.count = take(&c.sc.firsts, len(n.groups)), take(&c.sc.counts, len(n.groups))
	}
	for gi := range n.groups {
		gr := &n.groups[gi]
		i := int(gr.rep)
		if n.direct(gi) {
			continue
		}
		node := -1
		for ri, rn := range n.reqs {
			h := rn.h
			in := h.info[i]
			if !in.elig {
				continue
			}
			if node < 0 {
				node = g.AddNode()
				n.supply[gi] = g.AddEdge(n.sourceOf(ri, gi), node, gr.credits)
				if c.state(&c.items[i]) == portfolio.Claimed {
					n.claimed = append(n.claimed, gi)
				}
			}
			rn.avail += gr.credits
			if in.capOf >= 0 {
				rn.capAvail[in.capOf] += gr.credits
			}
			var e int
			switch {
			case h.areas != nil:
				areas := h.itemAreas(c, i)
				e = g.AddEdge(node, rn.areaNode[h.areaIdx[areas[0]]], flow.Inf)
				for _, a := range areas[1:] {
					g.AddEdge(node, rn.areaNode[h.areaIdx[a]], flow.Inf)
				}
				rn.count[gi] = int16(len(areas))
			default:
				e = g.AddEdge(node, rn.entry(in), flow.Inf)
			}
			rn.first[gi] = int32(e)
			if rn.count[gi] == 0 {
				rn.count[gi] = 1
			}
			if in.weak {
				n.weak = append(n.weak, weakUse{rn, gi})
			}
		}
	}
	return n
}

// group puts the items that some requirement counts into groups of items
// every requirement treats alike (see group), in the portfolio's order.
// Their hours are interchangeable: any split of a group's flow among its
// members is a valid allocation, so the flow needs one node per group, and
// the 880 items of a large portfolio make a few dozen nodes.
func (n *network) group() {
	c, sc := n.c, n.c.sc
	n.gid, n.next = take(&sc.gids, len(c.items)), take(&sc.nexts, len(c.items))
	n.groups = sc.groups[:0]
	// The groups are found by their hash in an open-addressed table of at
	// least twice as many slots as items (each holds a group's index plus
	// one, 0 when empty), indexed by the hash's top bits.
	bits := 4
	for 1<<bits < 2*len(c.items) {
		bits++
	}
	slots := take(&sc.slots, 1<<bits)
	mask := uint64(len(slots) - 1)
	for i := range c.items {
		it := &c.items[i]
		n.gid[i], n.next[i] = -1, -1
		if c.keys[i] == 0 || !accepted(c.state(it), true) {
			continue // no requirement counts it
		}
		mc, month := n.monthOf(it)
		hv := n.hash(i, mc, month)
		gi := int32(-1)
		s := hv >> (64 - bits)
		for ; slots[s] != 0; s = (s + 1) & mask {
			k := slots[s] - 1
			if gr := &n.groups[k]; gr.hash == hv && gr.mc == mc && gr.month == month && n.alike(i, int(gr.rep)) {
				gi = k
				break
			}
		}
		if gi < 0 {
			gi = int32(len(n.groups))
			n.groups = append(n.groups, group{rep: int32(i), last: int32(i), mc: mc, month: month, hash: hv})
			slots[s] = gi + 1
		} else {
			gr := &n.groups[gi]
			n.next[gr.last], gr.last = int32(i), int32(i)
		}
		n.groups[gi].credits += it.credits
		n.gid[i] = gi
	}
	sc.groups = n.groups
}

// monthOf returns the first monthly cap that selects an item, and the
// item's month; -1 and 0 when none does.
func (n *network) monthOf(it *item) (int32, int32) {
	for k, mc := range n.monthly {
		if n.c.match(&mc.cap.Match, it) {
			return int32(k), int32(monthKey(it.end))
		}
	}
	return -1, 0
}

// hash hashes (FNV-1a over words) what group compares of item i: what
// each requirement makes of it (its key, see mixInfo), its state, and its
// month under a monthly cap.
func (n *network) hash(i int, mc, month int32) uint64 {
	h := n.c.keys[i]
	h = (h ^ uint64(n.c.items[i].st)) * 1099511628211
	h = (h ^ uint64(uint32(mc))) * 1099511628211
	return (h ^ uint64(uint32(month))) * 1099511628211
}

// alike reports whether items i and j are in the same state and every
// requirement treats them alike (their months are compared by group).
func (n *network) alike(i, j int) bool {
	if n.c.items[i].st != n.c.items[j].st { // the same code is the same state
		return false
	}
	for _, rn := range n.reqs {
		a, b := rn.h.info[i], rn.h.info[j]
		if a.elig != b.elig {
			return false
		}
		if !a.elig {
			continue
		}
		if a.weak != b.weak || a.capOf != b.capOf || a.bucket != b.bucket {
			return false
		}
		if rn.h.areas != nil && !slices.Equal(rn.h.itemAreas(n.c, i), rn.h.itemAreas(n.c, j)) {
			return false
		}
	}
	return true
}

// sourceOf returns the node the supply of group gi comes from, given the
// first requirement ri that counts it: the source-side node of its cap in
// a requirement with a taxonomy, else the node of its month under a
// monthly cap (made on first use), else the source. The loader keeps every
// item under at most one source-side limit.
func (n *network) sourceOf(ri, gi int) int {
	rn, gr := n.reqs[ri], &n.groups[gi]
	if j := rn.h.info[gr.rep].capOf; j >= 0 && rn.h.areas != nil {
		return rn.capNode[j] // capOf is never a monthly cap's
	}
	if gr.mc < 0 {
		return n.s
	}
	mc, m := n.monthly[gr.mc], int(gr.month)
	v, ok := mc.node[m]
	if !ok {
		v = n.g.AddNode()
		mc.edge[m] = n.g.AddEdge(n.s, v, mc.cap.Max)
		mc.node[m] = v
	}
	mc.items[gi] = m
	return v
}

// edgesNeeded counts the edges build will add, so the graph allocates once.
func (c *evalCtx) edgesNeeded(hs []*hoursReq) int {
	n := 16
	for _, h := range hs {
		n += 3*len(h.areas) + 2*len(h.r.Caps) + 3*len(h.r.Minimums) + 1
		if slices.ContainsFunc(h.r.Caps, requirements.Cap.Monthly) {
			n += len(c.items) // a source edge per month, at most one per item
		}
		for e, wanted := range h.wanted {
			if !wanted {
				continue // none of its items is eligible
			}
			from, to := c.collection(e)
			for i := from; i < to; i++ {
				if !h.info[i].elig {
					continue
				}
				n++ // a use, or a direct edge
				if h.areas != nil {
					n += len(h.itemAreas(c, i))
				}
			}
		}
	}
	return n + len(c.items) // supplies
}

// direct handles the common group that only one requirement can count,
// at one place in it: a single edge then carries both its supply and its
// use, which keeps the network small. It reports whether it did.
func (n *network) direct(gi int) bool {
	gr := &n.groups[gi]
	i := int(gr.rep)
	var only *reqNet
	ri := -1
	for k, rn := range n.reqs {
		if rn.h.info[i].elig {
			if only != nil {
				return false
			}
			only, ri = rn, k
		}
	}
	h, in := only.h, only.h.info[i]
	target := 0
	switch {
	case h.areas != nil:
		areas := h.itemAreas(n.c, i)
		if len(areas) != 1 {
			return false
		}
		target = only.areaNode[h.areaIdx[areas[0]]]
	default:
		target = only.entry(in)
	}
	e := n.g.AddEdge(n.sourceOf(ri, gi), target, gr.credits)
	n.supply[gi] = e
	only.first[gi], only.count[gi] = int32(e), 1
	only.avail += gr.credits
	if in.capOf >= 0 {
		only.capAvail[in.capOf] += gr.credits
	}
	if n.c.state(&n.c.items[i]) == portfolio.Claimed {
		n.claimed = append(n.claimed, gi)
	}
	if in.weak {
		n.weak = append(n.weak, weakUse{only, gi})
	}
	return true
}

// sourceFull reports whether the supply of group gi is held back at the
// source: by a full monthly cap of its month, or, in a requirement with a
// taxonomy, by a full cap (those sit at the source too).
func (n *network) sourceFull(rn *reqNet, gi int) bool {
	for _, mc := range n.monthly {
		if m, ok := mc.items[gi]; ok {
			return n.g.Saturated(mc.edge[m])
		}
	}
	if j := rn.h.info[n.groups[gi].rep].capOf; j >= 0 && rn.h.areas != nil {
		return n.g.Saturated(rn.capEdge[j])
	}
	return false
}

// monthKey numbers the calendar month of a date. An item belongs to the
// month of its date, a block over a period to the month of its last day.
func monthKey(d date.Date) int {
	t := d.Time()
	return t.Year()*12 + int(t.Month()) - 1
}

// monthLabel writes a month numbered by monthKey as 2025-03.
func monthLabel(m int) string { return fmt.Sprintf("%04d-%02d", m/12, m%12+1) }

// entry returns the node where an item enters a requirement without a
// taxonomy: its cap, its minimum bucket, or the free pool.
func (rn *reqNet) entry(in itemInfo) int {
	switch {
	case in.capOf >= 0:
		return rn.capNode[in.capOf]
	case in.bucket >= 0:
		return rn.bkNode[in.bucket]
	}
	return rn.free
}

// weakUse is a group's use by a requirement that rests on claimed support.
type weakUse struct {
	rn *reqNet
	g  int
}

// demand describes which requirements' sinks are demanded in a solve.
type demand struct {
	only *reqNet // when set, only this requirement's sinks are demanded
	kSet map[string]bool
	// verifiedOnly leaves claimed evidence out of the solve.
	verifiedOnly bool
	// flat allocates all evidence at once instead of verified evidence
	// first: enough, and exact, when only whether sinks fill matters.
	flat bool
	// protect closes requirements that verified evidence fills to claimed
	// evidence in the second layer (see allocate).
	protect bool
}

// solve computes a maximum flow that first fills minimums (area and bucket
// minimums, chosen at_least_areas areas) and then totals.
func (n *network) solve(d demand) {
	g := n.g
	g.Reset()
	for _, rn := range n.reqs {
		on := d.only == nil || d.only == rn
		h := rn.h
		mins := 0.0
		for k, a := range h.areas {
			m := h.areaMin[a]
			if h.kofn != nil {
				m = 0
				if d.kSet[a] {
					m = h.kofn.HoursEach
				}
			}
			if !on {
				m = 0
			}
			g.SetCap(rn.areaMin[k], m)
			mins += m
			// An area maximum bounds what the area gives beyond its minimum.
			if h.areaMax != nil {
				if mx, ok := h.areaMax[a]; ok {
					g.SetCap(rn.areaFree[k], max(mx-m, 0))
				}
			}
		}
		for j, b := range h.r.Minimums {
			m := b.Min
			if !on {
				m = 0
			}
			g.SetCap(rn.bkEdge[j], m)
			mins += m
		}
		rn.freeCap = 0
		if on {
			rn.freeCap = max(h.total-mins, 0)
		}
		g.SetCap(rn.freeEdge, 0)
		if h.kofn != nil {
			rn.kSet = d.kSet
		}
	}
	hasClaimed := len(n.claimed)+len(n.weak) > 0
	layered := hasClaimed && !d.flat && !d.verifiedOnly
	if hasClaimed && (layered || d.verifiedOnly) {
		n.shutClaimed(0)
	} else if hasClaimed {
		n.shutClaimed(flow.Inf)
	}
	// Minimums first, then totals.
	g.MaxFlow(n.s, n.t)
	for _, rn := range n.reqs {
		g.SetCap(rn.freeEdge, rn.freeCap)
	}
	g.MaxFlow(n.s, n.t)
	type frozenEdge struct {
		e    int
		open float64
	}
	var frozen []frozenEdge
	if layered {
		// Claimed layer, on top: flow into the sink is never taken back, so
		// what verified evidence filled stays filled. A requirement already
		// full with verified evidence is closed to further evidence, so that
		// rerouting cannot swap claimed hours into it. Minimums first again.
		n.shutClaimed(flow.Inf)
		for _, rn := range n.reqs {
			if !d.protect || !n.satisfied(rn) || !n.verifiedUses(rn) {
				continue
			}
			for i, k := range rn.count {
				for j := range int(k) {
					e := int(rn.first[i]) + 2*j
					frozen = append(frozen, frozenEdge{e, g.Cap(e)})
					g.SetCap(e, g.Flow(e))
				}
			}
		}
		for _, rn := range n.reqs {
			g.SetCap(rn.freeEdge, g.Flow(rn.freeEdge))
		}
		g.MaxFlow(n.s, n.t)
		for _, rn := range n.reqs {
			g.SetCap(rn.freeEdge, rn.freeCap)
		}
		g.MaxFlow(n.s, n.t)
	}
	for _, rn := range n.reqs {
		rn.sat = n.satisfied(rn)
		rn.pure = rn.sat && n.verifiedUses(rn)
	}
	for _, f := range frozen {
		g.SetCap(f.e, f.open)
	}
}

// total returns the flow into the sink.
func (n *network) total() float64 {
	t := 0.0
	for _, rn := range n.reqs {
		t += n.counted(rn)
	}
	return t
}

// verifiedUses reports whether no hours reach rn from claimed items or from
// uses resting on claimed support.
func (n *network) verifiedUses(rn *reqNet) bool {
	for _, i := range n.claimed {
		if rn.count[i] > 0 && n.useAmount(rn, i) > flow.Eps {
			return false
		}
	}
	for _, w := range n.weak {
		if w.rn == rn && n.useAmount(rn, w.g) > flow.Eps {
			return false
		}
	}
	return true
}

// shutClaimed sets the capacity of claimed supplies and of uses resting on
// claimed support: 0 shuts them, flow.Inf opens them (a supply reopens at
// the group's credits).
func (n *network) shutClaimed(c float64) {
	supply := func(g int) float64 { return min(c, n.groups[g].credits) }
	for _, g := range n.claimed {
		n.g.SetCap(n.supply[g], supply(g))
	}
	for _, w := range n.weak {
		if int(w.rn.first[w.g]) == n.supply[w.g] {
			// A direct edge is the supply too: it reopens at the credits.
			n.g.SetCap(n.supply[w.g], supply(w.g))
			continue
		}
		for k := range int(w.rn.count[w.g]) {
			n.g.SetCap(int(w.rn.first[w.g])+2*k, c)
		}
	}
}

// satisfied reports whether every sink of a requirement is full.
func (n *network) satisfied(rn *reqNet) bool {
	g := n.g
	if !g.Saturated(rn.freeEdge) {
		return false
	}
	for _, e := range rn.areaMin {
		if !g.Saturated(e) {
			return false
		}
	}
	for _, e := range rn.bkEdge {
		if !g.Saturated(e) {
			return false
		}
	}
	return true
}

func (n *network) kofnReq() *reqNet {
	for _, rn := range n.reqs {
		if rn.h.kofn != nil {
			return rn
		}
	}
	return nil
}

// areaPotentialInto is areaPotential(rn, false) by position in the
// requirement's areas, added up in the same order into p (zeroed, one
// element per area).
func (n *network) areaPotentialInto(p []float64, rn *reqNet) []float64 {
	for g, k := range rn.count {
		if k == 0 {
			continue
		}
		i := int(n.groups[g].rep)
		for _, a := range rn.h.itemAreas(n.c, i) {
			if j, ok := rn.h.areaIdx[a]; ok {
				p[j] += n.groups[g].credits
			}
		}
	}
	return p
}

// areaPotential is an upper bound of what each area of rn can receive, from
// all its evidence or from verified evidence only.
func (n *network) areaPotential(rn *reqNet, verifiedOnly bool) map[string]float64 {
	p := map[string]float64{}
	for g, k := range rn.count {
		i := int(n.groups[g].rep)
		if k == 0 || verifiedOnly && (n.c.state(&n.c.items[i]) != portfolio.Verified || rn.h.info[i].weak) {
			continue
		}
		for _, a := range rn.h.itemAreas(n.c, i) {
			p[a] += n.groups[g].credits
		}
	}
	return p
}

// candidates returns the at_least_areas areas that could reach the
// threshold on their own, those richest in verified evidence first.
func (n *network) candidates(rn *reqNet, verifiedOnly bool) []string {
	pot, ver := n.areaPotential(rn, verifiedOnly), n.areaPotential(rn, true)
	var cs []string
	for _, a := range rn.h.areas {
		if rn.h.among[a] && pot[a] >= rn.h.kofn.HoursEach-1e-9 {
			cs = append(cs, a)
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if ver[cs[i]] != ver[cs[j]] {
			return ver[cs[i]] > ver[cs[j]]
		}
		return pot[cs[i]] > pot[cs[j]]
	})
	return cs
}

// maxAreas finds the largest set of areas of an at_least_areas requirement
// that can reach the threshold together, counting only that requirement,
// with all its evidence or with verified evidence only.
//
// The search stops at limit areas. It starts from an upper bound: demanding
// the threshold in every candidate area at once, the hours that reach them,
// divided by the threshold.
func (n *network) maxAreas(rn *reqNet, verifiedOnly bool, limit int) []string {
	cands := n.candidates(rn, verifiedOnly)
	reach := func(s []string) float64 {
		n.solve(demand{only: rn, kSet: toSet(s), verifiedOnly: verifiedOnly, flat: true})
		t := 0.0
		for _, a := range s {
			t += n.g.Flow(rn.areaMin[rn.h.areaIdx[a]])
		}
		return t
	}
	m := rn.h.kofn.HoursEach
	feasible := func(s []string) bool {
		return reach(s) >= float64(len(s))*m-1e-7
	}
	// However the areas of cur and rest are chosen, no more of them than
	// the hours reaching all of them at once, over the threshold, can make it.
	bound := func(cur, rest []string) int {
		return int(reach(append(slices.Clone(cur), rest...))/m + 1e-9)
	}
	return search(cands, limit, feasible, bound, &n.searchCut)
}

// jointAreas looks for exactly k areas with which every requirement of the
// set is satisfied at once, by verified evidence alone when verified is set;
// nil when there is none.
func (n *network) jointAreas(rn *reqNet, verified bool) []string {
	k := rn.h.kofn.Count
	cands := n.candidates(rn, verified)
	if len(cands) < k {
		return nil
	}
	feasible := func(s []string) bool {
		n.solve(demand{kSet: toSet(s), verifiedOnly: verified, flat: true})
		for _, other := range n.reqs {
			if !other.sat {
				return false
			}
		}
		// With fewer than k areas the rest of the total must still fit,
		// which the same test checks.
		return true
	}
	// The richest areas first often succeed at once.
	if len(cands) >= k && feasible(cands[:k]) {
		return slices.Clone(cands[:k])
	}
	s := search(cands, k, feasible, nil, &n.searchCut)
	if len(s) < k {
		return nil
	}
	return s
}

// search finds a largest subset of cands (at most limit elements) accepted by
// feasible, which must be closed under taking subsets. It is a depth-first
// branch and bound: feasibility of a set is tested before it is extended, and
// a branch stops when it can no longer beat the best set found.
//
// bound, when given, returns an upper bound on the size of any feasible set
// that extends cur with elements of rest; a branch whose bound cannot beat the
// best set is cut. When the budget of checks runs out the search stops and
// sets *cut.
func search(cands []string, limit int, feasible func([]string) bool, bound func(cur, rest []string) int, cut *bool) []string {
	var best []string
	budget := searchBudget
	cur := make([]string, 0, len(cands))
	defer func() { *cut = *cut || budget <= 0 }()
	var rec func(i int)
	rec = func(i int) {
		if len(cur) > len(best) {
			best = slices.Clone(cur)
		}
		if len(best) >= limit || budget <= 0 {
			return
		}
		if len(cur)+len(cands)-i <= len(best) {
			return
		}
		for j := i; j < len(cands); j++ {
			if len(cur)+len(cands)-j <= len(best) || len(best) >= limit {
				return
			}
			if bound != nil {
				// Later j leave fewer elements, so a failed bound ends the loop.
				budget--
				if bound(cur, cands[j:]) <= len(best) {
					return
				}
			}
			cur = append(cur, cands[j])
			budget--
			if feasible(cur) {
				rec(j + 1)
			}
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return best
}

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// hoursPass is the outcome of the allocation: the network with its final
// flow, and the status of each requirement.
type hoursPass struct {
	n       *network
	status  map[*hoursReq]Status
	best    []string        // at_least_areas: the largest group of areas reaching the threshold
	kSet    map[string]bool // at_least_areas: the areas demanded in the final allocation
	protect bool            // whether the final allocation protects requirements filled by verified evidence
	span    map[*hoursReq]string
}

// allocate chooses the at_least_areas areas if any, solves in two layers
// (verified evidence, then claimed evidence on top) and checks spans.
func (c *evalCtx) allocate(hs []*hoursReq) *hoursPass {
	n := c.build(hs)
	p := &hoursPass{n: n, status: map[*hoursReq]Status{}, span: map[*hoursReq]string{}}
	var kSet map[string]bool
	if rn := n.kofnReq(); rn != nil {
		// Prefer, in order: areas with which verified evidence meets every
		// requirement; areas with which all evidence does; areas with which
		// verified evidence meets this requirement; the most areas possible.
		k := rn.h.kofn.Count
		p.best = n.maxAreas(rn, false, len(rn.h.areas))
		var chosen []string
		if len(p.best) >= k {
			verified := n.maxAreas(rn, true, k)
			if len(verified) >= k {
				chosen = n.jointAreas(rn, true)
			}
			if chosen == nil {
				chosen = n.jointAreas(rn, false)
			}
			if chosen == nil && len(verified) >= k {
				chosen = verified
			}
		}
		if chosen == nil {
			chosen = p.best[:min(len(p.best), k)]
		}
		kSet = toSet(chosen)
	}
	p.kSet = kSet
	// Closing the requirements that verified evidence fills keeps claimed
	// evidence from being swapped into them, so they show as met. That is
	// kept only when it costs nothing: when the flow stays as large as
	// without it, every requirement that can be full still is.
	n.solve(demand{kSet: kSet})
	if len(n.claimed)+len(n.weak) > 0 {
		open := n.total()
		n.solve(demand{kSet: kSet, protect: true})
		p.protect = n.total() >= open-1e-7
		if !p.protect {
			n.solve(demand{kSet: kSet})
		}
	}
	for _, rn := range n.reqs {
		metV, metC := rn.pure, rn.sat
		if rn.h.kofn != nil && len(kSet) < rn.h.kofn.Count {
			metV, metC = false, false
		}
		if rn.h.r.MinSpanMonths > 0 {
			if msg := c.spanProblem(n, rn, false); msg != "" {
				metV = false
				p.span[rn.h] = msg
			}
			if msg := c.spanProblem(n, rn, true); msg != "" {
				metC = false
				p.span[rn.h] = msg
			}
		}
		switch {
		case metV:
			p.status[rn.h] = Met
		case metC:
			p.status[rn.h] = Pending
		default:
			p.status[rn.h] = Unmet
		}
	}
	return p
}

// spanProblem checks min_span_months over the evidence the requirement
// accepts (verified only, or claimed too): the period from the earliest to
// the latest item must be long enough, however the hours are allocated.
func (c *evalCtx) spanProblem(n *network, rn *reqNet, withClaimed bool) string {
	var first, last date.Date
	seen := false
	for i, g := range n.gid {
		it := &c.items[i]
		if g < 0 || rn.count[g] == 0 || !accepted(c.state(it), withClaimed) || (rn.h.info[i].weak && !withClaimed) {
			continue
		}
		if !seen || it.start.Before(first) {
			first = it.start
		}
		if !seen || it.end.After(last) {
			last = it.end
		}
		seen = true
	}
	if !seen {
		return fmt.Sprintf("no evidence to span the required %d months", rn.h.r.MinSpanMonths)
	}
	if months := first.MonthsUntil(last); months < rn.h.r.MinSpanMonths {
		return fmt.Sprintf("the evidence spans %d months (%s to %s); it must span at least %d", months, first, last, rn.h.r.MinSpanMonths)
	}
	return ""
}

// useAmount returns what group g contributes to rn in the current flow.
func (n *network) useAmount(rn *reqNet, g int) float64 {
	t := 0.0
	for k := range int(rn.count[g]) {
		t += n.g.Flow(int(rn.first[g]) + 2*k)
	}
	return t
}

// counted returns what a requirement counts in the current flow.
func (n *network) counted(rn *reqNet) float64 {
	t := n.g.Flow(rn.freeEdge)
	for _, e := range rn.areaMin {
		t += n.g.Flow(e)
	}
	for _, e := range rn.bkEdge {
		t += n.g.Flow(e)
	}
	return t
}

// areaCounted returns what an area receives in the current flow.
func (n *network) areaCounted(rn *reqNet, a string) float64 {
	k := rn.h.areaIdx[a]
	return n.g.Flow(rn.areaMin[k]) + n.g.Flow(rn.areaFree[k])
}

// evalHours allocates the hours and describes each hours requirement, in
// the order of hs.
func (c *evalCtx) evalHours(hs []*hoursReq) []Result {
	if len(hs) == 0 {
		return nil
	}
	out := make([]Result, len(hs))
	p := c.allocate(hs)
	for i, h := range hs {
		st := p.status[h]
		res := c.hoursResult(p, p.n.reqs[i], st)
		if st == Unmet {
			if note := c.competition(p, i); note != "" {
				res.Explanation += "; " + note
			}
		}
		out[i] = res
	}
	return out
}

// competition explains an unmet requirement that would be met on its own:
// the evidence it needs is counted toward other requirements.
func (c *evalCtx) competition(p *hoursPass, idx int) string {
	n := p.n
	rn := n.reqs[idx]
	// Keep the joint allocation's flows to name the competitors, then test alone.
	var rivals []string
	for _, other := range n.reqs {
		if other == rn {
			continue
		}
		for i := range rn.count {
			if rn.count[i] > 0 && n.useAmount(other, i) > flow.Eps {
				rivals = append(rivals, other.h.r.ID)
				break
			}
		}
	}
	if len(rivals) == 0 {
		return ""
	}
	var kSet map[string]bool
	if rn.h.kofn != nil {
		kSet = toSet(p.best)
	}
	n.solve(demand{only: rn, kSet: kSet})
	alone := rn.sat && (rn.h.kofn == nil || len(p.best) >= rn.h.kofn.Count)
	// Restore the allocation the report describes.
	n.solve(demand{kSet: p.kSet, protect: p.protect})
	if !alone {
		return ""
	}
	return fmt.Sprintf("it would be met on its own, but hours count only once and some of the evidence it could use is counted toward %s", strings.Join(rivals, ", "))
}

// hoursResult describes one hours requirement from an allocation.
func (c *evalCtx) hoursResult(p *hoursPass, rn *reqNet, st Status) Result {
	n, h, r := p.n, rn.h, rn.h.r
	res := Result{ID: r.ID, Title: r.Title, Kind: r.Kind, Status: st}
	unit := h.unit
	counted := n.counted(rn)
	// The progress lines' texts, and a met requirement's explanation, are
	// written into one buffer and cut from one string; Progress gets its
	// final size first, so that the texts' destinations do not move.
	tx := &c.sc.tx
	res.Progress = make([]Progress, 1, 2+len(h.areas)+len(r.Caps)+len(r.Minimums))
	res.Progress[0] = Progress{Label: r.Title, Value: round(counted), Target: round(h.total), Unit: unit}
	from := tx.mark()
	tx.b = append(appendAmount(append(appendShown(tx.b, counted, st), " of "...), h.total, unit), " counted ("...)
	tx.b = append(appendNumber(tx.b, rn.avail), " available)"...)
	if rt := r.RatioTo; rt != nil {
		tx.b = append(append(appendNumber(append(tx.b, "; 1 per "...), rt.Per), " of "...), rt.Requirement...)
	}
	tx.add(&res.Progress[0].Text, from)
	// Per area.
	var lowAreas []string
	var pot []float64 // by position in h.areas
	if h.areas != nil {
		pot = n.areaPotentialInto(take(&c.sc.floats, len(h.areas)), rn)
	}
	var atMax []string
	for j, a := range h.areas {
		got := n.areaCounted(rn, a)
		mx, capped := h.areaMax[a]
		full := capped && got >= mx-1e-7
		if full {
			atMax = append(atMax, a)
		}
		target := h.areaMin[a]
		if h.kofn != nil {
			if !h.among[a] {
				continue
			}
			target = h.kofn.HoursEach
		}
		res.Progress = append(res.Progress, Progress{Value: round(got), Target: target, Unit: unit})
		pr := &res.Progress[len(res.Progress)-1]
		from := tx.mark()
		tx.b = append(append(append(append(tx.b, "area "...), a...), ": "...), h.areaName[a]...)
		tx.add(&pr.Label, from)
		from = tx.mark()
		tx.b = append(append(append(append(tx.b, "area "...), a...), " ("...), h.areaName[a]...)
		tx.b = appendNum(appendNum(tx.b, got, "): "), target, " of ")
		if capped {
			tx.b = appendNum(tx.b, mx, ", at most ")
		}
		switch {
		case pot[j] > got+1e-7 && full:
			tx.b = append(appendNum(tx.b, pot[j], " ("), " available; the area is at its maximum)"...)
		case pot[j] > got+1e-7:
			tx.b = append(appendNum(tx.b, pot[j], " ("), " available, shared with other areas or not needed)"...)
		}
		tx.add(&pr.Text, from)
		if h.kofn == nil && got < target-1e-7 {
			lowAreas = append(lowAreas, a)
		}
	}
	reached := 0
	if h.kofn != nil {
		for _, a := range h.areas {
			if h.among[a] && n.areaCounted(rn, a) >= h.kofn.HoursEach-1e-7 {
				reached++
			}
		}
		best := max(len(p.best), min(reached, h.kofn.Count))
		res.Progress = append(res.Progress, Progress{Label: "areas", Value: float64(best), Target: float64(h.kofn.Count), Unit: "areas",
			Text: fmt.Sprintf("%s can reach %s each together; %d needed", count(best, "area"), amount(h.kofn.HoursEach, unit), h.kofn.Count)})
	}
	// Caps.
	var binding []string
	var monthNotes, monthSteps []string
	for j, cp := range r.Caps {
		if cp.Monthly() {
			pr, note := n.monthProgress(rn, j, unit)
			res.Progress = append(res.Progress, pr)
			if note != "" {
				monthNotes = append(monthNotes, note)
				monthSteps = append(monthSteps, fmt.Sprintf("the monthly limit of %s still applies", amount(cp.Max, unit)))
			}
			continue
		}
		limit := cp.Limit(h.total)
		avail := rn.capAvail[j]
		// Source-side or requirement-side, the cap's edge carries what counts.
		through := n.g.Flow(rn.capEdge[j])
		res.Progress = append(res.Progress, Progress{Label: cp.Name(), Value: round(avail), Limit: round(limit), Unit: unit})
		from := tx.mark()
		tx.b = appendNumber(append(append(tx.b, cp.Name()...), ": "...), avail)
		if cp.Share > 0 && rn.avail > 0 {
			tx.b = append(append(appendNumber(append(tx.b, " of "...), rn.avail), ' '), unit...)
			tx.b = append(appendNumber(append(tx.b, " = "...), 100*avail/rn.avail), "% against a "...)
			tx.b = append(appendNumber(tx.b, 100*cp.Share), "% cap ("...)
			tx.b = append(appendNumber(tx.b, through), " count)"...)
		} else {
			tx.b = append(append(append(tx.b, ' '), unit...), " available, at most "...)
			tx.b = append(appendNumber(tx.b, limit), " count"...)
		}
		tx.add(&res.Progress[len(res.Progress)-1].Text, from)
		if avail > limit+1e-7 {
			binding = append(binding, cp.Name())
		}
	}
	// Minimums.
	var lowBuckets []int
	for j, b := range r.Minimums {
		got := n.g.Flow(rn.bkEdge[j])
		shown := got
		if got >= b.Min-1e-7 {
			// Met: the edge to the sink carries the minimum; what the
			// bucket gives beyond it flows on through its free edge.
			shown += n.g.Flow(rn.bkFree[j])
		}
		res.Progress = append(res.Progress, Progress{Label: b.Name(), Value: round(shown), Target: b.Min, Unit: unit})
		from := tx.mark()
		tx.b = append(appendNumber(append(append(tx.b, b.Name()...), ": "...), shown), " of at least "...)
		tx.b = appendNumber(tx.b, b.Min)
		tx.add(&res.Progress[len(res.Progress)-1].Text, from)
		if got < b.Min-1e-7 {
			lowBuckets = append(lowBuckets, j)
		}
	}
	// Evidence used, then evidence excluded.
	var claimedIDs []string
	res.Evidence = c.uses(n, rn, func(i int) {
		if c.state(&c.items[i]) == portfolio.Claimed {
			claimedIDs = appendNew(claimedIDs, c.id(&c.items[i]))
		}
		if h.info[i].weak {
			for _, id := range c.claimedSupport(&c.items[i]) {
				claimedIDs = appendNew(claimedIDs, id)
			}
		}
	})
	// Only items of the collections the requirement reads are eligible or
	// have a reason; the collections lie in the item table in order.
	excluded := 0
	for e, wanted := range h.wanted {
		if !wanted {
			continue
		}
		from, to := c.collection(e)
		for i := from; i < to; i++ {
			if in := h.info[i]; in.elig && c.state(&c.items[i]) == portfolio.Rejected || !in.elig && in.why != whyNone {
				excluded++
			}
		}
	}
	if excluded > 0 {
		res.Excluded = make([]Excluded, 0, excluded)
	}
	for e, wanted := range h.wanted {
		if !wanted {
			continue
		}
		from, to := c.collection(e)
		for i := from; i < to; i++ {
			it := &c.items[i]
			if in := h.info[i]; in.elig || in.why == whyNone {
				if in.elig && c.state(it) == portfolio.Rejected {
					res.Excluded = append(res.Excluded, Excluded{ID: c.id(it), Reason: "was rejected in verification"})
				}
				continue
			}
			if why := h.reason(c, i); why != "" {
				res.Excluded = append(res.Excluded, Excluded{ID: c.id(it), Reason: why})
			}
		}
	}
	// Explanation and shortfall.
	switch st {
	case Met:
		from := tx.mark()
		tx.b = append(appendAmount(append(appendNumber(tx.b, counted), " of "...), h.total, unit), " counted from "...)
		tx.b = appendCount(tx.b, len(res.Evidence), "verified item")
		if len(h.areas) > 0 && h.kofn == nil && r.AreaMinimum > 0 {
			tx.b = append(appendNumber(append(tx.b, ", with at least "...), r.AreaMinimum), " in every area"...)
		}
		if h.kofn != nil {
			tx.b = append(strconv.AppendInt(append(tx.b, ", with "...), int64(h.kofn.Count), 10), " areas at "...)
			tx.b = append(appendNumber(tx.b, h.kofn.HoursEach), " or more"...)
		}
		tx.add(&res.Explanation, from)
	case Pending:
		if len(claimedIDs) == 0 {
			// Met only with claimed evidence that carries no hours here, such
			// as an item that stretches the span the evidence covers.
			for i, g := range n.gid {
				if g >= 0 && rn.count[g] > 0 && (c.state(&c.items[i]) == portfolio.Claimed || h.info[i].weak) {
					claimedIDs = appendNew(claimedIDs, c.id(&c.items[i]))
				}
			}
		}
		res.Explanation = fmt.Sprintf("would be met (%s of %s) once %s %s verified: %s", num(counted), amount(h.total, unit), count(len(claimedIDs), "claimed item"), isAre(len(claimedIDs)), strings.Join(firstN(claimedIDs, 6), ", "))
	case Unmet:
		res.Explanation, res.Shortfall = c.hoursShortfall(p, rn, counted, lowAreas, lowBuckets, binding, reached, atMax, monthSteps)
	}
	tx.done()
	for _, note := range monthNotes {
		res.Explanation += "; " + note
	}
	if len(atMax) > 0 && counted < h.total-1e-7 {
		if note := n.areaMaxNote(rn, atMax); note != "" {
			res.Explanation += "; " + note
		}
	}
	if h.kofn != nil && n.searchCut {
		res.Explanation += fmt.Sprintf("; the search for the best %d areas stopped after %d checks, so a better choice may exist", h.kofn.Count, searchBudget)
	}
	if msg := p.span[h]; msg != "" && st != Met {
		res.Explanation += "; " + msg
		if res.Shortfall != nil {
			res.Shortfall.Steps = append(res.Shortfall.Steps, "spread the evidence over a longer period: "+msg)
		}
	}
	if st == Unmet && len(res.Excluded) > 0 {
		res.Explanation += fmt.Sprintf("; %s not counted (see excluded)", count(len(res.Excluded), "item"))
	}
	return res
}

// uses lists the items rn counts in the current flow, in the portfolio's
// order, with what each contributes (split by area with a taxonomy). A
// group's flow goes to its members in order: the flow of the requirements
// before rn to the first members, then rn's, area by area, to the next, so
// no member gives more than its credits and the split is deterministic.
// each is called with the index of each item listed, in order.
func (c *evalCtx) uses(n *network, rn *reqNet, each func(i int)) []Use {
	h := rn.h
	pend, store := c.sc.uses[:0], c.sc.amounts[:0]
	sorted := true
	for g := range n.groups {
		if rn.count[g] == 0 {
			continue
		}
		amt := n.useAmount(rn, g)
		if amt <= flow.Eps {
			continue
		}
		off := 0.0
		for _, o := range n.reqs {
			if o == rn {
				break
			}
			if o.count[g] > 0 {
				off += n.useAmount(o, g)
			}
		}
		gr := &n.groups[g]
		var areas []string
		if h.areas != nil {
			areas = h.itemAreas(c, int(gr.rep))
		}
		at := 0.0 // where the member starts on the line of the group's credits
		for m := gr.rep; m >= 0 && at < off+amt-flow.Eps; m = n.next[m] {
			it := &c.items[m]
			lo, hi := max(at, off), min(at+it.credits, off+amt)
			at += it.credits
			if hi-lo <= flow.Eps {
				continue
			}
			amount := round(hi - lo)
			from := len(store)
			switch {
			case len(areas) == 1:
				store = append(store, AreaAmount{Area: areas[0], Amount: amount})
			case len(areas) > 1:
				seg := off
				for k, a := range areas {
					f := n.g.Flow(int(rn.first[g]) + 2*k)
					if part := min(hi, seg+f) - max(lo, seg); part > flow.Eps {
						store = append(store, AreaAmount{Area: a, Amount: round(part)})
					}
					seg += f
				}
			}
			if len(pend) > 0 && pend[len(pend)-1].i > m {
				sorted = false
			}
			pend = append(pend, pendingUse{i: m, from: int32(from), to: int32(len(store)), amount: amount})
		}
	}
	if !sorted {
		slices.SortFunc(pend, func(a, b pendingUse) int { return int(a.i - b.i) })
	}
	uses := make([]Use, len(pend))
	// The uses' area splits share one array; each is capped to its own part.
	var split []AreaAmount
	if len(store) > 0 {
		split = make([]AreaAmount, 0, len(store))
	}
	for k, p := range pend {
		each(int(p.i))
		it := &c.items[p.i]
		uses[k] = Use{ID: c.id(it), Amount: p.amount, State: string(c.state(it))}
		if p.to > p.from {
			from := len(split)
			split = append(split, store[p.from:p.to]...)
			uses[k].Areas = split[from:len(split):len(split)]
		}
	}
	clear(store)
	c.sc.uses, c.sc.amounts = pend[:0], store[:0]
	return uses
}

// areaMaxNote says how many hours of a requirement short of its total did
// not count because every area they could go to is at its maximum, and
// names those areas ("" when none). An item of several areas is counted
// once, and only for what no requirement counts of it and no limit at
// the source holds back.
func (n *network) areaMaxNote(rn *reqNet, atMax []string) string {
	h := rn.h
	left := 0.0
	named := map[string]bool{}
	for g := range n.groups {
		if rn.count[g] == 0 {
			continue
		}
		areas := h.itemAreas(n.c, int(n.groups[g].rep))
		if !allIn(areas, atMax) {
			continue
		}
		rest := n.groups[g].credits - n.g.Flow(n.supply[g])
		if rest <= 1e-7 || n.sourceFull(rn, g) {
			continue
		}
		left += rest
		for _, a := range areas {
			named[a] = true
		}
	}
	if left <= 1e-7 {
		return ""
	}
	var areas []string
	for _, a := range h.areas {
		if named[a] {
			areas = append(areas, a)
		}
	}
	if len(areas) == 1 {
		return fmt.Sprintf("%s did not count because area %s is at its maximum (%s)", amount(left, h.unit), areas[0], num(h.areaMax[areas[0]]))
	}
	for k, a := range areas {
		areas[k] = fmt.Sprintf("%s (%s)", a, num(h.areaMax[a]))
	}
	return fmt.Sprintf("%s did not count because areas %s are at their maximum", amount(left, h.unit), andList(areas))
}

// allIn reports whether every element of xs is in set.
func allIn(xs, set []string) bool {
	for _, x := range xs {
		if !slices.Contains(set, x) {
			return false
		}
	}
	return true
}

// hoursShortfall explains an unmet hours requirement and the cheapest way to meet it.
//
// atMax lists the areas already at their maximum, monthSteps what monthly
// limits add to the step of more evidence.
func (c *evalCtx) hoursShortfall(p *hoursPass, rn *reqNet, counted float64, lowAreas []string, lowBuckets []int, binding []string, reached int,
	atMax, monthSteps []string) (string, *Shortfall) {
	n, h, r := p.n, rn.h, rn.h.r
	unit := h.unit
	sf := &Shortfall{Unit: unit}
	parts := []string{fmt.Sprintf("%s of %s counted", shown(counted, Unmet), amount(h.total, unit))}
	need := 0.0
	for _, a := range lowAreas {
		d := h.areaMin[a] - n.areaCounted(rn, a)
		need += d
		sf.Steps = append(sf.Steps, fmt.Sprintf("%s in area %s (%s)", more(d, unit), a, h.areaName[a]))
	}
	if len(lowAreas) > 0 {
		parts = append(parts, fmt.Sprintf("%s below the minimum (%s)", count(len(lowAreas), "area"), strings.Join(lowAreas, ", ")))
	}
	for _, j := range lowBuckets {
		b := r.Minimums[j]
		d := b.Min - n.g.Flow(rn.bkEdge[j])
		need += d
		sf.Steps = append(sf.Steps, fmt.Sprintf("%s of %s", more(d, unit), lowerFirst(b.Name())))
		parts = append(parts, fmt.Sprintf("%s %s of %s, at least %s needed", num(n.g.Flow(rn.bkEdge[j])), unit, lowerFirst(b.Name()), num(b.Min)))
	}
	if h.kofn != nil {
		missing := h.kofn.Count - max(reached, min(len(p.best), h.kofn.Count))
		if missing > 0 {
			type gap struct {
				a string
				d float64
			}
			var gaps []gap
			for _, a := range h.areas {
				if h.among[a] && n.areaCounted(rn, a) < h.kofn.HoursEach-1e-7 {
					gaps = append(gaps, gap{a, h.kofn.HoursEach - n.areaCounted(rn, a)})
				}
			}
			sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].d < gaps[j].d })
			for _, g := range gaps[:min(missing, len(gaps))] {
				need += g.d
				sf.Steps = append(sf.Steps, fmt.Sprintf("%s in area %s (%s)", more(g.d, unit), g.a, h.areaName[g.a]))
			}
			parts = append(parts, fmt.Sprintf("only %d of the %d areas reach %s %s", h.kofn.Count-missing, h.kofn.Count, num(h.kofn.HoursEach), unit))
		}
	}
	rest := h.total - counted - need
	if rest > 1e-7 {
		step := fmt.Sprintf("%s of any evidence this requirement accepts", more(rest, unit))
		if len(atMax) > 0 {
			step += fmt.Sprintf(" in areas other than %s, which are at their maximum", andList(atMax))
		}
		if len(binding) > 0 {
			step += fmt.Sprintf(", other than %s (that cap is reached)", lowerFirst(strings.Join(binding, " or ")))
		}
		for _, m := range monthSteps {
			step += "; " + m
		}
		sf.Steps = append(sf.Steps, step)
	}
	if len(binding) > 0 {
		parts = append(parts, fmt.Sprintf("%s beyond the cap do not count", lowerFirst(strings.Join(binding, " and "))+" "+unit))
	}
	sf.Amount = round(max(h.total-counted, need))
	if len(sf.Steps) == 0 {
		sf.Steps = append(sf.Steps, "see the progress figures")
	}
	return strings.Join(parts, "; "), sf
}

// monthProgress describes monthly cap j of rn: the most any month offers
// against the limit, and the months over it. The note says how much the
// limit left out, and in which months ("" when it left nothing out).
//
// Only the evidence rn accepts is counted: the cap may also select
// evidence only other requirements count, which says nothing of rn.
func (n *network) monthProgress(rn *reqNet, j int, unit string) (Progress, string) {
	cp := rn.h.r.Caps[j]
	var mc *monthCap
	for _, m := range n.monthly {
		if m.rn == rn && m.j == j {
			mc = m
		}
	}
	avail := map[int]float64{} // month -> what rn's items under the cap offer
	for g, m := range mc.items {
		if rn.count[g] > 0 {
			avail[m] += n.groups[g].credits
		}
	}
	most, over := 0.0, 0.0
	var overMonths, labels []string
	for _, m := range slices.Sorted(maps.Keys(avail)) {
		a := avail[m]
		most = max(most, a)
		if a > cp.Max+1e-7 {
			over += a - cp.Max
			overMonths = append(overMonths, fmt.Sprintf("%s (%s)", monthLabel(m), num(a)))
			labels = append(labels, monthLabel(m))
		}
	}
	text := fmt.Sprintf("%s: at most %s a month count", cp.Name(), amount(cp.Max, unit))
	switch {
	case len(overMonths) > 0:
		text += "; more in " + shortList(overMonths)
	case len(avail) > 0:
		text += fmt.Sprintf("; at most %s in any one month", amount(most, unit))
	}
	pr := Progress{Label: cp.Name(), Value: round(most), Limit: cp.Max, Unit: unit, Text: text}
	if over <= 1e-7 {
		return pr, ""
	}
	return pr, fmt.Sprintf("%s over the monthly limit of %s in %s did not count", amount(over, unit), amount(cp.Max, unit), shortList(labels))
}

// shortList joins up to four items as andList does; more, the first three
// and how many more ("2025-01, 2025-02, 2025-03 and 5 more").
func shortList(xs []string) string {
	if len(xs) <= 4 {
		return andList(xs)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[:3], ", "), len(xs)-3)
}

// andList joins "a", "a and b", "a, b and c".
func andList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// appendNew appends s unless xs already holds it.
func appendNew(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

func firstN(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(slices.Clone(xs[:n]), fmt.Sprintf("and %d more", len(xs)-n))
}

// shown formats what a requirement counts. For one not met it rounds down,
// so that 0.999 of 1 hour never reads "1 of 1".
func shown(x float64, st Status) string {
	if st == Met {
		return num(x)
	}
	return strconv.FormatFloat(math.Floor(x*100+1e-6)/100+0, 'f', -1, 64)
}

// appendNum appends sep and then x as num writes it.
func appendNum(b []byte, x float64, sep string) []byte {
	return strconv.AppendFloat(append(b, sep...), round(x)+0, 'f', -1, 64)
}

// round keeps two decimals, enough for quarter hours and half credits.
func round(x float64) float64 { return math.Round(x*100) / 100 }

// num formats a figure without trailing zeros.
func num(x float64) string {
	return strconv.FormatFloat(round(x)+0, 'f', -1, 64)
}

// lowerFirst lower-cases the first letter unless the word is an initialism or
// a brand such as eLearning.
func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && (s[1] < 'A' || s[1] > 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// knownAreas keeps the codes that the taxonomy knows (idx gives their
// positions), without copying when it knows all, and hashes (FNV-1a) the
// positions of those kept, in order.
func knownAreas(codes []string, idx map[string]int) ([]string, uint64) {
	key := uint64(14695981039346656037)
	for i, a := range codes {
		k, ok := idx[a]
		if !ok {
			kept := slices.Clone(codes[:i])
			for _, b := range codes[i+1:] {
				if k, ok := idx[b]; ok {
					kept = append(kept, b)
					key = (key ^ uint64(k)) * 1099511628211
				}
			}
			return kept, key
		}
		key = (key ^ uint64(k)) * 1099511628211
	}
	return codes, key
}

// evidenceIndex numbers the evidence collections for quick lookups.
func evidenceIndex(e string) int {
	switch e {
	case requirements.EvidenceEducation:
		return 0
	case requirements.EvidenceSupervision:
		return 1
	}
	return 2
}
