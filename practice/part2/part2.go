// Package part2 holds what a practice says when it discloses a record
// covered by 42 CFR Part 2 (Confidentiality of Substance Use Disorder
// Patient Records): the notice that must accompany each disclosure made
// with the patient's written consent, in the words of 42 CFR 2.32(a) as
// the final rule of February 16, 2024 (89 FR 12472) amended it. It is the
// one place the text lives: the referral letter, the notes export and any
// other disclosure take it from here.
//
// Source: 42 CFR 2.32(a)(1), "Statement 1", as amended at 89 FR 12472
// (Feb. 16, 2024), effective April 16, 2024. The opening paragraph was
// checked against a published copy of the amended section; the three
// conditions and the closing sentence follow the same rule and should be
// checked against the eCFR (https://www.ecfr.gov/current/title-42/part-2/section-2.32)
// whenever the rule changes (docs/practice.md says so too).
package part2

import "strings"

// Citation names the rule the notice comes from.
const Citation = "42 CFR 2.32(a)(1), as amended at 89 FR 12472 (Feb. 16, 2024)"

// statement is Statement 1 of 42 CFR 2.32(a)(1), paragraph by paragraph.
var statement = []string{
	"This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). " +
		"These rules prohibit you from using or disclosing this record, or testimony that describes the information " +
		"contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, " +
		"State, or local authority, against the patient, unless authorized by the consent of the patient, except as " +
		"provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, " +
		"the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of " +
		"the following applies:",
	"(i) Further use or disclosure is expressly permitted by the written consent of the individual whose " +
		"information is being disclosed in this record or as otherwise permitted by 42 CFR part 2.",
	"(ii) You are a covered entity or business associate and have received the record for treatment, payment, " +
		"or health care operations, or",
	"(iii) You have received the record from a covered entity or business associate as permitted by 45 CFR part " +
		"164, subparts A and E.",
	"A general authorization for the release of medical or other information is NOT sufficient to meet the " +
		"required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).",
}

// Paragraphs returns the notice paragraph by paragraph, for a page or a
// document that lays it out.
func Paragraphs() []string { return append([]string(nil), statement...) }

// Notice returns the notice as one text, its paragraphs separated by a
// blank line.
func Notice() string { return strings.Join(statement, "\n\n") }
