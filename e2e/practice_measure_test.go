package e2e

import (
	"fmt"
	"testing"
)

// TestPracticeMeasureInProgress records a GAD-7 with an item left
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
	// Item 4 is left at "Not answered yet".
	answers := []int{1, 2, 1, -1, 0, 1, 2}
	for i, v := range answers {
		if v >= 0 {
			p.radio(fmt.Sprintf(`input[name="item-%d"][value="%d"]`, i+1, v))
		}
	}
	if !p.has(`input[name="item-4"][value=""]:checked`) {
		p.fatalf("an item not touched is not shown as not answered yet")
	}
	p.click(`form[action="` + measures + `"] button[type=submit]`)
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
