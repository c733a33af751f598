package eligibility

import (
	"testing"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/requirements"
)

// TestFilterPlansAsFilter checks that a compiled filter decides what filter
// decides (its static part on the masks and then dynamic), and selects
// what selects does, inside a strict pass and not: for every filter of
// every hours requirement of every version of every shipped set, and for
// filters that use each field alone, over every item of the example
// portfolios and the large portfolio.
func TestFilterPlansAsFilter(t *testing.T) {
	reg, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	ps := examplesAndLarge(t)
	var filters []requirements.Filter
	for _, id := range reg.IDs() {
		for _, set := range reg.Versions(id) {
			for _, r := range set.Requirements {
				if r.Kind != requirements.KindHours {
					continue
				}
				filters = append(filters, r.Accepts...)
				for _, cp := range r.Caps {
					filters = append(filters, cp.Match)
				}
				for _, b := range r.Minimums {
					filters = append(filters, b.Match)
				}
			}
		}
	}
	e, s, cl := requirements.EvidenceEducation, requirements.EvidenceSupervision, requirements.EvidenceClinical
	filters = append(filters,
		requirements.Filter{},
		requirements.Filter{Evidence: requirements.EvidenceCases},
		requirements.Filter{Evidence: e, ActivityKinds: []string{"ce", "sar"}},
		requirements.Filter{ActivityKinds: []string{"no-such-kind"}},
		requirements.Filter{ProviderKinds: []string{"accredited_university", "other_ce"}},
		requirements.Filter{ApprovedBy: []string{"AASECT"}},
		requirements.Filter{NotApprovedBy: []string{"AASECT", "NBCC"}},
		requirements.Filter{Delivery: []string{"elearning"}},
		requirements.Filter{SexualityRelated: true},
		requirements.Filter{Evidence: s, Format: []string{"group"}},
		requirements.Filter{SessionDelivery: []string{requirements.SessionDeliveryUnknown, "in_person"}},
		requirements.Filter{MaxGroupSize: 2},
		requirements.Filter{Content: []string{"case"}},
		requirements.Filter{Evidence: cl, Modalities: []string{"telehealth_video"}},
		requirements.Filter{Focus: []string{"sexual"}},
		requirements.Filter{TelehealthWhereLicensed: true},
		requirements.Filter{SupervisorCredential: []string{"aasect-cst-supervisor"}},
		requirements.Filter{RequireContract: true},
		requirements.Filter{Window: &requirements.Window{AfterContractStart: true, MonthsAfterContractStart: 24}},
		requirements.Filter{Window: &requirements.Window{YearsBeforeAsOf: 3}},
		requirements.Filter{CaseUnits: []string{"case"}},
		requirements.Filter{Completed: true},
		requirements.Filter{Evidence: cl, Format: []string{"individual"}},
		requirements.Filter{Evidence: e, Modalities: []string{"in_person"}},
	)
	v := &vocab{}
	plans := make([]filterPlan, len(filters))
	for k := range filters {
		filters[k] = sharedFilter(filters[k])
		var ok bool
		if plans[k], ok = planFilter(v, &filters[k]); !ok {
			t.Fatalf("filter %d: too many values", k)
		}
	}
	set := reg.Latest("aasect-cst")
	checked := 0
	for _, p := range ps {
		sc := getScratch()
		c := newCtx(p, set, date.MustParse("2026-06-01"), sc)
		for i := range c.items {
			it := &c.items[i]
			var m itemMasks
			v.masks(&m, c, it)
			for k := range filters {
				f, fp := &filters[k], &plans[k]
				if got, want := fp.selects(&m), c.selects(f, it); got != want {
					t.Errorf("filter %d %+v, item %s: planned selects %v, selects %v", k, *f, c.id(it), got, want)
				}
				for _, strict := range []bool{false, true} {
					c.strict = strict
					want := c.match(f, it)
					if got := fp.static(&m) && (!fp.dynamic || c.dynamic(f, it)); got != want {
						t.Errorf("filter %d %+v, item %s, strict %v: planned %v, match %v", k, *f, c.id(it), strict, got, want)
					}
					if got := fp.static(&m) && (!fp.dynamic || c.dynamicOf(f, it)); got != want {
						t.Errorf("filter %d %+v, item %s, strict %v: planned with dynamicOf %v, match %v", k, *f, c.id(it), strict, got, want)
					}
					checked++
				}
				c.strict = false
			}
		}
		sc.release()
	}
	if checked < 10000 {
		t.Fatalf("only %d checks", checked)
	}
}
