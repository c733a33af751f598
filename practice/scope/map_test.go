package scope_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/requirements"
)

func shipped(t *testing.T) *scope.Map {
	t.Helper()
	m, err := scope.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestShipped: the shipped map is scope-v1; every practitioner works P, LI
// and SS; a CST and a CST supervisor may deliver Intensive Therapy, and no
// other type may.
func TestShipped(t *testing.T) {
	m := shipped(t)
	if m.Version != "scope-v1" || m.File != scope.ShippedFile {
		t.Fatalf("%q %q", m.Version, m.File)
	}
	if want := []scope.Stage{scope.Permission, scope.LimitedInformation, scope.SpecificSuggestions}; !slices.Equal(m.Baseline.Stages, want) {
		t.Fatalf("baseline %v", m.Baseline.Stages)
	}
	var it []string
	for _, ty := range m.Types {
		if ty.Allows(scope.IntensiveTherapy) {
			it = append(it, ty.ID)
		}
		if len(ty.Sources) == 0 || ty.Says == "" || ty.Line == 0 {
			t.Errorf("%s: %+v", ty.ID, ty)
		}
	}
	if !slices.Equal(it, []string{"aasect-cst", "aasect-cst-supervisor"}) {
		t.Fatalf("types allowing Intensive Therapy: %v", it)
	}
	if m.Type("aasect-cst") == nil || m.Type("nope") != nil {
		t.Fatal("Type")
	}
}

// TestShippedKnowsEveryShippedSet: a credential a certboard board issues
// under any version of any shipped requirement set (bar the renewal set,
// which reissues the renewed credential's own kind) is recognised as that
// set's type: the map matches what board.IssueCredential writes into the
// achievement (the set's title as its name, the set's credential code as
// its humanCode).
func TestShippedKnowsEveryShippedSet(t *testing.T) {
	m := shipped(t)
	cat, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, id := range cat.IDs() {
		for _, set := range cat.Versions(id) {
			if set.Cycle != nil {
				continue // the renewal set: a renewal reissues the credential renewed
			}
			code := set.Credential
			if code == "" {
				code = set.ID
			}
			c, err := credential.Issue(credential.IssueInput{
				IssuerDID: "did:web:board.example", BoardName: "Board", BoardURL: "https://board.example",
				CredentialID: "https://board.example/credentials/1", HolderName: "A", HolderEmail: "a@example.org",
				Salt: "0123456789abcdef", CredentialType: code, Title: set.Title,
				RequirementSetID: set.ID, RequirementSetVersion: set.Version, ValidFrom: time.Now(),
				Revocation: credential.StatusInput{ListURL: "https://board.example/status/r"},
				Suspension: credential.StatusInput{ListURL: "https://board.example/status/s"},
			})
			if err != nil {
				t.Fatal(err)
			}
			a := c.CredentialSubject.Achievement
			got := m.Classify(scope.Achievement{ID: a.ID, Name: a.Name, HumanCode: a.HumanCode, AchievementType: a.AchievementType})
			if got == nil || got.ID != set.ID {
				t.Errorf("%s %s (%q, %q): classified as %v", set.ID, set.Version, a.Name, a.HumanCode, got)
			}
			n++
		}
	}
	if n < 8 {
		t.Fatalf("only %d sets checked", n)
	}
}

// TestClassify: a rule with a humanCode needs both; names compare without
// case and runs of spaces; a name-only rule recognises other issuers.
func TestClassify(t *testing.T) {
	m := shipped(t)
	for _, tc := range []struct {
		name, code, want string
	}{
		{"AASECT Certified Sex Therapist (CST)", "CST", "aasect-cst"},
		{"  aasect certified  sex\ttherapist (cst) ", "CST", "aasect-cst"},
		{"AASECT Certified Sex Therapist (CST)", " CST ", "aasect-cst"},
		{"AASECT Certified Sex Therapist (CST)", "cst", ""}, // humanCode compares exactly
		{"AASECT Certified Sex Therapist (CST)", "", ""},
		{"AASECT Certified Sex Therapist (CST)", "CSE", ""},
		{"AASECT Certified Sex Therapist", "", "aasect-cst"},
		{"AASECT Certified Sex Therapist", "ANY", "aasect-cst"},
		{"AASECT Certified Sex Therapist Supervisor", "CST Supervisor", "aasect-cst-supervisor"},
		{"AASECT Certified Sex Therapist Supervisor", "", ""},
		{"AASECT Certified Sexuality Educator", "", "aasect-cse"},
		{"Certified Surgical Technologist", "CST", ""},
		{"", "CST", ""},
	} {
		got := m.Classify(scope.Achievement{Name: tc.name, HumanCode: tc.code})
		id := ""
		if got != nil {
			id = got.ID
		}
		if id != tc.want {
			t.Errorf("%q %q: %q, want %q", tc.name, tc.code, id, tc.want)
		}
	}
}

// TestStages: the four PLISSIT stages, in order, with their names.
func TestStages(t *testing.T) {
	want := []scope.Stage{"permission", "limited_information", "specific_suggestions", "intensive_therapy"}
	if !slices.Equal(scope.Stages(), want) {
		t.Fatal(scope.Stages())
	}
	if scope.LimitedInformation.Name() != "Limited Information" || scope.IntensiveTherapy.Name() != "Intensive Therapy" ||
		scope.Stage("x").Name() != "x" || scope.Stage("x").Known() || !scope.Permission.Known() {
		t.Fatal("names")
	}
}

const good = `version: scope-v1
effective: 2026-12-01
baseline:
  stages: [permission, limited_information, specific_suggestions]
  says: Anyone works P, LI and SS.
  sources:
    - title: Annon (1976)
types:
  - id: aasect-cst
    name: CST
    stages: [permission, limited_information, specific_suggestions, intensive_therapy]
    says: A CST may deliver IT.
    sources:
      - title: AASECT
        url: https://www.aasect.org/
    match:
      - human_code: CST
        achievement_name: AASECT Certified Sex Therapist (CST)
`

// TestParse: the loader refuses what the map must not say, each problem
// with its line.
func TestParse(t *testing.T) {
	if _, err := scope.Parse("good.yaml", []byte(good)); err != nil {
		t.Fatalf("good: %v", err)
	}
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("%q is not in the good map", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	second := `  - id: other
    name: Other
    stages: [permission, limited_information, specific_suggestions]
    says: s
    sources: [{title: t}]
    match:
      - achievement_name: AASECT Certified Sex Therapist (CST)
`
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "f.yaml:1: the file is empty"},
		{"not a mapping", "- a\n", "f.yaml:1: a scope map must be a YAML mapping"},
		{"two documents", good + "---\nversion: x\n", "f.yaml:19: the file holds more than one YAML document"},
		{"too large", strings.Repeat("#", scope.MaxSize+1), "more than the 65536 a scope map may have"},
		{"unknown field", edit("    name: CST\n", "    name: CST\n    grants: all\n"), `f.yaml:11: unknown field "grants": check its spelling, or remove it; the fields here are id, name, stages, says, sources and match`},
		{"misspelt rule field", edit("      - human_code: CST", "      - humancode: CST"), `f.yaml:17: unknown field "humancode": check its spelling, or remove it; the fields here are human_code and achievement_name`},
		{"anchor", edit("  says: Anyone works P, LI and SS.", "  says: &s Anyone"), "f.yaml:5: anchors and aliases are not allowed"},
		{"bad effective", edit("effective: 2026-12-01", "effective: 2026-02-30"), `f.yaml:2: effective "2026-02-30" is not a date`},
		{"no version", edit("version: scope-v1\n", ""), "f.yaml:1: version is missing"},
		{"no effective", edit("effective: 2026-12-01\n", ""), "effective is missing"},
		{"no baseline", edit("baseline:\n  stages: [permission, limited_information, specific_suggestions]\n  says: Anyone works P, LI and SS.\n  sources:\n    - title: Annon (1976)\n", ""),
			"f.yaml:1: baseline is missing"},
		{"baseline unknown stage", edit("  stages: [permission, limited_information, specific_suggestions]", "  stages: [permission, counselling]"),
			`f.yaml:4: baseline: unknown stage "counselling"; use permission, limited_information, specific_suggestions, intensive_therapy`},
		{"baseline without sources", edit("  sources:\n    - title: Annon (1976)\n", ""), "f.yaml:4: baseline has no sources"},
		{"baseline without says", edit("  says: Anyone works P, LI and SS.\n", ""), "f.yaml:4: baseline has no says"},
		{"no types", good[:strings.Index(good, "types:")], "types is missing or empty"},
		{"type without id", edit("  - id: aasect-cst\n    name", "  - name"), "f.yaml:9: type 1 has no id"},
		{"bad id", edit("id: aasect-cst", "id: AASECT_CST"), `f.yaml:9: type id "AASECT_CST": use lower-case letters`},
		{"duplicate id", good + strings.Replace(strings.Replace(second, "id: other", "id: aasect-cst", 1), "(CST)", "(X)", 1),
			`f.yaml:19: type id "aasect-cst" is already used on line 9`},
		{"name in two types", good + second, `f.yaml:25: type other: achievement name "AASECT Certified Sex Therapist (CST)" already belongs to type aasect-cst`},
		{"name in two types, another case", good + strings.Replace(second, "Sex Therapist (CST)", "sex  therapist (cst)", 1), "already belongs to type aasect-cst"},
		{"type without name", edit("    name: CST\n", ""), "f.yaml:9: type aasect-cst has no name"},
		{"type without stages", edit("    stages: [permission, limited_information, specific_suggestions, intensive_therapy]\n", ""), "type aasect-cst has no stages"},
		{"type stage twice", edit("specific_suggestions, intensive_therapy]", "specific_suggestions, intensive_therapy, intensive_therapy]"),
			"f.yaml:11: type aasect-cst: stage intensive_therapy is listed twice"},
		{"type leaves out the baseline", edit("[permission, limited_information, specific_suggestions, intensive_therapy]", "[permission, intensive_therapy]"),
			"f.yaml:11: type aasect-cst: stages leaves out limited_information, which every practitioner may work"},
		{"type without says", edit("    says: A CST may deliver IT.\n", ""), "type aasect-cst has no says"},
		{"type without sources", edit("    sources:\n      - title: AASECT\n        url: https://www.aasect.org/\n", ""), "type aasect-cst has no sources"},
		{"source without title", edit("      - title: AASECT\n", "      - title: \"\"\n"), "type aasect-cst: source 1 has no title"},
		{"source with a relative url", edit("url: https://www.aasect.org/", "url: /aasect"), `type aasect-cst: source 1 url "/aasect" is not an absolute http(s) URL`},
		{"no match", edit("    match:\n      - human_code: CST\n        achievement_name: AASECT Certified Sex Therapist (CST)\n", ""), "type aasect-cst has no match"},
		{"rule without a name", edit("        achievement_name: AASECT Certified Sex Therapist (CST)\n", ""),
			"f.yaml:17: type aasect-cst: match rule 1 has no achievement_name; a humanCode alone is too weak"},
		{"human_code with spaces", edit("human_code: CST", `human_code: " CST"`), "f.yaml:17: type aasect-cst: match rule 1 has a human_code with surrounding white space"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := scope.Parse("f.yaml", []byte(tc.data))
			var ps scope.Problems
			if !errors.As(err, &ps) || m != nil {
				t.Fatalf("got %v %v, want problems", m, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got\n%v\nwant %q", err, tc.want)
			}
		})
	}
}
