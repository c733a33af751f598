package board

import (
	"context"
	"slices"
	"time"

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
		return nil, &certboard.Error{Code: certboard.Forbidden, Title: "Your own application", Message: "This is your own application; another member of staff must handle it. Follow it from My applications."}
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

// Who an application waits for, by its state: the board, the applicant,
// or no one once it is closed. Every state past draft is in one of them.
var (
	// BoardStates are the states in which an application waits for the
	// board: to start its review, to verify its evidence, to decide it
	// after peer review.
	BoardStates = []State{Submitted, UnderReview, PeerReview}
	// ApplicantStates are the states in which it waits for the applicant:
	// to answer a request for information, to change it and resubmit.
	ApplicantStates = []State{InfoRequested, Returned}
	// ClosedStates are the final states: decided or withdrawn.
	ClosedStates = []State{Approved, Denied, Withdrawn}
)

// QueueFilter narrows the staff's work queue; zero fields keep all.
type QueueFilter struct {
	// States keeps the applications in one of these states; none keeps
	// every state past draft. A draft is never in the queue.
	States []State
	// SetID keeps the applications for this credential.
	SetID string
	// WaitingBefore keeps the applications that entered their state
	// before then: those waiting longer.
	WaitingBefore time.Time
}

// QueueEntry is one application in the staff's work queue.
type QueueEntry struct {
	App *Application
	// Since is when the application entered its state (its latest move
	// into it in the history; its last change when the history has none):
	// how long it has waited counts from then.
	Since time.Time
	// Conflicts are the reviewers flagged with a conflict of interest
	// found after their assignment, while the application is undecided.
	Conflicts []string
}

// StateCount is how many applications are in one state, and since when
// the longest waiting of them has been in it (zero when there are none).
type StateCount struct {
	State  State
	N      int
	Oldest time.Time
}

// queueReads is what the work queue reads.
type queueReads interface {
	// QueueApplications lists the applications past draft that f keeps,
	// each with when it entered its state, the longest waiting first.
	QueueApplications(ctx context.Context, f QueueFilter) ([]QueueEntry, error)
	// QueueCounts counts the applications past draft that f keeps, by
	// state, whatever f's States: the states with none are left out.
	QueueCounts(ctx context.Context, f QueueFilter) ([]StateCount, error)
	FlaggedAssignments(ctx context.Context) ([]Assignment, error)
}

// WorkQueue is the staff's work queue: the applications a filter keeps
// and how many applications are in each state.
type WorkQueue struct {
	Entries []QueueEntry
	// Counts has every state past draft, in the order of States, with the
	// applications the filter's credential and time waiting keep, whatever
	// its states.
	Counts []StateCount
}

// Count returns how many applications are in one of states.
func (q *WorkQueue) Count(states ...State) int { return countIn(q.Counts, states) }

// countIn adds up the counts of states.
func countIn(counts []StateCount, states []State) int {
	n := 0
	for _, c := range counts {
		if slices.Contains(states, c.State) {
			n += c.N
		}
	}
	return n
}

// mayReadQueue refuses anyone but staff signed in with two factors.
func mayReadQueue(by *auth.User) error {
	if by == nil || !by.IsStaff() || !by.TwoFactor() {
		return &certboard.Error{Code: certboard.Forbidden, Title: "Forbidden", Message: "the work queue is for board staff"}
	}
	return nil
}

// Queue lists the applications past draft that f keeps, the longest
// waiting in its state first, each with the reviewers flagged with a
// conflict, and counts the applications in each state: for staff signed
// in with two factors.
func (b *Board) Queue(ctx context.Context, by *auth.User, f QueueFilter) (*WorkQueue, error) {
	if err := mayReadQueue(by); err != nil {
		return nil, err
	}
	entries, err := b.store.QueueApplications(ctx, f)
	if err != nil {
		return nil, err
	}
	counts, err := b.queueCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	flagged, err := b.store.FlaggedAssignments(ctx)
	if err != nil {
		return nil, err
	}
	conflicts := map[int64][]string{}
	for _, a := range flagged {
		conflicts[a.ApplicationID] = append(conflicts[a.ApplicationID], a.ReviewerName)
	}
	for i := range entries {
		if e := &entries[i]; !e.App.State.Final() {
			e.Conflicts = conflicts[e.App.ID]
		}
	}
	return &WorkQueue{Entries: entries, Counts: counts}, nil
}

// queueCounts counts the applications f keeps in every state past
// draft, whatever f's states, with zeros for the states that have none.
func (b *Board) queueCounts(ctx context.Context, f QueueFilter) ([]StateCount, error) {
	f.States = nil
	found, err := b.store.QueueCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []StateCount
	for _, st := range States {
		if st == Draft {
			continue
		}
		c := StateCount{State: st}
		if i := slices.IndexFunc(found, func(c StateCount) bool { return c.State == st }); i >= 0 {
			c = found[i]
		}
		out = append(out, c)
	}
	return out, nil
}

// ApplicationsFor lists the applications f keeps that by may see: staff
// signed in with two factors see all, everyone else their own.
func (b *Board) ApplicationsFor(ctx context.Context, by *auth.User, f ApplicationFilter) ([]*Application, error) {
	if !by.IsStaff() || !by.TwoFactor() {
		f.ApplicantID = by.ID
	}
	return b.store.Applications(ctx, f)
}

// Review is one application assigned to a reviewer, with their vote.
type Review struct {
	App        *Application
	Assignment Assignment
	// Current: the vote belongs to the current round of peer review.
	Current bool
}

// MyReviews lists the applications assigned to a reviewer with their votes.
func (b *Board) MyReviews(ctx context.Context, by *auth.User) ([]Review, error) {
	apps, err := b.store.Applications(ctx, ApplicationFilter{ReviewerID: by.ID})
	if err != nil {
		return nil, err
	}
	mine, err := b.store.ReviewerAssignments(ctx, by.ID)
	if err != nil {
		return nil, err
	}
	byApp := map[int64]Assignment{}
	for _, a := range mine {
		byApp[a.ApplicationID] = a
	}
	var out []Review
	for _, app := range apps {
		events, err := b.store.Events(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		a := byApp[app.ID]
		out = append(out, Review{App: app, Assignment: a, Current: VoteCurrent(a, PeerRoundStart(events))})
	}
	return out, nil
}

// Decided is what a reviewer still sees of an application decided while
// they were assigned: when, and how they voted; never its evidence.
type Decided struct {
	App       *Application
	DecidedAt time.Time
	Mine      Assignment
}

// DecidedReview returns what a reviewer still sees of application id once
// it is decided (approved, denied or withdrawn), or nil when it is not
// decided, not theirs or not there.
func (b *Board) DecidedReview(ctx context.Context, by *auth.User, id int64) (*Decided, error) {
	app, err := b.store.Application(ctx, id)
	if err != nil || !app.State.Final() {
		return nil, nil // the caller answers a missing one or an error
	}
	mine, err := b.store.ReviewerAssignments(ctx, by.ID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(mine, func(a Assignment) bool { return a.ApplicationID == app.ID })
	if i < 0 {
		return nil, nil
	}
	events, err := b.store.Events(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	d := &Decided{App: app, DecidedAt: app.UpdatedAt, Mine: mine[i]}
	for _, e := range events {
		if e.To == app.State {
			d.DecidedAt = e.At
		}
	}
	return d, nil
}
