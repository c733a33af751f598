package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	// maxTabs bounds tabStops: no page of certboard has this many
	// controls (the admin's list of 100 accounts has some 900), so a page
	// that never brings the focus back is a failure, not a hang.
	maxTabs = 3000
	// tabTimeout bounds tabStops: a Tab and a look at the focus take a
	// few milliseconds.
	tabTimeout = time.Minute
	// minFocusContrast is the least contrast ratio of a focus indicator
	// with what surrounds it (WCAG 2.1 1.4.11, non-text contrast).
	minFocusContrast = 3.0
)

// focusStop is one element that Tab gave the focus to, as tabStops saw it.
type focusStop struct {
	// Tag is the element's lower-case tag name; ID its id ("" when none).
	Tag string `json:"tag"`
	ID  string `json:"id"`
	// Label is its name as a person reads it: aria-label, the text of the
	// elements aria-labelledby names, its <label>, its own text, its value
	// or title, in that order, spaces collapsed.
	Label string `json:"label"`
	// Href is a link's href attribute.
	Href string `json:"href"`
	// Outline and BoxShadow are the computed styles showing the focus
	// ("3px solid rgb(255, 191, 71)"; "none").
	Outline   string `json:"outline"`
	BoxShadow string `json:"boxShadow"`
	// Contrast is the contrast ratio of the focus indicator's colour (the
	// outline's, else the box shadow's) with the background behind the
	// element (the nearest ancestor's that is not transparent).
	Contrast float64 `json:"contrast"`
	// Indicated says the focus shows: an outline of some width, or a box
	// shadow, whose colour has a contrast of at least minFocusContrast with
	// the background (WCAG 2.1 1.4.11, non-text contrast).
	Indicated bool `json:"-"`
	// OnScreen says the element, once focused, lies at least in part in
	// the viewport and has a size.
	OnScreen bool `json:"onScreen"`
	// TabIndex is the element's tabIndex property (positive values break
	// the document's order).
	TabIndex int `json:"tabIndex"`
}

// probed is what focusProbe reads after a Tab.
type probed struct {
	focusStop
	// Order is the element's place in the document.
	Order int `json:"order"`
	// Again says Tab reached the element a second time: the cycle is done.
	Again bool `json:"again"`
	// None says no element of the page has the focus.
	None bool `json:"none"`
	// Marked says the element has an outline of some width or a box
	// shadow, whatever their colour.
	Marked bool `json:"marked"`
}

// String names the stop as the tests match it: the tag, "#id" when it has
// one, and its label quoted: input#email "E-mail address",
// button "Sign in".
func (s focusStop) String() string {
	name := s.Tag
	if s.ID != "" {
		name += "#" + s.ID
	}
	if s.Label != "" {
		label := s.Label
		if r := []rune(label); len(r) > maxLabelShown {
			label = string(r[:maxLabelShown]) + "…"
		}
		name += " " + quote(label)
	}
	return name
}

// maxLabelShown is how much of a long label String shows.
const maxLabelShown = 60

// matches reports whether want names the stop: "#id" matches by id,
// `tag "label"` by tag and whole label, and anything else is compared with
// String.
func (s focusStop) matches(want string) bool {
	switch {
	case strings.HasPrefix(want, "#"):
		return s.ID != "" && want == "#"+s.ID
	case s.Label != "" && want == s.Tag+" "+quote(s.Label):
		return true
	}
	return want == s.String()
}

// focusProbe reads the focused element for tabStops. It keeps the elements
// it has seen in the page (window.__tabStops) to tell when Tab comes back
// to one; an element it has not seen is given the next number.
const focusProbe = `(() => {
  const seen = window.__tabStops || (window.__tabStops = []);
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return {none: true};
  const again = seen.includes(e);
  if (!again) seen.push(e);
  const squash = s => (s || '').replace(/\s+/g, ' ').trim();
  const byIds = ids => ids.split(/\s+/).map(id => document.getElementById(id)).filter(Boolean).map(x => x.innerText).join(' ');
  const label = squash(e.getAttribute('aria-label')) || squash(byIds(e.getAttribute('aria-labelledby') || '')) ||
    squash(e.labels && e.labels.length ? e.labels[0].innerText : '') || squash(e.innerText) ||
    squash(e.type === 'password' ? '' : e.value) || squash(e.title);
  const cs = getComputedStyle(e), r = e.getBoundingClientRect();
  const rgba = c => { const m = (c || '').match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const v = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1}; };
  const lum = c => { const f = x => { x /= 255; return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (let x = e.parentElement; x; x = x.parentElement) {
    const c = rgba(getComputedStyle(x).backgroundColor);
    if (c && c.a > 0) { bg = c; break; }
  }
  const outlined = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadowed = !!cs.boxShadow && cs.boxShadow !== 'none';
  const ring = rgba(outlined ? cs.outlineColor : shadowed ? cs.boxShadow : '');
  let contrast = 0;
  if (ring && ring.a > 0) { const [hi, lo] = [lum(ring), lum(bg)].sort((x, y) => y - x); contrast = (hi + 0.05) / (lo + 0.05); }
  return {
    again, order: Array.prototype.indexOf.call(document.getElementsByTagName('*'), e),
    tag: e.tagName.toLowerCase(), id: e.id, label, href: e.getAttribute('href') || '',
    outline: cs.outlineWidth + ' ' + cs.outlineStyle + ' ' + cs.outlineColor, boxShadow: cs.boxShadow,
    contrast: Math.round(contrast * 100) / 100, marked: outlined || shadowed, tabIndex: e.tabIndex,
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
  };
})()`

// tabStops presses Tab through the page ctx shows until the focus comes
// back to an element it reached before, and returns each element reached
// once, in the order Tab visits them from the top of the page. It starts
// wherever the focus is (an autofocus field, say) and leaves the focus
// where the cycle closed.
func tabStops(ctx context.Context) ([]focusStop, error) {
	ctx, cancel := context.WithTimeout(ctx, tabTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__tabStops = []`)); err != nil {
		return nil, err
	}
	read := func() (probed, error) {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](focusProbe))
		if err != nil {
			return probed{}, fmt.Errorf("reading the focused element: %w", err)
		}
		var s probed
		if err := json.Unmarshal(raw, &s); err != nil {
			return probed{}, fmt.Errorf("decoding the focused element %s: %w", raw, err)
		}
		s.Indicated = s.Marked && s.Contrast >= minFocusContrast
		return s, nil
	}
	var seen []probed
	// The element focused before the first Tab (an autofocus field) is
	// where the cycle may close, when Tab can reach it: the main content
	// the skip link focuses (tabindex -1) is not.
	first, err := read()
	if err != nil {
		return nil, err
	}
	if !first.None && first.TabIndex >= 0 {
		seen = append(seen, first)
	}
	for range maxTabs {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			return nil, fmt.Errorf("pressing Tab: %w", err)
		}
		s, err := read()
		if err != nil {
			return nil, err
		}
		switch {
		case s.None:
			// The focus left the page for the browser; the next Tab
			// brings it back to the top.
			continue
		case s.Again && len(seen) > 0 && s.Order == seen[len(seen)-1].Order:
			// Tab moves among the parts of one field (the month, day
			// and year of a date field): the same element keeps the
			// focus until its last part is left.
			continue
		case s.Again:
			// Tab must come back to where it started, not loop among
			// some of the page's controls.
			if len(seen) == 0 {
				return nil, fmt.Errorf("Tab goes back to %s, where the focus was before Tab, which Tab cannot reach", s.focusStop)
			}
			if s.Order != seen[0].Order {
				return nil, fmt.Errorf("after %s, Tab goes back to %s and never to %s: the focus is trapped",
					seen[len(seen)-1].focusStop, s.focusStop, seen[0].focusStop)
			}
			// The element focused before the first Tab may show its
			// focus only when Tab brings it (:focus-visible): keep what
			// Tab shows.
			seen[0] = s
			// Tab visits elements in document order on a page with no
			// positive tabindex; the cycle starts with the first of them.
			i := 0
			for j, x := range seen {
				if x.Order < seen[i].Order {
					i = j
				}
			}
			var stops []focusStop
			for _, x := range append(seen[i:], seen[:i]...) {
				stops = append(stops, x.focusStop)
			}
			return stops, nil
		}
		seen = append(seen, s)
	}
	return nil, fmt.Errorf("Tab reached %d elements and never came back to one", len(seen))
}

// tabThrough presses Tab through the page ctx shows, as a keyboard user
// does, and returns the elements it reached in Tab order from the top of
// the page (see tabStops). It fails the test, without stopping it, for
// each element whose focus does not show (no outline, no box shadow), that
// is off screen when focused, or that has a positive tabindex. Check that
// the controls a flow needs are reached with requireStops.
func tabThrough(t testing.TB, ctx context.Context) []focusStop {
	t.Helper()
	stops, err := tabStops(ctx)
	if err != nil {
		t.Fatalf("tabbing through the page: %v", err)
	}
	if len(stops) == 0 {
		t.Errorf("Tab reaches nothing on the page")
	}
	var problems []string
	for _, s := range stops {
		switch {
		case !s.Indicated:
			problems = append(problems, fmt.Sprintf("%s: the focus does not show: outline %s, box-shadow %s, contrast %.2f with the background, want %.0f",
				s, s.Outline, s.BoxShadow, s.Contrast, minFocusContrast))
		case !s.OnScreen:
			problems = append(problems, fmt.Sprintf("%s: off screen when it has the focus", s))
		}
		if s.TabIndex > 0 {
			problems = append(problems, fmt.Sprintf("%s: tabindex %d changes the order of Tab", s, s.TabIndex))
		}
	}
	if len(problems) > 0 {
		t.Errorf("keyboard use of the page:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return stops
}

// requireStops fails the test unless Tab reached each control of wants, in
// the order given (other stops may lie between them). A want is "#id",
// `tag "label"` (button "Sign in") or a stop's whole String.
func requireStops(t testing.TB, stops []focusStop, wants ...string) {
	t.Helper()
	at := 0
	for k, w := range wants {
		i := slices.IndexFunc(stops[at:], func(s focusStop) bool { return s.matches(w) })
		if i < 0 {
			where := "at all"
			if k > 0 && slices.ContainsFunc(stops, func(s focusStop) bool { return s.matches(w) }) {
				where = "after " + wants[k-1]
			}
			t.Errorf("Tab does not reach %s %s; it reaches, in order:\n  %s", w, where, strings.Join(stopNames(stops), "\n  "))
			return
		}
		at += i + 1
	}
}

// stopNames lists the stops as String names them.
func stopNames(stops []focusStop) []string {
	out := make([]string, len(stops))
	for i, s := range stops {
		out[i] = s.String()
	}
	return out
}
