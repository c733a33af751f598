package admin

import (
	"testing"

	"github.com/certboard/certboard/jobs"
)

// TestNewDeadLetters: each job is shown by its summary, never its whole
// payload; counts and attempts are kept.
func TestNewDeadLetters(t *testing.T) {
	dead := []jobs.Job{{ID: 1, Kind: "mail", Payload: `{"to":"a@example.org","secret":"s"}`}}
	v := NewDeadLetters(dead, []jobs.Mail{{ID: 2}}, 1, 1, 5)
	if len(v.Jobs) != 1 || v.Jobs[0].Summary != jobs.Summary(dead[0].Payload) || len(v.Mail) != 1 ||
		v.JobCount != 1 || v.MailCount != 1 || v.MaxAttempts != 5 {
		t.Fatalf("%+v", v)
	}
}
