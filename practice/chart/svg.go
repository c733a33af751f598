package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
)

// Options are how a chart is drawn.
type Options struct {
	// ID names the chart's <title> and <desc> (ID+"-title", ID+"-desc"),
	// which its aria attributes point to, so it must be unique on the
	// page: a letter, then letters, digits, '-' or '_', at most 64 in all.
	// "" means "chart-" and the instrument id ("chart-phq-9"); for small
	// multiples, "chart", each chart adding "-1", "-2", ...
	ID string
	// From and To, when not zero, are times the x axis covers as well as
	// the scores (the start of treatment, today); it always covers every
	// score.
	From, To time.Time
}

// idPattern is what an Options.ID may be.
var idPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// check refuses options that cannot be drawn, naming the field.
func (o Options) check() error {
	if o.ID != "" && !idPattern.MatchString(o.ID) {
		return certboard.FieldError(certboard.Invalid, "id",
			fmt.Sprintf("%q cannot be an element id; start with a letter and use only letters, digits, - and _ (at most 64)", o.ID))
	}
	if !o.From.IsZero() && !o.To.IsZero() && o.To.Before(o.From) {
		return certboard.FieldError(certboard.Invalid, "to",
			fmt.Sprintf("%s is before from (%s); give a to after from", day(o.To), day(o.From)))
	}
	return nil
}

// The layout, in the units of the viewBox. The chart is drawn 400 wide
// and scales to the width of its container; text is 11 units, about 10
// pixels on a phone 360 pixels wide (the table of Rows has the same data
// in the page's own text size).
const (
	viewWidth    = 400.0
	plotLeft     = 36.0          // room for the y axis's labels
	plotRight    = 282.0         // the gutter beyond holds the bands' and threshold's labels
	plotTop      = 18.0          // room for a flag's mark above a point at the top
	singleHigh   = 180.0         // the plot's height, alone
	multipleHigh = 110.0         // and in small multiples
	gutterText   = plotRight + 7 // "moderately severe" ends about 103 further
	lineHigh     = 13.0          // the height of a line of 11-unit text
	charWide     = 6.2           // the average width of a character of 11-unit text, to lay labels out
	tickRoom     = 60.0          // the width one tick label needs on the x axis
)

// SVG returns the chart as an <svg> element to embed in a page: role
// "img", named by its <title> and described by its <desc> (Summary and
// Scale), every text escaped. It is drawn in currentColor only, with
// presentation attributes and no style, so it takes the page's text colour
// (and forced colours) and needs no inline style under a strict content
// security policy; its parts carry classes (chart-band, chart-cutoff,
// chart-line, chart-point, chart-positive, chart-flag, chart-legend, ...)
// that a stylesheet may colour. An error is an Invalid *certboard.Error
// naming the option at fault.
func (c *Chart) SVG(opt Options) (template.HTML, error) {
	if err := opt.check(); err != nil {
		return "", err
	}
	id := opt.ID
	if id == "" {
		id = "chart-" + c.in.ID
	}
	w, ok := newWindow(append(c.times(), opt.From, opt.To)...)
	var s svg
	c.draw(&s, id, w, ok, singleHigh)
	return template.HTML(strings.TrimSuffix(s.String(), "\n")), nil
}

// SmallMultiples returns the charts, one under the other in a <div
// class="chart-multiples">, each a shorter SVG over the same span of time
// (every chart's scores, and From and To), so that their trends line up.
// Each is named as SVG names one, with the ids Options.ID plus "-1", "-2",
// ... ("chart-1" without one). No charts give no HTML.
func SmallMultiples(charts []*Chart, opt Options) (template.HTML, error) {
	if err := opt.check(); err != nil {
		return "", err
	}
	base := opt.ID
	if base == "" {
		base = "chart"
	}
	times := []time.Time{opt.From, opt.To}
	for i, c := range charts {
		if c == nil {
			return "", certboard.FieldError(certboard.Invalid, fmt.Sprintf("chart %d", i+1), "no chart; make each with New")
		}
		times = append(times, c.times()...)
	}
	if len(charts) == 0 {
		return "", nil
	}
	w, ok := newWindow(times...)
	var s svg
	s.WriteString("<div class=\"chart-multiples\">\n")
	for i, c := range charts {
		c.draw(&s, base+"-"+strconv.Itoa(i+1), w, ok, multipleHigh)
	}
	s.WriteString("</div>")
	return template.HTML(s.String()), nil
}

// times returns the times of the chart's points.
func (c *Chart) times() []time.Time {
	out := make([]time.Time, len(c.points))
	for i, p := range c.points {
		out[i] = p.at
	}
	return out
}

// plot maps scores and times to the viewBox.
type plot struct {
	bottom, high float64
	min, max     float64
	w            window
	hasWindow    bool
}

func (p plot) y(v float64) float64 { return p.bottom - (v-p.min)/(p.max-p.min)*p.high }

func (p plot) x(t time.Time) float64 { return plotLeft + p.w.at(t)*(plotRight-plotLeft) }

// draw writes the chart's <svg> element to s.
func (c *Chart) draw(s *svg, id string, w window, hasWindow bool, high float64) {
	p := plot{bottom: plotTop + high, high: high, min: c.rng.Min, max: c.rng.Max, w: w, hasWindow: hasWindow}
	height := p.bottom + 48
	s.open("svg", "xmlns", "http://www.w3.org/2000/svg",
		"viewBox", "0 0 "+number(viewWidth)+" "+number(height), "width", "100%",
		"role", "img", "aria-labelledby", id+"-title", "aria-describedby", id+"-desc",
		"class", "chart chart-"+c.in.ID, "font-family", "system-ui, sans-serif", "font-size", "11",
		"fill", "currentColor")
	s.element("title", c.in.Name+" scores over time", "id", id+"-title")
	s.element("desc", c.Summary()+". "+c.Scale()+".", "id", id+"-desc")

	cutY := p.y(c.cutLine())
	var labels []gutterLabel
	c.drawBands(s, p, cutY, &labels)
	drawAxes(s, p, valueTicks(c.rng), len(c.in.Bands) == 0)

	s.open("g", "class", "chart-cutoff")
	s.empty("line", "x1", number(plotLeft), "y1", number(cutY), "x2", number(plotRight+5), "y2", number(cutY),
		"stroke", "currentColor", "stroke-width", "1.5", "stroke-dasharray", "6 4")
	cut := gutterLabel{y: cutY, lines: []string{"positive ≥ " + score(c.cut.Total)}, class: "chart-cutoff-label", bold: true}
	if c.cut.AtMost {
		cut.lines[0] = "positive ≤ " + score(c.cut.Total)
	}
	if c.cut.Partial {
		cut.lines = append(cut.lines, "or by answers")
	}
	s.close("g")
	labels = append(labels, cut)
	drawGutter(s, labels, p)

	if len(c.points) == 0 {
		s.element("text", "No "+c.in.Name+" scores yet", "class", "chart-empty",
			"x", number((plotLeft+plotRight)/2), "y", number(p.bottom-high/2+4),
			"text-anchor", "middle", "font-size", "13")
	} else {
		c.drawPoints(s, p)
		c.drawLegend(s, p)
	}
	s.close("svg")
}

// cutLine returns the value the threshold line is drawn at: between the
// last negative and the first positive total (9.5 for PHQ-9's 10 or more),
// or the cutoff itself when no total lies on it (FSFI's 26.55).
func (c *Chart) cutLine() float64 {
	t := c.cut.Total
	steps := (t - c.rng.Min) / c.rng.Step
	if math.Abs(steps-math.Round(steps)) > 1e-6 {
		return t
	}
	if c.cut.AtMost {
		return t + c.rng.Step/2
	}
	return t - c.rng.Step/2
}

// drawBands shades the instrument's bands, alternately lighter and
// darker, with a line between two bands (but where the threshold's line
// runs), and adds each band's name to labels at its middle. A band runs
// from halfway below its least total to halfway above its greatest, so
// that a score on a band's edge is drawn inside it.
func (c *Chart) drawBands(s *svg, p plot, cutY float64, labels *[]gutterLabel) {
	bands := c.in.Bands
	if len(bands) == 0 {
		return
	}
	s.open("g", "class", "chart-bands")
	edge := func(i int) float64 { // the lower edge of band i
		if i == 0 {
			return c.rng.Min
		}
		if i == len(bands) {
			return c.rng.Max
		}
		return float64(bands[i-1].Max+bands[i].Min) / 2
	}
	for i, b := range bands {
		lo, hi := p.y(edge(i)), p.y(edge(i+1))
		opacity := "0.06"
		if i%2 == 1 {
			opacity = "0.14"
		}
		s.open("rect", "class", "chart-band chart-band-"+b.ID,
			"x", number(plotLeft), "y", number(hi), "width", number(plotRight-plotLeft), "height", number(lo-hi),
			"fill-opacity", opacity)
		s.element("title", b.Label()+": "+strconv.Itoa(b.Min)+" to "+strconv.Itoa(b.Max))
		s.close("rect")
		if i > 0 && math.Abs(lo-cutY) > 0.5 {
			s.empty("line", "x1", number(plotLeft), "y1", number(lo), "x2", number(plotRight), "y2", number(lo),
				"stroke", "currentColor", "stroke-opacity", "0.35")
		}
		*labels = append(*labels, gutterLabel{y: (lo + hi) / 2, lines: []string{b.Label()}, class: "chart-band-label"})
	}
	s.close("g")
}

// drawAxes draws the y axis with its ticks (and faint lines across the
// plot when grid, for an instrument without bands) and the x axis with
// its ticks when there is a span of time.
func drawAxes(s *svg, p plot, ys []tick, grid bool) {
	s.open("g", "class", "chart-axis", "stroke", "currentColor")
	s.empty("line", "x1", number(plotLeft), "y1", number(plotTop), "x2", number(plotLeft), "y2", number(p.bottom))
	s.empty("line", "x1", number(plotLeft), "y1", number(p.bottom), "x2", number(plotRight), "y2", number(p.bottom))
	for _, t := range ys {
		y := number(p.y(t.value))
		s.empty("line", "x1", number(plotLeft-4), "y1", y, "x2", number(plotLeft), "y2", y)
		if grid && t.value != p.min {
			s.empty("line", "x1", number(plotLeft), "y1", y, "x2", number(plotRight), "y2", y, "stroke-opacity", "0.15")
		}
	}
	var xs []tick
	if p.hasWindow {
		xs = timeTicks(p.w, int(math.Floor((plotRight-plotLeft)/tickRoom))+1)
	}
	for _, t := range xs {
		x := number(p.x(t.at))
		s.empty("line", "x1", x, "y1", number(p.bottom), "x2", x, "y2", number(p.bottom+4))
	}
	s.close("g")
	s.open("g", "class", "chart-axis-labels", "stroke", "none")
	for _, t := range ys {
		s.element("text", t.label, "x", number(plotLeft-7), "y", number(p.y(t.value)+4), "text-anchor", "end")
	}
	for _, t := range xs {
		half := float64(len([]rune(t.label))) * charWide / 2
		x := min(max(p.x(t.at), half+1), viewWidth-half-1)
		s.element("text", t.label, "x", number(x), "y", number(p.bottom+17), "text-anchor", "middle")
	}
	s.close("g")
}

// gutterLabel is a label in the gutter right of the plot, centred on y
// when there is room.
type gutterLabel struct {
	y     float64
	lines []string
	class string
	bold  bool
}

// drawGutter writes the labels, moved apart where they would overlap and
// kept between the top and the bottom of the plot.
func drawGutter(s *svg, ls []gutterLabel, p plot) {
	slices.SortStableFunc(ls, func(a, b gutterLabel) int {
		switch {
		case a.y < b.y:
			return -1
		case a.y > b.y:
			return 1
		}
		return 0
	})
	half := func(l gutterLabel) float64 { return float64(len(l.lines)) * lineHigh / 2 }
	for i := 1; i < len(ls); i++ {
		ls[i].y = max(ls[i].y, ls[i-1].y+half(ls[i-1])+half(ls[i]))
	}
	if n := len(ls); n > 0 {
		ls[n-1].y = min(ls[n-1].y, p.bottom+lineHigh/2-half(ls[n-1]))
	}
	for i := len(ls) - 2; i >= 0; i-- {
		ls[i].y = min(ls[i].y, ls[i+1].y-half(ls[i+1])-half(ls[i]))
	}
	s.open("g", "class", "chart-gutter")
	for _, l := range ls {
		top := l.y - half(l)
		for j, line := range l.lines {
			attrs := []string{"class", l.class, "x", number(gutterText), "y", number(top + float64(j)*lineHigh + lineHigh/2 + 4)}
			if l.bold {
				attrs = append(attrs, "font-weight", "bold")
			}
			s.element("text", line, attrs...)
		}
	}
	s.close("g")
}

// The marks of a point: a circle when not positive, a square when
// positive, and a triangle pointing down at it when it raised a flag. A
// mark is markRadius from its centre to its side, less when many points
// share the plot's width (down to minRadius), and as large in the legend.
const (
	markRadius = 4.0
	minRadius  = 2.5
)

// radius returns the size of the marks of n points: half the width each
// would have if spread evenly, between minRadius and markRadius.
func radius(n int) float64 {
	return min(max((plotRight-plotLeft)/float64(n)/2, minRadius), markRadius)
}

// drawPoints draws the line through the points in time order and each
// point's marks, with a tooltip giving its date, score, band, whether it
// was positive, its flags and whether it was amended.
func (c *Chart) drawPoints(s *svg, p plot) {
	if len(c.points) > 1 {
		var pts strings.Builder
		for i, pt := range c.points {
			if i > 0 {
				pts.WriteByte(' ')
			}
			pts.WriteString(number(p.x(pt.at)) + "," + number(p.y(pt.total)))
		}
		s.empty("polyline", "class", "chart-line", "points", pts.String(), "fill", "none",
			"stroke", "currentColor", "stroke-width", "2", "stroke-linejoin", "round")
	}
	r := radius(len(c.points))
	s.open("g", "class", "chart-points")
	for _, pt := range c.points {
		x, y := p.x(pt.at), p.y(pt.total)
		class := "chart-point"
		if pt.positive {
			class += " chart-positive"
		}
		if len(pt.flags) > 0 {
			class += " chart-flag"
		}
		s.open("g", "class", class)
		s.element("title", c.tooltip(pt))
		if pt.positive {
			square(s, x, y, r)
		} else {
			circle(s, x, y, r)
		}
		if len(pt.flags) > 0 {
			triangle(s, x, y-r-2, r)
		}
		s.close("g")
	}
	s.close("g")
}

// tooltip says what a point is: "2026-03-02: 18, moderately severe,
// positive, flagged self-harm, amended".
func (c *Chart) tooltip(p point) string {
	parts := []string{day(p.at) + ": " + score(p.total)}
	if p.band != "" {
		parts = append(parts, p.band)
	}
	if p.positive {
		parts = append(parts, "positive")
	}
	if len(p.flags) > 0 {
		parts = append(parts, "flagged "+strings.Join(p.flags, ", "))
	}
	if p.amended {
		parts = append(parts, "amended")
	}
	return strings.Join(parts, ", ")
}

// circle draws a circle of radius r centred on x, y.
func circle(s *svg, x, y, r float64) {
	s.empty("circle", "cx", number(x), "cy", number(y), "r", number(r))
}

// square draws a square 2r wide centred on x, y.
func square(s *svg, x, y, r float64) {
	s.empty("rect", "x", number(x-r), "y", number(y-r), "width", number(2*r), "height", number(2*r))
}

// triangle draws a triangle 2.25r wide pointing down with its tip at x, y.
func triangle(s *svg, x, y, r float64) {
	w := 2.25 * r
	s.empty("path", "d", "M"+number(x-w/2)+" "+number(y-0.8*w)+"h"+number(w)+"L"+number(x)+" "+number(y)+"z")
}

// drawLegend names, under the x axis, each mark the chart uses.
func (c *Chart) drawLegend(s *svg, p plot) {
	var negative, positive bool
	for _, pt := range c.points {
		positive = positive || pt.positive
		negative = negative || !pt.positive
	}
	y := p.bottom + 38
	x := plotLeft
	s.open("g", "class", "chart-legend")
	entry := func(mark func(), text string) {
		mark()
		s.element("text", text, "x", number(x+2*markRadius+4), "y", number(y+4))
		x += 2*markRadius + 4 + float64(len([]rune(text)))*charWide + 14
	}
	if negative {
		entry(func() { circle(s, x+markRadius, y, markRadius) }, "not positive")
	}
	if positive {
		entry(func() { square(s, x+markRadius, y, markRadius) }, "positive")
	}
	if fs := c.flags(); len(fs) > 0 {
		entry(func() { triangle(s, x+markRadius, y+markRadius, markRadius) }, "flagged: "+strings.Join(fs, ", "))
	}
	s.close("g")
}

// svg builds SVG markup. Every attribute value and every text is escaped,
// so nothing a caller gives can become markup; element and attribute
// names are the package's own constants.
type svg struct {
	strings.Builder
}

// open writes a start tag with attributes given as name, value pairs.
func (s *svg) open(name string, attrs ...string) {
	s.tag(name, attrs)
	s.WriteString(">")
	if name == "svg" || name == "g" {
		s.WriteString("\n")
	}
}

// empty writes an empty element.
func (s *svg) empty(name string, attrs ...string) {
	s.tag(name, attrs)
	s.WriteString("/>\n")
}

// element writes an element holding text.
func (s *svg) element(name, text string, attrs ...string) {
	s.open(name, attrs...)
	s.WriteString(html.EscapeString(text))
	s.close(name)
}

func (s *svg) close(name string) {
	s.WriteString("</" + name + ">\n")
}

func (s *svg) tag(name string, attrs []string) {
	s.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		s.WriteString(" " + attrs[i] + `="` + html.EscapeString(attrs[i+1]) + `"`)
	}
}
