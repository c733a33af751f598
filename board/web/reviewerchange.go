package web

import (
	"context"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// A reviewer's name and practice decide the conflict check when they are
// assigned (board.ReviewerCheck.Exclusion). Changing them afterwards must
// not slip past it. In the transaction of the change, the change is
// audited with the values before and after, and every open (undecided)
// assignment of the person is checked again with the new details
// (board.RecheckReviewer): the result is flagged on the assignment
// (written by board.RecordRecheck), noted in the
// application's history for staff (whether or not it conflicts), and
// mailed to staff when a
// conflict now stands.
//
// A conflicting assignment is not ended automatically. Ending it would
// delete the reviewer's vote with it and let any reviewer leave (or reshape)
// a panel by editing their own account, with nobody deciding; and the
// change may be a typo, or a move staff judge differently. Staff decide:
// remove the reviewer, or see the change undone. Meanwhile approval is
// refused, since board.ApprovalProblem checks every assigned reviewer as they
// stand at that moment; that live check also catches conflicts that arise
// another way (the applicant's side, a conflict declared on another of the
// applicant's applications), so the stored flag only has to say what the
// last change found.

// detailsChanged reports whether a change touches what the conflict check
// reads of an account: its name or its practice.
func detailsChanged(before, after *auth.User) bool { return board.DetailsChanged(before, after) }

// reviewerRechecks is what checking a person's open assignments again
// found (board.ReviewerRechecks).
type reviewerRechecks = board.ReviewerRechecks

// recheckReviewer checks every open assignment of the account again, as if
// it had the details of after (board.RecheckReviewer).
func (s *Server) recheckReviewer(ctx context.Context, after *auth.User) (*reviewerRechecks, error) {
	return s.board.RecheckReviewer(ctx, after)
}

// recordRecheck writes, in tx, what recheckReviewer found
// (board.RecordRecheck).
func (s *Server) recordRecheck(ctx context.Context, tx board.Tx, before, after *auth.User, found *reviewerRechecks, by string, now time.Time) error {
	return s.board.RecordRecheck(ctx, tx, before, after, found, by, now)
}
