package portfolio

import (
	"errors"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/jsonlimit"
)

// nest returns value inside n arrays.
func nest(n int, value string) string {
	return strings.Repeat("[", n) + value + strings.Repeat("]", n)
}

// TestDecodeLimits: input over a limit is refused with one problem that
// names the limit and unwraps to a *jsonlimit.Error, before any other check.
func TestDecodeLimits(t *testing.T) {
	tests := []struct {
		name  string
		input string
		what  jsonlimit.What // 0: no limit passed
		msg   string
	}{
		{"200 KB of [", strings.Repeat("[", 200<<10), jsonlimit.Depth,
			"$: the portfolio is nested deeper than 32 levels at line 1, column 33 (byte 33); a portfolio nests at most 5 levels: check the brackets"},
		{"200 KB of {\"a\":", strings.Repeat(`{"a":`, 40<<10), jsonlimit.Depth, "nested deeper than 32 levels at line 1, column 161 (byte 161)"},
		{"deep inside a valid start", doc(`"education": ` + nest(40, "1")), jsonlimit.Depth, "nested deeper than 32 levels at line 1, column 127 (byte 127)"},
		{"deep on a later line", "{\n\"format\": \"certboard.portfolio/v1\",\n\"x\": " + nest(40, "1") + "}", jsonlimit.Depth, "at line 3, column 37 (byte 75)"},
		{"deep and not UTF-8", "\xff" + strings.Repeat("[", 100), jsonlimit.Depth, "nested deeper than 32 levels"},
		{"oversize", doc() + strings.Repeat(" ", MaxSize), jsonlimit.Size,
			"$: the portfolio is larger than 4 MiB, the most a portfolio may be (documents are uploaded apart from it)"},
		{"oversize and deep", strings.Repeat("[", MaxSize+1), jsonlimit.Size, "larger than 4 MiB"},
		{"nested as deep as allowed", doc(`"x": ` + nest(MaxDepth-1, "1")), 0, `$.x: is not a known field`},
		{"brackets in strings do not count", doc(`"x": "` + strings.Repeat("[", 200) + `"`), 0, `$.x: is not a known field`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Decode([]byte(tc.input))
			if p != nil || err == nil {
				t.Fatalf("Decode accepted the input")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q does not say %q", err, tc.msg)
			}
			var le *jsonlimit.Error
			limited := errors.As(err, &le)
			if tc.what == 0 {
				if limited {
					t.Fatalf("a limit error for input within the limits: %v", err)
				}
				return
			}
			if !limited || le.What != tc.what {
				t.Fatalf("error %v does not unwrap to a *jsonlimit.Error about %v", err, tc.what)
			}
			if es := err.(Errors); len(es) != 1 || es[0].Path != "$" {
				t.Fatalf("want one problem at $, got %v", es)
			}
		})
	}
}

// TestWithItemLimits: an item is bounded as it would be in the portfolio:
// the levels above it count.
func TestWithItemLimits(t *testing.T) {
	data, err := os.ReadFile("../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	n := len(p.Attestations)
	item := func(depth int) string {
		// The item is level 1 of its own text; "extra" adds depth-1 levels.
		return `{"id":"att-2","code":"c","signed":"2026-01-02","extra":` + nest(depth-1, "1") + `}`
	}
	tests := []struct {
		name, list, item string
		path, msg        string
		limit            bool
	}{
		{"200 KB of [", "attestations", strings.Repeat("[", 200<<10), "$.attestations[" + strconv.Itoa(n) + "]",
			"the item is nested deeper than 30 levels at line 1, column 31 (byte 31)", true},
		{"one level too deep for its place", "attestations", item(MaxDepth - 1), "$.attestations[" + strconv.Itoa(n) + "]",
			"nested deeper than 30 levels", true},
		{"as deep as its place allows", "attestations", item(MaxDepth - 2), "$.attestations[" + strconv.Itoa(n) + "].extra",
			"is not a known field", false},
		{"the person is one level higher", "person", `{"id":"p1","name":"A","x":` + nest(MaxDepth-2, "1") + `}`, "$.person.x",
			"is not a known field", false},
		{"the person too deep", "person", `{"id":"p1","name":"A","x":` + nest(MaxDepth-1, "1") + `}`, "$.person",
			"nested deeper than 31 levels", true},
		{"oversize", "attestations", `{"id":"att-2"}` + strings.Repeat(" ", MaxSize), "$.attestations[" + strconv.Itoa(n) + "]",
			"the item is larger than 4 MiB", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := WithItem(p, tc.list, -1, []byte(tc.item))
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v is not Errors", err)
			}
			if es[0].Path != tc.path || !strings.Contains(es[0].Message, tc.msg) {
				t.Fatalf("got %v, want %s: ...%s", es, tc.path, tc.msg)
			}
			var le *jsonlimit.Error
			if errors.As(err, &le) != tc.limit {
				t.Fatalf("errors.As(*jsonlimit.Error) = %v, want %v", !tc.limit, tc.limit)
			}
		})
	}
	// The same depth is refused by Decode for the whole portfolio: an item
	// WithItem accepts is never one Decode refuses for its nesting.
	enc, _ := Encode(p)
	at := strings.Index(string(enc), `"attestations": [`) + len(`"attestations": [`)
	whole := string(enc[:at]) + item(MaxDepth-2) + "," + string(enc[at:])
	if _, err := Decode([]byte(whole)); errors.As(err, new(*jsonlimit.Error)) {
		t.Errorf("Decode refuses the nesting WithItem accepts: %v", err)
	}
	whole = string(enc[:at]) + item(MaxDepth-1) + "," + string(enc[at:])
	if _, err := Decode([]byte(whole)); !errors.As(err, new(*jsonlimit.Error)) {
		t.Errorf("Decode accepts the nesting WithItem refuses: %v", err)
	}
}

// TestListLimits: a list over its maximum number of items (cases,
// exams) is refused at the list, before its items are read, by Decode and
// by WithItem alike; the schema says the same with maxItems.
func TestListLimits(t *testing.T) {
	items := func(n int, item func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = item(i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	caseItem := func(i int) string {
		return `{"id":"case-` + strconv.Itoa(i) + `","unit":"individual","opened":"2024-01-01"}`
	}
	examItem := func(i int) string {
		return `{"id":"exam-` + strconv.Itoa(i) + `","kind":"exam","code":"c","title":"T","body":"B","date":"2024-01-01","outcome":"failed"}`
	}
	tests := []struct {
		name, input, path, msg string
	}{
		{"cases at the limit", doc(`"cases": ` + items(2000, caseItem)), "", ""},
		{"cases over the limit", doc(`"cases": ` + items(2001, caseItem)), "$.cases", "holds 2001 items, more than the 2000 a portfolio may have"},
		{"an invalid item past the limit is not read", doc(`"cases": ` + items(2001, func(i int) string { return "1" })), "$.cases", "holds 2001 items"},
		{"exams at the limit", doc(`"exams": ` + items(200, examItem)), "", ""},
		{"exams over the limit", doc(`"exams": ` + items(201, examItem)), "$.exams", "holds 201 items, more than the 200 a portfolio may have"},
	}
	sch := compileSchema(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.input))
			schemaErr := schemaValidate(t, sch, []byte(tc.input))
			if tc.path == "" {
				if err != nil || schemaErr != nil {
					t.Fatalf("refused: Decode %v; schema %v", err, schemaErr)
				}
				return
			}
			var es Errors
			if !errors.As(err, &es) || len(es) != 1 || es[0].Path != tc.path || !strings.Contains(es[0].Message, tc.msg) {
				t.Fatalf("got %v, want one problem %s: ...%s", err, tc.path, tc.msg)
			}
			if schemaErr == nil {
				t.Errorf("the schema accepts the list")
			}
		})
	}
	// WithItem grows a list one item at a time: the item past the limit is
	// refused as Decode refuses the whole list.
	p, err := Decode([]byte(doc(`"exams": ` + items(200, examItem))))
	if err != nil {
		t.Fatal(err)
	}
	_, err = WithItem(p, "exams", -1, []byte(examItem(200)))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Path != "$.exams" || es[0].Message != "holds 201 items, more than the 200 a portfolio may have" {
		t.Fatalf("WithItem past the limit: %v", err)
	}
	if _, err := WithItem(p, "exams", 0, []byte(examItem(0))); err != nil {
		t.Fatalf("replacing an item of a full list: %v", err)
	}
}

// TestFormatDepth keeps formatDepth, which the depth message quotes, the
// deepest nesting of the format's types.
func TestFormatDepth(t *testing.T) {
	var depthOf func(t reflect.Type) int
	depthOf = func(t reflect.Type) int {
		switch {
		case t == dateType:
			return 0
		case t.Kind() == reflect.Pointer:
			return depthOf(t.Elem())
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Map:
			return 1 + depthOf(t.Elem())
		case t.Kind() == reflect.Struct:
			deepest := 0
			for i := range t.NumField() {
				deepest = max(deepest, depthOf(t.Field(i).Type))
			}
			return 1 + deepest
		}
		return 0
	}
	if got := depthOf(reflect.TypeFor[Portfolio]()); got != formatDepth {
		t.Fatalf("the format nests %d levels, formatDepth says %d", got, formatDepth)
	}
	if formatDepth*4 > MaxDepth {
		t.Fatalf("MaxDepth %d leaves too little room above the format's %d levels", MaxDepth, formatDepth)
	}
}

// TestDuplicateMemberLinear: the duplicate check's memory grows with the
// input, not with its square. Its old form rebuilt the path of every open
// value at each level and held them all: 20,000 levels took about 600 MB.
func TestDuplicateMemberLinear(t *testing.T) {
	deep := []byte(strings.Repeat("[", 20000))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if e := duplicateMember(deep); e != nil {
		t.Fatalf("a duplicate in %d brackets: %v", len(deep), e)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Fatalf("duplicateMember allocated %d MB for %d bytes", alloc>>20, len(deep))
	}
}

// TestDuplicateMemberPaths: the path of a duplicate is built from the open
// values when it is found.
func TestDuplicateMemberPaths(t *testing.T) {
	var wide strings.Builder
	wide.WriteString("{")
	for i := range 100000 {
		wide.WriteString(`"k` + strconv.Itoa(i) + `": 1, `)
	}
	wide.WriteString(`"k99999": 2}`)
	for input, want := range map[string]string{
		`{"x": [1, {"y": {"z": 1, "z": 2}}]}`:                   "$.x[1].y.z",
		`[[0], [1, [2, {"a": 1, "b": {}, "a": 3}]]]`:            "$[1][1][1].a",
		`{"a": {"b": 1}, "c": [{"b": 1}, {"b": 2, "b": 3}]}`:    "$.c[1].b",
		`{"a": {"k": 1}, "b": {"k": 1}, "c": {"k": 1, "k": 1}}`: "$.c.k",
		wide.String(): "$.k99999",
	} {
		e := duplicateMember([]byte(input))
		if e == nil || e.Path != want {
			t.Errorf("%.60s: got %v, want a duplicate at %s", input, e, want)
		}
	}
	for _, input := range []string{`{"a": 1, "b": {"a": 2}}`, `[{"a": 1}, {"a": 2}]`, `{"a": [{"a": 1}]}`, `1`, `"a"`, `[]`} {
		if e := duplicateMember([]byte(input)); e != nil {
			t.Errorf("%s: a duplicate reported: %v", input, e)
		}
	}
}
