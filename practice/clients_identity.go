package practice

import (
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
)

// Identity is who a client is: the part of their record that says how to
// name, address and reach them. It is sealed at rest as a whole, the name
// included (see practicesql).
type Identity struct {
	// Name is the client's full name, as they sign it.
	Name string `json:"name"`
	// PreferredName is the name to call them by, "" for Name.
	PreferredName string `json:"preferred_name,omitempty"`
	// DateOfBirth is a real day in the past.
	DateOfBirth date.Date `json:"date_of_birth"`
	// Pronouns and GenderIdentity are the client's own words; forms
	// suggest PronounSuggestions and GenderIdentitySuggestions.
	Pronouns       string `json:"pronouns,omitempty"`
	GenderIdentity string `json:"gender_identity,omitempty"`
	// Email and Phone reach the client; at least one is given.
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Emergency is whom to call in an emergency; all empty for nobody.
	Emergency EmergencyContact `json:"emergency"`
}

// EmergencyContact is whom to call when a client is in danger: all three
// fields, or none.
type EmergencyContact struct {
	Name         string `json:"name,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Relationship string `json:"relationship,omitempty"`
}

// CalledBy returns the name to call the client by: the preferred name
// when there is one.
func (id Identity) CalledBy() string {
	if id.PreferredName != "" {
		return id.PreferredName
	}
	return id.Name
}

// AgeOn returns the client's age in whole years on day.
func (id Identity) AgeOn(day date.Date) int { return ageOn(id.DateOfBirth, day) }

// ageOn counts the birthdays from born to day: someone born on 29
// February has theirs on 1 March in other years.
func ageOn(born, day date.Date) int {
	b, d := born.Time(), day.Time()
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		age--
	}
	return age
}

// IdentityInput is an identity as a form or the API sends it: text,
// checked by CheckIdentity.
type IdentityInput struct {
	Name                  string `json:"name"`
	PreferredName         string `json:"preferred_name"`
	DateOfBirth           string `json:"date_of_birth"`
	Pronouns              string `json:"pronouns"`
	GenderIdentity        string `json:"gender_identity"`
	Email                 string `json:"email"`
	Phone                 string `json:"phone"`
	EmergencyName         string `json:"emergency_name"`
	EmergencyPhone        string `json:"emergency_phone"`
	EmergencyRelationship string `json:"emergency_relationship"`
}

// Input returns the identity as a form shows it, for editing.
func (id Identity) Input() IdentityInput {
	return IdentityInput{Name: id.Name, PreferredName: id.PreferredName, DateOfBirth: id.DateOfBirth.String(),
		Pronouns: id.Pronouns, GenderIdentity: id.GenderIdentity, Email: id.Email, Phone: id.Phone,
		EmergencyName: id.Emergency.Name, EmergencyPhone: id.Emergency.Phone, EmergencyRelationship: id.Emergency.Relationship}
}

// PronounSuggestions are offered by forms; a client may write their own.
var PronounSuggestions = []string{"she/her", "he/him", "they/them", "she/they", "he/they", "ze/zir", "xe/xem",
	"any pronouns", "no pronouns: use my name"}

// GenderIdentitySuggestions are offered by forms; a client may write
// their own words.
var GenderIdentitySuggestions = []string{"woman", "man", "non-binary", "transgender woman", "transgender man",
	"genderqueer", "genderfluid", "agender", "two-spirit", "questioning", "prefer not to say"}

// The bounds of an identity.
const (
	// MaxNameLen bounds names (runes): the longest names in use stay well
	// under it.
	MaxNameLen = 200
	// MaxShortTextLen bounds pronouns, gender identity and relationship.
	MaxShortTextLen = 100
	// MaxAge is the oldest age a date of birth may give; older is a typo
	// in the year.
	MaxAge = 120
	// MaxEmailLen is the longest address RFC 5321 allows in a path.
	MaxEmailLen = 254
)

// identityFields is the order in which messages list an identity's fields.
var identityFields = []string{"name", "preferred_name", "date_of_birth", "pronouns", "gender_identity", "email", "phone",
	"emergency_name", "emergency_phone", "emergency_relationship"}

// CheckIdentity trims an identity and checks it on the day today. It
// returns the identity, or an Invalid error ("Check the client's
// details") whose Fields say what to fix by field and whose message lists
// them in the form's order.
func CheckIdentity(in IdentityInput, today date.Date) (Identity, error) {
	trim := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	id := Identity{Name: trim(in.Name), PreferredName: trim(in.PreferredName), Pronouns: trim(in.Pronouns),
		GenderIdentity: trim(in.GenderIdentity), Email: strings.TrimSpace(in.Email), Phone: strings.TrimSpace(in.Phone),
		Emergency: EmergencyContact{Name: trim(in.EmergencyName), Phone: strings.TrimSpace(in.EmergencyPhone),
			Relationship: trim(in.EmergencyRelationship)}}
	errs := map[string]string{}
	// Control characters are checked on the raw input: trimming folds a
	// tab or a newline into a space, and such input is no name.
	text := func(field, raw, v string, max int, required bool, example string) {
		switch {
		case hasControl(raw):
			errs[field] = "remove the control characters (tabs, line breaks)"
		case v == "" && required:
			errs[field] = "give " + example
		case utf8.RuneCountInString(v) > max:
			errs[field] = fmt.Sprintf("use at most %d characters (this has %d)", max, utf8.RuneCountInString(v))
		}
	}
	text("name", in.Name, id.Name, MaxNameLen, true, "the client's full name, such as Alex Rivera")
	text("preferred_name", in.PreferredName, id.PreferredName, MaxNameLen, false, "")
	text("pronouns", in.Pronouns, id.Pronouns, MaxShortTextLen, false, "")
	text("gender_identity", in.GenderIdentity, id.GenderIdentity, MaxShortTextLen, false, "")

	switch dob := strings.TrimSpace(in.DateOfBirth); {
	case dob == "":
		errs["date_of_birth"] = "give the date of birth as YYYY-MM-DD, such as 1990-04-23"
	default:
		d, err := date.Parse(dob)
		switch {
		case err != nil:
			errs["date_of_birth"] = fmt.Sprintf("%q is not a real date; write it as YYYY-MM-DD, such as 1990-04-23", dob)
		case !d.Before(today):
			errs["date_of_birth"] = fmt.Sprintf("%s is not in the past; check the year", d)
		case ageOn(d, today) > MaxAge:
			errs["date_of_birth"] = fmt.Sprintf("%s would make the client older than %d; check the year", d, MaxAge)
		default:
			id.DateOfBirth = d
		}
	}

	if id.Email != "" {
		if msg := checkEmail(id.Email); msg != "" {
			errs["email"] = msg
		}
	}
	if id.Phone != "" {
		if msg := checkPhone(id.Phone); msg != "" {
			errs["phone"] = msg
		}
	}
	if id.Email == "" && id.Phone == "" && errs["email"] == "" && errs["phone"] == "" {
		errs["email"] = "give an e-mail address or a phone number (or both), so the practice can reach the client"
	}

	e := id.Emergency
	text("emergency_name", in.EmergencyName, e.Name, MaxNameLen, false, "")
	text("emergency_relationship", in.EmergencyRelationship, e.Relationship, MaxShortTextLen, false, "")
	if e.Phone != "" {
		if msg := checkPhone(e.Phone); msg != "" {
			errs["emergency_phone"] = msg
		}
	}
	if e != (EmergencyContact{}) {
		missing := func(field, v, how string) {
			if v == "" && errs[field] == "" {
				errs[field] = how + ", or leave all three emergency contact fields empty"
			}
		}
		missing("emergency_name", e.Name, "give the emergency contact's name")
		missing("emergency_phone", e.Phone, "give the emergency contact's phone number")
		missing("emergency_relationship", e.Relationship, "say how the emergency contact is related to the client (partner, friend, parent...)")
	}
	if err := fieldsError("Check the client's details", identityFields, errs); err != nil {
		return Identity{}, err
	}
	return id, nil
}

// fieldsError is the Invalid error of a form refused as a whole: Fields
// hold, by field, "field: how to fix it" (as the board's forms do), and
// the message lists them in order; Field is the first. nil when errs is
// empty.
func fieldsError(title string, order []string, errs map[string]string) error {
	if len(errs) == 0 {
		return nil
	}
	var msgs []string
	fields := map[string]string{}
	first := ""
	for _, f := range order {
		if m, ok := errs[f]; ok {
			msgs = append(msgs, f+": "+m)
			fields[f] = f + ": " + m
			if first == "" {
				first = f
			}
		}
	}
	for _, f := range slices.Sorted(maps.Keys(errs)) { // a field missing from order is a bug, but still said
		if _, ok := fields[f]; !ok {
			msgs = append(msgs, f+": "+errs[f])
			fields[f] = f + ": " + errs[f]
		}
	}
	return &certboard.Error{Code: certboard.Invalid, Title: title, Message: strings.Join(msgs, "; "), Field: first, Fields: fields}
}

// hasControl reports characters that have no place in a one-line field,
// or text that is not UTF-8.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// checkEmail says what is wrong with an e-mail address, "" for nothing.
func checkEmail(s string) string {
	a, err := mail.ParseAddress(s)
	local, domain, _ := strings.Cut(s, "@")
	if err != nil || a.Address != s || local == "" || !strings.Contains(domain, ".") || len(s) > MaxEmailLen ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "give just an e-mail address, such as alex@example.org"
	}
	return ""
}

// checkPhone says what is wrong with a phone number, "" for nothing: it
// takes digits with spaces, dashes, dots and brackets, an optional "+"
// first, and 7 to 15 digits (the most E.164 allows).
func checkPhone(s string) string {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return fmt.Sprintf("%q is not a phone number; use digits, with + and the country code if abroad, such as +1 305 555 0142", s)
		}
	}
	if digits < 7 || digits > 15 {
		return fmt.Sprintf("a phone number has 7 to 15 digits (this has %d), such as +1 305 555 0142", digits)
	}
	return ""
}
