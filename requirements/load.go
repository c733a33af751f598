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

// Error returns one problem a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// Parse reads one requirement set from YAML and checks it. The file name is
// used only in messages. On failure the error is Problems, each with a line.
func Parse(file string, data []byte) (*Set, error) {
	var root yaml.Node
	docs := yaml.NewDecoder(bytes.NewReader(data))
	if err := docs.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Problems{{File: file, Line: 1, Message: "the file is empty: a requirement set is a YAML mapping with id, title, requirements..."}}
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
