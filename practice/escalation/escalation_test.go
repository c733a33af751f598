package escalation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/practice/measure"
)

func shippedRules(t *testing.T) *Rules {
	t.Helper()
	rs, err := Shipped()
	if err != nil {
		t.Fatalf("the shipped rules do not load:\n%v", err)
	}
	return rs
}

func TestShippedRulesLoad(t *testing.T) {
	rs := shippedRules(t)
	if rs.Version != "1" || rs.Effective.String() != "2026-12-01" {
		t.Errorf("version %q effective %s", rs.Version, rs.Effective)
	}
	want := []string{"phq9-depression", "gad7-anxiety", "audit-substance-use", "auditc-substance-use", "phq9-self-harm", "comorbidity-intensive-therapy"}
	if len(rs.Rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(rs.Rules), len(want))
	}
	for i, id := range want {
		r := rs.Rules[i]
		if r.ID != id || r.Says == "" || r.Source == "" || r.Line == 0 {
			t.Errorf("rule %d = %+v, want id %s with says, source and line", i, r, id)
		}
	}
}

func score(t *testing.T, inst string, answers []int, sex measure.Sex) Measure {
	t.Helper()
	r, err := measure.Score(inst, answers, sex)
	if err != nil {
		t.Fatal(err)
	}
	return Measure{Result: *r, Taken: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC), Ref: inst}
}

func outcome(t *testing.T, rep Report, id string) Outcome {
	t.Helper()
	for _, o := range rep.Outcomes {
		if o.Rule.ID == id {
			return o
		}
	}
	t.Fatalf("no outcome for rule %s", id)
	return Outcome{}
}

func kindsOf(rep Report) []Kind {
	var out []Kind
	for _, c := range rep.Comorbidities {
		out = append(out, c.Kind)
	}
	return out
}

func TestMeasureRulesAtThresholds(t *testing.T) {
	rs := shippedRules(t)
	tests := []struct {
		name, rule, inst string
		answers          []int
		sex              measure.Sex
		fired            bool
		kind             Kind
		why              []string
	}{
		{"phq-9 9", "phq9-depression", "phq-9", []int{1, 1, 1, 1, 1, 1, 1, 2, 0}, "", false, "", []string{"phq9-depression", "PHQ-9", "total 9", "not positive"}},
		{"phq-9 10", "phq9-depression", "phq-9", []int{1, 1, 1, 1, 1, 1, 2, 2, 0}, "", true, Depression, []string{"phq9-depression", "PHQ-9", "total 10", "is positive", "Depression"}},
		{"gad-7 9", "gad7-anxiety", "gad-7", []int{1, 1, 1, 1, 1, 2, 2}, "", false, "", []string{"gad7-anxiety", "GAD-7", "total 9"}},
		{"gad-7 10", "gad7-anxiety", "gad-7", []int{1, 1, 1, 1, 2, 2, 2}, "", true, Anxiety, []string{"gad7-anxiety", "GAD-7", "total 10", "Anxiety"}},
		{"audit 15", "audit-substance-use", "audit", []int{4, 4, 4, 1, 0, 0, 0, 2, 0, 0}, "", false, "", []string{"audit-substance-use", "AUDIT", "total 15", "zone_2, not zone_3 or zone_4"}},
		{"audit 16", "audit-substance-use", "audit", []int{4, 4, 4, 1, 0, 0, 1, 2, 0, 0}, "", true, SubstanceUse, []string{"audit-substance-use", "AUDIT", "total 16", "zone_3"}},
		{"audit 20", "audit-substance-use", "audit", []int{4, 4, 4, 1, 0, 0, 1, 2, 4, 0}, "", true, SubstanceUse, []string{"total 20", "zone_4"}},
		{"audit-c 2 no sex", "auditc-substance-use", "audit-c", []int{1, 1, 0}, measure.NoSex, false, "", []string{"auditc-substance-use", "AUDIT-C", "total 2", "not positive"}},
		{"audit-c 3 no sex", "auditc-substance-use", "audit-c", []int{1, 1, 1}, measure.NoSex, true, SubstanceUse, []string{"AUDIT-C", "total 3", "is positive"}},
		{"audit-c 3 female", "auditc-substance-use", "audit-c", []int{1, 1, 1}, measure.Female, true, SubstanceUse, []string{"total 3"}},
		{"audit-c 3 male", "auditc-substance-use", "audit-c", []int{1, 1, 1}, measure.Male, false, "", []string{"total 3", "not positive"}},
		{"audit-c 4 male", "auditc-substance-use", "audit-c", []int{2, 1, 1}, measure.Male, true, SubstanceUse, []string{"total 4", "is positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Evaluate(rs, Input{Measures: []Measure{score(t, tt.inst, tt.answers, tt.sex)}})
			o := outcome(t, rep, tt.rule)
			if o.Fired != tt.fired {
				t.Errorf("fired = %v, want %v (%s)", o.Fired, tt.fired, o.Why)
			}
			for _, w := range tt.why {
				if !strings.Contains(o.Why, w) {
					t.Errorf("why %q does not name %q", o.Why, w)
				}
			}
			ks := kindsOf(rep)
			if tt.fired {
				if len(ks) != 1 || ks[0] != tt.kind || !rep.NeedsIntensiveTherapy {
					t.Errorf("comorbidities %v, IT %v; want %s and IT", ks, rep.NeedsIntensiveTherapy, tt.kind)
				}
				ev := rep.Comorbidities[0].From[0]
				if ev.Rule != tt.rule || ev.Measure == nil || ev.Measure.Result.Instrument != tt.inst {
					t.Errorf("evidence %+v, want rule %s on %s", ev, tt.rule, tt.inst)
				}
				it := outcome(t, rep, "comorbidity-intensive-therapy")
				if !it.Fired || !strings.Contains(it.Why, tt.rule) {
					t.Errorf("IT rule: %+v", it)
				}
			} else if len(ks) != 0 || rep.NeedsIntensiveTherapy {
				t.Errorf("comorbidities %v, IT %v; want none", ks, rep.NeedsIntensiveTherapy)
			}
		})
	}
}

func TestSelfHarmAtMinimalTotal(t *testing.T) {
	rs := shippedRules(t)
	m := score(t, "phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, "")
	if m.Result.Band != "minimal" {
		t.Fatalf("band %s", m.Result.Band)
	}
	rep := Evaluate(rs, Input{Measures: []Measure{m}})
	if len(rep.SafetyTasks) != 1 {
		t.Fatalf("safety tasks %+v", rep.SafetyTasks)
	}
	st := rep.SafetyTasks[0]
	if st.Task != SameDay || st.Rule != "phq9-self-harm" || st.Measure.Ref != "phq-9" {
		t.Errorf("task %+v", st)
	}
	if o := outcome(t, rep, "phq9-self-harm"); !o.Fired || !strings.Contains(o.Why, "PHQ-9 total 1") || !strings.Contains(o.Why, "self-harm") {
		t.Errorf("outcome %+v", o)
	}
	if rep.NeedsIntensiveTherapy || len(rep.Comorbidities) != 0 {
		t.Errorf("a minimal PHQ-9 indicated %v", kindsOf(rep))
	}
	no := Evaluate(rs, Input{Measures: []Measure{score(t, "phq-9", []int{3, 3, 3, 3, 3, 3, 3, 3, 0}, "")}})
	if len(no.SafetyTasks) != 0 || outcome(t, no, "phq9-self-harm").Fired {
		t.Errorf("item 9 at 0 opened %+v", no.SafetyTasks)
	}
}

func TestRecordedComorbidityAlone(t *testing.T) {
	rs := shippedRules(t)
	rep := Evaluate(rs, Input{Recorded: []Recorded{{Kind: PersonalityDisorder, Source: Diagnosis, Note: "F60.3 on file"}}})
	if !rep.NeedsIntensiveTherapy || len(rep.IntensiveTherapyReasons) != 1 || rep.IntensiveTherapyReasons[0].Comorbidity != PersonalityDisorder {
		t.Fatalf("report %+v", rep)
	}
	c := rep.Comorbidities[0]
	if c.Label != "Personality disorder" || c.From[0].Recorded == nil || !strings.Contains(c.From[0].Why, "diagnosis on file: F60.3") {
		t.Errorf("comorbidity %+v", c)
	}
	if o := outcome(t, rep, "comorbidity-intensive-therapy"); !o.Fired || !strings.Contains(o.Why, "diagnosis on file") {
		t.Errorf("outcome %+v", o)
	}
	if o := outcome(t, rep, "phq9-depression"); o.Fired || !strings.Contains(o.Why, "no PHQ-9 scored") {
		t.Errorf("outcome %+v", o)
	}
}

func TestNothingIndicated(t *testing.T) {
	rs := shippedRules(t)
	rep := Evaluate(rs, Input{Measures: []Measure{score(t, "phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, "")}})
	if rep.NeedsIntensiveTherapy || len(rep.Comorbidities) != 0 || len(rep.SafetyTasks) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Outcomes) != len(rs.Rules) {
		t.Fatalf("%d outcomes for %d rules", len(rep.Outcomes), len(rs.Rules))
	}
	for _, o := range rep.Outcomes {
		if o.Fired || !strings.Contains(o.Why, o.Rule.ID) {
			t.Errorf("outcome %+v", o)
		}
	}
}

func TestLatestMeasureCounts(t *testing.T) {
	rs := shippedRules(t)
	old := score(t, "phq-9", []int{3, 3, 3, 3, 3, 3, 3, 3, 0}, "")
	now := score(t, "phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, "")
	now.Taken = old.Taken.AddDate(0, 1, 0)
	rep := Evaluate(rs, Input{Measures: []Measure{now, old}})
	if rep.NeedsIntensiveTherapy {
		t.Errorf("an older positive PHQ-9 counted: %+v", rep.Comorbidities)
	}
}

func TestKinds(t *testing.T) {
	if len(Kinds()) != 6 || Anxiety.Label() != "Anxiety disorder (including OCD)" {
		t.Errorf("kinds %v", Kinds())
	}
	if _, err := ParseKind("ocd"); err == nil {
		t.Error("ParseKind accepted ocd")
	}
	if _, err := ParseSource("measure"); err == nil {
		t.Error("ParseSource accepted measure")
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown field", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    source: s\n    colour: red\n", `:7: unknown field "colour": check its spelling, or remove it; the fields here are id, says, source, when and then`},
		{"unknown instrument", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    source: s\n    when:\n      instrument: bdi\n      positive: true\n    then:\n      comorbidity: depression\n", ":8: rule a: unknown instrument \"bdi\""},
		{"bad band", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    source: s\n    when:\n      instrument: audit\n      band: [zone_5]\n    then:\n      comorbidity: substance_use\n", ":9: rule a: AUDIT has no band \"zone_5\""},
		{"bad kind", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    source: s\n    when:\n      instrument: gad-7\n      positive: true\n    then:\n      comorbidity: ocd\n", ":11: rule a: unknown comorbidity \"ocd\""},
		{"no source", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    when:\n      any_comorbidity: true\n    then:\n      intensive_therapy: true\n", ":4: rule a has no source"},
		{"duplicate id", "version: \"1\"\neffective: 2026-12-01\nrules:\n  - id: a\n    says: s\n    source: s\n    when: {any_comorbidity: true}\n    then: {intensive_therapy: true}\n  - id: a\n    says: s\n    source: s\n    when: {any_comorbidity: true}\n    then: {intensive_therapy: true}\n", ":9: rule id \"a\" is already used on line 4"},
		{"alias", "version: &v \"1\"\neffective: 2026-12-01\nrules: []\n", ":1: anchors and aliases"},
		{"bad date", "version: \"1\"\neffective: 1 Dec 2026\nrules: []\n", ":2: effective \"1 Dec 2026\" is not a date"},
		{"empty", "", "the file is empty"},
		{"too big", strings.Repeat("#", MaxSize+1), "more than the 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("err = %v, want Problems", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err =\n%v\nwant %q", err, tt.want)
			}
		})
	}
}
