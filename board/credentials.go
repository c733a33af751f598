package board

import "time"

// credentialReads is what the credential use cases read outside a transaction.
type credentialReads interface{}

// credentialWrites is what the credential use cases write in their transaction.
type credentialWrites interface{}

// IssuedCredential is a credential the board issued: its signed forms and
// where it stands in the status lists.
type IssuedCredential struct {
	ID            string // the UUID in its URL
	ApplicationID int64
	HolderID      int64
	SetID         string
	SetVersion    string
	// Document is the credential's JSON; JWT its VC-JWT form.
	Document   []byte
	JWT        string
	IssuedAt   time.Time
	ValidUntil time.Time
	// RevocationList and SuspensionList name the status lists; the indexes
	// are the credential's bits in them.
	RevocationList  string
	RevocationIndex int
	SuspensionList  string
	SuspensionIndex int
	// Public is the holder's choice to let anyone fetch it by its URL.
	Public bool
	// RevokedAt is when the board revoked it, for good (zero: not revoked).
	RevokedAt    time.Time
	RevokeReason string
	// SuspendedAt is when the board suspended it (zero: not suspended).
	SuspendedAt   time.Time
	SuspendReason string
	// SupersededBy is the id of the credential a renewal issued in its
	// place, and SupersededAt when (empty and zero: not superseded).
	SupersededBy string
	SupersededAt time.Time
}

// Status is "revoked", "suspended", "superseded" or "active"; expiry is
// judged on a date by the caller.
func (c *IssuedCredential) Status() string {
	switch {
	case !c.RevokedAt.IsZero():
		return "revoked"
	case !c.SuspendedAt.IsZero():
		return "suspended"
	case c.SupersededBy != "":
		return "superseded"
	}
	return "active"
}
