package board

import (
	"context"
	"fmt"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// ReviewFile is what staff and peer reviewers read of an application
// under review: its history, its reviewers and the documents on file.
type ReviewFile struct {
	App    *Application
	Events []Event
	// Assignments are the reviewers assigned now; for staff each with the
	// conflict of interest that stands against them now (see ReviewerCheck).
	Assignments []Assignment
	Documents   []Document
	// Check is, for staff, who may review the application (nil for a
	// reviewer).
	Check *ReviewerCheck
}

// StaffFile reads an application for the staff's page of it: to staff
// signed in with two factors, never their own application.
func (b *Board) StaffFile(ctx context.Context, by *auth.User, id int64) (*ReviewFile, error) {
	app, err := b.staffRead(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if app.ApplicantID == by.ID {
		// Staff never handle, nor see the reviewers and votes of, their own case.
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Your own application", Message: fmt.Sprintf(
			"Application %d is your own application; another member of staff must handle it. Follow it from My applications.", app.ID)}
	}
	return b.reviewFile(ctx, app, true)
}

// ReviewerFile reads an application for a peer reviewer's page of it: only
// one assigned to them. Once it is decided the file holds the application
// alone: its evidence and history are no longer the reviewer's to read.
func (b *Board) ReviewerFile(ctx context.Context, by *auth.User, id int64) (*ReviewFile, error) {
	app, err := b.reviewerApplication(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if app.State.Final() {
		return &ReviewFile{App: app}, nil
	}
	return b.reviewFile(ctx, app, false)
}

// reviewFile reads the rest of app's file; with staff, the reviewers as
// the conflict check finds them now.
func (b *Board) reviewFile(ctx context.Context, app *Application, staff bool) (*ReviewFile, error) {
	f := &ReviewFile{App: app}
	var err error
	if f.Events, err = b.store.Events(ctx, app.ID); err != nil {
		return nil, err
	}
	if staff {
		if f.Check, err = b.ReviewerCheck(ctx, app); err != nil {
			return nil, err
		}
		f.Assignments = f.Check.Assignments
	} else if f.Assignments, err = b.store.Assignments(ctx, app.ID); err != nil {
		return nil, err
	}
	if f.Documents, err = b.store.Documents(ctx, app.ID); err != nil {
		return nil, err
	}
	return f, nil
}

// Reviewers lists the accounts that hold the reviewer role, for staff
// choosing whom to assign.
func (b *Board) Reviewers(ctx context.Context, by *auth.User) ([]*auth.User, error) {
	if !by.IsStaff() || !by.TwoFactor() {
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Forbidden", Message: "only board staff choose reviewers"}
	}
	return b.store.Users(ctx, auth.Reviewer)
}
