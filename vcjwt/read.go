package vcjwt

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// This file reads a token's parts: strict unpadded base64url, and the JSON of
// the header and payload in one pass. The JSON reader accepts exactly what
// json.Unmarshal accepts into a map[string]any (FuzzMembers compares the
// two), decodes values as it would (objects as map[string]any, the last of
// duplicate names winning; arrays as []any; numbers as float64; invalid
// UTF-8 replaced), and bounds nesting at MaxDepth as it goes, so that no
// part is scanned once for its depth and again for its contents. It can read
// past a member without decoding it, which is most of a payload: only the
// members the checks read are decoded.

// b64Values maps each byte to its value in the base64url alphabet, or to
// 0xFF for a byte outside it.
var b64Values = func() (v [256]byte) {
	for i := range v {
		v[i] = 0xFF
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		v[c] = byte(i)
	}
	return v
}()

// appendBase64URL appends to dst the decoding of s, unpadded base64url, as
// b64.DecodeString decodes it after isBase64URL has accepted s: every byte in
// the alphabet, no length of 1 modulo 4, the bits past the last whole byte
// zero. ok is false for anything either refuses; dst is then returned as
// given.
func appendBase64URL(dst []byte, s string) (out []byte, ok bool) {
	n := len(s)
	if n%4 == 1 {
		return dst, false
	}
	start, size := len(dst), n*6/8
	// Eight characters are decoded at a time into the top six bytes of a
	// uint64, stored whole: two bytes of room past the end take the last
	// store's spare bytes.
	dst = slices.Grow(dst, size+2)[:start+size+2]
	o := dst[start:]
	var bad byte // a byte outside the alphabet sets the top bits
	i, j := 0, 0
	for ; n-i >= 8; i, j = i+8, j+6 {
		q := s[i : i+8]
		c0, c1, c2, c3 := b64Values[q[0]], b64Values[q[1]], b64Values[q[2]], b64Values[q[3]]
		c4, c5, c6, c7 := b64Values[q[4]], b64Values[q[5]], b64Values[q[6]], b64Values[q[7]]
		bad |= c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7
		v := uint64(c0)<<58 | uint64(c1)<<52 | uint64(c2)<<46 | uint64(c3)<<40 |
			uint64(c4)<<34 | uint64(c5)<<28 | uint64(c6)<<22 | uint64(c7)<<16
		binary.BigEndian.PutUint64(o[j:j+8], v)
	}
	// The rest: up to seven characters, three bytes per four, then the
	// last two or three, whose bits past the last whole byte must be zero
	// (4 of them after 2 characters, 2 after 3).
	var v uint32
	var stray byte
	for k := i; k < n; k++ {
		c := b64Values[s[k]]
		bad |= c
		v = v<<6 | uint32(c&0x3F)
		if (k-i)%4 == 3 {
			o[j], o[j+1], o[j+2] = byte(v>>16), byte(v>>8), byte(v)
			j += 3
			v = 0
		}
	}
	switch (n - i) % 4 {
	case 2:
		stray = byte(v & 0x0F)
		o[j] = byte(v >> 4)
	case 3:
		stray = byte(v & 0x03)
		o[j], o[j+1] = byte(v>>10), byte(v>>2)
	}
	if bad&0xC0 != 0 || stray != 0 {
		return dst[:start], false
	}
	return dst[:start+size], true
}

// reader reads one JSON text from b.
type reader struct {
	b []byte
	// s, when not empty, is b as a string: the strings decoded are then
	// cut from it rather than copied one by one.
	s     string
	i     int // the next byte to read
	depth int // arrays and objects open
	// name is where the name of the member last met lies, as str found
	// it: a nested object overwrites it, so memberName reads it before
	// the member's value is read.
	name struct {
		start, end int
		plain      bool
	}
}

// space reads past whitespace.
func (r *reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// done reports whether only whitespace is left.
func (r *reader) done() bool {
	r.space()
	return r.i == len(r.b)
}

// object reads the object that starts at the next byte, calling member for
// each member with its name (unescaped; valid only during the call) once r
// is at its value. member must read exactly the value and report whether it
// could. Names that are duplicated are passed each time.
func (r *reader) object(member func(name []byte) bool) bool {
	if ok, done := r.open('{', '}'); !ok || done {
		return ok
	}
	for {
		r.space()
		start, end, plain, ok := r.str()
		if !ok {
			return false
		}
		r.name.start, r.name.end, r.name.plain = start, end, plain
		name := r.b[start:end]
		if !plain {
			name = []byte(unquote(r.b[start-1 : end+1]))
		}
		r.space()
		if r.i >= len(r.b) || r.b[r.i] != ':' {
			return false
		}
		r.i++
		if !member(name) {
			return false
		}
		if more, ok := r.next('}'); !more {
			return ok
		}
	}
}

// array reads the array that starts at the next byte, calling elem for each
// element; elem must read exactly the element.
func (r *reader) array(elem func() bool) bool {
	if ok, done := r.open('[', ']'); !ok || done {
		return ok
	}
	for {
		if !elem() {
			return false
		}
		if more, ok := r.next(']'); !more {
			return ok
		}
	}
}

// open reads the byte that opens an object or array, open, and counts the
// nesting. It reports false when that byte is not next or the nesting is
// too deep, and done when close follows at once: the container is empty
// and read whole.
func (r *reader) open(open, close byte) (ok, done bool) {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != open {
		return false, false
	}
	if r.depth++; r.depth > MaxDepth {
		return false, false
	}
	r.i++
	r.space()
	if r.i < len(r.b) && r.b[r.i] == close {
		r.i++
		r.depth--
		return true, true
	}
	return true, false
}

// next reads what follows a member or element of an object or array: a
// comma (more to come) or close, which ends the container; ok is false for
// anything else.
func (r *reader) next(close byte) (more, ok bool) {
	r.space()
	if r.i >= len(r.b) {
		return false, false
	}
	switch r.b[r.i] {
	case ',':
		r.i++
		return true, true
	case close:
		r.i++
		r.depth--
		return false, true
	}
	return false, false
}

// strSpecial marks the bytes a string's scan must look at: the quote, the
// backslash, control characters (refused) and bytes past ASCII (which may
// be invalid UTF-8).
var strSpecial = func() (s [256]bool) {
	for c := range 0x20 {
		s[c] = true
	}
	s['"'], s['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		s[c] = true
	}
	return s
}()

// str reads the string that starts at the next byte, returning where its
// contents start and end, and whether they are plain: without escapes and
// valid UTF-8, so that they are the string's value as they stand.
func (r *reader) str() (start, end int, plain, ok bool) {
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return 0, 0, false, false
	}
	r.i++
	start = r.i
	escaped, high := false, false
	b := r.b
	i := r.i
	for {
		for i < len(b) && !strSpecial[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, 0, false, false
		}
		switch c := b[i]; {
		case c == '"':
			r.i = i + 1
			plain = !escaped && (!high || utf8.Valid(b[start:i]))
			return start, i, plain, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, 0, false, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return 0, 0, false, false
					}
				}
				i += 6
			default:
				return 0, 0, false, false
			}
		case c < 0x20:
			return 0, 0, false, false
		default:
			high = true
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unquote decodes a quoted JSON string that str has accepted but found not
// plain, as encoding/json does (its own rules for escaped surrogates and
// invalid UTF-8 apply).
func unquote(quoted []byte) string {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "" // cannot happen: str accepted it
	}
	return s
}

// text returns the value of the string whose contents str found between
// start and end.
func (r *reader) text(start, end int, plain bool) string {
	switch {
	case !plain:
		return unquote(r.b[start-1 : end+1])
	case r.s != "":
		return r.s[start:end]
	}
	return string(r.b[start:end])
}

// memberName returns the name of the member whose value is about to be
// read, given its unescaped bytes.
func (r *reader) memberName(name []byte) string {
	if r.name.plain && r.s != "" {
		return r.s[r.name.start:r.name.end]
	}
	return string(name)
}

// number reads the number that starts at the next byte, as JSON spells
// numbers, and reports whether it has an exponent.
func (r *reader) number() (exp, ok bool) {
	b, i := r.b, r.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	default:
		return false, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false, false
		}
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		exp = true
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false, false
		}
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	r.i = i
	return exp, true
}

// literal reads the literal word (true, false or null) that starts at the
// next byte.
func (r *reader) literal(word string) bool {
	if len(r.b)-r.i < len(word) || string(r.b[r.i:r.i+len(word)]) != word {
		return false
	}
	r.i += len(word)
	return true
}

// maxPlainDigits is the longest number without an exponent that cannot
// exceed float64's range: 308 nines are below its largest value, 309 are
// beyond it.
const maxPlainDigits = 308

// skip reads past the next value without decoding it, refusing what
// json.Unmarshal refuses: a number out of float64's range among them, which
// only a number with an exponent or of more than 308 digits can be.
func (r *reader) skip() bool {
	r.space()
	if r.i >= len(r.b) {
		return false
	}
	switch r.b[r.i] {
	case '{':
		return r.object(func([]byte) bool { return r.skip() })
	case '[':
		return r.array(r.skip)
	case '"':
		_, _, _, ok := r.str()
		return ok
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	}
	start := r.i
	exp, ok := r.number()
	if !ok {
		return false
	}
	if exp || r.i-start > maxPlainDigits {
		_, err := strconv.ParseFloat(string(r.b[start:r.i]), 64)
		return err == nil
	}
	return true
}

// value reads and decodes the next value as json.Unmarshal decodes into an
// any.
func (r *reader) value() (any, bool) {
	r.space()
	if r.i >= len(r.b) {
		return nil, false
	}
	switch r.b[r.i] {
	case '{':
		m := map[string]any{}
		ok := r.object(func(name []byte) bool {
			key := r.memberName(name)
			v, ok := r.value()
			m[key] = v
			return ok
		})
		return m, ok
	case '[':
		// Elements are gathered on the stack, then copied to a slice of
		// their number (empty, not nil, for none).
		var few [8]any
		l := few[:0]
		ok := r.array(func() bool {
			v, ok := r.value()
			l = append(l, v)
			return ok
		})
		out := make([]any, len(l))
		copy(out, l)
		return out, ok
	case '"':
		start, end, plain, ok := r.str()
		if !ok {
			return nil, false
		}
		return r.text(start, end, plain), true
	case 't':
		return true, r.literal("true")
	case 'f':
		return false, r.literal("false")
	case 'n':
		return nil, r.literal("null")
	}
	start := r.i
	if _, ok := r.number(); !ok {
		return nil, false
	}
	f, err := strconv.ParseFloat(string(r.b[start:r.i]), 64)
	return f, err == nil
}

// decodeObject decodes b, a JSON object nested no deeper than MaxDepth, as
// json.Unmarshal into a map[string]any would; ok is false when b is not a
// single such object.
func decodeObject(b []byte) (m map[string]any, ok bool) {
	return decodeObjectIn(reader{b: b})
}

// decodeObjectIn is decodeObject of r's bytes, with r's string if set.
func decodeObjectIn(r reader) (m map[string]any, ok bool) {
	b := r.b
	r.space()
	if r.i >= len(b) || b[r.i] != '{' {
		return nil, false
	}
	v, ok := r.value()
	if !ok || !r.done() {
		return nil, false
	}
	return v.(map[string]any), true
}
