package note

import (
	"fmt"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// MaxPsychotherapy bounds the text of a psychotherapy note, in characters.
const MaxPsychotherapy = 50000

// Psychotherapy is a psychotherapy note: the practitioner's own notes on
// the content of a session, kept apart from the client's record (HIPAA's
// psychotherapy notes). It is a type of its own so that nothing that
// takes a progress note takes it; only its author reads it (MayRead), and
// an export takes it only when asked to (Exportable).
type Psychotherapy struct {
	// DateOfService is the day of the session it is about.
	DateOfService date.Date `json:"date_of_service"`
	// Author is the account (auth.User.ID) of the practitioner who wrote
	// it, the only one who reads it.
	Author int64 `json:"author"`
	// Text is the note.
	Text string `json:"text"`
	// WrittenAt is when it was written.
	WrittenAt time.Time `json:"written_at"`
}

// Check refuses a psychotherapy note that is incomplete or wrongly
// written, field by field: a date of service missing or after now's day
// (in now's location); no author; text empty, longer than
// MaxPsychotherapy characters or not text; no time of writing, or one
// after now or before the date of service.
func (n Psychotherapy) Check(now time.Time) error {
	var p problems
	dated := p.dateOfService(n.DateOfService, date.FromTime(now), "give the date of the session the note is about",
		"give the day of the session")
	if n.Author <= 0 {
		p.Add("author", "name the practitioner who writes the note (their account id)")
	}
	p.text("text", n.Text, MaxPsychotherapy, "write the note")
	switch {
	case n.WrittenAt.IsZero():
		p.Add("written_at", "give the time the note was written")
	case n.WrittenAt.After(now):
		p.Add("written_at", fmt.Sprintf("%s is later than now; give the time the note was written", n.WrittenAt.Format(time.RFC3339)))
	case dated && date.FromTime(n.WrittenAt.In(now.Location())).Before(n.DateOfService):
		p.Add("written_at", fmt.Sprintf("a note is written on or after the day of its session, %s", n.DateOfService))
	}
	return p.Err("Invalid psychotherapy note")
}

// MayRead says whether the account reader may read the note: only its
// author may. Anyone else is told it is not found (NotFound), so that
// the note's existence is not disclosed either.
func (n Psychotherapy) MayRead(reader int64) error {
	if reader > 0 && reader == n.Author {
		return nil
	}
	return (&certboard.Error{Code: certboard.NotFound, Message: "no such psychotherapy note"}).WithTitle("Not found")
}

// Include says what an export of a client's record takes beyond the
// record itself. The zero value is every export's default: no
// psychotherapy notes.
type Include struct {
	// Psychotherapy asks for the psychotherapy notes the exporter wrote.
	Psychotherapy bool
}

// Exportable returns the psychotherapy notes an export made by the
// account reader takes: none unless inc asks for them, and then only those
// reader may read (MayRead), in the order given. The slice returned is
// new.
func Exportable(notes []Psychotherapy, reader int64, inc Include) []Psychotherapy {
	if !inc.Psychotherapy {
		return nil
	}
	var out []Psychotherapy
	for _, n := range notes {
		if n.MayRead(reader) == nil {
			out = append(out, n)
		}
	}
	return out
}
