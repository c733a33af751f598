package certboard

import (
	"errors"
	"fmt"
	"maps"
	"testing"
)

// TestProblems checks what the error of gathered problems says: nothing
// for none, the field of a single one, every message in order, each field
// with its first problem.
func TestProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fill   func(*Problems)
		field  string
		msg    string
		fields map[string]string
	}{
		{"none", func(*Problems) {}, "", "", nil},
		{"one", func(p *Problems) { p.Add("name", "give a name") }, "name", "name: give a name",
			map[string]string{"name": "name: give a name"}},
		{"two fields", func(p *Problems) { p.Add("name", "give a name"); p.Add("age", "give an age") },
			"", "name: give a name; age: give an age",
			map[string]string{"name": "name: give a name", "age": "age: give an age"}},
		{"a field twice keeps the first", func(p *Problems) { p.Add("name", "give a name"); p.Add("name", "shorter") },
			"name", "name: give a name", map[string]string{"name": "name: give a name"}},
		{"no field", func(p *Problems) { p.Add("", "something is wrong") }, "", "something is wrong",
			map[string]string{"": "something is wrong"}},
		{"merge fields", func(p *Problems) {
			p.Add("reason", "say why")
			p.Merge(&Error{Code: Invalid, Message: "pli.topics: x; pli.myths: y",
				Fields: map[string]string{"pli.topics": "pli.topics: x", "pli.myths": "pli.myths: y"}})
		}, "", "reason: say why; pli.topics: x; pli.myths: y",
			map[string]string{"reason": "reason: say why", "pli.topics": "pli.topics: x", "pli.myths": "pli.myths: y"}},
		{"merge a field", func(p *Problems) { p.Merge(FieldError(Invalid, "pli.topics", "x")) }, "pli.topics", "pli.topics: x",
			map[string]string{"pli.topics": "pli.topics: x"}},
		{"merge a field already wrong", func(p *Problems) { p.Add("pli", "first"); p.Merge(FieldError(Invalid, "pli", "second")) },
			"pli", "pli: first", map[string]string{"pli": "pli: first"}},
		{"merge nil and other errors", func(p *Problems) { p.Merge(nil); p.Merge(errors.New("x")) }, "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p Problems
			tc.fill(&p)
			err := p.Err("Invalid thing")
			if tc.msg == "" {
				if err != nil || p.Len() != 0 {
					t.Fatalf("%v, %d problems; want none", err, p.Len())
				}
				return
			}
			e := As(err)
			if e.Code != Invalid || e.Title != "Invalid thing" || e.Field != tc.field || e.Message != tc.msg || !maps.Equal(e.Fields, tc.fields) {
				t.Errorf("%+v; want field %q, message %q, fields %v", e, tc.field, tc.msg, tc.fields)
			}
			for f := range tc.fields {
				if !p.Has(f) {
					t.Errorf("Has(%q) is false", f)
				}
			}
			e.Fields["changed"] = "x"
			if p.Has("changed") {
				t.Error("the error shares its Fields with the Problems")
			}
		})
	}
}

// TestProblemsErrFirst: the first problem is the error's field and
// message, every field is in Fields.
func TestProblemsErrFirst(t *testing.T) {
	var p Problems
	if p.ErrFirst("") != nil {
		t.Fatal("no problems, yet an error")
	}
	p.Add("item 3", "is missing (line 4)")
	p.Add("item 1", "is empty (line 2)")
	e := As(p.ErrFirst(""))
	if e.Code != Invalid || e.Field != "item 3" || e.Message != "item 3: is missing (line 4)" || len(e.Fields) != 2 ||
		e.Fields["item 1"] != "item 1: is empty (line 2)" {
		t.Errorf("%+v; want item 3's problem first and both fields", e)
	}
}

// TestProblemsBound: at most MaxProblems are kept.
func TestProblemsBound(t *testing.T) {
	var p Problems
	for i := range MaxProblems + 1 {
		p.Add(fmt.Sprintf("f%d", i), "wrong")
	}
	if p.Len() != MaxProblems || !p.Has(fmt.Sprintf("f%d", MaxProblems-1)) || p.Has(fmt.Sprintf("f%d", MaxProblems)) {
		t.Errorf("%d problems kept; want the first %d", p.Len(), MaxProblems)
	}
	p.Merge(FieldError(Invalid, "more", "wrong"))
	if p.Has("more") {
		t.Error("a merge past the bound was kept")
	}
}
