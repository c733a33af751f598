package notify

// The mails of the staff's work queue and of peer review.

// ReviewerAssigned asks a reviewer to peer review an application.
type ReviewerAssigned struct {
	Reviewer  string // the reviewer's name
	App       int64
	Applicant string // the applicant's name
	Set       string // the requirement set's title
	Link      string // the reviewer's page of the application
}

func (ReviewerAssigned) file() string { return "reviewer_assigned.txt" }

// ReviewerUnassigned tells a reviewer the board no longer needs their review.
type ReviewerUnassigned struct {
	Reviewer  string // the reviewer's name
	Applicant string // the applicant's name
	App       int64
}

func (ReviewerUnassigned) file() string { return "reviewer_unassigned.txt" }

// ReviewerConflictDeclared tells staff that a reviewer declared a conflict
// of interest and is no longer assigned.
type ReviewerConflictDeclared struct {
	Reviewer  string // the reviewer's name
	Applicant string // the applicant's name
	App       int64
	Reason    string // what the reviewer wrote
	Link      string // the staff page of the application
}

func (ReviewerConflictDeclared) file() string { return "reviewer_conflict_declared.txt" }

// EvidenceRejected tells an applicant which evidence items staff rejected
// in one save, each with its reason, and where to correct them.
type EvidenceRejected struct {
	Name  string // the applicant's
	App   int64
	Items []RejectedItem
	// Editable: the applicant may change the portfolio now; otherwise
	// State says why not.
	Editable bool
	State    string // the application's state in words
	Link     string // the applicant's page of the application
}

// RejectedItem is one evidence item staff rejected.
type RejectedItem struct {
	ID, Label, Reason string
}

func (EvidenceRejected) file() string { return "evidence_rejected.txt" }

// ApplicationForStaff tells staff that an application came to them:
// submitted, or the applicant answered their request for information.
type ApplicationForStaff struct {
	App       int64
	Set       string // the requirement set's title
	Applicant string // the applicant's name
	State     string // the application's new state in words
	Link      string // the staff page of the application
	// Answer is the applicant's answer to a request for information, ""
	// for a submission.
	Answer string
}

func (ApplicationForStaff) file() string { return "application_for_staff.txt" }

// ApplicationStateChanged tells an applicant that staff moved their
// application on.
type ApplicationStateChanged struct {
	Name  string // the applicant's
	App   int64
	Set   string // the requirement set's title
	State string // the application's new state in words
	// Reason is what the board wrote, "" for nothing.
	Reason string
	// Answer: the board asks for information, to be answered at Link.
	Answer bool
	Link   string // the applicant's page of the application
	// Credential is the page of the credential an approval issued ("" for
	// none); Public says whether it is public (a renewal keeps the choice
	// made for the credential it renews), so the mail says who sees it.
	Credential string
	Public     bool
}

func (ApplicationStateChanged) file() string { return "application_state_changed.txt" }

// ReviewerConflictFound tells staff that an assigned reviewer's changed
// details now conflict with an application they review.
type ReviewerConflictFound struct {
	// What says what changed and what it conflicts with, as the
	// application's history notes it.
	What      string
	App       int64
	Applicant string // the applicant's name
	Set       string // the requirement set's title
	Link      string // the staff page's reviewers
}

func (ReviewerConflictFound) file() string { return "reviewer_conflict_found.txt" }
