package notify

import (
	"fmt"
	"testing"
)

func init() {
	for name, m := range map[string]Mail{
		"supervision_disputed": SupervisionDisputed{Applicant: "Ana Example", Supervisor: "Lee Park", App: 7, Set: "AASECT Certified Sex Therapist (CST)",
			What: "supervision session ses-1", Reason: "We did not meet that day.", Link: "https://board.example/applications/7"},
		"supervision_disputed_items": SupervisionDisputedItems{Applicant: "Ana Example", Supervisor: "Lee Park", App: 7, Set: "AASECT Certified Sex Therapist (CST)",
			Items: []DisputedItem{{What: "supervision session ses-1"}, {What: "clinical hours clin-2"}}, Reason: "We did not meet in March.",
			Link: "https://board.example/applications/7"},
		"supervision_disputed_items_each": SupervisionDisputedItems{Applicant: "Ana Example", Supervisor: "Lee Park", App: 7, Set: "AASECT Certified Sex Therapist (CST)",
			Items: []DisputedItem{{What: "supervision session ses-1", Reason: "We did not meet that day."}, {What: "supervision session ses-4", Reason: "It lasted one hour, not two."}},
			Link:  "https://board.example/applications/7"},
		"supervision_contract_recorded": SupervisionContractRecorded{Applicant: "Ana Example", Supervisor: "Lee Park", App: 7, Set: "AASECT Certified Sex Therapist (CST)",
			Contract: "con-1", Period: "from 2024-01-15", Link: "https://board.example/applications/7"},
	} {
		examples[name] = m
	}
}

// TestSupervisionMailsAsBefore compares the supervision mails with the
// text board/web wrote with fmt.Sprintf before they became templates, less
// the application's internal id: the applicant knows their application by
// the requirement set they applied for.
func TestSupervisionMailsAsBefore(t *testing.T) {
	d := examples["supervision_disputed"].(SupervisionDisputed)
	want := fmt.Sprintf("Dear %s,\n\n%s, named as your supervisor in your application for %s, disputed %s and wrote:\n\n%s\n\n"+
		"The item no longer counts toward the requirements. Correct it, or talk with your supervisor, on your application's page: %s\n",
		d.Applicant, d.Supervisor, d.Set, d.What, d.Reason, d.Link)
	if m, err := Render("a@example.org", d); err != nil || m.Body != want || m.Subject != "Your supervisor disputed "+d.What {
		t.Errorf("dispute mail: %v\n%q\nwant\n%q", err, m.Body, want)
	}
	k := examples["supervision_contract_recorded"].(SupervisionContractRecorded)
	want = fmt.Sprintf("Dear %s,\n\n%s recorded a supervision contract with you (%s, %s) in your application for %s.\n\nSee it on your application's page: %s\n",
		k.Applicant, k.Supervisor, k.Contract, k.Period, k.Set, k.Link)
	if m, err := Render("a@example.org", k); err != nil || m.Body != want || m.Subject != "Your supervisor recorded a supervision contract" {
		t.Errorf("contract mail: %v\n%q\nwant\n%q", err, m.Body, want)
	}
}
