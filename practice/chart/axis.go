package chart

import (
	"math"
	"time"

	"github.com/certboard/certboard/practice/measure"
)

// window is the span of time the x axis covers.
type window struct {
	from, to time.Time
}

// monthMode is the span beyond which the x axis is marked in months
// rather than days (about two months).
const monthMode = 62 * 24 * time.Hour

// newWindow returns the window that covers the times given (zero times
// are ignored) with a margin, so that no point sits on the edge of the
// plot: a twenty-fifth of the span on either side, at least half a day;
// a single moment gets three days on either side. False when no time is
// given.
func newWindow(times ...time.Time) (window, bool) {
	var w window
	for _, t := range times {
		if t.IsZero() {
			continue
		}
		if w.from.IsZero() || t.Before(w.from) {
			w.from = t
		}
		if w.to.IsZero() || t.After(w.to) {
			w.to = t
		}
	}
	if w.from.IsZero() {
		return w, false
	}
	span := w.to.Sub(w.from)
	pad := max(span/25, 12*time.Hour)
	if span == 0 {
		pad = 3 * 24 * time.Hour
	}
	w.to = w.to.Add(pad)
	w.from = w.from.Add(-pad)
	return w, true
}

// at returns where t falls in the window, from 0 (from) to 1 (to).
func (w window) at(t time.Time) float64 {
	return float64(t.Sub(w.from)) / float64(w.to.Sub(w.from))
}

// tick is a labelled mark on an axis.
type tick struct {
	at    time.Time // on the x axis
	value float64   // on the y axis
	label string
}

// timeTicks returns at most most ticks within w, in w.from's location: the
// first of months (every 1, 2, 3, 6, 12, 24 or 60 months, the fewest that
// fit) for a window over about two months, named "Mar", with the year on
// the first tick and on January ("Mar 2026", "Jan 2027"), or by year alone
// at 12 months or more; otherwise midnights (every 1, 2, 3, 7, 14 or 28
// days), named "2 Mar".
func timeTicks(w window, most int) []tick {
	loc := w.from.Location()
	if w.to.Sub(w.from) > monthMode {
		for _, step := range []int{1, 2, 3, 6, 12, 24, 60, 120, 600} {
			ts := monthTicks(w, loc, step)
			if len(ts) <= most || step == 600 {
				return ts
			}
		}
	}
	for _, step := range []int{1, 2, 3, 7, 14, 28} {
		ts := dayTicks(w, loc, step)
		if len(ts) <= most || step == 28 {
			return ts
		}
	}
	return nil // unreachable
}

// monthTicks returns a tick on the first of every step-th month in w
// (months counted from year 0, so that quarters start in January, April,
// July and October).
func monthTicks(w window, loc *time.Location, step int) []tick {
	f := w.from.In(loc)
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if m.Before(w.from) {
		m = m.AddDate(0, 1, 0)
	}
	var out []tick
	for ; !m.After(w.to); m = m.AddDate(0, 1, 0) {
		if (m.Year()*12+int(m.Month())-1)%step != 0 {
			continue
		}
		var label string
		switch {
		case step >= 12:
			label = m.Format("2006")
		case len(out) == 0 || m.Month() == time.January:
			label = m.Format("Jan 2006")
		default:
			label = m.Format("Jan")
		}
		out = append(out, tick{at: m, label: label})
	}
	return out
}

// dayTicks returns a tick at every step-th midnight in w, from the first.
func dayTicks(w window, loc *time.Location, step int) []tick {
	f := w.from.In(loc)
	d := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	if d.Before(w.from) {
		d = d.AddDate(0, 0, 1)
	}
	var out []tick
	for ; !d.After(w.to); d = d.AddDate(0, 0, step) {
		out = append(out, tick{at: d, label: d.Format("2 Jan")})
	}
	return out
}

// valueTicks returns the ticks of the y axis over r: its least and
// greatest totals, and between them the multiples of the smallest of 1,
// 2, 5, 10, 20 or 50 that gives at most six steps, leaving out a multiple
// closer than 0.6 steps to either end ("0 5 10 15 20 27" for PHQ-9).
func valueTicks(r measure.Range) []tick {
	span := r.Max - r.Min
	step := 50.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50} {
		if span/s <= 6 {
			step = s
			break
		}
	}
	out := []tick{{value: r.Min, label: score(r.Min)}}
	for v := math.Ceil(r.Min/step) * step; v < r.Max; v += step {
		if v-r.Min >= 0.6*step && r.Max-v >= 0.6*step {
			out = append(out, tick{value: v, label: score(v)})
		}
	}
	return append(out, tick{value: r.Max, label: score(r.Max)})
}
