package demo_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard/practice"
)

// checkPracticeLinks: Marc Lindqvist has a PHQ-9 mailed and waiting, and
// Sofia Alvarez a GAD-7 every four weeks, not due yet.
func checkPracticeLinks(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	waiting, schedules := 0, 0
	for _, c := range allCases(t, d) {
		cl, err := d.p.CaseLinks(ctx, c.by, c.report.Case.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range cl.Links {
			if l.StatusAt(cl.Now) == practice.LinkWaiting && l.Delivery == practice.LinkByMail && c.client.Name == "Marcus Lindqvist" {
				waiting++
			}
		}
		for _, s := range cl.Schedules {
			if s.Active && s.Describe() == "every 4 weeks" && c.client.Name == "Sofia Alvarez" && s.NextDue.After(cl.Now) {
				schedules++
			}
		}
	}
	if waiting != 1 || schedules != 1 {
		t.Errorf("%d waiting links of Marc's, %d schedules of Sofia's; want one each", waiting, schedules)
	}
	// Nothing is due: the practice's jobs send nothing on the day seeded.
	if n, err := d.p.SendDueMeasures(ctx); err != nil || n != 0 {
		t.Errorf("SendDueMeasures after the seeding: %d, %v", n, err)
	}
}
