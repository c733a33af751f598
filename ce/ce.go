// Package ce is continuing education as approved CE providers report it: the
// completion record a provider sends for a credential holder, its checks, and
// the CSV format of bulk imports (`certboard import completions`); and as
// holders enter it themselves, by a form or a CSV file (Entry, ReadEntries).
//
// The package is pure: it checks values and reads the reader it is given,
// and does no other I/O. Whether the credential exists, belongs to the
// e-mail address given and how far back its cycle goes is the caller's to
// find out (see CheckCycle).
package ce

import (
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/date"
)

// MaxHours is the most hours one completion may report.
const MaxHours = 40

// Deliveries are the ways a course is delivered, as the portfolio format
// names them.
var Deliveries = []string{"in_person", "live_online", "elearning"}

// Completion is one course a holder completed, as a provider reports it.
// The holder is named twice, by the credential id and by the e-mail address
// of its holder, and both must agree.
type Completion struct {
	CredentialID     string              `json:"credential_id"`
	HolderEmail      string              `json:"holder_email"`
	CourseID         string              `json:"course_id"`
	Title            string              `json:"title"`
	Date             date.Date           `json:"date"`
	Hours            float64             `json:"hours"`
	Delivery         string              `json:"delivery"`
	SexualityRelated bool                `json:"sexuality_related"`
	Areas            map[string][]string `json:"areas,omitempty"`
}

// Problem is what is wrong with one field of a completion, in words a
// person can act on.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Problems is every problem of one completion; it is an error.
type Problems []Problem

func (ps Problems) Error() string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return strings.Join(out, "; ")
}

// Normalize trims the text fields and lower-cases the e-mail address.
func (c *Completion) Normalize() {
	c.CredentialID = strings.TrimSpace(c.CredentialID)
	c.HolderEmail = strings.ToLower(strings.TrimSpace(c.HolderEmail))
	c.CourseID = strings.TrimSpace(c.CourseID)
	c.Title = strings.TrimSpace(c.Title)
	c.Delivery = strings.TrimSpace(c.Delivery)
}

// text checks a required text field and its length.
func text(field, v string, max int) *Problem {
	switch {
	case v == "":
		return &Problem{field, "is required"}
	case utf8.RuneCountInString(v) > max:
		return &Problem{field, fmt.Sprintf("is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max)}
	case strings.ContainsFunc(v, func(r rune) bool { return r < ' ' }):
		return &Problem{field, "contains a control character (a line break or tab); write it on one line"}
	}
	return nil
}

// Check reports what is wrong with a completion on its own, in field
// order; today is the reporting day (no completion is in the future). It
// does not check the cycle, which needs the credential (CheckCycle).
func Check(c Completion, today date.Date) Problems {
	var out Problems
	add := func(p *Problem) {
		if p != nil {
			out = append(out, *p)
		}
	}
	add(text("credential_id", c.CredentialID, 100))
	if p := text("holder_email", c.HolderEmail, 254); p != nil {
		add(p)
	} else if a, err := mail.ParseAddress(c.HolderEmail); err != nil || a.Address != c.HolderEmail || !strings.Contains(c.HolderEmail, "@") {
		add(&Problem{"holder_email", fmt.Sprintf("%q is not an e-mail address; give the holder's address, such as name@example.org", c.HolderEmail)})
	}
	add(text("course_id", c.CourseID, 200))
	add(text("title", c.Title, 300))
	switch {
	case c.Date.IsZero():
		add(&Problem{"date", "is required, as YYYY-MM-DD"})
	case c.Date.After(today):
		add(&Problem{"date", fmt.Sprintf("%s is in the future (today is %s); report a course once it is completed", c.Date, today)})
	}
	switch {
	case math.IsNaN(c.Hours) || math.IsInf(c.Hours, 0) || c.Hours <= 0:
		add(&Problem{"hours", "must be more than 0"})
	case c.Hours > MaxHours:
		add(&Problem{"hours", fmt.Sprintf("%g is more than %d; report a longer programme as several completions", c.Hours, MaxHours)})
	case math.Abs(c.Hours*100-math.Round(c.Hours*100)) > 1e-6:
		add(&Problem{"hours", fmt.Sprintf("%g has more than two decimals; round it to the quarter or tenth hour", c.Hours)})
	}
	if c.Delivery == "" {
		add(&Problem{"delivery", "is required: " + strings.Join(Deliveries, ", ")})
	} else if !slices.Contains(Deliveries, c.Delivery) {
		add(&Problem{"delivery", fmt.Sprintf("%q is not one of %s", c.Delivery, strings.Join(Deliveries, ", "))})
	}
	for _, tax := range sortedKeys(c.Areas) {
		if strings.TrimSpace(tax) == "" || len(c.Areas[tax]) == 0 {
			add(&Problem{"areas", "name each taxonomy and at least one area code in it"})
			break
		}
		if slices.ContainsFunc(c.Areas[tax], func(code string) bool { return strings.TrimSpace(code) == "" }) {
			add(&Problem{"areas", fmt.Sprintf("taxonomy %q has an empty area code", tax)})
			break
		}
	}
	return out
}

// CheckCycle checks that a completion falls in the holder's current cycle,
// which began on start; nil when it does.
func CheckCycle(c Completion, start date.Date) *Problem {
	if !start.IsZero() && c.Date.Before(start) {
		return &Problem{"date", fmt.Sprintf("%s is before the credential's current cycle began (%s); only courses completed in the cycle count toward renewal", c.Date, start)}
	}
	return nil
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
