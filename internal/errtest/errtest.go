// Package errtest checks, in tests, the certboard.Error a use case or a
// validator returns for bad input. Only tests import it.
package errtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

// Fields checks that err is nil when want is empty, and otherwise an
// Invalid *certboard.Error whose Fields are exactly want (in any order),
// each message starting with its field ("field: ...") and found in the
// error's message. It returns that error, nil when want is empty, for
// the caller's own checks of Field.
func Fields(tb testing.TB, err error, want ...string) *certboard.Error {
	tb.Helper()
	if len(want) == 0 {
		if err != nil {
			tb.Fatalf("refused: %v", err)
		}
		return nil
	}
	e := certboard.As(err)
	if e == nil || e.Code != certboard.Invalid {
		tb.Fatalf("got %v (code %q), want Invalid on %v", err, certboard.ErrorCode(err), want)
	}
	var got []string
	for f, msg := range e.Fields {
		got = append(got, f)
		if !strings.HasPrefix(msg, f+": ") {
			tb.Errorf("message %q does not start with its field %q", msg, f)
		}
		if !strings.Contains(e.Message, msg) {
			tb.Errorf("message %q is not in the error's message %q", msg, e.Message)
		}
	}
	slices.Sort(got)
	w := slices.Sorted(slices.Values(want))
	if !slices.Equal(got, w) {
		tb.Fatalf("fields %v, want %v (%s)", got, w, e.Message)
	}
	return e
}
