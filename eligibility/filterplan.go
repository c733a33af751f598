package eligibility

import (
	"slices"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// Filters run for every item and hours requirement, some 4,000 times in an
// evaluation of a large portfolio. Most of what a filter reads of an item
// is one of a few enumerated values (a kind, a delivery, a format, a
// modality...), so each set version compiles its hours requirements'
// filters into bit masks over the values they name (filterPlan), each
// evaluation turns every item into the same masks once (itemMasks), and a
// filter's test of those fields is a few ANDs. What depends on dates,
// supervisors, contracts and licenses is tested only for filters that have
// such a condition: worked out once per evaluation for the items that
// share a contract, supervisor and client jurisdiction (dynamicOf), and
// then tested on each item's dates. The masks and dynamicOf decide
// exactly what filter decides; filter words the reasons.

// maxValues is the most values of one field the masks can tell apart.
const maxValues = 64

// vocab numbers, field by field, the values the compiled filters name. A
// value no filter names gets no bit: no list of a filter contains it.
type vocab struct {
	kinds, providers, approved, delivery []string // education
	format, sessionDelivery, content     []string // supervision
	modalities, focus                    []string // clinical
}

// bit returns the bit of value v among vs (0 when vs does not hold it).
func bit(vs []string, v string) uint64 {
	for k, s := range vs {
		if s == v {
			return 1 << k
		}
	}
	return 0
}

// bits returns the bits of the values of xs among vs, adding those vs
// does not hold yet; ok is false when a field has too many values.
func bits(vs *[]string, xs []string) (m uint64, ok bool) {
	for _, x := range xs {
		b := bit(*vs, x)
		if b == 0 {
			if len(*vs) == maxValues {
				return 0, false
			}
			*vs = append(*vs, x)
			b = 1 << (len(*vs) - 1)
		}
		m |= b
	}
	return m, true
}

// filterPlan is a filter compiled against a vocab: each list is the mask
// of its values (0 when the filter has no such condition).
type filterPlan struct {
	// evidence says, by evidenceIndex of an item's collection, whether the
	// filter's collection admits it.
	evidence [3]bool
	// casesOnly is set for a filter with conditions only cases meet.
	casesOnly bool
	// education
	kinds, providers, approved, notApproved, delivery uint64
	sexualityRelated                                  bool
	education                                         bool // it has some education condition
	// supervision
	format, sessionDelivery, content uint64
	maxGroupSize                     int
	supervision                      bool // it has some supervision condition
	// clinical
	modalities, focus uint64
	clinical          bool // it has some clinical condition
	// dynamic is set when the filter reads more of an item than its masks
	// (supervisor credentials, telehealth licenses, a contract, a window).
	dynamic bool
}

// itemMasks is what the filter plans read of one item: its collection and
// the bits of its values in the set's vocab.
type itemMasks struct {
	evidence int8
	// education
	kind, provider, approved, delivery uint64
	notSexualityRelated                bool
	// supervision; groupSize is the size of a group session, else 0
	format, sessionDelivery, content uint64
	groupSize                        int
	// clinical
	modality, focus uint64
}

// planFilter compiles f against v, adding the values it names; ok is false
// when some field has more values than the masks tell apart.
func planFilter(v *vocab, f *requirements.Filter) (fp filterPlan, ok bool) {
	for e, name := range [3]string{requirements.EvidenceEducation, requirements.EvidenceSupervision, requirements.EvidenceClinical} {
		fp.evidence[e] = f.Evidence == "" || f.Evidence == name
	}
	fp.casesOnly = len(f.CaseUnits) > 0 || f.Completed
	for _, m := range []struct {
		vs   *[]string
		xs   []string
		mask *uint64
	}{
		{&v.kinds, f.ActivityKinds, &fp.kinds},
		{&v.providers, f.ProviderKinds, &fp.providers},
		{&v.approved, f.ApprovedBy, &fp.approved},
		{&v.approved, f.NotApprovedBy, &fp.notApproved},
		{&v.delivery, f.Delivery, &fp.delivery},
		{&v.format, f.Format, &fp.format},
		{&v.sessionDelivery, f.SessionDelivery, &fp.sessionDelivery},
		{&v.content, f.Content, &fp.content},
		{&v.modalities, f.Modalities, &fp.modalities},
		{&v.focus, f.Focus, &fp.focus},
	} {
		if *m.mask, ok = bits(m.vs, m.xs); !ok {
			return fp, false
		}
	}
	fp.sexualityRelated = f.SexualityRelated
	fp.education = fp.kinds|fp.providers|fp.approved|fp.notApproved|fp.delivery != 0 || f.SexualityRelated
	fp.maxGroupSize = f.MaxGroupSize
	fp.supervision = fp.format|fp.sessionDelivery|fp.content != 0 || f.MaxGroupSize > 0
	fp.clinical = fp.modalities|fp.focus != 0 || f.TelehealthWhereLicensed
	fp.dynamic = len(f.SupervisorCredential) > 0 || f.TelehealthWhereLicensed || f.RequireContract || f.Window != nil
	return fp, true
}

// masks sets m to what the filter plans read of item it of c.
func (v *vocab) masks(m *itemMasks, c *evalCtx, it *item) {
	*m = itemMasks{evidence: int8(evidenceIndex(it.evidence()))}
	switch {
	case c.act(it) != nil:
		a := c.act(it)
		m.kind, m.provider, m.delivery = bit(v.kinds, a.Kind), bit(v.providers, a.Provider.Kind), bit(v.delivery, a.Delivery)
		for _, b := range a.Provider.ApprovedBy {
			m.approved |= bit(v.approved, b)
		}
		m.notSexualityRelated = a.SexualityRelated != nil && !*a.SexualityRelated
	case c.session(it) != nil:
		s := c.session(it)
		m.format, m.sessionDelivery, m.content = bit(v.format, s.Format), bit(v.sessionDelivery, sessionDelivery(s)), bit(v.content, s.Content)
		if s.Format == "group" {
			m.groupSize = s.GroupSize
		}
	case c.clinical(it) != nil:
		h := c.clinical(it)
		m.modality = bit(v.modalities, h.Modality)
		for _, f := range h.Focus {
			m.focus |= bit(v.focus, f)
		}
	}
}

// static reports whether an item passes every condition of the filter
// but those dynamic tests: filter's tests, on the masks.
func (fp *filterPlan) static(m *itemMasks) bool {
	if !fp.evidence[m.evidence] || fp.casesOnly {
		return false
	}
	switch m.evidence {
	case 0: // education
		switch {
		case fp.kinds != 0 && fp.kinds&m.kind == 0,
			fp.providers != 0 && fp.providers&m.provider == 0,
			fp.approved != 0 && fp.approved&m.approved == 0,
			fp.notApproved&m.approved != 0,
			fp.delivery != 0 && fp.delivery&m.delivery == 0,
			fp.sexualityRelated && m.notSexualityRelated:
			return false
		}
		return !fp.supervision && !fp.clinical
	case 1: // supervision
		switch {
		case fp.format != 0 && fp.format&m.format == 0,
			fp.sessionDelivery != 0 && fp.sessionDelivery&m.sessionDelivery == 0,
			fp.maxGroupSize > 0 && m.groupSize > fp.maxGroupSize,
			fp.content != 0 && fp.content&m.content == 0:
			return false
		}
		return !fp.education && !fp.clinical
	default: // clinical
		switch {
		case fp.modalities != 0 && fp.modalities&m.modality == 0,
			fp.focus != 0 && fp.focus&m.focus == 0:
			return false
		}
		return !fp.education && !fp.supervision
	}
}

// selects is evalCtx.selects on the masks: whether the item is of the
// kind of evidence the filter is about.
func (fp *filterPlan) selects(m *itemMasks) bool {
	if !fp.evidence[m.evidence] {
		return false
	}
	switch m.evidence {
	case 0:
		return (fp.kinds == 0 || fp.kinds&m.kind != 0) && fp.format|fp.content == 0
	case 1:
		return fp.kinds == 0 && (fp.format == 0 || fp.format&m.format != 0) && (fp.content == 0 || fp.content&m.content != 0)
	default:
		return fp.kinds|fp.format|fp.content == 0
	}
}

// dynamic reports whether an item passes the conditions of a filter that
// its masks do not decide: the supervisor's credentials, the license for
// telehealth clients, the contract and the window.
func (c *evalCtx) dynamic(f *requirements.Filter, it *item) bool {
	if len(f.SupervisorCredential) > 0 {
		switch {
		case c.session(it) != nil:
			s := c.session(it)
			if ok, _ := c.supervisorQualified(s.Supervisor, s.Date, s.Date, f.SupervisorCredential, false); !ok {
				return false
			}
		case c.clinical(it) != nil:
			k := c.contractOf(it)
			if k == nil {
				return false
			}
			if ok, _ := c.supervisorQualified(k.Supervisor, it.start, it.end, f.SupervisorCredential, false); !ok {
				return false
			}
		}
	}
	if h := c.clinical(it); h != nil && f.TelehealthWhereLicensed && strings.HasPrefix(h.Modality, "telehealth") {
		if ok, _ := c.licensedFor(h, it, false); !ok {
			return false
		}
	}
	ok, _ := c.contractAndWindow(f, it, false)
	return ok
}

// dynEntry is what the dynamic conditions of one filter come to for the
// items that share its key (the filter, the pass, the contract the item
// falls under, whether it names one, its collection, a session's
// supervisor and a telehealth block's client jurisdiction): whether they
// fail whatever the dates, the bounds the item's dates must keep (from
// the window, the contract and the cycle), and the periods of the
// supervisor's credentials and of the licenses one of which must hold the
// item's dates. An evaluation works each out once (dynamicOf), so that
// an item is tested with a few comparisons.
type dynEntry struct {
	// the key
	dynKey
	// what the key comes to
	fail bool
	// lo is the first day the item may start (zero: none), hi the last
	// day it may end (zero: none).
	lo, hi date.Date
	// nCreds and nLics are the periods of creds and lics in use, or -1
	// when the filter checks no credential or license; slow is set when
	// there are more than the arrays hold (dynamic then tests the item).
	nCreds, nLics int8
	slow          bool
	creds, lics   [maxPeriods]period
}

// dynKey is what the dynamic conditions of a filter read of an item
// besides its dates (see dynEntry).
type dynKey struct {
	f      *requirements.Filter
	k      int32
	coll   int8
	strict bool
	names  bool   // the item names a contract (read only with require_contract)
	tele   bool   // the license is checked
	sup    string // a session's supervisor, with supervisor_credential
	juris  string // the client jurisdiction, when the license is checked
}

// maxPeriods is how many credential or license periods a dynEntry holds.
const maxPeriods = 4

// maxDynEntries is how many dynEntry an evaluation keeps.
const maxDynEntries = 32

// period is a span of validity: from its first day to its last (zero: open).
type period struct{ from, to date.Date }

// anyHolds reports whether some period holds both start and end.
func anyHolds(ps []period, start, end date.Date) bool {
	for _, p := range ps {
		if start.Within(p.from, p.to) && end.Within(p.from, p.to) {
			return true
		}
	}
	return false
}

// dynamicOf is dynamic on the filter's dynEntry for the item, worked out
// on first use.
func (c *evalCtx) dynamicOf(f *requirements.Filter, it *item) bool {
	if !it.resolved {
		return c.dynamic(f, it)
	}
	key := dynKey{f: f, strict: c.strict, coll: it.coll, k: it.k}
	if c.strict {
		key.k = it.kStrict
	}
	if f.RequireContract {
		key.names = c.contract(it) != ""
	}
	if len(f.SupervisorCredential) > 0 && it.coll == collSupervision {
		key.sup = c.p.Sessions[it.idx].Supervisor
	}
	if f.TelehealthWhereLicensed && it.coll == collClinical {
		if h := &c.p.ClinicalHours[it.idx]; strings.HasPrefix(h.Modality, "telehealth") {
			key.tele, key.juris = true, h.ClientJurisdiction
		}
	}
	e := c.dynEntry(&key)
	switch {
	case e == nil || e.slow:
		return c.dynamic(f, it)
	case e.fail, it.start.Before(e.lo), !e.hi.IsZero() && it.end.After(e.hi):
		return false
	case e.nCreds >= 0 && !anyHolds(e.creds[:e.nCreds], it.start, it.end):
		return false
	case e.nLics >= 0 && !anyHolds(e.lics[:e.nLics], it.start, it.end):
		return false
	}
	return true
}

// dynEntry returns the evaluation's entry with key k, working it out
// when it is new (nil when the evaluation keeps too many).
func (c *evalCtx) dynEntry(k *dynKey) *dynEntry {
	es := c.sc.dyn
	if c.lastDyn < len(es) {
		if e := &es[c.lastDyn]; e.dynKey == *k {
			return e
		}
	}
	for i := range es {
		if e := &es[i]; e.dynKey == *k {
			c.lastDyn = i
			return e
		}
	}
	if len(es) == maxDynEntries {
		return nil
	}
	c.sc.dyn = append(es, dynEntry{dynKey: *k, nCreds: -1, nLics: -1})
	c.lastDyn = len(es)
	e := &c.sc.dyn[c.lastDyn]
	c.compileDynamic(e)
	return e
}

// compileDynamic works out what e's key comes to, as dynamic tests it.
func (c *evalCtx) compileDynamic(e *dynEntry) {
	f := e.f
	var k *portfolio.Contract
	if e.k >= 0 {
		k = &c.p.Contracts[e.k]
	}
	if len(f.SupervisorCredential) > 0 && (e.coll == collSupervision || e.coll == collClinical) {
		id := e.sup
		if e.coll == collClinical {
			if k == nil {
				e.fail = true
				return
			}
			id = k.Supervisor
		}
		sup := c.supervisor(id)
		if sup == nil {
			e.fail = true
			return
		}
		if st := sup.Verification.EffectiveState(); st == portfolio.Rejected || c.strict && st != portfolio.Verified {
			e.fail = true
			return
		}
		e.nCreds = 0
		for i := range sup.Credentials {
			cr := &sup.Credentials[i]
			if !slices.Contains(f.SupervisorCredential, cr.Type) {
				continue
			}
			if e.nCreds == maxPeriods {
				e.slow = true
				return
			}
			e.creds[e.nCreds] = period{cr.ValidFrom, cr.ValidTo}
			e.nCreds++
		}
		if e.nCreds == 0 {
			e.fail = true
			return
		}
	}
	if e.tele {
		if e.juris == "" {
			e.fail = true
			return
		}
		e.nLics = 0
		for i := range c.p.Licenses {
			l := &c.p.Licenses[i]
			if st := l.Verification.EffectiveState(); st == portfolio.Rejected || (c.strict && st != portfolio.Verified) {
				continue
			}
			if !strings.EqualFold(l.Jurisdiction, e.juris) {
				continue
			}
			if e.nLics == maxPeriods {
				e.slow = true
				return
			}
			e.lics[e.nLics] = period{l.ValidFrom, l.ValidTo}
			e.nLics++
		}
		if e.nLics == 0 {
			e.fail = true
			return
		}
	}
	if f.RequireContract && (!e.names || k == nil) {
		e.fail = true
		return
	}
	w := f.Window
	if w == nil {
		return
	}
	later := func(d date.Date) { // the item may not start before d
		if d.After(e.lo) {
			e.lo = d
		}
	}
	earlier := func(d date.Date) { // the item may not end after d
		if e.hi.IsZero() || d.Before(e.hi) {
			e.hi = d
		}
	}
	if w.YearsBeforeAsOf > 0 || w.MonthsBeforeAsOf > 0 {
		later(c.asOf.AddYears(-w.YearsBeforeAsOf).AddMonths(-w.MonthsBeforeAsOf))
	}
	if w.AfterContractStart {
		if k == nil || k.Start.IsZero() {
			e.fail = true
			return
		}
		later(k.Start)
		if !k.End.IsZero() {
			earlier(k.End)
		}
	}
	if w.MonthsAfterContractStart > 0 {
		if k == nil {
			e.fail = true
			return
		}
		earlier(k.Start.AddMonths(w.MonthsAfterContractStart))
	}
	if w.InCycle {
		if c.cycleStart.IsZero() {
			e.fail = true
			return
		}
		later(c.cycleStart)
	}
}
