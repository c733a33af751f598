package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
)

// staffRead reads an application for staff: staff signed in with two
// factors see every application; any other person learns nothing, not
// even that it exists.
func (b *Board) staffRead(ctx context.Context, by *auth.User, id int64) (*Application, error) {
	if !by.IsStaff() || !by.TwoFactor() {
		return nil, notVisible(id)
	}
	return b.store.Application(ctx, id)
}

// staffApplication reads the application a member of staff acts on
// (staffRead): never their own.
func (b *Board) staffApplication(ctx context.Context, by *auth.User, id int64) (*Application, error) {
	app, err := b.staffRead(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return app, StaffOwnCheck(by, app)
}

// StaffOwnCheck refuses a member of staff handling their own application.
func StaffOwnCheck(u *auth.User, app *Application) error {
	if app.ApplicantID == u.ID {
		return refused(certboard.Forbidden, "this is your own application; another member of staff must handle it")
	}
	return nil
}

// StaffCanAssign reports whether reviewers may be assigned in a state.
func StaffCanAssign(state State) bool {
	switch state {
	case Submitted, UnderReview, InfoRequested, PeerReview:
		return true
	}
	return false
}

// ReviewerCheck holds what decides who may review an application.
type ReviewerCheck struct {
	applicant *auth.User
	// supervisorEmails are the supervisors' addresses, linked to the
	// application or given in the portfolio.
	supervisorEmails []string
	// supervisorNames are the supervisors named in the portfolio.
	supervisorNames []string
	// practices are the applicant's practices: their account's and the
	// portfolio's.
	practices []string
	// conflicts maps reviewers who declared a conflict with the applicant
	// to their reason.
	conflicts map[int64]string
	// Assignments are the reviewers assigned now, each with the conflict
	// of interest that stands against them now (Conflict; "" for none),
	// whatever was flagged before.
	Assignments []Assignment
}

// reviewNormal folds case and spaces for comparing names and practices.
func reviewNormal(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// Assigned reports whether the user with id is assigned now.
func (c *ReviewerCheck) Assigned(id int64) bool {
	for _, a := range c.Assignments {
		if a.ReviewerID == id {
			return true
		}
	}
	return false
}

// Exclusion says why a user may not review the application, or "" when
// they may. It never reveals more than the staff page shows anyway.
func (c *ReviewerCheck) Exclusion(u *auth.User) string {
	if !u.HasRole(auth.Reviewer) {
		return "does not hold the reviewer role"
	}
	if u.ID == c.applicant.ID || strings.EqualFold(strings.TrimSpace(u.Email), strings.TrimSpace(c.applicant.Email)) {
		return "is the applicant"
	}
	if c.Assigned(u.ID) {
		return "is already assigned"
	}
	return c.ConflictOf(u)
}

// ConflictOf says what conflict of interest keeps u from reviewing the
// application (supervised the applicant, works in their practice, declared
// a conflict with them), or "" when none does. It is the check of
// Exclusion that still applies to a reviewer once assigned.
func (c *ReviewerCheck) ConflictOf(u *auth.User) string {
	for _, e := range c.supervisorEmails {
		if e != "" && strings.EqualFold(strings.TrimSpace(e), strings.TrimSpace(u.Email)) {
			return "supervised the applicant (their e-mail address is a supervisor's of this application)"
		}
	}
	for _, n := range c.supervisorNames {
		if n != "" && reviewNormal(n) == reviewNormal(u.Name) {
			return fmt.Sprintf("supervised the applicant (the portfolio names %q as a supervisor)", n)
		}
	}
	if p := reviewNormal(u.Workplace); p != "" {
		for _, q := range c.practices {
			if reviewNormal(q) == p {
				return fmt.Sprintf("works in the applicant's practice (%s)", strings.TrimSpace(u.Workplace))
			}
		}
	}
	if reason, ok := c.conflicts[u.ID]; ok {
		return "declared a conflict of interest with the applicant: " + reason
	}
	return ""
}

// ReviewerCheck gathers who may review an application: the applicant's
// account, the supervisors linked to it and named in its portfolios (live
// and submitted), the practices, the declared conflicts and the current
// assignments.
func (b *Board) ReviewerCheck(ctx context.Context, app *Application) (*ReviewerCheck, error) {
	applicant, err := b.store.UserByID(ctx, app.ApplicantID)
	if err != nil {
		return nil, err
	}
	c := &ReviewerCheck{applicant: applicant, practices: []string{applicant.Workplace}, conflicts: map[int64]string{}}
	links, err := b.store.Supervisors(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		c.supervisorEmails = append(c.supervisorEmails, l.Email)
	}
	for _, data := range [][]byte{app.Portfolio, app.Snapshot} {
		if len(data) == 0 {
			continue
		}
		p, err := portfolio.DecodeStored(data)
		if err != nil {
			return nil, fmt.Errorf("application %d: %w", app.ID, err)
		}
		c.practices = append(c.practices, p.Person.Practice)
		for _, sup := range p.Supervisors {
			c.supervisorNames = append(c.supervisorNames, sup.Name)
			c.supervisorEmails = append(c.supervisorEmails, sup.Email)
		}
	}
	conflicts, err := b.store.Conflicts(ctx, applicant.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range conflicts {
		c.conflicts[k.ReviewerID] = k.Reason
	}
	if c.Assignments, err = b.store.Assignments(ctx, app.ID); err != nil {
		return nil, err
	}
	for i, a := range c.Assignments {
		reviewer, err := b.store.UserByID(ctx, a.ReviewerID)
		if err != nil {
			return nil, err
		}
		c.Assignments[i].Conflict = c.ConflictOf(reviewer)
	}
	return c, nil
}

// setTitle is the title of a requirement set, or its id when the catalog
// no longer holds it.
func (b *Board) setTitle(id string) string {
	if set := b.Catalog().Latest(id); set != nil {
		return set.Title
	}
	return id
}

// AssignReviewer assigns a reviewer to an application after the conflict
// checks, records it and mails the reviewer. version is the application's
// version the member of staff read; it returns the new one.
func (b *Board) AssignReviewer(ctx context.Context, by *auth.User, appID, reviewerID int64, version int) (int, error) {
	app, err := b.staffApplication(ctx, by, appID)
	if err != nil {
		return 0, err
	}
	if !StaffCanAssign(app.State) {
		return 0, refused(certboard.Conflict, fmt.Sprintf(
			"reviewers are assigned while an application is submitted, under review, waiting for information or in peer review; this application is %s",
			app.State.Words()))
	}
	cand, err := b.store.UserByID(ctx, reviewerID)
	if errors.Is(err, certboard.ErrNotFound) {
		return 0, certboard.FieldError(certboard.Malformed, "reviewer_id", fmt.Sprintf("no account has id %d; choose a reviewer from the list", reviewerID))
	}
	if err != nil {
		return 0, err
	}
	chk, err := b.ReviewerCheck(ctx, app)
	if err != nil {
		return 0, err
	}
	if why := chk.Exclusion(cand); why != "" {
		return 0, certboard.FieldError(certboard.Invalid, "reviewer_id", cand.Name+" cannot review this application: "+why)
	}
	now := b.clock.Now()
	var next int
	err = b.store.InTx(ctx, func(tx Tx) error {
		var err error
		if next, err = tx.AssignReviewer(ctx, app.ID, version, cand.ID, by.ID, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: EventAssignReviewer,
			Message: cand.Name}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "review.assign",
			Subject: fmt.Sprintf("application/%d", app.ID), After: fmt.Sprintf("user/%d", cand.ID)}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, cand.Email, notify.ReviewerAssigned{Reviewer: cand.Name, App: app.ID, Applicant: app.ApplicantName,
			Set: b.setTitle(app.SetID), Link: fmt.Sprintf("%s/reviews/%d", b.PublicURL(), app.ID)}, now)
	})
	return next, err
}

// UnassignReviewer ends a reviewer's assignment (their vote goes with it)
// and tells them by mail. version is the application's version the member
// of staff read.
func (b *Board) UnassignReviewer(ctx context.Context, by *auth.User, appID, reviewerID int64, version int) error {
	app, err := b.staffApplication(ctx, by, appID)
	if err != nil {
		return err
	}
	assigned, err := b.store.Assignments(ctx, app.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(assigned, func(a Assignment) bool { return a.ReviewerID == reviewerID })
	if i < 0 {
		return fmt.Errorf("user %d is not a reviewer of application %d: %w", reviewerID, app.ID, certboard.ErrNotFound)
	}
	a := assigned[i]
	now := b.clock.Now()
	return b.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.UnassignReviewer(ctx, app.ID, version, reviewerID, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, Event{ApplicationID: app.ID, At: now, ActorID: by.ID, Action: EventRemoveReviewer,
			Message: a.ReviewerName}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "review.unassign",
			Subject: fmt.Sprintf("application/%d", app.ID), Before: fmt.Sprintf("user/%d", reviewerID)}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, a.ReviewerEmail, notify.ReviewerUnassigned{Reviewer: a.ReviewerName, Applicant: app.ApplicantName, App: app.ID}, now)
	})
}
