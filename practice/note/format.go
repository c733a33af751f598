package note

import (
	"fmt"

	"github.com/certboard/certboard"
)

// Format is the structure of a progress note.
type Format string

// The formats.
const (
	// SOAP notes have Subjective, Objective, Assessment and Plan.
	SOAP Format = "soap"
	// DAP notes have Data, Assessment and Plan.
	DAP Format = "dap"
)

// Section is one section of a progress note.
type Section string

// The sections of the formats.
const (
	// Subjective is what the client reports (SOAP).
	Subjective Section = "subjective"
	// Objective is what the practitioner observes and measures (SOAP).
	Objective Section = "objective"
	// Data is what the client reports and the practitioner observes
	// (DAP).
	Data Section = "data"
	// Assessment is the practitioner's understanding of it (both).
	Assessment Section = "assessment"
	// Plan is what comes next (both).
	Plan Section = "plan"
)

// Formats returns the formats, SOAP first.
func Formats() []Format { return []Format{SOAP, DAP} }

// Known says whether f is one of the formats.
func (f Format) Known() bool { return f == SOAP || f == DAP }

// Name returns the format as people write it ("SOAP"); an unknown format
// is returned as it is.
func (f Format) Name() string {
	switch f {
	case SOAP:
		return "SOAP"
	case DAP:
		return "DAP"
	}
	return string(f)
}

// Sections returns the format's sections in their order; none for an
// unknown format.
func (f Format) Sections() []Section {
	switch f {
	case SOAP:
		return []Section{Subjective, Objective, Assessment, Plan}
	case DAP:
		return []Section{Data, Assessment, Plan}
	}
	return nil
}

// Has says whether s is a section of the format.
func (f Format) Has(s Section) bool {
	for _, x := range f.Sections() {
		if x == s {
			return true
		}
	}
	return false
}

// ParseFormat reads "soap" or "dap"; anything else is an Invalid
// *certboard.Error naming the field "format".
func ParseFormat(s string) (Format, error) {
	if f := Format(s); f.Known() {
		return f, nil
	}
	return "", certboard.FieldError(certboard.Invalid, "format",
		fmt.Sprintf("unknown format %q; use soap or dap", clip(s)))
}

// Label returns the section as people read it ("Subjective"); an unknown
// section is returned as it is.
func (s Section) Label() string {
	switch s {
	case Subjective:
		return "Subjective"
	case Objective:
		return "Objective"
	case Data:
		return "Data"
	case Assessment:
		return "Assessment"
	case Plan:
		return "Plan"
	}
	return string(s)
}

// sectionList joins the format's section ids for messages.
func (f Format) sectionList() string {
	var s string
	for i, x := range f.Sections() {
		switch {
		case i == 0:
		case i == len(f.Sections())-1:
			s += " and "
		default:
			s += ", "
		}
		s += string(x)
	}
	return s
}
