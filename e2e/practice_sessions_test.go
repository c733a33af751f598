package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
)

// TestPracticeSessions has a practitioner schedule a video session for a
// couple from the client's record, see it on the record and among their
// upcoming sessions, then make a calendar address and read it as a
// calendar program does: an iCalendar file with the session and nothing
// of the client. Every page passes axe at a desktop's and a phone's
// width.
func TestPracticeSessions(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	ctx := context.Background()
	if _, err := pa.p.SetPracticeIdentifiers(ctx, pa.actor(practiceAdmin),
		practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic", TimeZone: "America/Chicago"}, 0); err != nil {
		t.Fatal(err)
	}
	clientID, _ := pa.practiceClient(practitioner, "Robin Vega", "1987-06-30")
	clientPath := fmt.Sprintf("/clients/%d", clientID)

	p := pb.person("practitioner")
	pb.signIn(p, pa.login(practitioner))
	p.click(fmt.Sprintf(`#clients-h + ul a[href="%s"]`, clientPath))
	p.expectText("#sessions", "No session is scheduled")
	pb.axe(p, "a client's record without sessions")

	p.click(fmt.Sprintf(`#sessions a[href="/client-sessions/%d/new"]`, clientID))
	p.expectText("h1", "Schedule a session")
	pb.axe(p, "the form of a new session")
	// A video session without its link: the field says what to fix.
	p.radio(`input[name="modality"][value="video"]`)
	p.radio(`input[name="kind"][value="couple"]`)
	p.choose("sf-cpt", "90847")
	p.fill("sf-fee", "150.00")
	p.click(fmt.Sprintf(`form[action="/client-sessions/%d"] button[type=submit]`, clientID))
	p.expectText("#sf-video-error", "https://")
	pb.axe(p, "the form of a new session with an error")
	p.fill("sf-video", "https://meet.example/robin-vega")
	p.click(fmt.Sprintf(`form[action="/client-sessions/%d"] button[type=submit]`, clientID))
	p.expectFlash("Scheduled the session.")
	p.expectText("main dl.facts", "couple, video")
	p.expectText("main dl.facts", "90847")
	sessionPath := p.path()
	pb.axe(p, "a scheduled session")
	pb.shot(p, "practice-session.png", "", 1600)

	p.open(clientPath)
	p.expectText("#sessions", "couple, video, CPT 90847")
	pb.axe(p, "a client's record with a session")
	p.click(`header nav a[href="/sessions"]`)
	p.expectText("h1", "Your upcoming sessions")
	p.expectText("main table", "Robin Vega")
	if !p.has(`main table a[href="` + sessionPath + `"]`) {
		p.fatalf("the upcoming sessions do not link to %s", sessionPath)
	}
	pb.axe(p, "the practitioner's upcoming sessions")

	p.click(`main a[href="/calendar"]`)
	p.expectText("h1", "Your calendar feed")
	pb.axe(p, "the calendar feed page, no address yet")
	p.click(`form[action="/calendar"] button[type=submit]`)
	p.expectFlash("Copy it now")
	var address string
	p.js(`document.getElementById("feed-address").value`, &address)
	pb.axe(p, "the calendar feed page with its new address")
	if !strings.HasPrefix(address, pa.url+"/calendar/") || !strings.HasSuffix(address, ".ics") {
		t.Fatalf("the feed's address is %q", address)
	}
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("the feed answers %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cal := string(body)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "BEGIN:VEVENT\r\n", "SUMMARY:Session (couple\\, video)\r\n", "STATUS:CONFIRMED\r\n"} {
		if !strings.Contains(cal, want) {
			t.Errorf("the feed lacks %q:\n%s", want, cal)
		}
	}
	for _, never := range []string{"Robin", "Vega", "meet.example"} {
		if strings.Contains(cal, never) {
			t.Errorf("the feed says %q", never)
		}
	}

	// Revoked, the address answers as an unknown one does.
	p.click(`form[action="/calendar/revoke"] button[type=submit]`)
	p.expectFlash("Revoked your calendar address")
	pb.axe(p, "the calendar feed page after revoking")
	resp, err = http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the revoked feed answers %d, not 404", resp.StatusCode)
	}
}
