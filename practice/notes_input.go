package practice

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/note"
	"github.com/certboard/certboard/practice/plissit"
)

// What a practitioner writes in a note, read and checked here before a
// use case opens its transaction: every check is pure, says field by field
// what to fix, and changes nothing.

// NoteInput is a progress note as a practitioner writes it, in a form or
// the API: the date of service as YYYY-MM-DD, the format ("soap" or
// "dap"), the text of each section by its id ("subjective", "data"...) and
// what the session did of Permission and Limited Information (nil or
// empty: nothing).
type NoteInput struct {
	DateOfService string             `json:"date_of_service"`
	Format        string             `json:"format"`
	Sections      map[string]string  `json:"sections"`
	PLI           *plissit.PLIRecord `json:"pli,omitempty"`
}

// AmendInput is a change to a signed progress note: why, and the new text
// of the sections changed and the new P/LI record. A section given with
// the text it reads with now, or a P/LI record equal to the note's, is
// not a change and is left out, so a form may send every section.
type AmendInput struct {
	Reason   string             `json:"reason"`
	Sections map[string]string  `json:"sections"`
	PLI      *plissit.PLIRecord `json:"pli,omitempty"`
}

// PsychotherapyInput is a psychotherapy note as its author writes it: the
// date of the session it is about (YYYY-MM-DD) and the text.
type PsychotherapyInput struct {
	DateOfService string `json:"date_of_service"`
	Text          string `json:"text"`
}

// noteForm is the form of the notes' inputs, which takes in the checks of
// packages note and plissit.
type noteForm struct{ form }

// addChecked records the fields of an Invalid error a check of package
// note or plissit returned, in the order its message lists them; rewrite,
// when not nil, may give a field a message of its own ("" leaves the
// field out). Any other error is returned as it is.
func (f *noteForm) addChecked(err error, rewrite func(field, msg string) string) error {
	e := certboard.As(err)
	if e == nil {
		return nil
	}
	if e.Code != certboard.Invalid {
		return err
	}
	fields := e.Fields
	if len(fields) == 0 {
		fields = map[string]string{e.Field: e.Message}
	}
	keys := slices.Collect(maps.Keys(fields))
	// The message lists the problems in the order they were found.
	slices.SortStableFunc(keys, func(a, b string) int {
		ia, ib := strings.Index(e.Message, fields[a]), strings.Index(e.Message, fields[b])
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		msg := fields[k]
		if rewrite != nil {
			msg = rewrite(k, msg)
		}
		if msg != "" {
			f.addMessage(k, msg)
		}
	}
	return nil
}

// parseDay reads a date of service: the zero date for blank text, which
// the note's check refuses, and for text that is not a date, with the
// message that says so.
func parseDay(field, s string) (date.Date, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return date.Date{}, ""
	}
	d, err := date.Parse(s)
	if err != nil {
		return date.Date{}, certboard.FieldError(certboard.Invalid, field,
			fmt.Sprintf("%q is not a date; give the day of the session as YYYY-MM-DD", noteClip(s))).Message
	}
	return d, ""
}

// noteSections reads sections by their ids. Blank sections are left out: a
// draft keeps only what is written, and a section left blank is missing.
func noteSections(in map[string]string) map[note.Section]string {
	out := map[note.Section]string{}
	for k, v := range in {
		if strings.TrimSpace(v) == "" {
			continue
		}
		out[note.Section(strings.TrimSpace(k))] = noteText(v)
	}
	return out
}

// notePLI returns the P/LI record of an input: nil for nil or an empty
// one (a form with the three lists left blank), otherwise a copy with
// blank entries left out.
func notePLI(r *plissit.PLIRecord) *plissit.PLIRecord {
	if r == nil {
		return nil
	}
	keep := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			if strings.TrimSpace(x) != "" {
				out = append(out, strings.TrimSpace(x))
			}
		}
		return out
	}
	c := &plissit.PLIRecord{Topics: keep(r.Topics), Myths: keep(r.Myths), Information: keep(r.Information)}
	if c.Empty() {
		return nil
	}
	return c
}

// checkDraft reads a progress note to keep as a draft and checks it
// against now (in the practice's zone): the date of service (required,
// not after now's day) and the format (required) as for a signed note;
// each section written, and the P/LI record if any, as note.Progress.Check
// does. Unlike a signed note, a draft may leave sections unwritten: the
// practitioner writes it over several sittings, and signing it
// (SignNote) requires every section. The result is unsigned.
func checkDraft(in NoteInput, now time.Time) (note.Progress, error) {
	day, badDay := parseDay("date_of_service", in.DateOfService)
	n := note.Progress{
		DateOfService: day,
		Format:        note.Format(strings.ToLower(strings.TrimSpace(in.Format))),
		Sections:      noteSections(in.Sections),
		PLI:           notePLI(in.PLI),
	}
	var f noteForm
	err := f.addChecked(n.Check(now), func(field, msg string) string {
		switch {
		case field == "date_of_service" && badDay != "":
			return badDay
		case field == "format" && n.Format == "":
			return certboard.FieldError(certboard.Invalid, field, "choose the note's format: soap or dap").Message
		}
		// A section not written yet is what makes a draft.
		if s, ok := strings.CutPrefix(field, "sections."); ok && !strings.Contains(s, ".") {
			if _, written := n.Sections[note.Section(s)]; !written {
				return ""
			}
		}
		return msg
	})
	if err != nil {
		return note.Progress{}, err
	}
	if err := f.err("Check the note"); err != nil {
		return note.Progress{}, err
	}
	return n, nil
}

// checkAmendment reads a change to the signed note original, which has
// the amendments earlier, into the amendment by the practitioner by at
// now, leaving out the sections and P/LI record that read as the note does
// now (a form sends them all), and checks it (note.AmendAt).
func checkAmendment(original note.Progress, earlier []note.Amendment, in AmendInput, by int64, now time.Time) (note.Amendment, error) {
	current := note.Current(original, earlier)
	a := note.Amendment{Reason: noteText(strings.TrimSpace(in.Reason)), Sections: map[note.Section]string{}, By: by, At: now}
	for k, v := range in.Sections {
		s, v := note.Section(strings.TrimSpace(k)), noteText(v)
		if cur, ok := current.Sections[s]; ok && strings.TrimSpace(cur) == strings.TrimSpace(v) {
			continue
		}
		if strings.TrimSpace(v) == "" && !current.Format.Has(s) {
			continue // an empty field of another format's form
		}
		a.Sections[s] = v
	}
	if pli := notePLI(in.PLI); pli != nil && !samePLI(pli, current.PLI) {
		a.PLI = pli
	}
	amended, err := note.AmendAt(original, earlier, a, now)
	var f noteForm
	if err := f.addChecked(err, nil); err != nil {
		return note.Amendment{}, err
	}
	if err := f.err("Check the amendment"); err != nil {
		return note.Amendment{}, err
	}
	return amended, nil
}

// noteText is text as a note keeps it: line breaks as "\n", whatever the
// browser sent ("\r\n").
func noteText(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// samePLI says whether two P/LI records hold the same entries.
func samePLI(a, b *plissit.PLIRecord) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.Topics, b.Topics) && slices.Equal(a.Myths, b.Myths) && slices.Equal(a.Information, b.Information)
}

// checkPsychotherapy reads a psychotherapy note by author written at now
// and checks it (note.Psychotherapy.Check).
func checkPsychotherapy(in PsychotherapyInput, author int64, now time.Time) (note.Psychotherapy, error) {
	day, badDay := parseDay("date_of_service", in.DateOfService)
	n := note.Psychotherapy{DateOfService: day, Author: author, Text: noteText(in.Text), WrittenAt: now}
	var f noteForm
	err := f.addChecked(n.Check(now), func(field, msg string) string {
		if field == "date_of_service" && badDay != "" {
			return badDay
		}
		return msg
	})
	if err != nil {
		return note.Psychotherapy{}, err
	}
	if err := f.err("Check the psychotherapy note"); err != nil {
		return note.Psychotherapy{}, err
	}
	return n, nil
}

// noteClip shortens s for a message.
func noteClip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
