package concern

import (
	"errors"
	"strings"
	"testing"
)

// base is a small valid taxonomy that the refusal cases change.
const base = `version: concerns-v1
sources:
  - id: ref
    title: A reference
    url: https://example.org/ref
    read: 2026-12-07
areas:
  - id: erectile-dysfunction
    name: Erectile dysfunction
  - id: relationship
    name: Relationship concerns
concerns:
  - id: erectile-disorder
    name: Erectile disorder
    area: erectile-dysfunction
    kind: disorder
    dsm5tr: Erectile disorder
    specifiers: [onset, context, severity]
    sex: male
    anatomy: penis
    icd10cm:
      - code: F52.21
        title: Male erectile disorder
        use: primary
        confirmed: true
        sources: [ref]
      - code: N52
        title: Male erectile dysfunction
        use: organic
        confirmed: true
        sources: [ref]
    icd11:
      code: HA01.1
      title: Male erectile dysfunction
      subcodes: true
      confirmed: true
      sources: [ref]
    sources: [ref]
  - id: relationship-concerns
    name: Relationship concerns
    area: relationship
    kind: concern
    specifiers: []
    icd10cm:
      - code: Z63.0
        title: Problems in relationship with spouse or partner
        use: primary
        confirmed: false
        note: Secondary sources only.
        sources: [ref]
    sources: [ref]
`

func TestParseBase(t *testing.T) {
	tx, err := Parse("base.yaml", []byte(base))
	if err != nil {
		t.Fatalf("the base taxonomy is refused:\n%v", err)
	}
	if got := tx.IDs(); len(got) != 2 || got[0] != "erectile-disorder" || got[1] != "relationship-concerns" {
		t.Errorf("ids %v", got)
	}
	s, _ := tx.Source("ref")
	if s.Read.String() != "2026-12-07" || s.URL != "https://example.org/ref" {
		t.Errorf("source %+v", s)
	}
	c, _ := tx.Lookup("erectile-disorder")
	if c.Line != 13 || c.ICD11 == nil || !c.ICD11Subcodes {
		t.Errorf("concern %+v", c)
	}
	// The primary code comes first whatever the file's order.
	swapped := strings.Replace(base, `      - code: F52.21
        title: Male erectile disorder
        use: primary
        confirmed: true
        sources: [ref]
      - code: N52
        title: Male erectile dysfunction
        use: organic
`, `      - code: N52
        title: Male erectile dysfunction
        use: organic
        confirmed: true
        sources: [ref]
      - code: F52.21
        title: Male erectile disorder
        use: primary
`, 1)
	tx, err = Parse("swapped.yaml", []byte(swapped))
	if err != nil {
		t.Fatal(err)
	}
	c, _ = tx.Lookup("erectile-disorder")
	if c.ICD10CM[0].Code != "F52.21" || c.ICD10CM[1].Code != "N52" {
		t.Errorf("codes %v, want the primary first", codesOf(c.ICD10CM))
	}
}

// TestParseRefuses changes the base taxonomy in one place and checks the
// problem Parse reports: its message and its line, which is the line of
// the first occurrence of at in the changed file.
func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		at       string
		want     string
	}{
		// The file as a whole.
		{"unknown top-level field", "areas:\n", "colour: blue\nareas:\n", "colour:", `unknown field "colour": check its spelling, or remove it`},
		{"unknown concern field", "    dsm5tr: Erectile disorder\n", "    dsm5tr: Erectile disorder\n    icd9: 302.72\n", "icd9:", `unknown field "icd9"`},
		{"unknown code field", "        use: organic\n", "        use: organic\n        billable: true\n", "billable:", `unknown field "billable"`},
		{"missing version", "version: concerns-v1\n", "", "sources:", "version is missing"},
		{"bad version", "version: concerns-v1", "version: 1", "version:", `version "1": write concerns-v and a number`},
		{"alias", "    name: Erectile disorder\n", "    name: &n Erectile disorder\n", "&n", "anchors and aliases are not allowed"},
		{"two documents", "version: concerns-v1\n", "version: concerns-v1\n", "", ""}, // replaced below
		{"not yaml", "areas:\n", "areas: [\n", "", ""},                                // replaced below

		// Sources.
		{"duplicate source", "areas:\n", "  - id: ref\n    title: Again\nareas:\n", "  - id: ref\n    title: Again", `id "ref" is already used on line 3`},
		{"source without title", "    title: A reference\n", "", "  - id: ref", "source ref has no title"},
		{"source url not https", "https://example.org/ref", "http://example.org/ref", "url:", `url "http://example.org/ref" must start with https://`},
		{"source read not a date", "read: 2026-12-07", "read: 2026-02-30", "read:", `read "2026-02-30" is not a date`},
		{"unknown source cited", "    sources: [ref]\n  - id: relationship-concerns", "    sources: [ref, dsm]\n  - id: relationship-concerns", "sources: [ref, dsm]", `concern erectile-disorder: unknown source "dsm"; cite one of ref`},
		{"no sources cited", "    sources: [ref]\n  - id: relationship-concerns", "    sources: []\n  - id: relationship-concerns", "  - id: erectile-disorder", "concern erectile-disorder has no sources"},
		{"code without sources", "        use: organic\n        confirmed: true\n        sources: [ref]\n", "        use: organic\n        confirmed: true\n", "      - code: N52", "ICD-10-CM N52 has no sources"},

		// Areas.
		{"duplicate area", "  - id: relationship\n", "  - id: erectile-dysfunction\n", "  - id: erectile-dysfunction\n    name: Relationship", `id "erectile-dysfunction" is already used on line 8`},
		{"area without concern", "concerns:\n", "  - id: pain\n    name: Pain\nconcerns:\n", "  - id: pain", "area pain has no concern: add one, or remove the area"},
		{"unknown area", "    area: relationship\n", "    area: relationships\n", "area: relationships", `concern relationship-concerns: unknown area "relationships"; use one of erectile-dysfunction, relationship`},

		// Concerns.
		{"duplicate concern id", "  - id: relationship-concerns\n", "  - id: erectile-disorder\n", "  - id: erectile-disorder\n    name: Relationship", `id "erectile-disorder" is already used on line 13`},
		{"concern id not a slug", "  - id: relationship-concerns\n", "  - id: Relationship_Concerns\n", "Relationship_Concerns", `id "Relationship_Concerns" must be lower-case letters and digits joined by single hyphens`},
		{"concern without id", "  - id: relationship-concerns\n    name", "  - name", "  - name: Relationship", "concern 2 has no id"},
		{"unknown kind", "    kind: concern\n", "    kind: problem\n", "kind: problem", `unknown kind "problem"; use disorder or concern`},
		{"unknown specifier", "[onset, context, severity]", "[onset, course, severity]", "specifiers: [onset, course", `unknown specifier "course"; use onset, context or severity`},
		{"specifier twice", "[onset, context, severity]", "[onset, context, onset, severity]", "specifiers: [onset, context, onset", "specifier onset is listed twice"},
		{"specifiers left out", "    specifiers: []\n", "", "  - id: relationship-concerns", "has no specifiers: list those that apply"},
		{"specifiers on a concern", "    specifiers: []\n", "    specifiers: [severity]\n", "specifiers: [severity]", "a concern is not a diagnosis and takes no specifiers"},
		{"dsm name on a concern", "    kind: concern\n", "    kind: concern\n    dsm5tr: Relationship distress\n", "dsm5tr: Relationship distress", "a concern is not a diagnosis and has no DSM-5-TR name"},
		{"sex on a concern", "    kind: concern\n", "    kind: concern\n    sex: female\n", "  - id: relationship-concerns", "a concern applies to anyone"},
		{"unknown sex", "    sex: male\n", "    sex: man\n", "sex: man", `unknown sex "man"; use female or male`},
		{"unknown anatomy", "    anatomy: penis\n", "    anatomy: phallus\n", "anatomy: phallus", `unknown anatomy "phallus"; use penis or vagina`},
		{"concern without a name", "    name: Relationship concerns\n    area", "    area", "  - id: relationship-concerns", "concern relationship-concerns has no name"},
		{"concern without an area", "    area: relationship\n", "", "  - id: relationship-concerns", "concern relationship-concerns has no area: use one of the areas listed (erectile-dysfunction, relationship)"},
		{"concern without a kind", "    kind: concern\n", "", "  - id: relationship-concerns", "has no kind: say disorder (a diagnosis) or concern"},
		{"area without a name", "    name: Relationship concerns\nconcerns", "concerns", "  - id: relationship\n", "area relationship has no name"},
		{"ICD-10-CM entry without a code", "      - code: N52\n        title", "      - title", "      - title: Male erectile dysfunction", "ICD-10-CM code 2 has no code"},
		{"ICD-11 entry without a code", "      code: HA01.1\n", "", "    icd11:", "ICD-11 code has no code"},
		{"disorder without a DSM name or notes", "    dsm5tr: Erectile disorder\n", "", "  - id: erectile-disorder", "a disorder without a DSM-5-TR name needs notes"},

		// ICD-10-CM codes.
		{"bad ICD-10-CM code", "code: F52.21", "code: F52.2x", "code: F52.2x", `"F52.2x" is not an ICD-10-CM code`},
		{"ICD-10-CM code without a dot", "code: F52.21", "code: F5221", "code: F5221", `"F5221" is not an ICD-10-CM code; write a letter, two characters`},
		{"ICD-10-CM code with a range", "code: N52\n", "code: N52.x\n", "code: N52.x", `"N52.x" is not an ICD-10-CM code`},
		{"ICD-10-CM code twice", "      - code: N52\n", "      - code: F52.21\n", "      - code: F52.21\n        title: Male erectile dysfunction", "ICD-10-CM F52.21 is listed twice"},
		{"two primaries", "        use: organic\n", "        use: primary\n", "        use: primary\n        confirmed: true\n        sources: [ref]\n    icd11", "a concern has at most one primary code"},
		{"disorder without a primary", "        use: primary\n        confirmed: true\n", "        use: organic\n        confirmed: true\n", "    icd10cm:", "a disorder needs one ICD-10-CM code with use: primary"},
		{"unknown use", "        use: organic\n", "        use: physical\n", "use: physical", `unknown use "physical"; use primary or organic`},
		{"no use", "        use: organic\n", "", "      - code: N52", "has no use: say primary"},
		{"concern with an F code", "code: Z63.0", "code: F52.8", "code: F52.8", "a concern is not a diagnosis, so its code must be a Z-code"},
		{"disorder with a Z code", "code: F52.21", "code: Z70.1", "code: Z70.1", "a Z-code is not a diagnosis"},
		{"organic code on a concern", "        note: Secondary sources only.\n        sources: [ref]\n", "        note: Secondary sources only.\n        sources: [ref]\n      - code: N94.1\n        title: Dyspareunia\n        use: organic\n        confirmed: true\n        sources: [ref]\n", "use: organic\n        confirmed: true\n        sources: [ref]\n    sources", "a concern has no organic alternative"},
		{"confirmed left out", "        use: organic\n        confirmed: true\n", "        use: organic\n", "      - code: N52", "ICD-10-CM N52 has no confirmed: say true when a source confirms the code, or false with a note"},
		{"unconfirmed without a note", "        note: Secondary sources only.\n", "", "confirmed: false", "ICD-10-CM Z63.0 is not confirmed: add a note saying why"},
		{"code without a title", "        title: Male erectile dysfunction\n        use: organic\n", "        use: organic\n", "      - code: N52", "ICD-10-CM N52 has no title"},

		// ICD-11 codes.
		{"bad ICD-11 code", "code: HA01.1\n", "code: HA0.1\n", "code: HA0.1", `"HA0.1" is not an ICD-11 code`},
		{"ICD-11 code with an O", "code: HA01.1\n", "code: HAO1.1\n", "code: HAO1.1", `"HAO1.1" is not an ICD-11 code; write four characters and optionally a dot and one or two more, such as HA01.1 or 6C72 (no I or O)`},
		{"ICD-11 code too long", "code: HA01.1\n", "code: HA01.123\n", "code: HA01.123", `"HA01.123" is not an ICD-11 code`},
		{"ICD-11 subcodes left out", "      subcodes: true\n", "", "    icd11:", "ICD-11 HA01.1 has no subcodes"},
		{"ICD-11 subcodes without context", "[onset, context, severity]", "[onset, severity]", "subcodes: true", "subcodes are derived from onset and context, so the concern must take both specifiers"},
		{"ICD-11 subcodes on a subcode", "code: HA01.1\n", "code: HA01.12\n", "subcodes: true", "a subcode adds one character"},
		{"ICD-11 unconfirmed without a note", "      subcodes: true\n      confirmed: true\n", "      subcodes: true\n      confirmed: false\n", "confirmed: false\n      sources", "ICD-11 HA01.1 is not confirmed: add a note"},
		{"ICD-11 unknown source", "      confirmed: true\n      sources: [ref]\n", "      confirmed: true\n      sources: [who]\n", "sources: [who]", `ICD-11 HA01.1: unknown source "who"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(base, tt.old, tt.new, 1)
			if data == base && tt.old != tt.new {
				t.Fatalf("the change %q is not in the base", tt.old)
			}
			switch tt.name {
			case "two documents":
				data, tt.at, tt.want = base+"---\nversion: concerns-v2\n", "---", "more than one YAML document"
			case "not yaml":
				tt.at, tt.want = "areas: [", "did not find expected"
			}
			_, err := Parse("t.yaml", []byte(data))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse = %v, want Problems", err)
			}
			wantLine := lineOf(t, data, tt.at)
			for _, p := range ps {
				if strings.Contains(p.Message, tt.want) {
					if p.Line != wantLine && tt.name != "not yaml" {
						t.Errorf("%q on line %d, want line %d", p.Message, p.Line, wantLine)
					}
					if p.File != "t.yaml" || !strings.HasPrefix(p.Error(), "t.yaml:") {
						t.Errorf("problem %v does not name its file", p)
					}
					return
				}
			}
			t.Errorf("no problem says %q; got:\n%v", tt.want, err)
		})
	}
}

// lineOf returns the line of the first occurrence of s in data.
func lineOf(t *testing.T, data, s string) int {
	t.Helper()
	i := strings.Index(data, s)
	if i < 0 {
		t.Fatalf("%q is not in the file", s)
	}
	return strings.Count(data[:i], "\n") + 1
}

func TestParseRefusesEmptyAndOversizeFiles(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "the file is empty"},
		{"only a comment", "# nothing\n", "the file is empty"},
		{"a list", "- a\n- b\n", "must be a YAML mapping"},
		{"nothing listed", "version: concerns-v1\n", "sources is missing or empty"},
		{"no concerns", "version: concerns-v1\nsources:\n  - id: a\n    title: A\nareas:\n  - id: b\n    name: B\n", "concerns is missing or empty"},
		{"oversize", "version: concerns-v1\n" + strings.Repeat("# padding\n", MaxSize/10+1), "more than the 262144 a taxonomy file may have"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want a problem saying %q", err, tt.want)
			}
		})
	}
}

// TestParseReportsEveryProblem checks that problems come together, by
// line, so one pass fixes a file.
func TestParseReportsEveryProblem(t *testing.T) {
	data := strings.Replace(base, "code: F52.21", "code: F52.2x", 1)
	data = strings.Replace(data, "    kind: concern\n", "    kind: problem\n", 1)
	data = strings.Replace(data, "[onset, context, severity]", "[onset, course, severity]", 1)
	_, err := Parse("t.yaml", []byte(data))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) < 3 {
		t.Fatalf("Parse = %v, want at least three problems", err)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Line < ps[i-1].Line {
			t.Errorf("problems out of line order:\n%v", err)
		}
	}
	if lines := strings.Count(err.Error(), "\n") + 1; lines != len(ps) {
		t.Errorf("the error has %d lines for %d problems", lines, len(ps))
	}
}
