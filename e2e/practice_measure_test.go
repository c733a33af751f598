package e2e

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// TestPracticeMeasureInProgress records a GAD-7 with the keyboard alone
// (Tab from item to item, the arrow keys to choose), with an item left
// unanswered: the practice saves it in progress, with no score and
// nothing charted, and says so; the response's page offers the rest of
// the form, and answering the last item scores it. Every page passes axe
// at a desktop's and a phone's width.
func TestPracticeMeasureInProgress(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	clientID, caseID := pa.practiceClient(practitioner, "Kai Morgan", "1996-11-30")
	measures := fmt.Sprintf("/cases/%d/measures", caseID)
	p := pb.person("practitioner")
	pb.signIn(p, pa.login(practitioner))

	p.open(measures)
	pb.axe(p, "a case's measures, none yet")
	p.click(`main a[href="` + measures + `/new?instrument=gad-7"]`)
	p.expectText("h1", "GAD-7")
	pb.axe(p, "the GAD-7 form")
	// With the keyboard alone: Tab reaches each item's radio group once
	// (on its checked answer, "Not answered yet" at first), the arrow
	// keys choose within it; item 4 is left unanswered.
	stops := tabThrough(t, p.ctx)
	requireStops(t, stops, `input "Not answered yet"`, "#taken_date", "#taken_time", `button "Save"`)
	answers := []int{1, 2, 1, -1, 0, 1, 2}
	p.js(`document.activeElement && document.activeElement.blur(), null`, nil)
	for i, v := range answers {
		p.tabToMatch(fmt.Sprintf(`input[name="item-%d"]`, i+1))
		if v < 0 {
			continue
		}
		// From "Not answered yet", the last, ArrowDown wraps to the first
		// answer (0), then goes down one a value.
		for range v + 1 {
			p.keys(kb.ArrowDown)
		}
	}
	var got []string
	p.js(`Array.from({length: 7}, (_, i) => { const e = document.querySelector('input[name="item-' + (i + 1) + '"]:checked'); return e ? e.value : '?'; })`, &got)
	if want := []string{"1", "2", "1", "", "0", "1", "2"}; !slices.Equal(got, want) {
		p.fatalf("the answers chosen with the arrow keys are %q, want %q", got, want)
	}
	p.tabToMatch(`form[action="` + measures + `"] button[type=submit]`)
	p.pressFor("\r")
	p.expectFlash("Saved GAD-7 in progress: 6 of 7 items answered")
	p.expectText("main dl.facts", "in progress")
	p.expectText("main dl.facts", "6 of 7 items answered, not scored")
	if p.has(`main dl.facts dt`) && contains(p.texts("main dl.facts dt"), "Score") {
		p.fatalf("a response in progress shows a score")
	}
	p.expectText("#continue-h", "Complete the response")
	pb.axe(p, "a GAD-7 in progress")

	p.open(measures)
	p.expectText("#responses-h ~ .table-wrap", "6 of 7 answered")
	p.expectText("#scores-h ~ p", "No scores yet")
	pb.axe(p, "a case's measures with one in progress")
	p.open(fmt.Sprintf("/clients/%d", clientID))
	if p.has("#measures figure.chart") {
		p.fatalf("a response in progress is charted")
	}
	pb.axe(p, "a client's record with a measure in progress")

	// The rest of the form: item 4 answered, the response is scored.
	p.click(`#measures a[href^="/measures/"]`)
	p.radio(`#continue-h ~ form input[name="item-4"][value="1"]`)
	p.click(`#continue-h ~ form button[type=submit]`)
	p.expectFlash("Scored GAD-7: total 8")
	p.expectText("main dl.facts", "scored")
	pb.axe(p, "a GAD-7 completed")
}

// contains reports whether one of texts is want.
func contains(texts []string, want string) bool {
	for _, s := range texts {
		if s == want {
			return true
		}
	}
	return false
}
