// Package practice is practice mode's use cases: the records a practice
// keeps of its clients (consent, cases with their concerns and PLISSIT
// stage, sexual histories, treatment plans, progress notes, scored
// measures), escalation to Intensive Therapy, and each practitioner's
// scope of practice, decided by a credential the practice verifies.
//
// It is the board's sibling: it shares the credential packages, the
// account use cases (package auth) and the web kit with the board, and
// never the board's tables. A practice runs on its own database
// (practice/practicesql) and reaches a board only through open standards:
// credentials, status lists, did:web and the board's public registry API.
//
// Each exported method of Practice is one thing a person does: it takes
// the acting user, checks they may do it to that record, and writes the
// change and its audit entry (and any mail) in one transaction of the
// Store. Reads of a client's record are audited too.
package practice
