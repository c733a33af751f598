package fhir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/certboard/certboard/jsonlimit"
)

// The bounds of one resource of a bundle, checked by a scan of the bytes
// before anything decodes the bundle or checks it against the schema. The
// schema validator (jsonschema/v6) has no way to stop at the first few
// problems: it builds a ValidationError for every value at fault, several
// hundred bytes each, so its work and memory grow with the number of
// values, not the size, of what it is given. These bounds keep that number
// small whatever a bundle holds, and a real record far inside them.
const (
	// MaxResourceSize is the largest resource a bundle may hold, as JSON:
	// 1 MiB. The largest resource certboard writes is a progress note's
	// DocumentReference, whose note travels as base64 (4 bytes for 3):
	// four sections of note.MaxSection (20,000) characters, each character
	// at most 3 bytes of UTF-8 in a script such as Chinese, or 6 when
	// JSON escapes it ("<" is \u003c), is at most 480 KiB of JSON and 640
	// KiB of base64. A psychotherapy note (note.MaxPsychotherapy, 50,000
	// characters) and a consent's text (50,000 characters) are at most
	// 400 KiB. What is left is room for a note's amendments.
	MaxResourceSize = 1 << 20
	// MaxArrayLength is the most items one list (JSON array) in a
	// resource may hold: 1,000. certboard's longest list is the items
	// of a QuestionnaireResponse, one per question of an instrument (a few
	// dozen), and a treatment plan's goals and interventions (tens).
	MaxArrayLength = 1000
	// MaxResourceValues is the most JSON values (objects, arrays,
	// strings, numbers, booleans, nulls, nested ones counted) one resource,
	// or the bundle without its resources, may hold: 10,000. A
	// QuestionnaireResponse of the longest instrument, with its texts,
	// holds a few hundred; a note's text is one value, however long.
	MaxResourceValues = 10000
)

// scanError is where a bundle passes a bound of one resource: the entry
// (-1 for the bundle itself), the resource's type and id as far as the
// scan read them, the path within the resource (or bundle), and what
// bound.
type scanError struct {
	entry   int
	typ, id string
	path    string
	problem string
	// entries says the bound passed is MaxEntries.
	entries bool
}

// field names the place as ParseBundle's problems do.
func (e *scanError) field() string {
	if e.entry < 0 {
		if e.path == "" {
			return "bundle"
		}
		return "bundle " + e.path
	}
	typ := e.typ
	if typ == "" {
		typ = "resource"
	}
	f := fmt.Sprintf("entry[%d] %s %q", e.entry, typ, e.id)
	if e.path != "" {
		f += ": " + e.path
	}
	return f
}

// frame is one array or object the scan is inside.
type frame struct {
	array bool
	// count is the items of an array begun so far.
	count int
	// key is the member of an object whose value comes next or is being
	// read (a slice of the input, quotes off, escapes left as they are).
	key       []byte
	expectKey bool
	// resource says the object is a resource of the bundle (the value
	// of entry[i].resource).
	resource bool
}

// scanner reads a bundle's bytes once, keeping a frame per level of
// nesting (jsonlimit.Check bounds the levels first).
type scanner struct {
	data  []byte
	stack []frame
	// inside a resource: where it starts, which entry it is, the values
	// counted, and its resourceType and id once read.
	resStart       int
	resEntry       int
	resDepth       int
	resValues      int
	resType, resID []byte
	shellValues    int
	err            *scanError
}

// scanBundle checks a bundle against MaxResourceSize, MaxArrayLength (the
// bundle's entries against MaxEntries) and MaxResourceValues, reading
// each byte once and allocating a frame per level of nesting, and returns
// the first bound passed, nil when none is. It does not check that the
// bundle is JSON: what is not, the decoder that runs next reports.
func scanBundle(data []byte) *scanError {
	s := &scanner{data: data, stack: make([]frame, 0, jsonlimit.MaxDepth+1), resEntry: -1, resDepth: -1}
	s.run()
	return s.err
}

func (s *scanner) run() {
	data := s.data
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case ' ', '\t', '\n', '\r':
		case ':':
			if n := len(s.stack); n > 0 {
				s.stack[n-1].expectKey = false
			}
		case ',':
			if n := len(s.stack); n > 0 && !s.stack[n-1].array {
				s.stack[n-1].expectKey = true
			}
		case '"':
			end := stringEnd(data, i)
			if n := len(s.stack); n > 0 && !s.stack[n-1].array && s.stack[n-1].expectKey {
				s.stack[n-1].key = data[i+1 : max(i+1, end-1)]
			} else if !s.value(i, data[i+1:max(i+1, end-1)], true) {
				return
			}
			i = end - 1
		case '{', '[':
			if !s.value(i, nil, false) {
				return
			}
			f := frame{array: c == '[', expectKey: c == '{'}
			if c == '{' && s.resDepth < 0 && s.atResource() {
				f.resource = true
				s.resStart, s.resEntry, s.resDepth, s.resValues = i, s.stack[1].count-1, len(s.stack), 1
				s.resType, s.resID = nil, nil
			}
			s.stack = append(s.stack, f)
		case '}', ']':
			n := len(s.stack)
			if n == 0 {
				return // not JSON: the decoder says so
			}
			if s.stack[n-1].resource {
				s.resDepth = -1
			}
			s.stack = s.stack[:n-1]
		default:
			end := i
			for end < len(data) && !isDelim(data[end]) {
				end++
			}
			if !s.value(i, nil, false) {
				return
			}
			i = end - 1
		}
	}
}

// isDelim says whether a byte ends a number, true, false or null.
func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', ']', '}', '[', '{', '"':
		return true
	}
	return false
}

// stringEnd returns the offset just past the string that starts at i
// (len(data) for one never closed).
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// atResource says whether the value about to begin is entry[i].resource
// of the bundle: the stack is the bundle, its entry list and an entry.
func (s *scanner) atResource() bool {
	st := s.stack
	return len(st) == 3 && !st[0].array && string(st[0].key) == "entry" && st[1].array && !st[2].array && string(st[2].key) == "resource"
}

// value counts a value that begins at offset i (str is a string value's
// text) against the bounds, and returns false once one is passed.
func (s *scanner) value(i int, str []byte, isString bool) bool {
	n := len(s.stack)
	if n > 0 && s.stack[n-1].array {
		f := &s.stack[n-1]
		f.count++
		limit, what := MaxArrayLength, "items"
		if n == 2 && string(s.stack[0].key) == "entry" && s.resDepth < 0 {
			limit, what = MaxEntries, "resources"
		}
		if f.count > limit {
			s.fail(fmt.Sprintf("holds more than %d %s; certboard reads at most %d in one list", limit, what, limit), true)
			s.err.path = strings.TrimSuffix(s.err.path, "["+strconv.Itoa(f.count-1)+"]")
			s.err.entries = what == "resources"
			return false
		}
	}
	if s.resDepth >= 0 {
		s.resValues++
		if n == s.resDepth+1 && isString {
			switch string(s.stack[n-1].key) {
			case "resourceType":
				s.resType = str
			case "id":
				s.resID = str
			}
		}
		switch {
		case i-s.resStart > MaxResourceSize:
			s.fail(fmt.Sprintf("the resource is larger than %s; certboard reads resources of at most %s", jsonlimit.FormatSize(MaxResourceSize), jsonlimit.FormatSize(MaxResourceSize)), false)
			return false
		case s.resValues > MaxResourceValues:
			s.fail(fmt.Sprintf("the resource holds more than %d values; certboard reads resources of at most %d", MaxResourceValues, MaxResourceValues), true)
			return false
		}
		return true
	}
	if !s.shellExempt(n, isString) {
		s.shellValues++
		if s.shellValues > MaxResourceValues {
			s.fail(fmt.Sprintf("the bundle, without its resources, holds more than %d values; certboard writes a few a resource", MaxResourceValues), true)
			return false
		}
	}
	return true
}

// shellExempt says whether a value outside the resources is one every
// bundle has per entry, and so is bounded by MaxEntries instead of
// MaxResourceValues: an entry, its fullUrl (a string) or its resource
// (an object).
func (s *scanner) shellExempt(n int, isString bool) bool {
	st := s.stack
	if n < 2 || string(st[0].key) != "entry" || !st[1].array {
		return false
	}
	if n == 2 {
		return true // an entry; one that is not an object, the schema refuses
	}
	if n == 3 && !st[2].array {
		k := string(st[2].key)
		return (k == "fullUrl" && isString) || k == "resource"
	}
	return false
}

// fail records the bound passed at the current place. The path is where
// the scan is; with here false (a bound of the resource as a whole) it is
// the resource itself.
func (s *scanner) fail(problem string, here bool) {
	e := &scanError{entry: -1, problem: problem}
	from := 0
	if s.resDepth >= 0 {
		e.entry, from = s.resEntry, s.resDepth
	}
	if here {
		e.path = s.path(from)
	}
	if s.resDepth >= 0 {
		s.finishHead()
		e.typ, e.id = unquote(s.resType), unquote(s.resID)
	}
	s.err = e
}

// path writes the place the scan is at, from level from of the stack,
// as "name[0].given[1000]".
func (s *scanner) path(from int) string {
	var b strings.Builder
	for _, f := range s.stack[from:] {
		if f.array {
			b.WriteString("[" + strconv.Itoa(max(f.count-1, 0)) + "]")
			continue
		}
		if len(f.key) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(unquote(f.key))
	}
	return b.String()
}

// finishHead reads the resource the scan is in again from its start, only
// for its resourceType and id when they come after the place a bound was
// passed; it counts nothing and stops at the resource's end.
func (s *scanner) finishHead() {
	if s.resType != nil && s.resID != nil {
		return
	}
	data := s.data
	depth := 0 // levels open in the resource, its own included
	var key []byte
	expectKey := false
	for i := s.resStart; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			depth++
			expectKey = depth == 1
		case '}', ']':
			if depth--; depth == 0 {
				return
			}
		case ',':
			expectKey = depth == 1
		case ':':
			expectKey = false
		case '"':
			end := stringEnd(data, i)
			if depth == 1 {
				str := data[i+1 : max(i+1, end-1)]
				switch {
				case expectKey:
					key = str
				case string(key) == "resourceType" && s.resType == nil:
					s.resType = str
				case string(key) == "id" && s.resID == nil:
					s.resID = str
				}
			}
			i = end - 1
		}
	}
}

// unquote decodes a string's text as the scan sliced it; text that is not
// a valid JSON string is given as it is.
func unquote(b []byte) string {
	if b == nil {
		return ""
	}
	u, err := strconv.Unquote(`"` + string(b) + `"`)
	if err != nil {
		return string(b)
	}
	return u
}
