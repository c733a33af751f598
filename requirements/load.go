package requirements

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/date"
)

// Problem is one reason a set was rejected, located by file and line.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`

	// overLimit marks the problem of a set over one of the limits Parse
	// checks before the work they bound (MaxSetSize, MaxSetDepth,
	// MaxSetValues, MaxExpressionSize, MaxExpressionDepth).
	overLimit bool
}

// ErrLimit is what the problem of a set over a limit (MaxSetSize,
// MaxSetDepth, MaxSetValues, MaxExpressionSize, MaxExpressionDepth) unwraps
// to, and what Compile's error for an expression over a limit wraps, so
// that a server can answer such input apart: errors.Is(err, ErrLimit).
var ErrLimit = errors.New("requirements: the set is over a limit")

// Unwrap returns ErrLimit for the problem of a set over a limit, nil
// otherwise.
func (p Problem) Unwrap() error {
	if p.overLimit {
		return ErrLimit
	}
	return nil
}

// Error returns "file:line: message".
func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is every reason a set was rejected.
type Problems []Problem

// Unwrap returns the problems, for errors.Is and errors.As.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// Error returns one problem a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// MaxSetSize is the largest requirement set Parse reads, in bytes; the
// shipped sets are under 10 KiB.
const MaxSetSize = 1 << 20

// MaxSetDepth bounds how deeply a set's mappings and sequences nest, the
// top mapping being level 1, with what an alias names counted where the
// alias stands. The format itself nests at most setFormatDepth levels.
const MaxSetDepth = 16

// setFormatDepth is the deepest nesting of the format's types.
const setFormatDepth = 7

// MaxSetValues bounds the number of values (mappings, sequences and
// scalars) in a set once every alias is replaced by what it names, so that
// aliases of aliases cannot make decoding multiply the file; the shipped
// sets have a few hundred.
const MaxSetValues = 100_000

// Parse reads one requirement set from YAML and checks it. The file name is
// used only in messages. On failure the error is Problems, each with a line.
//
// Limits are checked before the work they bound: the size (MaxSetSize)
// before the YAML is parsed, the nesting and the values aliases expand to
// (MaxSetDepth, MaxSetValues) before the parsed nodes are decoded, walked
// or checked, and each CEL expression's length and nesting
// (MaxExpressionSize, MaxExpressionDepth) before it is compiled.
func Parse(file string, data []byte) (*Set, error) {
	if len(data) > MaxSetSize {
		return nil, Problems{{File: file, Line: 1, Message: fmt.Sprintf("the file is %d bytes, more than the %d a requirement set may have (1 MiB)", len(data), MaxSetSize),
			overLimit: true}}
	}
	var root yaml.Node
	docs := yaml.NewDecoder(bytes.NewReader(data))
	if err := docs.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: file, Line: 1, Message: "the file is empty: a requirement set is a YAML mapping with id, title, requirements..."}}
		}
		if strings.Contains(err.Error(), "exceeded max depth") {
			// The parser's own bound, far past MaxSetDepth: reported as it.
			ps := yamlProblems(file, err)
			ps[0].Message = fmt.Sprintf("nested deeper than %d levels; a requirement set nests at most %d", MaxSetDepth, setFormatDepth)
			ps[0].overLimit = true
			return nil, ps[:1]
		}
		return nil, yamlProblems(file, err)
	}
	var extra yaml.Node
	if err := docs.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if line == 0 {
			line = 1
		}
		return nil, Problems{{File: file, Line: line, Message: "the file holds more than one YAML document; put one set in each file"}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, Problems{{File: file, Line: 1, Message: "a requirement set must be a YAML mapping with id, title, requirements..."}}
	}
	if p := checkNodes(file, root.Content[0]); p != nil {
		return nil, Problems{*p}
	}
	doc := root.Content[0]
	l := &loader{file: file, root: doc}
	l.checkDates(doc)
	if len(l.problems) > 0 {
		return nil, l.problems
	}
	var s Set
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, yamlProblems(file, err)
	}
	s.File = file
	if reqs := l.node("requirements"); reqs != nil && reqs.Kind == yaml.SequenceNode {
		for i, r := range s.Requirements {
			if i < len(reqs.Content) && r != nil {
				r.Line = reqs.Content[i].Line
			}
		}
	}
	l.validate(&s)
	l.compileExpressions(&s)
	if len(l.problems) > 0 {
		sort.SliceStable(l.problems, func(i, j int) bool { return l.problems[i].Line < l.problems[j].Line })
		return nil, l.problems
	}
	return &s, nil
}

// checkNodes checks a parsed set against MaxSetDepth and MaxSetValues,
// counting what each alias names where the alias stands. Each node is
// measured once (an alias reuses the measure of its anchor), and the walk
// goes no deeper than one level past MaxSetDepth, so the check costs no
// more than the parsed file and cannot itself be made deep.
func checkNodes(file string, top *yaml.Node) *Problem {
	type measure struct{ values, height int }
	done := map[*yaml.Node]measure{}
	open := map[*yaml.Node]bool{} // anchors being measured: an alias to one is a cycle
	var problem *Problem
	fail := func(n *yaml.Node, format string, args ...any) {
		if problem == nil {
			line := n.Line
			if line == 0 {
				line = 1
			}
			problem = &Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), overLimit: true}
		}
	}
	var walk func(n *yaml.Node, level int) measure
	walk = func(n *yaml.Node, level int) measure {
		if problem != nil {
			return measure{}
		}
		from := n
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil || open[n.Alias] {
				fail(n, "alias *%s names a value that holds the alias itself", n.Value)
				return measure{}
			}
			n = n.Alias
		}
		if m, ok := done[n]; ok {
			if level-1+m.height > MaxSetDepth {
				fail(from, "nested deeper than %d levels, counting what aliases name; a requirement set nests at most %d", MaxSetDepth, setFormatDepth)
			}
			return m
		}
		if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
			return measure{values: 1}
		}
		if level > MaxSetDepth {
			fail(from, "nested deeper than %d levels, counting what aliases name; a requirement set nests at most %d", MaxSetDepth, setFormatDepth)
			return measure{}
		}
		open[n] = true
		m := measure{values: 1, height: 1}
		for _, c := range n.Content {
			cm := walk(c, level+1)
			if problem != nil {
				return measure{}
			}
			m.values = min(m.values+cm.values, MaxSetValues+1)
			m.height = max(m.height, 1+cm.height)
		}
		delete(open, n)
		done[n] = m
		if m.values > MaxSetValues {
			fail(from, "holds more than %d values once every alias is replaced by what it names; use fewer aliases", MaxSetValues)
		}
		return m
	}
	walk(top, 1)
	return problem
}

// yamlProblems converts a yaml error ("line 5: cannot unmarshal ...") into Problems.
func yamlProblems(file string, err error) Problems {
	var te *yaml.TypeError
	var ps Problems
	if errors.As(err, &te) {
		for _, e := range te.Errors {
			ps = append(ps, lineProblem(file, e))
		}
		return ps
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return Problems{lineProblem(file, msg)}
}

func lineProblem(file, msg string) Problem {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		text := m[2]
		text = strings.Replace(text, "not found in type requirements.", "is not a known field of ", 1)
		return Problem{File: file, Line: n, Message: text}
	}
	// The YAML parser names no line for some errors; point at the start.
	return Problem{File: file, Line: 1, Message: msg}
}

type loader struct {
	file     string
	root     *yaml.Node
	problems Problems
}

func (l *loader) fail(line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: l.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

var dateKeys = map[string]bool{"effective_from": true, "effective_to": true, "retrieved": true}

// checkDates rejects impossible dates and non-finite numbers with their line
// before decoding, since the YAML decoder reports text-unmarshalling errors
// without a line and range checks cannot catch NaN.
func (l *loader) checkDates(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if dateKeys[k.Value] && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				if _, err := date.Parse(v.Value); err != nil {
					l.fail(v.Line, "%s: %v", k.Value, err)
				}
				continue
			}
			l.checkDates(v)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			l.checkDates(c)
		}
	case yaml.ScalarNode:
		// NaN and infinities compare false with every figure, so they would
		// pass every range check and make a requirement vacuous.
		var f float64
		if n.Tag == "!!float" && n.Decode(&f) == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			l.fail(n.Line, "%s is not a finite number", n.Value)
		}
	}
}

// node finds the YAML node at a path of mapping keys (string) and sequence
// indexes (int), or nil.
func (l *loader) node(path ...any) *yaml.Node {
	n := l.root
	for _, p := range path {
		if n == nil {
			return nil
		}
		switch k := p.(type) {
		case string:
			var next *yaml.Node
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						next = n.Content[i+1]
						break
					}
				}
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return nil
			}
			n = n.Content[k]
		}
	}
	return n
}

// line returns the line of the deepest existing node on path.
func (l *loader) line(path ...any) int {
	for i := len(path); i >= 0; i-- {
		if n := l.node(path[:i]...); n != nil {
			return n.Line
		}
	}
	return 1
}

// keys returns the keys of the mapping at path, in file order.
func (l *loader) keys(path ...any) []string {
	n := l.node(path...)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var ks []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		ks = append(ks, n.Content[i].Value)
	}
	return ks
}
