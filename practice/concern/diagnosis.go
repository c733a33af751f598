package concern

import (
	"fmt"
	"strings"

	"github.com/certboard/certboard"
)

// Onset is the onset specifier of a disorder.
type Onset string

// The onsets; NoOnset is one not (yet) specified.
const (
	NoOnset Onset = ""
	// Lifelong: present since the person became sexually active.
	Lifelong Onset = "lifelong"
	// Acquired: began after a period of relatively normal sexual function.
	Acquired Onset = "acquired"
)

// Context is the context specifier of a disorder.
type Context string

// The contexts; NoContext is one not (yet) specified.
const (
	NoContext Context = ""
	// Generalised: not limited to certain kinds of stimulation,
	// situations or partners.
	Generalised Context = "generalised"
	// Situational: only with certain kinds of stimulation, situations or
	// partners.
	Situational Context = "situational"
)

// Severity is the severity specifier of a disorder (DSM-5-TR).
type Severity string

// The severities; NoSeverity is one not (yet) specified.
const (
	NoSeverity Severity = ""
	Mild       Severity = "mild"
	Moderate   Severity = "moderate"
	Severe     Severity = "severe"
)

// Specifiers are the specifiers of a diagnosis. An empty one is not
// specified (not yet known); a concern takes only those it lists.
type Specifiers struct {
	// Onset is lifelong or acquired.
	Onset Onset `json:"onset,omitempty"`
	// Context is generalised or situational.
	Context Context `json:"context,omitempty"`
	// Severity is mild, moderate or severe.
	Severity Severity `json:"severity,omitempty"`
}

// Diagnosis is a concern recorded on a case, with its specifiers. For a
// concern that is not a disorder it records the concern, not a diagnosis,
// and takes no specifiers.
type Diagnosis struct {
	// Concern is the id of the concern in the taxonomy.
	Concern string `json:"concern"`
	// Specifiers are the diagnosis's specifiers.
	Specifiers Specifiers `json:"specifiers"`
}

// Codes are the codes of a diagnosis.
type Codes struct {
	// ICD10CM holds the concern's primary ICD-10-CM code; empty for a
	// concern recorded without a code.
	ICD10CM []Code `json:"icd10cm"`
	// ICD11 holds the ICD-11 code, with the subcode derived from onset and
	// context where the code has such subcodes (the unspecified subcode,
	// .xZ, while either is not specified); empty when none is given.
	ICD11 []Code `json:"icd11"`
	// Organic holds the ICD-10-CM codes for when a known physiological
	// condition or a substance causes the problem. They are not this
	// diagnosis's codes: the treating physician codes them instead.
	Organic []Code `json:"organic"`
}

// The fields a Check names.
const (
	FieldConcern  = "concern"
	FieldOnset    = "specifiers.onset"
	FieldContext  = "specifiers.context"
	FieldSeverity = "specifiers.severity"
)

// Check checks d against the Default taxonomy.
func (d Diagnosis) Check() error { return Default().Check(d) }

// Codes returns the codes of d under the Default taxonomy.
func (d Diagnosis) Codes() (Codes, error) { return Default().Codes(d) }

// Check says what is wrong with d: an unknown concern, a specifier of an
// unknown value, a specifier the concern does not take (any specifier of a
// concern that is not a disorder). It returns nil for a diagnosis it
// accepts, or an Invalid *certboard.Error naming the first field at fault
// and how to fix it, with Fields holding every field at fault.
func (t *Taxonomy) Check(d Diagnosis) error {
	var fields []string
	problems := map[string]string{}
	add := func(field, how string) {
		if _, ok := problems[field]; !ok {
			fields = append(fields, field)
			problems[field] = how
		}
	}
	c, known := t.Lookup(d.Concern)
	switch {
	case d.Concern == "":
		add(FieldConcern, fmt.Sprintf("choose the concern, one of %s", strings.Join(t.IDs(), ", ")))
	case !known:
		add(FieldConcern, fmt.Sprintf("there is no concern %q in %s; use one of %s", d.Concern, t.version, strings.Join(t.IDs(), ", ")))
	}
	s := d.Specifiers
	given := []struct {
		spec  Specifier
		field string
		set   bool
		valid bool
		how   string
	}{
		{OnsetSpecifier, FieldOnset, s.Onset != NoOnset, s.Onset == Lifelong || s.Onset == Acquired,
			fmt.Sprintf("%q is not an onset; use lifelong or acquired, or leave it empty while it is not known", s.Onset)},
		{ContextSpecifier, FieldContext, s.Context != NoContext, s.Context == Generalised || s.Context == Situational,
			fmt.Sprintf("%q is not a context; use generalised or situational, or leave it empty while it is not known", s.Context)},
		{SeveritySpecifier, FieldSeverity, s.Severity != NoSeverity, s.Severity == Mild || s.Severity == Moderate || s.Severity == Severe,
			fmt.Sprintf("%q is not a severity; use mild, moderate or severe, or leave it empty while it is not known", s.Severity)},
	}
	for _, g := range given {
		if !g.set {
			continue
		}
		switch {
		case known && !c.IsDisorder():
			add(g.field, fmt.Sprintf("%s is recorded as a concern, not a diagnosis, and takes no %s; leave it empty", c.ID, g.spec))
		case known && !c.Takes(g.spec):
			add(g.field, fmt.Sprintf("%s (%s) takes no %s specifier; leave it empty", c.ID, c.dsmName(), g.spec))
		case !g.valid:
			add(g.field, g.how)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	e := certboard.FieldError(certboard.Invalid, fields[0], problems[fields[0]])
	e.Fields = problems
	return e
}

// dsmName is the disorder's DSM-5-TR name, or what says it has none.
func (c Concern) dsmName() string {
	if c.DSM5TR != "" {
		return c.DSM5TR
	}
	return "not in DSM-5-TR"
}

// Codes returns the codes of d, or Check's error when d is refused. The
// ICD-11 code of a concern whose code has onset and context subcodes is
// the subcode of d's onset and context: .x0 lifelong generalised, .x1
// lifelong situational, .x2 acquired generalised, .x3 acquired situational,
// and .xZ (unspecified) while either is not specified. The subcode is
// confirmed when its code is. Severity changes no code.
func (t *Taxonomy) Codes(d Diagnosis) (Codes, error) {
	if err := t.Check(d); err != nil {
		return Codes{}, err
	}
	c, _ := t.Lookup(d.Concern)
	out := Codes{ICD10CM: []Code{}, ICD11: []Code{}, Organic: []Code{}}
	for _, k := range c.ICD10CM {
		if k.Use == Primary {
			out.ICD10CM = append(out.ICD10CM, k)
		} else {
			out.Organic = append(out.Organic, k)
		}
	}
	if c.ICD11 != nil {
		k := *c.ICD11
		if c.ICD11Subcodes {
			k.Code, k.Title = Subcode(k.Code, k.Title, d.Specifiers.Onset, d.Specifiers.Context)
		}
		out.ICD11 = append(out.ICD11, k)
	}
	return out, nil
}

// Subcode returns the ICD-11 subcode of code for an onset and a context,
// with its title: code's title followed by the specifiers ("Male erectile
// dysfunction, acquired, situational"). A stem code gains a dot and the
// subcode character (HA00 to HA00.2); a code with a dot gains the
// character (HA01.1 to HA01.12). Without both onset and context the
// subcode is the unspecified one, Z ("HA01.1Z", "..., unspecified").
func Subcode(code, title string, onset Onset, context Context) (string, string) {
	var ch, words string
	switch {
	case onset == Lifelong && context == Generalised:
		ch, words = "0", "lifelong, generalised"
	case onset == Lifelong && context == Situational:
		ch, words = "1", "lifelong, situational"
	case onset == Acquired && context == Generalised:
		ch, words = "2", "acquired, generalised"
	case onset == Acquired && context == Situational:
		ch, words = "3", "acquired, situational"
	default:
		ch, words = "Z", "unspecified"
	}
	if !strings.Contains(code, ".") {
		ch = "." + ch
	}
	return code + ch, title + ", " + words
}
