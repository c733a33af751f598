package portfolio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/jsonlimit"
)

// MaxSize is the largest portfolio Decode reads, in bytes: room for more
// than ten thousand items of a few hundred bytes each. The documents that
// back the items are uploaded apart from the portfolio.
const MaxSize = 4 << 20

// MaxDepth is the deepest nesting of arrays and objects Decode accepts,
// the outermost object being level 1. The format itself nests at most
// formatDepth levels; nesting is checked before anything else reads the
// input, so that no input can make decoding cost more than its length.
const MaxDepth = jsonlimit.MaxDepth

// formatDepth is the deepest nesting the format has: the portfolio, a list,
// an item, its areas and an area's codes.
const formatDepth = 5

// FieldError is one problem with the input, located by a JSON path such as
// $.education[3].hours.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`

	// err is the error behind the problem, when there is one: a
	// *jsonlimit.Error for input over a limit.
	err error
}

// Error returns "path: message".
func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// Unwrap returns the error behind the problem: a *jsonlimit.Error when the
// input is over a limit (MaxSize, MaxDepth), so that a server can answer
// such input apart (errors.As(err, new(*jsonlimit.Error))); nil otherwise.
func (e FieldError) Unwrap() error { return e.err }

// Errors is every problem found in one input: the problems of each object in
// the order its fields are defined, then the checks across fields.
type Errors []FieldError

// maxErrors bounds how many problems one decode reports.
const maxErrors = 50

// Unwrap returns the problems, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Error returns one problem a line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Decode reads a portfolio in the JSON interchange format. Decoding is strict:
// unknown members, wrong types, impossible dates, negative hours, dangling
// references and duplicate ids are errors, returned as Errors naming the JSON
// path of each problem. A nil error means the portfolio is valid.
//
// Input larger than MaxSize or nested deeper than MaxDepth is refused before
// any other work, with one problem at $ that names the limit and unwraps to
// a *jsonlimit.Error.
func Decode(data []byte) (*Portfolio, error) {
	if e := checkBounds(data, "the portfolio", MaxDepth); e != nil {
		return nil, Errors{*e}
	}
	// A byte-order mark is allowed (RFC 8259 lets parsers ignore it); bytes
	// that are not UTF-8 are not, as they would be silently replaced.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, size := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return nil, Errors{{Path: "$", Message: fmt.Sprintf("the input is not valid UTF-8 (byte %d); save the file as UTF-8", at)}}
	}
	if e := duplicateMember(data); e != nil {
		return nil, Errors{*e}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, Errors{{Path: "$", Message: syntaxMessage(data, err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Errors{{Path: "$", Message: "unexpected data after the portfolio object"}}
	}
	var p Portfolio
	w := &walker{}
	w.value(tree, reflect.ValueOf(&p).Elem(), "$", fieldTag{required: true})
	if len(w.errs) == 0 {
		w.errs = append(w.errs, Validate(&p)...)
	}
	if len(w.errs) > 0 {
		if len(w.errs) > maxErrors {
			w.errs = append(w.errs[:maxErrors], FieldError{Path: "$", Message: fmt.Sprintf("and %d more problems", len(w.errs)-maxErrors)})
		}
		return nil, w.errs
	}
	return &p, nil
}

// checkBounds refuses input larger than MaxSize or nested deeper than
// depth levels, naming the limit and where it was passed; what names the
// input in the message ("the portfolio", "the item").
func checkBounds(data []byte, what string, depth int) *FieldError {
	err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxSize, MaxDepth: depth})
	if err == nil {
		return nil
	}
	var le *jsonlimit.Error
	errors.As(err, &le)
	msg := fmt.Sprintf("%s is larger than %s, the most a portfolio may be (documents are uploaded apart from it)", what, jsonlimit.FormatSize(MaxSize))
	if !le.TooLarge() {
		line, col := position(data, int64(le.Offset))
		msg = fmt.Sprintf("%s is nested deeper than %d levels at line %d, column %d (byte %d); a portfolio nests at most %d levels: check the brackets",
			what, le.Max, line, col, le.Offset, formatDepth)
	}
	return &FieldError{Path: "$", Message: msg, err: le}
}

// position returns the line and column of the byte at offset off, which
// counts that byte itself (as encoding/json's offsets do).
func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// syntaxMessage turns a JSON syntax error into a message with line and column.
func syntaxMessage(data []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if err.Error() == "EOF" {
		return "the input is empty: expected a JSON object"
	}
	if off < 0 {
		return "not valid JSON: " + err.Error()
	}
	line, col := position(data, off)
	return fmt.Sprintf("not valid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(err.Error(), "json: "))
}

type fieldTag struct {
	required  bool
	enum      []string
	nonneg    bool
	positive  bool
	max       float64
	hasMax    bool
	reference string
	// sha256: a non-empty value must be a SHA-256 digest in lower-case hex.
	sha256 bool
}

func parseTag(s string) fieldTag {
	var t fieldTag
	for _, part := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "required":
			t.required = true
		case "enum":
			t.enum = strings.Split(v, "|")
		case "nonneg":
			t.nonneg = true
		case "positive":
			t.positive = true
		case "max":
			t.max, _ = strconv.ParseFloat(v, 64)
			t.hasMax = true
		case "ref":
			t.reference = v
		case "sha256":
			t.sha256 = true
		}
	}
	return t
}

// tooMany says why a list of n items is longer than its tag allows (a
// list's max is its number of items), or "" when it is not.
func tooMany(n int, tag fieldTag) string {
	if !tag.hasMax || float64(n) <= tag.max {
		return ""
	}
	return fmt.Sprintf("holds %d items, more than the %g a portfolio may have", n, tag.max)
}

type walker struct {
	errs Errors
}

func (w *walker) fail(path, format string, args ...any) {
	w.errs = append(w.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

var dateType = reflect.TypeFor[date.Date]()

// sha256Hex is a SHA-256 digest written in lower-case hexadecimal.
var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// value decodes the generic JSON value v into rv, checking the tag's rules.
func (w *walker) value(v any, rv reflect.Value, path string, tag fieldTag) {
	if rv.Type() == dateType {
		s, ok := v.(string)
		if !ok {
			w.fail(path, "must be a date string YYYY-MM-DD, not %s", jsonlimit.Kind(v))
			return
		}
		d, err := date.Parse(s)
		if err != nil {
			w.fail(path, "%v", err)
			return
		}
		rv.Set(reflect.ValueOf(d))
		return
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if v == nil {
			return
		}
		n := reflect.New(rv.Type().Elem())
		w.value(v, n.Elem(), path, tag)
		rv.Set(n)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			w.fail(path, "must be an object, not %s", jsonlimit.Kind(v))
			return
		}
		w.object(obj, rv, path)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			w.fail(path, "must be a string, not %s", jsonlimit.Kind(v))
			return
		}
		if tag.required && strings.TrimSpace(s) == "" {
			w.fail(path, "must not be empty")
			return
		}
		if len(tag.enum) > 0 && s != "" && !slices.Contains(tag.enum, s) {
			w.fail(path, "%q is not one of %s", s, strings.Join(tag.enum, ", "))
			return
		}
		if tag.sha256 && s != "" && !sha256Hex.MatchString(s) {
			w.fail(path, "must be the file's SHA-256 digest: 64 lower-case hexadecimal digits, not %q", s)
			return
		}
		rv.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			w.fail(path, "must be true or false, not %s", jsonlimit.Kind(v))
			return
		}
		rv.SetBool(b)
	case reflect.Float64, reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			w.fail(path, "must be a number, not %s", jsonlimit.Kind(v))
			return
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			w.fail(path, "%s is not a usable number", n)
			return
		}
		switch {
		case tag.positive && f <= 0:
			w.fail(path, "must be greater than zero, not %s", n)
			return
		case tag.nonneg && f < 0:
			w.fail(path, "must not be negative, not %s", n)
			return
		case tag.hasMax && f > tag.max:
			w.fail(path, "%s is more than the largest plausible value, %g", n, tag.max)
			return
		}
		if rv.Kind() == reflect.Int {
			if f != math.Trunc(f) {
				w.fail(path, "must be a whole number, not %s", n)
				return
			}
			rv.SetInt(int64(f))
			return
		}
		rv.SetFloat(f)
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			w.fail(path, "must be an array, not %s", jsonlimit.Kind(v))
			return
		}
		if msg := tooMany(len(arr), tag); msg != "" {
			w.fail(path, "%s", msg)
			return
		}
		s := reflect.MakeSlice(rv.Type(), len(arr), len(arr))
		// Every element is required (no empty strings), and the values of
		// a list of enumerated strings are those of its tag.
		elem := fieldTag{required: true, enum: tag.enum}
		for i, e := range arr {
			w.value(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i), elem)
		}
		rv.Set(s)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			w.fail(path, "must be an object, not %s", jsonlimit.Kind(v))
			return
		}
		m := reflect.MakeMapWithSize(rv.Type(), len(obj))
		for _, k := range sortedKeys(obj) {
			if strings.TrimSpace(k) == "" {
				w.fail(path, "has an empty key")
				continue
			}
			e := reflect.New(rv.Type().Elem()).Elem()
			w.value(obj[k], e, path+"."+k, fieldTag{required: true})
			m.SetMapIndex(reflect.ValueOf(k), e)
		}
		rv.Set(m)
	default:
		panic("portfolio: unsupported field kind " + rv.Kind().String())
	}
}

// object decodes a JSON object into the struct rv, rejecting unknown members.
func (w *walker) object(obj map[string]any, rv reflect.Value, path string) {
	t := rv.Type()
	known := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		known[name] = true
		tag := parseTag(f.Tag.Get("cb"))
		v, present := obj[name]
		if !present || v == nil {
			if tag.required {
				w.fail(path+"."+name, "is required")
			}
			continue
		}
		w.value(v, rv.Field(i), path+"."+name, tag)
	}
	for _, k := range sortedKeys(obj) {
		if !known[k] {
			w.fail(path+"."+k, "is not a known field%s", suggest(k, known))
		}
	}
}

// suggest names the known field closest to a misspelt one.
func suggest(name string, known map[string]bool) string {
	best, bestD := "", 3
	for k := range known {
		if d := editDistance(name, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Allowed returns the values the JSON field of the struct value v accepts,
// read from the same tags that drive decoding, so that requirement sets can be
// checked against the portfolio format. It returns nil for a free-text field.
func Allowed(v any, field string) []string {
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == field {
			return parseTag(f.Tag.Get("cb")).enum
		}
	}
	return nil
}

// memberFrame is one open array or object of duplicateMember.
type memberFrame struct {
	object bool
	keys   map[string]struct{} // the member names seen, in an object
	index  int                 // the element being read, in an array
	key    string              // the member whose value comes next, in an object
	inKey  bool                // an object waiting for a member name (or its end)
}

// duplicateMember finds the first object member given twice, which a plain
// decode would silently resolve by keeping the last one. Its work and memory
// grow linearly with the input: a frame per open array or object holds only
// its position (the member name or index being read), and the JSON path is
// built from the frames only when a duplicate is reported. Callers bound the
// nesting first (checkBounds), so the frames are few.
func duplicateMember(data []byte) *FieldError {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []memberFrame
	// valueDone advances the innermost frame past one value; it reports
	// whether the value was the outermost one.
	valueDone := func() bool {
		if len(stack) == 0 {
			return true
		}
		if f := &stack[len(stack)-1]; f.object {
			f.inKey = true
		} else {
			f.index++
		}
		return false
	}
	push := func(object bool) {
		if len(stack) == cap(stack) {
			stack = append(stack, memberFrame{object: object, inKey: object})
			return
		}
		// Reuse the slot and its map, emptied: a small map is cheaper to
		// clear than to allocate again. A large one is dropped, so that
		// clearing never costs more than filling it did.
		stack = stack[:len(stack)+1]
		f := &stack[len(stack)-1]
		keys := f.keys
		if len(keys) > 32 {
			keys = nil
		}
		clear(keys)
		*f = memberFrame{object: object, keys: keys, inKey: object}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // syntax errors are reported by the real decode
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].inKey {
			top := &stack[n-1]
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				if valueDone() {
					return nil
				}
				continue
			}
			k, _ := tok.(string)
			if _, seen := top.keys[k]; seen {
				return &FieldError{Path: memberPath(stack, k), Message: "is given twice; give each member once"}
			}
			if top.keys == nil {
				top.keys = make(map[string]struct{}, 8)
			}
			top.keys[k] = struct{}{}
			top.key, top.inKey = k, false
			continue
		}
		switch tok {
		case json.Delim('{'):
			push(true)
		case json.Delim('['):
			push(false)
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
			if valueDone() {
				return nil
			}
		default:
			if valueDone() {
				return nil
			}
		}
	}
}

// memberPath is the JSON path of the member key of the innermost object of
// stack: $.education[3].provider.name.
func memberPath(stack []memberFrame, key string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, f := range stack[:len(stack)-1] {
		if f.object {
			b.WriteString(".")
			b.WriteString(f.key)
		} else {
			b.WriteString("[")
			b.WriteString(strconv.Itoa(f.index))
			b.WriteString("]")
		}
	}
	b.WriteString(".")
	b.WriteString(key)
	return b.String()
}
