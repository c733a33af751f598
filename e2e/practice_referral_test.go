package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/certboard/certboard/practice"
)

// TestPracticeReferral has a practitioner without a sex therapy
// credential move a case that needs Intensive Therapy there: the practice
// refuses, saying why, keeps the case where it is and offers the referral
// form in its place, which the keyboard reaches; the referral recorded
// shows on the case. Every page passes axe at a desktop's and a phone's
// width.
func TestPracticeReferral(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	pa := startPractice(t)
	pb := newPracticeBrowser(t, pa)
	ctx := context.Background()
	// Sam's case is at Specific Suggestions, with depression on record:
	// the escalation rules call for Intensive Therapy.
	clientID, caseID := pa.practiceClient(uncertified, "Sam Okafor", "1984-09-02")
	by := pa.actor(uncertified)
	for _, to := range []string{"limited_information", "specific_suggestions"} {
		rep, err := pa.p.CaseReport(ctx, by, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pa.p.MoveCaseStage(ctx, by, caseID, practice.MoveCase{To: to, Reason: "the session went there", Version: rep.Case.Version}); err != nil {
			t.Fatalf("moving the case to %s: %v", to, err)
		}
	}
	if _, err := pa.p.RecordComorbidity(ctx, by, caseID, practice.ComorbidityInput{Kind: "depression", Source: "judgement",
		Note: "Low mood most days since the winter."}); err != nil {
		t.Fatal(err)
	}
	casePath := fmt.Sprintf("/cases/%d", caseID)

	p := pb.person("uncertified practitioner")
	pb.signIn(p, pa.login(uncertified))
	p.click(fmt.Sprintf(`#clients-h + ul a[href="/clients/%d"]`, clientID))
	pb.axe(p, "the client's record")
	p.click(`#cases a[href="` + casePath + `"]`)
	p.expectText("main dl.facts", "Specific Suggestions (SS)")
	p.expectText("#esc-h ~ p", "This case needs Intensive Therapy")
	pb.axe(p, "a case that needs Intensive Therapy")

	p.choose("move-to", "intensive_therapy")
	p.fill("move-reason", "Depression with the concern: the rules call for Intensive Therapy.")
	p.click(`form[action="` + casePath + `/stage"] button[type=submit]`)
	if p.last.Status != 403 {
		p.fatalf("a move outside the scope answers HTTP %d, not 403", p.last.Status)
	}
	p.expectText(".error-summary", "Intensive Therapy")
	p.expectText(".error-summary", "credential")
	p.expectText(".error-summary", "referral")
	p.expectText("main dl.facts", "Specific Suggestions (SS)")
	p.expectText("#offer-h", "Refer the client instead")
	pb.axe(p, "a move to Intensive Therapy refused, with the referral form")
	// The form offered is reached with the keyboard, field by field.
	stops := tabThrough(t, p.ctx)
	requireStops(t, stops, "#ref-stage", "#ref-name", "#ref-org", "#ref-contact", "#ref-registry", "#ref-why",
		`button "Record the referral"`)

	p.fill("ref-name", "Dr Ines Ortiz")
	p.fill("ref-org", "Lakeside Sexual Health")
	p.fill("ref-contact", "+1 555 0100")
	p.fill("ref-why", "Depression with erectile disorder: Intensive Therapy with a certified sex therapist.")
	p.radio(`#offer-h ~ form input[name="referral.consent"][value="yes"]`)
	p.radio(`#offer-h ~ form input[name="referral.share"][value="concerns"]`)
	p.fill("ref-shared", "the sexual history\nPHQ-9 results")
	pb.shot(p, "practice-referral.png", "", 1800)
	p.click(`form[action="` + casePath + `/referrals"] button[type=submit]`)
	p.expectFlash("Recorded the referral.")
	p.expectText("#referrals", "Dr Ines Ortiz")
	p.expectText("#referrals", "Intensive Therapy")
	p.expectText("#referrals", "the reason for referral; the names of the concerns, without their codes; the sexual history; PHQ-9 results")
	p.expectText("main dl.facts", "Specific Suggestions (SS)")
	pb.axe(p, "a case with a referral")
}
