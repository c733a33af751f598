package plissit

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

// wantFields checks that err is an Invalid *certboard.Error whose Fields
// are exactly want, each message starting with its field, and whose Field
// names the one field when there is one; with no want, err must be nil.
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		t.Fatalf("got %v (code %q), want Invalid on %v", err, certboard.ErrorCode(err), want)
	}
	var got []string
	for f, msg := range e.Fields {
		got = append(got, f)
		if !strings.HasPrefix(msg, f+": ") {
			t.Errorf("message %q does not start with its field %q", msg, f)
		}
		if !strings.Contains(e.Message, msg) {
			t.Errorf("message %q is not in the error's message %q", msg, e.Message)
		}
	}
	slices.Sort(got)
	w := slices.Clone(want)
	slices.Sort(w)
	if !slices.Equal(got, w) {
		t.Fatalf("fields %v, want %v (%s)", got, w, e.Message)
	}
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
