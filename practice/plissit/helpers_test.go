package plissit

import (
	"strings"
	"testing"

	"github.com/certboard/certboard/internal/errtest"
)

// wantFields checks that err is an Invalid *certboard.Error whose Fields
// are exactly want, each message starting with its field, and whose Field
// names the one field when there is one; with no want, err must be nil.
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	e := errtest.Fields(t, err, want...)
	if len(want) == 1 && e.Field != want[0] {
		t.Errorf("Field %q, want %q", e.Field, want[0])
	}
	if len(want) > 1 && e.Field != "" {
		t.Errorf("Field %q with %d problems, want none", e.Field, len(want))
	}
}

// repeat returns n copies of s.
func repeat(s string, n int) string { return strings.Repeat(s, n) }

// items returns n distinct one-line entries.
func items(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "entry " + strings.Repeat("x", i+1)
	}
	return out
}
