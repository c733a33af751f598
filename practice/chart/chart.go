// Package chart draws a client's scores on one screening instrument over
// time as an SVG chart rendered on the server, for the pages of practice
// mode: readable without JavaScript, scaled to the width of a phone, in
// the page's text colour (so forced-colors and high-contrast modes apply),
// with no meaning carried by colour alone. The y axis runs over the
// instrument's range with its bands shaded and named and its positive
// threshold drawn and labelled (all from practice/measure); the x axis is
// scaled by time. Every chart comes with a summary in words (its <title>
// and <desc>) and the same data as rows for an HTML table.
//
// New checks a series once; a Chart then renders without further errors
// but for its Options. The package is pure: no I/O, no clock.
package chart

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// Status is where a response stands, in the terms of FHIR's
// QuestionnaireResponse.status. Only completed and amended responses are
// scored, and so drawn.
type Status string

// The statuses of a response.
const (
	// Completed is a response finished and scored.
	Completed Status = "completed"
	// Amended is a completed response changed since; its score stands
	// and it is drawn, marked amended. Practice mode never produces it: a
	// scored response never changes there (a correction marks it
	// EnteredInError and records a new response). It is accepted because
	// FHIR has it, for responses that come from elsewhere.
	Amended Status = "amended"
	// InProgress is a response not finished; it has no score.
	InProgress Status = "in-progress"
	// Stopped is a response abandoned before it was finished.
	Stopped Status = "stopped"
	// EnteredInError is a response recorded by mistake; it is never shown.
	EnteredInError Status = "entered-in-error"
)

var statuses = []Status{Completed, Amended, InProgress, Stopped, EnteredInError}

// ParseStatus reads a status; anything else is an Invalid
// *certboard.Error naming the field "status".
func ParseStatus(s string) (Status, error) {
	if slices.Contains(statuses, Status(s)) {
		return Status(s), nil
	}
	return "", certboard.FieldError(certboard.Invalid, "status", unknownStatus(s))
}

// unknownStatus says how to fix the status s.
func unknownStatus(s string) string {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = string(st)
	}
	return fmt.Sprintf("unknown status %q; use one of %s", s, strings.Join(names, ", "))
}

// Scored says whether a response of this status has a score to show.
func (s Status) Scored() bool { return s == Completed || s == Amended }

// Point is one response to the instrument, as stored: its score is what
// measure.Score returned for it.
type Point struct {
	// At is when the response was completed. Its date is shown in At's
	// location, so a caller gives it in the practice's time zone.
	At time.Time
	// Total, Positive and Flags are the measure.Result's; they matter
	// only for a response that is Scored.
	Total    float64
	Positive bool
	Flags    []string
	// Status says whether the response is drawn (completed, amended) or
	// not (in progress, stopped, entered in error).
	Status Status
}

// Series is a client's responses to one instrument.
type Series struct {
	// Instrument is the instrument's id ("phq-9").
	Instrument string
	// Sex selects the positive threshold where it depends on it (AUDIT-C);
	// measure.NoSex gives the lower one, as measure.Score does.
	Sex measure.Sex
	// Points are the responses, in any order.
	Points []Point
}

// Chart is a series checked and ready to draw: its scored points in time
// order (a tie keeps the order given), each with its band.
type Chart struct {
	in     measure.Instrument
	rng    measure.Range
	cut    measure.Cutoff
	points []point
}

// point is a scored point of a Chart.
type point struct {
	at       time.Time
	total    float64
	positive bool
	flags    []string
	band     string // the band's label; "" when the instrument has none
	amended  bool
}

// The years a scored point may fall in: wide enough for any client's
// history, narrow enough to catch a mistyped year (0206 for 2026).
const (
	minYear = 1900
	maxYear = 2200
)

// New checks s and returns its chart. A response that is not scored (in
// progress, stopped, entered in error) is left out. Bad input is an
// Invalid *certboard.Error naming what is wrong: an unknown instrument or
// sex, or a point (numbered from 1 in the order given) with an unknown
// status, no date or one outside the years 1900 to 2200 (in its
// location), an empty flag, or a total the instrument cannot give.
func New(s Series) (*Chart, error) {
	in, ok := measure.Lookup(s.Instrument)
	if !ok {
		return nil, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("unknown instrument %q; use one of %s", s.Instrument, strings.Join(measure.IDs(), ", ")))
	}
	if _, err := measure.ParseSex(string(s.Sex)); err != nil {
		return nil, err
	}
	c := &Chart{in: in, rng: in.Range()}
	c.cut, _ = in.Cutoff(s.Sex) // every shipped instrument has one
	for i, p := range s.Points {
		field := fmt.Sprintf("point %d", i+1)
		if !slices.Contains(statuses, p.Status) {
			return nil, certboard.FieldError(certboard.Invalid, field, unknownStatus(string(p.Status)))
		}
		if !p.Status.Scored() {
			continue
		}
		if p.At.IsZero() {
			return nil, certboard.FieldError(certboard.Invalid, field,
				"no date; give when the response was completed")
		}
		if y := p.At.Year(); y < minYear || y > maxYear {
			return nil, certboard.FieldError(certboard.Invalid, field,
				fmt.Sprintf("the date %s is not in the years %d to %d; check the year", day(p.At), minYear, maxYear))
		}
		if !c.possible(p.Total) {
			return nil, certboard.FieldError(certboard.Invalid, field,
				fmt.Sprintf("%s cannot give a total of %s; its totals run from %s to %s",
					in.Name, score(p.Total), score(c.rng.Min), score(c.rng.Max)))
		}
		if slices.Contains(p.Flags, "") {
			return nil, certboard.FieldError(certboard.Invalid, field, "an empty flag; leave it out")
		}
		b, _ := in.BandOf(p.Total)
		label := ""
		if b.ID != "" {
			label = b.Label()
		}
		c.points = append(c.points, point{
			at: p.At, total: p.Total, positive: p.Positive, flags: slices.Clone(p.Flags),
			band: label, amended: p.Status == Amended,
		})
	}
	slices.SortStableFunc(c.points, func(a, b point) int { return a.at.Compare(b.at) })
	return c, nil
}

// possible says whether the instrument can give total: within its range
// and a whole number of steps from its least total.
func (c *Chart) possible(total float64) bool {
	if math.IsNaN(total) || total < c.rng.Min || total > c.rng.Max {
		return false
	}
	steps := (total - c.rng.Min) / c.rng.Step
	return math.Abs(steps-math.Round(steps)) < 1e-6
}

// Instrument returns the chart's instrument.
func (c *Chart) Instrument() measure.Instrument { return c.in }

// Row is one scored response as a row of the table that stands in for the
// chart.
type Row struct {
	// At is when the response was completed, and Date its day
	// (YYYY-MM-DD) in At's location.
	At   time.Time
	Date string
	// Total is the score, and Score the same as people write it ("18",
	// "26.5").
	Total float64
	Score string
	// Band is the name of the band the score falls in ("moderately
	// severe"); "" when the instrument has no bands.
	Band string
	// Positive says whether the response was positive.
	Positive bool
	// Flags are the flags the response raised ("self-harm").
	Flags []string
	// Amended says the response was changed after it was completed
	// (status Amended, which practice mode never produces).
	Amended bool
}

// Rows returns the scored responses, oldest first: what the chart shows,
// as rows of a table.
func (c *Chart) Rows() []Row {
	rows := make([]Row, len(c.points))
	for i, p := range c.points {
		rows[i] = Row{
			At: p.at, Date: day(p.at), Total: p.total, Score: score(p.total), Band: p.band,
			Positive: p.positive, Flags: slices.Clone(p.flags), Amended: p.amended,
		}
	}
	return rows
}

// Summary says in words what the chart shows: the first and last scores
// with their bands (or whether they were positive, for an instrument
// without bands) and dates, how many scores there are, and every flag
// raised with its dates. For example: "PHQ-9 from 18 (moderately severe)
// on 2026-03-02 to 7 (mild) on 2026-11-20, 6 scores; self-harm flagged on
// 2026-03-02".
func (c *Chart) Summary() string {
	var b strings.Builder
	switch len(c.points) {
	case 0:
		return c.in.Name + ": no scores yet"
	case 1:
		fmt.Fprintf(&b, "%s: one score, %s", c.in.Name, c.scoreOn(c.points[0]))
	default:
		fmt.Fprintf(&b, "%s from %s to %s, %d scores", c.in.Name,
			c.scoreOn(c.points[0]), c.scoreOn(c.points[len(c.points)-1]), len(c.points))
	}
	for _, f := range c.flags() {
		var days []string
		for _, p := range c.points {
			if slices.Contains(p.flags, f) && !slices.Contains(days, day(p.at)) {
				days = append(days, day(p.at))
			}
		}
		b.WriteString("; " + f + " flagged ")
		if len(days) <= 3 {
			b.WriteString("on " + andList(days))
		} else {
			fmt.Fprintf(&b, "on %d days, last on %s", len(days), days[len(days)-1])
		}
	}
	return b.String()
}

// scoreOn writes a point as "18 (moderately severe) on 2026-03-02".
func (c *Chart) scoreOn(p point) string {
	s := score(p.total)
	switch {
	case p.band != "":
		s += " (" + p.band + ")"
	case p.positive:
		s += " (positive)"
	}
	return s + " on " + day(p.at)
}

// Scale says in words what the chart's y axis shows: the instrument's
// range, its bands and its positive threshold. For example: "Scale 0 to
// 27; bands minimal 0-4, mild 5-9, moderate 10-14, moderately severe
// 15-19, severe 20-27; positive at 10 or more".
func (c *Chart) Scale() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Scale %s to %s", score(c.rng.Min), score(c.rng.Max))
	for i, band := range c.in.Bands {
		if i == 0 {
			b.WriteString("; bands ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d-%d", band.Label(), band.Min, band.Max)
	}
	b.WriteString("; positive at " + c.threshold(" or more", " or less"))
	if c.cut.Partial {
		b.WriteString(", or by single answers")
	}
	return b.String()
}

// threshold writes the cutoff as "10" followed by more or less.
func (c *Chart) threshold(more, less string) string {
	if c.cut.AtMost {
		return score(c.cut.Total) + less
	}
	return score(c.cut.Total) + more
}

// flags returns the distinct flags of the chart's points, in the order
// they first appear.
func (c *Chart) flags() []string {
	var out []string
	for _, p := range c.points {
		for _, f := range p.flags {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// day writes t's date in its location.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// score writes a score or threshold as people write it, with at most two
// decimal places and no trailing zeros: "18", "26.5", "26.55".
func score(v float64) string { return trimmed(v, 100) }

// number writes a coordinate with at most one decimal place: "12",
// "134.7".
func number(v float64) string { return trimmed(v, 10) }

// trimmed writes v rounded to 1/per, with no trailing zeros and no "-0".
func trimmed(v, per float64) string {
	r := math.Round(v*per) / per
	if r == 0 {
		r = 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
