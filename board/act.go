package board

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/eligibility"
)

// Act applies an action to application app, as by read it at version: the
// one place that decides where an action leads. It checks the state
// machine (Next) with three additions of the board's rules:
//
//   - nobody decides their own case: a member of staff who is the
//     applicant is refused staff's actions on it;
//   - staff approve a renewal straight from review, without peer review,
//     when its frozen report is eligible with verified evidence (a renewal
//     is a check of CE and membership, which staff verify);
//   - an approval after peer review needs what ApprovalProblem asks, with
//     the reviewers as the conflict check finds them now; submitting needs
//     a portfolio without problems that is eligible counting claimed
//     evidence.
//
// Submitting freezes the portfolio as the snapshot, judged by the set
// version the evaluation chose; answering freezes it again by the version
// already chosen. Then Transition writes the change, the history event,
// the audit entry, the credential of an approval (IssueCredential) and the
// mail in one transaction. Act returns the new state; a refusal is a
// *certboard.Error titled "Action refused". by acts with their roles: a
// caller that wants an applicant who is also staff to act only as the
// applicant passes them without their roles.
//
// With the option Recorded, the evidence is not judged (see Recorded).
func (b *Board) Act(ctx context.Context, by *auth.User, app *Application, version int, action Action, reason string, opts ...ActOption) (State, error) {
	recorded := slices.Contains(opts, Recorded)
	from := app.State
	if r, ok := rules[action]; ok && r.by == staff && by.IsStaff() {
		if err := StaffOwnCheck(by, app); err != nil {
			return from, err
		}
	}
	to, err := b.next(ctx, app, by, action, reason, recorded)
	if err != nil {
		return from, err
	}
	if action == Approve && from == PeerReview {
		if err := b.approvalCheck(ctx, app, recorded); err != nil {
			return from, err
		}
	}
	m := Move{Action: action, To: to, Reason: reason, Version: version,
		Issue: func(ctx context.Context, tx Tx, at time.Time) (string, error) {
			return b.IssueCredential(ctx, tx, by, app, at)
		}}
	switch action {
	case Submit:
		ev, err := b.Evaluate(ctx, app, false)
		if err != nil {
			return from, err
		}
		if err := submitProblem(ev); err != nil && !recorded {
			return from, err
		}
		m.Snapshot, m.SetVersion = app.Portfolio, ev.Set.Version
	case AnswerInfo:
		// The answer may come with new evidence: the board now judges the
		// portfolio as it stands, by the set version already chosen.
		m.Snapshot, m.SetVersion = app.Portfolio, app.SnapshotSetVersion
	}
	return b.Transition(ctx, by, app, m)
}

// ActOption changes what Act checks.
type ActOption int

// Act's options.
const (
	// Recorded records an action on an application decided before the
	// board kept it (the demo's back-dated registry holders, whose
	// portfolios hold only their details): the state machine, who may
	// act, and the peer reviewers' conflicts and votes are checked as
	// ever, but the evidence is not judged, neither on submission nor on
	// approval. Only seeding uses it; no request of a person does.
	Recorded ActOption = iota + 1
)

// next is the state machine's answer to an action, with one addition:
// staff approve a renewal straight from review, without peer review (the
// machine of first applications approves only after peer review). The
// frozen report must then be eligible with verified evidence, unless the
// action is recorded.
func (b *Board) next(ctx context.Context, app *Application, by *auth.User, action Action, reason string, recorded bool) (State, error) {
	from := app.State
	to, err := Next(from, action, Actor{Roles: by.Roles, IsOwner: app.ApplicantID == by.ID}, reason)
	if err == nil || app.RenewsCredential == "" || action != Approve || from != UnderReview || !by.IsStaff() ||
		app.ApplicantID == by.ID {
		return to, err // nobody approves their own renewal, whatever their roles
	}
	if recorded {
		return Approved, nil
	}
	if msg := b.RenewalApprovalProblem(ctx, app); msg != "" {
		return from, refused(certboard.Invalid, "cannot approve the renewal yet: "+msg)
	}
	return Approved, nil
}

// RenewalApprovalProblem says why a renewal under review cannot be
// approved yet, or "": its frozen report must be eligible, every
// requirement met with verified evidence.
func (b *Board) RenewalApprovalProblem(ctx context.Context, app *Application) string {
	ev, err := b.Evaluate(ctx, app, true)
	if err != nil {
		return err.Error()
	}
	if ev.Report.Eligible {
		return ""
	}
	var open []string
	for _, res := range ev.Report.Results {
		if res.Status == eligibility.Unmet || res.Status == eligibility.Pending {
			open = append(open, fmt.Sprintf("%s (%s)", res.Title, res.Status))
		}
	}
	return "the submitted evidence is not eligible (" + strings.ReplaceAll(ev.Report.Verdict, "_", " ") +
		"): every requirement must be met with verified evidence; still open: " + strings.Join(open, ", ")
}

// approvalCheck refuses the approval of an application in peer review
// while ApprovalProblem finds one. The conflict check runs again on every
// assigned reviewer as they stand now: one who changed their practice or
// name since assignment, or a conflict that arose another way, blocks it.
// An approval recorded leaves the evidence unjudged.
func (b *Board) approvalCheck(ctx context.Context, app *Application, recorded bool) error {
	rep := &eligibility.Report{Eligible: true}
	if !recorded {
		ev, err := b.Evaluate(ctx, app, true)
		if err != nil {
			return err
		}
		rep = ev.Report
	}
	events, err := b.store.Events(ctx, app.ID)
	if err != nil {
		return err
	}
	chk, err := b.ReviewerCheck(ctx, app)
	if err != nil {
		return err
	}
	if msg := ApprovalProblem(rep, chk.Assignments, PeerRoundStart(events)); msg != "" {
		return refused(certboard.Invalid, "cannot approve yet: "+msg)
	}
	return nil
}

// submitProblem refuses the submission of a portfolio that has problems
// to fix or is not eligible even counting its unverified evidence.
func submitProblem(ev *Evaluation) error {
	if len(ev.Problems) > 0 {
		return refused(certboard.Invalid, "the portfolio has problems to fix before it can be submitted: "+ev.Problems.Error())
	}
	if ev.Report.Verdict == eligibility.VerdictNotEligible {
		var unmet []string
		for _, res := range ev.Report.Results {
			if res.Status == eligibility.Unmet {
				unmet = append(unmet, res.Title)
			}
		}
		return refused(certboard.Invalid, "not yet eligible, even counting unverified evidence; still unmet: "+strings.Join(unmet, "; "))
	}
	return nil
}
