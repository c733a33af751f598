package eligibility

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard/requirements"
)

// sourcesOf resolves the citations of a requirement and of its routes,
// minimums and caps to the documents of its set, in that order. A citation
// naming no source of the set (the loader refuses one; a set built in code
// may hold one) is left out.
func sourcesOf(set *requirements.Set, r *requirements.Requirement) []Source {
	n := len(r.Cite)
	for _, rt := range r.Routes {
		n += len(rt.Cite)
	}
	for _, b := range r.Minimums {
		n += len(b.Cite)
	}
	for _, c := range r.Caps {
		n += len(c.Cite)
	}
	if n == 0 {
		return nil
	}
	out := make([]Source, 0, n)
	// Each source gets its own copy of the primary flag, all in one array.
	primaries := make([]bool, 0, n)
	add := func(part string, cs []requirements.Citation) {
		for _, c := range cs {
			src := set.Source(c.Source)
			if src == nil {
				continue
			}
			s := Source{For: part, Title: src.Title, URL: src.URL, Edition: src.Edition, Retrieved: src.Retrieved,
				Section: c.Section, Quote: oneLine(c.Quote)}
			if src.Primary != nil {
				primaries = append(primaries, *src.Primary)
				s.Primary = &primaries[len(primaries)-1]
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
	if len(out) == 0 {
		return nil
	}
	return out
}

// oneLine joins the words of s with single spaces, as the quote of a
// report shows them; s itself when it is written so already.
func oneLine(s string) string {
	clean := len(s) > 0 && s[0] != ' ' && s[len(s)-1] != ' '
	for i := 0; clean && i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			clean = s[i+1] != ' '
		case unicode.IsSpace(r):
			clean = false // a tab, a newline or another space
		}
		i += size
	}
	if clean {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// or returns s, or alt when s is empty.
func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
