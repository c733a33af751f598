package practice

import (
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
)

// TestCheckPerson: a new person's name, address and roles, each on both
// sides of its bounds; a refusal names every field at fault.
func TestCheckPerson(t *testing.T) {
	name200, name201 := strings.Repeat("é", 200), strings.Repeat("é", 201)
	local := strings.Repeat("a", 254-len("@x.example"))
	for _, tc := range []struct {
		name    string
		in      NewPerson
		fields  []string // at fault; none when accepted
		email   string
		roles   []auth.Role
		trimmed string
	}{
		{"accepted", NewPerson{Name: " Lena Fischer ", Email: " Lena@Practice.Example ", Roles: []string{"practitioner"}}, nil,
			"lena@practice.example", []auth.Role{auth.Practitioner}, "Lena Fischer"},
		{"both roles, in display order", NewPerson{Name: "A", Email: "a@x.example", Roles: []string{"practice_admin", "practitioner"}}, nil,
			"a@x.example", []auth.Role{auth.Practitioner, auth.PracticeAdmin}, "A"},
		{"a role given twice", NewPerson{Name: "A", Email: "a@x.example", Roles: []string{"practitioner", "practitioner"}}, nil,
			"a@x.example", []auth.Role{auth.Practitioner}, "A"},
		{"name of 200 characters", NewPerson{Name: name200, Email: "a@x.example", Roles: []string{"practitioner"}}, nil,
			"a@x.example", []auth.Role{auth.Practitioner}, name200},
		{"name of 201 characters", NewPerson{Name: name201, Email: "a@x.example", Roles: []string{"practitioner"}}, []string{"name"}, "", nil, ""},
		{"no name", NewPerson{Name: "  ", Email: "a@x.example", Roles: []string{"practitioner"}}, []string{"name"}, "", nil, ""},
		{"address of 254 characters", NewPerson{Name: "A", Email: local + "@x.example", Roles: []string{"practitioner"}}, nil,
			local + "@x.example", []auth.Role{auth.Practitioner}, "A"},
		{"address of 255 characters", NewPerson{Name: "A", Email: local + "a@x.example", Roles: []string{"practitioner"}}, []string{"email"}, "", nil, ""},
		{"not an address", NewPerson{Name: "A", Email: "lena", Roles: []string{"practitioner"}}, []string{"email"}, "", nil, ""},
		{"an address with a name", NewPerson{Name: "A", Email: "Lena <lena@x.example>", Roles: []string{"practitioner"}}, []string{"email"}, "", nil, ""},
		{"no role", NewPerson{Name: "A", Email: "a@x.example"}, []string{"roles"}, "", nil, ""},
		{"a board role", NewPerson{Name: "A", Email: "a@x.example", Roles: []string{"staff"}}, []string{"roles"}, "", nil, ""},
		{"everything wrong", NewPerson{Roles: []string{"admin"}}, []string{"email", "name", "roles"}, "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, email, roles, err := checkPerson(tc.in)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if name != tc.trimmed || email != tc.email || !slices.Equal(roles, tc.roles) {
					t.Fatalf("got %q %q %v", name, email, roles)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Code != certboard.Invalid {
				t.Fatalf("want Invalid, got %v", err)
			}
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.fields) {
				t.Fatalf("fields at fault %v, want %v (%s)", got, tc.fields, e.Message)
			}
			for _, f := range tc.fields {
				if !strings.Contains(e.Message, f+": ") {
					t.Errorf("the message %q does not name %s", e.Message, f)
				}
			}
		})
	}
}
