// Package strictyaml reads the YAML files certboard ships and imports
// (requirement sets, the taxonomy of concerns, the scope map, the
// escalation rules, the item texts of instruments) the one strict way: a
// bounded size, UTF-8, one document holding a mapping, no anchors or
// aliases unless a format allows them, and only known fields. What it
// refuses is a Problem naming the file and line, said in a person's words
// rather than Go's: an unknown field lists the fields there are, a value
// of the wrong kind says what was expected.
//
// A loader calls Parse for the document's nodes (to find the lines of what
// its own checks refuse), then Decode for the values; Load does both. The
// node helpers (Value, Entry, Find, Items, Item) walk what Parse returns.
// The package is pure: no I/O.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/date"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/jsonlimit"
)

// Problem is one reason a file was refused, located by file and line.
type Problem struct {
	// File is the name the file was read under.
	File string `json:"file"`
	// Line is the line at fault, from 1; 0 when no line can be named.
	Line int `json:"line"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
	// Err is what the problem unwraps to, for errors.Is: ErrTooLarge or
	// ErrTooDeep for a file over a limit, or a loader's own error; nil
	// for most problems.
	Err error `json:"-"`
}

// Error returns "file:line: message", or "file: message" without a line.
func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Unwrap returns Err.
func (p Problem) Unwrap() error { return p.Err }

// Problems is every reason a file was refused.
type Problems []Problem

// Error returns one problem a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// Sort orders the problems by line, keeping the order found within a line.
func (ps Problems) Sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int { return a.Line - b.Line })
}

// The limits a problem unwraps to.
var (
	// ErrTooLarge is a file over its format's MaxSize.
	ErrTooLarge = errors.New("strictyaml: the file is too large")
	// ErrTooDeep is a file nested deeper than the YAML parser follows.
	ErrTooDeep = errors.New("strictyaml: the file is nested too deeply")
)

// Format is what a loader reads, for the checks and their messages.
type Format struct {
	// Name is the kind of file with its article, as messages say it ("a
	// rules file", "a scope map").
	Name string
	// Holds lists what the top-level mapping holds ("version, effective
	// and rules").
	Holds string
	// OnePerFile is the advice for a file of several documents ("put one
	// version of the rules in each file").
	OnePerFile string
	// MaxSize is the largest file read, in bytes; 0 for no limit.
	MaxSize int
	// Aliases allows anchors and aliases. A loader that allows them must
	// bound what they expand to itself (requirements does).
	Aliases bool
}

// Load is Parse, then Date on each key of dates (a versioned file's
// "effective"), then Decode into v: the file's top-level mapping, or the
// problems of the first step that refused it.
func Load(file string, data []byte, v any, f Format, dates ...string) (*yaml.Node, Problems) {
	top, ps := Parse(file, data, f)
	if len(ps) > 0 {
		return nil, ps
	}
	for _, key := range dates {
		if ps := Date(file, top, key); len(ps) > 0 {
			return nil, ps
		}
	}
	if ps := Decode(file, data, v); len(ps) > 0 {
		return nil, ps
	}
	return top, nil
}

// Parse reads data as one YAML document holding a mapping and returns the
// mapping's node, for the lines of what a loader's own checks refuse. It
// refuses a file over f.MaxSize (ErrTooLarge), one that is not UTF-8, is
// empty, is not YAML, holds more than one document or something other
// than a mapping, and one with anchors or aliases unless f allows them.
func Parse(file string, data []byte, f Format) (*yaml.Node, Problems) {
	one := func(line int, format string, args ...any) Problems {
		return Problems{{File: file, Line: max(line, 1), Message: fmt.Sprintf(format, args...)}}
	}
	if f.MaxSize > 0 && len(data) > f.MaxSize {
		ps := one(1, "the file is %d bytes, more than the %d %s may have (%s)", len(data), f.MaxSize, f.Name, jsonlimit.FormatSize(f.MaxSize))
		ps[0].Err = ErrTooLarge
		return nil, ps
	}
	if !utf8.Valid(data) {
		return nil, one(1, "the file is not UTF-8 text; save it as UTF-8")
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, one(1, "the file is empty: %s is a YAML mapping with %s", f.Name, f.Holds)
		}
		return nil, problems(file, err, nil, f)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, one(extra.Line, "the file holds more than one YAML document; %s", f.OnePerFile)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, one(1, "%s must be a YAML mapping with %s", f.Name, f.Holds)
	}
	top := doc.Content[0]
	if !f.Aliases {
		if n := findAlias(top); n != nil {
			return nil, one(n.Line, "anchors and aliases are not allowed in %s; write each value out", f.Name)
		}
	}
	return top, nil
}

// Decode decodes data into v, refusing fields v does not have. Call it on
// data Parse accepted.
func Decode(file string, data []byte, v any) Problems {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return problems(file, err, v, Format{})
	}
	return nil
}

// findAlias returns the first node that is an alias or carries an anchor.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

var (
	lineMessage  = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	wrongKind    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
)

// problems turns a YAML error into problems, one a reported line, each
// said in a person's words; v, when given, is what was being decoded, to
// name the fields there are.
func problems(file string, err error, v any, f Format) Problems {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	types := typesOf(v)
	var ps Problems
	for _, msg := range msgs {
		p := Problem{File: file, Line: 1, Message: msg}
		if m := lineMessage.FindStringSubmatch(msg); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Message = m[2]
		}
		p.Message = words(p.Message, types, f)
		if strings.Contains(msg, "exceeded max depth") {
			p.Err = ErrTooDeep
		}
		ps = append(ps, p)
	}
	return ps
}

// words says a message of the YAML decoder in a person's words.
func words(msg string, types map[string]reflect.Type, f Format) string {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		out := fmt.Sprintf("unknown field %q: check its spelling, or remove it", m[1])
		if t, ok := types[m[2]]; ok {
			if names := fieldNames(t); len(names) > 0 {
				out += "; the fields here are " + andList(names)
			}
		}
		return out
	}
	if m := wrongKind.FindStringSubmatch(msg); m != nil {
		found := map[string]string{"seq": "a list", "map": "a mapping"}[m[1]]
		if found == "" {
			found = strconv.Quote(m[2])
		}
		return fmt.Sprintf("expected %s, found %s", expected(m[3], types), found)
	}
	switch {
	case strings.HasPrefix(msg, "unknown anchor"):
		name := f.Name
		if name == "" {
			name = "this file"
		}
		return fmt.Sprintf("anchors and aliases are not allowed in %s; write each value out (%s)", name, msg)
	case strings.Contains(msg, "mapping values are not allowed"):
		return msg + "; quote a text that holds a colon followed by a space"
	case strings.Contains(msg, "exceeded max depth"):
		return "the file is nested too deeply to read (" + msg + ")"
	}
	return msg
}

// expected says what a value decoded into the type the decoder names
// must be.
func expected(name string, types map[string]reflect.Type) string {
	t, ok := types[name]
	if !ok {
		t, ok = builtin[name]
	}
	if !ok {
		switch {
		case strings.HasPrefix(name, "[]"):
			return "a list"
		case strings.HasPrefix(name, "map["):
			return "a mapping"
		}
		return "a value of another kind"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.Struct:
		return "a mapping of fields"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a value of another kind"
}

// builtin are the unnamed types a format's fields have, by the name the
// decoder gives them.
var builtin = func() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, v := range []any{"", false, 0, int8(0), int16(0), int32(0), int64(0),
		uint(0), uint8(0), uint16(0), uint32(0), uint64(0), float32(0), float64(0)} {
		t := reflect.TypeOf(v)
		out[t.String()] = t
	}
	return out
}()

// typesOf maps the name the decoder gives each type reachable from v's
// ("scope.Type", "[]escalation.Rule") to the type.
func typesOf(v any) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	if v == nil {
		return out
	}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if _, seen := out[t.String()]; seen {
			return
		}
		out[t.String()] = t
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(reflect.TypeOf(v))
	return out
}

// fieldNames lists the YAML fields of a struct type (the type a pointer
// points to) in their order, those of inline structs in their place.
func fieldNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			out = append(out, fieldNames(sf.Type)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out = append(out, name)
	}
	return out
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// Value returns the value of key in mapping n; nil when n is not a mapping
// or has no such key.
func Value(n *yaml.Node, key string) *yaml.Node {
	_, v := Entry(n, key)
	return v
}

// Entry returns the key node and the value of key in mapping n; nils when
// n is not a mapping or has no such key.
func Entry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// Find returns the value at the path of keys under n, or the deepest node
// of the path that exists: n itself when its first key is absent (and for
// an empty path), nil when n is nil.
func Find(n *yaml.Node, path ...string) *yaml.Node {
	for _, k := range path {
		v := Value(n, k)
		if v == nil {
			break
		}
		n = v
	}
	return n
}

// Items returns the items of sequence n; nil when n is not a sequence.
func Items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// Item returns ns[i], or nil when there is no such item.
func Item(ns []*yaml.Node, i int) *yaml.Node {
	if i >= 0 && i < len(ns) {
		return ns[i]
	}
	return nil
}

// Date checks that key of the mapping n, when present, holds a date in the
// form YYYY-MM-DD, so that a file's "effective: 2026-13-01" is refused in
// words, with its line, before a decode into date.Date refuses it in Go's.
func Date(file string, n *yaml.Node, key string) Problems {
	v := Value(n, key)
	if v == nil {
		return nil
	}
	if _, err := date.Parse(v.Value); err != nil {
		return Problems{{File: file, Line: v.Line, Message: fmt.Sprintf("%s %q is not a date in the form YYYY-MM-DD", key, v.Value)}}
	}
	return nil
}
