package jobs

import (
	"strconv"
	"time"
)

// Mail is a message waiting in the outbox, or sent from it.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	Attempts  int
	LastError string
	// DeadAt is when it was given up after jobs.MaxMailAttempts failures
	// (zero: not dead); set by DeadMail.
	DeadAt time.Time
	// Unreadable is set by DueMail, with Body empty, for a message whose
	// sealed body does not open (a key missing from the keyring, or a row
	// altered in the database): it must not be sent.
	Unreadable error
}

// MailContext binds a sealed body to its message: its id, recipient and
// subject. A body moved to another row (another recipient: a reset link
// sent to someone else) or a row whose recipient or subject was changed no
// longer opens.
func MailContext(id int64, to, subject string) string {
	return "outbox/" + strconv.FormatInt(id, 10) + "\x00" + to + "\x00" + subject
}
