package notify

import "time"

// ApplicationReceived confirms to an applicant that the board received
// the application they submitted: what was submitted and when, what
// happens next, and where to follow it.
type ApplicationReceived struct {
	Name  string // the applicant's
	Board string // the board's name
	Set   string // the requirement set's title
	// Version is the set's version that judges the application.
	Version string
	At      time.Time // when it was submitted; shown in UTC
	// Items counts the evidence items submitted, Unconfirmed those of
	// them that nobody has confirmed yet (claimed).
	Items, Unconfirmed int
	// Renewal: the application renews a credential (staff decide it
	// without peer review).
	Renewal bool
	Link    string // the applicant's page of the application
	// Contact is the board's address for questions, "" for none.
	Contact string
}

func (ApplicationReceived) file() string { return "application_received.txt" }
