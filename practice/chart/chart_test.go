package chart

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// on returns noon UTC of a YYYY-MM-DD day.
func on(t testing.TB, day string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour)
}

// pt returns a completed point.
func pt(t testing.TB, day string, total float64, positive bool, flags ...string) Point {
	t.Helper()
	return Point{At: on(t, day), Total: total, Positive: positive, Flags: flags, Status: Completed}
}

func mustNew(t testing.TB, s Series) *Chart {
	t.Helper()
	c, err := New(s)
	if err != nil {
		t.Fatalf("New(%s): %v", s.Instrument, err)
	}
	return c
}

func TestParseStatus(t *testing.T) {
	for _, s := range []Status{Completed, Amended, InProgress, Stopped, EnteredInError} {
		if got, err := ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "final", "Completed", "entered_in_error"} {
		_, err := ParseStatus(s)
		e := certboard.As(err)
		if e == nil || e.Code != certboard.Invalid || e.Field != "status" {
			t.Errorf("ParseStatus(%q): %v; want invalid status", s, err)
		}
	}
	scored := map[Status]bool{Completed: true, Amended: true}
	for _, s := range statuses {
		if s.Scored() != scored[s] {
			t.Errorf("%s.Scored() = %v", s, s.Scored())
		}
	}
}

func TestNewRefuses(t *testing.T) {
	good := pt(t, "2026-03-02", 12, true)
	with := func(f func(*Point)) []Point {
		p := good
		f(&p)
		return []Point{good, p}
	}
	tests := []struct {
		name   string
		series Series
		field  string
		msg    string
	}{
		{"unknown instrument", Series{Instrument: "PHQ-9"}, "instrument",
			`instrument: unknown instrument "PHQ-9"; use one of phq-9, gad-7, audit-c, audit, iief-5, pedt, fsfi, asex`},
		{"unknown sex", Series{Instrument: "audit-c", Sex: "m"}, "sex",
			`sex: unknown sex "m"; use female or male, or give none`},
		{"no status", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Status = "" })}, "point 2",
			`point 2: unknown status ""; use one of completed, amended, in-progress, stopped, entered-in-error`},
		{"unknown status", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Status = "final" })}, "point 2",
			`point 2: unknown status "final"; use one of completed, amended, in-progress, stopped, entered-in-error`},
		{"no date", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.At = time.Time{} })}, "point 2",
			"point 2: no date; give when the response was completed"},
		{"a mistyped year", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.At = on(t, "0206-03-01") })}, "point 2",
			"point 2: the date 0206-03-01 is not in the years 1900 to 2200; check the year"},
		{"the day before 1900", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.At = on(t, "1899-12-31") })}, "point 2",
			"point 2: the date 1899-12-31 is not in the years 1900 to 2200; check the year"},
		{"the day after 2200", Series{Instrument: "phq-9", Points: []Point{pt(t, "2201-01-01", 3, false), good}}, "point 1",
			"point 1: the date 2201-01-01 is not in the years 1900 to 2200; check the year"},
		{"an amended point's year", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.At, p.Status = on(t, "2620-03-01"), Amended })}, "point 2",
			"point 2: the date 2620-03-01 is not in the years 1900 to 2200; check the year"},
		{"above the range", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Total = 28 })}, "point 2",
			"point 2: PHQ-9 cannot give a total of 28; its totals run from 0 to 27"},
		{"below the range", Series{Instrument: "iief-5", Points: []Point{pt(t, "2026-03-02", 4, true)}}, "point 1",
			"point 1: IIEF-5 cannot give a total of 4; its totals run from 5 to 25"},
		{"between totals", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Total = 12.5 })}, "point 2",
			"point 2: PHQ-9 cannot give a total of 12.5; its totals run from 0 to 27"},
		{"between FSFI's tenths", Series{Instrument: "fsfi", Points: []Point{pt(t, "2026-03-02", 19.85, true)}}, "point 1",
			"point 1: FSFI cannot give a total of 19.85; its totals run from 2 to 36"},
		{"not a number", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Total = math.NaN() })}, "point 2",
			"point 2: PHQ-9 cannot give a total of NaN; its totals run from 0 to 27"},
		{"infinite", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Total = math.Inf(1) })}, "point 2",
			"point 2: PHQ-9 cannot give a total of +Inf; its totals run from 0 to 27"},
		{"empty flag", Series{Instrument: "phq-9", Points: with(func(p *Point) { p.Flags = []string{"self-harm", ""} })}, "point 2",
			"point 2: an empty flag; leave it out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.series)
			var e *certboard.Error
			if c != nil || !errors.As(err, &e) {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if e.Code != certboard.Invalid || e.Field != tt.field || e.Message != tt.msg {
				t.Errorf("got %s %q %q;\nwant invalid %q %q", e.Code, e.Field, e.Message, tt.field, tt.msg)
			}
		})
	}
}

// TestNewAccepts checks the totals at both ends of every instrument's
// range and FSFI's tenths, and that a response that is not scored is not
// checked at all (an in-progress response has no total or date yet).
func TestNewAccepts(t *testing.T) {
	for _, in := range measure.Instruments() {
		r := in.Range()
		mustNew(t, Series{Instrument: in.ID, Points: []Point{
			pt(t, "2026-03-02", r.Min, false), pt(t, "2026-03-03", r.Max, false),
		}})
	}
	mustNew(t, Series{Instrument: "fsfi", Points: []Point{pt(t, "2026-03-02", 26.5, true), pt(t, "2026-03-03", 26.6, false)}})
	// The first and last days of the years allowed, each in its own
	// location (2200-12-31 at 22:00 in UTC-5 is 2201 in UTC).
	late := time.Date(2200, 12, 31, 22, 0, 0, 0, time.FixedZone("UTC-5", -5*3600))
	mustNew(t, Series{Instrument: "phq-9", Points: []Point{pt(t, "1900-01-01", 3, false), {At: late, Total: 4, Status: Completed}}})
	c := mustNew(t, Series{Instrument: "phq-9", Points: []Point{
		{Status: InProgress, Total: math.NaN()},
		{Status: Stopped, Total: 99, Flags: []string{""}},
		{Status: EnteredInError, Total: -1, At: on(t, "0206-03-01")},
		pt(t, "2026-03-02", 12, true),
	}})
	if got := len(c.Rows()); got != 1 {
		t.Errorf("%d rows; want only the completed one", got)
	}
}

// TestLeavesOut checks that only completed and amended responses are
// shown, in the rows, the summary and the SVG.
func TestLeavesOut(t *testing.T) {
	points := []Point{
		pt(t, "2026-03-02", 18, true, measure.FlagSelfHarm),
		{At: on(t, "2026-03-09"), Total: 27, Positive: true, Flags: []string{"error-flag"}, Status: EnteredInError},
		{At: on(t, "2026-03-16"), Total: 3, Status: InProgress},
		{At: on(t, "2026-03-23"), Total: 2, Status: Stopped},
		{At: on(t, "2026-03-30"), Total: 9, Status: Amended},
	}
	c := mustNew(t, Series{Instrument: "phq-9", Points: points})
	rows := c.Rows()
	if len(rows) != 2 || rows[0].Score != "18" || rows[1].Score != "9" || !rows[1].Amended || rows[0].Amended {
		t.Errorf("rows %+v; want 18 and 9 (amended)", rows)
	}
	want := "PHQ-9 from 18 (moderately severe) on 2026-03-02 to 9 (mild) on 2026-03-30, 2 scores; self-harm flagged on 2026-03-02"
	if got := c.Summary(); got != want {
		t.Errorf("Summary() = %q;\nwant %q", got, want)
	}
	svg := render(t, c, Options{})
	if n := countMarks(t, svg); n != 2 {
		t.Errorf("%d points drawn; want 2", n)
	}
	for _, s := range []string{"2026-03-09", "2026-03-16", "2026-03-23", "error-flag"} {
		if contains(svg, s) {
			t.Errorf("the SVG shows %s, of a response that is not scored", s)
		}
	}
}

func TestSortsByTime(t *testing.T) {
	a := pt(t, "2026-05-01", 5, false)
	b := pt(t, "2026-05-01", 6, false) // the same moment: kept in the order given
	c := pt(t, "2026-01-01", 7, false)
	d := pt(t, "2026-03-01", 8, false)
	ch := mustNew(t, Series{Instrument: "gad-7", Points: []Point{a, b, c, d}})
	var got []string
	for _, r := range ch.Rows() {
		got = append(got, r.Score)
	}
	if want := []string{"7", "8", "5", "6"}; !slices.Equal(got, want) {
		t.Errorf("rows %v; want %v", got, want)
	}
}

func TestRows(t *testing.T) {
	// A response late in the evening in New York is dated there, not in UTC.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	late := time.Date(2026, 3, 2, 23, 30, 0, 0, ny)
	flags := []string{measure.FlagSelfHarm}
	c := mustNew(t, Series{Instrument: "phq-9", Points: []Point{
		{At: late, Total: 27, Positive: true, Flags: flags, Status: Completed},
		{At: late.Add(24 * time.Hour), Total: 0, Status: Amended},
	}})
	flags[0] = "changed" // the chart keeps its own copy
	want := []Row{
		{At: late, Date: "2026-03-02", Total: 27, Score: "27", Band: "severe", Positive: true, Flags: []string{"self-harm"}},
		{At: late.Add(24 * time.Hour), Date: "2026-03-03", Total: 0, Score: "0", Band: "minimal", Flags: []string{}, Amended: true},
	}
	rows := c.Rows()
	if len(rows) != len(want) {
		t.Fatalf("%d rows; want %d", len(rows), len(want))
	}
	for i, r := range rows {
		w := want[i]
		if !r.At.Equal(w.At) || r.Date != w.Date || r.Total != w.Total || r.Score != w.Score || r.Band != w.Band ||
			r.Positive != w.Positive || !slices.Equal(r.Flags, w.Flags) || r.Amended != w.Amended {
			t.Errorf("row %d: %+v;\nwant %+v", i, r, w)
		}
	}
	rows[0].Flags[0] = "changed"
	if c.Rows()[0].Flags[0] != "self-harm" {
		t.Error("Rows shares the chart's flags")
	}
	// FSFI: tenths, and no band.
	f := mustNew(t, Series{Instrument: "fsfi", Points: []Point{pt(t, "2026-03-02", 26.5, true)}})
	if r := f.Rows()[0]; r.Score != "26.5" || r.Band != "" || !r.Positive {
		t.Errorf("fsfi row %+v", r)
	}
	if rows := mustNew(t, Series{Instrument: "phq-9"}).Rows(); rows == nil || len(rows) != 0 {
		t.Errorf("no points: rows %#v; want empty", rows)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name   string
		series Series
		want   string
	}{
		{"no scores", Series{Instrument: "phq-9"}, "PHQ-9: no scores yet"},
		{"only a response in progress", Series{Instrument: "gad-7", Points: []Point{{Status: InProgress}}},
			"GAD-7: no scores yet"},
		{"one score", Series{Instrument: "phq-9", Points: []Point{pt(t, "2026-03-02", 12, true)}},
			"PHQ-9: one score, 12 (moderate) on 2026-03-02"},
		{"the brief's example", Series{Instrument: "phq-9", Points: []Point{
			pt(t, "2026-11-20", 7, false), pt(t, "2026-03-02", 18, true), pt(t, "2026-05-02", 15, true),
			pt(t, "2026-07-02", 12, true), pt(t, "2026-09-02", 9, false), pt(t, "2026-10-02", 8, false),
		}}, "PHQ-9 from 18 (moderately severe) on 2026-03-02 to 7 (mild) on 2026-11-20, 6 scores"},
		{"no bands: positive said", Series{Instrument: "fsfi", Points: []Point{
			pt(t, "2026-01-10", 19.8, true), pt(t, "2026-06-01", 26.6, false),
		}}, "FSFI from 19.8 (positive) on 2026-01-10 to 26.6 on 2026-06-01, 2 scores"},
		{"flags on up to three days", Series{Instrument: "phq-9", Points: []Point{
			pt(t, "2026-03-02", 3, false, "self-harm"), pt(t, "2026-03-02", 4, false, "self-harm"),
			pt(t, "2026-03-09", 3, false, "self-harm"), pt(t, "2026-03-16", 3, false, "self-harm"),
		}}, "PHQ-9 from 3 (minimal) on 2026-03-02 to 3 (minimal) on 2026-03-16, 4 scores; self-harm flagged on 2026-03-02, 2026-03-09 and 2026-03-16"},
		{"flags on more days", Series{Instrument: "audit", Points: []Point{
			pt(t, "2026-03-02", 4, false, "dependence"), pt(t, "2026-03-09", 4, false, "dependence", "other"),
			pt(t, "2026-03-16", 4, false, "dependence"), pt(t, "2026-03-23", 20, true, "dependence"),
		}}, "AUDIT from 4 (zone I) on 2026-03-02 to 20 (zone IV) on 2026-03-23, 4 scores; dependence flagged on 4 days, last on 2026-03-23; other flagged on 2026-03-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustNew(t, tt.series).Summary(); got != tt.want {
				t.Errorf("Summary() =\n%q; want\n%q", got, tt.want)
			}
		})
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		id   string
		sex  measure.Sex
		want string
	}{
		{"phq-9", "", "Scale 0 to 27; bands minimal 0-4, mild 5-9, moderate 10-14, moderately severe 15-19, severe 20-27; positive at 10 or more"},
		{"iief-5", "", "Scale 5 to 25; bands severe 5-7, moderate 8-11, mild to moderate 12-16, mild 17-21, no ED 22-25; positive at 21 or less"},
		{"fsfi", measure.Female, "Scale 2 to 36; positive at 26.55 or less"},
		{"asex", "", "Scale 5 to 30; positive at 19 or more, or by single answers"},
		{"audit-c", measure.Male, "Scale 0 to 12; positive at 4 or more"},
		{"audit-c", measure.Female, "Scale 0 to 12; positive at 3 or more"},
		{"audit-c", measure.NoSex, "Scale 0 to 12; positive at 3 or more"},
	}
	for _, tt := range tests {
		if got := mustNew(t, Series{Instrument: tt.id, Sex: tt.sex}).Scale(); got != tt.want {
			t.Errorf("%s %q: Scale() =\n%q; want\n%q", tt.id, tt.sex, got, tt.want)
		}
	}
}

func TestScoreAndNumber(t *testing.T) {
	for v, want := range map[float64]string{0: "0", math.Copysign(0, -1): "0", 18: "18", 26.5: "26.5", 26.55: "26.55", 19.800000000000001: "19.8", -0.004: "0"} {
		if got := score(v); got != want {
			t.Errorf("score(%v) = %q; want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{134.666: "134.7", 12: "12", -0.04: "0", 26.55: "26.6"} {
		if got := number(v); got != want {
			t.Errorf("number(%v) = %q; want %q", v, got, want)
		}
	}
}
