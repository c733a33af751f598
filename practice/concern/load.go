package concern

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/strictyaml"
)

// Problem is one reason a taxonomy file was refused, with its line.
type Problem = strictyaml.Problem

// Problems is every reason a taxonomy file was refused, ordered by line.
type Problems = strictyaml.Problems

// MaxSize is the largest taxonomy file Parse reads, in bytes; the shipped
// file is under 20 KiB.
const MaxSize = 256 << 10

// The shapes of what the file holds.
var (
	// idShape is a slug: lower-case letters and digits joined by single
	// hyphens.
	idShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// versionShape is "concerns-v" and a number.
	versionShape = regexp.MustCompile(`^concerns-v[1-9][0-9]*$`)
	// icd10cmShape is an ICD-10-CM code: a letter, two characters (the
	// second a digit or a letter, as in C4A), then optionally a dot and
	// one to four characters ("F52", "F52.21", "N94.1").
	icd10cmShape = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)
	// icd11Shape is an ICD-11 MMS code: a chapter character, a letter, a
	// digit and a character, then optionally a dot and one or two
	// characters ("6C72", "HA00", "HA01.1", "HA01.1Z"). ICD-11 uses
	// neither I nor O, to keep them apart from 1 and 0.
	icd11Shape = regexp.MustCompile(`^[0-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](\.[0-9A-HJ-NP-Z]{1,2})?$`)
)

// The file's shape, as YAML holds it. Pointers tell a field left out from
// a false one, where leaving it out is not allowed.
type fileTaxonomy struct {
	Version  string        `yaml:"version"`
	Sources  []fileSource  `yaml:"sources"`
	Areas    []fileArea    `yaml:"areas"`
	Concerns []fileConcern `yaml:"concerns"`
}

type fileSource struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
	Read  string `yaml:"read"`
	Note  string `yaml:"note"`
}

type fileArea struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

type fileConcern struct {
	ID         string     `yaml:"id"`
	Name       string     `yaml:"name"`
	Area       string     `yaml:"area"`
	Kind       string     `yaml:"kind"`
	DSM5TR     string     `yaml:"dsm5tr"`
	Specifiers []string   `yaml:"specifiers"`
	Sex        string     `yaml:"sex"`
	Anatomy    string     `yaml:"anatomy"`
	ICD10CM    []fileCode `yaml:"icd10cm"`
	ICD11      *fileICD11 `yaml:"icd11"`
	Notes      string     `yaml:"notes"`
	Sources    []string   `yaml:"sources"`
}

type fileCode struct {
	Code      string   `yaml:"code"`
	Title     string   `yaml:"title"`
	Use       string   `yaml:"use"`
	Confirmed *bool    `yaml:"confirmed"`
	Note      string   `yaml:"note"`
	Sources   []string `yaml:"sources"`
}

type fileICD11 struct {
	Code      string   `yaml:"code"`
	Title     string   `yaml:"title"`
	Subcodes  *bool    `yaml:"subcodes"`
	Confirmed *bool    `yaml:"confirmed"`
	Note      string   `yaml:"note"`
	Sources   []string `yaml:"sources"`
}

// Parse reads a taxonomy file and checks it: at most MaxSize bytes, one
// YAML document, no anchors or aliases, known fields only, and every entry
// complete and consistent (unique ids, known areas and sources, codes of
// the right shape, specifiers from the allowed set, an unconfirmed code
// with a note saying why). The file name is used only in messages. On
// failure the error is Problems, each with a line.
func Parse(file string, data []byte) (*Taxonomy, error) {
	var f fileTaxonomy
	top, ps := strictyaml.Load(file, data, &f, format)
	if len(ps) > 0 {
		return nil, ps
	}
	c := checker{file: file}
	t := c.taxonomy(top, &f)
	if len(c.ps) > 0 {
		c.ps.Sort()
		return nil, c.ps
	}
	return t, nil
}

// format is the taxonomy file, as strictyaml reads it.
var format = strictyaml.Format{
	Name: "a taxonomy file", Holds: "version, sources, areas and concerns",
	OnePerFile: "put one version of the taxonomy in each file", MaxSize: MaxSize,
}

// checker gathers the problems of one file.
type checker struct {
	file string
	ps   Problems
}

func (c *checker) add(line int, format string, args ...any) {
	c.ps = append(c.ps, Problem{File: c.file, Line: max(line, 1), Message: fmt.Sprintf(format, args...)})
}

// taxonomy checks f and builds the taxonomy; top locates the problems.
func (c *checker) taxonomy(top *yaml.Node, f *fileTaxonomy) *Taxonomy {
	t := &Taxonomy{file: c.file, version: f.Version, byID: map[string]int{}}
	switch {
	case strings.TrimSpace(f.Version) == "":
		c.add(line(top), "version is missing: name this version of the taxonomy, such as concerns-v1")
	case !versionShape.MatchString(f.Version):
		c.add(line(top, "version"), "version %q: write concerns-v and a number, such as concerns-v1", f.Version)
	}

	sourceLines := map[string]int{}
	if len(f.Sources) == 0 {
		c.add(line(top, "sources"), "sources is missing or empty: list where the taxonomy's facts come from")
	}
	sourceNodes := strictyaml.Items(strictyaml.Value(top, "sources"))
	for i, fs := range f.Sources {
		n := strictyaml.Item(sourceNodes, i)
		name := fmt.Sprintf("source %d", i+1)
		if c.id(n, fs.ID, name, "clinical-reference", sourceLines) {
			name = "source " + fs.ID
		}
		if strings.TrimSpace(fs.Title) == "" {
			c.add(line(n), "%s has no title: name the source so a reader can find it", name)
		}
		if fs.URL != "" && !strings.HasPrefix(fs.URL, "https://") {
			c.add(line(n, "url"), "%s: url %q must start with https://", name, fs.URL)
		}
		var read date.Date
		if fs.Read != "" {
			d, err := date.Parse(fs.Read)
			if err != nil {
				c.add(line(n, "read"), "%s: read %q is not a date in the form YYYY-MM-DD", name, fs.Read)
			}
			read = d
		}
		t.sources = append(t.sources, Source{ID: fs.ID, Title: fs.Title, URL: fs.URL, Read: read, Note: fs.Note})
	}

	areaLines := map[string]int{}
	if len(f.Areas) == 0 {
		c.add(line(top, "areas"), "areas is missing or empty: list the areas of sex therapy the concerns belong to")
	}
	areaNodes := strictyaml.Items(strictyaml.Value(top, "areas"))
	for i, fa := range f.Areas {
		n := strictyaml.Item(areaNodes, i)
		name := fmt.Sprintf("area %d", i+1)
		if c.id(n, fa.ID, name, "low-desire", areaLines) {
			name = "area " + fa.ID
		}
		if strings.TrimSpace(fa.Name) == "" {
			c.add(line(n), "%s has no name: say it as a practitioner reads it", name)
		}
		t.areas = append(t.areas, Area(fa))
	}

	if len(f.Concerns) == 0 {
		c.add(line(top, "concerns"), "concerns is missing or empty: list at least one concern")
	}
	concernLines := map[string]int{}
	used := map[string]bool{}
	concernNodes := strictyaml.Items(strictyaml.Value(top, "concerns"))
	for i := range f.Concerns {
		n := strictyaml.Item(concernNodes, i)
		k := c.concern(n, i, &f.Concerns[i], concernLines, areaLines, sourceLines)
		if _, dup := t.byID[k.ID]; k.ID != "" && !dup {
			t.byID[k.ID] = len(t.concerns)
		}
		used[k.Area] = true
		t.concerns = append(t.concerns, k)
	}
	for i, a := range t.areas {
		if a.ID != "" && !used[a.ID] && len(f.Concerns) > 0 {
			c.add(line(strictyaml.Item(areaNodes, i)), "area %s has no concern: add one, or remove the area", a.ID)
		}
	}
	return t
}

// id checks the id of an entry of a list, where seen maps the ids so far
// to their lines; it reports whether the id is usable in messages.
func (c *checker) id(n *yaml.Node, id, name, example string, seen map[string]int) bool {
	switch {
	case id == "":
		c.add(line(n), "%s has no id: give it one such as %s", name, example)
		return false
	case !idShape.MatchString(id):
		c.add(line(n, "id"), "%s: id %q must be lower-case letters and digits joined by single hyphens, such as %s", name, id, example)
		return false
	}
	if prev, ok := seen[id]; ok {
		c.add(line(n, "id"), "id %q is already used on line %d; ids must be unique", id, prev)
	} else {
		seen[id] = line(n, "id")
	}
	return true
}

// concern checks the i-th concern, at node n, and builds it.
func (c *checker) concern(n *yaml.Node, i int, fc *fileConcern, seen, areas, sources map[string]int) Concern {
	name := fmt.Sprintf("concern %d", i+1)
	if c.id(n, fc.ID, name, "erectile-disorder", seen) {
		name = "concern " + fc.ID
	}
	k := Concern{
		ID: fc.ID, Name: fc.Name, Area: fc.Area, Kind: Kind(fc.Kind), DSM5TR: fc.DSM5TR,
		Sex: Sex(fc.Sex), Anatomy: Anatomy(fc.Anatomy), Notes: fc.Notes,
		Sources: fc.Sources, Specifiers: []Specifier{}, ICD10CM: []Code{}, Line: line(n),
	}
	if strings.TrimSpace(fc.Name) == "" {
		c.add(line(n), "%s has no name: say it as a practitioner reads it", name)
	}
	switch _, ok := areas[fc.Area]; {
	case fc.Area == "":
		c.add(line(n), "%s has no area: use one of the areas listed (%s)", name, keys(areas))
	case !ok:
		c.add(line(n, "area"), "%s: unknown area %q; use one of %s", name, fc.Area, keys(areas))
	}
	switch k.Kind {
	case KindDisorder, KindConcern:
	case "":
		c.add(line(n), "%s has no kind: say disorder (a diagnosis) or concern (recorded, never diagnosed)", name)
	default:
		c.add(line(n, "kind"), "%s: unknown kind %q; use disorder or concern", name, fc.Kind)
	}
	c.sources(func(path ...string) int { return line(n, path...) }, fc.Sources, name, sources)

	// Specifiers: listed explicitly, from the allowed set, once each.
	if strictyaml.Value(n, "specifiers") == nil {
		c.add(line(n), "%s has no specifiers: list those that apply (onset, context, severity), or [] for none", name)
	}
	for _, s := range fc.Specifiers {
		sp := Specifier(s)
		switch {
		case !sp.Known():
			c.add(line(n, "specifiers"), "%s: unknown specifier %q; use onset, context or severity", name, s)
		case k.Takes(sp):
			c.add(line(n, "specifiers"), "%s: specifier %s is listed twice", name, s)
		default:
			k.Specifiers = append(k.Specifiers, sp)
		}
	}
	slices.SortStableFunc(k.Specifiers, func(a, b Specifier) int {
		return slices.Index(AllSpecifiers(), a) - slices.Index(AllSpecifiers(), b)
	})
	switch k.Sex {
	case AnySex, Female, Male:
	default:
		c.add(line(n, "sex"), "%s: unknown sex %q; use female or male, or leave it out when the criteria are for anyone", name, fc.Sex)
	}
	switch k.Anatomy {
	case AnyAnatomy, Penis, Vagina:
	default:
		c.add(line(n, "anatomy"), "%s: unknown anatomy %q; use penis or vagina, or leave it out", name, fc.Anatomy)
	}

	// ICD-10-CM codes.
	codeNodes := strictyaml.Items(strictyaml.Value(n, "icd10cm"))
	codes := map[string]bool{}
	primaries := 0
	for j, fk := range fc.ICD10CM {
		cn := strictyaml.Item(codeNodes, j)
		cname := fmt.Sprintf("%s, ICD-10-CM code %d", name, j+1)
		switch {
		case fk.Code == "":
			c.add(line(cn), "%s has no code", cname)
		case !icd10cmShape.MatchString(fk.Code):
			c.add(line(cn, "code"), "%s: %q is not an ICD-10-CM code; write a letter, two characters and optionally a dot and up to four more, such as F52.21", cname, fk.Code)
		default:
			cname = fmt.Sprintf("%s, ICD-10-CM %s", name, fk.Code)
			if codes[fk.Code] {
				c.add(line(cn, "code"), "%s is listed twice", cname)
			}
			codes[fk.Code] = true
		}
		switch Use(fk.Use) {
		case Primary:
			primaries++
			if primaries == 2 {
				c.add(line(cn, "use"), "%s: a concern has at most one primary code; mark the others organic or remove them", cname)
			}
			z := strings.HasPrefix(fk.Code, "Z")
			if k.Kind == KindConcern && fk.Code != "" && !z {
				c.add(line(cn, "code"), "%s: a concern is not a diagnosis, so its code must be a Z-code (factors influencing health status), or none", cname)
			}
			if k.Kind == KindDisorder && z {
				c.add(line(cn, "code"), "%s: a Z-code is not a diagnosis; a disorder's primary code names the disorder", cname)
			}
		case Organic:
			if k.Kind == KindConcern {
				c.add(line(cn, "use"), "%s: a concern has no organic alternative; only a disorder does", cname)
			}
		case "":
			c.add(line(cn), "%s has no use: say primary (the concern's own code) or organic (for a known physiological cause)", cname)
		default:
			c.add(line(cn, "use"), "%s: unknown use %q; use primary or organic", cname, fk.Use)
		}
		at := func(path ...string) int { return line(cn, path...) }
		confirmed := c.code(at, cname, fk.Title, fk.Confirmed, fk.Note, fk.Sources, sources)
		k.ICD10CM = append(k.ICD10CM, Code{
			System: ICD10CM, Code: fk.Code, Title: fk.Title, Use: Use(fk.Use),
			Confirmed: confirmed, Note: fk.Note, Sources: fk.Sources,
		})
	}
	// Primary first, then the organic alternatives, each in file order.
	slices.SortStableFunc(k.ICD10CM, func(a, b Code) int {
		return useRank(a.Use) - useRank(b.Use)
	})
	if k.Kind == KindDisorder && primaries == 0 {
		c.add(line(n, "icd10cm"), "%s: a disorder needs one ICD-10-CM code with use: primary", name)
	}

	// ICD-11 code.
	if fi := fc.ICD11; fi != nil {
		at := func(path ...string) int { return line(n, append([]string{"icd11"}, path...)...) }
		iname := name + ", ICD-11 code"
		switch {
		case fi.Code == "":
			c.add(at(), "%s has no code", iname)
		case !icd11Shape.MatchString(fi.Code):
			c.add(at("code"), "%s: %q is not an ICD-11 code; write four characters and optionally a dot and one or two more, such as HA01.1 or 6C72 (no I or O)", iname, fi.Code)
		default:
			iname = name + ", ICD-11 " + fi.Code
		}
		if fi.Subcodes == nil {
			c.add(at(), "%s has no subcodes: say true when its subcodes encode onset and context (.x0 to .x3, .xZ), false otherwise", iname)
		} else if *fi.Subcodes {
			if !k.Takes(OnsetSpecifier) || !k.Takes(ContextSpecifier) {
				c.add(at("subcodes"), "%s: subcodes are derived from onset and context, so the concern must take both specifiers", iname)
			}
			if _, after, dot := strings.Cut(fi.Code, "."); icd11Shape.MatchString(fi.Code) && dot && len(after) != 1 {
				c.add(at("subcodes"), "%s: a subcode adds one character, so the code must be a stem (HA00) or have one character after its dot (HA01.1)", iname)
			}
			k.ICD11Subcodes = true
		}
		confirmed := c.code(at, iname, fi.Title, fi.Confirmed, fi.Note, fi.Sources, sources)
		k.ICD11 = &Code{System: ICD11, Code: fi.Code, Title: fi.Title, Confirmed: confirmed, Note: fi.Note, Sources: fi.Sources}
	}

	// What a disorder has and a concern has not.
	switch k.Kind {
	case KindDisorder:
		if strings.TrimSpace(k.DSM5TR) == "" && strings.TrimSpace(k.Notes) == "" {
			c.add(line(n), "%s: a disorder without a DSM-5-TR name needs notes saying why it has none", name)
		}
	case KindConcern:
		if k.DSM5TR != "" {
			c.add(line(n, "dsm5tr"), "%s: a concern is not a diagnosis and has no DSM-5-TR name; put DSM wording in notes", name)
		}
		if len(k.Specifiers) > 0 {
			c.add(line(n, "specifiers"), "%s: a concern is not a diagnosis and takes no specifiers; write specifiers: []", name)
		}
		if k.Sex != AnySex || k.Anatomy != AnyAnatomy {
			c.add(line(n), "%s: a concern applies to anyone; leave out sex and anatomy", name)
		}
	}
	return k
}

// code checks what every code has: a title, sources, whether it is
// confirmed and a note when it is not; it returns whether it is confirmed.
// at gives the line of a path under the code.
func (c *checker) code(at func(...string) int, name, title string, confirmed *bool, note string, ids []string, sources map[string]int) bool {
	if strings.TrimSpace(title) == "" {
		c.add(at(), "%s has no title: give the classification's title for it", name)
	}
	c.sources(at, ids, name, sources)
	if confirmed == nil {
		c.add(at(), "%s has no confirmed: say true when a source confirms the code, or false with a note saying why not", name)
		return false
	}
	if !*confirmed && strings.TrimSpace(note) == "" {
		c.add(at("confirmed"), "%s is not confirmed: add a note saying why, and what to check", name)
	}
	return *confirmed
}

// sources checks a list of source ids; at gives the line of a path under
// the entry citing them.
func (c *checker) sources(at func(...string) int, ids []string, name string, sources map[string]int) {
	if len(ids) == 0 {
		c.add(at(), "%s has no sources: cite the ids of the sources it comes from", name)
	}
	for _, id := range ids {
		if _, ok := sources[id]; !ok {
			c.add(at("sources"), "%s: unknown source %q; cite one of %s", name, id, keys(sources))
		}
	}
}

func useRank(u Use) int {
	if u == Primary {
		return 0
	}
	return 1
}

// keys returns the keys of m in the order of their lines.
func keys(m map[string]int) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return m[ks[i]] < m[ks[j]] })
	if len(ks) == 0 {
		return "(none listed)"
	}
	return strings.Join(ks, ", ")
}

// line returns the line of the key at the end of path under n (where a
// scalar value also is, and which a block of values follows), or of the
// deepest node of the path that exists; 1 when there is none.
func line(n *yaml.Node, path ...string) int {
	l := 0
	if n != nil {
		l = n.Line
	}
	for _, k := range path {
		key, v := strictyaml.Entry(n, k)
		if v == nil {
			break
		}
		l, n = key.Line, v
	}
	return max(l, 1)
}
