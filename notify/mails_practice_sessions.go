package notify

// SessionReminder reminds a client of a session the next day. It says
// the practice (its name, and its address and phone when given), when
// (in the practice's time zone, named), how long, and in person or the
// video link, and what other areas add (Extras); nothing else of the
// record: the client's name, the practitioner, the case and
// the session's code and fee stay out, since mail leaves the practice and
// may be read by others.
type SessionReminder struct {
	Practice string // the practice's name
	// Address is the practice's postal address on one line, given for a
	// session in person; Phone the number to call to cancel. Either is ""
	// when the practice has not given it.
	Address string
	Phone   string
	Day     string // "Tuesday 8 December 2026", in the practice's time zone
	Time    string // "15:00", the same
	Zone    string // the time zone, named: "America/Chicago time (CST)"
	Minutes int
	// Video says the session is held by video, at VideoLink (when there
	// is none yet, as for a session imported from another practice, the
	// mail says the practice will send it); otherwise in person at the
	// practice.
	Video     bool
	VideoLink string
	// Extras are lines other areas add (a link to a measure to answer
	// before the session), in order.
	Extras []ReminderExtra
}

// ReminderExtra is one line added to a reminder: text and, optionally, a
// link.
type ReminderExtra struct {
	Text string
	Link string
}

func (SessionReminder) file() string { return "practice_session_reminder.txt" }
