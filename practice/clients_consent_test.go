package practice

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
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

// TestConsentOn: the consent in force on a day, on both sides of each
// bound: the day it was signed, the day it was withdrawn, the day a newer
// one superseded it.
func TestConsentOn(t *testing.T) {
	day := func(s string) date.Date { return date.MustParse(s) }
	at := func(s string) time.Time { // mid-morning UTC of day s
		return day(s).Time().Add(10 * time.Hour)
	}
	signed := Consent{ID: 1, SignedAt: at("2026-03-10")}
	withdrawn := Consent{ID: 1, SignedAt: at("2026-03-10"), WithdrawnAt: at("2026-04-20")}
	newer := Consent{ID: 2, SignedAt: at("2026-05-01")}
	renewedAfterWithdrawal := []Consent{{ID: 2, SignedAt: at("2026-05-01")}, withdrawn}
	superseded := []Consent{{ID: 2, SignedAt: at("2026-05-01"), WithdrawnAt: at("2026-06-01")}, signed}
	for _, tc := range []struct {
		name string
		cs   []Consent
		day  string
		want int64 // the consent's id; 0 for none
	}{
		{"never signed", nil, "2026-03-10", 0},
		{"the day before signing", []Consent{signed}, "2026-03-09", 0},
		{"the day of signing", []Consent{signed}, "2026-03-10", 1},
		{"long after, never withdrawn", []Consent{signed}, "2027-01-01", 1},
		{"the day before the withdrawal", []Consent{withdrawn}, "2026-04-19", 1},
		{"the day of the withdrawal", []Consent{withdrawn}, "2026-04-20", 1},
		{"the day after the withdrawal", []Consent{withdrawn}, "2026-04-21", 0},
		{"between the withdrawal and a new consent", renewedAfterWithdrawal, "2026-04-30", 0},
		{"the day of the new consent", renewedAfterWithdrawal, "2026-05-01", 2},
		{"before the withdrawal, with a new consent since", renewedAfterWithdrawal, "2026-04-01", 1},
		{"under the superseded one", superseded, "2026-04-30", 1},
		{"the day it was superseded: the newer", superseded, "2026-05-01", 2},
		{"the day the newer was withdrawn", superseded, "2026-06-01", 2},
		{"after the newer was withdrawn: not the older", superseded, "2026-06-02", 0},
		{"signed late in the day (UTC)", []Consent{{ID: 3, SignedAt: day("2026-03-10").Time().Add(23*time.Hour + 59*time.Minute)}}, "2026-03-10", 3},
		{"the newest alone, never withdrawn", []Consent{newer, signed}, "2026-05-02", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got int64
			if c := consentOn(tc.cs, day(tc.day)); c != nil {
				got = c.ID
			}
			if got != tc.want {
				t.Errorf("consent %d, want %d", got, tc.want)
			}
		})
	}
}
