package board

import (
	"context"
	"time"

	"github.com/certboard/certboard/audit"
)

// registryReads is what the registry use cases read outside a transaction.
type registryReads interface {
	Profile(ctx context.Context, holderID int64) (*Profile, error)
	CredentialsOf(ctx context.Context, holderID int64) ([]*IssuedCredential, error)
	SearchRegistry(ctx context.Context, q RegistryQuery) (*RegistryPage, error)
}

// registryWrites is what the registry use cases write in their transaction.
type registryWrites interface {
	PublicCredentialSets(ctx context.Context, holderID int64) ([]string, error)
	SaveProfile(ctx context.Context, p Profile, extra string) (int, error)
	ReindexProfile(ctx context.Context, holderID int64, extra func(*Profile) string) error
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// The statuses of a credential, as StatusAt gives them. Only StatusValid
// is valid.
const (
	StatusValid      = "valid"
	StatusExpired    = "expired"
	StatusSuspended  = "suspended"
	StatusRevoked    = "revoked"
	StatusSuperseded = "superseded"
)

// Profile is a holder's public profile for the registry. Specialties and
// Languages are codes (the caller validates them); Visible is the holder's
// choice to be listed.
type Profile struct {
	HolderID    int64
	DisplayName string
	City        string
	Region      string
	// Country is an ISO 3166-1 alpha-2 code in upper case.
	Country     string
	Specialties []string
	Telehealth  bool
	// AcceptingReferrals is the holder's choice to say they take clients
	// referred by other practitioners (not by default).
	AcceptingReferrals bool
	Languages          []string
	Practice           string
	Statement          string
	Website            string
	Email              string
	Visible            bool
	// Version counts saves, for optimistic concurrency (0: never saved).
	Version   int
	UpdatedAt time.Time
}

// RegistryCredential is what the registry shows of one public credential:
// never its signed document, only what its status is computed from.
type RegistryCredential struct {
	ID           string
	HolderID     int64
	SetID        string
	SetVersion   string
	IssuedAt     time.Time
	ValidUntil   time.Time
	RevokedAt    time.Time
	SuspendedAt  time.Time
	SupersededBy string
}

// StatusAt is the credential's status at a moment: revoked, suspended,
// superseded, expired (past its valid-until) or valid, in that order of
// precedence.
func (c *RegistryCredential) StatusAt(now time.Time) string {
	switch {
	case !c.RevokedAt.IsZero():
		return StatusRevoked
	case !c.SuspendedAt.IsZero():
		return StatusSuspended
	case c.SupersededBy != "":
		return StatusSuperseded
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return StatusExpired
	}
	return StatusValid
}

// Listing is one entry of the registry: a visible profile and its public
// credentials.
type Listing struct {
	Profile
	Credentials []RegistryCredential
}

// RegistryQuery is a registry search. Zero fields match everything.
type RegistryQuery struct {
	// Q is free text; it is cut into terms (letters and digits), each
	// matched as a word prefix in name, practice, place, specialties,
	// languages and credential names; every term must match.
	Q string
	// Credential keeps holders with a public credential of this set id.
	Credential string
	// City, Region and Country match exactly, ignoring case and accents.
	City, Region, Country string
	// Specialty and Language are codes.
	Specialty, Language string
	// Telehealth is "yes", "no" or "" (either).
	Telehealth string
	// Accepting is "yes" (holders who accept referrals), "no" or ""
	// (either).
	Accepting string
	// Holders, when not empty, keeps only these holders (a regulator's
	// search by licence number finds them first).
	Holders []int64
	// Limit is the page size (default 20, at most 100).
	Limit int
	// Offset skips listings (page-number pagination); After starts after
	// this holder id instead (cursor pagination, faster on deep pages).
	Offset int
	After  int64
	// CountCap bounds the count (default 1,000): above it, Total is
	// CountCap and TotalCapped is true.
	CountCap int
	// NoCount skips the count (Total stays 0), for walking every page.
	NoCount bool
}

// RegistryPage is one page of a search.
type RegistryPage struct {
	Listings []Listing
	// Total counts the matching listings, up to the cap.
	Total       int
	TotalCapped bool
	// Next is the cursor of the next page (its After), 0 on the last page.
	Next int64
}
