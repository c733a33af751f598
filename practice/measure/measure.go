// Package measure scores the screening instruments of practice mode:
// PHQ-9, GAD-7, AUDIT-C, AUDIT, IIEF-5, PEDT, FSFI and ASEX. Each
// instrument is data (its items' allowed values, its bands, its positive
// rule, its flags, where it comes from and on what terms it may be used),
// and Score turns a list of answers into a Result. The package is pure: no
// I/O, no clock. It ships the item texts of the free instruments (PHQ-9,
// GAD-7, AUDIT, AUDIT-C; ShippedTexts) and reads the texts a practice
// imports for the licensed ones (ParseTexts); see docs/measures.md.
package measure

import (
	"fmt"
	"strings"

	"github.com/certboard/certboard"
)

// Sex selects the threshold of an instrument whose cut-off depends on it
// (AUDIT-C). NoSex gives none, and the lower threshold applies.
type Sex string

// The sexes an instrument may be scored for.
const (
	NoSex  Sex = ""
	Female Sex = "female"
	Male   Sex = "male"
)

// ParseSex reads "female", "male" or "" (none); anything else is an Invalid
// *certboard.Error naming the field "sex".
func ParseSex(s string) (Sex, error) {
	switch Sex(s) {
	case NoSex, Female, Male:
		return Sex(s), nil
	}
	return NoSex, certboard.FieldError(certboard.Invalid, "sex",
		fmt.Sprintf("unknown sex %q; use female or male, or give none", s))
}

// Result is a scored response. Total is a number: a whole number for every
// instrument but FSFI, whose weighted domains give one decimal place. As
// JSON it is one object with members instrument, total, band (only where
// the instrument has bands), positive, flags (a list, [] when none) and
// domains (FSFI only).
type Result struct {
	// Instrument is the instrument's id ("phq-9").
	Instrument string `json:"instrument"`
	// Total is the instrument's total score.
	Total float64 `json:"total"`
	// Band is the id of the band the total falls in, "" for an instrument
	// without bands.
	Band string `json:"band,omitempty"`
	// Positive says whether the instrument's positive rule holds.
	Positive bool `json:"positive"`
	// Flags are raised by single answers or subtotals, whatever the total
	// ("self-harm", "dependence"); never nil.
	Flags []string `json:"flags"`
	// Domains are FSFI's weighted domain scores; nil for other instruments.
	Domains *Domains `json:"domains,omitempty"`
}

// Domains are the six weighted domain scores of FSFI.
type Domains struct {
	// Desire is items 1-2 x 0.6.
	Desire float64 `json:"desire"`
	// Arousal is items 3-6 x 0.3.
	Arousal float64 `json:"arousal"`
	// Lubrication is items 7-10 x 0.3.
	Lubrication float64 `json:"lubrication"`
	// Orgasm is items 11-13 x 0.4.
	Orgasm float64 `json:"orgasm"`
	// Satisfaction is items 14-16 x 0.4.
	Satisfaction float64 `json:"satisfaction"`
	// Pain is items 17-19 x 0.4.
	Pain float64 `json:"pain"`
}

// The flags an instrument may raise.
const (
	// FlagSelfHarm is raised by PHQ-9 when item 9 is above 0, whatever the
	// total; it needs same-day follow-up.
	FlagSelfHarm = "self-harm"
	// FlagDependence is raised by AUDIT when items 4-6 sum to 4 or more.
	FlagDependence = "dependence"
)

// Score scores answers (one an item, in order) to the instrument with the
// given id, for sex (NoSex when not known). Bad input is an Invalid
// *certboard.Error naming the item and the problem: an unknown instrument
// or sex, the wrong number of answers, an answer out of range, or an AUDIT
// item 9 or 10 other than 0, 2 or 4.
func Score(instrument string, answers []int, sex Sex) (*Result, error) {
	in, ok := Lookup(instrument)
	if !ok {
		return nil, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("unknown instrument %q; use one of %s", instrument, strings.Join(IDs(), ", ")))
	}
	if _, err := ParseSex(string(sex)); err != nil {
		return nil, err
	}
	if len(answers) != len(in.Items) {
		return nil, certboard.FieldError(certboard.Invalid, "answers",
			fmt.Sprintf("%s has %d items; got %d answers", in.Name, len(in.Items), len(answers)))
	}
	for i, a := range answers {
		if err := in.Items[i].check(in, a); err != nil {
			return nil, err
		}
	}
	r := &Result{Instrument: in.ID, Flags: []string{}}
	in.score(answers, r)
	if c, ok := in.Cutoff(sex); ok && c.holds(r.Total) {
		r.Positive = true
	}
	if len(in.Bands) > 0 {
		r.Band = in.band(r.Total)
	}
	return r, nil
}

// check refuses an answer the item does not allow.
func (it Item) check(in Instrument, a int) error {
	for _, v := range it.Allowed {
		if v == a {
			return nil
		}
	}
	field := fmt.Sprintf("item %d", it.Number)
	if it.contiguous() {
		return certboard.FieldError(certboard.Invalid, field,
			fmt.Sprintf("%d is out of range; %s item %d takes %d to %d", a, in.Name, it.Number, it.Allowed[0], it.Allowed[len(it.Allowed)-1]))
	}
	vals := make([]string, len(it.Allowed))
	for i, v := range it.Allowed {
		vals[i] = fmt.Sprint(v)
	}
	return certboard.FieldError(certboard.Invalid, field,
		fmt.Sprintf("%d is not allowed; %s item %d takes only %s", a, in.Name, it.Number, orList(vals)))
}

// contiguous says whether the allowed values run without gaps.
func (it Item) contiguous() bool {
	for i := 1; i < len(it.Allowed); i++ {
		if it.Allowed[i] != it.Allowed[i-1]+1 {
			return false
		}
	}
	return true
}

// band returns the id of the band total falls in.
func (in Instrument) band(total float64) string {
	b, _ := in.BandOf(total) // always found: the bands cover every total the items allow
	return b.ID
}

// orList joins "0", "2", "4" as "0, 2 or 4".
func orList(vals []string) string {
	if len(vals) < 2 {
		return strings.Join(vals, "")
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// sum adds answers[from-1 .. to-1] (items numbered from 1).
func sum(answers []int, from, to int) int {
	s := 0
	for _, a := range answers[from-1 : to] {
		s += a
	}
	return s
}

// FlagsSoFar returns the flags that answers given so far (one an item, in
// order, nil for an item not answered yet) raise whatever the items not
// answered yet get: a PHQ-9 with item 9 above 0 raises the self-harm flag
// before the other items are answered. Every instrument's flags are
// raised by high answers, never by low ones, so these are the flags of
// the answers with each item not answered at its lowest value. Answers of
// the wrong number, or one an item does not allow, are Invalid as Score
// says. It is never nil.
func FlagsSoFar(instrument string, answers []*int) ([]string, error) {
	in, ok := Lookup(instrument)
	if !ok {
		return nil, certboard.FieldError(certboard.Invalid, "instrument",
			fmt.Sprintf("unknown instrument %q; use one of %s", instrument, strings.Join(IDs(), ", ")))
	}
	if len(answers) != len(in.Items) {
		return nil, certboard.FieldError(certboard.Invalid, "answers",
			fmt.Sprintf("%s has %d items; got %d answers", in.Name, len(in.Items), len(answers)))
	}
	lowest := make([]int, len(answers))
	for i, a := range answers {
		if a == nil {
			lowest[i] = in.Items[i].Allowed[0]
			continue
		}
		if err := in.Items[i].check(in, *a); err != nil {
			return nil, err
		}
		lowest[i] = *a
	}
	r := &Result{Instrument: in.ID, Flags: []string{}}
	in.score(lowest, r)
	return r.Flags, nil
}
