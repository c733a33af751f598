package requirements

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard/date"
)

// smallSet is a valid set; %s is replaced by more top-level YAML.
const smallSet = `id: limits
title: Limits
body: Test Body
version: "1"
effective_from: 2020-01-01
sources:
  - url: https://example.org/rules
    title: Example rules
    retrieved: 2024-05-01
requirements:
  - id: named
    kind: expression
    title: Has a name
    expression: %s
    explanation: The person has a name.
%s`

// withSet returns smallSet with an expression and more YAML at the end.
func withSet(expression, more string) []byte {
	return fmt.Appendf(nil, smallSet, expression, more)
}

// laughs is YAML whose aliases of aliases expand to 10^levels values.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// TestParseLimits: a set over a limit is refused with one problem naming
// the limit and its line, before the work the limit bounds.
func TestParseLimits(t *testing.T) {
	deepBlock := func(n int) string {
		var b strings.Builder
		b.WriteString("description:\n")
		for i := range n {
			fmt.Fprintf(&b, "%s  k:\n", strings.Repeat("  ", i))
		}
		return b.String()
	}
	tests := []struct {
		name  string
		input []byte
		line  int
		msg   string
	}{
		{"oversize", withSet(`portfolio.person.name != ""`, "# "+strings.Repeat("x", MaxSetSize)), 1,
			"more than the 1048576 a requirement set may have (1 MiB)"},
		{"200 KB of [", []byte(strings.Repeat("[", 200<<10)), 1, "nested deeper than 16 levels; a requirement set nests at most 7"},
		{"200 KB of - ", []byte(strings.Repeat("- ", 100<<10)), 1, "nested deeper than 16 levels"},
		{"deep flow", withSet(`portfolio.person.name != ""`, "description: "+strings.Repeat("[", 40)+strings.Repeat("]", 40)), 16,
			"nested deeper than 16 levels, counting what aliases name; a requirement set nests at most 7"},
		{"deep block", withSet(`portfolio.person.name != ""`, deepBlock(40)), 32, "nested deeper than 16 levels"},
		{"deep through an alias", withSet(`portfolio.person.name != ""`,
			"x: &d "+strings.Repeat("[", 10)+strings.Repeat("]", 10)+"\ndescription: [[[[[[[[*d]]]]]]]]"), 17, "nested deeper than 16 levels"},
		{"aliases of aliases", withSet(`portfolio.person.name != ""`, laughs(8)), 20,
			"holds more than 100000 values once every alias is replaced by what it names"},
		{"long expression", withSet(strings.Repeat("true && ", MaxExpressionSize/8)+"true", ""), 14,
			"the expression is 4100 characters long, more than the 4096 accepted"},
		{"deep expression", withSet(strings.Repeat("(", 40)+"true"+strings.Repeat(")", 40), ""), 14,
			"the expression nests deeper than 32 levels"},
		{"a long chain of one operator", withSet(strings.Repeat("1 + ", 40)+"1 == 41", ""), 14,
			"the expression nests deeper than 32 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("limits.yaml", tc.input)
			var ps Problems
			if s != nil || !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse: %v, want Problems", err)
			}
			for _, p := range ps {
				if p.Line == tc.line && strings.Contains(p.Message, tc.msg) {
					if !errors.Is(p, ErrLimit) {
						t.Fatalf("errors.Is(%v, ErrLimit) is %v", p, errors.Is(p, ErrLimit))
					}
					return
				}
			}
			t.Fatalf("no problem at line %d saying %q: %v", tc.line, tc.msg, ps)
		})
	}
	// Within the limits: nesting up to MaxSetDepth, aliases of scalars (the
	// shipped sets use them) and a few of collections.
	for name, input := range map[string][]byte{
		"as deep as allowed": withSet(`portfolio.person.name != ""`, "x: "+strings.Repeat("[", MaxSetDepth-1)+strings.Repeat("]", MaxSetDepth-1)),
		"aliases":            withSet(`portfolio.person.name != ""`, laughs(3)),
	} {
		_, err := Parse("limits.yaml", input)
		if err == nil || strings.Contains(err.Error(), "nested deeper") || strings.Contains(err.Error(), "more than 100000") {
			t.Errorf("%s: %v, want only the unknown field refused", name, err)
		}
	}
}

// TestExpressionLimits: Compile refuses an expression over a limit before
// CEL builds anything from it, and accepts one at the limits.
func TestExpressionLimits(t *testing.T) {
	for src, want := range map[string]string{
		strings.Repeat("(", 200<<10):                                   "more than the 4096 accepted",
		strings.Repeat("[", 100) + strings.Repeat("]", 100) + " == []": "nests deeper than 32 levels",
		"portfolio" + strings.Repeat(".a", 40) + " == 1":               "nests deeper than 32 levels",
		strings.Repeat("(", 20) + "true" + strings.Repeat(")", 20):     "",
		strings.Repeat("true && ", 500) + "true":                       "",
		`"` + strings.Repeat("é", MaxExpressionSize-8) + `" != ""`:     "",
		`"` + strings.Repeat("é", MaxExpressionSize-7) + `" != ""`:     "is 4097 characters long",
	} {
		_, err := Compile(src)
		if want == "" {
			if err != nil {
				t.Errorf("%.40s: %v", src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrLimit) {
			t.Errorf("%.40s: %v, want %q wrapping ErrLimit", src, err, want)
		}
	}
}

// TestSetFormatDepth keeps setFormatDepth, which the depth message quotes,
// the deepest nesting of the format's types, and MaxSetDepth well above it.
func TestSetFormatDepth(t *testing.T) {
	var depthOf func(t reflect.Type) int
	depthOf = func(t reflect.Type) int {
		switch {
		case t == reflect.TypeFor[date.Date]():
			return 0
		case t.Kind() == reflect.Pointer:
			return depthOf(t.Elem())
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Map:
			return 1 + depthOf(t.Elem())
		case t.Kind() == reflect.Struct:
			deepest := 0
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() && f.Tag.Get("yaml") != "-" {
					deepest = max(deepest, depthOf(f.Type))
				}
			}
			return 1 + deepest
		}
		return 0
	}
	if got := depthOf(reflect.TypeFor[Set]()); got != setFormatDepth {
		t.Fatalf("the format nests %d levels, setFormatDepth says %d", got, setFormatDepth)
	}
	if setFormatDepth*2 > MaxSetDepth {
		t.Fatalf("MaxSetDepth %d leaves too little room above the format's %d levels", MaxSetDepth, setFormatDepth)
	}
}
