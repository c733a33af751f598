package auth

import (
	"strings"
	"testing"

	"github.com/certboard/certboard"
)

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Staff", "owner", " admin"} {
		_, err := ParseRole(s)
		if certboard.ErrorCode(err) != certboard.Invalid {
			t.Errorf("ParseRole(%q): %v, want invalid", s, err)
			continue
		}
		msg := certboard.ErrorMessage(err)
		if !strings.HasPrefix(msg, "role: ") || !strings.Contains(msg, "applicant, supervisor, reviewer, staff, admin, regulator, provider") {
			t.Errorf("ParseRole(%q): message %q does not name the roles", s, msg)
		}
	}
}

// TestRolesStored keeps the stored values: accounts in existing databases
// hold them.
func TestRolesStored(t *testing.T) {
	want := "applicant supervisor reviewer staff admin regulator provider"
	var got []string
	for _, r := range Roles {
		got = append(got, string(r))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("Roles = %v, want %s", got, want)
	}
}
