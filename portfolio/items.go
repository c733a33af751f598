package portfolio

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Encode writes a portfolio in the interchange format, indented; Decode
// reads it back to an equal portfolio.
func Encode(p *Portfolio) ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}

// Item is one evidence item found by id: the JSON name of its list
// ("education", "supervision_sessions"...) and a pointer to it.
type Item struct {
	List  string
	Index int
	Value any // a pointer to the item, e.g. *Activity
}

// Lists names every evidence list of a portfolio in the order of the format.
func Lists() []string {
	var out []string
	t := reflect.TypeFor[Portfolio]()
	for i := range t.NumField() {
		if t.Field(i).Type.Kind() == reflect.Slice {
			out = append(out, jsonName(t.Field(i)))
		}
	}
	return out
}

// MaxItems returns the most items a list (by its JSON name) may hold, or 0
// when the format sets no maximum.
func MaxItems(list string) int {
	t := reflect.TypeFor[Portfolio]()
	for i := range t.NumField() {
		if f := t.Field(i); f.Type.Kind() == reflect.Slice && jsonName(f) == list {
			if tag := parseTag(f.Tag.Get("cb")); tag.hasMax {
				return int(tag.max)
			}
		}
	}
	return 0
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// Items returns every item of one list (by its JSON name), in order.
func Items(p *Portfolio, list string) []Item {
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if jsonName(t.Field(i)) != list || t.Field(i).Type.Kind() != reflect.Slice {
			continue
		}
		s := v.Field(i)
		out := make([]Item, s.Len())
		for j := range s.Len() {
			out[j] = Item{List: list, Index: j, Value: s.Index(j).Addr().Interface()}
		}
		return out
	}
	return nil
}

// Find returns the item with an id, in whichever list it is.
func Find(p *Portfolio, id string) (Item, bool) {
	for _, list := range Lists() {
		for _, it := range Items(p, list) {
			if ItemID(it.Value) == id {
				return it, true
			}
		}
	}
	return Item{}, false
}

// ItemID returns the id of an item pointer.
func ItemID(item any) string {
	return reflect.ValueOf(item).Elem().FieldByName("ID").String()
}

// VerificationOf returns an item's verification record.
func VerificationOf(item any) Verification {
	return reflect.ValueOf(item).Elem().FieldByName("Verification").Interface().(Verification)
}

// SetVerification records the outcome of checking the item with an id.
func SetVerification(p *Portfolio, id string, v Verification) error {
	it, ok := Find(p, id)
	if !ok {
		return fmt.Errorf("no evidence item has id %q", id)
	}
	reflect.ValueOf(it.Value).Elem().FieldByName("Verification").Set(reflect.ValueOf(v))
	return nil
}

// Remove deletes the item with an id; it refuses while other items refer
// to it (a session naming a supervisor, a document supporting an item).
func Remove(p *Portfolio, id string) error {
	it, ok := Find(p, id)
	if !ok {
		return fmt.Errorf("no evidence item has id %q", id)
	}
	if refs := referrers(p, id); len(refs) > 0 {
		return fmt.Errorf("%s is used by %s; remove or change those first", id, strings.Join(refs, ", "))
	}
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	for i := range t.NumField() {
		if jsonName(t.Field(i)) == it.List {
			s := v.Field(i)
			s.Set(reflect.AppendSlice(s.Slice(0, it.Index), s.Slice(it.Index+1, s.Len())))
			if s.Len() == 0 {
				s.Set(reflect.Zero(s.Type()))
			}
		}
	}
	return nil
}

// referrers lists the ids of items that refer to id.
func referrers(p *Portfolio, id string) []string {
	var out []string
	for _, s := range p.Sessions {
		if s.Supervisor == id || s.Contract == id {
			out = append(out, s.ID)
		}
	}
	for _, k := range p.Contracts {
		if k.Supervisor == id || k.SuperviseeMembership == id {
			out = append(out, k.ID)
		}
	}
	for _, c := range p.ClinicalHours {
		if c.Contract == id {
			out = append(out, c.ID)
		}
	}
	for _, c := range p.Cases {
		if c.Contract == id {
			out = append(out, c.ID)
		}
	}
	for _, d := range p.Documents {
		for _, s := range d.Supports {
			if s == id {
				out = append(out, d.ID)
			}
		}
	}
	return out
}

// NewID returns an id for a new item in a list that no item uses yet:
// the prefix and the first free number ("edu-4").
func NewID(p *Portfolio, prefix string) string {
	used := map[string]bool{}
	for _, list := range Lists() {
		for _, it := range Items(p, list) {
			used[ItemID(it.Value)] = true
		}
	}
	for n := 1; ; n++ {
		if id := fmt.Sprintf("%s-%d", prefix, n); !used[id] {
			return id
		}
	}
}

// DecodeStored reads a portfolio that was checked by Decode when it was
// stored (certboard's own database): without the duplicate-member pass and
// the validation, and with code generated from the types (see stored.go),
// it gives what json.Unmarshal gives, several times faster. Input from
// outside must go through Decode.
func DecodeStored(data []byte) (*Portfolio, error) {
	p, err := decodeStoredFast(data)
	if err != nil {
		// What the generated decoder does not take goes the standard way,
		// which decodes it as before or words the error.
		p = new(Portfolio)
		if err := json.Unmarshal(data, p); err != nil {
			return nil, fmt.Errorf("a stored portfolio does not decode: %w", err)
		}
	}
	if p.Format != FormatV1 {
		return nil, fmt.Errorf("a stored portfolio has format %q, not %s", p.Format, FormatV1)
	}
	return p, nil
}
