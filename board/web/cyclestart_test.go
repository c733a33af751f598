package web

import (
	"testing"

	"github.com/certboard/certboard/requirements"
)

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
