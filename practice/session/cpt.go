package session

import (
	"fmt"
	"slices"
	"strings"
)

// CPT is a Current Procedural Terminology code a session is billed
// under, with what it means.
type CPT struct {
	// Code is the five-digit code ("90834").
	Code string
	// Meaning says what the code bills, in certboard's own words (a
	// paraphrase, not the AMA's descriptor).
	Meaning string
	// Minutes is the face-to-face time the code stands for, 0 when it is
	// not timed.
	Minutes int
}

// cpts are the psychotherapy codes of the CPT code set's psychiatry
// section (90785-90899) a sex therapy practice bills its talking work
// under, in code order: the one list that the sessions' forms offer and
// that a superbill (package superbill) prints. The minutes are the timed
// codes' nominal times; CPT's time rule bills 90832 for 16 to 37 minutes,
// 90834 for 38 to 52 and 90837 for 53 or more.
//
// Source: the American Medical Association's CPT code set, as listed in
// the Centers for Medicare & Medicaid Services' Physician Fee Schedule
// (https://www.cms.gov/medicare/payment/fee-schedules/physician). The
// meanings are certboard's own words, short enough for a superbill's
// column: CPT's descriptors are the AMA's copyright.
var cpts = []CPT{
	{"90791", "Diagnostic evaluation (intake), no medical services", 0},
	{"90832", "Individual psychotherapy, about 30 minutes", 30},
	{"90834", "Individual psychotherapy, about 45 minutes", 45},
	{"90837", "Individual psychotherapy, about 60 minutes", 60},
	{"90846", "Family or couple psychotherapy, client not present", 50},
	{"90847", "Family or couple psychotherapy, client present", 50},
	{"90853", "Group psychotherapy", 0},
}

// CPTs lists the codes a session may be billed under, in code order.
func CPTs() []CPT { return slices.Clone(cpts) }

// LookupCPT returns the code code, and whether it is one a session may
// be billed under.
func LookupCPT(code string) (CPT, bool) {
	i := slices.IndexFunc(cpts, func(c CPT) bool { return c.Code == code })
	if i < 0 {
		return CPT{}, false
	}
	return cpts[i], true
}

// CPTList names the codes a session may be billed under, for a message
// that says which to use.
func CPTList() string {
	codes := make([]string, len(cpts))
	for i, c := range cpts {
		codes[i] = c.Code
	}
	return strings.Join(codes, ", ")
}

// Label is the code with its meaning, as a form offers it.
func (c CPT) Label() string { return fmt.Sprintf("%s: %s", c.Code, c.Meaning) }

// SuggestCPT returns the code a session of kind k lasting minutes is
// usually billed under: 90847 for a couple, and for one person the timed
// psychotherapy code CPT's time rule gives for its length (90832 below 38
// minutes, 90834 below 53, 90837 from 53). A form offers it as the
// default; the practitioner chooses.
func SuggestCPT(k Kind, minutes int) string {
	switch {
	case k == Couple:
		return "90847"
	case minutes < 38:
		return "90832"
	case minutes < 53:
		return "90834"
	}
	return "90837"
}
