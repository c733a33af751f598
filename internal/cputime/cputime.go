//go:build unix

// Package cputime measures the CPU time a benchmark's process spends, so a
// benchmark can report it beside the wall-clock time. On a shared machine
// wall-clock time grows with the other processes' load; the CPU time a
// process is given for the same work grows far less, which makes ratios
// between benchmarks of one run (a verification against a bare signature
// check) readable when the machine is busy.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Now returns the CPU time, user and system, the process has used so far,
// all its threads (the garbage collector's included).
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Report reports, as the metric "cpu-ns/op", the process CPU time used
// since start divided by b.N. Call it right after the b.Loop loop, with
// start taken right before it.
func Report(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(Now()-start)/float64(b.N), "cpu-ns/op")
}
