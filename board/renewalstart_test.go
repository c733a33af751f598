package board_test

import (
	"testing"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
)

// TestCycleStart: CE providers may report from the first day of the
// credential's current cycle, the one the renewal engine counts.
func TestCycleStart(t *testing.T) {
	at := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 14, 30, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name          string
		issued, until time.Time
		years         int
		want          date.Date
	}{
		{"first credential", at(2026, 3, 10), at(2029, 3, 10), 3, date.Of(2026, 3, 10)},
		{"renewed early: the cycle continues from the old expiry", at(2028, 11, 2), at(2032, 3, 10), 3, date.Of(2029, 3, 10)},
		{"renewed after expiry: from the approval", at(2029, 5, 1), at(2032, 5, 1), 3, date.Of(2029, 5, 1)},
		{"no end date", at(2026, 3, 10), time.Time{}, 3, date.Of(2026, 3, 10)},
		{"no cycle", at(2026, 3, 10), at(2029, 3, 10), 0, date.Of(2026, 3, 10)},
	} {
		c := &board.IssuedCredential{IssuedAt: tc.issued, ValidUntil: tc.until}
		if got := board.CycleStart(c, tc.years); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
