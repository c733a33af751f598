package portfolio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// WithItem returns a copy of the valid portfolio p with one item, given as
// JSON, added to a list (index -1) or put in place of the item at index;
// list "person" replaces the person. The item is decoded as strictly as
// Decode decodes it, at the path it takes in the portfolio ($.education[7]),
// and the result is then validated as a whole (ids, references, periods), so
// the errors are those Decode gives for the whole portfolio with the item in
// it; only the unchanged items are not decoded again.
//
// p must be valid (read by Decode, or stored after it) and is not changed;
// the copy shares the unchanged lists with it, so neither may be changed
// afterwards in place.
func WithItem(p *Portfolio, list string, index int, item []byte) (*Portfolio, error) {
	q := *p
	qv := reflect.ValueOf(&q).Elem()
	var (
		target reflect.Value // where the decoded item goes
		path   string
		level  int // the level of the item in the portfolio
		tag    fieldTag
		commit func()
	)
	if list == "person" {
		target = reflect.New(reflect.TypeFor[Person]()).Elem()
		path, level = "$.person", 1
		f, _ := reflect.TypeFor[Portfolio]().FieldByName("Person")
		tag = parseTag(f.Tag.Get("cb"))
		commit = func() { q.Person = target.Interface().(Person) }
	} else {
		field := -1
		t := qv.Type()
		for i := range t.NumField() {
			if t.Field(i).Type.Kind() == reflect.Slice && jsonName(t.Field(i)) == list {
				field = i
			}
		}
		if field < 0 {
			return nil, fmt.Errorf("portfolio: %q is not an evidence list", list)
		}
		old := qv.Field(field)
		n := old.Len()
		if index < 0 {
			index = n
		}
		if index > n {
			return nil, fmt.Errorf("portfolio: %s has no item %d", list, index)
		}
		size := n
		if index == n {
			size = n + 1
		}
		// A new backing array: p's list stays as it was.
		s := reflect.MakeSlice(old.Type(), size, size)
		reflect.Copy(s, old)
		// The element is zeroed first, as Decode fills a fresh one.
		s.Index(index).SetZero()
		target = s.Index(index)
		path, level = fmt.Sprintf("$.%s[%d]", list, index), 2
		tag = fieldTag{required: true}
		commit = func() { qv.Field(field).Set(s) }
	}

	tree, err := decodeTree(item, path, MaxDepth-level)
	if err != nil {
		return nil, err
	}
	w := &walker{}
	w.value(tree, target, path, tag)
	if len(w.errs) == 0 {
		commit()
		w.errs = append(w.errs, Validate(&q)...)
	}
	if len(w.errs) > 0 {
		if len(w.errs) > maxErrors {
			w.errs = append(w.errs[:maxErrors], FieldError{Path: "$", Message: fmt.Sprintf("and %d more problems", len(w.errs)-maxErrors)})
		}
		return nil, w.errs
	}
	return &q, nil
}

// decodeTree reads one JSON value as Decode reads a whole portfolio: within
// MaxSize and nested no deeper than depth (what is left of MaxDepth at the
// place of the value), checked first; UTF-8 only, no member given twice,
// numbers kept as written, nothing after it. Problems are reported at path,
// the place of the value in a portfolio.
func decodeTree(data []byte, path string, depth int) (any, error) {
	if e := checkBounds(data, "the item", depth); e != nil {
		e.Path = path
		return nil, Errors{*e}
	}
	if !utf8.Valid(data) {
		return nil, Errors{{Path: "$", Message: "the input is not valid UTF-8; save the file as UTF-8"}}
	}
	if e := duplicateMember(data); e != nil {
		e.Path = path + strings.TrimPrefix(e.Path, "$")
		return nil, Errors{*e}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, Errors{{Path: path, Message: syntaxMessage(data, err)}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Errors{{Path: path, Message: "unexpected data after the item"}}
	}
	return tree, nil
}
