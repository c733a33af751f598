package board

import "time"

// reviewReads is what the review use cases read outside a transaction.
type reviewReads interface{}

// reviewWrites is what the review use cases write in their transaction.
type reviewWrites interface{}

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
