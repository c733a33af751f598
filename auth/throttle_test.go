package auth

import (
	"slices"
	"testing"
	"time"
)

func TestThrottleDelay(t *testing.T) {
	p := Throttle{Free: 3, Base: 5 * time.Second, Max: time.Minute, Window: time.Hour}
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {1, 0}, {2, 0}, {3, 5 * time.Second}, {4, 10 * time.Second}, {5, 20 * time.Second},
		{6, 40 * time.Second}, {7, time.Minute}, {8, time.Minute}, {1 << 20, time.Minute},
	} {
		if got := p.Delay(tc.n); got != tc.want {
			t.Errorf("Delay(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestThrottleAdmit(t *testing.T) {
	p := Throttle{Free: 2, Base: 10 * time.Second, Max: time.Minute, Window: time.Hour}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	type step struct {
		at       time.Duration // after t0
		wait     time.Duration
		failures int
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"free attempts, then a wait that doubles", []step{
			{0, 0, 1}, {0, 0, 2}, {0, 10 * time.Second, 2}, {10 * time.Second, 0, 3}, {10 * time.Second, 20 * time.Second, 3},
			{30 * time.Second, 0, 4}, {31 * time.Second, 39 * time.Second, 4},
		}},
		{"a refused attempt extends nothing", []step{
			{0, 0, 1}, {0, 0, 2}, {1 * time.Second, 9 * time.Second, 2}, {9 * time.Second, time.Second, 2}, {10 * time.Second, 0, 3},
		}},
		{"a run is forgotten after its window", []step{
			{0, 0, 1}, {0, 0, 2}, {0, 10 * time.Second, 2}, {time.Hour, 0, 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Attempts
			for i, s := range tc.steps {
				var wait time.Duration
				a, wait = p.Admit(a, t0.Add(s.at))
				if wait != s.wait || a.Failures != s.failures {
					t.Fatalf("step %d at +%v: wait %v with %d failures, want %v with %d", i+1, s.at, wait, a.Failures, s.wait, s.failures)
				}
			}
		})
	}
}

func TestThrottleRefund(t *testing.T) {
	p := Throttle{Free: 2, Base: 10 * time.Second, Max: time.Minute, Window: time.Hour}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var a Attempts
	a, _ = p.Admit(a, t0)
	a, _ = p.Admit(a, t0)
	if _, wait := p.Admit(a, t0); wait == 0 {
		t.Fatal("the third attempt is admitted at once")
	}
	a = p.Refund(a)
	if a.Failures != 1 {
		t.Fatalf("refunded: %d failures", a.Failures)
	}
	if _, wait := p.Admit(a, t0); wait != 0 {
		t.Fatalf("after a refund the wait stays: %v", wait)
	}
	if a = p.Refund(p.Refund(p.Refund(a))); a.Failures != 0 {
		t.Fatalf("refunds below zero: %d", a.Failures)
	}
}

func TestNoticeCount(t *testing.T) {
	n := Notice{After: 3, Window: 24 * time.Hour}
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	h := time.Hour
	for _, tc := range []struct {
		name string
		at   []time.Duration
		told []int // which failures tell
	}{
		{"the third failure tells, the rest of the window does not", []time.Duration{0, h, 2 * h, 3 * h, 4 * h}, []int{3}},
		{"the next window tells again", []time.Duration{0, h, 2 * h, 25 * h, 26 * h, 27 * h}, []int{3, 6}},
		{"never twice within a window of the last mail", []time.Duration{0, 23 * h, 23*h + 30*time.Minute, 24 * h, 25 * h, 26 * h, 48 * h, 49 * h, 50 * h}, []int{3, 9}},
		{"failures spread over days never tell", []time.Duration{0, 2 * h, 26 * h, 28 * h, 52 * h}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a Attempts
			var told []int
			for i, d := range tc.at {
				var tell bool
				if a, tell = n.Count(a, t0.Add(d)); tell {
					told = append(told, i+1)
				}
			}
			if !slices.Equal(told, tc.told) {
				t.Fatalf("told at failures %v, want %v", told, tc.told)
			}
		})
	}
}
