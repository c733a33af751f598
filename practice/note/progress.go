package note

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/plissit"
)

// MaxSection bounds the text of one section of a progress note, in
// characters.
const MaxSection = 20000

// Progress is a progress note: what happened at one session, in SOAP or
// DAP format, with what the session did of Permission and Limited
// Information. A client has one progress note per date of service. Once
// signed it is locked: it changes only by amendments (Amend), which keep
// it as signed.
type Progress struct {
	// DateOfService is the day of the session.
	DateOfService date.Date `json:"date_of_service"`
	// Format is the note's structure.
	Format Format `json:"format"`
	// Sections hold the text of each of the format's sections.
	Sections map[Section]string `json:"sections"`
	// PLI is what the session did of Permission and Limited Information;
	// nil when it did neither.
	PLI *plissit.PLIRecord `json:"pli,omitempty"`
	// SignedBy is the account (auth.User.ID) of the practitioner who
	// signed the note; 0 while it is unsigned.
	SignedBy int64 `json:"signed_by,omitempty"`
	// SignedAt is when it was signed; the zero time while it is unsigned.
	SignedAt time.Time `json:"signed_at,omitzero"`
}

// Signed says whether the note is signed, and so locked.
func (n Progress) Signed() bool { return !n.SignedAt.IsZero() }

// MayEdit says whether the note may be changed in place: nil while it is
// unsigned, a Conflict once signed, which says to amend it instead.
func (n Progress) MayEdit() error {
	if !n.Signed() {
		return nil
	}
	return locked(n)
}

// locked is the Conflict of a change to a signed note.
func locked(n Progress) *certboard.Error {
	return (&certboard.Error{Code: certboard.Conflict, Message: fmt.Sprintf(
		"the progress note of %s was signed on %s and is locked; add an amendment with the reason for the change instead",
		n.DateOfService, n.SignedAt.Format(time.DateOnly))}).WithTitle("The note is signed")
}

// Check refuses a note that is incomplete or wrongly written, and says,
// field by field, how to fix it: a date of service that is missing or
// after now's day (in now's location: pass the time in the practice's
// zone); a format that is not one of the formats; a section of the format
// that is empty, longer than MaxSection characters or not text, or a
// section the format does not have; a P/LI record that plissit refuses
// (fields "pli.topics.0" and so on); a signature with only one of its
// signer and time, signed after now or before the date of service. Field
// names are "date_of_service", "format", "sections.subjective",
// "signed_at" and so on.
func (n Progress) Check(now time.Time) error {
	var p problems
	dated := p.dateOfService(n.DateOfService, date.FromTime(now), "give the date of the session",
		"write the note on or after the day of the session")
	if !n.Format.Known() {
		p.Add("format", fmt.Sprintf("unknown format %q; use soap or dap", clip(string(n.Format))))
	} else {
		checkSections(&p, n.Format, n.Sections, true)
	}
	if n.PLI != nil {
		p.Merge(n.PLI.CheckAt("pli."))
	}
	switch {
	case n.SignedBy < 0 || (n.SignedBy == 0 && !n.SignedAt.IsZero()):
		p.Add("signed_by", "name the practitioner who signed the note (their account id)")
	case n.SignedBy > 0 && n.SignedAt.IsZero():
		p.Add("signed_at", "give the time the note was signed, or leave the signer out of an unsigned note")
	case n.SignedAt.After(now):
		p.Add("signed_at", fmt.Sprintf("%s is later than now; give the time the note was signed", n.SignedAt.Format(time.RFC3339)))
	case n.Signed() && dated && date.FromTime(n.SignedAt.In(now.Location())).Before(n.DateOfService):
		p.Add("signed_at", fmt.Sprintf("a note is signed on or after its date of service, %s", n.DateOfService))
	}
	return p.Err("Invalid progress note")
}

// checkSections checks the sections' text against the format: with all,
// every section of the format is required; a section the format does not
// have is refused on the field "sections".
func checkSections(p *problems, f Format, secs map[Section]string, all bool) {
	for _, s := range f.Sections() {
		text, ok := secs[s]
		if !ok && !all {
			continue
		}
		p.text("sections."+string(s), text, MaxSection, fmt.Sprintf("write the %s section; a %s note has %s", s.Label(), f.Name(), f.sectionList()))
	}
	var foreign []string
	for s := range secs {
		if !f.Has(s) {
			foreign = append(foreign, fmt.Sprintf("%q", clip(string(s))))
		}
	}
	if len(foreign) > 0 {
		slices.Sort(foreign)
		p.Add("sections", fmt.Sprintf("a %s note has no section %s; use %s", f.Name(), strings.Join(foreign, " or "), f.sectionList()))
	}
}

// Sign returns a copy of the note signed by the practitioner by at the
// time at, and so locked. It refuses a note already signed (Conflict: amend
// it instead), a signer or time not given, and a note that Check(at)
// refuses: a note is complete when it is signed, and signed on or after
// its date of service in at's location. The note given is not changed.
func Sign(n Progress, by int64, at time.Time) (Progress, error) {
	if n.Signed() {
		return Progress{}, locked(n)
	}
	if by <= 0 {
		return Progress{}, certboard.FieldError(certboard.Invalid, "signed_by", "name the practitioner who signs the note (their account id)")
	}
	if at.IsZero() {
		return Progress{}, certboard.FieldError(certboard.Invalid, "signed_at", "give the time of the signature")
	}
	if err := n.Check(at); err != nil {
		return Progress{}, err
	}
	s := n.clone()
	s.SignedBy, s.SignedAt = by, at
	return s, nil
}

// clone returns a copy of n that shares nothing with it.
func (n Progress) clone() Progress {
	c := n
	c.Sections = maps.Clone(n.Sections)
	c.PLI = clonePLI(n.PLI)
	return c
}

// clonePLI returns a copy of r that shares nothing with it; nil for nil.
func clonePLI(r *plissit.PLIRecord) *plissit.PLIRecord {
	if r == nil {
		return nil
	}
	return &plissit.PLIRecord{Topics: slices.Clone(r.Topics), Myths: slices.Clone(r.Myths), Information: slices.Clone(r.Information)}
}

// DateTaken is the Conflict a store's uniqueness rule becomes when a
// second progress note is written for a client's date of service d: it
// names the day and says what to do instead.
func DateTaken(d date.Date) *certboard.Error {
	return (&certboard.Error{Code: certboard.Conflict, Field: "date_of_service", Message: fmt.Sprintf(
		"date_of_service: the client already has a progress note for %s, and there is one note per date of service; "+
			"open that note and add to it, or, if it is signed, add an amendment to it", d)}).
		WithTitle("A note for this date exists")
}
