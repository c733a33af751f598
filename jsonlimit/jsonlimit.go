// Package jsonlimit bounds JSON that comes from outside before anything
// decodes it: its size, and how deeply its arrays and objects nest. Check
// reads the bytes once, keeps no more than a few counters and stops at the
// first byte past a limit, so that no decoder, duplicate check or JSON-LD
// processor ever sees a document whose nesting could make its work grow
// faster than its length (thousands of "[" in a row) or whose size could
// exhaust memory.
//
// Check does not validate the JSON: brackets are counted outside strings and
// everything else is left to the decoder that runs next, which reports
// syntax errors as it always did. Text that is not JSON at all passes Check
// as long as it is small and does not nest.
//
// The package is pure: no I/O.
package jsonlimit

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of arrays and objects accepted in JSON
// from outside, counting the outermost value as level 1. The deepest
// document certboard reads (an Open Badges credential with a proof, or a
// portfolio item's provider) nests fewer than 10 levels; 32 leaves room for
// extensions and is still far from where nesting costs anything.
const MaxDepth = 32

// Limits are the bounds of one kind of input.
type Limits struct {
	// MaxBytes is the largest input accepted, in bytes; 0 or less is no
	// size limit (the caller bounds the size itself).
	MaxBytes int
	// MaxDepth is the deepest nesting accepted; 0 or less means MaxDepth.
	MaxDepth int
}

// depth returns the nesting limit in force.
func (l Limits) depth() int {
	if l.MaxDepth <= 0 {
		return MaxDepth
	}
	return l.MaxDepth
}

// What names the limit an Error is about.
type What int

// The limits an Error can be about.
const (
	// Size is the limit of MaxBytes.
	Size What = iota + 1
	// Depth is the limit of MaxDepth.
	Depth
)

// ErrLimit is wrapped by every *Error, for errors.Is.
var ErrLimit = errors.New("jsonlimit: over a limit")

// Error is input over a limit. Its message names the limit and where it was
// passed, in words a person who wrote the input can act on: "nested deeper
// than 32 levels at byte 33", "larger than 4 MiB".
type Error struct {
	// What is the limit passed.
	What What
	// Max is the limit: bytes for Size, levels for Depth.
	Max int
	// Offset is, for Depth, the 1-based position of the byte that opened
	// the level too many; 0 when unknown (a decoded value). For Size it is
	// the size of the input, when known (0 when the input was cut off).
	Offset int
}

// Error describes the limit passed.
func (e *Error) Error() string {
	switch e.What {
	case Size:
		return "larger than " + FormatSize(e.Max)
	case Depth:
		if e.Offset > 0 {
			return fmt.Sprintf("nested deeper than %d levels at byte %d", e.Max, e.Offset)
		}
		return fmt.Sprintf("nested deeper than %d levels", e.Max)
	}
	return "over a limit"
}

// Unwrap returns ErrLimit.
func (e *Error) Unwrap() error { return ErrLimit }

// TooLarge reports whether the error is about size (an HTTP server answers
// it 413, a depth error 400).
func (e *Error) TooLarge() bool { return e.What == Size }

// SizeError is the error of an input larger than max bytes, for a caller
// that found so itself (an HTTP body cut off at its limit).
func SizeError(max int) *Error { return &Error{What: Size, Max: max} }

// FormatSize writes a number of bytes as a person reads it: "4 MiB",
// "64 KiB", "1500 bytes".
func FormatSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Check returns a *Error when data is larger than l.MaxBytes or nests
// arrays and objects deeper than l's depth, and nil otherwise. It reads
// each byte at most once, allocates nothing unless it fails, and stops at
// the first byte past the depth limit; the size is checked before any byte
// is read.
func Check(data []byte, l Limits) error {
	if l.MaxBytes > 0 && len(data) > l.MaxBytes {
		return &Error{What: Size, Max: l.MaxBytes, Offset: len(data)}
	}
	max := l.depth()
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			// Skip the string: to its closing quote, past escapes. An
			// unterminated string ends the scan; the decoder reports it.
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			if depth > max {
				return &Error{What: Depth, Max: max, Offset: i + 1}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// CheckValue returns a *Error when the decoded JSON value v (built of
// map[string]any and []any, as encoding/json decodes into an any) nests
// deeper than maxDepth (0 or less: MaxDepth). It is for values decoded by
// someone else, such as a credential handed to a verifier; it looks no
// deeper than one level past the limit.
func CheckValue(v any, maxDepth int) error {
	if maxDepth <= 0 {
		maxDepth = MaxDepth
	}
	if !withinDepth(v, maxDepth) {
		return &Error{What: Depth, Max: maxDepth}
	}
	return nil
}

// Kind names the JSON type of a decoded value (decoded into an any, with
// UseNumber) as a message says it: "a string", "an object", "null".
func Kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// withinDepth reports whether v nests no deeper than left levels.
func withinDepth(v any, left int) bool {
	switch x := v.(type) {
	case map[string]any:
		if left == 0 {
			return false
		}
		for _, e := range x {
			if !withinDepth(e, left-1) {
				return false
			}
		}
	case []any:
		if left == 0 {
			return false
		}
		for _, e := range x {
			if !withinDepth(e, left-1) {
				return false
			}
		}
	}
	return true
}
