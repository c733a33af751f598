package portfolio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard/jsonlimit"
)

// FuzzDecode feeds arbitrary bytes to Decode. Decode must never panic; it
// either returns a portfolio that Validate accepts and that survives
// json.Marshal and Decode again, or well-formed Errors; input over a limit
// is refused with one problem that unwraps to a *jsonlimit.Error. The seed
// corpus is in testdata/fuzz/FuzzDecode, with deep and wide inputs added
// below.
func FuzzDecode(f *testing.F) {
	for _, seed := range limitSeeds() {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
		if jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxSize, MaxDepth: MaxDepth}) != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) != 1 || !errors.As(err, new(*jsonlimit.Error)) {
				t.Fatalf("input over a limit: %v, want one problem naming the limit", err)
			}
		}
		if err != nil {
			if p != nil {
				t.Fatalf("Decode returned a portfolio and an error")
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
			}
			if len(es) > maxErrors+1 {
				t.Fatalf("%d errors, more than the limit of %d", len(es), maxErrors+1)
			}
			for _, e := range es {
				if !strings.HasPrefix(e.Path, "$") || e.Message == "" {
					t.Fatalf("malformed error %q: %q", e.Path, e.Message)
				}
			}
			return
		}
		if p == nil {
			t.Fatalf("Decode returned neither a portfolio nor an error")
		}
		if errs := Validate(p); len(errs) > 0 {
			t.Fatalf("Decode accepted a portfolio that Validate rejects: %v", errs)
		}
		b1, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		p2, err := Decode(b1)
		if err != nil {
			if strings.Contains(err.Error(), `"" is not a date`) {
				t.Fatalf("regression: a date of 0001-01-01 is the zero date.Date and encodes as \"\": %v", err)
			}
			t.Fatalf("Decode rejects the encoding of a portfolio it accepted: %v\ninput: %q\nencoding: %s", err, data, b1)
		}
		// An empty array or object decodes to an empty, non-nil value that
		// encodes as absent, so the first trip may turn empty into nil;
		// apart from that it must not change anything.
		if !reflect.DeepEqual(withoutEmpty(p), p2) {
			t.Fatalf("round trip changed the portfolio:\ninput: %q\nencoding: %s", data, b1)
		}
		b2, err := json.Marshal(p2)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("encoding changed on a round trip:\n%s\n%s", b1, b2)
		}
		p3, err := Decode(b2)
		if err != nil {
			t.Fatalf("Decode rejects a stable encoding: %v", err)
		}
		if !reflect.DeepEqual(p2, p3) {
			t.Fatalf("second round trip changed the portfolio:\n%+v\n%+v", p2, p3)
		}
	})
}

// limitSeeds are inputs at and past the limits: deep (arrays, objects and
// both, as a whole and inside a valid portfolio) and wide (many items, many
// members).
func limitSeeds() []string {
	valid := `{"format": "certboard.portfolio/v1", "person": {"id": "p1", "name": "Ana Souza"}`
	var items, members strings.Builder
	for i := range 2000 {
		if i > 0 {
			items.WriteString(",")
			members.WriteString(",")
		}
		fmt.Fprintf(&items, `{"id": "m%d", "organization": "AASECT", "from": "2022-09-01"}`, i)
		fmt.Fprintf(&members, `"k%d": %d`, i, i)
	}
	return []string{
		strings.Repeat("[", 200<<10),
		strings.Repeat(`{"a":`, 1000),
		strings.Repeat(`[{"a":`, 100),
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		valid + `, "education": ` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "}",
		valid + `, "memberships": [` + items.String() + "]}",
		valid + `, "memberships": [` + items.String() + `, {"id": "m0", "organization": "X", "from": "2022-09-01", "from": "2022-09-02"}]}`,
		"{" + members.String() + "}",
	}
}

// FuzzWithItem feeds arbitrary items to WithItem, at the end of a list and
// as the person. It must never panic and either return a portfolio that
// Validate accepts or well-formed Errors located in the item's place.
func FuzzWithItem(f *testing.F) {
	data, err := os.ReadFile("testdata/full.json")
	if err != nil {
		f.Fatal(err)
	}
	p, err := Decode(data)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"id": "m9", "organization": "AASECT", "from": "2022-09-01"}`, false)
	f.Add(`{"id": "p1", "name": "Ana"}`, true)
	for _, seed := range limitSeeds() {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, item string, person bool) {
		list, place := "memberships", fmt.Sprintf("$.memberships[%d]", len(p.Memberships))
		if person {
			list, place = "person", "$.person"
		}
		q, err := WithItem(p, list, -1, []byte(item))
		if err == nil {
			if errs := Validate(q); len(errs) > 0 {
				t.Fatalf("WithItem accepted an item that Validate rejects: %v", errs)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 || len(es) > maxErrors+1 {
			t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
		}
		if errors.As(err, new(*jsonlimit.Error)) && (len(es) != 1 || es[0].Path != place) {
			t.Fatalf("a limit error not at %s: %v", place, es)
		}
		for _, e := range es {
			if !strings.HasPrefix(e.Path, "$") || e.Message == "" {
				t.Fatalf("malformed error %q: %q", e.Path, e.Message)
			}
		}
	})
}

// withoutEmpty returns a deep copy of p with every empty slice and map set
// to nil, as encoding with omitempty and decoding again leaves them.
func withoutEmpty(p *Portfolio) *Portfolio {
	c := reflect.New(reflect.TypeFor[Portfolio]())
	c.Elem().Set(clearEmpty(reflect.ValueOf(*p)))
	return c.Interface().(*Portfolio)
}

func clearEmpty(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(clearEmpty(v.Index(i)))
		}
		return s
	case reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			m.SetMapIndex(it.Key(), clearEmpty(it.Value()))
		}
		return m
	case reflect.Struct:
		if v.Type() == dateType {
			return v
		}
		s := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			s.Field(i).Set(clearEmpty(v.Field(i)))
		}
		return s
	}
	return v
}
