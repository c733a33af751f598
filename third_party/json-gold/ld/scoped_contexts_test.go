package ld

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestKeepScopedContexts: with KeepScopedContexts, a type-scoped and a
// property-scoped context are processed once per active context and the
// output is what it is without the option.
func TestKeepScopedContexts(t *testing.T) {
	doc := func() map[string]interface{} {
		return map[string]interface{}{
			"@context": map[string]interface{}{
				"@vocab": "http://example.org/",
				"Badge":  map[string]interface{}{"@id": "http://example.org/Badge", "@context": map[string]interface{}{"level": "http://example.org/badgeLevel"}},
				"holder": map[string]interface{}{"@id": "http://example.org/holder", "@context": map[string]interface{}{"name": "http://schema.org/name"}},
			},
			"@type":  "Badge",
			"level":  "gold",
			"holder": map[string]interface{}{"name": "Ana", "level": "x"},
			"other":  []interface{}{map[string]interface{}{"@type": "Badge", "level": "silver"}},
		}
	}
	run := func(keep bool) (interface{}, *Context) {
		opts := NewJsonLdOptions("")
		opts.KeepScopedContexts = keep
		opts.Format = "application/n-quads"
		active, err := NewContext(nil, opts).Parse(doc()["@context"])
		if err != nil {
			t.Fatal(err)
		}
		var out interface{}
		for i := 0; i < 2; i++ {
			d := doc()
			d["@context"] = active
			out, err = NewJsonLdProcessor().ToRDF(d, opts)
			if err != nil {
				t.Fatal(err)
			}
		}
		return out, active
	}
	lines := func(v interface{}) []string {
		l := strings.Split(v.(string), "\n")
		sort.Strings(l)
		return l
	}
	want, _ := run(false)
	got, active := run(true)
	if !reflect.DeepEqual(lines(got), lines(want)) {
		t.Fatalf("with KeepScopedContexts:\n%v\nwithout:\n%v", got, want)
	}
	if n := len(active.scoped.m); n == 0 {
		t.Fatal("no scoped context was kept")
	}
}
