package notify

// The mails of practice mode.

// EmergencyAccess tells a practitioner that a practice admin opened
// emergency access to the record of one of their clients. It names the
// client by number only and leaves out the admin's reason, which the
// record's page shows: mail leaves the practice's systems.
type EmergencyAccess struct {
	Practitioner string // the practitioner's name
	Admin        string // the admin's name
	Client       int64  // the client's number
	At           string // when access began, "2026-05-04 14:03 UTC"
	Until        string // when it ends, "15:03 UTC"
	Link         string // the client's record
}

func (EmergencyAccess) file() string { return "practice_emergency_access.txt" }
