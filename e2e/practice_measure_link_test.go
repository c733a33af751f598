package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPracticeMeasureLink: a practitioner shows a client a PHQ-9 in the
// room as a QR code and its address; the client opens it on their phone,
// in a browser of their own without an account, answers half of it a
// question a step, leaves, comes back in a new browser and picks up
// where they stopped, checks the answers and sends them. The response is
// scored on the case, the link says answered, and opening it again gives
// the plain page of a link that cannot be used. Every page passes axe,
// the client's on a phone.
func TestPracticeMeasureLink(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	_, caseID := pa.practiceClient(practitioner, "Kai Morgan", "1996-11-30")
	measures := fmt.Sprintf("/cases/%d/measures", caseID)
	links := fmt.Sprintf("/cases/%d/measures/links", caseID)

	p := pb.person("practitioner")
	pb.signIn(p, pa.login(practitioner))
	p.open(measures)
	pb.axe(p, "a case's measures, no link sent")
	p.click(`main a[href="` + links + `"]`)
	p.expectText("#sent-h ~ p", "No link sent yet")
	pb.axe(p, "a case's links, none yet")
	p.js(`document.getElementById('send-instrument').value = 'phq-9', null`, nil)
	p.radio(`input[name="delivery"][value="room"]`)
	p.click(`form[action="` + links + `"] button[type=submit]`)
	p.expectText("h1", "Show this to the client")
	if !p.has(`img.qr[src^="data:image/png;base64,"]`) {
		p.fatalf("no QR code")
	}
	var address string
	p.js(`document.getElementById('link-url').value`, &address)
	path, ok := strings.CutPrefix(address, pa.url)
	if !ok || !strings.HasPrefix(path, "/m/") {
		p.fatalf("the link's address is %q", address)
	}
	pb.shot(p, "practice-measure-link-room.png", "", 1200)
	pb.axe(p, "a link shown in the room")

	// The client, on their phone: no account, a browser of their own.
	client := pb.person("client")
	phone := func(c *person) {
		c.t.Helper()
		if err := chromedp.Do(c.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
			c.fatalf("emulating a phone: %v", err)
		}
	}
	phone(client)
	client.open(path)
	client.expectText("h1", "Question 1 of 9")
	client.expectText("main", "0 of 9 questions answered")
	if !client.has(`progress[max="9"][value="0"]`) || !client.has(`fieldset legend`) {
		client.fatalf("no progress bar or labelled group of answers")
	}
	if strings.Contains(client.text("main"), "Kai") || strings.Contains(client.text("main"), "PHQ") {
		client.fatalf("the client's form names the record")
	}
	client.fitsPhone("the first question")
	pb.shot(client, "practice-measure-link-phone.png", "", 0)
	pb.axe(client, "the first question of a link")
	phone(client)
	answer := func(c *person, n int, value string) {
		c.t.Helper()
		c.expectText("h1", fmt.Sprintf("Question %d of 9", n))
		c.radio(fmt.Sprintf(`input[name="item-%d"][value="%s"]`, n, value))
		c.click(`button[value="next"]`)
	}
	for n := 1; n <= 4; n++ {
		answer(client, n, "1")
	}
	client.expectText("h1", "Question 5 of 9")
	// Back to question 4: the answer is kept.
	client.click(`button[value="back"]`)
	client.expectText("h1", "Question 4 of 9")
	if !client.has(`input[name="item-4"][value="1"]:checked`) {
		client.fatalf("the answer to question 4 was not kept")
	}

	// The client leaves, and comes back later in a new browser.
	again := pb.person("client, later")
	phone(again)
	again.open(path)
	again.expectText("h1", "Question 5 of 9")
	again.expectText("main", "4 of 9 questions answered")
	for n := 5; n <= 9; n++ {
		answer(again, n, "0")
	}
	again.expectText("h1", "One last question")
	pb.axe(again, "the closing question of a link")
	phone(again)
	again.radio(`input[name="closing"][value="Somewhat difficult"]`)
	again.click(`button[value="next"]`)
	again.expectText("h1", "Check your answers")
	again.expectText(".link-review", "Somewhat difficult")
	again.fitsPhone("the review")
	pb.axe(again, "the review of a link")
	phone(again)
	again.click(`button[value="send"]`)
	again.expectPath("/m/thanks")
	again.expectText("main", "Your answers were sent to your practitioner")
	if strings.Contains(again.text("main"), "4") {
		again.fatalf("the thanks page shows a number: %q", again.text("main"))
	}
	pb.axe(again, "the thanks of a link")

	// Used: the same plain page as any link that cannot be used.
	client.open(path)
	client.expectText("h1", "This link cannot be used")
	if client.last.Status != 404 {
		client.fatalf("a used link answers %d", client.last.Status)
	}
	pb.axe(client, "a used link")

	// The response is on the case, entered in the practitioner's name.
	p.open(measures)
	p.expectText("#responses-h ~ .table-wrap", "PHQ-9")
	p.expectText("#responses-h ~ .table-wrap", "scored")
	pb.axe(p, "a case's measures with a response sent by the client")
	p.open(links)
	p.expectText("#sent-h ~ .table-wrap", "answered")
	pb.axe(p, "a case's links, one answered")
}
