// Package plissit holds the PLISSIT model of a practice's case records
// (Annon, 1976): the four stages a case moves through (Permission,
// Limited Information, Specific Suggestions, Intensive Therapy), the rules
// a move between them follows, and what each stage records: the P/LI
// content of a session note (PLIRecord), the sexual history taken at
// Specific Suggestions in its four steps (SexualHistory) and the
// treatment plan of Intensive Therapy (TreatmentPlan).
//
// The package is pure: no I/O, no clock. The facts a rule depends on (the
// practitioner's scope, the case's comorbidities, the day it is) are
// arguments, and every refusal is a *certboard.Error whose message names
// the field and says how to fix it. Checks only judge; they change
// nothing, so a caller that stores after a nil Check stores all or none.
package plissit
