package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// A reviewer's name and practice decide the conflict check when they are
// assigned (reviewerCheck.exclusion). Changing them afterwards must not slip
// past it. In the transaction of the change, the change is audited with the
// values before and after, and every open (undecided) assignment of the
// person is checked again with the new details: the result is flagged on
// the assignment (boardsql.FlagConflict), noted in the application's history
// for staff (whether or not it conflicts), and mailed to staff when a
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

// detailsEntry is the audit entry of a change to an account's name and
// practice, with both values before and after; by is who made it.
func detailsEntry(at time.Time, by int64, action string, before, after *boardsql.User) audit.Entry {
	e := userEntry(at, by, action)
	e.Subject = fmt.Sprintf("user/%d", before.ID)
	b, _ := json.Marshal(map[string]string{"name": before.Name, "practice": before.Workplace})
	a, _ := json.Marshal(map[string]string{"name": after.Name, "practice": after.Workplace})
	e.Before, e.After = string(b), string(a)
	return e
}

// detailsChanged reports whether a change touches what the conflict check
// reads of an account: its name or its practice.
func detailsChanged(before, after *boardsql.User) bool {
	return before.Name != after.Name || before.Workplace != after.Workplace
}

// describeDetailsChange says in words what changed ("changed their practice
// from "A" to "B"").
func describeDetailsChange(before, after *boardsql.User) string {
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

// reviewerRecheck is one open assignment of a person whose details change,
// checked again with the new details.
type reviewerRecheck struct {
	App *boardsql.Application
	// Was is the conflict flagged before; Conflict the one that stands with
	// the new details ("" for none).
	Was, Conflict string
}

// reviewerRechecks is what checking a person's open assignments again
// found, ready to be recorded with the change.
type reviewerRechecks struct {
	checks []reviewerRecheck
	// staff are the board's staff, mailed about a conflict.
	staff []*boardsql.User
}

// recheckReviewer checks every open (undecided) assignment of the account
// again, as if it had the details of after. It only reads: the change and
// what it found are written together by recordRecheck.
func (s *Server) recheckReviewer(ctx context.Context, after *boardsql.User) (*reviewerRechecks, error) {
	mine, err := s.cfg.Store.ReviewerAssignments(ctx, after.ID)
	if err != nil {
		return nil, err
	}
	out := &reviewerRechecks{}
	for _, a := range mine {
		app, err := s.cfg.Store.Application(ctx, a.ApplicationID)
		if err != nil {
			return nil, err
		}
		if app.State.Final() {
			continue
		}
		chk, err := s.board.ReviewerCheck(ctx, app)
		if err != nil {
			return nil, err
		}
		c := reviewerRecheck{App: app, Was: a.Conflict, Conflict: chk.ConflictOf(after)}
		out.checks = append(out.checks, c)
		if c.Conflict != "" && out.staff == nil {
			if out.staff, err = s.cfg.Store.Users(ctx, auth.Staff); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// recordRecheck writes, in tx (the transaction of the change), what
// recheckReviewer found: the flag on each assignment still there, a note in
// each application's board-only history, and mail to staff for each
// conflict newly found. by names who made the change when it was not the
// reviewer themselves.
func (s *Server) recordRecheck(ctx context.Context, tx *boardsql.Tx, before, after *boardsql.User, found *reviewerRechecks, by string, now time.Time) error {
	if found == nil {
		return nil
	}
	what := describeDetailsChange(before, after)
	if by != "" {
		what += " (" + by + ")"
	}
	for _, c := range found.checks {
		changed, err := tx.FlagConflict(ctx, c.App.ID, after.ID, c.Conflict)
		if errors.Is(err, boardsql.ErrNotFound) {
			continue // the assignment ended since it was read
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Reviewer %s %s after assignment", before.Name, what)
		switch {
		case c.Conflict != "":
			msg += fmt.Sprintf("; this now conflicts with application %d: %s %s. Approval is refused while it stands; remove them and assign another reviewer.",
				c.App.ID, after.Name, c.Conflict)
		case c.Was != "":
			msg += "; the conflict of interest flagged before no longer follows from their details."
		default:
			msg += "; no conflict of interest follows from it."
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: c.App.ID, At: now, ActorID: after.ID, Action: eventReviewerChange,
			Message: msg}); err != nil {
			return err
		}
		if c.Conflict == "" || !changed {
			continue
		}
		subject := fmt.Sprintf("Reviewer conflict on application %d", c.App.ID)
		body := fmt.Sprintf("%s\n\nApplication %d: %s, applying for %s.\n\nOpen it: %s\n", msg, c.App.ID, c.App.ApplicantName,
			s.setTitle(c.App.SetID), s.link(fmt.Sprintf("/queue/%d#reviewers", c.App.ID), ""))
		for _, m := range found.staff {
			if _, err := tx.EnqueueMail(ctx, boardsql.Mail{To: m.Email, Subject: subject, Body: body, CreatedAt: now}); err != nil {
				return err
			}
		}
	}
	return nil
}
