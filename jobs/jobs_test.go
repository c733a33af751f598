package jobs_test

import (
	"testing"
	"time"

	"github.com/certboard/certboard/jobs"
)

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {4, 8 * time.Minute}, {20, 6 * time.Hour}} {
		if got := jobs.Backoff(c.n); got != c.want {
			t.Errorf("jobs.Backoff(%d) = %s, want %s", c.n, got, c.want)
		}
	}
}

// TestDelay: the delay after a failure is the backoff plus at most a
// quarter of it, the same for the same job and attempt, and spread across
// jobs that failed together.
func TestDelay(t *testing.T) {
	seen := map[time.Duration]bool{}
	for id := int64(1); id <= 50; id++ {
		for n := 1; n <= jobs.MaxAttempts; n++ {
			d, b := jobs.Delay(id, n), jobs.Backoff(n)
			if d < b || d >= b+b/4+1 {
				t.Fatalf("Delay(%d, %d) = %s, backoff %s", id, n, d, b)
			}
			if jobs.Delay(id, n) != d {
				t.Fatalf("Delay(%d, %d) changed", id, n)
			}
		}
		seen[jobs.Delay(id, 3)] = true
	}
	if len(seen) < 40 {
		t.Fatalf("50 jobs that failed together wait only %d different delays", len(seen))
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "(none)"},
		{"{}", "(empty)"},
		{`{"credential":"0b6a4c1e-2f9d","days":120}`, "credential=0b6a4c1e-2f9d days=120"},
		{`{"email":"jo@example.org has a note","n":[1,2]}`, "email=(25 chars) n=(…)"},
		{`{"a b":"x"}`, "(field)=x"},
		{"secret text", "(11 bytes, not JSON)"},
	} {
		if got := jobs.Summary(c.in); got != c.want {
			t.Errorf("Summary(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
