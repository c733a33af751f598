package note

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// problems gathers what is wrong with an input (certboard.Problems), with
// the check of prose.
type problems struct{ certboard.Problems }

// text checks prose: valid UTF-8, no control characters but line breaks
// and tabs, at most max characters; blank text is refused with need.
func (p *problems) text(field, s string, max int, need string) {
	if strings.TrimSpace(s) == "" {
		p.Add(field, need)
		return
	}
	if !utf8.ValidString(s) {
		p.Add(field, "is not valid text (UTF-8); type or paste it again as plain text")
		return
	}
	for _, r := range s {
		if r != '\n' && r != '\r' && r != '\t' && unicode.IsControl(r) {
			p.Add(field, fmt.Sprintf("remove the control character %U", r))
			return
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, fmt.Sprintf("write at most %d characters (this has %d)", max, n))
	}
}

// clip shortens s for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// dateOfService checks a note's date of service (field
// "date_of_service"): given (need says how, when it is not), and not
// after today (then says what to give instead). It reports whether the
// date is one to check other times against.
func (p *problems) dateOfService(d, today date.Date, need, then string) bool {
	switch {
	case d.IsZero():
		p.Add("date_of_service", need)
	case d.After(today):
		p.Add("date_of_service", fmt.Sprintf("%s is in the future; %s (today is %s)", d, then, today))
	default:
		return true
	}
	return false
}
