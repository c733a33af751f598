package strictyaml

import (
	"errors"
	"strings"
	"testing"
)

type testFile struct {
	Version  string     `yaml:"version"`
	Count    int        `yaml:"count"`
	Ratio    float64    `yaml:"ratio"`
	On       bool       `yaml:"on"`
	Items    []testItem `yaml:"items"`
	Plain    string
	Hidden   string `yaml:"-"`
	testMore `yaml:",inline"`
}

type testItem struct {
	ID   string   `yaml:"id"`
	Tags []string `yaml:"tags"`
}

type testMore struct {
	Note string `yaml:"note"`
}

var format = Format{Name: "a test file", Holds: "version and items", OnePerFile: "put one test in each file", MaxSize: 1 << 10}

// TestLoad checks every refusal of Load: its line, its words, and that no
// message names a Go type.
func TestLoad(t *testing.T) {
	good := "version: \"1\"\ncount: 2\nitems:\n  - id: a\n    tags: [x]\n"
	for _, tc := range []struct {
		name, data string
		line       int
		says       string
		err        error
	}{
		{"good", good, 0, "", nil},
		{"at the size limit", good + "#" + strings.Repeat("x", 1<<10-len(good)-2) + "\n", 0, "", nil},
		{"over the size limit", good + "#" + strings.Repeat("x", 1<<10-len(good)-1) + "\n", 1,
			"the file is 1025 bytes, more than the 1024 a test file may have (1 KiB)", ErrTooLarge},
		{"not UTF-8", "version: \"\xff\"\n", 1, "the file is not UTF-8 text", nil},
		{"empty", "", 1, "the file is empty: a test file is a YAML mapping with version and items", nil},
		{"only a comment", "# nothing\n", 1, "the file is empty", nil},
		{"two documents", good + "---\nversion: \"2\"\n", 6, "more than one YAML document; put one test in each file", nil},
		{"a list", "- a\n", 1, "a test file must be a YAML mapping with version and items", nil},
		{"a scalar", "hello\n", 1, "must be a YAML mapping", nil},
		{"an anchor", "version: &v \"1\"\n", 1, "anchors and aliases are not allowed in a test file", nil},
		{"an alias", "version: \"1\"\nitems:\n  - &i {id: a}\n  - *i\n", 3, "anchors and aliases are not allowed", nil},
		{"an unknown alias", "version: *v\n", 1, "anchors and aliases are not allowed in a test file", nil},
		{"broken syntax", "version: [1\n", 1, "", nil},
		{"an unquoted colon", "version: a: b\n", 1, "quote a text that holds a colon", nil},
		{"a key twice", "version: \"1\"\nversion: \"2\"\n", 2, `"version" already defined`, nil},
		{"unknown top field", good + "colour: red\n", 6,
			`unknown field "colour": check its spelling, or remove it; the fields here are version, count, ratio, on, items, plain and note`, nil},
		{"unknown item field", "items:\n  - id: a\n    idd: b\n", 3, `unknown field "idd": check its spelling, or remove it; the fields here are id and tags`, nil},
		{"a word for a number", "count: two\n", 1, `expected a whole number, found "two"`, nil},
		{"a word for a float", "ratio: half\n", 1, `expected a number, found "half"`, nil},
		{"a word for a boolean", "on: maybe\n", 1, `expected true or false, found "maybe"`, nil},
		{"a list for text", "version: [a]\n", 1, "expected text, found a list", nil},
		{"text for a list", "items: all\n", 1, `expected a list, found "all"`, nil},
		{"text for an item", "items:\n  - one\n", 2, `expected a mapping of fields, found "one"`, nil},
		{"a mapping for a tag", "items:\n  - tags:\n      - {a: b}\n", 3, "expected text, found a mapping", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f testFile
			top, ps := Load("t.yaml", []byte(tc.data), &f, format)
			if tc.line == 0 {
				if len(ps) > 0 || top == nil {
					t.Fatalf("refused: %v", ps)
				}
				return
			}
			if len(ps) == 0 || top != nil {
				t.Fatalf("accepted, want a problem at line %d", tc.line)
			}
			p := ps[0]
			if p.File != "t.yaml" || p.Line != tc.line || !strings.Contains(p.Message, tc.says) {
				t.Errorf("%v; want t.yaml:%d saying %q", p, tc.line, tc.says)
			}
			if tc.err != nil && !errors.Is(ps, tc.err) {
				t.Errorf("%v does not unwrap to %v", ps, tc.err)
			}
			for _, p := range ps {
				if strings.Contains(p.Message, "strictyaml.") || strings.Contains(p.Message, "not found in type") ||
					strings.Contains(p.Message, "unmarshal") {
					t.Errorf("%q speaks Go", p.Message)
				}
			}
		})
	}
}

// TestAliasesAllowed: a format that allows aliases reads them.
func TestAliasesAllowed(t *testing.T) {
	f := format
	f.Aliases = true
	var v testFile
	if _, ps := Load("t.yaml", []byte("version: &v \"1\"\nplain: *v\n"), &v, f); len(ps) > 0 || v.Plain != "1" {
		t.Fatalf("%v %+v; want the alias read", ps, v)
	}
}

// TestTooDeep: a file nested past what the parser follows unwraps to
// ErrTooDeep.
func TestTooDeep(t *testing.T) {
	var v testFile
	_, ps := Load("t.yaml", []byte(strings.Repeat("[", 20000)), &v, Format{Name: "a test file"})
	if !errors.Is(ps, ErrTooDeep) || errors.Is(ps, ErrTooLarge) {
		t.Fatalf("%v; want ErrTooDeep", ps)
	}
}

// TestProblems checks the problems' text, order and unwrapping.
func TestProblems(t *testing.T) {
	limit := errors.New("limit")
	ps := Problems{{File: "f", Line: 3, Message: "c"}, {File: "f", Message: "none"}, {File: "f", Line: 1, Message: "a", Err: limit}, {File: "f", Line: 3, Message: "d"}}
	ps.Sort()
	if got, want := ps.Error(), "f: none\nf:1: a\nf:3: c\nf:3: d"; got != want {
		t.Errorf("%q; want %q", got, want)
	}
	if !errors.Is(ps, limit) || errors.Is(ps[0], limit) {
		t.Error("Problems must unwrap to each problem's Err, and only those")
	}
}

// TestNodes checks the node helpers at their edges.
func TestNodes(t *testing.T) {
	top, ps := Parse("t.yaml", []byte("a:\n  b:\n    - x\n    - y\nc: 1\n"), Format{Name: "a test file"})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if k, v := Entry(top, "c"); k == nil || k.Line != 5 || v.Value != "1" {
		t.Errorf("Entry c: %v %v", k, v)
	}
	if Value(top, "z") != nil || Value(nil, "a") != nil || Value(Value(top, "c"), "a") != nil {
		t.Error("Value of a missing key, of nil or of a scalar must be nil")
	}
	if n := Find(top, "a", "b"); n == nil || n.Line != 3 {
		t.Errorf("Find a.b: %v", n)
	}
	if n := Find(top, "a", "zz", "b"); n == nil || n.Line != 2 {
		t.Errorf("Find a.zz.b: %v; want a's value", n)
	}
	if Find(top) != top || Find(nil, "a") != nil {
		t.Error("Find of no path is n, of nil is nil")
	}
	items := Items(Find(top, "a", "b"))
	if len(items) != 2 || Item(items, 1).Value != "y" || Item(items, 2) != nil || Item(items, -1) != nil || Items(top) != nil {
		t.Errorf("Items/Item: %v", items)
	}
}

// TestLoadDates: Load checks the date keys it is given before decoding,
// and says a bad one with its line; keys not given are not checked.
func TestLoadDates(t *testing.T) {
	var v testFile
	if _, ps := Load("t.yaml", []byte("version: \"1\"\nnote: 2026-01-31\n"), &v, format, "note"); len(ps) > 0 || v.Note != "2026-01-31" {
		t.Fatalf("a good date: %v %+v", ps, v)
	}
	_, ps := Load("t.yaml", []byte("version: \"1\"\nnote: 2026-13-01\n"), &v, format, "note")
	if len(ps) != 1 || ps[0].Line != 2 {
		t.Fatalf("a bad date: %v", ps)
	}
	if _, ps := Load("t.yaml", []byte("version: \"1\"\nnote: 2026-13-01\n"), &v, format); len(ps) > 0 {
		t.Fatalf("a key not given is checked: %v", ps)
	}
}
