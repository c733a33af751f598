package certboard

import (
	"testing"
	"time"
)

func TestFixedClock(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := NewFixedClock(start)
	var _ Clock = c
	if !c.Now().Equal(start) {
		t.Fatalf("Now = %v", c.Now())
	}
	c.Advance(90 * time.Minute)
	if want := start.Add(90 * time.Minute); !c.Now().Equal(want) {
		t.Errorf("after Advance: %v, want %v", c.Now(), want)
	}
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Errorf("after Set: %v", c.Now())
	}
	if got := ClockFunc(func() time.Time { return start }).Now(); !got.Equal(start) {
		t.Errorf("ClockFunc = %v", got)
	}
	if ClockFunc(nil).Now().IsZero() {
		t.Error("a nil ClockFunc must tell the real time")
	}
}
