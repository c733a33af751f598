package note

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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

// AmendAt checks a change to a signed note, made by the practitioner at
// now (the practice's clock), against the note as it reads with the
// amendments it has already (earlier, in the order made; see Current),
// and returns it as the amendment to keep beside the note, sharing nothing
// with what it was given; neither the note nor the amendments are
// changed. An unsigned note is edited, not amended (Conflict). The change
// is refused, field by field:
//
//   - without a reason (at most MaxReason characters) or a practitioner
//     (by);
//   - without a time (at), or at a time before the signature or the
//     latest earlier amendment, or after now;
//   - when it changes nothing: no section and no P/LI record, or a section
//     ("sections.<id>") or P/LI record ("pli") that reads as the note does
//     now (a section's text compared but for spaces around it);
//   - when a section is not one of the note's format, empty, longer than
//     MaxSection or not text, or its P/LI record is one plissit refuses.
func AmendAt(original Progress, earlier []Amendment, change Amendment, now time.Time) (Amendment, error) {
	return amend(original, earlier, change, now)
}

// Amend is AmendAt for a note without amendments yet, and without the
// check against the clock: a change dated in the future passes. Use
// AmendAt, which has the note's earlier amendments and the time now.
func Amend(original Progress, change Amendment) (Amendment, error) {
	return amend(original, nil, change, time.Time{})
}

// amend is AmendAt; a zero now skips the check against the clock.
func amend(original Progress, earlier []Amendment, change Amendment, now time.Time) (Amendment, error) {
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
	var last time.Time
	if n := len(earlier); n > 0 {
		last = earlier[n-1].At
	}
	switch {
	case change.At.IsZero():
		p.Add("at", "give the time of the amendment")
	case change.At.Before(original.SignedAt):
		p.Add("at", fmt.Sprintf("an amendment comes after the signature, %s", original.SignedAt.Format(time.RFC3339)))
	case change.At.Before(last):
		p.Add("at", fmt.Sprintf("an amendment comes after the one before it, %s", last.Format(time.RFC3339)))
	case !now.IsZero() && change.At.After(now):
		p.Add("at", fmt.Sprintf("%s is later than now; give the time of the amendment", change.At.Format(time.RFC3339)))
	}
	if len(change.Sections) == 0 && change.PLI == nil {
		p.Add("sections", "change at least one section or the P/LI record")
	}
	checkSections(&p, original.Format, change.Sections, false)
	if change.PLI != nil {
		p.Merge(change.PLI.CheckAt("pli."))
	}
	current := Current(original, earlier)
	for _, s := range original.Format.Sections() {
		text, ok := change.Sections[s]
		if ok && strings.TrimSpace(text) != "" && strings.TrimSpace(text) == strings.TrimSpace(current.Sections[s]) {
			p.Add("sections."+string(s), fmt.Sprintf("the %s section reads so already; change it, or leave it out of the amendment", s.Label()))
		}
	}
	if change.PLI != nil && samePLI(change.PLI, current.PLI) {
		p.Add("pli", "the P/LI record reads so already; change it, or leave it out of the amendment")
	}
	if err := p.Err("Invalid amendment"); err != nil {
		return Amendment{}, err
	}
	a := change
	a.Sections = maps.Clone(change.Sections)
	a.PLI = clonePLI(change.PLI)
	return a, nil
}

// samePLI says whether two P/LI records hold the same entries.
func samePLI(a, b *plissit.PLIRecord) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.Topics, b.Topics) && slices.Equal(a.Myths, b.Myths) && slices.Equal(a.Information, b.Information)
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
