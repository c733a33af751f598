package measure

// Instrument is one screening instrument as data. The facts come from the
// project's clinical reference (section "Screening instruments"); those it
// marks UNCONFIRMED are marked so here and in docs/measures.md.
type Instrument struct {
	// ID is the instrument's id on the command line and in JSON ("phq-9").
	ID string
	// Name is how people write it ("PHQ-9").
	Name string
	// Measures says what the instrument screens for.
	Measures string
	// Items are the items in order, each with the answers it allows.
	Items []Item
	// Bands are the ranges of the total, lowest first; none for an
	// instrument without bands.
	Bands []Band
	// Positive is the positive rule in words.
	Positive string
	// Cutoffs are where the positive rule turns on the total, by sex: the
	// NoSex entry holds for every sex without an entry of its own (only
	// AUDIT-C gives men theirs). Score applies them and Cutoff returns
	// them, so the rule scored and the threshold shown are one fact; none
	// for an instrument never positive by its total.
	Cutoffs map[Sex]Cutoff
	// Flags are the flags the instrument may raise, in words.
	Flags []string
	// Source says where the instrument and its scoring come from, and
	// Licence on what terms a practice may use its items.
	Source, Licence string
	// ShipsItems says whether certboard may ship the item texts (free to
	// use); otherwise only the scoring ships, and a practice enters the
	// texts once it holds permission.
	ShipsItems bool

	// score sets the total, the domains and the flags of a response, and
	// Positive where single answers make it positive whatever the total
	// (ASEX); Score then applies the cutoff.
	score func(answers []int, r *Result)
}

// Item is one item of an instrument: its number (from 1) and the answers
// it allows, in increasing order.
type Item struct {
	// Number is the item's number, from 1.
	Number int
	// Allowed are the answers the item allows, in increasing order.
	Allowed []int
}

// Band is a range of totals, Min to Max inclusive, with its id.
type Band struct {
	// ID names the band ("moderately_severe"); Label says it in words.
	ID string
	// Min and Max are the least and greatest totals in the band.
	Min, Max int
}

// ids is every instrument id, in the order the issue and the docs list them.
var ids = []string{"phq-9", "gad-7", "audit-c", "audit", "iief-5", "pedt", "fsfi", "asex"}

// IDs returns every instrument id, in a fixed order.
func IDs() []string { return append([]string(nil), ids...) }

// Instruments returns every instrument, in the order of IDs. The result
// is the caller's own copy.
func Instruments() []Instrument {
	out := make([]Instrument, 0, len(ids))
	for _, id := range ids {
		in, _ := Lookup(id)
		out = append(out, in)
	}
	return out
}

// Lookup returns the instrument with the given id, as the caller's own
// copy; false when there is none.
func Lookup(id string) (Instrument, bool) {
	switch id {
	case "phq-9":
		return phq9(), true
	case "gad-7":
		return gad7(), true
	case "audit-c":
		return auditC(), true
	case "audit":
		return audit(), true
	case "iief-5":
		return iief5(), true
	case "pedt":
		return pedt(), true
	case "fsfi":
		return fsfi(), true
	case "asex":
		return asex(), true
	}
	return Instrument{}, false
}

// items returns n items, each allowing lo..hi.
func items(n, lo, hi int) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = Item{Number: i + 1, Allowed: span(lo, hi)}
	}
	return out
}

// span returns lo, lo+1, ..., hi.
func span(lo, hi int) []int {
	out := make([]int, 0, hi-lo+1)
	for v := lo; v <= hi; v++ {
		out = append(out, v)
	}
	return out
}

// total sets r.Total to the sum of the answers and returns it.
func total(answers []int, r *Result) int {
	t := sum(answers, 1, len(answers))
	r.Total = float64(t)
	return t
}

func phq9() Instrument {
	return Instrument{
		ID: "phq-9", Name: "PHQ-9",
		Measures: "depression: nine items on the past two weeks (LOINC 44249-1)",
		Items:    items(9, 0, 3),
		Bands: []Band{{"minimal", 0, 4}, {"mild", 5, 9}, {"moderate", 10, 14},
			{"moderately_severe", 15, 19}, {"severe", 20, 27}},
		Positive:   "total 10 or more",
		Cutoffs:    map[Sex]Cutoff{NoSex: {Total: 10}},
		Flags:      []string{"self-harm: item 9 above 0, whatever the total; needs same-day follow-up"},
		Source:     "Patient Health Questionnaire (Kroenke, Spitzer, Williams; Pfizer)",
		Licence:    "free to use (Pfizer; no permission needed)",
		ShipsItems: true,
		score: func(a []int, r *Result) {
			total(a, r)
			if a[8] > 0 {
				r.Flags = append(r.Flags, FlagSelfHarm)
			}
		},
	}
}

func gad7() Instrument {
	return Instrument{
		ID: "gad-7", Name: "GAD-7",
		Measures:   "generalised anxiety: seven items",
		Items:      items(7, 0, 3),
		Bands:      []Band{{"minimal", 0, 4}, {"mild", 5, 9}, {"moderate", 10, 14}, {"severe", 15, 21}},
		Positive:   "total 10 or more",
		Cutoffs:    map[Sex]Cutoff{NoSex: {Total: 10}},
		Source:     "Generalized Anxiety Disorder 7 (Spitzer, Kroenke, Williams, Löwe; Pfizer)",
		Licence:    "free to use (Pfizer)",
		ShipsItems: true,
		score:      func(a []int, r *Result) { total(a, r) },
	}
}

func auditC() Instrument {
	return Instrument{
		ID: "audit-c", Name: "AUDIT-C",
		Measures:   "alcohol use: the three consumption items of AUDIT",
		Items:      items(3, 0, 4),
		Positive:   "total 4 or more for men, 3 or more for women; 3 or more when no sex is given",
		Cutoffs:    map[Sex]Cutoff{NoSex: {Total: 3}, Male: {Total: 4}},
		Source:     "AUDIT-C, from the WHO's Alcohol Use Disorders Identification Test",
		Licence:    "public domain (WHO AUDIT family)",
		ShipsItems: true,
		score:      func(a []int, r *Result) { total(a, r) },
	}
}

func audit() Instrument {
	its := items(10, 0, 4)
	its[8].Allowed = []int{0, 2, 4}
	its[9].Allowed = []int{0, 2, 4}
	return Instrument{
		ID: "audit", Name: "AUDIT",
		Measures: "alcohol use, harm and dependence: ten items",
		Items:    its,
		Bands:    []Band{{"zone_1", 0, 7}, {"zone_2", 8, 15}, {"zone_3", 16, 19}, {"zone_4", 20, 40}},
		// The reference gives the zones, not a separate positive rule;
		// positive here is leaving zone I (total 8 or more).
		Positive:   "total 8 or more (zone II or above; zone IV means refer)",
		Cutoffs:    map[Sex]Cutoff{NoSex: {Total: 8}},
		Flags:      []string{"dependence: items 4-6 sum to 4 or more"},
		Source:     "Alcohol Use Disorders Identification Test (WHO)",
		Licence:    "public domain (WHO)",
		ShipsItems: true,
		score: func(a []int, r *Result) {
			total(a, r)
			if sum(a, 4, 6) >= 4 {
				r.Flags = append(r.Flags, FlagDependence)
			}
		},
	}
}

func iief5() Instrument {
	return Instrument{
		ID: "iief-5", Name: "IIEF-5",
		Measures: "erectile function: five items on the past six months (also called SHIM)",
		Items:    items(5, 1, 5),
		Bands: []Band{{"severe", 5, 7}, {"moderate", 8, 11}, {"mild_to_moderate", 12, 16},
			{"mild", 17, 21}, {"none", 22, 25}},
		Positive: "total 21 or less (indicates erectile dysfunction)",
		Cutoffs:  map[Sex]Cutoff{NoSex: {Total: 21, AtMost: true}},
		Source:   "International Index of Erectile Function, 5-item version (Rosen et al.)",
		Licence:  "copyrighted: the practice needs permission to use the items",
		score:    func(a []int, r *Result) { total(a, r) },
	}
}

func pedt() Instrument {
	return Instrument{
		ID: "pedt", Name: "PEDT",
		Measures: "premature ejaculation: five items",
		// UNCONFIRMED: the reference gives the total as 0-20 without
		// confirming it, so each item is taken to allow 0 to 4.
		Items: items(5, 0, 4),
		Bands: []Band{{"no_pe", 0, 8}, {"probable_pe", 9, 10}, {"pe", 11, 20}},
		// Positive is the "pe" band; "probable_pe" is not positive.
		Positive: "total 11 or more (PE); 9-10 is probable PE, not positive",
		Cutoffs:  map[Sex]Cutoff{NoSex: {Total: 11}},
		Source:   "Premature Ejaculation Diagnostic Tool (Symonds et al.); item range 0-4 and total 0-20 UNCONFIRMED",
		Licence:  "copyrighted (IQVIA): the practice needs permission to use the items",
		score:    func(a []int, r *Result) { total(a, r) },
	}
}

// fsfiDomains are FSFI's domains: first and last item, and weight in
// tenths.
var fsfiDomains = [6]struct{ from, to, weight int }{
	{1, 2, 6},   // desire x0.6
	{3, 6, 3},   // arousal x0.3
	{7, 10, 3},  // lubrication x0.3
	{11, 13, 4}, // orgasm x0.4
	{14, 16, 4}, // satisfaction x0.4
	{17, 19, 4}, // pain x0.4
}

func fsfi() Instrument {
	its := items(19, 0, 5)
	for _, n := range []int{1, 2, 15, 16} {
		its[n-1].Allowed = span(1, 5)
	}
	return Instrument{
		ID: "fsfi", Name: "FSFI",
		Measures: "female sexual function: 19 items in six domains (desire, arousal, lubrication, orgasm, satisfaction, pain); 0 means no sexual activity",
		Items:    its,
		Positive: "total 26.55 or less (sexual dysfunction)",
		// 26.55 is no total FSFI can give: totals are whole tenths, so
		// 26.5 is positive and 26.6 not.
		Cutoffs: map[Sex]Cutoff{NoSex: {Total: 26.55, AtMost: true}},
		Source:  "Female Sexual Function Index (Rosen et al. 2000); domain = item sum x weight, total = sum of domains (2-36)",
		// UNCONFIRMED: the reference could not confirm FSFI's terms of use.
		Licence: "terms UNCONFIRMED: treated as needing permission",
		score: func(a []int, r *Result) {
			var tenths [6]int
			t := 0
			for i, d := range fsfiDomains {
				tenths[i] = sum(a, d.from, d.to) * d.weight
				t += tenths[i]
			}
			r.Total = float64(t) / 10
			r.Domains = &Domains{
				Desire:       float64(tenths[0]) / 10,
				Arousal:      float64(tenths[1]) / 10,
				Lubrication:  float64(tenths[2]) / 10,
				Orgasm:       float64(tenths[3]) / 10,
				Satisfaction: float64(tenths[4]) / 10,
				Pain:         float64(tenths[5]) / 10,
			}
		},
	}
}

func asex() Instrument {
	return Instrument{
		ID: "asex", Name: "ASEX",
		Measures: "sexual dysfunction, in any sex: five items on the past week",
		Items:    items(5, 1, 6),
		Positive: "total 19 or more, or any item 5 or more, or any three items 4 or more",
		Cutoffs:  map[Sex]Cutoff{NoSex: {Total: 19, Partial: true}},
		Source:   "Arizona Sexual Experiences Scale (McGahuey et al. 2000)",
		Licence:  "needs permission (Arizona Board of Regents)",
		score: func(a []int, r *Result) {
			total(a, r)
			high, fourPlus := false, 0
			for _, v := range a {
				high = high || v >= 5
				if v >= 4 {
					fourPlus++
				}
			}
			r.Positive = high || fourPlus >= 3
		},
	}
}
