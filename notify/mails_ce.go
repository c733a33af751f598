package notify

// CompletionReported tells a credential holder that a CE provider reported
// a course they completed, now verified evidence in their renewal.
type CompletionReported struct {
	Name     string // the holder's
	Provider string // the name the provider reports under
	Title    string // the course's
	Date     string // the day it was completed
	Hours    string // written for people: "6", "1.5"
	CourseID string // the provider's id of the course
	Link     string // the renewal application's page
}

func (CompletionReported) file() string { return "completion_reported.txt" }
