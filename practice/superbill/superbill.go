// Package superbill makes a superbill: the statement a practice gives a
// client who pays for their sessions themselves, to claim a refund from
// their health insurer. It names the practice and the practitioner by
// their identifiers (NPI, tax id, licence), the client, the case's
// ICD-10-CM diagnoses and, for a month or for one session, each session's
// date, CPT code, place of service, fee and what the client paid.
//
// The package is pure: Input is plain data, Validate names every field
// that is missing or wrong, and PDF lays the superbill out. Reading the
// sessions and the case, and deciding who may see them, is the use
// cases' (package practice).
package superbill

import (
	"fmt"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/session"
)

// Input is everything a superbill shows.
type Input struct {
	// Practice is the practice that bills.
	Practice Practice
	// Practitioner is who gave the sessions (the rendering provider).
	Practitioner Practitioner
	// Client is who received them and claims the refund.
	Client Client
	// Period is the month, or the one session, the superbill covers.
	Period Period
	// Diagnoses are the case's ICD-10-CM codes, the primary first; at
	// least one and at most MaxDiagnoses.
	Diagnoses []Diagnosis
	// Lines are the sessions billed, in the order to show them (by
	// date); at least one and at most MaxLines.
	Lines []Line
	// Currency is the ISO 4217 code of every amount ("USD"); amounts are
	// integer hundredths of it.
	Currency string
	// Issued is the day the superbill is made; no session is after it.
	Issued date.Date
}

// Practice is the billing practice's identifiers.
type Practice struct {
	Name string
	// Address is the postal address, one line per line of the address.
	Address string
	Phone   string
	// NPI is the practice's own National Provider Identifier, an
	// organisation's (type 2); "" for a practitioner who bills alone,
	// under their individual NPI.
	NPI string
	// TaxID is the taxpayer identification number the practice is paid
	// under: an EIN, or a sole proprietor's SSN (NormalizeTaxID).
	TaxID string
}

// Practitioner is the rendering provider's identifiers.
type Practitioner struct {
	Name string
	// LicenceType is the licence or credential held, as the licensing
	// board names it ("LMFT", "Licensed Clinical Social Worker").
	LicenceType string
	// LicenceNumber and LicenceState are the licence's number and the
	// two-letter code of the state that issued it.
	LicenceNumber, LicenceState string
	// NPI is the practitioner's own National Provider Identifier, an
	// individual's (type 1).
	NPI string
}

// Client is who received the services.
type Client struct {
	Name        string
	DateOfBirth date.Date
	// Address is the postal address when the practice knows it, one line
	// per line; "" otherwise.
	Address string
}

// PeriodKind says what a superbill covers.
type PeriodKind string

// The periods a superbill covers.
const (
	// Month covers the sessions of one calendar month.
	Month PeriodKind = "month"
	// Session covers one session.
	Session PeriodKind = "session"
)

// Period is the month, or the one session, a superbill covers.
type Period struct {
	Kind PeriodKind
	// Day is the session's day for a Session, and any day of the month
	// for a Month.
	Day date.Date
}

// First is the first day the period covers.
func (p Period) First() date.Date {
	if p.Kind == Month {
		return p.Day.AddDays(1 - p.Day.Time().Day())
	}
	return p.Day
}

// Last is the last day the period covers.
func (p Period) Last() date.Date {
	if p.Kind == Month {
		return p.First().AddMonths(1).AddDays(-1)
	}
	return p.Day
}

// Label names the period: "December 2026", or "Session of 7 December
// 2026".
func (p Period) Label() string {
	if p.Kind == Month {
		return p.Day.Time().Format("January 2006")
	}
	return "Session of " + longDate(p.Day)
}

// Diagnosis is one ICD-10-CM code of the case.
type Diagnosis struct {
	// Code is the code as ICD-10-CM writes it ("F52.21").
	Code string
	// Description is the code's title, as the case records it.
	Description string
}

// Line is one session billed.
type Line struct {
	// Date is the day of service.
	Date date.Date
	// CPT is the procedure's code, one of session.CPTs (the practice's
	// one list of the codes its sessions are billed under).
	CPT string
	// Description says what was billed; "" for the code's own meaning
	// (session.LookupCPT).
	Description string
	// Place is where the session was given.
	Place Place
	// Minutes is how long the session lasted.
	Minutes int
	// FeeCents is what the session costs and PaidCents what the client
	// paid of it, in hundredths of the currency.
	FeeCents, PaidCents int64
}

// What says what the line bills: its Description, or its code's meaning.
func (l Line) What() string {
	if l.Description != "" {
		return l.Description
	}
	c, _ := session.LookupCPT(l.CPT)
	return c.Meaning
}

// Limits of what a superbill holds.
const (
	// MaxDiagnoses is as many as a professional claim (CMS-1500, box 21)
	// lists.
	MaxDiagnoses = 12
	// MaxLines is more sessions than a month holds.
	MaxLines = 100
	// MaxMinutes is the longest session a line bills.
	MaxMinutes = 600
	// MaxText bounds a name, a licence or a description; MaxAddress an
	// address.
	MaxText    = 200
	MaxAddress = 500
)

// Totals are a superbill's sums, in hundredths of its currency.
type Totals struct {
	// Charged is the sum of the fees, Paid of what the client paid;
	// Balance is what remains to pay (Charged - Paid).
	Charged, Paid, Balance int64
}

// Totals sums the lines.
func (in Input) Totals() Totals {
	var t Totals
	for _, l := range in.Lines {
		t.Charged += l.FeeCents
		t.Paid += l.PaidCents
	}
	t.Balance = t.Charged - t.Paid
	return t
}

// problems collects what is wrong, by field, in the order found.
type problems struct {
	order  []string
	fields map[string]string
}

func (p *problems) add(field, format string, args ...any) {
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	if _, ok := p.fields[field]; ok {
		return
	}
	p.order = append(p.order, field)
	p.fields[field] = field + ": " + fmt.Sprintf(format, args...)
}

// text checks one line of text: required unless need is "", no control
// characters, at most max characters.
func (p *problems) text(field, s string, max int, need string) {
	switch {
	case strings.TrimSpace(s) == "":
		if need != "" {
			p.add(field, "give %s", need)
		}
	case hasControl(s, false):
		p.add(field, "remove the control characters (tabs, line breaks)")
	case utf8.RuneCountInString(s) > max:
		p.add(field, "use at most %d characters (this has %d)", max, utf8.RuneCountInString(s))
	}
}

// address checks a postal address of up to five lines.
func (p *problems) address(field, s string, need string) {
	switch {
	case strings.TrimSpace(s) == "":
		if need != "" {
			p.add(field, "give %s", need)
		}
	case hasControl(s, true):
		p.add(field, "remove the control characters (tabs); line breaks are fine")
	case utf8.RuneCountInString(s) > MaxAddress:
		p.add(field, "use at most %d characters (this has %d)", MaxAddress, utf8.RuneCountInString(s))
	case len(addressLines(s)) > 5:
		p.add(field, "write the address on at most five lines")
	}
}

// hasControl reports control characters, or text that is not UTF-8; a
// line break is allowed when multiline.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r')) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// addressLines splits an address into its lines, trimmed, without blank
// ones.
func addressLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// CheckPhone says what is wrong with a phone number, "" when nothing:
// digits, spaces and + ( ) - . only, with 7 to 15 digits.
func CheckPhone(s string) string {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case strings.ContainsRune("+()-. ", r):
		default:
			return "write the number with digits, spaces and + ( ) - . only, such as (312) 555-0142"
		}
	}
	if n < 7 || n > 15 {
		return fmt.Sprintf("a phone number has 7 to 15 digits (this has %d), such as (312) 555-0142", n)
	}
	return ""
}

// CheckLicenceNumber says what is wrong with a licence number, "" when
// nothing: letters, digits, spaces and - . / only, at most 50 characters.
func CheckLicenceNumber(s string) string {
	if utf8.RuneCountInString(s) > 50 {
		return "use at most 50 characters"
	}
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || strings.ContainsRune(" -./", r)) {
			return "write the number as the licence shows it: letters, digits, spaces and - . / only"
		}
	}
	return ""
}

// Validate says what is wrong with a superbill: nil when nothing is, or
// an Invalid *certboard.Error whose Fields say, by field, what is missing
// or wrong and how to fix it ("practice.npi", "practitioner.licence_state",
// "client.date_of_birth", "period", "diagnoses[0].code", "lines[2].cpt",
// "currency", "issued"...), whose Field is the first and whose message
// lists them all in that order.
func (in Input) Validate() error {
	var p problems
	pr := in.Practice
	p.text("practice.name", pr.Name, MaxText, "the practice's name")
	p.address("practice.address", pr.Address, "the practice's postal address")
	if strings.TrimSpace(pr.Phone) == "" {
		p.add("practice.phone", "give the practice's phone number")
	} else if msg := CheckPhone(pr.Phone); msg != "" {
		p.add("practice.phone", "%s", msg)
	}
	if pr.NPI != "" && !ValidNPI(pr.NPI) {
		p.add("practice.npi", "%q is not an NPI: an NPI has ten digits, the last a check digit; copy the practice's own (type 2) from its NPPES record, or leave it empty when the practitioner bills alone", pr.NPI)
	}
	if strings.TrimSpace(pr.TaxID) == "" {
		p.add("practice.tax_id", "give the tax id the practice is paid under: its EIN, such as 12-3456789")
	} else if _, ok := NormalizeTaxID(pr.TaxID); !ok {
		p.add("practice.tax_id", "%q is not a tax id: write the EIN's nine digits as 12-3456789 (or a social security number as 123-45-6789)", pr.TaxID)
	}

	pt := in.Practitioner
	p.text("practitioner.name", pt.Name, MaxText, "the practitioner's name")
	p.text("practitioner.licence_type", pt.LicenceType, MaxText, "the practitioner's licence, such as LMFT")
	if strings.TrimSpace(pt.LicenceNumber) == "" {
		p.add("practitioner.licence_number", "give the practitioner's licence number")
	} else if msg := CheckLicenceNumber(pt.LicenceNumber); msg != "" {
		p.add("practitioner.licence_number", "%s", msg)
	}
	if !ValidState(pt.LicenceState) {
		p.add("practitioner.licence_state", "give the two-letter code of the state that issued the licence, such as IL")
	}
	switch {
	case pt.NPI == "":
		p.add("practitioner.npi", "give the practitioner's own NPI (type 1, an individual's): insurers refund only services of a provider they can identify")
	case !ValidNPI(pt.NPI):
		p.add("practitioner.npi", "%q is not an NPI: an NPI has ten digits, the last a check digit; copy it from the practitioner's NPPES record", pt.NPI)
	case pt.NPI == pr.NPI:
		p.add("practice.npi", "the practice's NPI is the same as the practitioner's; give the practice's own organisation (type 2) NPI, or leave it empty")
	}

	c := in.Client
	p.text("client.name", c.Name, MaxText, "the client's full name")
	switch {
	case c.DateOfBirth.IsZero():
		p.add("client.date_of_birth", "give the client's date of birth: insurers match claims by it")
	case !in.Issued.IsZero() && !c.DateOfBirth.Before(in.Issued):
		p.add("client.date_of_birth", "%s is not before the superbill's date; check the year", c.DateOfBirth)
	}
	p.address("client.address", c.Address, "")

	periodOK := false
	switch {
	case in.Period.Kind != Month && in.Period.Kind != Session:
		p.add("period", "say whether the superbill covers a month or one session")
	case in.Period.Day.IsZero():
		p.add("period", "give the month, or the session's day, the superbill covers")
	default:
		periodOK = true
	}

	switch {
	case len(in.Diagnoses) == 0:
		p.add("diagnoses", "give at least one ICD-10-CM code of the case: insurers refund only services for a diagnosis")
	case len(in.Diagnoses) > MaxDiagnoses:
		p.add("diagnoses", "give at most %d diagnoses, as a claim lists (this has %d)", MaxDiagnoses, len(in.Diagnoses))
	}
	seen := map[string]int{}
	for i, d := range in.Diagnoses {
		f := fmt.Sprintf("diagnoses[%d]", i)
		switch {
		case !ValidICD10CM(d.Code):
			p.add(f+".code", "%q is not an ICD-10-CM code: write a capital letter, two characters and optionally a dot and up to four more, such as F52.21", d.Code)
		case seen[d.Code] > 0:
			p.add(f+".code", "%s is listed twice (also as diagnosis %d); give each code once", d.Code, seen[d.Code])
		default:
			seen[d.Code] = i + 1
		}
		p.text(f+".description", d.Description, MaxText, "the title of "+orCode(d.Code))
	}

	if !validCurrency(in.Currency) {
		p.add("currency", "give the currency's ISO 4217 code in capitals, such as USD")
	}
	if in.Issued.IsZero() {
		p.add("issued", "give the day the superbill is made")
	}

	switch {
	case len(in.Lines) == 0:
		p.add("lines", "give at least one session to bill")
	case len(in.Lines) > MaxLines:
		p.add("lines", "give at most %d sessions (this has %d)", MaxLines, len(in.Lines))
	case periodOK && in.Period.Kind == Session && len(in.Lines) != 1:
		p.add("lines", "a superbill of one session has one line (this has %d); make a monthly superbill for more", len(in.Lines))
	}
	var charged, paid int64
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.Date.IsZero():
			p.add(f+".date", "give the day of the session")
		case periodOK && !l.Date.Within(in.Period.First(), in.Period.Last()):
			p.add(f+".date", "%s is outside the superbill's period (%s); bill it on the superbill of its own %s", l.Date, in.Period.Label(), in.Period.Kind)
		case !in.Issued.IsZero() && in.Issued.Before(l.Date):
			p.add(f+".date", "%s is after the superbill's date, %s; bill a session once it has taken place", l.Date, in.Issued)
		}
		if _, ok := session.LookupCPT(l.CPT); !ok {
			p.add(f+".cpt", "%q is not a CPT code a superbill bills; use one of %s", l.CPT, session.CPTList())
		}
		if l.Description != "" {
			p.text(f+".description", l.Description, MaxText, "")
		}
		if l.Place.Name() == "" {
			p.add(f+".place", "%q is not a place of service; use 02 (telehealth, client not at home), 10 (telehealth, client at home) or 11 (office)", string(l.Place))
		}
		if l.Minutes < 1 || l.Minutes > MaxMinutes {
			p.add(f+".minutes", "give the session's length in minutes, from 1 to %d", MaxMinutes)
		}
		switch {
		case l.FeeCents < 0 || l.FeeCents > MaxCents:
			p.add(f+".fee", "give a fee from 0.00 to %s", FormatCents(MaxCents))
		case l.PaidCents < 0:
			p.add(f+".paid", "give what the client paid, 0.00 or more")
		case l.PaidCents > l.FeeCents:
			p.add(f+".paid", "the client paid %s, more than the fee of %s; record a payment up to the fee", FormatCents(l.PaidCents), FormatCents(l.FeeCents))
		default:
			charged += l.FeeCents
			paid += l.PaidCents
		}
	}
	if charged > MaxCents {
		p.add("lines", "the fees add up to %s, more than a superbill bills (%s); split it", FormatCents(charged), FormatCents(MaxCents))
	}

	if len(p.order) == 0 {
		return nil
	}
	msgs := make([]string, len(p.order))
	for i, f := range p.order {
		msgs[i] = p.fields[f]
	}
	return &certboard.Error{Code: certboard.Invalid, Title: "Check the superbill", Field: p.order[0],
		Message: strings.Join(msgs, "; "), Fields: maps.Clone(p.fields)}
}

// orCode names a diagnosis for a message: its code, or "the diagnosis".
func orCode(code string) string {
	if code == "" {
		return "the diagnosis"
	}
	return code
}

// longDate writes a day as "7 December 2026".
func longDate(d date.Date) string { return d.Time().Format("2 January 2006") }
