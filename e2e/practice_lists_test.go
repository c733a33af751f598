package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice/practiceseed"
)

// TestPracticeLongLists: a practitioner with many clients finds one by
// typing part of their name, and pages through their clients and a
// case's notes with plain links and the keyboard, without JavaScript
// needed; every page passes axe.
func TestPracticeLongLists(t *testing.T) {
	needBrowser(t)
	pa := startPractice(t)
	seeded, err := practiceseed.Seed(context.Background(), pa.st, practiceseed.Config{Clients: 120, Notes: 40, Responses: 60,
		Now: practiceEpoch, Password: pa.password})
	if err != nil {
		t.Fatal(err)
	}
	pb := newPracticeBrowser(t, pa)
	p := pb.person("practitioner")
	keyboardPracticeSignIn(pb, p, seeded.Practitioner.Email, seeded.Secrets[seeded.Practitioner.Email])

	p.open("/clients")
	p.expectText("nav.pager", "Page 1 of 3")
	pb.axe(p, "the first page of 120 clients")
	p.tabTo("q")
	first := strings.Fields(seeded.BigName)[0]
	p.keys(strings.ToLower(first[:3]))
	p.enter()
	p.expectText("main p[role=status]", "of your 120 clients match")
	p.expectText("main table", seeded.BigName)
	pb.axe(p, "clients filtered by name")

	p.open("/clients")
	p.click(`nav.pager a[rel="next"]`)
	p.expectPath("/clients?page=2")
	p.expectText("nav.pager", "Page 2 of 3")

	p.open(fmt.Sprintf("/case-notes/%d", seeded.BigCase))
	p.expectText("nav.pager", "Page 1 of 2")
	p.click(`nav.pager a[rel="next"]`)
	p.expectText("#progress-h + p + p", "Notes 26 to 40 of 40")
	pb.axe(p, "the second page of a case's notes")

	p.open(fmt.Sprintf("/clients/%d", seeded.BigClient))
	p.expectText("#measures", "The latest 10 of 60 responses")
	pb.axe(p, "the record of a client with 60 responses")
}
