package eligibility

import (
	"fmt"
	"math"
	"testing"
)

// TestAppendFormsWriteAsTheirStrings checks that the append forms of the
// number writers give byte for byte what the string forms give.
func TestAppendFormsWriteAsTheirStrings(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, 0.999, 1.004, 1.005, 2, 2.5, 12.345, 12.355, 1e-9, 100, 1234567.891, 0.1 + 0.2, -3.25}
	for _, x := range xs {
		if got, want := string(appendNumber(nil, x)), num(x); got != want {
			t.Errorf("appendNumber(%v) = %q, num = %q", x, got, want)
		}
		for _, st := range []Status{Met, Unmet, Pending} {
			if got, want := string(appendShown(nil, x, st)), shown(x, st); got != want {
				t.Errorf("appendShown(%v, %s) = %q, shown = %q", x, st, got, want)
			}
		}
		for _, unit := range []string{"hours", "credits", "sessions", "hour"} {
			if got, want := string(appendAmount(nil, x, unit)), amount(x, unit); got != want {
				t.Errorf("appendAmount(%v, %s) = %q, amount = %q", x, unit, got, want)
			}
		}
	}
	for _, n := range []int{0, 1, 2, 17, 290} {
		if got, want := string(appendCount(nil, n, "verified item")), count(n, "verified item"); got != want {
			t.Errorf("appendCount(%d) = %q, count = %q", n, got, want)
		}
	}
}

// TestTextsCutsEveryText checks that texts sets each destination to the
// text written for it.
func TestTextsCutsEveryText(t *testing.T) {
	var tx texts
	dst := make([]string, 3)
	for round := range 2 {
		for i := range dst {
			from := tx.mark()
			tx.b = fmt.Appendf(tx.b, "text %d of round %d", i, round)
			tx.add(&dst[i], from)
		}
		tx.done()
		for i, s := range dst {
			if want := fmt.Sprintf("text %d of round %d", i, round); s != want {
				t.Errorf("round %d: text %d = %q, want %q", round, i, s, want)
			}
		}
	}
	if len(tx.b) != 0 || len(tx.cuts) != 0 {
		t.Error("done should empty the buffer")
	}
}
