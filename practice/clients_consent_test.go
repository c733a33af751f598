package practice

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
)

// consentsOnly is a transaction that answers only Consents.
type consentsOnly struct {
	Tx
	cs []Consent
}

func (c consentsOnly) Consents(context.Context, int64) ([]Consent, error) { return c.cs, nil }

func TestRequireConsent(t *testing.T) {
	p := &Practice{}
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		cs   []Consent
		want certboard.Code
	}{
		{"never signed", nil, certboard.Conflict},
		{"signed", []Consent{{ID: 1, SignedAt: at}}, ""},
		{"withdrawn", []Consent{{ID: 1, SignedAt: at, WithdrawnAt: at.Add(time.Hour)}}, certboard.Conflict},
		{"signed again after a withdrawal", []Consent{{ID: 2, SignedAt: at.Add(2 * time.Hour)}, {ID: 1, SignedAt: at, WithdrawnAt: at.Add(time.Hour)}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := certboard.ErrorCode(p.requireConsent(context.Background(), consentsOnly{cs: tc.cs}, 7)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
