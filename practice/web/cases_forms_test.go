package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/plissit"
)

// TestCaseFormsTakeTheirLimits: a referral and a sexual history whose
// texts are all at their limits, in the characters that encode widest,
// are read and kept; a treatment plan as large reaches the use case, which
// refuses it for the case's stage, not as a form too large.
func TestCaseFormsTakeTheirLimits(t *testing.T) {
	w := casesWorld(t)
	client := casesClient(t, w)
	id, err := w.s.practice.OpenCase(context.Background(), practice.ActorOf(w.users["practitioner"]), client,
		practice.NewCase{Stage: "specific_suggestions", Reason: "intake"})
	if err != nil {
		t.Fatal(err)
	}
	prac := w.signIn(t, "practitioner")
	page := fmt.Sprintf("/cases/%d", id)

	shared := make([]string, practice.MaxShared)
	for i := range shared {
		shared[i] = fmt.Sprint(i) + wide(practice.MaxReferralLine-len(fmt.Sprint(i)))
	}
	rec := w.do(t, http.MethodPost, page+"/referrals", url.Values{"referral.stage": {"intensive_therapy"},
		"referral.to.name": {wide(practice.MaxReferralLine)}, "referral.to.organisation": {wide(practice.MaxReferralLine)},
		"referral.to.contact":      {wide(practice.MaxReferralLine)},
		"referral.to.registry_url": {"https://registry.example/" + strings.Repeat("r", practice.MaxReferralURL-len("https://registry.example/"))},
		"referral.why":             {wide(practice.MaxCaseReason)}, "referral.consent": {"yes"}, "referral.shared": {strings.Join(shared, "\r\n")},
		"referral.share": practice.ShareItems(), "referral.instruments": measure.IDs()}, prac)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a referral at its limits: %d %.300s", rec.Code, rec.Body)
	}

	history := url.Values{"version": {"0"}, "step2.acquisition": {"acquired"}, "step2.generality": {"situational"},
		"step4.goals": {wideLines(plissit.MaxGoals, plissit.MaxItem)}}
	for i, c := range concern.Default().Concerns() {
		history.Set(fmt.Sprintf("step1.concerns.%d.concern_id", i), c.ID)
		history.Set(fmt.Sprintf("step1.concerns.%d.description", i), wide(plissit.MaxText))
	}
	for _, f := range []string{"step2.onset.text", "step2.course", "step2.context", "step3.client", "step3.options", "step4.sources", "step4.plan"} {
		history.Set(f, wide(plissit.MaxText))
	}
	if rec = w.do(t, http.MethodPost, page+"/history", history, prac); rec.Code != http.StatusSeeOther {
		t.Fatalf("a sexual history at its limits: %d %.300s", rec.Code, rec.Body)
	}

	plan := url.Values{"version": {"0"}, "frequency.sessions": {"1"}, "frequency.per": {"week"}, "reviews.0": {"2027-01-15"}, "comorbidities": {"1"}}
	for i := range plissit.MaxGoals {
		plan.Set(fmt.Sprintf("goals.%d.id", i), fmt.Sprintf("g%d", i+1))
		plan.Set(fmt.Sprintf("goals.%d.text", i), wide(plissit.MaxItem))
		plan.Set(fmt.Sprintf("goals.%d.measure", i), wide(plissit.MaxItem))
	}
	for i := range plissit.MaxItems {
		plan.Set(fmt.Sprintf("interventions.%d.text", i), wide(plissit.MaxItem))
		plan.Set(fmt.Sprintf("interventions.%d.goals", i), "g1")
	}
	rec = w.do(t, http.MethodPost, page+"/plan", plan, prac)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Intensive Therapy first") {
		t.Fatalf("a plan at its limits before Intensive Therapy: %d %.300s", rec.Code, rec.Body)
	}
}
