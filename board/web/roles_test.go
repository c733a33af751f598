package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// TestTemplateHasRole: templates name roles by their values; a value that is
// not a role fails the page instead of hiding a link quietly.
func TestTemplateHasRole(t *testing.T) {
	u := &boardsql.User{Roles: []auth.Role{auth.Reviewer}}
	for src, want := range map[string]string{
		`{{hasRole . "reviewer"}}`: "true",
		`{{hasRole . "staff"}}`:    "false",
	} {
		var b strings.Builder
		if err := template.Must(template.New("t").Funcs(templateFuncs).Parse(src)).Execute(&b, u); err != nil || b.String() != want {
			t.Errorf("%s: %q, %v; want %s", src, b.String(), err, want)
		}
	}
	var b strings.Builder
	err := template.Must(template.New("t").Funcs(templateFuncs).Parse(`{{hasRole . "reviewers"}}`)).Execute(&b, u)
	if err == nil || !strings.Contains(err.Error(), `"reviewers" is not a role`) {
		t.Errorf("unknown role: %v, want an error naming it", err)
	}
}
