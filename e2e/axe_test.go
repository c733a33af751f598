package e2e

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The vendored axe-core (testdata/axe, see its NOTICE): the browser tests
// inject it into the pages they visit; nothing is fetched at run time.
// Updating it means changing both constants (see "Updating axe-core" in
// doc.go); TestVendoredAxe fails when the file and the pin disagree.
const (
	// axeVersion is the axe-core release vendored, as axe.version gives it.
	axeVersion = "4.14.1"
	// axeSHA256 is the hex SHA-256 of testdata/axe/axe.min.js, the same
	// digest as axe-core's own sri-history.json lists for the release.
	axeSHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
	// axeTimeout bounds one injection and run of axe on a page: the
	// longest pages (a portfolio of 80 items) take a few seconds on a
	// busy machine.
	axeTimeout = time.Minute
	// axeNodesShown is how many failing elements a violation lists.
	axeNodesShown = 3
)

//go:embed testdata/axe/axe.min.js
var axeScript string

// axeTags selects the axe rules every page must pass: WCAG 2.0, 2.1 and 2.2
// at levels A and AA, and axe's best practices (landmarks, one main, heading
// order, unique landmark names...). Rules tagged only AAA or experimental
// are left out.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// axeExempt leaves one axe rule out of one page's check, for a violation
// that needs more than a small fix. Why says what the violation is and
// what fixing it would take; it is logged on every run. A rule exempted
// but no longer violated fails the check, so that exemptions do not
// outlive their reason.
type axeExempt struct {
	Rule string
	Why  string
}

// axeNode is one element that breaks a rule.
type axeNode struct {
	// Target is the element's CSS selector (frames joined by " | ", shadow
	// roots by " >>> ").
	Target string `json:"target"`
	// HTML is the element's opening tag, as axe cuts it.
	HTML string `json:"html"`
	// Summary says what to fix ("Fix any of the following: ...").
	Summary string `json:"summary"`
}

// axeViolation is one axe rule a page breaks, with the elements that
// break it.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

// axeReport is what axe found on a page.
type axeReport struct {
	// URL is the address of the page checked.
	URL string `json:"url"`
	// Violations are the rules broken, exempted ones included.
	Violations []axeViolation `json:"violations"`
	// Incomplete are the rules axe could not decide (such as contrast over
	// a background image), with one element each; they do not fail the
	// check.
	Incomplete []axeViolation `json:"incomplete"`
	// Passed counts the rules that passed.
	Passed int `json:"passes"`
	// Unknown are the exempted rule ids axe does not have.
	Unknown []string `json:"unknown"`
}

// injectAxe puts the vendored axe-core into the current page unless it is
// there already. It is evaluated through the DevTools protocol
// (Runtime.evaluate), to which the page's Content-Security-Policy does not
// apply: certboard's script-src 'self' refuses inline scripts and eval, yet
// the injected axe runs (TestAxeFindsProblems checks it on a page served
// with the real headers).
func injectAxe(ctx context.Context) error {
	version, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof axe === 'object' && axe ? String(axe.version) : ''`))
	if err != nil {
		return fmt.Errorf("looking for axe in the page: %w", err)
	}
	if version == "" {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeScript)); err != nil {
			return fmt.Errorf("injecting axe-core: %w", err)
		}
		if version, err = chromedp.Run(ctx, chromedp.Evaluate[string](`String(axe.version)`)); err != nil {
			return fmt.Errorf("axe-core is not in the page after injecting it: %w", err)
		}
	}
	if version != axeVersion {
		return fmt.Errorf("the page has axe-core %s, want the vendored %s", version, axeVersion)
	}
	return nil
}

// runAxe injects axe-core into the page ctx shows and runs it with the
// rules of axeTags, awaiting its promise.
func runAxe(ctx context.Context, exempt []axeExempt) (*axeReport, error) {
	ctx, cancel := context.WithTimeout(ctx, axeTimeout)
	defer cancel()
	if err := injectAxe(ctx); err != nil {
		return nil, err
	}
	rules := []string{}
	for _, e := range exempt {
		rules = append(rules, e.Rule)
	}
	tags, _ := json.Marshal(axeTags)
	ids, _ := json.Marshal(rules)
	// The exempted rules run too, so that a stale exemption shows.
	// resultTypes keeps one element per passed or incomplete rule: only
	// the violations are listed in full.
	script := `(async () => {
	  const known = new Set(axe.getRules().map(r => r.ruleId));
	  const unknown = ` + string(ids) + `.filter(id => !known.has(id));
	  const sel = t => t.map(s => Array.isArray(s) ? s.join(' >>> ') : s).join(' | ');
	  const rule = v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	    nodes: v.nodes.map(n => ({target: sel(n.target), html: n.html, summary: n.failureSummary || ''}))});
	  const r = await axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']});
	  return {url: location.href, passes: r.passes.length, unknown, incomplete: r.incomplete.map(rule), violations: r.violations.map(rule)};
	})()`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var rep axeReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("decoding axe's results (%.200s): %w", raw, err)
	}
	return &rep, nil
}

// problems lists what fails the check of a page: each violation of a rule
// not exempted, each exemption of a rule the page no longer breaks or axe
// does not know, and each exemption without its reason.
func (r *axeReport) problems(exempt []axeExempt) []string {
	var out []string
	for _, v := range r.Violations {
		if !slices.ContainsFunc(exempt, func(e axeExempt) bool { return e.Rule == v.ID }) {
			out = append(out, v.String())
		}
	}
	for _, e := range exempt {
		switch {
		case e.Why == "":
			out = append(out, fmt.Sprintf("the exemption of %s gives no reason", e.Rule))
		case slices.Contains(r.Unknown, e.Rule):
			out = append(out, fmt.Sprintf("the exemption names %s, which axe-core %s does not have", e.Rule, axeVersion))
		case !slices.ContainsFunc(r.Violations, func(v axeViolation) bool { return v.ID == e.Rule }):
			out = append(out, fmt.Sprintf("%s is exempted (%s) but the page no longer breaks it: remove the exemption", e.Rule, e.Why))
		}
	}
	return out
}

// String describes a violation for a person fixing it: the rule, its
// impact and help, the link to its explanation and the first elements
// with what to fix on each.
func (v axeViolation) String() string {
	var b strings.Builder
	help, _, _ := strings.Cut(v.HelpURL, "?")
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, help)
	if len(v.Nodes) > axeNodesShown {
		fmt.Fprintf(&b, "\n    %d elements, the first %d:", len(v.Nodes), axeNodesShown)
	}
	for _, n := range v.Nodes[:min(len(v.Nodes), axeNodesShown)] {
		fmt.Fprintf(&b, "\n    - %s\n      %s", n.Target, oneLine(n.HTML))
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", summaryLine(n.Summary))
		}
	}
	return b.String()
}

// summaryLine puts axe's failure summary on one line: its heading ("Fix
// any of the following:") and each check that failed, separated by
// semicolons.
func summaryLine(summary string) string {
	var parts []string
	for _, l := range strings.Split(summary, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	if len(parts) < 2 {
		return oneLine(summary)
	}
	return oneLine(parts[0] + " " + strings.Join(parts[1:], "; "))
}

// checkAxe runs the vendored axe-core on the page ctx shows (a chromedp
// tab: a person's p.ctx) and fails the test, without stopping it, for
// every violation of a rule of axeTags, listing each rule with its impact,
// help and first failing elements. name says which page it is in the
// failure. A rule that needs a redesign rather than a fix may be exempted
// for this page only, with the reason (see axeExempt).
func checkAxe(t testing.TB, ctx context.Context, name string, exempt ...axeExempt) {
	t.Helper()
	rep, err := runAxe(ctx, exempt)
	if err != nil {
		t.Fatalf("axe on %s: %v", name, err)
	}
	for _, e := range exempt {
		t.Logf("axe on %s: %s exempted: %s", name, e.Rule, e.Why)
	}
	if problems := rep.problems(exempt); len(problems) > 0 {
		t.Errorf("axe-core %s on %s (%s) found %d problems:\n  - %s", axeVersion, name, rep.URL, len(problems), strings.Join(problems, "\n  - "))
		return
	}
	for _, v := range rep.Incomplete {
		t.Logf("axe on %s could not decide %s", name, v)
	}
}

// axe is checkAxe on the page the person shows, at the browser's width
// (1280 CSS pixels) and on a phone's (390, see atPhoneWidth), where tables
// scroll and controls stack. An exemption applies to both; a rule broken
// at one width only is exempted by calling checkAxe at that width.
func (p *person) axe(name string, exempt ...axeExempt) {
	p.t.Helper()
	checkAxe(p.t, p.ctx, p.who+": "+name, exempt...)
	p.atPhoneWidth(func() {
		var width int
		p.js(`document.documentElement.clientWidth`, &width)
		if width > 390 {
			p.fatalf("the page is %d px wide on a phone 390 px wide", width)
		}
		checkAxe(p.t, p.ctx, p.who+": "+name+" on a phone", exempt...)
	})
}

// TestVendoredAxe fails when testdata/axe/axe.min.js is not the release
// pinned by axeVersion and axeSHA256, so that a change to it is deliberate.
func TestVendoredAxe(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte(axeScript))
	if got := hex.EncodeToString(sum[:]); got != axeSHA256 {
		t.Errorf("testdata/axe/axe.min.js has SHA-256 %s, want the pinned %s (axe-core %s); see \"Updating axe-core\" in doc.go",
			got, axeSHA256, axeVersion)
	}
	if head := "/*! axe v" + axeVersion + "\n"; !strings.HasPrefix(axeScript, head) {
		t.Errorf("testdata/axe/axe.min.js does not begin with %q: %.40q", head, axeScript)
	}
}
