package practice

import "github.com/certboard/certboard/auth"

// The practice's roles, by their stored values. (Until auth declares
// auth.Practitioner and auth.PracticeAdmin.)
const (
	rolePractitioner  = auth.Role("practitioner")
	rolePracticeAdmin = auth.Role("practice_admin")
)
