package requirements

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/certboard/certboard/date"
)

//go:embed sets/*.yaml
var shippedFiles embed.FS

// Catalog holds requirement sets by id, each id with one or more versions
// whose effective periods do not overlap.
type Catalog struct {
	byID map[string][]*Set // sorted by EffectiveFrom
}

// NewCatalog builds a catalog, rejecting two versions of one id whose
// effective periods overlap.
func NewCatalog(sets ...*Set) (*Catalog, error) {
	r := &Catalog{byID: map[string][]*Set{}}
	for _, s := range sets {
		r.byID[s.ID] = append(r.byID[s.ID], s)
	}
	var ps Problems
	for id, vs := range r.byID {
		sort.Slice(vs, func(i, j int) bool { return vs[i].EffectiveFrom.Before(vs[j].EffectiveFrom) })
		for i := 1; i < len(vs); i++ {
			prev := vs[i-1]
			if prev.EffectiveTo.IsZero() || !prev.EffectiveTo.Before(vs[i].EffectiveFrom) {
				ps = append(ps, Problem{File: vs[i].File, Line: 1, Message: fmt.Sprintf("set %s version %s overlaps version %s (%s); end the earlier version with effective_to before %s", id, vs[i].Version, prev.Version, prev.File, vs[i].EffectiveFrom)})
			}
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return r, nil
}

var (
	shippedOnce sync.Once
	shipped     *Catalog
	shippedErr  error
)

// Shipped returns the catalog of the sets embedded in the binary.
func Shipped() (*Catalog, error) {
	shippedOnce.Do(func() {
		var sets []*Set
		var ps Problems
		err := fs.WalkDir(shippedFiles, "sets", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(p) != ".yaml" {
				return err
			}
			data, err := shippedFiles.ReadFile(p)
			if err != nil {
				return err
			}
			s, err := Parse(p, data)
			if err != nil {
				if more, ok := err.(Problems); ok {
					ps = append(ps, more...)
					return nil
				}
				return err
			}
			sets = append(sets, s)
			return nil
		})
		switch {
		case err != nil:
			shippedErr = err
		case len(ps) > 0:
			shippedErr = ps
		default:
			shipped, shippedErr = NewCatalog(sets...)
		}
	})
	return shipped, shippedErr
}

// IDs returns every set id, sorted.
func (r *Catalog) IDs() []string {
	ids := make([]string, 0, len(r.byID))
	for id := range r.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Versions returns every version of a set, oldest first.
func (r *Catalog) Versions(id string) []*Set { return r.byID[id] }

// Version returns version v of set id, or nil when the catalog does not
// hold it.
func (r *Catalog) Version(id, v string) *Set {
	for _, s := range r.byID[id] {
		if s.Version == v {
			return s
		}
	}
	return nil
}

// Latest returns the newest version of a set, or nil.
func (r *Catalog) Latest(id string) *Set {
	vs := r.byID[id]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// At returns the version of a set in force on day, or an error saying which
// versions exist.
func (r *Catalog) At(id string, day date.Date) (*Set, error) {
	vs := r.byID[id]
	if len(vs) == 0 {
		return nil, fmt.Errorf("no requirement set has id %q; run 'certboard requirements list' to see them", id)
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if day.Within(vs[i].EffectiveFrom, vs[i].EffectiveTo) {
			return vs[i], nil
		}
	}
	return nil, fmt.Errorf("no version of %s was in force on %s (the first took effect %s)", id, day, vs[0].EffectiveFrom)
}

// With returns a new catalog holding r's sets and s; r is not changed. A
// new version supersedes an open-ended one: when the newest version of s's
// id has no effective_to and took effect before s, the new catalog holds a
// copy of it that ends the day before s takes effect. Any other overlap of
// effective periods is refused as NewRegistry refuses it, and so is a
// version string the id already has.
func (r *Catalog) With(s *Set) (*Catalog, error) {
	var sets []*Set
	for id, vs := range r.byID {
		for i, v := range vs {
			if id == s.ID && i == len(vs)-1 && v.EffectiveTo.IsZero() && v.EffectiveFrom.Before(s.EffectiveFrom) {
				ended := *v
				ended.EffectiveTo = s.EffectiveFrom.AddDays(-1)
				ended.compiled = &compiledForm{} // a new set, compiled anew
				v = &ended
			}
			if id == s.ID && v.Version == s.Version {
				return nil, Problems{{File: s.File, Line: 1, Message: fmt.Sprintf("set %s already has a version %q (%s); give the new one another version", s.ID, s.Version, v.File)}}
			}
			sets = append(sets, v)
		}
	}
	return NewCatalog(append(sets, s)...)
}
