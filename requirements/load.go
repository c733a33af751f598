package requirements

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/strictyaml"
)

// Problem is one reason a set was rejected, located by file and line. The
// problem of a set over a limit unwraps to ErrLimit.
type Problem = strictyaml.Problem

// ErrLimit is what the problem of a set over a limit (MaxSetSize,
// MaxSetDepth, MaxSetValues, MaxExpressionSize, MaxExpressionDepth) unwraps
// to, and what Compile's error for an expression over a limit wraps, so
// that a server can answer such input apart: errors.Is(err, ErrLimit).
var ErrLimit = errors.New("requirements: the set is over a limit")

// Problems is every reason a set was rejected.
type Problems = strictyaml.Problems

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
	doc, ps := strictyaml.Parse(file, data, format)
	if len(ps) > 0 {
		for i, p := range ps {
			if errors.Is(p, strictyaml.ErrTooDeep) {
				// The parser's own bound, far past MaxSetDepth: reported as it.
				ps[i].Message = fmt.Sprintf("nested deeper than %d levels; a requirement set nests at most %d", MaxSetDepth, setFormatDepth)
			}
			if p.Err != nil {
				ps[i].Err = ErrLimit
			}
		}
		return nil, ps
	}
	if p := checkNodes(file, doc); p != nil {
		return nil, Problems{*p}
	}
	l := &loader{file: file, root: doc}
	l.checkDates(doc)
	if len(l.problems) > 0 {
		return nil, l.problems
	}
	var s Set
	if ps := strictyaml.Decode(file, data, &s); len(ps) > 0 {
		return nil, ps
	}
	s.File = file
	s.compiled = &compiledForm{}
	l.setLines(&s)
	l.validate(&s)
	l.compileExpressions(&s)
	if len(l.problems) > 0 {
		l.problems.Sort()
		return nil, l.problems
	}
	return &s, nil
}

// format is a requirement set, as strictyaml reads it. Sets may use
// anchors and aliases (the shipped ones do); checkNodes bounds what they
// expand to.
var format = strictyaml.Format{
	Name: "a requirement set", Holds: "id, title, requirements...",
	OnePerFile: "put one set in each file", MaxSize: MaxSetSize, Aliases: true,
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
			problem = &Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...), Err: ErrLimit}
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

// setLines records where the set's parts are in the file, for the
// messages of checks made after loading (see CheckSourced).
func (l *loader) setLines(s *Set) {
	s.lines = map[string]int{}
	if l.root != nil && l.root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(l.root.Content); i += 2 {
			s.lines[l.root.Content[i].Value] = l.root.Content[i].Line
		}
	}
	cites := func(cs []Citation, path ...any) {
		for k := range cs {
			cs[k].Line = l.line(append(slices.Clone(path), "cite", k)...)
		}
	}
	for i := range s.Sources {
		s.Sources[i].Line = l.line("sources", i)
	}
	for k := range s.EffectiveCite {
		s.EffectiveCite[k].Line = l.line("effective_cite", k)
	}
	for i := range s.Credits {
		s.Credits[i].Line = l.line("credits", i)
		cites(s.Credits[i].Cite, "credits", i)
	}
	for code, t := range s.Taxonomies {
		if t != nil {
			cites(t.Cite, "taxonomies", code)
		}
	}
	for i, r := range s.Requirements {
		if r == nil {
			continue
		}
		r.Line = l.line("requirements", i)
		cites(r.Cite, "requirements", i)
		for j := range r.Routes {
			r.Routes[j].Line = l.line("requirements", i, "routes", j)
			cites(r.Routes[j].Cite, "requirements", i, "routes", j)
		}
		for j := range r.Minimums {
			r.Minimums[j].Line = l.line("requirements", i, "minimums", j)
			cites(r.Minimums[j].Cite, "requirements", i, "minimums", j)
		}
		for j := range r.Caps {
			r.Caps[j].Line = l.line("requirements", i, "caps", j)
			cites(r.Caps[j].Cite, "requirements", i, "caps", j)
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
