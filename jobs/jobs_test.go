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
