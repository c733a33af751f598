package strictyaml_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/requirements"
)

// goTypeName is how Go names a type of a package: "scope.Type",
// "[]escalation.Rule", "*measure.itemFile".
var goTypeName = regexp.MustCompile(`\b[a-z][a-z0-9]*\.[A-Za-z_][A-Za-z0-9_]*\b`)

// TestEveryLoaderSaysUnknownFieldsInWords: each loader of shipped or
// imported YAML reports an unknown field, at the top and nested, by its
// name and the fields there are, never by Go's type names.
func TestEveryLoaderSaysUnknownFieldsInWords(t *testing.T) {
	loaders := []struct {
		name string
		load func([]byte) error
		top  string // a file with an unknown field "sayz" at the top
		deep string // and one with it nested
		want string // the fields the nested message lists
	}{
		{"requirements", func(b []byte) error { _, err := requirements.Parse("set.yaml", b); return err },
			"id: x\nsayz: hi\n", "id: x\nsources:\n  - title: t\n    sayz: hi\n", "the fields here are"},
		{"concern", func(b []byte) error { _, err := concern.Parse("taxonomy.yaml", b); return err },
			"version: concerns-v1\nsayz: hi\n", "areas:\n  - id: a\n    sayz: hi\n", "the fields here are id and name"},
		{"scope", func(b []byte) error { _, err := scope.Parse("scope.yaml", b); return err },
			"version: scope-v1\nsayz: hi\n", "types:\n  - id: a\n    sayz: hi\n", "the fields here are id, name, stages, says, sources and match"},
		{"escalation", func(b []byte) error { _, err := escalation.Parse("rules.yaml", b); return err },
			"version: \"1\"\nsayz: hi\n", "rules:\n  - id: a\n    sayz: hi\n", "the fields here are id, says, source, when and then"},
		{"measure", func(b []byte) error { _, err := measure.ParseTexts("iief-5", b); return err },
			"instrument: iief-5\nsayz: hi\n", "items:\n  - number: 1\n    sayz: hi\n", "the fields here are number, text and answers"},
	}
	for _, l := range loaders {
		for _, file := range []string{l.top, l.deep} {
			err := l.load([]byte(file))
			if err == nil {
				t.Errorf("%s accepted %q", l.name, file)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, `unknown field "sayz": check its spelling, or remove it; the fields here are `) {
				t.Errorf("%s: %q does not name the unknown field and the fields there are", l.name, msg)
			}
			if file == l.deep && !strings.Contains(msg, l.want) {
				t.Errorf("%s: %q; want %q", l.name, msg, l.want)
			}
			if m := goTypeName.FindString(strings.NewReplacer("set.yaml", "", "taxonomy.yaml", "", "scope.yaml", "", "rules.yaml", "").Replace(msg)); m != "" {
				t.Errorf("%s: %q names the Go type %s", l.name, msg, m)
			}
		}
	}
}
