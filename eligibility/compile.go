package eligibility

import (
	"slices"

	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// compiledSet is what evaluations derive from a set alone, made once per
// set by requirements.Set.Compiled (so a set must not change after its
// first evaluation) and shared by concurrent evaluations, which only read it.
type compiledSet struct {
	hours map[*requirements.Requirement]*hoursPlan
	// sources holds the cited sources of every requirement, in the set's
	// order (see sourcesOf); srcEnd[k] is where requirement k's end.
	sources []Source
	srcEnd  []int
	// primaries counts the sources that say whether they are primary.
	primaries int
	// vocab numbers the values the hours requirements' filters name, which
	// their filter plans are compiled against (nil when some field names
	// more than maxValues: the filters then run as they are).
	vocab *vocab
}

// compiled returns the set's compiled form, making it on first use.
func compiled(set *requirements.Set) *compiledSet {
	return set.Compiled(func() any {
		cs := &compiledSet{hours: map[*requirements.Requirement]*hoursPlan{}}
		for _, r := range set.Requirements {
			if r.Kind == requirements.KindHours {
				cs.hours[r] = planHours(set, r)
			}
			for _, src := range sourcesOf(set, r) {
				cs.sources = append(cs.sources, src)
				if src.Primary != nil {
					cs.primaries++
				}
			}
			cs.srcEnd = append(cs.srcEnd, len(cs.sources))
		}
		cs.planFilters(set)
		return cs
	}).(*compiledSet)
}

// planFilters compiles the filters of every hours requirement against one
// vocab, or none when some field has too many values.
func (cs *compiledSet) planFilters(set *requirements.Set) {
	v := &vocab{}
	compile := func(fs []requirements.Filter) ([]filterPlan, bool) {
		fps := make([]filterPlan, len(fs))
		for k := range fs {
			var ok bool
			if fps[k], ok = planFilter(v, &fs[k]); !ok {
				return nil, false
			}
		}
		return fps, true
	}
	for _, r := range set.Requirements {
		h := cs.hours[r]
		if h == nil {
			continue
		}
		var ok1, ok2, ok3 bool
		h.acceptPlans, ok1 = compile(h.accepts)
		h.capPlans, ok2 = compile(h.capMatch)
		h.minPlans, ok3 = compile(h.minMatch)
		if !ok1 || !ok2 || !ok3 {
			for _, h := range cs.hours {
				h.acceptPlans, h.capPlans, h.minPlans = nil, nil, nil
			}
			return
		}
	}
	cs.vocab = v
}

// reportSources returns a copy of the set's sources for one report, each
// requirement's part of it (nil when it cites none) in the set's order.
// Reports share no memory with each other or with the compiled set.
func (cs *compiledSet) reportSources() [][]Source {
	out := make([][]Source, len(cs.srcEnd))
	if len(cs.sources) == 0 {
		return out
	}
	all := slices.Clone(cs.sources)
	if cs.primaries > 0 {
		flags := make([]bool, 0, cs.primaries)
		for i := range all {
			if p := all[i].Primary; p != nil {
				flags = append(flags, *p)
				all[i].Primary = &flags[len(flags)-1]
			}
		}
	}
	from := 0
	for k, end := range cs.srcEnd {
		if end > from {
			out[k] = all[from:end:end]
		}
		from = end
	}
	return out
}

// sharedFilter returns a copy of a filter whose evidence collection and
// enumerated values (kinds, deliveries, formats, contents, modalities,
// focus, case units) are the strings items hold: the engine's constants
// for the collection, and for the values the strings the portfolio's
// decoder shares (portfolio.Shared). It matches exactly what f matches; a
// comparison of strings that share their bytes only compares lengths and
// addresses, and filters run for every item and requirement.
func sharedFilter(f requirements.Filter) requirements.Filter {
	for _, e := range []string{requirements.EvidenceEducation, requirements.EvidenceSupervision,
		requirements.EvidenceClinical, requirements.EvidenceCases} {
		if f.Evidence == e {
			f.Evidence = e
		}
	}
	for _, list := range []*[]string{&f.ActivityKinds, &f.ProviderKinds, &f.Delivery, &f.Format,
		&f.SessionDelivery, &f.Content, &f.Modalities, &f.Focus, &f.CaseUnits} {
		if len(*list) == 0 {
			continue
		}
		shared := make([]string, len(*list))
		for i, v := range *list {
			shared[i] = portfolio.Shared(v)
			if v == requirements.SessionDeliveryUnknown {
				shared[i] = requirements.SessionDeliveryUnknown
			}
		}
		*list = shared
	}
	return f
}
