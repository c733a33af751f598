package note

import (
	"fmt"
	"maps"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/plissit"
)

// MaxReason bounds the reason of an amendment, in characters.
const MaxReason = 2000

// Amendment is a change to a signed progress note, kept beside it: the
// note stays as it was signed, and reads with its amendments applied in
// order (Current).
type Amendment struct {
	// Reason says why the note is changed.
	Reason string `json:"reason"`
	// Sections hold the new text of each section changed; a section not
	// here keeps its text.
	Sections map[Section]string `json:"sections"`
	// PLI replaces the note's P/LI record; nil keeps it.
	PLI *plissit.PLIRecord `json:"pli,omitempty"`
	// By is the account (auth.User.ID) of the practitioner who amends.
	By int64 `json:"by"`
	// At is when.
	At time.Time `json:"at"`
}

// Amend checks a change to a signed note and returns it as the amendment
// to keep beside the note, sharing nothing with what it was given; the
// note is not changed. An unsigned note is edited, not amended (Conflict).
// The change is refused, field by field, without a reason (at most
// MaxReason characters), a practitioner (by) or a time (at, not before the
// signature); when it changes nothing; when a section is not one of the
// note's format, empty, longer than MaxSection or not text; when its P/LI
// record is one plissit refuses.
func Amend(original Progress, change Amendment) (Amendment, error) {
	if !original.Signed() {
		return Amendment{}, (&certboard.Error{Code: certboard.Conflict, Message: fmt.Sprintf(
			"the progress note of %s is not signed yet; edit it instead of amending it", original.DateOfService)}).
			WithTitle("The note is not signed")
	}
	var p problems
	p.text("reason", change.Reason, MaxReason, "say why the signed note is changed; the amendment keeps it")
	if change.By <= 0 {
		p.Add("by", "name the practitioner who amends the note (their account id)")
	}
	switch {
	case change.At.IsZero():
		p.Add("at", "give the time of the amendment")
	case change.At.Before(original.SignedAt):
		p.Add("at", fmt.Sprintf("an amendment comes after the signature, %s", original.SignedAt.Format(time.RFC3339)))
	}
	if len(change.Sections) == 0 && change.PLI == nil {
		p.Add("sections", "change at least one section or the P/LI record")
	}
	checkSections(&p, original.Format, change.Sections, false)
	if change.PLI != nil {
		p.Merge(change.PLI.CheckAt("pli."))
	}
	if err := p.Err("Invalid amendment"); err != nil {
		return Amendment{}, err
	}
	a := change
	a.Sections = maps.Clone(change.Sections)
	a.PLI = clonePLI(change.PLI)
	return a, nil
}

// Current returns the note as it reads now: the original with each
// amendment applied in the order given (the order they were made), each
// section and the P/LI record as last amended. The signature is the
// original's; each amendment keeps its own author and time. Neither the
// original nor the amendments are changed, and the result shares nothing
// with them.
func Current(original Progress, amendments []Amendment) Progress {
	n := original.clone()
	if n.Sections == nil && len(amendments) > 0 {
		n.Sections = map[Section]string{}
	}
	for _, a := range amendments {
		maps.Copy(n.Sections, a.Sections)
		if a.PLI != nil {
			n.PLI = clonePLI(a.PLI)
		}
	}
	return n
}
