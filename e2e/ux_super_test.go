package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/certboard/certboard/portfolio"
)

// TestUXSupervisorConfirmsInBulk: the demo supervisor, in a browser with
// JavaScript turned off, ticks several of Jamie's sessions (with the
// keyboard and the mouse) and confirms them in one go; the answer lands
// back at the form, scrolled to it, with the summary beside it. A dispute
// without a reason is refused with the ticks kept; with one it records
// both items and mails Jamie once. "Tick all awaiting" then ticks the rest,
// confirmed in one more go. The page passes axe, on a desktop and a phone,
// with the summary and with the error. The markup is the same on both
// engines, so it runs on SQLite only.
func TestUXSupervisorConfirmsInBulk(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	a, logins := startDemoApp(t, engines[0])
	b := newBrowser(t, a)
	sup := b.person("supervisor")
	// JavaScript is off but for axe-core, which is itself a script.
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(sup.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatalf("turning JavaScript on (%v): %v", on, err)
		}
	}
	axe := func(name string) {
		t.Helper()
		scripts(true)
		sup.axe(name)
		scripts(false)
	}
	scripts(false)
	sup.signInDemo(demoLogin(t, logins, "lee.park"))
	sup.open("/supervision")
	var page string
	sup.js(`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/supervision/"]')).find(a => a.textContent.includes('Jamie Patel'));
	  return a ? a.getAttribute('href') : ''; })()`, &page)
	if page == "" {
		sup.fatalf("Jamie Patel is not among the supervisees")
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(page, "/supervision/"), 10, 64)
	sup.click(`main a[href="` + page + `"]`)
	sup.expectText("h1", "Supervision of Jamie Patel")

	boxes := func() (all, ticked []string) {
		sup.t.Helper()
		var got []struct {
			ID      string `json:"id"`
			Checked bool   `json:"checked"`
		}
		sup.js(`Array.from(document.querySelectorAll('input.pick[form="decide-form"]'), b => ({id: b.value, checked: b.checked}))`, &got)
		for _, g := range got {
			all = append(all, g.ID)
			if g.Checked {
				ticked = append(ticked, g.ID)
			}
		}
		return all, ticked
	}
	pending, ticked := boxes()
	if len(pending) < 8 || len(ticked) != 0 {
		sup.fatalf("Jamie's claimed items should each have a box, none ticked: %v, ticked %v", pending, ticked)
	}

	// Tick two with the keyboard and one with the mouse, confirm with
	// the keyboard.
	first := pending[:3]
	sup.tabTo("pick-" + first[0])
	sup.keys(" ")
	sup.tabTo("pick-" + first[1])
	sup.keys(" ")
	sup.tick("pick-" + first[2])
	if _, ticked := boxes(); !slices.Equal(ticked, first) {
		sup.fatalf("ticked %v, want %v", ticked, first)
	}
	sup.tabTo("decide-confirm")
	sup.pressFor("\r")
	expectBack := func(summary string) {
		sup.t.Helper()
		want := fmt.Sprintf("/supervision/%d?at=decide", id)
		if got := sup.path(); got != want {
			sup.fatalf("after deciding, at %s, want %s", got, want)
		}
		var at struct {
			Hash   string  `json:"hash"`
			Top    float64 `json:"top"`
			Height float64 `json:"height"`
			Scroll float64 `json:"scroll"`
		}
		sup.js(`({hash: location.hash, top: document.getElementById('decide').getBoundingClientRect().top,
		  height: innerHeight, scroll: scrollY})`, &at)
		if at.Hash != "#decide" || at.Scroll <= 0 || at.Top < -1 || at.Top > at.Height/2 {
			sup.fatalf("the page should open at the form deciding ticked items: %+v", at)
		}
		sup.expectText("#decide .flash", summary)
		if n := len(sup.texts(".flash")); n != 1 {
			sup.fatalf("the summary shows %d times", n)
		}
	}
	expectBack("3 items confirmed.")
	for _, item := range first {
		if v := itemState(t, a, id, item, false); v.State != portfolio.Verified || !strings.Contains(v.By, "Lee Park") {
			t.Errorf("%s after confirming: %+v", item, v)
		}
	}
	axe("a supervisee's page with the summary of a batch")
	sup.atPhoneWidth(func() { sup.fitsPhone("a supervisee's page") })

	// A dispute needs a reason: refused, the ticks kept.
	_, ticked = boxes()
	if len(ticked) != 0 {
		sup.fatalf("the boxes should be clear after a batch: %v", ticked)
	}
	disputed := pending[3:5]
	for _, item := range disputed {
		sup.tick("pick-" + item)
	}
	sup.click("#decide-dispute")
	if sup.last.Status != 422 {
		sup.fatalf("a dispute without a reason answered HTTP %d, want 422", sup.last.Status)
	}
	sup.expectText("#decide-reason-error", "say what is not right")
	if _, ticked := boxes(); !slices.Equal(ticked, disputed) {
		sup.fatalf("after the refusal ticked %v, want %v kept", ticked, disputed)
	}
	axe("a supervisee's page with a refused batch")
	reason := "We did not meet in those weeks; the sessions were cancelled."
	sup.fill("decide-reason", reason)
	sup.click("#decide-dispute")
	expectBack("2 items disputed.")
	for _, item := range disputed {
		if v := itemState(t, a, id, item, false); v.State != portfolio.Rejected || v.Note != reason {
			t.Errorf("%s after disputing: %+v", item, v)
		}
	}
	var mails []mail
	for _, m := range a.mailTo(demoLogin(t, logins, "jamie").Email) {
		if strings.Contains(m.Subject, "disputed") {
			mails = append(mails, m)
		}
	}
	if len(mails) != 1 || !strings.Contains(mails[0].Body, reason) {
		t.Errorf("Jamie should get one mail listing both disputes: %+v", mails)
	}

	// Tick all that await a decision: a link, no script; then confirm.
	sup.click(fmt.Sprintf(`#decide a[href="/supervision/%d?select=pending#decide"]`, id))
	_, ticked = boxes()
	rest := slices.DeleteFunc(slices.Clone(pending), func(s string) bool { return slices.Contains(first, s) || slices.Contains(disputed, s) })
	if !slices.Equal(ticked, rest) {
		sup.fatalf("tick all ticked %v, want the %d left %v", ticked, len(rest), rest)
	}
	sup.click("#decide-confirm")
	expectBack(fmt.Sprintf("%d items confirmed.", len(rest)))
	for _, item := range rest {
		if v := itemState(t, a, id, item, false); v.State != portfolio.Verified {
			t.Errorf("%s after confirming all: %+v", item, v)
		}
	}
	sup.expectText("main dl.facts", "Awaiting your confirmation")
	if got := sup.text("main dl.facts dd:nth-of-type(4)"); got != "0" {
		t.Errorf("awaiting after confirming all: %q, want 0", got)
	}
}
