package notify

// PracticeAssignment tells a practitioner that a practice admin assigned
// another practitioner to one of their clients, or unassigned one (them,
// perhaps): who sees a client's record is something its practitioners
// know. It names the client by number only.
type PracticeAssignment struct {
	Practitioner string // the recipient's name
	Admin        string // the admin who made the change
	Client       int64  // the client's number
	// Who is the practitioner assigned or unassigned; You says it is the
	// recipient (only when unassigned: the assigned one is not told).
	Who string
	You bool
	// Assigned says Who was assigned; false, unassigned.
	Assigned bool
	// WhoIsAdmin says Who is a practice admin too, whose assignment
	// needs a reason.
	WhoIsAdmin bool
	// Reason is what the admin gave as the reason, "" for none. The form
	// asks for no clinical details: mail leaves the practice's systems.
	Reason string
	At     string // when, "2026-05-04 14:03 UTC"
	Link   string // the client's record
}

func (PracticeAssignment) file() string { return "practice_assignment.txt" }
