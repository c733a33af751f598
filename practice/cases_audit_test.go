package practice_test

import (
	"context"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
)

// TestCaseAuditNamesNoDiagnosis: the audit log, which is hash-chained and
// never redacted, learns from a case's changes ids and counts only: no
// concern, specifier, comorbidity kind or source, measure, or whom a
// referral goes to.
func TestCaseAuditNamesNoDiagnosis(t *testing.T) {
	w := newCasesWorld(t)
	ctx := context.Background()
	before := w.auditCount(t)
	id, err := w.p.OpenCase(ctx, w.alice, w.client, practice.NewCase{Reason: "first session", Concerns: []concern.Diagnosis{caseErectile}})
	if err != nil {
		t.Fatal(err)
	}
	other := concern.Diagnosis{Concern: "premature-ejaculation",
		Specifiers: concern.Specifiers{Onset: concern.Lifelong, Context: concern.Generalised, Severity: concern.Moderate}}
	if _, err := w.p.SetCaseConcerns(ctx, w.alice, id, []concern.Diagnosis{caseErectile, other}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.RecordComorbidity(ctx, w.alice, id, practice.ComorbidityInput{Kind: "substance_use", Source: "measure",
		MeasureRef: "response:4711"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.p.RecordReferral(ctx, w.alice, id, practice.ReferralInput{Why: "needs Intensive Therapy", Consent: "no",
		To: practice.ReferralTo{Name: "Dr Wren Halvorsen", Organisation: "Northgate Clinic", Contact: "+44 20 7946 0000"}}); err != nil {
		t.Fatal(err)
	}
	es, err := w.st.AuditLog().Entries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) <= before {
		t.Fatal("nothing audited")
	}
	for _, e := range es[before:] {
		text := e.Action + " " + e.Before + " " + e.After
		for _, secret := range []string{"erectile", "premature", "acquired", "situational", "mild", "lifelong", "generalised",
			"moderate", "substance", "\"measure\"", "4711", "Wren", "Halvorsen", "Northgate", "7946"} {
			if strings.Contains(text, secret) {
				t.Errorf("the audit entry %s names %q: %s", e.Action, secret, text)
			}
		}
	}
	w.wantAudit(t, "case.open", "case.concerns", "case.comorbidity.record", "measure.escalation", "case.referral")
	for _, e := range es[before:] {
		switch e.Action {
		case "case.open":
			if !strings.Contains(e.After, `"concerns":1`) {
				t.Errorf("case.open: %s, want the number of concerns", e.After)
			}
		case "case.concerns":
			if !strings.Contains(e.Before, `"concerns":1`) || !strings.Contains(e.After, `"concerns":2`) {
				t.Errorf("case.concerns: %s → %s, want the numbers of concerns", e.Before, e.After)
			}
		}
	}
}
