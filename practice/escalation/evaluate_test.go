package escalation

import (
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

// TestInputCheck: a recorded comorbidity of an unknown kind or source is
// refused, naming the record; the listed ones pass.
func TestInputCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Recorded
		want certboard.Code
	}{
		{"a listed kind and source", Recorded{Kind: Depression, Source: Diagnosis}, ""},
		{"an unknown kind", Recorded{Kind: "sadness", Source: Judgement}, certboard.Invalid},
		{"an unknown source", Recorded{Kind: Depression, Source: "rumour"}, certboard.Invalid},
	} {
		err := Input{Recorded: []Recorded{tc.rec}}.Check()
		if got := certboard.ErrorCode(err); got != tc.want {
			t.Errorf("%s: %v, want code %q", tc.name, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "recorded 1: ") {
			t.Errorf("%s: %q does not name the record", tc.name, err)
		}
	}
}
