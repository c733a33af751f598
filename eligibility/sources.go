package eligibility

import (
	"fmt"
	"strings"

	"github.com/certboard/certboard/requirements"
)

// sourcesOf resolves the citations of a requirement and of its routes,
// minimums and caps to the documents of its set, in that order. A citation
// naming no source of the set (the loader refuses one; a set built in code
// may hold one) is left out.
func sourcesOf(set *requirements.Set, r *requirements.Requirement) []Source {
	var out []Source
	add := func(part string, cs []requirements.Citation) {
		for _, c := range cs {
			src := set.Source(c.Source)
			if src == nil {
				continue
			}
			s := Source{For: part, Title: src.Title, URL: src.URL, Edition: src.Edition, Retrieved: src.Retrieved,
				Section: c.Section, Quote: strings.Join(strings.Fields(c.Quote), " ")}
			if src.Primary != nil {
				primary := *src.Primary
				s.Primary = &primary
			}
			out = append(out, s)
		}
	}
	add("", r.Cite)
	for i, rt := range r.Routes {
		add("route: "+or(rt.Title, fmt.Sprintf("route %d", i+1)), rt.Cite)
	}
	for _, b := range r.Minimums {
		add("minimum: "+or(b.Title, b.ID), b.Cite)
	}
	for _, c := range r.Caps {
		add("cap: "+or(c.Title, c.ID), c.Cite)
	}
	return out
}

// or returns s, or alt when s is empty.
func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
