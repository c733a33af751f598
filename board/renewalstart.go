package board

import (
	"github.com/certboard/certboard/date"
)

// Starting a renewal, in the transaction of the use case that starts it
// (a CE provider's report starts the holder's renewal when there is none).

// CycleStart is the first day of a credential's current cycle: cycleYears
// before it expires, which is the day it was issued for a first credential
// and the day the renewed one expired for an early renewal (whose cycle
// continues the last; CE taken between the approval and that day belongs
// to the cycle already renewed). Without an end date or a cycle length, the
// day it was issued.
func CycleStart(c *IssuedCredential, cycleYears int) date.Date {
	issued := DayOf(c.IssuedAt)
	if c.ValidUntil.IsZero() || cycleYears <= 0 {
		return issued
	}
	start := DayOf(c.ValidUntil.AddDate(-cycleYears, 0, 0))
	if start.Before(issued) {
		// A renewal approved after expiry starts its cycle when issued.
		return issued
	}
	return start
}
