package notify

// PracticeScopeLost tells a practice's admin that a practitioner's scope
// of practice no longer includes Intensive Therapy (a credential
// suspended, revoked, expired, no longer trusted or no longer verifiable)
// and how many of their open Intensive Therapy cases were flagged for
// review. It names no client.
type PracticeScopeLost struct {
	Name         string // the admin's
	Practitioner string // the practitioner's name
	On           string // the day it was found, 2006-01-02
	// Why says what changed and what to do, as one or more sentences
	// ending in a full stop.
	Why string
	// Cases is how many open Intensive Therapy cases were flagged.
	Cases int
	// Link is the admin's page of the practitioners' scope: their
	// credentials and the cases flagged for review.
	Link string
}

func (PracticeScopeLost) file() string { return "practice_scope_lost.txt" }
