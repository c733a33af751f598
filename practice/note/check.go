package note

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
)

// problems gathers what is wrong with an input, field by field, in the
// order it was found, and becomes one Invalid error.
type problems struct {
	msgs   []string
	fields map[string]string
}

// add records that field is wrong and how to fix it. Each check adds a
// field at most once.
func (p *problems) add(field, how string) {
	e := certboard.FieldError(certboard.Invalid, field, how)
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	p.fields[field] = e.Message
	p.msgs = append(p.msgs, e.Message)
}

// merge adds the problems of err, a check's error of a part of the input
// (the P/LI record).
func (p *problems) merge(err error) {
	var e *certboard.Error
	if !errors.As(err, &e) {
		return
	}
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	for f, m := range e.Fields {
		p.fields[f] = m
	}
	p.msgs = append(p.msgs, e.Message)
}

// err returns nil when nothing is wrong, otherwise an Invalid error with
// the title given: its Fields say what to fix by field and its message
// lists them in the order found; with one problem, Field names it.
func (p *problems) err(title string) error {
	if len(p.msgs) == 0 {
		return nil
	}
	e := &certboard.Error{Code: certboard.Invalid, Title: title, Message: strings.Join(p.msgs, "; "), Fields: p.fields}
	if len(p.fields) == 1 {
		for f := range p.fields {
			e.Field = f
		}
	}
	return e
}

// text checks prose: valid UTF-8, no control characters but line breaks
// and tabs, at most max characters; blank text is refused with need.
func (p *problems) text(field, s string, max int, need string) {
	if strings.TrimSpace(s) == "" {
		p.add(field, need)
		return
	}
	if !utf8.ValidString(s) {
		p.add(field, "is not valid text (UTF-8); type or paste it again as plain text")
		return
	}
	for _, r := range s {
		if r != '\n' && r != '\r' && r != '\t' && unicode.IsControl(r) {
			p.add(field, fmt.Sprintf("remove the control character %U", r))
			return
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.add(field, fmt.Sprintf("write at most %d characters (this has %d)", max, n))
	}
}

// clip shortens s for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
