package demo

import (
	"context"
	"fmt"

	"github.com/certboard/certboard/practice"
)

// The demo practice's identifiers, which its mails, referral letters and
// superbills name it by: the practice's name (given once, here), address,
// phone, NPI, tax id and time zone, given by its admin the day it was set
// up, and Jordan's and
// Lena's own. Dr. Holt, who joined two days ago, has not given hers yet,
// so her home page asks for them. The NPIs carry valid check digits and
// are made up, as are the tax id, the address and the 555-01xx phone
// number, a range kept for fiction.
var (
	demoPracticeIdentifiers = practice.PracticeIdentifiersInput{Name: "Lakeview Couples Clinic",
		Address: "2900 N Lakeview Ave, Suite 3\nChicago, IL 60657", Phone: "(312) 555-0148", NPI: "2999900014", TaxID: "07-4417285",
		TimeZone: practiceZone}
	demoPractitionerIdentifiers = map[string]practice.PractitionerIdentifiersInput{
		"jordan":       {LicenceType: "LMFT", LicenceNumber: "LMFT-0194412", LicenceState: "IL", NPI: "1999900016"},
		"lena.fischer": {LicenceType: "LCSW", LicenceNumber: "149.0183265", LicenceState: "IL", NPI: "1999900024"},
	}
)

// identifiers has the admin give the practice's identifiers and Jordan
// and Lena their own, the day the practice was set up.
func (s *practiceSeeder) identifiers(ctx context.Context) error {
	p, err := s.at(s.day(setUpDaysAgo, 10, 30))
	if err != nil {
		return err
	}
	if _, err := p.SetPracticeIdentifiers(ctx, s.actors["ines.okoro"], demoPracticeIdentifiers, 0); err != nil {
		return fmt.Errorf("the practice's identifiers: %w", err)
	}
	for _, local := range []string{"jordan", "lena.fischer"} {
		if _, err := p.SetOwnIdentifiers(ctx, s.actors[local], demoPractitionerIdentifiers[local], 0); err != nil {
			return fmt.Errorf("the identifiers of %s: %w", local, err)
		}
	}
	return nil
}
