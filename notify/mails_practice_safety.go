package notify

// SafetyTaskOpened tells a practitioner that answers their client gave
// through a questionnaire link opened a same-day safety task (a PHQ-9
// self-harm flag), sent or not yet sent. Nobody from the practice was
// with the client, so the home page alone could leave it unseen for the
// day. It names the client by number only and says nothing of the
// answers: mail leaves the practice's systems.
type SafetyTaskOpened struct {
	Practitioner string // the practitioner's name
	Client       int64  // the client's number
	At           string // when it opened, "2026-05-04 14:03 UTC"
	Due          string // the day it is due, "2026-05-04"
	// NotSent says the client saved the answers without sending the
	// questionnaire.
	NotSent bool
	Link    string // the task's page
}

func (SafetyTaskOpened) file() string { return "practice_safety_task.txt" }
