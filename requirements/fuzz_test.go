package requirements

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse. Parse must never panic. It either
// rejects the input with well-formed Problems (each naming the file, with a
// line that is not negative and a message), or returns a set that meets the
// invariants the rest of certboard relies on. The seed corpus is every
// shipped set (added below and committed under testdata/fuzz/FuzzParse,
// together with broken variants of a small set), and deep and wide inputs
// at and past the limits (added below).
func FuzzParse(f *testing.F) {
	names, err := fs.Glob(shippedFiles, "sets/*.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("no shipped sets to seed the corpus: %v", err)
	}
	for _, name := range names {
		data, err := shippedFiles.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// Deep and wide inputs, at and past the limits.
	var wide strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&wide, "  - id: r%d\n    kind: attestation\n    title: Attest %d\n    code: c%d\n", i, i, i)
	}
	for _, seed := range []string{
		strings.Repeat("[", 200<<10),
		strings.Repeat("- ", 20000),
		string(withSet(`portfolio.person.name != ""`, "description: "+strings.Repeat("[", MaxSetDepth)+strings.Repeat("]", MaxSetDepth))),
		string(withSet(`portfolio.person.name != ""`, laughs(6))),
		string(withSet(strings.Repeat("(", MaxExpressionDepth+1)+"true"+strings.Repeat(")", MaxExpressionDepth+1), "")),
		string(withSet(strings.Repeat("true && ", 600)+"true", "")),
		strings.Replace(string(withSet(`portfolio.person.name != ""`, "")), "requirements:\n", "requirements:\n"+wide.String(), 1),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "fuzz.yaml"
		s, err := Parse(file, data)
		if err != nil {
			if s != nil {
				t.Fatalf("Parse returned a set and an error: %v", err)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v (%T) is not Problems", err, err)
			}
			if len(ps) == 0 {
				t.Fatalf("Parse failed with an empty Problems")
			}
			for i, p := range ps {
				if p.File != file {
					t.Errorf("problem %d names file %q, not %q: %v", i, p.File, file, p)
				}
				if p.Line < 0 {
					t.Errorf("problem %d has negative line %d: %v", i, p.Line, p)
				}
				if strings.TrimSpace(p.Message) == "" {
					t.Errorf("problem %d has no message: %#v", i, p)
				}
			}
			if msg := ps.Error(); !strings.HasPrefix(msg, file+":") {
				t.Errorf("Problems.Error() does not start with the file name: %q", msg)
			}
			return
		}
		if s == nil {
			t.Fatalf("Parse returned neither a set nor an error")
		}
		checkSetInvariants(t, s, file)
	})
}

// checkSetInvariants checks what every set Parse accepts must satisfy.
func checkSetInvariants(t *testing.T, s *Set, file string) {
	t.Helper()
	if s.ID == "" || !idPattern.MatchString(s.ID) {
		t.Errorf("accepted set has id %q", s.ID)
	}
	if s.File != file {
		t.Errorf("accepted set has File %q, want %q", s.File, file)
	}
	if strings.TrimSpace(s.Title) == "" || strings.TrimSpace(s.Version) == "" {
		t.Errorf("accepted set without title or version: %q %q", s.Title, s.Version)
	}
	if s.EffectiveFrom.IsZero() {
		t.Errorf("accepted set without effective_from")
	}
	if !s.EffectiveTo.IsZero() && s.EffectiveTo.Before(s.EffectiveFrom) {
		t.Errorf("accepted set ends (%s) before it starts (%s)", s.EffectiveTo, s.EffectiveFrom)
	}
	if len(s.Sources) == 0 {
		t.Errorf("accepted set without sources")
	}
	if len(s.Requirements) == 0 {
		t.Fatalf("accepted set without requirements")
	}
	seen := map[string]bool{}
	for i, r := range s.Requirements {
		if r == nil {
			t.Fatalf("accepted set has a nil requirement %d", i)
		}
		if r.ID == "" || !idPattern.MatchString(r.ID) {
			t.Errorf("requirement %d has id %q", i, r.ID)
		}
		if seen[r.ID] {
			t.Errorf("requirement id %q appears twice", r.ID)
		}
		seen[r.ID] = true
		if _, ok := kindFields[r.Kind]; !ok {
			t.Errorf("requirement %s has unknown kind %q", r.ID, r.Kind)
		}
		if r.Kind == KindExpression && r.Program() == nil {
			t.Errorf("expression requirement %s was accepted without a compiled program", r.ID)
		}
		if r.AppliesIf != "" && r.Condition() == nil {
			t.Errorf("requirement %s has applies_if %q but no compiled condition", r.ID, r.AppliesIf)
		}
	}
	for _, bad := range nonFinite(reflect.ValueOf(s), "set") {
		t.Errorf("accepted set has a figure that is not a finite number: %s", bad)
	}
	if _, err := NewCatalog(s); err != nil {
		t.Errorf("a registry of one accepted set fails: %v", err)
	}
	if strings.TrimSpace(Describe(s)) == "" {
		t.Errorf("Describe gives nothing for an accepted set")
	}
}

// nonFinite returns the paths of the NaN or infinite numbers in v's exported
// fields. Every figure of a set is compared with hours, years or counts, and
// a NaN compares false with everything, so it would slip past the loader's
// range checks and make a requirement vacuous or impossible.
func nonFinite(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			out = append(out, fmt.Sprintf("%s = %v", path, f))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			out = append(out, nonFinite(v.Elem(), path)...)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				out = append(out, nonFinite(v.Field(i), path+"."+f.Name)...)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			out = append(out, nonFinite(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			out = append(out, nonFinite(iter.Value(), fmt.Sprintf("%s[%v]", path, iter.Key()))...)
		}
	}
	return out
}
