package eligibility

import (
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// evalCtx is what every check of one evaluation shares.
type evalCtx struct {
	p    *portfolio.Portfolio
	set  *requirements.Set
	asOf date.Date
	// firstContract is the earliest contract start (zero when none).
	firstContract date.Date
	first         *portfolio.Contract
	firstVerified *portfolio.Contract
	// strict makes filters rely on verified licenses and contracts only; it
	// is set while finding which evidence would count without claimed items.
	strict bool
	// hasClaimedSupport is set when some license or contract is only claimed,
	// so that a strict check is needed at all.
	hasClaimedSupport bool
	// cycleStart is the start of the current renewal cycle (zero when the set has no cycle or no credential).
	cycleStart   date.Date
	cycleProblem string
	items        []item
	// states are the items' states by code (see stateCode); empty while
	// every item is in one of the three usual states. stateCodes finds
	// the code of any other state (nil until one is seen).
	states     []portfolio.State
	stateCodes map[portfolio.State]uint32
	// masks holds, per item, what the set's filter plans read of it (nil
	// until prepareHours, and when the set's filters are not compiled).
	masks []itemMasks
	// keys holds, per item, what the hours requirements that apply make
	// of it, hashed (see mixInfo; 0 when none counts it).
	keys []uint64
	view func(withClaimed bool) map[string]any
	// hours are the hours requirements that apply, as prepareHours
	// worked them out (a ratio reads them).
	hours []*hoursReq
	// sc is the evaluation's working memory (see scratch).
	sc *scratch
	// lastContract is the contract id resolve looked up last, lastK and
	// lastKStrict the positions of its contracts (-1: none); noneK and
	// noneKStrict those of an item that names none, once noneResolved;
	// lastSup and lastSupID the supervisor supervisor looked up last.
	lastContract       string
	lastK, lastKStrict int32
	noneK, noneKStrict int32
	noneResolved       bool
	lastSupID          string
	lastSup            *portfolio.Supervisor
	// lastDyn is the position in sc.dyn of the entry dynEntry found last.
	lastDyn int
	// buf and phrases serve phrase.
	buf     []byte
	phrases map[string]string
}

// accepted reports whether an item in state st counts in a pass that accepts
// claimed evidence or only verified evidence.
func accepted(st portfolio.State, withClaimed bool) bool {
	switch st {
	case portfolio.Verified:
		return true
	case portfolio.Claimed:
		return withClaimed
	}
	return false
}

// newCtx prepares an evaluation in the working memory sc.
func newCtx(p *portfolio.Portfolio, set *requirements.Set, asOf date.Date, sc *scratch) *evalCtx {
	c := &evalCtx{p: p, set: set, asOf: asOf, sc: sc, lastK: -1}
	for i := range p.Contracts {
		k := &p.Contracts[i]
		if k.Verification.EffectiveState() == portfolio.Rejected {
			continue
		}
		if c.firstContract.IsZero() || k.Start.Before(c.firstContract) {
			c.firstContract, c.first = k.Start, k
		}
		if k.Verification.EffectiveState() == portfolio.Claimed {
			c.hasClaimedSupport = true
		} else if c.firstVerified == nil || k.Start.Before(c.firstVerified.Start) {
			c.firstVerified = k
		}
	}
	for _, l := range p.Licenses {
		if l.Verification.EffectiveState() == portfolio.Claimed {
			c.hasClaimedSupport = true
		}
	}
	for _, s := range p.Supervisors {
		if s.Verification.EffectiveState() == portfolio.Claimed {
			c.hasClaimedSupport = true
		}
	}
	if set.Cycle != nil {
		c.cycleStart, c.cycleProblem = c.findCycle(set.Cycle)
	}
	c.items = c.buildItems()
	for i := range c.items {
		it := &c.items[i]
		it.credits = it.hours * c.rate(it)
	}
	return c
}

// findCycle finds the start of the holder's current renewal cycle.
func (c *evalCtx) findCycle(cy *requirements.Cycle) (date.Date, string) {
	var best *portfolio.Credential
	for i := range c.p.Credentials {
		cr := &c.p.Credentials[i]
		if !slices.Contains(cy.Credentials, cr.Type) || cr.Verification.EffectiveState() == portfolio.Rejected || cr.ValidFrom.After(c.asOf) {
			continue
		}
		if best == nil || cr.ValidFrom.After(best.ValidFrom) {
			best = cr
		}
	}
	if best == nil {
		return date.Date{}, fmt.Sprintf("no held credential of type %s, so there is no renewal cycle", strings.Join(cy.Credentials, " or "))
	}
	start := best.ValidFrom
	if !best.ValidTo.IsZero() && !best.ValidTo.Before(c.asOf) {
		// valid_to is the cycle's last day.
		start = best.ValidTo.AddYears(-cy.Years).AddDays(1)
	} else {
		for !start.AddYears(cy.Years).After(c.asOf) {
			start = start.AddYears(cy.Years)
		}
	}
	if start.Before(best.ValidFrom) {
		start = best.ValidFrom
	}
	return start, ""
}

// item is one evidence item that carries hours: an education activity, a
// supervision session or a block of clinical hours; or a case, which is
// counted (cases are built apart, by caseItems, and never carry hours).
//
// An item holds no pointers: its record is found by its collection and
// position in the portfolio (see evalCtx.act and the like), its contracts
// by their positions, and its state by its code in evalCtx.states. The
// table is rewritten for every evaluation, and while the collector marks
// each pointer written would cost a write barrier; a table without
// pointers is moved as plain memory and not scanned.
type item struct {
	start   date.Date // the date, or the start of a period
	end     date.Date // the date, or the end of a period
	hours   float64
	credits float64 // hours converted by the set's credit rules
	// idx is the position of the item's record in its collection.
	idx int32
	// k and kStrict are the positions in the portfolio's contracts of what
	// contractOf returns for the item outside and inside a strict pass (-1
	// for none), once resolved is set (buildItems resolves them once,
	// rather than each filter looking the contract up by id).
	k, kStrict int32
	// st is the item's state, by its position in evalCtx.states: wide
	// enough for a distinct state per item (idx is an int32 too).
	st       uint32
	coll     int8 // collEducation, collSupervision, collClinical or collCases
	resolved bool
}

// The collections of items, as item.coll.
const (
	collEducation = iota
	collSupervision
	collClinical
	collCases
)

// Codes of the usual states in evalCtx.states.
const (
	stVerified = iota
	stClaimed
	stRejected
)

// stateCode returns the code of state st in c.states, adding it when it
// is not one of the three usual states and is new.
func (c *evalCtx) stateCode(st portfolio.State) uint32 {
	switch st {
	case portfolio.Verified:
		return stVerified
	case portfolio.Claimed:
		return stClaimed
	case portfolio.Rejected:
		return stRejected
	}
	if k, ok := c.stateCodes[st]; ok {
		return k
	}
	if c.stateCodes == nil {
		c.stateCodes = map[portfolio.State]uint32{}
		c.states = append(c.states, portfolio.Verified, portfolio.Claimed, portfolio.Rejected)
	}
	k := uint32(len(c.states))
	c.states = append(c.states, st)
	c.stateCodes[st] = k
	return k
}

// state returns the item's state.
func (c *evalCtx) state(it *item) portfolio.State {
	switch it.st {
	case stVerified:
		return portfolio.Verified
	case stClaimed:
		return portfolio.Claimed
	case stRejected:
		return portfolio.Rejected
	}
	return c.states[it.st]
}

// act returns the item's education activity (nil for other items).
func (c *evalCtx) act(it *item) *portfolio.Activity {
	if it.coll != collEducation {
		return nil
	}
	return &c.p.Education[it.idx]
}

// session returns the item's supervision session (nil for other items).
func (c *evalCtx) session(it *item) *portfolio.Session {
	if it.coll != collSupervision {
		return nil
	}
	return &c.p.Sessions[it.idx]
}

// clinical returns the item's clinical hours (nil for other items).
func (c *evalCtx) clinical(it *item) *portfolio.ClinicalHours {
	if it.coll != collClinical {
		return nil
	}
	return &c.p.ClinicalHours[it.idx]
}

// kase returns the item's case (nil for other items).
func (c *evalCtx) kase(it *item) *portfolio.Case {
	if it.coll != collCases {
		return nil
	}
	return &c.p.Cases[it.idx]
}

// id returns the item's id.
func (c *evalCtx) id(it *item) string {
	switch it.coll {
	case collEducation:
		return c.p.Education[it.idx].ID
	case collSupervision:
		return c.p.Sessions[it.idx].ID
	case collClinical:
		return c.p.ClinicalHours[it.idx].ID
	}
	return c.p.Cases[it.idx].ID
}

// evidence returns the item's collection, as filters name it.
func (it *item) evidence() string {
	switch it.coll {
	case collEducation:
		return requirements.EvidenceEducation
	case collSupervision:
		return requirements.EvidenceSupervision
	case collClinical:
		return requirements.EvidenceClinical
	}
	return requirements.EvidenceCases
}

// contract returns the id of the supervision contract the item names ("" when none).
func (c *evalCtx) contract(it *item) string {
	switch it.coll {
	case collSupervision:
		return c.p.Sessions[it.idx].Contract
	case collClinical:
		return c.p.ClinicalHours[it.idx].Contract
	case collCases:
		return c.p.Cases[it.idx].Contract
	}
	return ""
}

// collection returns where the items of collection e (by evidenceIndex)
// lie in the item table: buildItems lists education, then supervision,
// then clinical hours.
func (c *evalCtx) collection(e int) (from, to int) {
	ne, ns := len(c.p.Education), len(c.p.Sessions)
	switch e {
	case 0:
		return 0, ne
	case 1:
		return ne, ne + ns
	}
	return ne + ns, len(c.items)
}

// buildItems makes the item table, collection by collection (see
// collection).
func (c *evalCtx) buildItems() []item {
	p := c.p
	store := c.sc.store[:0]
	for i := range p.Education {
		a := &p.Education[i]
		store = append(store, item{start: a.Date, end: a.Date, hours: a.Hours,
			st: c.stateCode(a.Verification.EffectiveState()), coll: collEducation, idx: int32(i)})
	}
	for i := range p.Sessions {
		s := &p.Sessions[i]
		store = append(store, item{start: s.Date, end: s.Date, hours: s.Hours,
			st: c.stateCode(s.Verification.EffectiveState()), coll: collSupervision, idx: int32(i)})
	}
	for i := range p.ClinicalHours {
		h := &p.ClinicalHours[i]
		it := item{start: h.Date, end: h.Date, hours: h.Hours,
			st: c.stateCode(h.Verification.EffectiveState()), coll: collClinical, idx: int32(i)}
		if h.Date.IsZero() {
			it.start, it.end = h.From, h.To
		}
		store = append(store, it)
	}
	for i := range store {
		c.resolve(&store[i])
	}
	c.sc.store = store
	return store
}

// rate returns the credit rate for an item from the set's credit rules.
func (c *evalCtx) rate(it *item) float64 {
	for _, r := range c.set.Credits {
		if c.match(&r.Match, it) {
			return r.Rate
		}
	}
	return 1
}

// match reports whether an item passes a filter.
func (c *evalCtx) match(f *requirements.Filter, it *item) bool {
	ok, _ := c.filter(f, it, false)
	return ok
}

// why returns, in words, why an item does not pass a filter ("" if it does).
func (c *evalCtx) why(f *requirements.Filter, it *item) string {
	_, w := c.filter(f, it, true)
	return w
}

// filter tests an item against a filter; the reason is built only when
// explain is set, since matching runs for every item and requirement.
func (c *evalCtx) filter(f *requirements.Filter, it *item, explain bool) (bool, string) {
	if f.Evidence != "" && f.Evidence != it.evidence() {
		return false, explained(explain, func() string { return "is not " + f.Evidence + " evidence" })
	}
	if c.kase(it) != nil {
		return c.caseFilter(f, it, explain)
	}
	if len(f.CaseUnits) > 0 || f.Completed {
		return false, "is not a case"
	}
	if a := c.act(it); a != nil {
		switch {
		case len(f.ActivityKinds) > 0 && !slices.Contains(f.ActivityKinds, a.Kind):
			return false, c.phrase(explain, phraseKey{site: 1, v: a.Kind, list: f.ActivityKinds}, func(b []byte) []byte {
				return appendOrList(appendWords(append(b, "is a "...), a.Kind), ", not ", f.ActivityKinds)
			})
		case len(f.ProviderKinds) > 0 && !slices.Contains(f.ProviderKinds, a.Provider.Kind):
			return false, c.phrase(explain, phraseKey{site: 2, v: a.Provider.Kind}, func(b []byte) []byte {
				return append(appendWords(append(b, "comes from a provider of kind "...), a.Provider.Kind), ", which is not accepted here"...)
			})
		case len(f.ApprovedBy) > 0 && !intersects(f.ApprovedBy, a.Provider.ApprovedBy):
			return false, c.phrase(explain, phraseKey{site: 3, v: a.Provider.Name, list: f.ApprovedBy}, func(b []byte) []byte {
				return appendOrList(append(append(b, "provider "...), a.Provider.Name...), " is not approved by ", f.ApprovedBy)
			})
		case len(f.NotApprovedBy) > 0 && intersects(f.NotApprovedBy, a.Provider.ApprovedBy):
			return false, c.phrase(explain, phraseKey{site: 4, v: a.Provider.Name, list: f.NotApprovedBy}, func(b []byte) []byte {
				return appendOrList(append(append(b, "provider "...), a.Provider.Name...), " is approved by ", f.NotApprovedBy)
			})
		case len(f.Delivery) > 0 && !slices.Contains(f.Delivery, a.Delivery):
			return false, c.phrase(explain, phraseKey{site: 5, v: a.Delivery}, func(b []byte) []byte {
				return appendWords(append(b, "was delivered "...), a.Delivery)
			})
		case f.SexualityRelated && a.SexualityRelated != nil && !*a.SexualityRelated:
			return false, "is not sexuality-related"
		}
	} else if len(f.ActivityKinds)+len(f.ProviderKinds)+len(f.ApprovedBy)+len(f.NotApprovedBy)+len(f.Delivery) > 0 || f.SexualityRelated {
		return false, "is not education"
	}
	if s := c.session(it); s != nil {
		switch {
		case len(f.Format) > 0 && !slices.Contains(f.Format, s.Format):
			return false, explained(explain, func() string { return "is " + s.Format + " supervision" })
		case len(f.SessionDelivery) > 0 && !slices.Contains(f.SessionDelivery, sessionDelivery(s)):
			return false, explained(explain, func() string {
				if s.Delivery == "" {
					return "does not say how the session was held (delivery)"
				}
				return "was held by " + words(s.Delivery)
			})
		case f.MaxGroupSize > 0 && s.Format == "group" && s.GroupSize > f.MaxGroupSize:
			return false, explained(explain, func() string {
				return fmt.Sprintf("was a group of %d supervisees, more than the %d allowed", s.GroupSize, f.MaxGroupSize)
			})
		case len(f.Content) > 0 && !slices.Contains(f.Content, s.Content):
			return false, explained(explain, func() string { return "is " + words(s.Content) + " supervision" })
		}
		if len(f.SupervisorCredential) > 0 {
			if ok, why := c.supervisorQualified(s.Supervisor, s.Date, s.Date, f.SupervisorCredential, explain); !ok {
				return false, why
			}
		}
	} else if len(f.Format)+len(f.Content)+len(f.SessionDelivery) > 0 || f.MaxGroupSize > 0 {
		return false, "is not supervision"
	}
	if h := c.clinical(it); h != nil {
		if len(f.Modalities) > 0 && !slices.Contains(f.Modalities, h.Modality) {
			return false, explained(explain, func() string { return "was delivered by " + words(h.Modality) + ", which does not count" })
		}
		if len(f.Focus) > 0 && !intersects(f.Focus, h.Focus) {
			return false, explained(explain, func() string {
				if len(h.Focus) == 0 {
					return "records no focus; only work with a " + orList(f.Focus) + " focus counts here"
				}
				return "is " + strings.Join(h.Focus, " and ") + " work, not " + orList(f.Focus)
			})
		}
		if f.TelehealthWhereLicensed && strings.HasPrefix(h.Modality, "telehealth") {
			if ok, why := c.licensedFor(h, it, explain); !ok {
				return false, why
			}
		}
		if len(f.SupervisorCredential) > 0 {
			k := c.contractOf(it)
			if k == nil {
				return false, "is not under a supervision contract, so its supervisor cannot be checked"
			}
			if ok, why := c.supervisorQualified(k.Supervisor, it.start, it.end, f.SupervisorCredential, explain); !ok {
				return false, why
			}
		}
	} else if len(f.Modalities) > 0 || f.TelehealthWhereLicensed || len(f.Focus) > 0 {
		return false, "is not clinical hours"
	}
	return c.contractAndWindow(f, it, explain)
}

// sessionDelivery is how a session was held, as filters name it: unknown
// when it does not say.
func sessionDelivery(s *portfolio.Session) string {
	if s.Delivery == "" {
		return requirements.SessionDeliveryUnknown
	}
	return s.Delivery
}

// phraseKey is what a reason phrase words: the place in filter that words
// it (site), the item's value it names, and the filter's list it names
// (nil when it names none).
type phraseKey struct {
	site int8
	v    string
	list []string
}

// remembered is a phrase and its key.
type remembered struct {
	site int8
	v    string
	list *string // the list's first element, nil when it is empty
	n    int     // the list's length
	s    string
}

// maxRemembered is how many phrases an evaluation remembers by key.
const maxRemembered = 16

// phrase words a reason only when one is wanted, by appending to the
// context's buffer, and returns it interned: the many items refused for
// the same reason share one string. The text is a function of its key, so
// the first phrases of an evaluation are remembered by key and not worded
// again; a filter's lists are compared by their first element's address
// and their length (a set does not change while it is evaluated).
func (c *evalCtx) phrase(explain bool, key phraseKey, build func(b []byte) []byte) string {
	if !explain {
		return ""
	}
	var first *string
	if len(key.list) > 0 {
		first = &key.list[0]
	}
	mem := c.sc.phrases
	for k := range mem {
		if m := &mem[k]; m.site == key.site && m.list == first && m.n == len(key.list) && m.v == key.v {
			return m.s
		}
	}
	s := c.intern(build(c.buf[:0]))
	if len(mem) < maxRemembered {
		c.sc.phrases = append(mem, remembered{site: key.site, v: key.v, list: first, n: len(key.list), s: s})
	}
	return s
}

// intern returns b as a string, the same string for the same text.
func (c *evalCtx) intern(b []byte) string {
	c.buf = b
	if s, ok := c.phrases[string(c.buf)]; ok {
		return s
	}
	s := string(c.buf)
	if c.phrases == nil {
		c.phrases = map[string]string{}
	}
	c.phrases[s] = s
	return s
}

// explained calls msg only when a reason is wanted.
func explained(explain bool, msg func() string) string {
	if !explain {
		return ""
	}
	return msg()
}

// supervisorQualified checks a supervisor held one of the listed credentials
// on every day from start to end (a session's date, or a clinical block's period).
func (c *evalCtx) supervisorQualified(id string, start, end date.Date, types []string, explain bool) (bool, string) {
	sup := c.supervisor(id)
	if sup == nil {
		return false, explained(explain, func() string { return fmt.Sprintf("names supervisor %q, who is not listed", id) })
	}
	switch st := sup.Verification.EffectiveState(); {
	case st == portfolio.Rejected:
		return false, explained(explain, func() string { return sup.Name + "'s credentials were rejected in verification" })
	case c.strict && st != portfolio.Verified:
		return false, "" // counts only once the supervisor is verified
	}
	var lapsed *portfolio.HeldCredential
	for i := range sup.Credentials {
		cr := &sup.Credentials[i]
		if !slices.Contains(types, cr.Type) {
			continue
		}
		if start.Within(cr.ValidFrom, cr.ValidTo) && end.Within(cr.ValidFrom, cr.ValidTo) {
			return true, ""
		}
		lapsed = cr
	}
	if !explain {
		return false, ""
	}
	when := "on " + start.String()
	if end != start {
		when = fmt.Sprintf("between %s and %s", start, end)
	}
	if lapsed != nil {
		if start.Before(lapsed.ValidFrom) {
			return false, fmt.Sprintf("%s %s did not yet hold the %s credential (from %s)", when, sup.Name, lapsed.Type, lapsed.ValidFrom)
		}
		return false, fmt.Sprintf("%s %s's %s credential had lapsed (it ended %s)", when, sup.Name, lapsed.Type, lapsed.ValidTo)
	}
	return false, fmt.Sprintf("%s holds no %s credential", sup.Name, orList(types))
}

// supervisor returns the listed supervisor with an id (nil when none is).
func (c *evalCtx) supervisor(id string) *portfolio.Supervisor {
	if id != c.lastSupID || c.lastSup == nil {
		c.lastSupID, c.lastSup = id, c.supervisorByID(id)
	}
	return c.lastSup
}

// supervisorByID returns the listed supervisor with an id, the last one
// listed when several are (nil when none is). A portfolio lists a few
// supervisors, and callers keep the last one looked up.
func (c *evalCtx) supervisorByID(id string) *portfolio.Supervisor {
	for i := len(c.p.Supervisors) - 1; i >= 0; i-- {
		if c.p.Supervisors[i].ID == id {
			return &c.p.Supervisors[i]
		}
	}
	return nil
}

// contractByID returns the supervision contract with an id that was not
// rejected, the last one listed when several are (nil when none is).
func (c *evalCtx) contractByID(id string) *portfolio.Contract {
	for i := len(c.p.Contracts) - 1; i >= 0; i-- {
		k := &c.p.Contracts[i]
		if k.ID == id && k.Verification.EffectiveState() != portfolio.Rejected {
			return k
		}
	}
	return nil
}

// supervisedBy reports whether a supervisor supervised the applicant: under
// a contract or in a session that was not rejected.
func (c *evalCtx) supervisedBy(id string) bool {
	for i := range c.p.Contracts {
		if k := &c.p.Contracts[i]; k.Supervisor == id && k.Verification.EffectiveState() != portfolio.Rejected {
			return true
		}
	}
	for i := range c.p.Sessions {
		if s := &c.p.Sessions[i]; s.Supervisor == id && s.Verification.EffectiveState() != portfolio.Rejected {
			return true
		}
	}
	return false
}

// contractOf returns the supervision contract an item falls under: the one it
// names, or, when it names none, the earliest one. In a strict pass only
// verified contracts count.
func (c *evalCtx) contractOf(it *item) *portfolio.Contract {
	if it.resolved {
		k := it.k
		if c.strict {
			k = it.kStrict
		}
		if k < 0 {
			return nil
		}
		return &c.p.Contracts[k]
	}
	return c.findContract(it, c.strict)
}

// resolve sets the item's contracts (see item.resolved). Items mostly
// name the same contract, or none, so the contracts of the last id looked
// up and those of an item that names none are kept.
func (c *evalCtx) resolve(it *item) {
	id := c.contract(it)
	if id == "" {
		if !c.noneResolved {
			c.noneK, c.noneKStrict = c.contractIndexes(c.first, c.firstVerified)
			c.noneResolved = true
		}
		it.k, it.kStrict, it.resolved = c.noneK, c.noneKStrict, true
		return
	}
	if id != c.lastContract || c.lastK < 0 {
		k := c.contractByID(id)
		c.lastContract = id
		c.lastK, c.lastKStrict = c.contractIndexes(k, k)
	}
	it.k, it.kStrict, it.resolved = c.lastK, c.lastKStrict, true
}

// contractIndexes returns the positions of k and, when it is verified, ks
// (-1 for nil, and for ks not verified).
func (c *evalCtx) contractIndexes(k, ks *portfolio.Contract) (int32, int32) {
	if ks != nil && ks.Verification.EffectiveState() != portfolio.Verified {
		ks = nil
	}
	return c.contractIndex(k), c.contractIndex(ks)
}

// contractIndex returns the position of k in the portfolio's contracts
// (-1 when k is nil).
func (c *evalCtx) contractIndex(k *portfolio.Contract) int32 {
	if k == nil {
		return -1
	}
	for i := range c.p.Contracts {
		if &c.p.Contracts[i] == k {
			return int32(i)
		}
	}
	return -1
}

// findContract is contractOf in a strict pass or not, looked up.
func (c *evalCtx) findContract(it *item, strict bool) *portfolio.Contract {
	var k *portfolio.Contract
	switch id := c.contract(it); {
	case id != "":
		k = c.contractByID(id)
	case strict:
		k = c.firstVerified
	default:
		k = c.first
	}
	if k == nil || (strict && k.Verification.EffectiveState() != portfolio.Verified) {
		return nil
	}
	return k
}

// claimedSupport names the claimed evidence an item rests on: its supervision
// contract, and for telehealth the licenses for the client's jurisdiction.
func (c *evalCtx) claimedSupport(it *item) []string {
	var ids []string
	k := c.contractOf(it)
	if k != nil && k.Verification.EffectiveState() == portfolio.Claimed {
		ids = append(ids, k.ID)
	}
	supervisor := ""
	if c.session(it) != nil {
		supervisor = c.session(it).Supervisor
	} else if k != nil {
		supervisor = k.Supervisor
	}
	if sup := c.supervisorByID(supervisor); sup != nil && sup.Verification.EffectiveState() == portfolio.Claimed {
		ids = append(ids, sup.ID)
	}
	if h := c.clinical(it); h != nil && strings.HasPrefix(h.Modality, "telehealth") {
		for _, l := range c.p.Licenses {
			if l.Verification.EffectiveState() == portfolio.Claimed && strings.EqualFold(l.Jurisdiction, h.ClientJurisdiction) {
				ids = append(ids, l.ID)
			}
		}
	}
	return ids
}

// licensedFor checks that telehealth clients were in a jurisdiction where the applicant was licensed.
func (c *evalCtx) licensedFor(h *portfolio.ClinicalHours, it *item, explain bool) (bool, string) {
	if h.ClientJurisdiction == "" {
		return false, "is telehealth without client_jurisdiction, so the license cannot be checked"
	}
	for i := range c.p.Licenses {
		l := &c.p.Licenses[i]
		if st := l.Verification.EffectiveState(); st == portfolio.Rejected || (c.strict && st != portfolio.Verified) {
			continue
		}
		if strings.EqualFold(l.Jurisdiction, h.ClientJurisdiction) && it.start.Within(l.ValidFrom, l.ValidTo) && it.end.Within(l.ValidFrom, l.ValidTo) {
			return true, ""
		}
	}
	return false, explained(explain, func() string {
		return fmt.Sprintf("is telehealth with clients in %s, where the applicant held no license at the time", h.ClientJurisdiction)
	})
}

// contractAndWindow tests the conditions every filter ends with, whatever
// the item's collection: a supervision contract the item names and that
// the portfolio holds, and the window of dates the item must fall in.
func (c *evalCtx) contractAndWindow(f *requirements.Filter, it *item, explain bool) (bool, string) {
	if f.RequireContract && (c.contract(it) == "" || c.contractOf(it) == nil) {
		return false, "is not linked to a supervision contract"
	}
	if w := f.Window; w != nil {
		return c.inWindow(w, it, explain)
	}
	return true, ""
}

// inWindow checks a window rule.
func (c *evalCtx) inWindow(w *requirements.Window, it *item, explain bool) (bool, string) {
	if w.YearsBeforeAsOf > 0 || w.MonthsBeforeAsOf > 0 {
		from := c.asOf.AddYears(-w.YearsBeforeAsOf).AddMonths(-w.MonthsBeforeAsOf)
		if it.start.Before(from) {
			return false, explained(explain, func() string { return fmt.Sprintf("is dated %s, before the window that opens %s", it.start, from) })
		}
	}
	if w.AfterContractStart {
		start := date.Date{}
		if k := c.contractOf(it); k != nil {
			start = k.Start
		}
		switch {
		case start.IsZero():
			return false, "has no supervision contract in force"
		case it.start.Before(start):
			return false, explained(explain, func() string {
				return fmt.Sprintf("is dated %s, before the supervision contract began (%s)", it.start, start)
			})
		}
		if k := c.contractOf(it); !k.End.IsZero() && it.end.After(k.End) {
			return false, explained(explain, func() string {
				return fmt.Sprintf("is dated %s, after the supervision contract ended (%s)", it.end, k.End)
			})
		}
	}
	if w.MonthsAfterContractStart > 0 {
		k := c.contractOf(it)
		if k == nil {
			return false, "has no supervision contract in force"
		}
		if limit := k.Start.AddMonths(w.MonthsAfterContractStart); it.end.After(limit) {
			return false, explained(explain, func() string {
				return fmt.Sprintf("is dated %s, more than %d months after the supervision contract began (%s)", it.end, w.MonthsAfterContractStart, k.Start)
			})
		}
	}
	if w.InCycle {
		switch {
		case c.cycleStart.IsZero():
			return false, c.cycleProblem
		case it.start.Before(c.cycleStart):
			return false, explained(explain, func() string {
				return fmt.Sprintf("is dated %s, before the current cycle began (%s)", it.start, c.cycleStart)
			})
		}
	}
	return true, ""
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// appendWords appends s as words writes it.
func appendWords(b []byte, s string) []byte {
	for i := range len(s) {
		if s[i] == '_' {
			b = append(b, ' ')
		} else {
			b = append(b, s[i])
		}
	}
	return b
}

// appendOrList appends sep and then xs as orList writes them.
func appendOrList(b []byte, sep string, xs []string) []byte {
	b = append(b, sep...)
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			b = append(b, " or "...)
		default:
			b = append(b, ", "...)
		}
		b = appendWords(b, x)
	}
	return b
}

// words turns an enum value such as live_online into "live online".
func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return words(xs[0])
	}
	var a [64]byte
	return string(appendOrList(a[:0], "", xs))
}
