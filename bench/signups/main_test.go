package main

import (
	"strings"
	"testing"
)

// TestRun: a small burst from one address gets the sign-up limit's
// answers, and the report says so.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(7, 1, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "7 sign-ups from 1 address(es)") || !strings.Contains(out.String(), "2×429, 5×202") ||
		!strings.Contains(out.String(), "peak Go heap in use") {
		t.Fatalf("report:\n%s", out.String())
	}
	if err := run(0, 1, &out); err == nil {
		t.Fatal("--n 0 was accepted")
	}
}
