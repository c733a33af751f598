package board

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// TestCompletionActivityCountsAASECTApproval: a provider the admin
// recorded as approved by "aasect" gives AASECT-approved CE, spelled as
// the renewal set matches it, with the report's hours, date and areas.
func TestCompletionActivityCountsAASECTApproval(t *testing.T) {
	prof := &ProviderProfile{Name: "Sunrise", Approvals: []ProviderApproval{{Body: "aasect", Number: "AP-1"}, {Body: "Florida CE Broker", Number: "50-1"}}}
	in := ce.Completion{CourseID: "C1", Title: "T", Date: date.Of(2026, 3, 2), Hours: 6, Delivery: "in_person", SexualityRelated: true,
		Areas: map[string][]string{"aasect-cst": {"a"}}}
	a := completionActivity("ce-1", prof, in, date.Of(2026, 6, 30))
	if !slices.Equal(a.Provider.ApprovedBy, []string{"AASECT", "Florida CE Broker"}) || a.Kind != "ce" || a.Hours != 6 || a.Date != in.Date ||
		a.Provider.Kind != "approved_provider" || a.SexualityRelated == nil || !*a.SexualityRelated || a.Verification.State != portfolio.Verified ||
		!strings.Contains(a.Verification.Note, "aasect AP-1") {
		t.Fatalf("activity: %+v", a)
	}
}
