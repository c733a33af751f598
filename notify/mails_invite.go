package notify

// Invited carries the link with which a person an admin added to a
// practice chooses their password.
type Invited struct {
	Name    string // the person's, as the admin gave it
	Inviter string // the admin's name
	// Roles are the roles given, in words ("practitioner").
	Roles string
	// Site is where the practice is reached; Link the link to choose the
	// password, with its token; Reset the page that mails a new link.
	Site, Link, Reset string
	// Hours is how long the link works.
	Hours int
}

func (Invited) file() string { return "invited.txt" }
