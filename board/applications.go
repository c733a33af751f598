package board

import (
	"context"
	"time"
)

// applicationReads is what the application use cases read outside a transaction.
type applicationReads interface {
	Application(ctx context.Context, id int64) (*Application, error)
	// ApplicationHead is Application without the portfolio and snapshot.
	ApplicationHead(ctx context.Context, id int64) (*Application, error)
	Applications(ctx context.Context, f ApplicationFilter) ([]*Application, error)
	Events(ctx context.Context, applicationID int64) ([]Event, error)
	Supervisors(ctx context.Context, applicationID int64) ([]SupervisorLink, error)
	Documents(ctx context.Context, applicationID int64) ([]Document, error)
	IsAssigned(ctx context.Context, applicationID, reviewerID int64) (bool, error)
}

// applicationWrites is what the application use cases write in their transaction.
type applicationWrites interface {
	SavePortfolio(ctx context.Context, id int64, version int, portfolio []byte, at time.Time) (int, error)
	SetApplicationState(ctx context.Context, id int64, version int, from, to State, at time.Time) (int, error)
	FreezeSnapshot(ctx context.Context, id int64, snapshot []byte, setVersion string, at time.Time) error
}

// Application is one person's application for one credential: the
// portfolio they are building (the engine's JSON format, encrypted at
// rest), where it stands, and, once submitted, the frozen snapshot of the
// evidence and the requirement-set version it is judged by.
type Application struct {
	ID          int64
	ApplicantID int64
	SetID       string
	State       State
	// Portfolio is the live portfolio JSON, editable in draft and returned.
	Portfolio []byte
	// Snapshot is the portfolio as submitted; empty before submission.
	Snapshot []byte
	// SnapshotSetVersion is the requirement-set version the snapshot is judged by.
	SnapshotSetVersion string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	SubmittedAt        time.Time
	// Version counts edits, for optimistic concurrency: a write names the
	// version it read and fails with ErrConflict when another edit came first.
	Version int
	// ApplicantName and ApplicantEmail are read from the account.
	ApplicantName  string
	ApplicantEmail string
	// RenewsCredential is, for a renewal, the id of the credential it
	// renews; empty for a first application.
	RenewsCredential string
}

// ApplicationFilter narrows a list of applications; zero fields match all.
type ApplicationFilter struct {
	ApplicantID int64
	State       State
	SetID       string
	// SupervisorEmail keeps the applications that name this supervisor.
	SupervisorEmail string
	// ReviewerID keeps the applications assigned to this reviewer.
	ReviewerID int64
	// WithPortfolio decrypts the portfolios too (slower).
	WithPortfolio bool
	Limit         int
}

// Event is one thing that happened to an application: a transition, an
// information request or answer, a verification, an assignment.
type Event struct {
	ID            int64
	ApplicationID int64
	At            time.Time
	ActorID       int64 // 0 for the system
	ActorName     string
	Action        string
	From, To      State // "" where the event is no transition
	Message       string
}

// SupervisorLink ties a supervisor named in a portfolio to the e-mail
// address of their account, so that they see the application.
type SupervisorLink struct {
	Ref   string // the supervisor's id in the portfolio
	Email string
}
