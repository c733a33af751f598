package portfolio

import (
	"bytes"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/date"
	"github.com/go-json-experiment/json/jsontext"
)

// The stored decoder reads what certboard itself wrote with encoding/json's
// Marshal, field by field, with code generated from the types
// (stored_gen.go, written by TestStoredCodeUpToDate with -update) instead
// of encoding/json's reflection, over a small strict scanner: jsontext's
// tokenizer was measured too (2.7 times faster than json.Unmarshal on the
// large benchmark portfolio, where this is about 3.7 times; see
// docs/benchmarks.md), and is kept for unquoting escaped strings.
//
// It gives what json.Unmarshal gives. Whatever it does not take (invalid
// JSON, invalid UTF-8, a number that does not fit, a name matching a field
// only without regard to case: nothing certboard's own Marshal writes)
// DecodeStored hands to json.Unmarshal, so neither the result nor the
// errors ever differ. FuzzStoredDecoder checks that on arbitrary input.

// errStored is the fast path's refusal; DecodeStored then decodes again
// the standard way, which words the error.
var errStored = errors.New("portfolio: not in the form the stored decoder reads")

// maxStoredDepth bounds nesting in the stored decoder (json.Unmarshal
// refuses deeper input too).
const maxStoredDepth = 10000

// storedDecoder reads one stored portfolio.
type storedDecoder struct {
	data  []byte
	pos   int
	depth int
	buf   []byte // a name with escapes, unquoted
	// seen holds recent short strings by a hash of their bytes, so that a
	// value repeated across items (a provider, a contract, an area code,
	// a jurisdiction) is shared rather than allocated each time.
	seen [256]string
}

// str returns b as a string, shared with an earlier equal one when the
// table still holds it.
func (d *storedDecoder) str(b []byte) string {
	if len(b) > 32 {
		return string(b)
	}
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &d.seen[h%uint32(len(d.seen))]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

// decodeStoredFast decodes data with the generated decoder.
func decodeStoredFast(data []byte) (*Portfolio, error) {
	d := &storedDecoder{data: data}
	p := new(Portfolio)
	if d.peek() != '{' {
		return nil, errStored // json.Unmarshal leaves p as it is for null; the slow way says so
	}
	if err := p.decodeStored(d); err != nil {
		return nil, err
	}
	if d.peek(); d.pos != len(d.data) {
		return nil, errStored // something after the value
	}
	return p, nil
}

// peek skips white space and tells the kind of the next value: its first
// byte, '0' for a number, 0 at the end or before anything else.
func (d *storedDecoder) peek() byte {
	for d.pos < len(d.data) {
		switch c := d.data[d.pos]; c {
		case ' ', '\t', '\n', '\r':
			d.pos++
		case '"', '{', '}', '[', ']', 'n', 't', 'f', ',', ':':
			return c
		default:
			if c == '-' || c >= '0' && c <= '9' {
				return '0'
			}
			return 0
		}
	}
	return 0
}

// expect consumes c, after white space, if it comes next.
func (d *storedDecoder) expect(c byte) bool {
	if d.peek() == c {
		d.pos++
		return true
	}
	return false
}

// value reads a string, number or literal: its raw bytes and kind.
func (d *storedDecoder) value() ([]byte, byte, error) {
	k := d.peek()
	start := d.pos
	ok := false
	switch k {
	case '"':
		ok = d.scanString()
	case '0':
		ok = d.scanNumber()
	case 'n':
		ok = d.literal("null")
	case 't':
		ok = d.literal("true")
	case 'f':
		ok = d.literal("false")
	}
	if !ok {
		return nil, 0, errStored
	}
	return d.data[start:d.pos], k, nil
}

func (d *storedDecoder) literal(word string) bool {
	if !bytes.HasPrefix(d.data[d.pos:], []byte(word)) {
		return false
	}
	d.pos += len(word)
	return true
}

// scanString moves past a string whose opening quote is next. It refuses
// control characters, bad escapes and invalid UTF-8 (which json.Unmarshal
// would replace).
func (d *storedDecoder) scanString() bool {
	b := d.data
	ascii := true
	for i := d.pos + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(b[d.pos+1:i]) {
				return false
			}
			d.pos = i + 1
			return true
		case c == '\\':
			i++
			if i >= len(b) {
				return false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return false
				}
				for _, h := range b[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		case c < 0x20:
			return false
		case c >= 0x80:
			ascii = false
		}
	}
	return false
}

// scanNumber moves past a number in JSON's grammar.
func (d *storedDecoder) scanNumber() bool {
	b, i := d.data, d.pos
	digits := func() bool {
		from := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > from
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	d.pos = i
	return true
}

// object reads an object, calling field with each member's unquoted name
// (valid only during the call), which must read the member's value. null
// leaves the target as it is, as json.Unmarshal does.
func (d *storedDecoder) object(field func(name []byte) error) error {
	if d.peek() == 'n' {
		return d.skip()
	}
	if !d.expect('{') {
		return errStored
	}
	if d.depth++; d.depth > maxStoredDepth {
		return errStored
	}
	if !d.expect('}') {
		for {
			raw, k, err := d.value()
			if err != nil || k != '"' || !d.expect(':') {
				return errStored
			}
			name := raw[1 : len(raw)-1]
			if bytes.IndexByte(name, '\\') >= 0 {
				if d.buf, err = jsontext.AppendUnquote(d.buf[:0], raw); err != nil {
					return errStored
				}
				name = d.buf
			}
			if err := field(name); err != nil {
				return err
			}
			if d.expect(',') {
				continue
			}
			if d.expect('}') {
				break
			}
			return errStored
		}
	}
	d.depth--
	return nil
}

// array reads an array, calling elem for each element, which must read
// it. It reports false for null.
func (d *storedDecoder) array(elem func() error) (bool, error) {
	if d.peek() == 'n' {
		return false, d.skip()
	}
	if !d.expect('[') {
		return false, errStored
	}
	if d.depth++; d.depth > maxStoredDepth {
		return false, errStored
	}
	if !d.expect(']') {
		for {
			if err := elem(); err != nil {
				return false, err
			}
			if d.expect(',') {
				continue
			}
			if d.expect(']') {
				break
			}
			return false, errStored
		}
	}
	d.depth--
	return true, nil
}

// skip reads and checks a value that is dropped.
func (d *storedDecoder) skip() error {
	switch d.peek() {
	case '{':
		return d.object(func([]byte) error { return d.skip() })
	case '[':
		_, err := d.array(d.skip)
		return err
	}
	_, _, err := d.value()
	return err
}

// unknown reads and drops the value of a member the type does not name.
// json.Unmarshal matches names without regard to case, so a name that
// differs from a known one only in case is left to it.
func (d *storedDecoder) unknown(name []byte, known ...string) error {
	for _, k := range known {
		if bytes.EqualFold(name, []byte(k)) {
			return errStored
		}
	}
	return d.skip()
}

// text reads a string value unquoted, reporting false for null.
func (d *storedDecoder) text() (string, bool, error) {
	v, k, err := d.value()
	switch {
	case err != nil:
		return "", false, err
	case k == 'n':
		return "", false, nil
	case k != '"':
		return "", false, errStored
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return d.str(s), true, nil
	}
	u, err := jsontext.AppendUnquote(nil, v)
	return string(u), true, err
}

func (d *storedDecoder) string(p *string) error {
	s, ok, err := d.text()
	if ok {
		*p = s
	}
	return err
}

// date reads a YYYY-MM-DD string as date.Date's UnmarshalText does,
// without making a string of it.
func (d *storedDecoder) date(p *date.Date) error {
	v, err := d.quoted()
	if v == nil {
		return err
	}
	b := v[1 : len(v)-1]
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return errStored // the standard way words the error
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, day := num(b[:4]), num(b[5:7]), num(b[8:])
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if y < 2 || m < 1 || day < 1 || t.Year() != y || t.Month() != time.Month(m) || t.Day() != day {
		return errStored
	}
	*p = date.FromTime(t)
	return nil
}

// Shared returns the copy of s that DecodeStored gives every field it
// reads holding s, when s is an enumerated value of a portfolio field (a
// kind, a format, a delivery, a modality...), and s itself otherwise.
// Strings that share their bytes compare equal without reading them, so a
// caller that compares such values with decoded fields often (the
// eligibility engine's filters) keeps its own in this form.
func Shared(s string) string {
	if v, ok := enumValues[s]; ok {
		return v
	}
	return s
}

// enum reads a string that is most often one of the values listed, which
// are then shared instead of copied.
func (d *storedDecoder) enum(p *string, values ...string) error {
	v, err := d.quoted()
	if v == nil {
		return err
	}
	for _, s := range values {
		if string(v[1:len(v)-1]) == s {
			*p = s
			return nil
		}
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		*p = d.str(s)
		return nil
	}
	u, err := jsontext.AppendUnquote(nil, v)
	*p = string(u)
	return err
}

// number reads a number or null: the number's text, or nil for null (which
// leaves the field as it is, as json.Unmarshal does).
func (d *storedDecoder) number() ([]byte, error) { return d.valueOf('0') }

// quoted reads a string or null: the string's text with its quotes, or nil
// for null.
func (d *storedDecoder) quoted() ([]byte, error) { return d.valueOf('"') }

// valueOf reads a value of kind k (see value) or null: its text, or nil for
// null.
func (d *storedDecoder) valueOf(k byte) ([]byte, error) {
	v, got, err := d.value()
	switch {
	case err != nil || got == 'n':
		return nil, err
	case got != k:
		return nil, errStored
	}
	return v, nil
}

func (d *storedDecoder) float(p *float64) error {
	v, err := d.number()
	if v == nil {
		return err
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return errStored
	}
	*p = f
	return nil
}

func (d *storedDecoder) int(p *int) error {
	v, err := d.number()
	if v == nil {
		return err
	}
	n, err := strconv.ParseInt(string(v), 10, 0)
	if err != nil {
		return errStored
	}
	*p = int(n)
	return nil
}

func (d *storedDecoder) bool(p *bool) error {
	_, k, err := d.value()
	switch {
	case err != nil || k == 'n':
		return err
	case k == 't':
		*p = true
	case k == 'f':
		*p = false
	default:
		return errStored
	}
	return nil
}

func (d *storedDecoder) boolPtr(p **bool) error {
	_, k, err := d.value()
	switch {
	case err != nil:
		return err
	case k == 'n':
		*p = nil
	case k == 't' || k == 'f':
		b := k == 't'
		*p = &b
	default:
		return errStored
	}
	return nil
}

// strings reads a list of strings: null makes it nil, [] an empty list.
func (d *storedDecoder) strings(p *[]string) error {
	out := (*p)[:0]
	if out == nil {
		out = []string{}
	}
	ok, err := d.array(func() error {
		s, _, err := d.text()
		out = append(out, s)
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		out = nil
	}
	*p = out
	return nil
}

// areas reads a map of lists of strings: null makes it nil.
func (d *storedDecoder) areas(p *map[string][]string) error {
	if d.peek() == 'n' {
		*p = nil
		return d.skip()
	}
	if *p == nil {
		*p = map[string][]string{}
	}
	m := *p
	return d.object(func(name []byte) error {
		key := d.str(name)
		var v []string
		if err := d.strings(&v); err != nil {
			return err
		}
		m[key] = v
		return nil
	})
}

// list reads a list of structs: null makes it nil, [] an empty list.
func list[T any](d *storedDecoder, p *[]T, decode func(*T, *storedDecoder) error) error {
	out := (*p)[:0]
	if out == nil {
		out = []T{}
	}
	ok, err := d.array(func() error {
		var zero T
		out = append(out, zero)
		return decode(&out[len(out)-1], d)
	})
	if err != nil {
		return err
	}
	if !ok {
		out = nil
	}
	*p = out
	return nil
}
