package auth

import (
	"strconv"
	"strings"

	"github.com/certboard/certboard"
)

// Role is what an account may do on the board. An account holds any number
// of roles; they are stored as their values, comma-separated.
type Role string

// The roles, with the values stored for them.
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

// Roles lists every role, in the order pages show them.
var Roles = []Role{Applicant, Supervisor, Reviewer, Staff, Admin, Regulator, Provider}

// ParseRole returns the role a stored or typed value names; a value that
// names none is Invalid, naming the roles there are.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", certboard.FieldError(certboard.Invalid, "role",
		strconv.Quote(s)+" is not a role; the roles are "+JoinRoles(Roles, ", "))
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
