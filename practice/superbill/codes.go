package superbill

import (
	"regexp"
	"slices"
	"strings"
)

// NPICheckDigit returns the check digit of the nine digits that begin a
// National Provider Identifier, and false when nine is not nine digits.
//
// CMS defines it in "Requirements for National Provider Identifier (NPI)
// and NPI Enumeration" (https://www.cms.gov/Regulations-and-Guidance/
// Administrative-Simplification/NationalProvIdentStand/Downloads/NPIcheckdigit.pdf),
// after the Final Rule of 23 January 2004 (69 FR 3434): the Luhn formula
// for the modulus 10 "double-add-double" check digit (ISO/IEC 7812),
// computed as if the NPI carried the prefix 80840 it has as a card issuer
// identifier on a health identification card (80: health applications,
// 840: the United States). Going from the rightmost of the nine digits,
// every other digit is doubled and the digits of the products are added
// to the digits left alone; the prefix adds the constant 24. The check
// digit is what brings the total up to the next multiple of ten (0 when
// it is one). CMS's worked example: 123456789 has the check digit 3, so
// 1234567893 is a well-formed NPI.
func NPICheckDigit(nine string) (byte, bool) {
	if len(nine) != 9 || !allDigits(nine) {
		return 0, false
	}
	sum := 24 // the digits of the prefix 80840, doubled as the rule says
	for i := 0; i < 9; i++ {
		d := int(nine[8-i] - '0')
		if i%2 == 0 { // the rightmost digit and every other one from it
			d *= 2
			if d > 9 {
				d -= 9 // the sum of the two digits of a product from 10 to 18
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), true
}

// ValidNPI reports whether npi is a well-formed National Provider
// Identifier: ten digits whose last is the check digit of the nine before
// it (NPICheckDigit). It says nothing of whether CMS issued it, nor
// whether it is an individual's (type 1) or an organisation's (type 2):
// an NPI carries no meaning in its digits.
func ValidNPI(npi string) bool {
	if len(npi) != 10 {
		return false
	}
	c, ok := NPICheckDigit(npi[:9])
	return ok && npi[9] == c
}

// NormalizeTaxID reads a United States taxpayer identification number as
// people write it, nine digits: an employer identification number (EIN,
// "12-3456789" or "123456789", written back as "12-3456789") or, for a
// sole proprietor without one, a social security number used as one
// ("123-45-6789", kept so). Spaces are dropped. It returns the number and
// whether it is one; a number of all zeros, or an EIN starting 00, is
// not.
func NormalizeTaxID(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	digits := strings.ReplaceAll(s, "-", "")
	if len(digits) != 9 || !allDigits(digits) || digits == "000000000" {
		return "", false
	}
	switch {
	case s == digits || s == digits[:2]+"-"+digits[2:]:
		if digits[:2] == "00" {
			return "", false
		}
		return digits[:2] + "-" + digits[2:], true
	case s == digits[:3]+"-"+digits[3:5]+"-"+digits[5:]:
		return s, true
	}
	return "", false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Place is a place of service code: where a service was given, as a
// professional claim states it (CMS-1500 box 24B).
type Place string

// The places of service of a practice's sessions, from CMS's Place of
// Service Code Set (https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set).
// Code 10 was added and code 02 reworded by CMS Change Request 12427
// (Transmittal 11045, 13 October 2021), for dates of service from
// 1 January 2022.
const (
	// TelehealthElsewhere (02): a session by telecommunication with the
	// client somewhere other than their home.
	TelehealthElsewhere Place = "02"
	// TelehealthHome (10): a session by telecommunication with the client
	// in their home.
	TelehealthHome Place = "10"
	// Office (11): the practitioner's office.
	Office Place = "11"
)

// Places lists the places of service a line may give, in code order.
func Places() []Place { return []Place{TelehealthElsewhere, TelehealthHome, Office} }

// Name says where the place is, in a few words; "" for a code that is
// not one of Places.
func (p Place) Name() string {
	switch p {
	case TelehealthElsewhere:
		return "Telehealth, client not at home"
	case TelehealthHome:
		return "Telehealth, client at home"
	case Office:
		return "Office"
	}
	return ""
}

// states are the United States Postal Service's codes of the states, the
// District of Columbia and the territories whose boards license
// practitioners.
var states = []string{"AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI", "IA", "ID",
	"IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
	"NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI",
	"WV", "WY"}

// ValidState reports whether code is the two-letter postal code of a
// state, the District of Columbia or a territory (PR, GU, VI, AS, MP),
// in capitals.
func ValidState(code string) bool {
	_, ok := slices.BinarySearch(states, code)
	return ok
}

// icd10cmShape is an ICD-10-CM code: a letter, a digit, a digit or
// letter, then optionally a dot and one to four digits or letters
// ("F52", "F52.21", "N94.10").
var icd10cmShape = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)

// ValidICD10CM reports whether code has the shape of an ICD-10-CM code.
// It does not look the code up: the case's codes come from the practice's
// taxonomy (practice/concern), which does.
func ValidICD10CM(code string) bool { return icd10cmShape.MatchString(code) }

// States lists the codes ValidState accepts, in alphabetical order, for a
// form's list.
func States() []string { return slices.Clone(states) }
