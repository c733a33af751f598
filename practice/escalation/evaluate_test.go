package escalation

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// TestInputCheck: a recorded comorbidity of an unknown kind or source is
// refused, naming the record; the listed ones pass.
func TestInputCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Recorded
		want certboard.Code
	}{
		{"a listed kind and source", Recorded{Kind: Depression, Source: Diagnosis}, ""},
		{"an unknown kind", Recorded{Kind: "sadness", Source: Judgement}, certboard.Invalid},
		{"an unknown source", Recorded{Kind: Depression, Source: "rumour"}, certboard.Invalid},
	} {
		err := Input{Recorded: []Recorded{tc.rec}}.Check()
		if got := certboard.ErrorCode(err); got != tc.want {
			t.Errorf("%s: %v, want code %q", tc.name, err, tc.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "recorded 1: ") {
			t.Errorf("%s: %q does not name the record", tc.name, err)
		}
	}
}

// TestPartialTasks: a PHQ-9 answered in part that raised the self-harm
// flag opens the same-day task of rule phq9-self-harm, naming what holds
// the answers; no flag, another flag or another instrument opens none,
// and no rule on a total fires on a measure with none.
func TestPartialTasks(t *testing.T) {
	rs := shippedRules(t)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	got := PartialTasks(rs, Partial{Instrument: "phq-9", Flags: []string{measure.FlagSelfHarm}, Answered: 1, Items: 9, Taken: at, Ref: "link:7"})
	if len(got) != 1 {
		t.Fatalf("tasks: %+v", got)
	}
	st := got[0]
	if st.Task != SameDay || st.Rule != "phq9-self-harm" || st.Measure.Ref != "link:7" || st.Measure.Result.Instrument != "phq-9" ||
		!strings.Contains(st.Why, "PHQ-9 answered in part (1 of 9 items) on 2026-12-07 raised the self-harm flag") {
		t.Errorf("task: %+v", st)
	}
	for _, p := range []Partial{
		{Instrument: "phq-9", Flags: []string{}, Answered: 9, Items: 9},
		{Instrument: "audit", Flags: []string{measure.FlagDependence}, Answered: 3, Items: 10},
		{Instrument: "gad-7", Flags: []string{measure.FlagSelfHarm}, Answered: 7, Items: 7},
	} {
		if got := PartialTasks(rs, p); len(got) != 0 {
			t.Errorf("%+v: tasks %+v", p, got)
		}
	}
}
