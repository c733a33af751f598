package board

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
)

// A reviewer's name and practice decide the conflict check when they are
// assigned (ReviewerCheck.Exclusion). Changing them afterwards must
// not slip past it. In the transaction of the change, the change is
// audited with the values before and after, and every open (undecided)
// assignment of the person is checked again with the new details
// (RecheckReviewer): the result is flagged on the assignment
// (written by RecordRecheck), noted in the application's history for
// staff (whether or not it conflicts), and mailed to staff when a conflict
// now stands. ChangeUser (an admin's change) and ChangeOwnDetails (the
// person's own) both do this.
//
// A conflicting assignment is not ended automatically. Ending it would
// delete the reviewer's vote with it and let any reviewer leave (or reshape)
// a panel by editing their own account, with nobody deciding; and the
// change may be a typo, or a move staff judge differently. Staff decide:
// remove the reviewer, or see the change undone. Meanwhile approval is
// refused, since ApprovalProblem checks every assigned reviewer as they
// stand at that moment; that live check also catches conflicts that arise
// another way (the applicant's side, a conflict declared on another of the
// applicant's applications), so the stored flag only has to say what the
// last change found.

// describeDetailsChange says in words what changed ("changed their practice
// from "A" to "B"").
func describeDetailsChange(before, after *auth.User) string {
	value := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "none"
		}
		return strconv.Quote(s)
	}
	var parts []string
	if before.Workplace != after.Workplace {
		parts = append(parts, fmt.Sprintf("their practice from %s to %s", value(before.Workplace), value(after.Workplace)))
	}
	if before.Name != after.Name {
		parts = append(parts, fmt.Sprintf("their name from %s to %s", value(before.Name), value(after.Name)))
	}
	return "changed " + strings.Join(parts, " and ")
}

// DetailsChanged reports whether a change of an account touches what the
// conflict check reads of it: its name or its practice.
func DetailsChanged(before, after *auth.User) bool {
	return before.Name != after.Name || before.Workplace != after.Workplace
}

// ReviewerRecheck is one open assignment of a person whose details change,
// checked again with the new details.
type ReviewerRecheck struct {
	App *Application
	// Was is the conflict flagged before; Conflict the one that stands with
	// the new details ("" for none).
	Was, Conflict string
}

// ReviewerRechecks is what checking a person's open assignments again
// found, ready to be recorded with the change.
type ReviewerRechecks struct {
	checks []ReviewerRecheck
	// staff are the board's staff, mailed about a conflict.
	staff []*auth.User
}

// RecheckReviewer checks every open (undecided) assignment of the account
// again, as if it had the details of after. It only reads: the change and
// what it found are written together by recordRecheck.
func (b *Board) RecheckReviewer(ctx context.Context, after *auth.User) (*ReviewerRechecks, error) {
	mine, err := b.store.ReviewerAssignments(ctx, after.ID)
	if err != nil {
		return nil, err
	}
	out := &ReviewerRechecks{}
	for _, a := range mine {
		app, err := b.store.Application(ctx, a.ApplicationID)
		if err != nil {
			return nil, err
		}
		if app.State.Final() {
			continue
		}
		chk, err := b.ReviewerCheck(ctx, app)
		if err != nil {
			return nil, err
		}
		c := ReviewerRecheck{App: app, Was: a.Conflict, Conflict: chk.ConflictOf(after)}
		out.checks = append(out.checks, c)
		if c.Conflict != "" && out.staff == nil {
			if out.staff, err = b.store.Users(ctx, auth.Staff); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// RecordRecheck writes, in tx (the transaction of the change), what
// RecheckReviewer found: the flag on each assignment still there, a note in
// each application's board-only history, and mail to staff for each
// conflict newly found. by names who made the change when it was not the
// reviewer themselves.
func (b *Board) RecordRecheck(ctx context.Context, tx Tx, before, after *auth.User, found *ReviewerRechecks, by string, now time.Time) error {
	if found == nil {
		return nil
	}
	what := describeDetailsChange(before, after)
	if by != "" {
		what += " (" + by + ")"
	}
	for _, c := range found.checks {
		changed, err := tx.FlagConflict(ctx, c.App.ID, after.ID, c.Conflict)
		if errors.Is(err, certboard.ErrNotFound) {
			continue // the assignment ended since it was read
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Reviewer %s %s after assignment", before.Name, what)
		switch {
		case c.Conflict != "":
			msg += fmt.Sprintf("; this now conflicts with the application of %s: %s %s. Approval is refused while it stands; remove them and assign another reviewer.",
				c.App.ApplicantName, after.Name, c.Conflict)
		case c.Was != "":
			msg += "; the conflict of interest flagged before no longer follows from their details."
		default:
			msg += "; no conflict of interest follows from it."
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: c.App.ID, At: now, ActorID: after.ID, Action: EventReviewerChange,
			Message: msg}); err != nil {
			return err
		}
		if c.Conflict == "" || !changed {
			continue
		}
		mail := notify.ReviewerConflictFound{What: msg, App: c.App.ID, Applicant: c.App.ApplicantName, Set: b.setTitle(c.App.SetID),
			Link: fmt.Sprintf("%s/queue/%d#reviewers", b.PublicURL(), c.App.ID)}
		for _, m := range found.staff {
			if err := notify.Enqueue(ctx, tx, m.Email, mail, now); err != nil {
				return err
			}
		}
	}
	return nil
}
