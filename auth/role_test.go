package auth

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

func TestParseRole(t *testing.T) {
	for _, r := range slices.Concat(Roles, PracticeRoles) {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Staff", "owner", " admin", "Practitioner", "practitioner ", "practice-admin", "practice admin", "practiceadmin", "practice_admin,practitioner"} {
		_, err := ParseRole(s)
		if certboard.ErrorCode(err) != certboard.Invalid {
			t.Errorf("ParseRole(%q): %v, want invalid", s, err)
			continue
		}
		msg := certboard.ErrorMessage(err)
		if !strings.HasPrefix(msg, "role: ") || !strings.Contains(msg, "applicant, supervisor, reviewer, staff, admin, regulator, provider") ||
			!strings.Contains(msg, "practitioner, practice_admin") {
			t.Errorf("ParseRole(%q): message %q does not name the roles", s, msg)
		}
	}
}

// TestRoleLists keeps each mode's roles apart: the board's pages list
// Roles, a practice's PracticeRoles, and no value is in both.
func TestRoleLists(t *testing.T) {
	for _, tc := range []struct {
		role            Role
		board, practice bool
	}{
		{Applicant, true, false},
		{Supervisor, true, false},
		{Reviewer, true, false},
		{Staff, true, false},
		{Admin, true, false},
		{Regulator, true, false},
		{Provider, true, false},
		{Practitioner, false, true},
		{PracticeAdmin, false, true},
	} {
		if got := slices.Contains(Roles, tc.role); got != tc.board {
			t.Errorf("%s in Roles: %v, want %v", tc.role, got, tc.board)
		}
		if got := slices.Contains(PracticeRoles, tc.role); got != tc.practice {
			t.Errorf("%s in PracticeRoles: %v, want %v", tc.role, got, tc.practice)
		}
	}
	if n := len(Roles) + len(PracticeRoles); n != 9 {
		t.Errorf("%d roles in all, want the 9 above", n)
	}
}

// TestRolesStored keeps the stored values: accounts in existing databases
// hold them.
func TestRolesStored(t *testing.T) {
	for _, tc := range []struct {
		list []Role
		want string
	}{
		{Roles, "applicant supervisor reviewer staff admin regulator provider"},
		{PracticeRoles, "practitioner practice_admin"},
	} {
		if got := JoinRoles(tc.list, " "); got != tc.want {
			t.Errorf("roles = %s, want %s", got, tc.want)
		}
	}
}
