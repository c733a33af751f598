package measure

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/certboard/certboard"
)

// answersFor returns answers to in that sum to total, filling items from
// the first with the largest value each allows.
func answersFor(t *testing.T, in Instrument, total int) []int {
	t.Helper()
	out := make([]int, len(in.Items))
	left := total
	for i, it := range in.Items {
		v := it.Allowed[0]
		for _, a := range it.Allowed {
			if a <= left-minRest(in.Items[i+1:]) {
				v = a
			}
		}
		out[i] = v
		left -= v
	}
	if left != 0 {
		t.Fatalf("%s: cannot make a total of %d", in.ID, total)
	}
	return out
}

// minRest is the smallest total the items allow.
func minRest(its []Item) int {
	s := 0
	for _, it := range its {
		s += it.Allowed[0]
	}
	return s
}

func mustScore(t *testing.T, id string, answers []int, sex Sex) *Result {
	t.Helper()
	r, err := Score(id, answers, sex)
	if err != nil {
		t.Fatalf("Score(%s, %v): %v", id, answers, err)
	}
	return r
}

// TestBands checks every band boundary on both sides, and the positive
// threshold on both sides, for every instrument with bands.
func TestBands(t *testing.T) {
	tests := []struct {
		id       string
		total    int
		band     string
		positive bool
	}{
		{"phq-9", 0, "minimal", false},
		{"phq-9", 4, "minimal", false},
		{"phq-9", 5, "mild", false},
		{"phq-9", 9, "mild", false},
		{"phq-9", 10, "moderate", true},
		{"phq-9", 14, "moderate", true},
		{"phq-9", 15, "moderately_severe", true},
		{"phq-9", 19, "moderately_severe", true},
		{"phq-9", 20, "severe", true},
		{"phq-9", 27, "severe", true},

		{"gad-7", 0, "minimal", false},
		{"gad-7", 4, "minimal", false},
		{"gad-7", 5, "mild", false},
		{"gad-7", 9, "mild", false},
		{"gad-7", 10, "moderate", true},
		{"gad-7", 14, "moderate", true},
		{"gad-7", 15, "severe", true},
		{"gad-7", 21, "severe", true},

		{"audit", 0, "zone_1", false},
		{"audit", 7, "zone_1", false},
		{"audit", 8, "zone_2", true},
		{"audit", 15, "zone_2", true},
		{"audit", 16, "zone_3", true},
		{"audit", 19, "zone_3", true},
		{"audit", 20, "zone_4", true},
		{"audit", 40, "zone_4", true},

		{"iief-5", 5, "severe", true},
		{"iief-5", 7, "severe", true},
		{"iief-5", 8, "moderate", true},
		{"iief-5", 11, "moderate", true},
		{"iief-5", 12, "mild_to_moderate", true},
		{"iief-5", 16, "mild_to_moderate", true},
		{"iief-5", 17, "mild", true},
		{"iief-5", 21, "mild", true},
		{"iief-5", 22, "none", false},
		{"iief-5", 25, "none", false},

		{"pedt", 0, "no_pe", false},
		{"pedt", 8, "no_pe", false},
		{"pedt", 9, "probable_pe", false},
		{"pedt", 10, "probable_pe", false},
		{"pedt", 11, "pe", true},
		{"pedt", 20, "pe", true},
	}
	for _, tt := range tests {
		in, _ := Lookup(tt.id)
		a := answersFor(t, in, tt.total)
		r := mustScore(t, tt.id, a, NoSex)
		if r.Total != float64(tt.total) || r.Band != tt.band || r.Positive != tt.positive {
			t.Errorf("%s %v: total %v band %q positive %v; want %d %q %v",
				tt.id, a, r.Total, r.Band, r.Positive, tt.total, tt.band, tt.positive)
		}
		if r.Domains != nil {
			t.Errorf("%s: domains %v; want none", tt.id, r.Domains)
		}
	}
}

// TestBandsCoverTotals checks that the bands of each instrument run without
// gap or overlap from the least to the greatest total its items allow.
func TestBandsCoverTotals(t *testing.T) {
	for _, in := range Instruments() {
		if len(in.Bands) == 0 {
			continue
		}
		lo, hi := 0, 0
		for _, it := range in.Items {
			lo += it.Allowed[0]
			hi += it.Allowed[len(it.Allowed)-1]
		}
		if in.Bands[0].Min != lo || in.Bands[len(in.Bands)-1].Max != hi {
			t.Errorf("%s: bands run %d-%d; items allow %d-%d", in.ID, in.Bands[0].Min, in.Bands[len(in.Bands)-1].Max, lo, hi)
		}
		for i := 1; i < len(in.Bands); i++ {
			if in.Bands[i].Min != in.Bands[i-1].Max+1 {
				t.Errorf("%s: band %s does not follow %s", in.ID, in.Bands[i].ID, in.Bands[i-1].ID)
			}
		}
	}
}

func TestNoBands(t *testing.T) {
	for _, id := range []string{"audit-c", "fsfi", "asex"} {
		in, _ := Lookup(id)
		r := mustScore(t, id, answersFor(t, in, minRest(in.Items)), NoSex)
		if r.Band != "" {
			t.Errorf("%s: band %q; want none", id, r.Band)
		}
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		id      string
		answers []int
		flags   []string
		band    string
	}{
		// Self-harm whatever the total, even a minimal one.
		{"phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, []string{FlagSelfHarm}, "minimal"},
		{"phq-9", []int{3, 3, 3, 3, 3, 3, 3, 3, 3}, []string{FlagSelfHarm}, "severe"},
		{"phq-9", []int{3, 3, 3, 3, 3, 3, 3, 3, 0}, []string{}, "severe"},
		// Dependence when items 4-6 sum to 4 or more.
		{"audit", []int{0, 0, 0, 1, 1, 2, 0, 0, 0, 0}, []string{FlagDependence}, "zone_1"},
		{"audit", []int{0, 0, 0, 0, 0, 4, 0, 0, 0, 0}, []string{FlagDependence}, "zone_1"},
		{"audit", []int{4, 4, 4, 1, 1, 1, 4, 4, 4, 4}, []string{}, "zone_4"},
		{"audit", []int{0, 0, 0, 1, 1, 1, 0, 0, 0, 0}, []string{}, "zone_1"},
	}
	for _, tt := range tests {
		r := mustScore(t, tt.id, tt.answers, NoSex)
		if !slices.Equal(r.Flags, tt.flags) || r.Flags == nil || r.Band != tt.band {
			t.Errorf("%s %v: flags %#v band %q; want %#v %q", tt.id, tt.answers, r.Flags, r.Band, tt.flags, tt.band)
		}
	}
}

func TestAUDITCBySex(t *testing.T) {
	tests := []struct {
		total    int
		sex      Sex
		positive bool
	}{
		{2, Female, false},
		{3, Female, true},
		{3, Male, false},
		{4, Male, true},
		{2, NoSex, false},
		{3, NoSex, true}, // the lower threshold
		{12, Male, true},
		{0, Female, false},
	}
	in, _ := Lookup("audit-c")
	for _, tt := range tests {
		r := mustScore(t, "audit-c", answersFor(t, in, tt.total), tt.sex)
		if r.Total != float64(tt.total) || r.Positive != tt.positive {
			t.Errorf("audit-c %d %q: total %v positive %v; want %v", tt.total, tt.sex, r.Total, r.Positive, tt.positive)
		}
	}
}

func TestFSFI(t *testing.T) {
	all := func(v int) []int {
		a := make([]int, 19)
		for i := range a {
			a[i] = v
		}
		return a
	}
	least := all(0)
	for _, n := range []int{1, 2, 15, 16} {
		least[n-1] = 1
	}
	tests := []struct {
		name     string
		answers  []int
		total    float64
		domains  Domains
		positive bool
	}{
		{"greatest", all(5), 36, Domains{6, 6, 6, 6, 6, 6}, false},
		{"least", least, 2, Domains{1.2, 0, 0, 0, 0.8, 0}, true},
		// Each domain its own weight: desire x0.6, arousal and
		// lubrication x0.3, orgasm, satisfaction and pain x0.4.
		{"weights", []int{1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 2, 2, 2, 1, 1, 1, 5, 5, 5},
			19.8, Domains{1.8, 3.6, 4.8, 2.4, 1.2, 6}, true},
		// The cut-off: 26.55 or less is dysfunction.
		{"26.5", []int{5, 5, 0, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 5, 5, 5, 0, 5, 5},
			26.5, Domains{6, 4.5, 6, 0, 6, 4}, true},
		{"26.6", []int{4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 5, 5, 5, 0, 3, 5},
			26.6, Domains{5.4, 6, 6, 0, 6, 3.2}, false},
	}
	for _, tt := range tests {
		r := mustScore(t, "fsfi", tt.answers, NoSex)
		if r.Total != tt.total || r.Positive != tt.positive || r.Domains == nil || *r.Domains != tt.domains {
			t.Errorf("fsfi %s: total %v positive %v domains %+v; want %v %v %+v",
				tt.name, r.Total, r.Positive, r.Domains, tt.total, tt.positive, tt.domains)
		}
	}
}

// TestASEX checks its three rules. The total rule (19 or more) never holds
// alone: five items of at most 4 with at most two 4s sum to 17 at most.
func TestASEX(t *testing.T) {
	tests := []struct {
		answers  []int
		positive bool
	}{
		{[]int{1, 1, 1, 1, 1}, false},
		{[]int{4, 4, 3, 3, 3}, false}, // 17, two items of 4
		{[]int{4, 4, 4, 4, 3}, true},  // 19
		{[]int{5, 1, 1, 1, 1}, true},  // an item of 5
		{[]int{1, 1, 1, 1, 6}, true},  // an item of 6
		{[]int{4, 4, 4, 1, 1}, true},  // three items of 4
		{[]int{4, 1, 4, 1, 1}, false}, // two items of 4
		{[]int{6, 6, 6, 6, 6}, true},
	}
	for _, tt := range tests {
		r := mustScore(t, "asex", tt.answers, NoSex)
		if r.Positive != tt.positive {
			t.Errorf("asex %v: positive %v; want %v", tt.answers, r.Positive, tt.positive)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		id      string
		answers []int
		sex     Sex
		field   string
		msg     string
	}{
		{"phq9", []int{0}, NoSex, "instrument",
			`instrument: unknown instrument "phq9"; use one of phq-9, gad-7, audit-c, audit, iief-5, pedt, fsfi, asex`},
		{"phq-9", make([]int, 9), "other", "sex", `sex: unknown sex "other"; use female or male, or give none`},
		{"phq-9", make([]int, 8), NoSex, "answers", "answers: PHQ-9 has 9 items; got 8 answers"},
		{"fsfi", nil, NoSex, "answers", "answers: FSFI has 19 items; got 0 answers"},
		{"phq-9", []int{0, 0, 4, 0, 0, 0, 0, 0, 0}, NoSex, "item 3",
			"item 3: 4 is out of range; PHQ-9 item 3 takes 0 to 3"},
		{"gad-7", []int{0, 0, 0, 0, 0, 0, -1}, NoSex, "item 7",
			"item 7: -1 is out of range; GAD-7 item 7 takes 0 to 3"},
		{"iief-5", []int{0, 1, 1, 1, 1}, NoSex, "item 1",
			"item 1: 0 is out of range; IIEF-5 item 1 takes 1 to 5"},
		{"fsfi", []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 5, 5, 5, 5}, NoSex, "item 15",
			"item 15: 0 is out of range; FSFI item 15 takes 1 to 5"},
		{"asex", []int{1, 1, 1, 1, 7}, NoSex, "item 5",
			"item 5: 7 is out of range; ASEX item 5 takes 1 to 6"},
		{"audit", []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, NoSex, "item 9",
			"item 9: 1 is not allowed; AUDIT item 9 takes only 0, 2 or 4"},
		{"audit", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 3}, NoSex, "item 10",
			"item 10: 3 is not allowed; AUDIT item 10 takes only 0, 2 or 4"},
		{"audit", []int{0, 0, 0, 0, 0, 0, 0, 5, 0, 0}, NoSex, "item 8",
			"item 8: 5 is out of range; AUDIT item 8 takes 0 to 4"},
	}
	for _, tt := range tests {
		r, err := Score(tt.id, tt.answers, tt.sex)
		var e *certboard.Error
		if r != nil || !errors.As(err, &e) {
			t.Errorf("%s %v: %v, %v; want an error", tt.id, tt.answers, r, err)
			continue
		}
		if e.Code != certboard.Invalid || e.Field != tt.field || e.Message != tt.msg {
			t.Errorf("%s %v: %s %q %q; want invalid %q %q", tt.id, tt.answers, e.Code, e.Field, e.Message, tt.field, tt.msg)
		}
	}
}

func TestParseSex(t *testing.T) {
	for _, s := range []string{"", "female", "male"} {
		if got, err := ParseSex(s); err != nil || string(got) != s {
			t.Errorf("ParseSex(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseSex("Male"); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("ParseSex(Male): %v; want invalid", err)
	}
}

func TestInstrumentsData(t *testing.T) {
	if got := len(Instruments()); got != 8 {
		t.Fatalf("%d instruments; want 8", got)
	}
	ships := map[string]bool{"phq-9": true, "gad-7": true, "audit-c": true, "audit": true}
	for _, in := range Instruments() {
		if in.Name == "" || in.Measures == "" || in.Positive == "" || in.Source == "" || in.Licence == "" || in.score == nil {
			t.Errorf("%s: incomplete: %+v", in.ID, in)
		}
		if in.ShipsItems != ships[in.ID] {
			t.Errorf("%s: ShipsItems %v", in.ID, in.ShipsItems)
		}
	}
	// Lookup returns a copy.
	a, _ := Lookup("audit")
	a.Items[8].Allowed[0] = 1
	if b, _ := Lookup("audit"); b.Items[8].Allowed[0] != 0 {
		t.Error("Lookup shares its data")
	}
}

// FuzzScore checks that Score never panics and returns either a result or
// an error, and that a result is well formed.
func FuzzScore(f *testing.F) {
	f.Add("phq-9", []byte{0, 1, 2, 3, 0, 1, 2, 3, 1}, "")
	f.Add("audit", []byte{4, 4, 4, 4, 4, 4, 4, 4, 2, 1}, "male")
	f.Add("fsfi", []byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0}, "female")
	f.Add("asex", []byte{6, 6, 255, 1, 1}, "x")
	f.Fuzz(func(t *testing.T, id string, data []byte, sex string) {
		answers := make([]int, len(data))
		for i, b := range data {
			answers[i] = int(int8(b))
		}
		r, err := Score(id, answers, Sex(sex))
		if (r == nil) == (err == nil) {
			t.Fatalf("Score(%q, %v, %q) = %v, %v", id, answers, sex, r, err)
		}
		if err != nil {
			if certboard.ErrorCode(err) != certboard.Invalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		in, _ := Lookup(id)
		if r.Flags == nil || (len(in.Bands) > 0) != (r.Band != "") || (id == "fsfi") != (r.Domains != nil) {
			t.Fatalf("malformed result %+v", r)
		}
	})
}

func TestFlagsSoFar(t *testing.T) {
	v := func(n int) *int { return &n }
	tests := []struct {
		id      string
		answers []*int
		flags   []string
	}{
		// PHQ-9 item 9 above 0 raises self-harm before anything else is
		// answered; 0, or item 9 not answered yet, raises nothing.
		{"phq-9", []*int{nil, nil, nil, nil, nil, nil, nil, nil, v(1)}, []string{FlagSelfHarm}},
		{"phq-9", []*int{v(0), nil, nil, nil, nil, nil, nil, nil, v(3)}, []string{FlagSelfHarm}},
		{"phq-9", []*int{v(3), v(3), v(3), nil, nil, nil, nil, nil, v(0)}, []string{}},
		{"phq-9", []*int{v(3), v(3), v(3), v(3), v(3), v(3), v(3), v(3), nil}, []string{}},
		{"phq-9", make([]*int, 9), []string{}},
		// AUDIT: items 4-6 answered so far sum to 4 or more.
		{"audit", []*int{nil, nil, nil, v(2), v(2), nil, nil, nil, nil, nil}, []string{FlagDependence}},
		{"audit", []*int{nil, nil, nil, v(1), v(2), nil, nil, nil, nil, nil}, []string{}},
		{"gad-7", []*int{v(3), v(3), v(3), v(3), v(3), v(3), nil}, []string{}},
	}
	for _, tt := range tests {
		got, err := FlagsSoFar(tt.id, tt.answers)
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		if !slices.Equal(got, tt.flags) || got == nil {
			t.Errorf("%s %v: flags %#v, want %#v", tt.id, tt.answers, got, tt.flags)
		}
	}
	if _, err := FlagsSoFar("phq-9", []*int{v(4), nil, nil, nil, nil, nil, nil, nil, nil}); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("an answer out of range: %v", err)
	}
	if _, err := FlagsSoFar("phq-9", make([]*int, 8)); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("eight answers to PHQ-9: %v", err)
	}
	if _, err := FlagsSoFar("nope", nil); certboard.ErrorCode(err) != certboard.Invalid {
		t.Errorf("an unknown instrument: %v", err)
	}
}

// TestFlagsRiseWithAnswers checks what FlagsSoFar rests on: raising any
// one answer of any instrument never drops a flag.
func TestFlagsRiseWithAnswers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, id := range IDs() {
		in, _ := Lookup(id)
		for range 500 {
			a := make([]int, len(in.Items))
			for i, it := range in.Items {
				a[i] = it.Allowed[rng.IntN(len(it.Allowed))]
			}
			before := mustScore(t, id, a, NoSex).Flags
			i := rng.IntN(len(a))
			al := in.Items[i].Allowed
			k := slices.Index(al, a[i])
			if k == len(al)-1 {
				continue
			}
			a[i] = al[k+1+rng.IntN(len(al)-k-1)]
			after := mustScore(t, id, a, NoSex).Flags
			for _, f := range before {
				if !slices.Contains(after, f) {
					t.Fatalf("%s: raising item %d to %d dropped the %s flag (%v)", id, i+1, a[i], f, a)
				}
			}
		}
	}
}
