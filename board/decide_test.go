package board

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/eligibility"
)

func TestQueueApprovalProblem(t *testing.T) {
	round := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	vote := func(name, v string, at time.Time) Assignment {
		return Assignment{ReviewerName: name, Vote: v, VotedAt: at}
	}
	eligible := &eligibility.Report{Eligible: true, Verdict: eligibility.VerdictEligible}
	for _, tc := range []struct {
		name     string
		assigned []Assignment
		want     string
	}{
		{"none assigned", nil, "no peer reviewer is assigned"},
		{"one of one approves", []Assignment{vote("A", "approve", round)}, ""},
		{"two of three approve", []Assignment{vote("A", "approve", round), vote("B", "reject", round), vote("C", "approve", round.Add(time.Hour))}, ""},
		{"a tie is no majority", []Assignment{vote("A", "approve", round), vote("B", "revise", round)}, "1 of 2 reviewers voted to approve"},
		{"a missing vote", []Assignment{vote("A", "approve", round), vote("B", "", time.Time{})}, "waiting for the votes of B"},
		{"a vote of an earlier round", []Assignment{vote("A", "approve", round.Add(-time.Second))}, "waiting for the votes of A"},
	} {
		got := ApprovalProblem(eligible, tc.assigned, round)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := ApprovalProblem(nil, []Assignment{vote("A", "approve", round)}, round); !strings.Contains(got, "not eligible") {
		t.Errorf("no report: %q", got)
	}
}
