// Package scope decides a practitioner's scope of practice from the
// credentials they attach: which PLISSIT stages they may work, and why.
//
// Four parts, each usable alone:
//
//   - the scope map (scope.yaml, embedded, version scope-v1): what each kind
//     of credential allows, recognised by the Open Badges 3.0 achievement the
//     credential carries, with a baseline every practitioner may work
//     (Shipped, Parse, Map.Classify);
//   - the trust list (TrustList): the issuers the practice trusts, each for
//     the kinds of credential (the map's types) it may vouch for, since a
//     credential's achievement is only what its issuer says it is;
//   - the verification adapter: Check judges the issuer a credential names
//     against the trust list before fetching anything, then runs certboard's
//     verifier on it (either proof format), requires it to be the
//     practitioner's and reads its standing (active, suspended, revoked,
//     expired, untrusted) and when to check it again; Attach is Check for a
//     credential being attached, refusing any that is not active;
//   - pure decisions: Allowed (what a practitioner may work now, with the
//     trust list as it stands, and why), Scope.Permits (may they work one
//     stage) and Changed (whether a new judgement, compared with the last,
//     means their open Intensive Therapy cases must be flagged for review).
//
// Nothing here touches a store or reads a clock: times are arguments, and
// fetching goes through the function the caller gives (see verifier.Fetch).
package scope

import (
	_ "embed"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/strictyaml"
	"github.com/certboard/certboard/practice/plissit"
)

// Stage is a stage of the PLISSIT model: the practice's one definition,
// plissit.Stage, which the scope map names.
type Stage = plissit.Stage

// The PLISSIT stages, in the model's order (plissit's constants).
const (
	Permission          = plissit.Permission
	LimitedInformation  = plissit.LimitedInformation
	SpecificSuggestions = plissit.SpecificSuggestions
	IntensiveTherapy    = plissit.IntensiveTherapy
)

// Stages returns the PLISSIT stages in the model's order.
func Stages() []Stage { return plissit.Stages() }

// stageList is every stage's id, for messages.
func stageList() string {
	stages := Stages()
	ids := make([]string, len(stages))
	for i, st := range stages {
		ids[i] = string(st)
	}
	return strings.Join(ids, ", ")
}

// Map is one version of the scope map: what every practitioner may work,
// and what each kind of credential adds while it is current.
type Map struct {
	// Version names this version of the map ("scope-v1").
	Version string `yaml:"version"`
	// Effective is the date from which this version applies.
	Effective date.Date `yaml:"effective"`
	// Baseline is what every practitioner may work, with no credential.
	Baseline Baseline `yaml:"baseline"`
	// Types are the kinds of credential the map knows, in file order.
	Types []Type `yaml:"types"`
	// File is the name the map was parsed under, for messages.
	File string `yaml:"-"`
}

// Baseline is what every practitioner may work.
type Baseline struct {
	// Stages are the stages anyone may work.
	Stages []Stage `yaml:"stages"`
	// Says is the baseline in a sentence a person reads.
	Says string `yaml:"says"`
	// Sources are where it comes from.
	Sources []Source `yaml:"sources"`
}

// Type is one kind of credential and what it allows.
type Type struct {
	// ID names the type; for a certboard credential it is the id of the
	// requirement set it was issued under ("aasect-cst").
	ID string `yaml:"id"`
	// Name is the credential's name in messages.
	Name string `yaml:"name"`
	// Stages are the stages a current credential of this type allows.
	Stages []Stage `yaml:"stages"`
	// Says is what the type allows, in a sentence a person reads.
	Says string `yaml:"says"`
	// Sources are where it comes from.
	Sources []Source `yaml:"sources"`
	// Match lists the achievements that are credentials of this type; a
	// credential is of the type when any rule matches.
	Match []Match `yaml:"match"`
	// Line is the type's line in its file.
	Line int `yaml:"-"`
}

// Allows reports whether a current credential of the type allows stage.
func (t *Type) Allows(stage Stage) bool { return slices.Contains(t.Stages, stage) }

// Source is a document a fact comes from.
type Source struct {
	// Title cites it.
	Title string `yaml:"title"`
	// URL optionally is where to read it.
	URL string `yaml:"url,omitempty"`
}

// Match recognises an achievement: its name (compared ignoring case and
// runs of white space) and, when HumanCode is given, its humanCode too
// (compared exactly).
type Match struct {
	// HumanCode optionally is the achievement's humanCode ("CST").
	HumanCode string `yaml:"human_code,omitempty"`
	// AchievementName is the achievement's name.
	AchievementName string `yaml:"achievement_name"`
}

// Achievement is what a credential says it awards, as Open Badges 3.0
// names it.
type Achievement struct {
	// ID is the achievement's id (a URI); a certboard board makes it
	// <board URL>/achievements/<code>.
	ID string `json:"id"`
	// Name is the achievement's name.
	Name string `json:"name"`
	// HumanCode is its humanCode, "" when none is given.
	HumanCode string `json:"human_code,omitempty"`
	// AchievementType is its achievementType ("Certification"), "" when
	// none is given.
	AchievementType string `json:"achievement_type,omitempty"`
}

// Classify returns the type an achievement is a credential of, or nil when
// the map knows none. The loader makes sure at most one type matches. The
// achievement is what the credential says of itself: it counts only from
// an issuer the trust list trusts for the type (see TrustList, Allowed).
func (m *Map) Classify(a Achievement) *Type {
	name := fold(a.Name)
	if name == "" {
		return nil
	}
	for i := range m.Types {
		for _, r := range m.Types[i].Match {
			if fold(r.AchievementName) == name && (r.HumanCode == "" || r.HumanCode == strings.TrimSpace(a.HumanCode)) {
				return &m.Types[i]
			}
		}
	}
	return nil
}

// Type returns the type with the given id, or nil.
func (m *Map) Type(id string) *Type {
	for i := range m.Types {
		if m.Types[i].ID == id {
			return &m.Types[i]
		}
	}
	return nil
}

// fold lower-cases s and collapses its runs of white space to one space.
func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Problem is one reason a map file was rejected, with its line.
type Problem = strictyaml.Problem

// Problems is every reason a map file was rejected, ordered by line.
type Problems = strictyaml.Problems

// MaxSize is the largest map file Parse reads, in bytes; the shipped one
// is under 8 KiB.
const MaxSize = 64 << 10

//go:embed scope.yaml
var shipped []byte

// ShippedFile is the name of the shipped map file.
const ShippedFile = "scope.yaml"

// Shipped parses the scope map certboard ships.
func Shipped() (*Map, error) { return Parse(ShippedFile, shipped) }

var idShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads a map file and checks it: known fields only, one YAML
// document, no anchors or aliases, at most MaxSize bytes; a version, an
// effective date, a baseline and at least one type; known stages only,
// none twice; every type with a unique id, a name, stages that include the
// baseline's, a sentence, a source and match rules; each rule with an
// achievement name, and no name in two types. The file name is used only
// in messages. On failure the error is Problems, each with a line.
func Parse(file string, data []byte) (*Map, error) {
	var m Map
	top, ps := strictyaml.Load(file, data, &m, format, "effective")
	if len(ps) > 0 {
		return nil, ps
	}
	m.File = file
	typeNodes := strictyaml.Items(strictyaml.Value(top, "types"))
	for i := range m.Types {
		if n := strictyaml.Item(typeNodes, i); n != nil {
			m.Types[i].Line = n.Line
		}
	}
	if ps := check(file, top, typeNodes, &m); len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	return &m, nil
}

// format is the map file, as strictyaml reads it.
var format = strictyaml.Format{
	Name: "a scope map", Holds: "version, effective, baseline and types",
	OnePerFile: "put one version of the map in each file", MaxSize: MaxSize,
}

// check validates a parsed map; top and typeNodes locate the problems.
func check(file string, top *yaml.Node, typeNodes []*yaml.Node, m *Map) Problems {
	var ps Problems
	add := func(line int, format string, args ...any) {
		ps = append(ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(m.Version) == "" {
		add(at(top, "version"), "version is missing: name this version of the map (\"scope-v1\")")
	}
	if m.Effective.IsZero() {
		add(at(top, "effective"), "effective is missing: the date from which the map applies (YYYY-MM-DD)")
	}
	if strictyaml.Value(top, "baseline") == nil {
		add(1, "baseline is missing: the stages every practitioner may work, with says and sources")
	} else {
		b := m.Baseline
		stages(add, at(top, "baseline", "stages"), "baseline", b.Stages)
		if strings.TrimSpace(b.Says) == "" {
			add(at(top, "baseline"), "baseline has no says: what every practitioner may work, in a sentence a person reads")
		}
		sources(add, at(top, "baseline"), "baseline", b.Sources)
	}
	if len(m.Types) == 0 {
		add(at(top, "types"), "types is missing or empty: list at least one kind of credential")
	}
	seenID := map[string]int{}
	seenName := map[string]string{} // folded achievement name -> type id
	for i := range m.Types {
		t := &m.Types[i]
		var n *yaml.Node
		if i < len(typeNodes) {
			n = typeNodes[i]
		}
		line := func(path ...string) int { return at(n, path...) }
		name := fmt.Sprintf("type %d", i+1)
		switch {
		case t.ID == "":
			add(line(), "%s has no id: give it the id of the requirement set its credentials are issued under, such as aasect-cst", name)
		case !idShape.MatchString(t.ID):
			add(line("id"), "type id %q: use lower-case letters and digits joined by single hyphens", t.ID)
		default:
			name = "type " + t.ID
			if prev, ok := seenID[t.ID]; ok {
				add(line("id"), "type id %q is already used on line %d", t.ID, prev)
			} else {
				seenID[t.ID] = line("id")
			}
		}
		if strings.TrimSpace(t.Name) == "" {
			add(line(), "%s has no name: the credential's name as messages show it", name)
		}
		if stages(add, line("stages"), name, t.Stages) {
			for _, s := range m.Baseline.Stages {
				if s.Known() && !t.Allows(s) {
					add(line("stages"), "%s: stages leaves out %s, which every practitioner may work; list the baseline's stages too", name, s)
				}
			}
		}
		if strings.TrimSpace(t.Says) == "" {
			add(line(), "%s has no says: what the credential allows, in a sentence a person reads", name)
		}
		sources(add, line(), name, t.Sources)
		if len(t.Match) == 0 {
			add(line(), "%s has no match: list the achievements (achievement_name, optionally human_code) that are credentials of this type", name)
		}
		ruleNodes := strictyaml.Items(strictyaml.Value(n, "match"))
		for j, r := range t.Match {
			rl := line("match")
			if j < len(ruleNodes) && ruleNodes[j].Line > 0 {
				rl = ruleNodes[j].Line
			}
			key := fold(r.AchievementName)
			switch {
			case key == "":
				add(rl, "%s: match rule %d has no achievement_name; a humanCode alone is too weak to recognise a credential", name, j+1)
			case seenName[key] != "" && seenName[key] != t.ID:
				add(rl, "%s: achievement name %q already belongs to type %s; a name belongs to one type", name, r.AchievementName, seenName[key])
			default:
				seenName[key] = t.ID
			}
			if r.HumanCode != strings.TrimSpace(r.HumanCode) {
				add(rl, "%s: match rule %d has a human_code with surrounding white space", name, j+1)
			}
		}
	}
	return ps
}

// stages checks a list of stages, reporting an empty list, an unknown
// stage or one listed twice; it reports whether the list was good.
func stages(add func(int, string, ...any), line int, name string, list []Stage) bool {
	if len(list) == 0 {
		add(line, "%s has no stages: list the PLISSIT stages (%s)", name, stageList())
		return false
	}
	good := true
	seen := map[Stage]bool{}
	for _, s := range list {
		switch {
		case !s.Known():
			add(line, "%s: unknown stage %q; use %s", name, s, stageList())
			good = false
		case seen[s]:
			add(line, "%s: stage %s is listed twice", name, s)
			good = false
		}
		seen[s] = true
	}
	return good
}

// sources checks that a fact cites at least one source, each with a title
// and, when given, an absolute http(s) URL.
func sources(add func(int, string, ...any), line int, name string, list []Source) {
	if len(list) == 0 {
		add(line, "%s has no sources: cite where what it says comes from", name)
	}
	for i, s := range list {
		if strings.TrimSpace(s.Title) == "" {
			add(line, "%s: source %d has no title", name, i+1)
		}
		if s.URL != "" {
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add(line, "%s: source %d url %q is not an absolute http(s) URL", name, i+1, s.URL)
			}
		}
	}
}

// at returns the line of the node at path under n, or of the deepest node
// found on the way; 1 when there is none.
func at(n *yaml.Node, path ...string) int {
	if n = strictyaml.Find(n, path...); n == nil {
		return 1
	}
	return max(n.Line, 1)
}
