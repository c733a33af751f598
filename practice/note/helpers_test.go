package note

import (
	"testing"
	"time"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/errtest"
	"github.com/certboard/certboard/practice/plissit"
)

// now is 23:30 on 2 March 2026 in UTC-5, already 3 March in UTC: checks
// must judge the day in now's own location.
var now = time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))

// today is now's day in its location.
var today = date.MustParse("2026-03-02")

// soap returns a complete, unsigned SOAP note of today with a P/LI record.
func soap() Progress {
	return Progress{
		DateOfService: today,
		Format:        SOAP,
		Sections: map[Section]string{
			Subjective: "Reports less worry before intimacy.",
			Objective:  "Calm, engaged. IIEF-5: 18.",
			Assessment: "Performance anxiety easing.",
			Plan:       "Continue sensate focus, stage 2.",
		},
		PLI: &plissit.PLIRecord{Topics: []string{"masturbation"}, Myths: []string{"erections must be spontaneous"}},
	}
}

// dap returns a complete, unsigned DAP note of today without a P/LI record.
func dap() Progress {
	return Progress{
		DateOfService: today,
		Format:        DAP,
		Sections: map[Section]string{
			Data:       "Client and partner attended.",
			Assessment: "Communication improving.",
			Plan:       "Review goals in two weeks.",
		},
	}
}

// wantFields checks that err is an Invalid *certboard.Error whose Fields
// are exactly want, each message starting with its field and found in the
// error's message, Field naming the one field when there is one; with no
// want, err must be nil.
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if e := errtest.Fields(t, err, want...); len(want) == 1 && e.Field != want[0] {
		t.Errorf("Field %q, want %q", e.Field, want[0])
	}
}
