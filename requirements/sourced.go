package requirements

import (
	"fmt"
	"strings"
)

// CheckSourced lists, each with the file and line it concerns, what s
// lacks under the rule the sets certboard ships must follow (the loader
// does not ask it, so that boards' own sets may cite nothing):
//
//   - version_by is given;
//   - every source has an id, a retrieved date and primary;
//   - effective_from has an effective_cite, or a confidence entry
//     "set.effective_from" with status unconfirmed;
//   - every requirement, degree route, cap and minimum has a cite;
//   - a cite of a third-party source (primary: false) in a requirement, its
//     routes, caps or minimums is matched by a confidence entry with status
//     unconfirmed whose figure starts with the requirement's id.
//
// The result is empty when s follows the rule.
func (s *Set) CheckSourced() Problems {
	var ps Problems
	fail := func(line int, format string, args ...any) {
		if line <= 0 {
			line = 1
		}
		ps = append(ps, Problem{File: s.File, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if s.VersionBy == "" {
		fail(s.line("version"), "version_by is not given: say whether version %q is the body's own label (body) or a certboard draft label (certboard)", s.Version)
	}
	for i, src := range s.Sources {
		var missing []string
		if src.ID == "" {
			missing = append(missing, "id")
		}
		if src.Retrieved.IsZero() {
			missing = append(missing, "retrieved (the date it was read)")
		}
		if src.Primary == nil {
			missing = append(missing, "primary (true for the body's own text, false for a third party's)")
		}
		if len(missing) > 0 {
			fail(src.Line, "sources[%d] (%s) lacks %s", i, src.Title, strings.Join(missing, ", "))
		}
	}
	if len(s.EffectiveCite) == 0 && !s.EffectiveUnconfirmed() {
		fail(s.line("effective_from"), "effective_from %s has no effective_cite; cite where the date comes from, or add a confidence entry with figure set.effective_from and status unconfirmed", s.EffectiveFrom)
	}
	for _, r := range s.Requirements {
		if r == nil {
			continue
		}
		unconfirmed := s.unconfirmed(r.ID)
		check := func(what string, line int, cs []Citation) {
			if len(cs) == 0 {
				fail(line, "%s has no cite: say which source, section and words it comes from", what)
				return
			}
			if unconfirmed {
				return
			}
			for k, c := range cs {
				if src := s.Source(c.Source); src != nil && src.ThirdParty() {
					fail(c.Line, "%s: cite[%d] is of a third party's document (source %s, primary: false); add a confidence entry with a figure starting %q and status unconfirmed", what, k, c.Source, r.ID)
				}
			}
		}
		check("requirement "+r.ID, r.Line, r.Cite)
		for j, rt := range r.Routes {
			check(fmt.Sprintf("requirement %s, route %d (%s)", r.ID, j+1, rt.Title), rt.Line, rt.Cite)
		}
		for _, b := range r.Minimums {
			check(fmt.Sprintf("requirement %s, minimum %s", r.ID, b.ID), b.Line, b.Cite)
		}
		for _, c := range r.Caps {
			check(fmt.Sprintf("requirement %s, cap %s", r.ID, c.ID), c.Line, c.Cite)
		}
	}
	ps.Sort()
	return ps
}

// unconfirmed reports whether a confidence entry with status unconfirmed is
// about requirement id (its figure is the id, or starts with the id and a
// dot).
func (s *Set) unconfirmed(id string) bool {
	for _, c := range s.Confidence {
		head, _, _ := strings.Cut(c.Figure, ".")
		if c.Status == "unconfirmed" && head == id {
			return true
		}
	}
	return false
}
