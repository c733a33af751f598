// Differential testing of the engine against an independent model: random
// sets (taxonomies with area minimums or k of n areas, area maximums and a
// source-side cap, minimum buckets, max and share caps, monthly caps that
// limit evidence across the set, ratio_to, credit conversion) and random
// portfolios (education, supervision and clinical evidence with supervisors,
// contracts, licenses, windows and telehealth, some of it claimed, rejected or
// dated after the as-of date) are evaluated, and the verdict is compared with an
// exact search over integer allocations, first of verified evidence, then of
// all evidence. Every report is also checked for self-consistency. The model
// in this file restates the filter rules independently of eligibility/context.go.
//
// DIFF_SEED and DIFF_N choose the seed and the number of instances.

package eligibility_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

var asOf = date.MustParse("2025-01-01")

type mFilter struct {
	Evidence      string
	ActivityKinds []string
	ProviderKinds []string
	Delivery      []string
	Format        []string
	Content       []string
	SupCred       []string
	Modalities    []string
	MaxGroup      int
	ReqContract   bool
	TeleLicensed  bool
	AfterContract bool
	MonthsAfter   int
	YearsBefore   int
	MonthsBefore  int
}

type mCap struct {
	id    string
	match mFilter
	max   float64
	share float64
	// monthly: at most max hours a month of the evidence match selects
	// count, wherever they count.
	monthly bool
}
type mBucket struct {
	id    string
	match mFilter
	min   float64
}
type mReq struct {
	id       string
	unit     string
	total    float64
	ratioTo  string
	per      float64
	taxonomy bool
	areaMin  float64
	areaMax  float64 // 0: none
	kofn     bool
	k        int
	m        float64
	accepts  []mFilter
	caps     []mCap
	mins     []mBucket
}

type mItem struct {
	id, ev               string
	kind, prov, delivery string
	areas                []string
	format               string
	gsize                int
	content, supervisor  string
	contract             string
	modality, juris      string
	start, end           date.Date
	period               bool
	hours                float64
	state                string
}

type mCred struct {
	typ      string
	from, to date.Date
}
type mSup struct {
	state string
	creds []mCred
}
type mContract struct {
	sup        string
	start, end date.Date
	state      string
}
type mLicense struct {
	id       string
	juris    string
	from, to date.Date
	state    string
}

type world struct {
	reqs      []*mReq
	credits   bool // other_ce at 0.5
	items     []*mItem
	sups      map[string]*mSup
	contracts map[string]*mContract
	conOrder  []string
	licenses  []*mLicense
}

func d(s string) date.Date { return date.MustParse(s) }

func within(x, from, to date.Date) bool { return !x.Before(from) && (to.IsZero() || !x.After(to)) }

func ok(state string, strict bool) bool {
	if state == "rejected" {
		return false
	}
	if strict && state != "verified" {
		return false
	}
	return true
}

// contractOf: the named (non-rejected) contract, or else the earliest
// non-rejected one; on verified evidence alone, the earliest verified one.
func (w *world) contractOf(it *mItem, strict bool) *mContract {
	if it.contract != "" {
		k := w.contracts[it.contract]
		if k == nil || k.state == "rejected" {
			return nil
		}
		return k
	}
	var best *mContract
	for _, id := range w.conOrder {
		k := w.contracts[id]
		if !ok(k.state, strict) {
			continue
		}
		if best == nil || k.start.Before(best.start) {
			best = k
		}
	}
	return best
}

func (w *world) supQualified(sid string, start, end date.Date, types []string, strict bool) bool {
	s := w.sups[sid]
	if s == nil || !ok(s.state, strict) {
		return false
	}
	for _, c := range s.creds {
		if slices.Contains(types, c.typ) && within(start, c.from, c.to) && within(end, c.from, c.to) {
			return true
		}
	}
	return false
}

func in(xs []string, x string) bool { return len(xs) == 0 || slices.Contains(xs, x) }

func (w *world) match(f mFilter, it *mItem, strict bool) bool {
	if f.Evidence != "" && f.Evidence != it.ev {
		return false
	}
	switch it.ev {
	case "education":
		if !in(f.ActivityKinds, it.kind) || !in(f.ProviderKinds, it.prov) || !in(f.Delivery, it.delivery) {
			return false
		}
	case "supervision":
		if !in(f.Format, it.format) || !in(f.Content, it.content) {
			return false
		}
		if f.MaxGroup > 0 && it.format == "group" && it.gsize > f.MaxGroup {
			return false
		}
		if len(f.SupCred) > 0 && !w.supQualified(it.supervisor, it.start, it.end, f.SupCred, strict) {
			return false
		}
	case "clinical":
		if !in(f.Modalities, it.modality) {
			return false
		}
		if f.TeleLicensed && strings.HasPrefix(it.modality, "telehealth") {
			found := false
			for _, l := range w.licenses {
				if ok(l.state, strict) && strings.EqualFold(l.juris, it.juris) && it.juris != "" && within(it.start, l.from, l.to) && within(it.end, l.from, l.to) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		if len(f.SupCred) > 0 {
			k := w.contractOf(it, strict)
			if k == nil || !ok(k.state, strict) {
				return false
			}
			if !w.supQualified(k.sup, it.start, it.end, f.SupCred, strict) {
				return false
			}
		}
	}
	if f.ReqContract {
		if it.contract == "" {
			return false
		}
		k := w.contractOf(it, strict)
		if k == nil || !ok(k.state, strict) {
			return false
		}
	}
	if f.YearsBefore > 0 || f.MonthsBefore > 0 {
		from := asOf.AddYears(-f.YearsBefore).AddMonths(-f.MonthsBefore)
		if it.start.Before(from) {
			return false
		}
	}
	if f.AfterContract || f.MonthsAfter > 0 {
		k := w.contractOf(it, strict)
		if k == nil || !ok(k.state, strict) {
			return false
		}
		if f.AfterContract {
			if it.start.Before(k.start) {
				return false
			}
			if !k.end.IsZero() && it.end.After(k.end) {
				return false
			}
		}
		if f.MonthsAfter > 0 && it.end.After(k.start.AddMonths(f.MonthsAfter)) {
			return false
		}
	}
	return true
}

func (w *world) rate(it *mItem) float64 {
	if w.credits && it.ev == "education" && it.prov == "other_ce" {
		return 0.5
	}
	return 1
}

func (w *world) total(r *mReq) float64 {
	if r.ratioTo != "" {
		for _, b := range w.reqs {
			if b.id == r.ratioTo {
				return b.total / r.per
			}
		}
	}
	return r.total
}

// eligible: whether r can count item it in a world (strict = verified only).
func (w *world) eligible(r *mReq, it *mItem, strict bool) bool {
	if !ok(it.state, strict) || it.end.After(asOf) {
		return false
	}
	acc := false
	for _, f := range r.accepts {
		if w.match(f, it, strict) {
			acc = true
			break
		}
	}
	if !acc {
		return false
	}
	if r.taxonomy && len(it.areas) == 0 {
		return false
	}
	return true
}

// ---------------------------------------------------------------- brute force (DP over states)

type qty struct {
	target int  // for >= quantities (saturating)
	limit  int  // for <= quantities
	isCap  bool //
}

type slot struct {
	adds []int // quantity indexes to add to
}

// solve returns whether an allocation meets all requirements in reqs (for a
// world), and the best number of kofn areas if kofnOnly.
var errTooBig = fmt.Errorf("too big")

func (w *world) trySolve(reqs []*mReq, strict bool, kofnOnly bool) (a bool, b int, big bool) {
	defer func() {
		if e := recover(); e != nil {
			if e == errTooBig {
				big = true
				return
			}
			panic(e)
		}
	}()
	a, b = w.solve(reqs, strict, kofnOnly)
	return
}

func (w *world) solve(reqs []*mReq, strict bool, kofnOnly bool) (bool, int) {
	var qs []qty
	type reqQ struct {
		total   int
		areas   map[string]int
		areaMax []int // per area a, b, c when the requirement has a maximum
		caps    []int
		mins    []int
	}
	// A monthly cap is one quantity per month; every use of an item it
	// selects, toward any requirement, adds to its month's.
	monthQ := map[string]int{}
	monthOf := func(it *mItem) int {
		for _, r := range reqs {
			for _, c := range r.caps {
				if !c.monthly || !w.match(c.match, it, false) {
					continue
				}
				k := r.id + "/" + c.id + "/" + it.end.Time().Format("2006-01")
				if _, ok := monthQ[k]; !ok {
					monthQ[k] = len(qs)
					qs = append(qs, qty{isCap: true, limit: int(math.Floor(2*c.max + 1e-9))})
				}
				return monthQ[k]
			}
		}
		return -1
	}
	rq := make([]reqQ, len(reqs))
	for ri, r := range reqs {
		t := w.total(r)
		rq[ri].total = len(qs)
		qs = append(qs, qty{target: int(math.Round(2 * t))})
		if r.taxonomy {
			rq[ri].areas = map[string]int{}
			for _, a := range []string{"a", "b", "c"} {
				m := r.areaMin
				if r.kofn {
					m = r.m
				}
				rq[ri].areas[a] = len(qs)
				qs = append(qs, qty{target: int(math.Round(2 * m))})
				if r.areaMax > 0 {
					rq[ri].areaMax = append(rq[ri].areaMax, len(qs))
					qs = append(qs, qty{isCap: true, limit: int(math.Floor(2*r.areaMax + 1e-9))})
				}
			}
		}
		for _, c := range r.caps {
			if c.monthly {
				rq[ri].caps = append(rq[ri].caps, -1) // see monthQ
				continue
			}
			lim := c.max
			if c.share > 0 {
				lim = c.share * t
			}
			rq[ri].caps = append(rq[ri].caps, len(qs))
			qs = append(qs, qty{isCap: true, limit: int(math.Floor(2*lim + 1e-9))})
		}
		for _, b := range r.mins {
			rq[ri].mins = append(rq[ri].mins, len(qs))
			qs = append(qs, qty{target: int(math.Round(2 * b.min))})
		}
	}
	// Items and their slots.
	type itemS struct {
		units int
		slots []slot
	}
	var its []itemS
	for _, it := range w.items {
		var ss []slot
		month := -2 // not looked up yet
		for ri, r := range reqs {
			if !w.eligible(r, it, strict) {
				continue
			}
			var extra []int
			if month == -2 {
				month = monthOf(it)
			}
			if month >= 0 {
				extra = append(extra, month)
			}
			for j, c := range r.caps {
				if !c.monthly && w.match(c.match, it, false) {
					extra = append(extra, rq[ri].caps[j])
					break
				}
			}
			for j, b := range r.mins {
				if w.match(b.match, it, false) {
					extra = append(extra, rq[ri].mins[j])
					break
				}
			}
			if r.taxonomy {
				for _, a := range it.areas {
					adds := []int{rq[ri].total, rq[ri].areas[a]}
					if r.areaMax > 0 {
						adds = append(adds, rq[ri].areaMax[slices.Index([]string{"a", "b", "c"}, a)])
					}
					ss = append(ss, slot{adds: append(adds, extra...)})
				}
			} else {
				ss = append(ss, slot{adds: append([]int{rq[ri].total}, extra...)})
			}
		}
		if len(ss) == 0 {
			continue
		}
		u := 2 * it.hours * w.rate(it)
		if math.Abs(u-math.Round(u)) > 1e-9 {
			panic("non-integral units")
		}
		its = append(its, itemS{units: int(math.Round(u)), slots: ss})
	}
	key := func(s []int) string {
		b := make([]byte, 0, len(s)*2)
		for _, x := range s {
			b = strconv.AppendInt(b, int64(x), 10)
			b = append(b, ',')
		}
		return string(b)
	}
	states := map[string][]int{key(make([]int, len(qs))): make([]int, len(qs))}
	for _, it := range its {
		next := map[string][]int{}
		for _, st := range states {
			// enumerate distributions of it.units over slots (+unused)
			var rec func(j, left int, cur []int)
			rec = func(j, left int, cur []int) {
				if j == len(it.slots) {
					k := key(cur)
					if _, ok := next[k]; !ok {
						next[k] = slices.Clone(cur)
					}
					return
				}
				for x := 0; x <= left; x++ {
					nc := slices.Clone(cur)
					bad := false
					for _, q := range it.slots[j].adds {
						nc[q] += x
						if qs[q].isCap {
							if nc[q] > qs[q].limit {
								bad = true
							}
						} else if nc[q] > qs[q].target {
							nc[q] = qs[q].target
						}
					}
					if bad {
						break
					}
					rec(j+1, left-x, nc)
				}
			}
			rec(0, it.units, st)
		}
		states = next
		if len(states) > 200000 {
			panic(errTooBig)
		}
	}
	any := false
	best := 0
	for _, st := range states {
		all := true
		for ri, r := range reqs {
			if st[rq[ri].total] < qs[rq[ri].total].target {
				all = false
			}
			if r.taxonomy {
				reached := 0
				for _, q := range rq[ri].areas {
					if st[q] >= qs[q].target {
						reached++
					}
				}
				if r.kofn {
					if reached < r.k {
						all = false
					}
					if kofnOnly {
						best = max(best, reached)
					}
				} else if reached < 3 {
					all = false
				}
			}
			for _, q := range rq[ri].mins {
				if st[q] < qs[q].target {
					all = false
				}
			}
		}
		if all {
			any = true
		}
	}
	return any, best
}

// ---------------------------------------------------------------- generation

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

func randState(r *rand.Rand) string {
	switch x := r.IntN(20); {
	case x < 14:
		return "verified"
	case x < 18:
		return "claimed"
	}
	return "rejected"
}

func genWorld(r *rand.Rand) *world {
	w := &world{sups: map[string]*mSup{}, contracts: map[string]*mContract{}}
	w.credits = r.IntN(3) == 0
	credPeriods := [][2]string{{"2020-01-01", ""}, {"2020-01-01", "2024-06-30"}, {"2024-07-01", ""}, {"2024-03-01", "2024-08-15"}}
	for _, s := range []string{"sv1", "sv2"} {
		sp := &mSup{state: randState(r)}
		for range 1 + r.IntN(2) {
			p := pick(r, credPeriods[0], credPeriods[0], credPeriods[1], credPeriods[2], credPeriods[3])
			c := mCred{typ: pick(r, "cred-x", "cred-x", "cred-y"), from: d(p[0])}
			if p[1] != "" {
				c.to = d(p[1])
			}
			sp.creds = append(sp.creds, c)
		}
		w.sups[s] = sp
	}
	if r.IntN(5) != 0 {
		k := &mContract{sup: "sv1", start: d(pick(r, "2024-01-01", "2023-05-01")), state: randState(r)}
		if r.IntN(4) == 0 {
			k.end = d("2024-09-30")
		}
		w.contracts["k1"] = k
		w.conOrder = append(w.conOrder, "k1")
	}
	if r.IntN(2) == 0 {
		k := &mContract{sup: "sv2", start: d(pick(r, "2024-06-01", "2022-01-01")), state: randState(r)}
		w.contracts["k2"] = k
		w.conOrder = append(w.conOrder, "k2")
	}
	for i := range r.IntN(3) {
		l := &mLicense{id: fmt.Sprintf("lic%d", i), juris: pick(r, "US-IL", "US-NY", "us-il"), from: d(pick(r, "2020-01-01", "2024-07-01")), state: randState(r)}
		if r.IntN(2) == 0 {
			l.to = d(pick(r, "2024-06-30", "2025-01-01"))
			if l.to.Before(l.from) {
				l.to = d("2025-01-01")
			}
		}
		w.licenses = append(w.licenses, l)
	}
	dates := []string{"2023-06-01", "2024-03-01", "2024-08-01", "2024-08-01", "2024-10-01", "2025-01-01", "2025-01-02", "2024-06-15"}
	hoursOpts := []float64{1, 1, 2, 2, 3}
	nEdu, nSes, nCli := 1+r.IntN(6), 1+r.IntN(5), 1+r.IntN(4)
	for i := range nEdu {
		it := &mItem{id: fmt.Sprintf("e%d", i), ev: "education", kind: pick(r, "ce", "university_course", "training", "sar"),
			prov: pick(r, "accredited_university", "other_ce", "approved_provider"), delivery: pick(r, "in_person", "elearning"),
			hours: pick(r, hoursOpts...), state: randState(r)}
		it.start = d(pick(r, dates...))
		it.end = it.start
		for _, a := range []string{"a", "b", "c"} {
			if r.IntN(2) == 0 {
				it.areas = append(it.areas, a)
			}
		}
		w.items = append(w.items, it)
	}
	for i := range nSes {
		it := &mItem{id: fmt.Sprintf("s%d", i), ev: "supervision", format: pick(r, "individual", "group"),
			content: pick(r, "case", "didactic"), supervisor: pick(r, "sv1", "sv2"), hours: pick(r, hoursOpts...), state: randState(r)}
		it.gsize = 1
		if it.format == "group" {
			it.gsize = pick(r, 2, 5)
		}
		if len(w.conOrder) > 0 && r.IntN(3) != 0 {
			it.contract = pick(r, w.conOrder...)
		}
		it.start = d(pick(r, dates...))
		it.end = it.start
		w.items = append(w.items, it)
	}
	for i := range nCli {
		it := &mItem{id: fmt.Sprintf("c%d", i), ev: "clinical", modality: pick(r, "in_person", "telehealth_video", "telehealth_video"),
			hours: pick(r, hoursOpts...), state: randState(r)}
		if r.IntN(4) != 0 {
			it.juris = pick(r, "US-IL", "US-NY")
		}
		if len(w.conOrder) > 0 && r.IntN(3) != 0 {
			it.contract = pick(r, w.conOrder...)
		}
		if r.IntN(2) == 0 {
			p := pick(r, [2]string{"2024-06-01", "2024-07-31"}, [2]string{"2024-07-01", "2024-12-31"}, [2]string{"2024-12-01", "2025-01-01"}, [2]string{"2024-12-01", "2025-01-05"})
			it.start, it.end, it.period = d(p[0]), d(p[1]), true
		} else {
			it.start = d(pick(r, dates...))
			it.end = it.start
		}
		w.items = append(w.items, it)
	}
	// Requirements.
	small := func() float64 { return float64(1 + r.IntN(3)) }
	if r.IntN(2) == 0 {
		rc := &mReq{id: "core", total: small() + 1, taxonomy: true,
			accepts: []mFilter{{Evidence: "education", ActivityKinds: []string{"university_course", "ce"}}}}
		if r.IntN(2) == 0 {
			rc.kofn, rc.k, rc.m = true, 1+r.IntN(3), float64(1+r.IntN(2))
			rc.total = max(rc.total, float64(rc.k)*rc.m)
		} else {
			rc.areaMin = float64(r.IntN(2))
			if rc.areaMin == 0 {
				rc.areaMin = 0.5
			}
			rc.total = max(rc.total, 3*rc.areaMin)
		}
		if r.IntN(2) == 0 {
			rc.caps = append(rc.caps, mCap{id: "el", match: mFilter{Evidence: "education", Delivery: []string{"elearning"}}, max: float64(1 + r.IntN(int(rc.total)))})
		}
		if r.IntN(2) == 0 {
			// Not below the area minimum or threshold; room for the total.
			rc.areaMax = max(pick(r, 1.0, 1.5, 2.0, 3.0), rc.areaMin, rc.m, math.Ceil(2*rc.total/3)/2)
		}
		w.reqs = append(w.reqs, rc)
	}
	if r.IntN(3) == 0 {
		rc := &mReq{id: "core2", total: small(), taxonomy: true, areaMin: 0.5 * float64(r.IntN(2)),
			accepts: []mFilter{{Evidence: "education", ActivityKinds: []string{"training"}}}}
		rc.total = max(rc.total, 3*rc.areaMin)
		w.reqs = append(w.reqs, rc)
	}
	if r.IntN(2) == 0 {
		rt := &mReq{id: "train", total: small(),
			accepts: []mFilter{{Evidence: "education", ActivityKinds: []string{"training", "sar"}}}}
		if r.IntN(2) == 0 {
			f := mFilter{Evidence: "supervision", Content: []string{"didactic"}}
			if r.IntN(2) == 0 {
				f.SupCred = []string{"cred-x"}
			}
			rt.accepts = append(rt.accepts, f)
			if r.IntN(2) == 0 {
				rt.caps = append(rt.caps, mCap{id: "sup", match: mFilter{Evidence: "supervision"}, max: float64(1 + r.IntN(int(rt.total)))})
			}
		}
		if r.IntN(2) == 0 {
			rt.mins = append(rt.mins, mBucket{id: "sar", match: mFilter{Evidence: "education", ActivityKinds: []string{"sar"}}, min: float64(1 + r.IntN(int(rt.total)))})
		}
		if r.IntN(2) == 0 {
			c := mCap{id: "el", match: mFilter{Evidence: "education", ActivityKinds: []string{"training"}, Delivery: []string{"elearning"}}}
			if r.IntN(2) == 0 {
				c.share = 0.5
			} else {
				c.max = float64(1 + r.IntN(int(rt.total)))
			}
			rt.caps = append(rt.caps, c)
		}
		w.reqs = append(w.reqs, rt)
	}
	if r.IntN(2) == 0 {
		rs := &mReq{id: "sup", total: small()}
		f := mFilter{Evidence: "supervision", Content: []string{"case", "didactic"}}
		if r.IntN(2) == 0 {
			f.SupCred = []string{"cred-x"}
		}
		if r.IntN(3) == 0 {
			f.MaxGroup = 4
		}
		if r.IntN(3) == 0 {
			f.AfterContract = true
		}
		if r.IntN(4) == 0 {
			f.MonthsAfter = pick(r, 6, 12, 30)
		}
		if r.IntN(4) == 0 {
			f.YearsBefore, f.MonthsBefore = pick(r, 0, 1), pick(r, 0, 7)
		}
		if r.IntN(4) == 0 {
			f.ReqContract = true
		}
		rs.accepts = []mFilter{f}
		if r.IntN(2) == 0 {
			rs.mins = append(rs.mins, mBucket{id: "ind", match: mFilter{Evidence: "supervision", Format: []string{"individual"}}, min: float64(1 + r.IntN(int(rs.total)))})
		}
		if r.IntN(2) == 0 {
			rs.caps = append(rs.caps, mCap{id: "grp", match: mFilter{Evidence: "supervision", Format: []string{"group"}}, share: 0.5})
		}
		if r.IntN(2) == 0 {
			// It overlaps the requirement's own cap and minimum, and limits
			// the supervision other requirements count too.
			rs.caps = append(rs.caps, mCap{id: "month", match: mFilter{Evidence: "supervision"}, max: float64(1 + r.IntN(3)), monthly: true})
		}
		w.reqs = append(w.reqs, rs)
	}
	hasClin := false
	if r.IntN(2) == 0 {
		hasClin = true
		rcl := &mReq{id: "clin", total: small()}
		f := mFilter{Evidence: "clinical", Modalities: []string{"in_person", "telehealth_video"}}
		if r.IntN(2) == 0 {
			f.TeleLicensed = true
		}
		if r.IntN(3) == 0 {
			f.SupCred = []string{"cred-x"}
		}
		if r.IntN(3) == 0 {
			f.AfterContract = true
		}
		if r.IntN(4) == 0 {
			f.ReqContract = true
		}
		rcl.accepts = []mFilter{f}
		if r.IntN(2) == 0 {
			rcl.caps = append(rcl.caps, mCap{id: "tele", match: mFilter{Evidence: "clinical", Modalities: []string{"telehealth_video"}}, max: float64(1 + r.IntN(int(rcl.total)))})
		}
		if r.IntN(3) == 0 {
			rcl.caps = append(rcl.caps, mCap{id: "month", match: mFilter{Evidence: "clinical", Modalities: []string{"in_person"}}, max: pick(r, 1.0, 2.0), monthly: true})
		}
		w.reqs = append(w.reqs, rcl)
	}
	if hasClin && r.IntN(2) == 0 {
		var base *mReq
		for _, x := range w.reqs {
			if x.id == "clin" {
				base = x
			}
		}
		rr := &mReq{id: "ratio", ratioTo: "clin", per: pick(r, 1.0, 2.0, 0.5)}
		if base.total/rr.per < 0.5 {
			rr.per = 1
		}
		rr.accepts = []mFilter{{Evidence: "supervision", Format: []string{"individual"}}}
		if r.IntN(2) == 0 {
			rr.accepts = append(rr.accepts, mFilter{Evidence: "supervision", Format: []string{"group"}, MaxGroup: 4})
			rr.caps = append(rr.caps, mCap{id: "grp", match: mFilter{Evidence: "supervision", Format: []string{"group"}}, share: 0.5})
		}
		w.reqs = append(w.reqs, rr)
	}
	if r.IntN(3) == 0 {
		// A requirement sharing supervision and clinical evidence.
		rm := &mReq{id: "mixed", total: small(),
			accepts: []mFilter{{Evidence: "clinical", Modalities: []string{"in_person"}}, {Evidence: "supervision", Format: []string{"group"}}}}
		if r.IntN(2) == 0 {
			rm.mins = append(rm.mins, mBucket{id: "cl", match: mFilter{Evidence: "clinical"}, min: float64(1 + r.IntN(int(rm.total)))})
		}
		w.reqs = append(w.reqs, rm)
	}
	for _, x := range w.reqs {
		if w.credits && (x.taxonomy || x.id == "train") {
			x.unit = "credits"
		}
	}
	return w
}

// ---------------------------------------------------------------- serialisation

func yl(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }

func (f mFilter) yaml() string {
	var p []string
	if f.Evidence != "" {
		p = append(p, "evidence: "+f.Evidence)
	}
	add := func(k string, v []string) {
		if len(v) > 0 {
			p = append(p, k+": "+yl(v))
		}
	}
	add("activity_kinds", f.ActivityKinds)
	add("provider_kinds", f.ProviderKinds)
	add("delivery", f.Delivery)
	add("format", f.Format)
	add("content", f.Content)
	add("supervisor_credential", f.SupCred)
	add("modalities", f.Modalities)
	if f.MaxGroup > 0 {
		p = append(p, fmt.Sprintf("max_group_size: %d", f.MaxGroup))
	}
	if f.ReqContract {
		p = append(p, "require_contract: true")
	}
	if f.TeleLicensed {
		p = append(p, "telehealth_where_licensed: true")
	}
	if f.AfterContract || f.MonthsAfter > 0 || f.YearsBefore > 0 || f.MonthsBefore > 0 {
		var wp []string
		if f.YearsBefore > 0 {
			wp = append(wp, fmt.Sprintf("years_before_as_of: %d", f.YearsBefore))
		}
		if f.MonthsBefore > 0 {
			wp = append(wp, fmt.Sprintf("months_before_as_of: %d", f.MonthsBefore))
		}
		if f.AfterContract {
			wp = append(wp, "after_contract_start: true")
		}
		if f.MonthsAfter > 0 {
			wp = append(wp, fmt.Sprintf("months_after_contract_start: %d", f.MonthsAfter))
		}
		p = append(p, "window: {"+strings.Join(wp, ", ")+"}")
	}
	return "{" + strings.Join(p, ", ") + "}"
}

func (w *world) setYAML() string {
	var b strings.Builder
	b.WriteString("id: diff\ntitle: Diff\nbody: Test\nversion: \"1\"\neffective_from: 2020-01-01\nsources:\n  - url: https://example.org\n    title: x\n")
	if w.credits {
		b.WriteString("credits:\n  - match: {evidence: education, provider_kinds: [other_ce]}\n    rate: 0.5\n")
	}
	b.WriteString("taxonomies:\n  t:\n    title: T\n    areas:\n      - {code: a, name: A}\n      - {code: b, name: B}\n      - {code: c, name: C}\n")
	b.WriteString("requirements:\n")
	if len(w.reqs) == 0 {
		b.WriteString("  - {id: att, kind: attestation, title: Att, code: x}\n")
	}
	for _, r := range w.reqs {
		fmt.Fprintf(&b, "  - id: %s\n    kind: hours\n    title: Req %s\n", r.id, r.id)
		if r.unit != "" {
			fmt.Fprintf(&b, "    unit: %s\n", r.unit)
		}
		if r.ratioTo != "" {
			fmt.Fprintf(&b, "    ratio_to: {requirement: %s, per: %g}\n", r.ratioTo, r.per)
		} else {
			fmt.Fprintf(&b, "    total: %g\n", r.total)
		}
		if r.taxonomy {
			b.WriteString("    taxonomy: t\n")
			if r.kofn {
				fmt.Fprintf(&b, "    at_least_areas: {count: %d, hours_each: %g}\n", r.k, r.m)
			} else {
				fmt.Fprintf(&b, "    area_minimum: %g\n", r.areaMin)
			}
			if r.areaMax > 0 {
				fmt.Fprintf(&b, "    area_maximum: %g\n", r.areaMax)
			}
		}
		b.WriteString("    accepts:\n")
		for _, f := range r.accepts {
			fmt.Fprintf(&b, "      - %s\n", f.yaml())
		}
		if len(r.mins) > 0 {
			b.WriteString("    minimums:\n")
			for _, m := range r.mins {
				fmt.Fprintf(&b, "      - {id: %s, title: Min %s, match: %s, min: %g}\n", m.id, m.id, m.match.yaml(), m.min)
			}
		}
		if len(r.caps) > 0 {
			b.WriteString("    caps:\n")
			for _, c := range r.caps {
				lim := fmt.Sprintf("max: %g", c.max)
				if c.share > 0 {
					lim = fmt.Sprintf("share: %g", c.share)
				}
				if c.monthly {
					lim += ", per: month"
				}
				fmt.Fprintf(&b, "      - {id: %s, title: Cap %s, match: %s, %s}\n", c.id, c.id, c.match.yaml(), lim)
			}
		}
	}
	return b.String()
}

func ver(s string) portfolio.Verification {
	if s == "claimed" && rand.IntN(2) == 0 {
		return portfolio.Verification{}
	}
	return portfolio.Verification{State: portfolio.State(s)}
}

func (w *world) portfolio() *portfolio.Portfolio {
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: "p", Name: "P"}}
	for _, id := range []string{"sv1", "sv2"} {
		s := w.sups[id]
		sp := portfolio.Supervisor{ID: id, Name: "Sup " + id, Verification: ver(s.state)}
		for _, c := range s.creds {
			sp.Credentials = append(sp.Credentials, portfolio.HeldCredential{Type: c.typ, ValidFrom: c.from, ValidTo: c.to})
		}
		p.Supervisors = append(p.Supervisors, sp)
	}
	for _, id := range w.conOrder {
		k := w.contracts[id]
		p.Contracts = append(p.Contracts, portfolio.Contract{ID: id, Supervisor: k.sup, Start: k.start, End: k.end, Verification: ver(k.state)})
	}
	for _, l := range w.licenses {
		p.Licenses = append(p.Licenses, portfolio.License{ID: l.id, Profession: "counseling", Jurisdiction: l.juris, Number: "1", ValidFrom: l.from, ValidTo: l.to, Verification: ver(l.state)})
	}
	for _, it := range w.items {
		switch it.ev {
		case "education":
			a := portfolio.Activity{ID: it.id, Title: "x", Kind: it.kind, Provider: portfolio.Provider{Name: "P", Kind: it.prov}, Delivery: it.delivery,
				Date: it.start, Hours: it.hours, Verification: ver(it.state)}
			if len(it.areas) > 0 {
				a.Areas = map[string][]string{"t": it.areas}
			}
			p.Education = append(p.Education, a)
		case "supervision":
			s := portfolio.Session{ID: it.id, Date: it.start, Hours: it.hours, Format: it.format, GroupSize: it.gsize, Supervisor: it.supervisor,
				Content: it.content, Contract: it.contract, Verification: ver(it.state)}
			p.Sessions = append(p.Sessions, s)
		case "clinical":
			c := portfolio.ClinicalHours{ID: it.id, Hours: it.hours, Modality: it.modality, ClientJurisdiction: it.juris, Contract: it.contract, Verification: ver(it.state)}
			if it.period {
				c.From, c.To = it.start, it.end
			} else {
				c.Date = it.start
			}
			p.ClinicalHours = append(p.ClinicalHours, c)
		}
	}
	return p
}

// ---------------------------------------------------------------- the test

func TestDifferential(t *testing.T) {
	seed := uint64(1)
	if s := os.Getenv("DIFF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	n := 600 // DIFF_N=30000 for a longer run
	if s := os.Getenv("DIFF_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	fails, rejectedSets, counts := 0, 0, map[string]int{}
	for trial := range n {
		w := genWorld(r)
		src := w.setYAML()
		set, err := requirements.Parse("diff.yaml", []byte(src))
		if err != nil {
			rejectedSets++
			if rejectedSets < 3 {
				t.Logf("set rejected: %v\n%s", err, src)
			}
			continue
		}
		p := w.portfolio()
		raw, _ := json.Marshal(p)
		p2, err := portfolio.Decode(raw)
		if err != nil {
			t.Fatalf("trial %d: portfolio rejected: %v\n%s", trial, err, raw)
		}
		rep := eligibility.Evaluate(p2, set, asOf)
		wantV, _, big1 := w.trySolve(w.reqs, true, false)
		wantC, _, big2 := w.trySolve(w.reqs, false, false)
		if big1 || big2 {
			counts["skipped-big"]++
			continue
		}
		want := eligibility.VerdictNotEligible
		switch {
		case wantV:
			want = eligibility.VerdictEligible
		case wantC:
			want = eligibility.VerdictPending
		}
		if len(w.reqs) == 0 {
			continue
		}
		if want == eligibility.VerdictNotEligible && r.IntN(4) != 0 {
			continue
		}
		counts[want]++
		problems := []string{}
		if rep.Verdict != want {
			problems = append(problems, fmt.Sprintf("verdict: engine %s, brute force %s", rep.Verdict, want))
		}
		problems = append(problems, w.consistency(rep)...)
		for _, rq := range w.reqs {
			if rq.kofn {
				var core *mReq = rq
				_, best, _ := w.trySolve([]*mReq{core}, false, true)
				for _, res := range rep.Results {
					if res.ID == "core" {
						for _, pr := range res.Progress {
							if pr.Label == "areas" && int(pr.Value) != best {
								problems = append(problems, fmt.Sprintf("kofn areas: engine %v, brute %d", pr.Value, best))
							}
						}
					}
				}
			}
		}
		if len(problems) > 0 {
			fails++
			if fails <= 5 {
				rj, _ := json.MarshalIndent(rep.Results, "", " ")
				t.Errorf("trial %d: %s\nSET:\n%s\nPORTFOLIO:\n%s\nREPORT:\n%s", trial, strings.Join(problems, "\n"), src, raw, rj)
			}
		}
	}
	t.Logf("instances %d, sets rejected %d, verdicts %v, failures %d", n, rejectedSets, counts, fails)
}

// consistency checks a report against the independent model.
func (w *world) consistency(rep *eligibility.Report) []string {
	var out []string
	used := map[string]float64{}
	byID := map[string]*mItem{}
	for _, it := range w.items {
		byID[it.id] = it
	}
	for _, res := range rep.Results {
		var rq *mReq
		for _, x := range w.reqs {
			if x.id == res.ID {
				rq = x
			}
		}
		if rq == nil {
			continue
		}
		sum := 0.0
		capUse := make([]float64, len(rq.caps))
		minUse := make([]float64, len(rq.mins))
		areaUse := map[string]float64{}
		for _, u := range res.Evidence {
			it := byID[u.ID]
			if it == nil {
				out = append(out, fmt.Sprintf("%s: unknown evidence %s", res.ID, u.ID))
				continue
			}
			used[u.ID] += u.Amount
			sum += u.Amount
			if !w.eligible(rq, it, false) {
				out = append(out, fmt.Sprintf("%s: uses %s which it cannot count even with claimed evidence", res.ID, u.ID))
			}
			if res.Status == eligibility.Met && !w.eligible(rq, it, true) {
				out = append(out, fmt.Sprintf("%s: met but uses %s which counts only with claimed evidence", res.ID, u.ID))
			}
			for j, c := range rq.caps {
				if c.monthly {
					continue // checked across requirements below
				}
				if w.match(c.match, it, false) {
					capUse[j] += u.Amount
					break
				}
			}
			for j, b := range rq.mins {
				if w.match(b.match, it, false) {
					minUse[j] += u.Amount
					break
				}
			}
			asum := 0.0
			for _, a := range u.Areas {
				areaUse[a.Area] += a.Amount
				asum += a.Amount
				if !slices.Contains(it.areas, a.Area) {
					out = append(out, fmt.Sprintf("%s: %s counted in area %s it does not cover", res.ID, u.ID, a.Area))
				}
			}
			if rq.taxonomy && math.Abs(asum-u.Amount) > 0.011 {
				out = append(out, fmt.Sprintf("%s: %s area amounts %v != amount %v", res.ID, u.ID, asum, u.Amount))
			}
		}
		tot := w.total(rq)
		if rq.areaMax > 0 {
			for a, got := range areaUse {
				if got > rq.areaMax+0.011 {
					out = append(out, fmt.Sprintf("%s: area %s counts %v, above the area maximum %v", res.ID, a, got, rq.areaMax))
				}
			}
		}
		for j, c := range rq.caps {
			if c.monthly {
				continue
			}
			lim := c.max
			if c.share > 0 {
				lim = c.share * tot
			}
			if capUse[j] > lim+0.011 {
				out = append(out, fmt.Sprintf("%s: cap %s exceeded: %v > %v", res.ID, c.id, capUse[j], lim))
			}
		}
		if len(res.Progress) > 0 && math.Abs(res.Progress[0].Value-sum) > 0.011*float64(len(res.Evidence)+1) {
			out = append(out, fmt.Sprintf("%s: progress says %v counted, evidence sums to %v", res.ID, res.Progress[0].Value, sum))
		}
		if sum > tot+0.011 {
			out = append(out, fmt.Sprintf("%s: counts %v, above its total %v", res.ID, sum, tot))
		}
		if res.Status == eligibility.Met || res.Status == eligibility.Pending {
			if sum < tot-0.011 {
				out = append(out, fmt.Sprintf("%s: %s but counts only %v of %v", res.ID, res.Status, sum, tot))
			}
			for j, b := range rq.mins {
				if minUse[j] < b.min-0.011 {
					out = append(out, fmt.Sprintf("%s: %s but minimum %s has %v of %v", res.ID, res.Status, b.id, minUse[j], b.min))
				}
			}
			if rq.taxonomy {
				reached := 0
				thr := rq.areaMin
				if rq.kofn {
					thr = rq.m
				}
				for _, a := range []string{"a", "b", "c"} {
					if areaUse[a] >= thr-0.011 {
						reached++
					}
				}
				if rq.kofn && reached < rq.k || !rq.kofn && reached < 3 {
					out = append(out, fmt.Sprintf("%s: %s but only %d areas reach %v (%v)", res.ID, res.Status, reached, thr, areaUse))
				}
			}
		}
		if res.Status == eligibility.Unmet && res.Shortfall != nil {
			for _, s := range res.Shortfall.Steps {
				if strings.HasPrefix(s, "0 more") || strings.Contains(s, " 0 items") || strings.HasPrefix(s, "-") {
					out = append(out, fmt.Sprintf("%s: odd shortfall step %q", res.ID, s))
				}
			}
		}
		if strings.Contains(res.Explanation, "0 items") || strings.Contains(res.Explanation, " 0 verified item") {
			out = append(out, fmt.Sprintf("%s: odd explanation %q", res.ID, res.Explanation))
		}
	}
	for id, amt := range used {
		it := byID[id]
		if amt > it.hours*w.rate(it)+0.011 {
			out = append(out, fmt.Sprintf("%s counted %v in all, more than its %v", id, amt, it.hours*w.rate(it)))
		}
	}
	// A monthly cap bounds what its evidence counts in a month across
	// every requirement.
	for _, rq := range w.reqs {
		for _, c := range rq.caps {
			if !c.monthly {
				continue
			}
			months := map[string]float64{}
			for id, amt := range used {
				if it := byID[id]; w.match(c.match, it, false) {
					months[it.end.Time().Format("2006-01")] += amt
				}
			}
			for m, got := range months {
				if got > c.max+0.011 {
					out = append(out, fmt.Sprintf("monthly cap %s of %s: %v counted in %s, above %v", c.id, rq.id, got, m, c.max))
				}
			}
		}
	}
	return out
}
