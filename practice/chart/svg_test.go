package chart

import (
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

func render(t testing.TB, c *Chart, opt Options) string {
	t.Helper()
	h, err := c.SVG(opt)
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	return string(h)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// countMarks counts the points drawn.
func countMarks(t testing.TB, svg string) int {
	t.Helper()
	return len(marks(t, parseXML(t, svg)))
}

// node is any XML element, to check what the SVG holds.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func (n node) hasClass(c string) bool {
	return strings.Contains(" "+n.attr("class")+" ", " "+c+" ")
}

// walk calls f on n and every element under it, depth first.
func (n node) walk(f func(node)) {
	f(n)
	for _, c := range n.Nodes {
		c.walk(f)
	}
}

// parseXML decodes s strictly as one XML element, and nothing after it.
func parseXML(t testing.TB, s string) node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var n node
	if err := d.Decode(&n); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, s)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after the root: %v", err)
		}
		if cd, ok := tok.(xml.CharData); !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("something after the root: %#v", tok)
		}
	}
	return n
}

// mark is a point drawn: its centre and whether it is a square.
type mark struct {
	x, y    float64
	square  bool
	flagged bool
	title   string
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// marks returns the points drawn in the chart n, in the order drawn.
func marks(t testing.TB, n node) []mark {
	t.Helper()
	var out []mark
	n.walk(func(g node) {
		if !g.hasClass("chart-point") {
			return
		}
		var m mark
		m.flagged = g.hasClass("chart-flag")
		for _, c := range g.Nodes {
			switch c.XMLName.Local {
			case "title":
				m.title = c.Text
			case "circle":
				m.x, m.y = num(t, c.attr("cx")), num(t, c.attr("cy"))
			case "rect":
				half := num(t, c.attr("width")) / 2
				m.x, m.y, m.square = num(t, c.attr("x"))+half, num(t, c.attr("y"))+half, true
			}
		}
		out = append(out, m)
	})
	return out
}

// checkSVG checks what every chart must be: an <svg> in the SVG
// namespace with a viewBox, role img, named by its first child <title>
// and described by its <desc> (Summary and Scale), with no style, script
// or foreign content, and every point inside the plot.
func checkSVG(t testing.TB, n node, c *Chart, id string, high float64) {
	t.Helper()
	if n.XMLName.Local != "svg" || n.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root %v", n.XMLName)
	}
	if n.attr("role") != "img" || n.attr("viewBox") == "" || n.attr("width") != "100%" {
		t.Errorf("svg attributes %v", n.Attrs)
	}
	if len(n.Nodes) < 2 || n.Nodes[0].XMLName.Local != "title" || n.Nodes[1].XMLName.Local != "desc" {
		t.Fatalf("the svg does not start with title and desc")
	}
	title, desc := n.Nodes[0], n.Nodes[1]
	if n.attr("aria-labelledby") != id+"-title" || title.attr("id") != id+"-title" {
		t.Errorf("labelled by %q; title id %q; want %q", n.attr("aria-labelledby"), title.attr("id"), id+"-title")
	}
	if n.attr("aria-describedby") != id+"-desc" || desc.attr("id") != id+"-desc" {
		t.Errorf("described by %q; desc id %q; want %q", n.attr("aria-describedby"), desc.attr("id"), id+"-desc")
	}
	if want := c.in.Name + " scores over time"; title.Text != want {
		t.Errorf("title %q; want %q", title.Text, want)
	}
	if want := c.Summary() + ". " + c.Scale() + "."; desc.Text != want {
		t.Errorf("desc %q;\nwant %q", desc.Text, want)
	}
	n.walk(func(e node) {
		switch e.XMLName.Local {
		case "style", "script", "foreignObject", "image", "a", "use":
			t.Errorf("a <%s> element", e.XMLName.Local)
		}
		for _, a := range e.Attrs {
			if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" {
				t.Errorf("<%s> has an attribute %s", e.XMLName.Local, a.Name.Local)
			}
			if (a.Name.Local == "fill" || a.Name.Local == "stroke") && a.Value != "currentColor" && a.Value != "none" {
				t.Errorf("<%s> is painted %s=%q; only currentColor keeps to the page's (and forced) colours", e.XMLName.Local, a.Name.Local, a.Value)
			}
		}
	})
	ms := marks(t, n)
	if len(ms) != len(c.points) {
		t.Errorf("%d points drawn; want %d", len(ms), len(c.points))
	}
	for i, m := range ms {
		if m.x < plotLeft || m.x > plotRight || m.y < plotTop || m.y > plotTop+high {
			t.Errorf("point %d at %v,%v is outside the plot", i+1, m.x, m.y)
		}
		if m.square != c.points[i].positive || m.flagged != (len(c.points[i].flags) > 0) {
			t.Errorf("point %d: square %v flagged %v; want %v %v", i+1, m.square, m.flagged, c.points[i].positive, c.points[i].flags)
		}
		if want := c.tooltip(c.points[i]); m.title != want {
			t.Errorf("point %d: tooltip %q; want %q", i+1, m.title, want)
		}
	}
}

// goldenCases are the charts kept as golden files under testdata.
func goldenCases(t testing.TB) []struct {
	name   string
	series Series
	opt    Options
} {
	return []struct {
		name   string
		series Series
		opt    Options
	}{
		{"phq-9-months", Series{Instrument: "phq-9", Points: []Point{
			pt(t, "2026-03-02", 18, true, measure.FlagSelfHarm),
			pt(t, "2026-04-01", 15, true),
			{At: on(t, "2026-05-11"), Total: 12, Positive: true, Status: Amended},
			{At: on(t, "2026-06-11"), Total: 27, Positive: true, Flags: []string{measure.FlagSelfHarm}, Status: EnteredInError},
			{At: on(t, "2026-06-20"), Status: InProgress},
			pt(t, "2026-07-20", 9, false),
			pt(t, "2026-09-01", 10, true),
			pt(t, "2026-11-20", 7, false),
		}}, Options{}},
		{"gad-7-days", Series{Instrument: "gad-7", Points: []Point{
			pt(t, "2026-05-10", 0, false), pt(t, "2026-05-17", 9, false),
			pt(t, "2026-05-24", 10, true), pt(t, "2026-05-31", 21, true),
		}}, Options{ID: "gad"}},
		{"fsfi", Series{Instrument: "fsfi", Sex: measure.Female, Points: []Point{
			pt(t, "2026-01-10", 19.8, true), pt(t, "2026-06-01", 26.5, true),
			pt(t, "2026-09-01", 26.6, false), pt(t, "2027-08-01", 36, false),
		}}, Options{}},
		{"asex", Series{Instrument: "asex", Points: []Point{
			pt(t, "2026-05-10", 12, true), pt(t, "2026-06-17", 20, true), pt(t, "2026-07-24", 5, false),
		}}, Options{}},
		{"pedt-one", Series{Instrument: "pedt", Points: []Point{pt(t, "2026-05-10", 10, false)}}, Options{}},
		{"iief-5-empty", Series{Instrument: "iief-5"}, Options{}},
		{"audit-c-window", Series{Instrument: "audit-c", Sex: measure.Male, Points: []Point{
			pt(t, "2026-04-10", 12, true), pt(t, "2026-05-10", 3, false),
		}}, Options{ID: "client-7-audit-c", From: on(t, "2026-01-05"), To: on(t, "2026-12-20")}},
	}
}

// TestGolden renders each golden case and compares it with its file; run
// with -update to rewrite the files after a deliberate change (and look
// at them in a browser).
func TestGolden(t *testing.T) {
	var charts []*Chart
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, tc.series)
			charts = append(charts, c)
			got := render(t, c, tc.opt)
			id := tc.opt.ID
			if id == "" {
				id = "chart-" + tc.series.Instrument
			}
			checkSVG(t, parseXML(t, got), c, id, singleHigh)
			golden(t, tc.name+".svg", got)
		})
	}
	t.Run("multiples", func(t *testing.T) {
		h, err := SmallMultiples(charts[:4], Options{ID: "client"})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "multiples.html", string(h))
	})
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./practice/chart -run TestGolden -update to write it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs from %s (run with -update if the change is meant):\n%s", name, path, got)
	}
}

// TestEscapes gives flags that try to close the text, add elements and
// attributes and use entities: they must come out as the same text and
// never as markup.
func TestEscapes(t *testing.T) {
	hostile := []string{
		`</title><script>alert(1)</script>`,
		`" onload="alert(1)`,
		`' onmouseover='x`,
		`&amp; <b>bold</b> &#60;`,
		`]]><!-- -->`,
	}
	c := mustNew(t, Series{Instrument: "phq-9", Points: []Point{
		pt(t, "2026-03-02", 18, true, hostile...), pt(t, "2026-03-09", 3, false, hostile[0]),
	}})
	got := render(t, c, Options{})
	// No tag, comment or section end comes through; an attribute that did
	// (onload, onmouseover) would fail checkSVG.
	for _, bad := range []string{"<script", "<b>", "<!--", "]]>", `"alert`} {
		if contains(got, bad) {
			t.Errorf("the SVG holds %q", bad)
		}
	}
	n := parseXML(t, got)
	checkSVG(t, n, c, "chart-phq-9", singleHigh)
	// The decoded texts are the flags, unchanged.
	var tooltip, legend string
	n.walk(func(e node) {
		if e.hasClass("chart-point") && tooltip == "" {
			tooltip = e.Nodes[0].Text
		}
		if e.hasClass("chart-legend") {
			for _, c := range e.Nodes {
				legend += c.Text
			}
		}
	})
	for _, h := range hostile {
		if !contains(tooltip, h) || !contains(legend, h) || !contains(n.Nodes[1].Text, h) {
			t.Errorf("%q is not in the tooltip %q, the legend %q and the desc", h, tooltip, legend)
		}
	}
	// The same in small multiples.
	h, err := SmallMultiples([]*Chart{c, c}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parseXML(t, string(h))
	if contains(string(h), "<script") {
		t.Error("small multiples hold a script")
	}
}

func TestOptions(t *testing.T) {
	c := mustNew(t, Series{Instrument: "phq-9", Points: []Point{pt(t, "2026-03-02", 18, true)}})
	for _, id := range []string{"1chart", "a b", `x"y`, "x>", "é", "-a", strings.Repeat("a", 65)} {
		_, err := c.SVG(Options{ID: id})
		e := certboard.As(err)
		if e == nil || e.Code != certboard.Invalid || e.Field != "id" {
			t.Errorf("ID %q: %v; want invalid id", id, err)
		}
		if _, err := SmallMultiples([]*Chart{c}, Options{ID: id}); certboard.ErrorCode(err) != certboard.Invalid {
			t.Errorf("SmallMultiples ID %q: %v; want invalid", id, err)
		}
	}
	for _, id := range []string{"a", "A-1_b", strings.Repeat("a", 64)} {
		checkSVG(t, parseXML(t, render(t, c, Options{ID: id})), c, id, singleHigh)
	}
	_, err := c.SVG(Options{From: on(t, "2026-03-02"), To: on(t, "2026-03-01")})
	if e := certboard.As(err); e == nil || e.Field != "to" ||
		e.Message != "to: 2026-03-01 is before from (2026-03-02); give a to after from" {
		t.Errorf("to before from: %v", err)
	}
	// From and To widen the axis; a point outside them widens it again.
	narrow := marks(t, parseXML(t, render(t, c, Options{})))[0]
	wide := marks(t, parseXML(t, render(t, c, Options{From: on(t, "2026-01-01"), To: on(t, "2026-02-01")})))[0]
	if narrow.x != (plotLeft+plotRight)/2 || math.Abs(wide.x-(plotRight-(plotRight-plotLeft)/27)) > 0.06 {
		t.Errorf("a point alone at x %v; after From and To at %v", narrow.x, wide.x)
	}
}

// TestRangeLimits draws points at the least and greatest totals and
// checks that they sit on the bottom and the top of the plot.
func TestRangeLimits(t *testing.T) {
	for _, in := range measure.Instruments() {
		r := in.Range()
		c := mustNew(t, Series{Instrument: in.ID, Points: []Point{
			pt(t, "2026-03-02", r.Min, false), pt(t, "2026-06-02", r.Max, true, "flag"),
		}})
		n := parseXML(t, render(t, c, Options{}))
		checkSVG(t, n, c, "chart-"+in.ID, singleHigh)
		ms := marks(t, n)
		if ms[0].y != plotTop+singleHigh || ms[1].y != plotTop {
			t.Errorf("%s: %v at y %v, %v at y %v; want %v and %v", in.ID, r.Min, ms[0].y, r.Max, ms[1].y, plotTop+singleHigh, plotTop)
		}
		// The flag's triangle above the top point stays in the viewBox.
		n.walk(func(e node) {
			if e.XMLName.Local == "path" && e.attr("d") != "" {
				f := strings.FieldsFunc(e.attr("d"), func(r rune) bool { return r == 'M' || r == ' ' || r == 'h' })
				if y := num(t, f[1]); y < 0 {
					t.Errorf("%s: a flag's mark at y %v, above the chart", in.ID, y)
				}
			}
		})
	}
}

// TestTimeScale checks that the x axis is scaled by time, not by the
// count of points.
func TestTimeScale(t *testing.T) {
	t0 := on(t, "2026-03-02")
	day := 24 * time.Hour
	c := mustNew(t, Series{Instrument: "gad-7", Points: []Point{
		{At: t0, Total: 5, Status: Completed},
		{At: t0.Add(day), Total: 6, Status: Completed},
		{At: t0.Add(100 * day), Total: 7, Status: Completed},
	}})
	ms := marks(t, parseXML(t, render(t, c, Options{})))
	if r := (ms[1].x - ms[0].x) / (ms[2].x - ms[0].x); math.Abs(r-0.01) > 0.005 {
		t.Errorf("a day of a hundred is %v of the width; want 0.01", r)
	}
}

func TestManyPoints(t *testing.T) {
	c := mustNew(t, manyPoints(t, 200))
	n := parseXML(t, render(t, c, Options{}))
	checkSVG(t, n, c, "chart-phq-9", singleHigh)
	ms := marks(t, n)
	for i := 1; i < len(ms); i++ {
		if ms[i].x <= ms[i-1].x {
			t.Errorf("point %d at x %v is not right of point %d at %v", i+1, ms[i].x, i, ms[i-1].x)
		}
	}
	var line string
	n.walk(func(e node) {
		if e.XMLName.Local == "polyline" {
			line = e.attr("points")
		}
	})
	if pairs := strings.Fields(line); len(pairs) != 200 {
		t.Errorf("the line joins %d points; want 200", len(pairs))
	}
}

// manyPoints returns n PHQ-9 scores, one every four days, running over
// the range and back, with every seventh flagged.
func manyPoints(t testing.TB, n int) Series {
	s := Series{Instrument: "phq-9"}
	t0 := on(t, "2025-01-06")
	for i := range n {
		total := float64(i % 28)
		var flags []string
		if i%7 == 0 {
			flags = []string{measure.FlagSelfHarm}
		}
		s.Points = append(s.Points, Point{At: t0.Add(time.Duration(i) * 96 * time.Hour), Total: total,
			Positive: total >= 10, Flags: flags, Status: Completed})
	}
	return s
}

func TestEmpty(t *testing.T) {
	c := mustNew(t, Series{Instrument: "phq-9", Points: []Point{{Status: EnteredInError, At: on(t, "2026-03-02"), Total: 20}}})
	got := render(t, c, Options{})
	n := parseXML(t, got)
	checkSVG(t, n, c, "chart-phq-9", singleHigh)
	var empty string
	var xLabels int
	n.walk(func(e node) {
		if e.hasClass("chart-empty") {
			empty = e.Text
		}
		if e.hasClass("chart-line") || e.hasClass("chart-legend") {
			t.Errorf("an empty chart has a %s", e.attr("class"))
		}
		if e.hasClass("chart-axis-labels") {
			for _, l := range e.Nodes {
				if l.attr("text-anchor") == "middle" {
					xLabels++
				}
			}
		}
	})
	if empty != "No PHQ-9 scores yet" || xLabels != 0 {
		t.Errorf("empty text %q, %d labels of time; want the message and none", empty, xLabels)
	}
	// With a span of time given, its axis is drawn.
	n = parseXML(t, render(t, c, Options{From: on(t, "2026-03-02"), To: on(t, "2026-04-02")}))
	xLabels = 0
	n.walk(func(e node) {
		if e.hasClass("chart-axis-labels") {
			for _, l := range e.Nodes {
				if l.attr("text-anchor") == "middle" {
					xLabels++
				}
			}
		}
	})
	if xLabels == 0 {
		t.Error("no labels of time for an empty chart over a given span")
	}
}

// TestOnePoint checks that a single score is drawn, with no line.
func TestOnePoint(t *testing.T) {
	c := mustNew(t, Series{Instrument: "pedt", Points: []Point{pt(t, "2026-05-10", 11, true)}})
	n := parseXML(t, render(t, c, Options{}))
	checkSVG(t, n, c, "chart-pedt", singleHigh)
	n.walk(func(e node) {
		if e.XMLName.Local == "polyline" {
			t.Error("a line through one point")
		}
	})
	if ms := marks(t, n); len(ms) != 1 || !ms[0].square || ms[0].x != (plotLeft+plotRight)/2 {
		t.Errorf("marks %+v; want one square in the middle", ms)
	}
}

func TestSmallMultiples(t *testing.T) {
	phq := mustNew(t, Series{Instrument: "phq-9", Points: []Point{pt(t, "2026-03-02", 18, true), pt(t, "2026-09-02", 7, false)}})
	gad := mustNew(t, Series{Instrument: "gad-7", Points: []Point{pt(t, "2026-06-02", 12, true), pt(t, "2026-09-02", 5, false)}})
	none := mustNew(t, Series{Instrument: "iief-5"})
	h, err := SmallMultiples([]*Chart{phq, gad, none}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	div := parseXML(t, string(h))
	if div.XMLName.Local != "div" || div.attr("class") != "chart-multiples" || len(div.Nodes) != 3 {
		t.Fatalf("not a div of three charts: %s", h)
	}
	for i, c := range []*Chart{phq, gad, none} {
		checkSVG(t, div.Nodes[i], c, fmt.Sprintf("chart-%d", i+1), multipleHigh)
	}
	// The same day is at the same x in every chart.
	p, g := marks(t, div.Nodes[0]), marks(t, div.Nodes[1])
	if p[1].x != g[1].x || p[0].x >= g[0].x {
		t.Errorf("2026-09-02 at x %v and %v; 2026-03-02 at %v before 2026-06-02 at %v", p[1].x, g[1].x, p[0].x, g[0].x)
	}
	if h, err := SmallMultiples(nil, Options{}); h != "" || err != nil {
		t.Errorf("no charts: %q, %v", h, err)
	}
	_, err = SmallMultiples([]*Chart{phq, nil}, Options{})
	var e *certboard.Error
	if !errors.As(err, &e) || e.Field != "chart 2" {
		t.Errorf("a nil chart: %v", err)
	}
}

func BenchmarkSVG200(b *testing.B) {
	s := manyPoints(b, 200)
	for b.Loop() {
		c, err := New(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.SVG(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRadius checks that marks shrink when many points share the width,
// but never below minRadius.
func TestRadius(t *testing.T) {
	for n, want := range map[int]float64{1: 4, 30: 4, 40: 3.075, 50: 2.5, 200: 2.5} {
		if got := radius(n); math.Abs(got-want) > 0.001 {
			t.Errorf("radius(%d) = %v; want %v", n, got, want)
		}
	}
	n := parseXML(t, render(t, mustNew(t, manyPoints(t, 200)), Options{}))
	n.walk(func(e node) {
		if e.XMLName.Local == "circle" && e.attr("r") != "2.5" && e.attr("r") != "4" {
			t.Errorf("a circle of radius %s", e.attr("r"))
		}
	})
}
