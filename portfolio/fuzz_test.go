package portfolio

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode. Decode must never panic; it
// either returns a portfolio that Validate accepts and that survives
// json.Marshal and Decode again, or well-formed Errors. The seed corpus is in
// testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
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
