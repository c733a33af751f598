package measure

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestRange(t *testing.T) {
	want := map[string]Range{
		"phq-9":   {0, 27, 1},
		"gad-7":   {0, 21, 1},
		"audit-c": {0, 12, 1},
		"audit":   {0, 40, 1},
		"iief-5":  {5, 25, 1},
		"pedt":    {0, 20, 1},
		"fsfi":    {2, 36, 0.1},
		"asex":    {5, 30, 1},
	}
	for _, in := range Instruments() {
		if got := in.Range(); got != want[in.ID] {
			t.Errorf("%s: Range() = %+v; want %+v", in.ID, got, want[in.ID])
		}
		// The bands, where there are any, run from Min to Max.
		if n := len(in.Bands); n > 0 {
			r := in.Range()
			if float64(in.Bands[0].Min) != r.Min || float64(in.Bands[n-1].Max) != r.Max {
				t.Errorf("%s: bands %d-%d; range %v-%v", in.ID, in.Bands[0].Min, in.Bands[n-1].Max, r.Min, r.Max)
			}
		}
	}
	if got := (Instrument{ID: "phq-9"}).Range(); got != (Range{}) {
		t.Errorf("an instrument not from Lookup: Range() = %+v; want zero", got)
	}
}

// TestCutoffAgreesWithScore scores a total on each side of every cutoff
// and checks that Score's positive agrees with it.
func TestCutoffAgreesWithScore(t *testing.T) {
	for _, in := range Instruments() {
		for _, sex := range []Sex{NoSex, Female, Male} {
			c, ok := in.Cutoff(sex)
			if !ok {
				t.Fatalf("%s: no cutoff", in.ID)
			}
			if in.ID == "fsfi" {
				continue // weighted; TestFSFICutoff
			}
			first := int(c.Total) // the first positive total
			last := first - 1     // the last negative total
			if c.AtMost {
				last = first + 1
			}
			if got := mustScore(t, in.ID, answersFor(t, in, first), sex); !got.Positive {
				t.Errorf("%s %q: total %d is not positive; Cutoff %+v", in.ID, sex, first, c)
			}
			if c.Partial {
				continue // answers can make any total positive
			}
			if got := mustScore(t, in.ID, answersFor(t, in, last), sex); got.Positive {
				t.Errorf("%s %q: total %d is positive; Cutoff %+v", in.ID, sex, last, c)
			}
		}
	}
	if _, ok := (Instrument{ID: "phq9"}).Cutoff(NoSex); ok {
		t.Error("an unknown instrument has a cutoff")
	}
}

// TestCutoffByInstrument pins each cutoff, the two AUDIT-C ones and the
// direction and partiality of each.
func TestCutoffByInstrument(t *testing.T) {
	tests := []struct {
		id   string
		sex  Sex
		want Cutoff
	}{
		{"phq-9", NoSex, Cutoff{Total: 10}},
		{"gad-7", Male, Cutoff{Total: 10}},
		{"audit-c", NoSex, Cutoff{Total: 3}},
		{"audit-c", Female, Cutoff{Total: 3}},
		{"audit-c", Male, Cutoff{Total: 4}},
		{"audit", NoSex, Cutoff{Total: 8}},
		{"iief-5", NoSex, Cutoff{Total: 21, AtMost: true}},
		{"pedt", NoSex, Cutoff{Total: 11}},
		{"fsfi", Female, Cutoff{Total: 26.55, AtMost: true}},
		{"asex", NoSex, Cutoff{Total: 19, Partial: true}},
	}
	for _, tt := range tests {
		in, _ := Lookup(tt.id)
		if got, _ := in.Cutoff(tt.sex); got != tt.want {
			t.Errorf("%s %q: Cutoff = %+v; want %+v", tt.id, tt.sex, got, tt.want)
		}
	}
	// The rule in words names every cutoff the data holds.
	for _, in := range Instruments() {
		if _, ok := in.Cutoffs[NoSex]; !ok {
			t.Errorf("%s: no cutoff for NoSex", in.ID)
		}
		for sex, c := range in.Cutoffs {
			if !strings.Contains(in.Positive, strconv.FormatFloat(c.Total, 'f', -1, 64)) {
				t.Errorf("%s %q: Positive %q does not name the cutoff %v", in.ID, sex, in.Positive, c.Total)
			}
		}
	}
	// Each Lookup is the caller's own: changing its cutoffs changes no
	// other's, nor what Score applies.
	in, _ := Lookup("phq-9")
	in.Cutoffs[NoSex] = Cutoff{Total: 1}
	if again, _ := Lookup("phq-9"); again.Cutoffs[NoSex].Total != 10 {
		t.Error("Lookup shares its cutoffs")
	}
	if r := mustScore(t, "phq-9", answersFor(t, in, 9), NoSex); r.Positive {
		t.Error("a caller's change to its copy changed Score")
	}
}

// TestFSFICutoff checks FSFI's cutoff against Score on the totals on
// either side of it: 26.5 is positive and 26.6 is not.
func TestFSFICutoff(t *testing.T) {
	in, _ := Lookup("fsfi")
	c, _ := in.Cutoff(Female)
	for _, tt := range []struct {
		answers []int
		total   float64
	}{
		{[]int{5, 5, 0, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 5, 5, 5, 0, 5, 5}, 26.5},
		{[]int{4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 5, 5, 5, 0, 3, 5}, 26.6},
	} {
		r := mustScore(t, "fsfi", tt.answers, Female)
		if r.Total != tt.total || r.Positive != (r.Total <= c.Total) {
			t.Errorf("fsfi total %v positive %v; cutoff %+v", r.Total, r.Positive, c)
		}
	}
}

func TestBandOf(t *testing.T) {
	phq, _ := Lookup("phq-9")
	fsfi, _ := Lookup("fsfi")
	tests := []struct {
		in    Instrument
		total float64
		id    string
		ok    bool
	}{
		{phq, 0, "minimal", true},
		{phq, 4, "minimal", true},
		{phq, 5, "mild", true},
		{phq, 19, "moderately_severe", true},
		{phq, 20, "severe", true},
		{phq, 27, "severe", true},
		{phq, -1, "", false},
		{phq, 28, "", false},
		{phq, math.NaN(), "", false},
		{fsfi, 20, "", false}, // no bands
	}
	for _, tt := range tests {
		b, ok := tt.in.BandOf(tt.total)
		if b.ID != tt.id || ok != tt.ok {
			t.Errorf("%s BandOf(%v) = %q, %v; want %q, %v", tt.in.ID, tt.total, b.ID, ok, tt.id, tt.ok)
		}
	}
	// BandOf agrees with Score on every total of every banded instrument.
	for _, in := range Instruments() {
		if len(in.Bands) == 0 {
			continue
		}
		r := in.Range()
		for total := int(r.Min); total <= int(r.Max); total++ {
			b, _ := in.BandOf(float64(total))
			got := mustScore(t, in.ID, answersFromEnd(in, total), NoSex)
			if got.Total != float64(total) {
				t.Fatalf("%s: answers for %d total %v", in.ID, total, got.Total)
			}
			if got.Band != b.ID {
				t.Errorf("%s %d: Score band %q; BandOf %q", in.ID, total, got.Band, b.ID)
			}
		}
	}
}

func TestBandLabel(t *testing.T) {
	for _, in := range Instruments() {
		for _, b := range in.Bands {
			if _, ok := bandLabels[b.ID]; !ok {
				t.Errorf("%s: band %s has no label", in.ID, b.ID)
			}
		}
	}
	for id, want := range map[string]string{
		"moderately_severe": "moderately severe",
		"zone_2":            "zone II",
		"none":              "no ED",
		"probable_pe":       "probable PE",
		"unknown_band":      "unknown_band",
	} {
		if got := (Band{ID: id}).Label(); got != want {
			t.Errorf("Band %s: Label() = %q; want %q", id, got, want)
		}
	}
}

// answersFromEnd returns answers to in that sum to total, filling items
// from the last with the largest value each allows (so that AUDIT's items
// 9 and 10, which allow only 0, 2 or 4, come first and items 1-8 make up
// any total). It does not check the sum; Score's total does.
func answersFromEnd(in Instrument, total int) []int {
	out := make([]int, len(in.Items))
	left := total - minRest(in.Items)
	for i := len(in.Items) - 1; i >= 0; i-- {
		it := in.Items[i]
		out[i] = it.Allowed[0]
		for _, a := range it.Allowed {
			if a-it.Allowed[0] <= left {
				out[i] = a
			}
		}
		left -= out[i] - it.Allowed[0]
	}
	return out
}
