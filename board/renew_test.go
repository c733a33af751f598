package board

import (
	"testing"
	"time"

	"github.com/certboard/certboard/requirements"
)

// TestRenewalValidityEdges: renewing early continues the cycle from the
// old end (to the second), late runs from approval; the credential
// expires, and the lifecycle's expiry runs, at that instant, on the day.
func TestRenewalValidityEdges(t *testing.T) {
	leap := time.Date(2028, 2, 29, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		old, now, want time.Time
	}{
		{leap, leap.Add(-time.Hour), time.Date(2031, 3, 1, 9, 30, 0, 0, time.UTC)}, // as issuance counts years (AddDate)
		{leap, leap, leap.AddDate(3, 0, 0)},                                        // at the instant of expiry: from approval
		{leap, leap.Add(-time.Nanosecond), time.Date(2031, 3, 1, 9, 30, 0, 0, time.UTC)},
		{time.Date(2029, 3, 10, 14, 0, 0, 0, time.UTC), time.Date(2029, 4, 1, 8, 0, 0, 500, time.UTC), time.Date(2032, 4, 1, 8, 0, 0, 0, time.UTC)},
	} {
		if got := RenewalValidity(c.old, c.now, 3); !got.Equal(c.want) {
			t.Errorf("RenewalValidity(%s, %s) = %s, want %s", c.old, c.now, got, c.want)
		}
	}
	if !RenewalValidity(leap, leap, 0).IsZero() {
		t.Error("a set without a cycle gives a validity")
	}
}

// TestRenewalYears: the renewal set's cycle decides; without one, the
// credential's own validity.
func TestRenewalYears(t *testing.T) {
	cycle := &requirements.Set{Cycle: &requirements.Cycle{Years: 3}}
	none := &requirements.Set{}
	own := &requirements.Set{Validity: &requirements.Validity{Years: 2}}
	for _, tc := range []struct {
		renew, cred *requirements.Set
		want        int
	}{{cycle, own, 3}, {none, own, 2}, {nil, own, 2}, {none, none, 0}, {nil, nil, 0}} {
		if got := renewalYears(tc.renew, tc.cred); got != tc.want {
			t.Errorf("renewalYears: %d, want %d", got, tc.want)
		}
	}
}
