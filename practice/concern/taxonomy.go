// Package concern holds the taxonomy of sexual concerns that practice mode
// records on a client's case, and the diagnoses made from it. The taxonomy
// is data (taxonomy.yaml, embedded and versioned): each concern has a
// stable id, its area of sex therapy, its kind (a disorder, which is a
// diagnosis, or a concern, which is not), its DSM-5-TR name, its ICD-10-CM
// and ICD-11 codes, each marked confirmed or not, the specifiers that apply
// and the sources of every fact. A Diagnosis names a concern and its
// specifiers (onset, context, severity); Check says what is wrong with one,
// naming the field, and Codes gives its codes, the ICD-11 subcode derived
// from onset and context. The package is pure: no I/O, no clock.
package concern

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/certboard/certboard/date"
)

// Kind says whether a concern is a diagnosis.
type Kind string

// The kinds of concern.
const (
	// KindDisorder is a disorder: a diagnosis, with its codes and the
	// specifiers that apply.
	KindDisorder Kind = "disorder"
	// KindConcern is recorded as a concern, never as a diagnosis: it takes
	// no specifiers, and only a Z-code of ICD-10-CM where one is used.
	KindConcern Kind = "concern"
)

// Specifier names one of the specifiers a disorder may take.
type Specifier string

// The specifiers, in the order a diagnosis lists them.
const (
	// OnsetSpecifier is lifelong or acquired.
	OnsetSpecifier Specifier = "onset"
	// ContextSpecifier is generalised or situational.
	ContextSpecifier Specifier = "context"
	// SeveritySpecifier is mild, moderate or severe.
	SeveritySpecifier Specifier = "severity"
)

// AllSpecifiers lists every specifier, in order.
func AllSpecifiers() []Specifier {
	return []Specifier{OnsetSpecifier, ContextSpecifier, SeveritySpecifier}
}

// Known says whether s is one of AllSpecifiers.
func (s Specifier) Known() bool { return slices.Contains(AllSpecifiers(), s) }

// Sex is the sex the DSM-5-TR criteria of a disorder are written for; ""
// when they are written for anyone.
type Sex string

// The sexes a disorder may be written for.
const (
	AnySex Sex = ""
	Female Sex = "female"
	Male   Sex = "male"
)

// Anatomy is the organ a disorder's criteria rest on; "" when none.
type Anatomy string

// The anatomies a disorder's criteria may rest on.
const (
	AnyAnatomy Anatomy = ""
	Penis      Anatomy = "penis"
	Vagina     Anatomy = "vagina"
)

// System is a classification a code belongs to.
type System string

// The classifications of the taxonomy's codes.
const (
	ICD10CM System = "ICD-10-CM"
	ICD11   System = "ICD-11"
)

// Use says what an ICD-10-CM code of a concern is for.
type Use string

// The uses of an ICD-10-CM code.
const (
	// Primary is the code of the concern itself.
	Primary Use = "primary"
	// Organic is a code for when a known physiological condition or a
	// substance causes the problem: not the concern's own diagnosis, but
	// one the treating physician codes.
	Organic Use = "organic"
)

// Code is one code of a concern, or of a diagnosis.
type Code struct {
	// System is the classification: ICD-10-CM or ICD-11.
	System System `json:"system"`
	// Code is the code as the classification writes it ("F52.21", "HA01.12").
	Code string `json:"code"`
	// Title is the classification's title for the code.
	Title string `json:"title"`
	// Use says what an ICD-10-CM code is for; "" for ICD-11.
	Use Use `json:"use,omitempty"`
	// Confirmed says whether the code is confirmed by its sources. An
	// unconfirmed code must never be presented as confirmed; Note says
	// why it is not.
	Confirmed bool `json:"confirmed"`
	// Note qualifies the code; always set when it is not confirmed.
	Note string `json:"note,omitempty"`
	// Sources are the ids of the sources the code comes from.
	Sources []string `json:"sources"`
}

// Concern is one entry of the taxonomy.
type Concern struct {
	// ID is the concern's stable id ("erectile-disorder"); a case stores
	// the id, never the name.
	ID string `json:"id"`
	// Name is the concern as a practitioner reads it.
	Name string `json:"name"`
	// Area is the id of the area of sex therapy the concern belongs to.
	Area string `json:"area"`
	// Kind says whether the concern is a disorder (a diagnosis).
	Kind Kind `json:"kind"`
	// DSM5TR is the DSM-5-TR name of a disorder; "" when DSM-5-TR has none
	// (Notes says so) and for every concern that is not a disorder.
	DSM5TR string `json:"dsm5tr,omitempty"`
	// Specifiers are the specifiers the concern takes, in order; none for
	// a concern that is not a disorder.
	Specifiers []Specifier `json:"specifiers"`
	// Sex is the sex the DSM-5-TR criteria are written for; "" for any.
	Sex Sex `json:"sex,omitempty"`
	// Anatomy is the organ the criteria rest on; "" for none.
	Anatomy Anatomy `json:"anatomy,omitempty"`
	// ICD10CM are the ICD-10-CM codes: at most one Primary (exactly one
	// for a disorder), then any Organic alternatives.
	ICD10CM []Code `json:"icd10cm"`
	// ICD11 is the ICD-11 code; nil when none is given.
	ICD11 *Code `json:"icd11,omitempty"`
	// ICD11Subcodes says that ICD11's subcodes encode onset and context
	// (.x0 lifelong generalised, .x1 lifelong situational, .x2 acquired
	// generalised, .x3 acquired situational, .xZ unspecified).
	ICD11Subcodes bool `json:"icd11_subcodes"`
	// Notes say what a practitioner should know about the entry.
	Notes string `json:"notes,omitempty"`
	// Sources are the ids of the sources of the entry's name, kind and
	// specifiers.
	Sources []string `json:"sources"`
	// Line is the entry's line in its file.
	Line int `json:"-"`
}

// IsDisorder says whether the concern is a disorder, and so a diagnosis.
func (c Concern) IsDisorder() bool { return c.Kind == KindDisorder }

// Takes says whether the concern takes the specifier s.
func (c Concern) Takes(s Specifier) bool { return slices.Contains(c.Specifiers, s) }

// Primary returns the concern's primary ICD-10-CM code, if it has one.
func (c Concern) Primary() (Code, bool) {
	for _, k := range c.ICD10CM {
		if k.Use == Primary {
			return k, true
		}
	}
	return Code{}, false
}

// clone returns a copy of c that shares no slice with it.
func (c Concern) clone() Concern {
	c.Specifiers = slices.Clone(c.Specifiers)
	c.Sources = slices.Clone(c.Sources)
	codes := make([]Code, len(c.ICD10CM))
	for i, k := range c.ICD10CM {
		codes[i] = k.clone()
	}
	c.ICD10CM = codes
	if c.ICD11 != nil {
		k := c.ICD11.clone()
		c.ICD11 = &k
	}
	return c
}

func (k Code) clone() Code {
	k.Sources = slices.Clone(k.Sources)
	return k
}

// Source is where facts of the taxonomy come from.
type Source struct {
	// ID is how entries cite the source.
	ID string `json:"id"`
	// Title names the source.
	Title string `json:"title"`
	// URL is where the source can be read; "" for a printed one.
	URL string `json:"url,omitempty"`
	// Read is the day the source was read for this version; zero when it
	// was not read first-hand (Note says so).
	Read date.Date `json:"read,omitzero"`
	// Note says what the source gives, and how far it was consulted.
	Note string `json:"note,omitempty"`
}

// Area is an area of sex therapy: one of the concerns the field names,
// which groups the taxonomy's entries.
type Area struct {
	// ID is the area's stable id ("low-desire").
	ID string `json:"id"`
	// Name is the area as a practitioner reads it.
	Name string `json:"name"`
}

// Taxonomy is one version of the taxonomy. It is immutable: its methods
// return copies.
type Taxonomy struct {
	file     string
	version  string
	sources  []Source
	areas    []Area
	concerns []Concern
	byID     map[string]int
}

// File is the name the taxonomy was parsed under.
func (t *Taxonomy) File() string { return t.file }

// Version names this version of the taxonomy ("concerns-v1"); a case
// records it beside the concern ids it uses.
func (t *Taxonomy) Version() string { return t.version }

// Sources returns the taxonomy's sources, in file order.
func (t *Taxonomy) Sources() []Source { return slices.Clone(t.sources) }

// Source returns the source with the id, if there is one.
func (t *Taxonomy) Source(id string) (Source, bool) {
	for _, s := range t.sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// Areas returns the areas of sex therapy, in file order.
func (t *Taxonomy) Areas() []Area { return slices.Clone(t.areas) }

// Concerns returns every concern, in file order.
func (t *Taxonomy) Concerns() []Concern {
	out := make([]Concern, len(t.concerns))
	for i, c := range t.concerns {
		out[i] = c.clone()
	}
	return out
}

// InArea returns the concerns of the area, in file order; none for an
// unknown area.
func (t *Taxonomy) InArea(area string) []Concern {
	var out []Concern
	for _, c := range t.concerns {
		if c.Area == area {
			out = append(out, c.clone())
		}
	}
	return out
}

// IDs returns every concern's id, in file order.
func (t *Taxonomy) IDs() []string {
	out := make([]string, len(t.concerns))
	for i, c := range t.concerns {
		out[i] = c.ID
	}
	return out
}

// Lookup returns the concern with the id, if there is one.
func (t *Taxonomy) Lookup(id string) (Concern, bool) {
	i, ok := t.byID[id]
	if !ok {
		return Concern{}, false
	}
	return t.concerns[i].clone(), true
}

// DefaultFile is the name of the embedded taxonomy file.
const DefaultFile = "taxonomy.yaml"

//go:embed taxonomy.yaml
var embedded []byte

var loadDefault = sync.OnceValues(func() (*Taxonomy, error) { return Parse(DefaultFile, embedded) })

// Default returns the taxonomy certboard ships, parsed the first time it
// is asked for. The file is checked by the package's tests, so a file that
// does not parse is a defect of the build: Default panics with its
// problems.
func Default() *Taxonomy {
	t, err := loadDefault()
	if err != nil {
		panic(fmt.Sprintf("concern: the embedded taxonomy does not load:\n%v", err))
	}
	return t
}
