// Package practice will hold the use cases of practice mode (PLISSIT case
// records, measures, escalation, scope of practice from a verified
// credential), beside the board and never in its tables. It is reserved:
// see docs/architecture.md.
package practice
