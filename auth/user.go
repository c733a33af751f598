package auth

import (
	"slices"
	"time"
)

// User is an account.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Roles        []Role
	CreatedAt    time.Time
	Version      int
	// EmailVerifiedAt is when the owner proved the address is theirs (zero
	// until then).
	EmailVerifiedAt time.Time
	// Workplace is where the person works, for reviewer conflict checks.
	Workplace string
	// TOTPEnabledAt is when two-factor sign-in was turned on (zero: off).
	TOTPEnabledAt time.Time
}

// TwoFactor reports whether the user signs in with a second factor.
func (u *User) TwoFactor() bool { return !u.TOTPEnabledAt.IsZero() }

// IsStaff reports whether the user is board staff or an admin.
func (u *User) IsStaff() bool { return u.HasRole(Staff) || u.HasRole(Admin) }

// HasRole reports whether the user holds a role.
func (u *User) HasRole(role Role) bool { return slices.Contains(u.Roles, role) }

// Session is a signed-in browser or client, stored by the digest of its token.
type Session struct {
	Digest     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	// Pending marks a session that passed the password step of a
	// two-factor sign-in and waits for the code: it signs no one in.
	Pending bool
}

// Handle names the session in pages and URLs without revealing its token.
func (ss Session) Handle() string { return Handle(ss.Digest) }

// Live reports whether a session is still usable at now.
func (ss *Session) Live(now time.Time, idle time.Duration) bool {
	return now.Before(ss.ExpiresAt) && now.Sub(ss.LastSeenAt) <= idle
}

// HandleLen is the length of a handle: the first hex characters of a
// stored digest, which name a session or an API token in pages and URLs.
// A digest is a hash of a secret, so its prefix reveals nothing usable,
// and 64 bits keep handles distinct.
const HandleLen = 16

// Handle is the handle of a stored digest.
func Handle(digest string) string {
	if len(digest) < HandleLen {
		return digest
	}
	return digest[:HandleLen]
}

// ValidHandle reports whether h has a handle's shape (lower-case hex).
func ValidHandle(h string) bool {
	if len(h) != HandleLen {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
