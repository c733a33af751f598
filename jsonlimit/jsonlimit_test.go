package jsonlimit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name  string
		input string
		l     Limits
		want  string // "" for no error, else the whole message
	}{
		{"empty", "", Limits{MaxBytes: 10}, ""},
		{"flat object", `{"a": 1, "b": [1, 2, 3]}`, Limits{MaxBytes: 100}, ""},
		{"at the depth limit", deep(MaxDepth), Limits{}, ""},
		{"one level too deep", deep(MaxDepth + 1), Limits{}, "nested deeper than 32 levels at byte 33"},
		{"200 KB of brackets", strings.Repeat("[", 200<<10), Limits{MaxBytes: 4 << 20}, "nested deeper than 32 levels at byte 33"},
		{"objects count as levels", `{"a":{"b":{"c":1}}}`, Limits{MaxDepth: 2}, "nested deeper than 2 levels at byte 11"},
		{"siblings do not add up", `[[1],[2],[3],[4]]`, Limits{MaxDepth: 2}, ""},
		{"brackets in strings do not count", `["[[[[{{{{", "\"[[[["]`, Limits{MaxDepth: 1}, ""},
		{"escaped backslash ends the string", `["\\", [[1]]]`, Limits{MaxDepth: 2}, "nested deeper than 2 levels at byte 9"},
		{"at the size limit", strings.Repeat(" ", 1024), Limits{MaxBytes: 1024}, ""},
		{"over the size limit", strings.Repeat(" ", 1025), Limits{MaxBytes: 1024}, "larger than 1 KiB"},
		{"size before depth", strings.Repeat("[", 5<<20), Limits{MaxBytes: 4 << 20}, "larger than 4 MiB"},
		{"unbalanced closers do not go negative", `]]]]][[`, Limits{MaxDepth: 2}, ""},
		{"unterminated string", `["abc`, Limits{MaxDepth: 1}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]byte(tc.input), tc.l)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Check: %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Check: %v, want %q", err, tc.want)
			}
			var le *Error
			if !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
				t.Fatalf("%v (%T) is not a *Error wrapping ErrLimit", err, err)
			}
			if le.TooLarge() != strings.HasPrefix(tc.want, "larger") {
				t.Errorf("TooLarge is %v for %q", le.TooLarge(), tc.want)
			}
		})
	}
}

// TestCheckAllocates: Check allocates nothing on input within its limits,
// however large, and only its error otherwise.
func TestCheckAllocates(t *testing.T) {
	wide := []byte("[" + strings.Repeat(`{"k": "v[{", "n": [1, 2]},`, 10000) + "1]")
	if n := testing.AllocsPerRun(10, func() { _ = Check(wide, Limits{MaxBytes: 4 << 20}) }); n != 0 {
		t.Errorf("Check allocates %v times on valid input", n)
	}
	deep := []byte(strings.Repeat("[", 200<<10))
	if n := testing.AllocsPerRun(10, func() { _ = Check(deep, Limits{MaxBytes: 4 << 20}) }); n > 1 {
		t.Errorf("Check allocates %v times on deep input", n)
	}
}

func TestCheckValue(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{"a": [{"b": [1, {"c": {}}]}]}`), &v); err != nil {
		t.Fatal(err)
	}
	// {} at level 6: object, array, object, array, object, object.
	if err := CheckValue(v, 6); err != nil {
		t.Errorf("depth 6 within 6: %v", err)
	}
	err := CheckValue(v, 5)
	if err == nil || err.Error() != "nested deeper than 5 levels" {
		t.Errorf("depth 6 within 5: %v", err)
	}
	if err := CheckValue("a string", 1); err != nil {
		t.Errorf("a scalar: %v", err)
	}
	var deep any = []any{}
	for range 10000 {
		deep = []any{deep}
	}
	if err := CheckValue(deep, 0); err == nil || !strings.Contains(err.Error(), "32 levels") {
		t.Errorf("10000 levels: %v", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int]string{4 << 20: "4 MiB", 64 << 10: "64 KiB", 1500: "1500 bytes", 1<<20 + 1: "1048577 bytes", 0: "0 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzCheck compares Check with encoding/json on arbitrary input: whatever
// encoding/json decodes, Check measures at the depth the decoded value has
// (CheckValue), and Check never fails on input within its limits.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": "]]]"}]}`))
	f.Add([]byte(strings.Repeat("[", 100)))
	f.Add([]byte(strings.Repeat("[", 40) + strings.Repeat("]", 40)))
	f.Add([]byte(strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)))
	f.Add([]byte("[" + strings.Repeat(`"\\\"[",`, 200) + "1]"))
	f.Add([]byte("[" + strings.Repeat("{},", 5000) + "{}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const depth = 8
		err := Check(data, Limits{MaxDepth: depth})
		var le *Error
		if err != nil && (!errors.As(err, &le) || le.What != Depth || le.Offset < 1 || le.Offset > len(data) ||
			(data[le.Offset-1] != '[' && data[le.Offset-1] != '{')) {
			t.Fatalf("Check(%q): malformed error %v", data, err)
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		// Valid JSON: Check and the decoded value agree on the depth.
		if (err == nil) != (CheckValue(v, depth) == nil) {
			t.Fatalf("Check says %v, the decoded value's depth says %v: %q", err, CheckValue(v, depth), data)
		}
		if size := Check(data, Limits{MaxBytes: len(data), MaxDepth: 1 << 30}); size != nil {
			t.Fatalf("Check refuses input at its size limit: %v", size)
		}
	})
}

func TestKind(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "null"}, {true, "a boolean"}, {json.Number("1"), "a number"}, {"x", "a string"},
		{[]any{}, "an array"}, {map[string]any{}, "an object"}, {1.5, "float64"},
	} {
		if got := Kind(tc.v); got != tc.want {
			t.Errorf("Kind(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
