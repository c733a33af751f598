package notify

import (
	"regexp"
	"strings"
	"testing"
)

// internalID is an application, item or user named by its number, as
// mails must not: people know their application by the set they applied
// for, and others by their names.
var internalID = regexp.MustCompile(`(?i)\b(application|item|user|document) #?\d+\b`)

// TestMailsSpeakToPeople: no example mail names an application, item or
// user by its internal number, says "1 items" or "(s)", or shows the
// board's words heading with nothing under it.
func TestMailsSpeakToPeople(t *testing.T) {
	for name, m := range examples {
		mail, err := Render("someone@example.org", m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := mail.Subject + "\n" + mail.Body
		if id := internalID.FindString(text); id != "" {
			t.Errorf("%s names %q:\n%s", name, id, text)
		}
		if strings.Contains(text, "(s)") || strings.Contains(text, " 1 items") {
			t.Errorf("%s counts wrongly:\n%s", name, text)
		}
		if i := strings.Index(mail.Body, "The board wrote:"); i >= 0 && strings.TrimSpace(mail.Body[i+len("The board wrote:"):]) == "" {
			t.Errorf("%s ends on an empty \"The board wrote:\":\n%s", name, mail.Body)
		}
	}
	for _, m := range []Mail{
		ApplicationStateChanged{Name: "Jordan Reyes", App: 12, Set: "AASECT Certified Sex Therapist (CST)", State: "under review", Link: "https://board.example/applications/12"},
		CredentialStatusChanged{Name: "Jordan Reyes", Set: "AASECT Certified Sex Therapist (CST)", Link: "https://board.example/credentials/urn:uuid:1", Past: "reinstated"},
	} {
		mail, err := Render("someone@example.org", m)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(mail.Body, "The board wrote") {
			t.Errorf("a mail without a reason shows the heading:\n%s", mail.Body)
		}
	}
}
