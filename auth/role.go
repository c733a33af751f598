package auth

import (
	"strconv"
	"strings"

	"github.com/certboard/certboard"
)

// Role is what an account may do in its mode: the board's roles (Roles)
// on the board's database, the practice's (PracticeRoles) on a practice's.
// An account holds any number of roles; they are stored as their values,
// comma-separated.
type Role string

// The board's roles, with the values stored for them.
const (
	// Applicant applies for credentials and renews them.
	Applicant Role = "applicant"
	// Supervisor confirms or disputes the sessions applicants name them in.
	Supervisor Role = "supervisor"
	// Reviewer votes on the applications assigned to them.
	Reviewer Role = "reviewer"
	// Staff run the work queue: verification, reviewers, decisions.
	Staff Role = "staff"
	// Admin manage requirement sets, accounts and the board's details.
	Admin Role = "admin"
	// Regulator checks title use for a licensing board.
	Regulator Role = "regulator"
	// Provider is an approved CE provider reporting completions.
	Provider Role = "provider"
)

// Roles lists every role of the board, in the order its pages show them.
var Roles = []Role{Applicant, Supervisor, Reviewer, Staff, Admin, Regulator, Provider}

// The practice's roles, with the values stored for them. A practice's
// database is its own (never the board's), so these never meet the
// board's roles in one account.
const (
	// Practitioner keeps the case records of the clients they see, certified
	// or not; what they may deliver follows from their verified credential.
	Practitioner Role = "practitioner"
	// PracticeAdmin runs a practice: its accounts and its settings.
	PracticeAdmin Role = "practice_admin"
)

// PracticeRoles lists every role of a practice, in the order its pages
// show them.
var PracticeRoles = []Role{Practitioner, PracticeAdmin}

// ParseRole returns the role a stored or typed value names, of the board
// or of a practice; a value that names none is Invalid, naming the roles
// there are. A mode that takes a role from input also checks that it is
// one of its own (Roles, PracticeRoles).
func ParseRole(s string) (Role, error) {
	for _, list := range [][]Role{Roles, PracticeRoles} {
		for _, r := range list {
			if string(r) == s {
				return r, nil
			}
		}
	}
	return "", certboard.FieldError(certboard.Invalid, "role",
		strconv.Quote(s)+" is not a role; the roles are "+JoinRoles(Roles, ", ")+"; in a practice, "+JoinRoles(PracticeRoles, ", "))
}

// JoinRoles writes roles as their values with sep between them: "," is how
// they are stored.
func JoinRoles(roles []Role, sep string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, sep)
}
