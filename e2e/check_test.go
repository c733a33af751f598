package e2e

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPageCheckFindsProblems shows that the structural check run on every
// page is not blind: a page that breaks each rule gets each complaint.
func TestPageCheckFindsProblems(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, nil)
	p := b.person("checker")
	const broken = `<!doctype html><title>broken</title>
<h1>One</h1><h1>Two</h1>
<form><input id="a" name="a"><label for="b">B</label><select id="b" name="b"></select>
<textarea name="c"></textarea><input type="hidden" name="d"><input id="a" name="e" aria-label="E" aria-describedby="nowhere"></form>`
	if err := chromedp.Do(p.ctx, chromedp.Navigate("data:text/html,"+url.PathEscape(broken))); err != nil {
		t.Fatal(err)
	}
	var problems []string
	p.js(pageProblems, &problems)
	want := []string{
		"2 <h1> elements, want exactly 1",
		"no skip link",
		`<input name="a" id="a"> has no label`,
		`<textarea name="c" id=""> has no label`,
		`duplicate id "a"`,
		`names missing id "nowhere"`,
	}
	for _, w := range want {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, w) }) {
			t.Errorf("the check misses %q; it found %q", w, problems)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("the check found %d problems, want %d: %q", len(problems), len(want), problems)
	}
}
