package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/jobs"
)

// reviewReads is what the review use cases read outside a transaction.
type reviewReads interface {
	UserByID(ctx context.Context, id int64) (*auth.User, error)
	Users(ctx context.Context, role auth.Role) ([]*auth.User, error)
	Conflicts(ctx context.Context, applicantID int64) ([]Conflict, error)
	Assignments(ctx context.Context, applicationID int64) ([]Assignment, error)
	ReviewerAssignments(ctx context.Context, reviewerID int64) ([]Assignment, error)
	FlaggedAssignments(ctx context.Context) ([]Assignment, error)
}

// reviewWrites is what the review use cases write in their transaction.
type reviewWrites interface {
	AssignReviewer(ctx context.Context, applicationID int64, version int, reviewerID, by int64, at time.Time) (int, error)
	UnassignReviewer(ctx context.Context, applicationID int64, version int, reviewerID int64, at time.Time) (int, error)
	EndAssignment(ctx context.Context, applicationID, reviewerID int64) error
	HoldState(ctx context.Context, applicationID int64, state State) error
	Vote(ctx context.Context, applicationID, reviewerID int64, vote, comments string, at time.Time) error
	DeclareConflict(ctx context.Context, c Conflict) error
	FlagConflict(ctx context.Context, applicationID, reviewerID int64, conflict string) (bool, error)
	SaveSnapshot(ctx context.Context, id int64, version int, snapshot []byte, at time.Time) (int, error)
	AddEvent(ctx context.Context, e Event) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
}

// Votes a reviewer may cast.
const (
	VoteApprove = "approve"
	VoteReject  = "reject"
	VoteRevise  = "revise"
)

// Board-only history events: who reviews an application and how each voted
// is the board's business; applicants, supervisors and other reviewers do
// not see these events.
const (
	EventAssignReviewer = "assign_reviewer"
	EventRemoveReviewer = "remove_reviewer"
	EventVote           = "review_vote"
	EventConflict       = "reviewer_conflict"
	// EventReviewerChange: an assigned reviewer changed their name or
	// practice, with what the conflict check found then.
	EventReviewerChange = "reviewer_details_changed"
)

// BoardOnlyEvent reports whether a history event is shown to staff only.
func BoardOnlyEvent(action string) bool {
	switch action {
	case EventAssignReviewer, EventRemoveReviewer, EventVote, EventConflict, EventReviewerChange:
		return true
	}
	return false
}

// Assignment is a peer reviewer assigned to an application, with their vote
// once cast.
type Assignment struct {
	ApplicationID int64
	ReviewerID    int64
	ReviewerName  string
	ReviewerEmail string
	AssignedBy    int64
	AssignedAt    time.Time
	// Vote is "" until the reviewer votes, then approve, reject or revise.
	Vote     string
	Comments string
	// VotedAt is when the vote was last cast or changed (zero: no vote).
	VotedAt time.Time
	// Conflict is the conflict of interest found when the reviewer's
	// details were checked again after assignment (a practice or name
	// changed), "" when none was; see FlagConflict.
	Conflict string
}

// Conflict is a reviewer's declared conflict of interest with an applicant:
// they are never assigned to that applicant's applications again.
type Conflict struct {
	ReviewerID   int64
	ReviewerName string
	ApplicantID  int64
	Reason       string
	DeclaredAt   time.Time
}
