// Package note holds a practice's session notes: progress notes in SOAP
// or DAP format, one per client and date of service, signed and then
// locked, changed afterwards only by amendments that keep the original;
// and psychotherapy notes, a type of their own, read only by their
// author and left out of every export unless asked for.
//
// The package is pure: no I/O, no clock. The time a rule depends on is an
// argument, and every refusal is a *certboard.Error whose message names
// the field and says how to fix it. Checks and Sign, AmendAt and Current
// never change what they are given: a signed note stays as it was signed.
package note
