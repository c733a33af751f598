package escalation

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/internal/strictyaml"
	"github.com/certboard/certboard/practice/measure"
)

// Rules is one version of the escalation rules.
type Rules struct {
	// Version names this version of the rules ("1").
	Version string `yaml:"version"`
	// Effective is the date from which this version applies.
	Effective date.Date `yaml:"effective"`
	// Rules are the rules in the order the file gives them.
	Rules []Rule `yaml:"rules"`
	// File is the name the rules were parsed under, for messages.
	File string `yaml:"-"`
}

// Rule is one escalation rule: when its condition holds, its action is
// taken.
type Rule struct {
	// ID names the rule ("phq9-depression").
	ID string `yaml:"id"`
	// Says is the rule in a sentence a person reads.
	Says string `yaml:"says"`
	// Source is where the rule comes from: the instrument's published
	// cut-off, or PLISSIT (Annon, 1976).
	Source string `yaml:"source"`
	// When is the rule's condition.
	When Condition `yaml:"when"`
	// Then is what the rule does when it fires.
	Then Action `yaml:"then"`
	// Line is the rule's line in its file.
	Line int `yaml:"-"`
}

// Condition is what a rule tests: either a measure (Instrument with one of
// Positive, Band or Flag) or AnyComorbidity.
type Condition struct {
	// Instrument is the id of the measure the rule tests ("phq-9").
	Instrument string `yaml:"instrument,omitempty"`
	// Positive holds when the measure's positive rule holds.
	Positive bool `yaml:"positive,omitempty"`
	// Band holds when the measure's band is one of these.
	Band []string `yaml:"band,omitempty"`
	// Flag holds when the measure raised this flag ("self-harm").
	Flag string `yaml:"flag,omitempty"`
	// AnyComorbidity holds when the case has any comorbidity, indicated
	// by a measure rule or recorded by hand.
	AnyComorbidity bool `yaml:"any_comorbidity,omitempty"`
}

// Action is what a rule does when it fires: exactly one of its fields is
// set.
type Action struct {
	// Comorbidity is the comorbidity the rule indicates.
	Comorbidity Kind `yaml:"comorbidity,omitempty"`
	// SafetyTask is the safety task the rule opens; SameDay is the only
	// one.
	SafetyTask string `yaml:"safety_task,omitempty"`
	// IntensiveTherapy says the case needs Intensive Therapy.
	IntensiveTherapy bool `yaml:"intensive_therapy,omitempty"`
}

// SameDay is the safety task to follow up on the same day.
const SameDay = "same_day"

// measureFlags are the flags each instrument may raise.
var measureFlags = map[string][]string{
	"phq-9": {measure.FlagSelfHarm},
	"audit": {measure.FlagDependence},
}

// Problem is one reason a rules file was rejected, with its line.
type Problem = strictyaml.Problem

// Problems is every reason a rules file was rejected, ordered by line.
type Problems = strictyaml.Problems

// MaxSize is the largest rules file Parse reads, in bytes; the shipped
// file is under 4 KiB.
const MaxSize = 64 << 10

//go:embed rules/escalation-v1.yaml
var shipped []byte

// ShippedFile is the name of the shipped rules file.
const ShippedFile = "rules/escalation-v1.yaml"

// Shipped parses the rules certboard ships.
func Shipped() (*Rules, error) { return Parse(ShippedFile, shipped) }

var idShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse reads a rules file and checks it: known fields only, one YAML
// document, no anchors or aliases, at most MaxSize bytes, and every rule
// complete and consistent. The file name is used only in messages. On
// failure the error is Problems, each with a line.
func Parse(file string, data []byte) (*Rules, error) {
	var rs Rules
	top, ps := strictyaml.Load(file, data, &rs, format, "effective")
	if len(ps) > 0 {
		return nil, ps
	}
	rs.File = file
	ruleNodes := strictyaml.Items(strictyaml.Value(top, "rules"))
	for i := range rs.Rules {
		if n := strictyaml.Item(ruleNodes, i); n != nil {
			rs.Rules[i].Line = n.Line
		}
	}
	ps = check(file, top, ruleNodes, &rs)
	if len(ps) > 0 {
		ps.Sort()
		return nil, ps
	}
	return &rs, nil
}

// format is the rules file, as strictyaml reads it.
var format = strictyaml.Format{
	Name: "a rules file", Holds: "version, effective and rules",
	OnePerFile: "put one version of the rules in each file", MaxSize: MaxSize,
}

// check validates parsed rules; top and ruleNodes locate the problems.
func check(file string, top *yaml.Node, ruleNodes []*yaml.Node, rs *Rules) Problems {
	var ps Problems
	at := func(n *yaml.Node, path ...string) int {
		if n = strictyaml.Find(n, path...); n == nil {
			return 1
		}
		return max(n.Line, 1)
	}
	add := func(line int, format string, args ...any) {
		ps = append(ps, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(rs.Version) == "" {
		add(at(top, "version"), "version is missing: name this version of the rules (\"1\")")
	}
	if rs.Effective.IsZero() {
		add(at(top, "effective"), "effective is missing: the date from which the rules apply (YYYY-MM-DD)")
	}
	if len(rs.Rules) == 0 {
		add(at(top, "rules"), "rules is missing or empty: list at least one rule")
	}
	seen := map[string]int{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		var n *yaml.Node
		if i < len(ruleNodes) {
			n = ruleNodes[i]
		}
		line := func(path ...string) int { return at(n, path...) }
		name := fmt.Sprintf("rule %d", i+1)
		switch {
		case r.ID == "":
			add(line(), "%s has no id: give it one such as phq9-depression", name)
		case !idShape.MatchString(r.ID):
			add(line("id"), "rule id %q: use lower-case letters and digits joined by single hyphens", r.ID)
		default:
			name = "rule " + r.ID
			if prev, ok := seen[r.ID]; ok {
				add(line("id"), "rule id %q is already used on line %d", r.ID, prev)
			} else {
				seen[r.ID] = line("id")
			}
		}
		if strings.TrimSpace(r.Says) == "" {
			add(line(), "%s has no says: the rule in a sentence a person reads", name)
		}
		if strings.TrimSpace(r.Source) == "" {
			add(line(), "%s has no source: cite the instrument's published cut-off or PLISSIT", name)
		}
		c := r.When
		if c.AnyComorbidity {
			if c.Instrument != "" || c.Positive || len(c.Band) > 0 || c.Flag != "" {
				add(line("when"), "%s: any_comorbidity stands alone; leave out instrument, positive, band and flag", name)
			}
			if !r.Then.IntensiveTherapy {
				add(line("then"), "%s: a rule on any comorbidity can only say intensive_therapy: true", name)
			}
		} else if c.Instrument == "" {
			add(line("when"), "%s: when needs an instrument (with positive, band or flag) or any_comorbidity: true", name)
		} else if in, ok := measure.Lookup(c.Instrument); !ok {
			add(line("when", "instrument"), "%s: unknown instrument %q; use one of %s", name, c.Instrument, strings.Join(measure.IDs(), ", "))
		} else {
			tests := 0
			if c.Positive {
				tests++
			}
			if len(c.Band) > 0 {
				tests++
			}
			if c.Flag != "" {
				tests++
			}
			if tests != 1 {
				add(line("when"), "%s: when needs exactly one of positive: true, band or flag with its instrument", name)
			}
			for _, b := range c.Band {
				if !hasBand(in, b) {
					add(line("when", "band"), "%s: %s has no band %q; its bands are %s", name, in.Name, b, strings.Join(bandIDs(in), ", "))
				}
			}
			if c.Flag != "" && !contains(measureFlags[in.ID], c.Flag) {
				add(line("when", "flag"), "%s: %s raises no flag %q", name, in.Name, c.Flag)
			}
		}
		a := r.Then
		actions := 0
		if a.Comorbidity != "" {
			actions++
			if !a.Comorbidity.Known() {
				add(line("then", "comorbidity"), "%s: unknown comorbidity %q; use one of %s", name, a.Comorbidity, kindList())
			}
		}
		if a.SafetyTask != "" {
			actions++
			if a.SafetyTask != SameDay {
				add(line("then", "safety_task"), "%s: unknown safety task %q; use %s", name, a.SafetyTask, SameDay)
			}
		}
		if a.IntensiveTherapy {
			actions++
		}
		if actions != 1 {
			add(line("then"), "%s: then needs exactly one of comorbidity, safety_task or intensive_therapy: true", name)
		}
	}
	return ps
}

func hasBand(in measure.Instrument, id string) bool { return contains(bandIDs(in), id) }

func bandIDs(in measure.Instrument) []string {
	out := make([]string, len(in.Bands))
	for i, b := range in.Bands {
		out[i] = b.ID
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
