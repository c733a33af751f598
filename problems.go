package certboard

import (
	"errors"
	"maps"
	"strings"
)

// MaxProblems bounds the problems one Problems keeps: a form has fewer
// fields, and a file with more problems is told the first ones.
const MaxProblems = 50

// Problems gathers what is wrong with an input, field by field in the
// order found, and becomes one Invalid Error whose Fields say what to fix
// by field. A field keeps its first problem: the later ones usually follow
// from it. The zero value is empty and ready to use.
type Problems struct {
	list   []fieldProblem
	fields map[string]string
}

// fieldProblem is one problem: its field ("" for a merged message that
// names several) and its message, "field: how to fix it".
type fieldProblem struct{ field, message string }

// Add records that field is wrong and how to fix it, unless the field has
// a problem already or MaxProblems are kept.
func (p *Problems) Add(field, how string) {
	if p.Has(field) || len(p.list) >= MaxProblems {
		return
	}
	msg := FieldError(Invalid, field, how).Message
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	p.fields[field] = msg
	p.list = append(p.list, fieldProblem{field, msg})
}

// Merge adds the problems of err, the refusal of a part of the input (an
// *Error with Fields or a Field): its fields without a problem yet, and
// its message. Any other error, or nil, adds nothing.
func (p *Problems) Merge(err error) {
	var e *Error
	if !errors.As(err, &e) || len(p.list) >= MaxProblems {
		return
	}
	fields := e.Fields
	if len(fields) == 0 && e.Field != "" {
		fields = map[string]string{e.Field: e.Message}
	}
	field := e.Field
	if len(fields) > 1 {
		field = ""
	}
	added := false
	for f, m := range fields {
		if !p.Has(f) {
			if p.fields == nil {
				p.fields = map[string]string{}
			}
			p.fields[f] = m
			added = true
		}
	}
	if added {
		p.list = append(p.list, fieldProblem{field, e.Message})
	}
}

// Has says whether field has a problem.
func (p *Problems) Has(field string) bool {
	_, ok := p.fields[field]
	return ok
}

// Len returns how many problems were kept.
func (p *Problems) Len() int { return len(p.list) }

// Err returns nil when nothing is wrong, otherwise an Invalid *Error with
// the title given ("" keeps the code's): its Fields say what to fix by
// field and its message lists every problem in the order found; Field
// names the field when only one is wrong.
func (p *Problems) Err(title string) error {
	if len(p.list) == 0 {
		return nil
	}
	msgs := make([]string, len(p.list))
	for i, fp := range p.list {
		msgs[i] = fp.message
	}
	e := &Error{Code: Invalid, Title: title, Message: strings.Join(msgs, "; "), Fields: p.fieldMap()}
	if len(e.Fields) == 1 {
		for f := range e.Fields {
			e.Field = f
		}
	}
	return e
}

// ErrFirst is Err for input whose problems are many and found in order,
// such as a file read line by line: Field and Message are the first
// problem's alone, and Fields still holds every field's.
func (p *Problems) ErrFirst(title string) error {
	if len(p.list) == 0 {
		return nil
	}
	first := p.list[0]
	return &Error{Code: Invalid, Title: title, Field: first.field, Message: first.message, Fields: p.fieldMap()}
}

// fieldMap returns a copy of the fields' problems.
func (p *Problems) fieldMap() map[string]string { return maps.Clone(p.fields) }
