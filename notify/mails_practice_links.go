package notify

// MeasureLinkSent gives a client the link to a questionnaire their
// practitioner sent. It names the practice and the link only: nothing of
// the client's record, not even which questionnaire it is, since a mail
// may be read by someone else.
type MeasureLinkSent struct {
	// Practice is how the practice is named: its name, or the host of its
	// public address ("practice.example") before an admin gives one.
	Practice string
	// Link is the questionnaire's one-time address.
	Link string
	// Until is the last day the link works, 2006-01-02.
	Until string
}

func (MeasureLinkSent) file() string { return "practice_measure_link.txt" }
