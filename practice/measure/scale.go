package measure

// Range is the totals an instrument can give: from Min to Max inclusive,
// in steps of Step (1, or 0.1 for FSFI, whose weighted domains give one
// decimal place).
type Range struct {
	// Min is the least total: every item's least answer.
	Min float64
	// Max is the greatest total: every item's greatest answer.
	Max float64
	// Step is the difference between neighbouring totals.
	Step float64
}

// Range returns the totals the instrument can give. Min and Max are the
// totals of the least and the greatest answer to every item, since every
// instrument's total rises with each answer. An Instrument that did not
// come from Lookup or Instruments has the zero Range.
func (in Instrument) Range() Range {
	if in.score == nil || len(in.Items) == 0 {
		return Range{}
	}
	least := make([]int, len(in.Items))
	most := make([]int, len(in.Items))
	for i, it := range in.Items {
		least[i] = it.Allowed[0]
		most[i] = it.Allowed[len(it.Allowed)-1]
	}
	var lo, hi Result
	in.score(least, &lo)
	in.score(most, &hi)
	step := 1.0
	if in.ID == "fsfi" {
		step = 0.1
	}
	return Range{Min: lo.Total, Max: hi.Total, Step: step}
}

// Cutoff is where an instrument's positive rule turns on the total.
type Cutoff struct {
	// Total is the threshold: a response is positive at Total or more, or,
	// when AtMost, at Total or less (FSFI's 26.55 is no total FSFI can
	// give; it lies between 26.5 and 26.6).
	Total float64
	// AtMost says the positive side is at and below Total (IIEF-5, FSFI:
	// a low score indicates dysfunction).
	AtMost bool
	// Partial says the total is not the whole rule: single answers can
	// make a response positive on the other side of Total (ASEX: any item
	// 5 or more, or any three items 4 or more).
	Partial bool
}

// Cutoff returns the instrument's positive threshold on the total for sex
// (Cutoffs: it depends on sex only for AUDIT-C, where NoSex gives the
// lower threshold, as Score does). The rule in words is Positive. False
// for an instrument without cutoffs, such as one that did not come from
// Lookup or Instruments.
func (in Instrument) Cutoff(sex Sex) (Cutoff, bool) {
	if c, ok := in.Cutoffs[sex]; ok {
		return c, true
	}
	c, ok := in.Cutoffs[NoSex]
	return c, ok
}

// holds says whether total is on the positive side of the cutoff.
func (c Cutoff) holds(total float64) bool {
	if c.AtMost {
		return total <= c.Total
	}
	return total >= c.Total
}

// BandOf returns the band total falls in (the band Score reports for it);
// false when the instrument has no bands or the total is outside them.
func (in Instrument) BandOf(total float64) (Band, bool) {
	for _, b := range in.Bands {
		if total >= float64(b.Min) && total <= float64(b.Max) {
			return b, true
		}
	}
	return Band{}, false
}

// bandLabels are the bands' names as people write them, by band id.
var bandLabels = map[string]string{
	"minimal":           "minimal",
	"mild":              "mild",
	"moderate":          "moderate",
	"moderately_severe": "moderately severe",
	"severe":            "severe",
	"zone_1":            "zone I",
	"zone_2":            "zone II",
	"zone_3":            "zone III",
	"zone_4":            "zone IV",
	"mild_to_moderate":  "mild to moderate",
	"none":              "no ED",
	"no_pe":             "no PE",
	"probable_pe":       "probable PE",
	"pe":                "PE",
}

// Label returns the band's name as people write it ("moderately severe"
// for moderately_severe, "zone II" for zone_2, "no ED" for IIEF-5's none),
// or its id for a band of no shipped instrument.
func (b Band) Label() string {
	if l, ok := bandLabels[b.ID]; ok {
		return l
	}
	return b.ID
}
