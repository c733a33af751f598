package plissit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
)

// Bounds of what a person writes into a case record, in characters. They
// are generous for clinical prose and catch a paste gone wrong.
const (
	// MaxReason bounds the reason of a move.
	MaxReason = 2000
	// MaxText bounds a section of prose (a concern's description, the
	// course of a concern, the client's understanding, a plan).
	MaxText = 4000
	// MaxItem bounds one entry of a list (a topic opened, a goal, an
	// intervention, a measure of progress).
	MaxItem = 500
	// MaxItems bounds how many entries a list holds.
	MaxItems = 30
	// MaxID bounds an id (of a concern, a comorbidity, a goal).
	MaxID = 64
)

// problems gathers what is wrong with an input (certboard.Problems), with
// the checks of what a person writes into a case record.
type problems struct{ certboard.Problems }

// text checks free text: valid UTF-8, no control characters (but line
// breaks and tabs when multiline), at most max characters. Blank text is
// refused with need when need is not "" (the field is required).
func (p *problems) text(field, s string, max int, multiline bool, need string) {
	if strings.TrimSpace(s) == "" {
		if need != "" {
			p.Add(field, need)
		} else if s != "" {
			p.Add(field, "holds only spaces; write the text or leave it empty")
		}
		return
	}
	if !utf8.ValidString(s) {
		p.Add(field, "is not valid text (UTF-8); type or paste it again as plain text")
		return
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if !multiline && (r == '\n' || r == '\r') {
			p.Add(field, "keep it to one line")
			return
		}
		if unicode.IsControl(r) {
			p.Add(field, fmt.Sprintf("remove the control character %U", r))
			return
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, fmt.Sprintf("write at most %d characters (this has %d)", max, n))
	}
}

// id checks an id: 1 to MaxID letters, digits and . _ : - (what an id
// made by certboard, a catalogue or a form holds). Blank is refused with
// need.
func (p *problems) id(field, s, need string) {
	if s == "" {
		p.Add(field, need)
		return
	}
	if !ValidID(s) {
		p.Add(field, fmt.Sprintf("%q is not an id: use 1 to %d letters, digits, '.', '_', ':' or '-', as the list offers them", clip(s), MaxID))
	}
}

// ValidID says whether s is an id as the records take them: 1 to MaxID
// letters, digits and . _ : - (what an id of a list offered looks like).
func ValidID(s string) bool {
	if s == "" || len(s) > MaxID {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// list checks a list of one-line entries: at most most, each non-blank
// and at most MaxItem characters, none twice (ignoring case and spaces
// around). what names an entry in messages ("topic"), whats more than one.
func (p *problems) list(field string, items []string, most int, what, whats string) {
	if len(items) > most {
		p.Add(field, fmt.Sprintf("list at most %d %s (this has %d); merge the ones that belong together", most, whats, len(items)))
		return
	}
	seen := map[string]int{}
	for i, s := range items {
		f := fmt.Sprintf("%s.%d", field, i)
		p.text(f, s, MaxItem, false, fmt.Sprintf("%s %d is empty; write it or remove it", what, i+1))
		k := strings.ToLower(strings.TrimSpace(s))
		if j, dup := seen[k]; dup && k != "" {
			p.Add(f, fmt.Sprintf("%s %d repeats %s %d; remove one of them", what, i+1, what, j+1))
		} else {
			seen[k] = i + 1
		}
	}
}

// clip shortens s for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
