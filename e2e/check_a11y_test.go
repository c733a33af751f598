package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	kit "github.com/certboard/certboard/web"
)

// Pages served under certboard's own security headers to show that the
// helpers of axe_test.go and harness_keyboard_test.go are not blind.
const (
	// brokenPage breaks five axe rules, one of them a best practice; its
	// inline script must not run under the Content-Security-Policy.
	brokenPage = `<!doctype html><html><head><title>broken</title><link rel="stylesheet" href="/s.css"></head><body>
<script>document.title = 'the inline script ran'</script>
<main><h1>Broken</h1>
<img src="/s.png">
<form><input id="q" name="q"></form>
<p class="faint">Text too faint to read.</p>
<h4>A heading four levels down</h4>
</main></body></html>`
	// goodPage breaks no axe rule; its last two links show no focus, or
	// one too faint to see.
	goodPage = `<!doctype html><html lang="en"><head><title>good</title><link rel="stylesheet" href="/s.css"></head><body>
<header><a class="skip" href="#main">Skip to content</a></header>
<main id="main"><h1>Good</h1>
<form><label for="q">Search</label><input id="q" name="q"><button type="submit">Search</button></form>
<p><a href="/elsewhere">Elsewhere</a> <a class="nofocus" href="/hidden-focus">No focus shown</a>
<a class="faintfocus" href="/faint-focus">Faint focus</a></p>
</main></body></html>`
	// trapPage's script sends Tab from its last link back to the second.
	trapPage = `<!doctype html><html lang="en"><head><title>trap</title><script src="/trap.js" defer></script></head><body>
<main><h1>Trap</h1><p><a id="a" href="/a">A</a> <a id="b" href="/b">B</a> <a id="c" href="/c">C</a></p></main></body></html>`
	trapScript = `document.getElementById('c').addEventListener('keydown', e => {
  if (e.key === 'Tab') { e.preventDefault(); document.getElementById('b').focus(); }
});`
	testCSS = `.faint { color: #c8c8c8; } a:focus-visible, input:focus-visible, button:focus-visible { outline: 3px solid #1b1f24; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; }
a.nofocus:focus-visible { outline: none; } a.faintfocus:focus-visible { outline-color: #ffbf47; }`
)

// servePages serves the test pages through the web kit's SecurityHeaders,
// as certboard serves its own.
func servePages(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, body)
		}
	}
	mux.Handle("GET /broken", page(brokenPage))
	mux.Handle("GET /good", page(goodPage))
	mux.Handle("GET /trap", page(trapPage))
	mux.HandleFunc("GET /trap.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, trapScript)
	})
	mux.HandleFunc("GET /s.css", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, testCSS)
	})
	ts := httptest.NewServer(kit.SecurityHeaders(mux))
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestAxeFindsProblems shows that axe-core, injected into a page served
// with certboard's Content-Security-Policy (which stops the page's own
// inline script), runs and reports what the page breaks; that exemptions
// are checked; and that a page breaking nothing passes.
func TestAxeFindsProblems(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, nil)
	p := b.person("axe checker")
	base := servePages(t)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(base+"/broken")); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(p.ctx, chromedp.Title()); err != nil || title != "broken" {
		t.Fatalf("the page's inline script ran (title %q, %v): the Content-Security-Policy is not in force", title, err)
	}
	rep, err := runAxe(p.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, v := range rep.Violations {
		found = append(found, v.ID)
		if len(v.Nodes) == 0 || v.Nodes[0].Target == "" || v.Nodes[0].HTML == "" || v.Help == "" || v.Impact == "" {
			t.Errorf("violation %s lacks what a person needs to fix it: %+v", v.ID, v)
		}
	}
	slices.Sort(found)
	want := []string{"color-contrast", "heading-order", "html-has-lang", "image-alt", "label"}
	if !slices.Equal(found, want) {
		t.Errorf("axe found %v on the broken page, want %v", found, want)
	}
	all := rep.problems(nil)
	if len(all) != len(want) || !strings.Contains(strings.Join(all, "\n"), `<input id="q" name="q">`) {
		t.Errorf("the problems listed do not show each violation and its element:\n%s", strings.Join(all, "\n"))
	}

	// An exemption removes its rule only; one of a rule the page does not
	// break, of an unknown rule or without a reason is a problem itself.
	exempt := []axeExempt{
		{Rule: "image-alt", Why: "a test of exemptions"},
		{Rule: "duplicate-id", Why: "stale"},
		{Rule: "no-such-rule", Why: "a typo"},
		{Rule: "label"},
	}
	rep, err = runAxe(p.ctx, exempt)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.problems(exempt)
	for _, w := range []string{"color-contrast (serious)", "heading-order (moderate)", "html-has-lang (serious)",
		"duplicate-id is exempted (stale) but the page no longer breaks it", "names no-such-rule, which axe-core " + axeVersion + " does not have",
		"the exemption of label gives no reason"} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) || strings.Contains(g, w) }) {
			t.Errorf("with exemptions, the problems miss %q:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, "image-alt") }) || len(got) != 6 {
		t.Errorf("with exemptions, the problems are not the 6 expected:\n%s", strings.Join(got, "\n"))
	}

	// A page that breaks nothing passes.
	if err := chromedp.Do(p.ctx, chromedp.Navigate(base+"/good")); err != nil {
		t.Fatal(err)
	}
	checkAxe(t, p.ctx, "the good page")
}

// TestTabStopsFindProblems shows that tabStops, under tabThrough, sees
// every control in order with its focus shown or not, and refuses a page
// whose script traps the focus.
func TestTabStopsFindProblems(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, nil)
	p := b.person("keyboard checker")
	base := servePages(t)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(base+"/good")); err != nil {
		t.Fatal(err)
	}
	stops, err := tabStops(p.ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := stopNames(stops)
	wantStops := []string{`a "Skip to content"`, `input#q "Search"`, `button "Search"`, `a "Elsewhere"`, `a "No focus shown"`, `a "Faint focus"`}
	if !slices.Equal(names, wantStops) {
		t.Errorf("Tab reaches %q, want %q", names, wantStops)
	}
	for _, s := range stops {
		if s.Indicated == (s.Label == "No focus shown" || s.Label == "Faint focus") {
			t.Errorf("%s: indicated %v (outline %s, box-shadow %s, contrast %.2f)", s, s.Indicated, s.Outline, s.BoxShadow, s.Contrast)
		}
		if !s.OnScreen {
			t.Errorf("%s is off screen when focused", s)
		}
	}
	requireStops(t, stops, "#q", `button "Search"`, `a "No focus shown"`)

	if err := chromedp.Do(p.ctx, chromedp.Navigate(base+"/trap")); err != nil {
		t.Fatal(err)
	}
	if _, err := tabStops(p.ctx); err == nil || !strings.Contains(err.Error(), "the focus is trapped") {
		t.Errorf("tabbing through a page that traps the focus: %v, want a trap reported", err)
	}
}
