package demo_test

import (
	"context"
	"testing"

	"github.com/certboard/certboard/practice/superbill"
)

// checkPracticeIdentifiers: the practice's identifiers, with its name and
// time zone, Jordan's and Lena's, each valid as a superbill takes them;
// Dr. Holt has given none yet.
func checkPracticeIdentifiers(t *testing.T, d *demoPractice) {
	ctx := context.Background()
	admin := d.actor(t, "ines.okoro")
	pi, err := d.p.PracticeIdentifiers(ctx, admin)
	if err != nil || pi.Name != "Lakeview Couples Clinic" || !superbill.ValidNPI(pi.NPI) || pi.TaxID == "" ||
		pi.TimeZone != "America/Chicago" || len(pi.Missing()) != 0 {
		t.Fatalf("the practice's identifiers: %+v, %v", pi, err)
	}
	all, err := d.p.AllPractitionerIdentifiers(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	complete := map[string]bool{}
	for _, x := range all {
		complete[x.Name] = x.Complete()
		if x.Complete() && (!superbill.ValidNPI(x.NPI) || !superbill.ValidState(x.LicenceState) || x.NPI == pi.NPI) {
			t.Errorf("%s: %+v", x.Name, x)
		}
	}
	if !complete["Jordan Reyes"] || !complete["Lena Fischer"] || complete["Dr. Maren Holt"] || len(all) != 3 {
		t.Errorf("identifiers given: %v", complete)
	}
}
