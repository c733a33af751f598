package portfolio

import (
	"reflect"
	"slices"
	"strings"
)

// Details names the details of a Person, by their JSON names in the
// format's order: every field but the id, which only ties the portfolio
// together.
func Details() []string {
	var out []string
	t := reflect.TypeFor[Person]()
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "id" {
			out = append(out, name)
		}
	}
	return out
}

// personField returns the field of p with a JSON name, and whether there
// is one.
func personField(p *Person, name string) (reflect.Value, bool) {
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if jsonName(t.Field(i)) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// Detail returns one detail of p (named as Details names it) as text: ""
// when it is not given, a list joined with ", ", and "" for a name that
// is no detail.
func (p Person) Detail(name string) string {
	f, ok := personField(&p, name)
	if !ok || name == "id" {
		return ""
	}
	if f.Kind() == reflect.Slice {
		return strings.Join(f.Interface().([]string), ", ")
	}
	return f.String()
}

// DifferentDetails returns the details (named as Details names them) in
// which a and b differ, in the format's order. An empty list and no list
// are the same.
func DifferentDetails(a, b Person) []string {
	var out []string
	for _, name := range Details() {
		fa, _ := personField(&a, name)
		fb, _ := personField(&b, name)
		same := fa.String() == fb.String()
		if fa.Kind() == reflect.Slice {
			same = slices.Equal(fa.Interface().([]string), fb.Interface().([]string))
		}
		if !same {
			out = append(out, name)
		}
	}
	return out
}

// WithDetails returns p with the details named (as Details names them)
// taken from from; the id stays p's, and a name that is no detail is
// ignored.
func (p Person) WithDetails(from Person, names []string) Person {
	for _, name := range names {
		if name == "id" {
			continue
		}
		dst, ok := personField(&p, name)
		if !ok {
			continue
		}
		src, _ := personField(&from, name)
		if src.Kind() == reflect.Slice {
			dst.Set(reflect.ValueOf(slices.Clone(src.Interface().([]string))))
			continue
		}
		dst.Set(src)
	}
	return p
}
