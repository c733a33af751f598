package board

import (
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/eligibility"
)

// PeerRoundStart is when the application last entered peer review; votes
// cast before then belong to an earlier round and do not count.
func PeerRoundStart(events []Event) time.Time {
	var t time.Time
	for _, e := range events {
		if e.To == PeerReview {
			t = e.At
		}
	}
	return t
}

// VoteCurrent reports whether a reviewer has voted in the current round.
func VoteCurrent(a Assignment, since time.Time) bool {
	return a.Vote != "" && !a.VotedAt.Before(since)
}

// ApprovalProblem says why an application in peer review cannot be
// approved yet, or "" when it can: the frozen report must be eligible
// (every requirement met with verified evidence), at least one reviewer
// must be assigned, no assigned reviewer may have a conflict of interest
// standing (an Assignment's Conflict, as ReviewerCheck finds it now), every
// assigned reviewer must have voted in this round, and more than half of
// them must have voted to approve.
func ApprovalProblem(rep *eligibility.Report, assigned []Assignment, since time.Time) string {
	var problems []string
	if rep == nil || !rep.Eligible {
		var open []string
		verdict := "no report"
		if rep != nil {
			verdict = strings.ReplaceAll(rep.Verdict, "_", " ")
			for _, res := range rep.Results {
				if res.Status == eligibility.Unmet || res.Status == eligibility.Pending {
					open = append(open, fmt.Sprintf("%s (%s)", res.Title, res.Status))
				}
			}
		}
		msg := "the submitted evidence is not eligible (" + verdict + "): every requirement must be met with verified evidence"
		if len(open) > 0 {
			msg += "; still open: " + strings.Join(open, ", ")
		}
		problems = append(problems, msg)
	}
	var conflicted []string
	for _, a := range assigned {
		if a.Conflict != "" {
			conflicted = append(conflicted, fmt.Sprintf("%s now has a conflict of interest (%s)", a.ReviewerName, a.Conflict))
		}
	}
	if len(conflicted) > 0 {
		problems = append(problems, strings.Join(conflicted, "; ")+"; remove them and assign another reviewer")
	}
	if len(assigned) == 0 {
		problems = append(problems, "no peer reviewer is assigned; assign reviewers and wait for their votes")
	} else {
		var waiting []string
		approve := 0
		for _, a := range assigned {
			switch {
			case !VoteCurrent(a, since):
				waiting = append(waiting, a.ReviewerName)
			case a.Vote == VoteApprove:
				approve++
			}
		}
		if len(waiting) > 0 {
			problems = append(problems, "waiting for the votes of "+strings.Join(waiting, ", "))
		} else if approve*2 <= len(assigned) {
			problems = append(problems, fmt.Sprintf("%d of %d reviewers voted to approve; approval needs a majority", approve, len(assigned)))
		}
	}
	return strings.Join(problems, "; and ")
}
