package chart

import (
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard/practice/measure"
)

func TestValueTicks(t *testing.T) {
	want := map[string][]string{
		"phq-9":   {"0", "5", "10", "15", "20", "27"},
		"gad-7":   {"0", "5", "10", "15", "21"},
		"audit-c": {"0", "2", "4", "6", "8", "10", "12"},
		"audit":   {"0", "10", "20", "30", "40"},
		"iief-5":  {"5", "10", "15", "20", "25"},
		"pedt":    {"0", "5", "10", "15", "20"},
		"fsfi":    {"2", "10", "20", "30", "36"},
		"asex":    {"5", "10", "15", "20", "25", "30"},
	}
	for _, in := range measure.Instruments() {
		var got []string
		for _, tk := range valueTicks(in.Range()) {
			got = append(got, tk.label)
		}
		if !slices.Equal(got, want[in.ID]) {
			t.Errorf("%s: ticks %v; want %v", in.ID, got, want[in.ID])
		}
	}
}

func TestNewWindow(t *testing.T) {
	day := 24 * time.Hour
	t0 := on(t, "2026-03-02")
	if _, ok := newWindow(); ok {
		t.Error("a window of no times")
	}
	if _, ok := newWindow(time.Time{}, time.Time{}); ok {
		t.Error("a window of zero times")
	}
	tests := []struct {
		name     string
		times    []time.Time
		from, to time.Time
	}{
		{"one moment: three days either side", []time.Time{t0}, t0.Add(-3 * day), t0.Add(3 * day)},
		{"the same moment twice", []time.Time{t0, t0, {}}, t0.Add(-3 * day), t0.Add(3 * day)},
		{"a span: a 25th either side", []time.Time{t0.Add(100 * day), {}, t0}, t0.Add(-4 * day), t0.Add(104 * day)},
		{"a short span: half a day", []time.Time{t0, t0.Add(2 * day)}, t0.Add(-12 * time.Hour), t0.Add(2*day + 12*time.Hour)},
	}
	for _, tt := range tests {
		w, ok := newWindow(tt.times...)
		if !ok || !w.from.Equal(tt.from) || !w.to.Equal(tt.to) {
			t.Errorf("%s: %v to %v, %v; want %v to %v", tt.name, w.from, w.to, ok, tt.from, tt.to)
		}
	}
	w := window{from: t0, to: t0.Add(10 * day)}
	if w.at(t0) != 0 || w.at(t0.Add(10*day)) != 1 || w.at(t0.Add(day)) != 0.1 {
		t.Errorf("at: %v %v %v", w.at(t0), w.at(t0.Add(10*day)), w.at(t0.Add(day)))
	}
}

func TestTimeTicks(t *testing.T) {
	midnight := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"a week: every other day", midnight("2026-02-27"), midnight("2026-03-05").Add(time.Hour),
			[]string{"27 Feb", "1 Mar", "3 Mar", "5 Mar"}},
		{"a day of the window's start is not marked before it", midnight("2026-03-02").Add(time.Hour), midnight("2026-03-05"),
			[]string{"3 Mar", "4 Mar", "5 Mar"}},
		{"three weeks: weekly", midnight("2026-05-10"), midnight("2026-05-31"),
			[]string{"10 May", "17 May", "24 May", "31 May"}},
		{"62 days: still days", midnight("2026-01-01"), midnight("2026-03-04"),
			[]string{"1 Jan", "15 Jan", "29 Jan", "12 Feb", "26 Feb"}},
		{"just over 62 days: months", midnight("2026-01-01"), midnight("2026-03-04").Add(time.Hour),
			[]string{"Jan 2026", "Feb", "Mar"}},
		{"nine months: every other month", midnight("2026-02-20"), midnight("2026-12-01"),
			[]string{"Mar 2026", "May", "Jul", "Sep", "Nov"}},
		{"over a new year: January has its year", midnight("2026-10-15"), midnight("2027-02-15"),
			[]string{"Nov 2026", "Dec", "Jan 2027", "Feb"}},
		{"two years: every six months", midnight("2026-01-10"), midnight("2027-08-20"),
			[]string{"Jul 2026", "Jan 2027", "Jul"}},
		{"ten years: every other year", midnight("2020-06-01"), midnight("2030-06-01"),
			[]string{"2022", "2024", "2026", "2028", "2030"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range timeTicks(window{tt.from, tt.to}, 5) {
			got = append(got, tk.label)
			if tk.at.Before(tt.from) || tk.at.After(tt.to) {
				t.Errorf("%s: tick %v outside the window", tt.name, tk.at)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v; want %v", tt.name, got, tt.want)
		}
	}
	// In the window's own location: midnight in New York, not in UTC.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	from := time.Date(2026, 3, 1, 12, 0, 0, 0, ny)
	ts := timeTicks(window{from, from.Add(30 * time.Hour)}, 5)
	if len(ts) != 1 || !ts[0].at.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, ny)) || ts[0].label != "2 Mar" {
		t.Errorf("New York ticks %+v", ts)
	}
}
