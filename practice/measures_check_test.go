package practice

import (
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice/chart"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/measure"
)

// ans makes answers from values, -1 for an item not answered.
func ans(vals ...int) []*int {
	out := make([]*int, len(vals))
	for i, v := range vals {
		if v >= 0 {
			out[i] = &v
		}
	}
	return out
}

func lookup(t *testing.T, id string) measure.Instrument {
	t.Helper()
	in, ok := measure.Lookup(id)
	if !ok {
		t.Fatalf("no instrument %s", id)
	}
	return in
}

func TestCheckAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		instrument string
		answers    []*int
		complete   bool
		field      string // "" when accepted
		says       string
	}{
		{"all answered", "phq-9", ans(0, 1, 2, 3, 0, 1, 2, 3, 0), true, "", ""},
		{"one blank", "phq-9", ans(0, 1, 2, 3, -1, 1, 2, 3, 0), false, "", ""},
		{"only one answered", "phq-9", ans(-1, -1, -1, -1, -1, -1, -1, -1, 3), false, "", ""},
		{"none answered", "phq-9", ans(-1, -1, -1, -1, -1, -1, -1, -1, -1), false, "answers", "answer at least one item"},
		{"one too few", "phq-9", ans(0, 1, 2, 3, 0, 1, 2, 3), false, "answers", "PHQ-9 has 9 items; got 8 answers"},
		{"one too many", "gad-7", ans(0, 1, 2, 3, 0, 1, 2, 3), false, "answers", "GAD-7 has 7 items; got 8 answers"},
		{"lowest and highest allowed", "gad-7", ans(0, 3, 0, 3, 0, 3, 0), true, "", ""},
		{"above the range", "phq-9", ans(0, 1, 2, 4, 0, 1, 2, 3, 0), false, "item 4", "4 is not an answer PHQ-9 item 4 allows; choose one of 0 to 3"},
		{"IIEF-5 0 below its 1", "iief-5", ans(0, 1, 1, 1, 1), false, "item 1", "choose one of 1 to 5"},
		{"IIEF-5 5 allowed", "iief-5", ans(5, 5, 5, 5, 5), true, "", ""},
		{"AUDIT item 9 takes 0, 2 or 4", "audit", ans(0, 0, 0, 0, 0, 0, 0, 0, 1, 0), false, "item 9", "choose one of 0, 2 or 4"},
		{"AUDIT item 10 of 4", "audit", ans(0, 0, 0, 0, 0, 0, 0, 0, 2, 4), true, "", ""},
		{"bad answer among blanks", "audit", ans(-1, -1, -1, -1, -1, -1, -1, -1, 3, -1), false, "item 9", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			complete, err := CheckAnswers(lookup(t, tc.instrument), tc.answers)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if complete != tc.complete {
					t.Fatalf("complete = %v, want %v", complete, tc.complete)
				}
				return
			}
			e := certboard.As(err)
			if e == nil || e.Code != certboard.Invalid || e.Field != tc.field {
				t.Fatalf("err = %v, want Invalid on %s", err, tc.field)
			}
			if !strings.Contains(e.Message, tc.says) {
				t.Errorf("message %q does not say %q", e.Message, tc.says)
			}
		})
	}
}

func TestCheckAnswersNegativeValue(t *testing.T) {
	v := -1
	answers := ans(0, 0, 0, 0, 0, 0, 0, 0, 0)
	answers[8] = &v
	_, err := CheckAnswers(lookup(t, "phq-9"), answers)
	if e := certboard.As(err); e == nil || e.Field != "item 9" {
		t.Fatalf("err = %v, want item 9 refused", err)
	}
}

func TestCheckAnswersListsEveryItem(t *testing.T) {
	_, err := CheckAnswers(lookup(t, "gad-7"), ans(9, 0, 9, 0, 0, 0, 9))
	e := certboard.As(err)
	if e == nil || e.Field != "item 1" || len(e.Fields) != 3 {
		t.Fatalf("err = %#v, want items 1, 3 and 7", e)
	}
	for _, f := range []string{"item 1", "item 3", "item 7"} {
		if !strings.HasPrefix(e.Fields[f], f+": ") {
			t.Errorf("Fields[%q] = %q", f, e.Fields[f])
		}
	}
}

func TestCheckClosing(t *testing.T) {
	phq, _ := measure.ShippedTexts("phq-9")
	gad, _ := measure.ShippedTexts("gad-7")
	if phq.Closing == nil || len(phq.Closing.Labels) == 0 {
		t.Fatal("PHQ-9 ships no closing question")
	}
	for _, tc := range []struct {
		name  string
		texts measure.Texts
		label string
		want  string
		ok    bool
	}{
		{"not answered", phq, "", "", true},
		{"blank is not answered", phq, "  ", "", true},
		{"a label", phq, phq.Closing.Labels[0], phq.Closing.Labels[0], true},
		{"trimmed", phq, " " + phq.Closing.Labels[1] + " ", phq.Closing.Labels[1], true},
		{"not a label", phq, "Quite difficult", "", false},
		{"no closing question", gad, "Somewhat difficult", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkClosing(tc.texts, tc.label)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && certboard.As(err).Field != "closing" {
				t.Errorf("field = %q", certboard.As(err).Field)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckTakenAt(t *testing.T) {
	now := time.Date(2027, 3, 4, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"zero", time.Time{}, false},
		{"now", now, true},
		{"within the skew", now.Add(takenSkew), true},
		{"past the skew", now.Add(takenSkew + time.Second), false},
		{"first of 2000", earliestTaken, true},
		{"before 2000", earliestTaken.Add(-time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkTakenAt(tc.at, now)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && certboard.As(err).Field != "taken_at" {
				t.Errorf("field = %q", certboard.As(err).Field)
			}
		})
	}
	got, _ := checkTakenAt(time.Date(2027, 3, 4, 11, 0, 0, 500, time.FixedZone("x", 3600)), now)
	if got.Location() != time.UTC || got.Nanosecond() != 0 {
		t.Errorf("got %v, want UTC to the second", got)
	}
}

func TestCheckWords(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"empty", "", "", false},
		{"blank", "   ", "", false},
		{"one short", strings.Repeat("a", 9), "", false},
		{"at the minimum", strings.Repeat("a", 10), strings.Repeat("a", 10), true},
		{"trimmed before counting", "  " + strings.Repeat("a", 10) + "\n", strings.Repeat("a", 10), true},
		{"at the maximum", strings.Repeat("é", 20), strings.Repeat("é", 20), true},
		{"one over", strings.Repeat("é", 21), "", false},
		{"line breaks kept", "called\nthe client", "called\nthe client", true},
		{"control character", "called\x00the client", "", false},
		{"not UTF-8", "called \xff the client", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkWords("action", tc.in, 10, 20, "say what you did")
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && certboard.As(err).Field != "action" {
				t.Errorf("field = %q", certboard.As(err).Field)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestResponseRef(t *testing.T) {
	if got := ResponseRef(42); got != "response:42" {
		t.Fatalf("ResponseRef(42) = %q", got)
	}
	for _, tc := range []struct {
		in string
		id int64
		ok bool
	}{
		{"response:42", 42, true},
		{"response:1", 1, true},
		{"response:0", 0, false},
		{"response:-3", 0, false},
		{"response:042", 0, false},
		{"response:", 0, false},
		{"import:42", 0, false},
		{"42", 0, false},
	} {
		id, ok := ParseResponseRef(tc.in)
		if id != tc.id || ok != tc.ok {
			t.Errorf("ParseResponseRef(%q) = %d, %v; want %d, %v", tc.in, id, ok, tc.id, tc.ok)
		}
	}
}

func TestSeriesOf(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, 1, d, 9, 0, 0, 0, time.UTC) }
	res := func(in string, total float64) *measure.Result {
		return &measure.Result{Instrument: in, Total: total, Flags: []string{}}
	}
	rs := []Response{
		{ID: 1, Instrument: "gad-7", Status: Completed, TakenAt: day(3), Result: res("gad-7", 12)},
		{ID: 2, Instrument: "phq-9", Status: Completed, TakenAt: day(5), Result: res("phq-9", 8)},
		{ID: 3, Instrument: "phq-9", Status: EnteredInError, TakenAt: day(4), Result: res("phq-9", 27)},
		{ID: 4, Instrument: "phq-9", Status: InProgress, TakenAt: day(6)},
		{ID: 5, Instrument: "phq-9", Status: Completed, TakenAt: day(1), Result: res("phq-9", 14)},
		{ID: 6, Instrument: "phq-9", Status: Completed, TakenAt: day(5), Result: res("phq-9", 9)},
	}
	got := SeriesOf(rs)
	if len(got) != 2 || got[0].Instrument.ID != "phq-9" || got[1].Instrument.ID != "gad-7" {
		t.Fatalf("series %+v: want PHQ-9 then GAD-7", got)
	}
	var ids []int64
	for _, p := range got[0].Points {
		ids = append(ids, p.Response)
	}
	if want := []int64{5, 2, 6}; !equalIDs(ids, want) {
		t.Errorf("PHQ-9 points %v, want %v (oldest first, in error and in progress left out)", ids, want)
	}
	if len(SeriesOf(nil)) != 0 {
		t.Error("series of nothing")
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestExplain(t *testing.T) {
	rules, err := escalation.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	taken := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	phq, err := measure.Score("phq-9", []int{2, 2, 2, 2, 1, 1, 1, 0, 1}, measure.NoSex)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := measure.Score("phq-9", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, measure.NoSex)
	input := escalation.Input{Measures: []escalation.Measure{
		{Result: *old, Taken: taken.AddDate(0, 0, -7), Ref: "response:1"},
		{Result: *phq, Taken: taken, Ref: "response:2"},
	}}
	e := Explain(input, escalation.Evaluate(rules, input))
	if e.RulesVersion != "1" || !e.NeedsIntensiveTherapy || len(e.Reasons) == 0 {
		t.Fatalf("explanation %+v", e)
	}
	if len(e.Rules) != len(rules.Rules) {
		t.Fatalf("%d rules explained, want %d", len(e.Rules), len(rules.Rules))
	}
	byID := map[string]ExplainedRule{}
	for _, r := range e.Rules {
		byID[r.Rule] = r
	}
	dep := byID["phq9-depression"]
	if !dep.Fired || dep.Measure == nil || dep.Measure.Response != "response:2" || dep.Measure.Total != 12 || dep.Says == "" || dep.Source == "" {
		t.Errorf("phq9-depression %+v, want fired on response 2 with total 12", dep)
	}
	if sh := byID["phq9-self-harm"]; !sh.Fired || len(e.SafetyTasks) != 1 || e.SafetyTasks[0].Response != "response:2" {
		t.Errorf("self-harm %+v, tasks %+v", sh, e.SafetyTasks)
	}
	if g := byID["gad7-anxiety"]; g.Fired || g.Measure != nil || !strings.Contains(g.Why, "no GAD-7") {
		t.Errorf("gad7-anxiety %+v, want not fired, no measure", g)
	}
	if c := byID["comorbidity-intensive-therapy"]; !c.Fired || c.Measure != nil {
		t.Errorf("comorbidity rule %+v", c)
	}
	if len(e.Comorbidities) != 1 || e.Comorbidities[0].Kind != escalation.Depression || len(e.Comorbidities[0].From) != 1 {
		t.Errorf("comorbidities %+v", e.Comorbidities)
	}
	if fired := e.Fired(); len(fired) != 3 {
		t.Errorf("%d rules fired, want 3 (depression, self-harm, intensive therapy)", len(fired))
	}

	empty := Explain(escalation.Input{}, escalation.Evaluate(rules, escalation.Input{}))
	if empty.NeedsIntensiveTherapy || len(empty.Fired()) != 0 || empty.Comorbidities == nil || empty.SafetyTasks == nil {
		t.Errorf("empty explanation %+v", empty)
	}
}

func TestSafetyTaskOverdue(t *testing.T) {
	due := date.MustParse("2027-03-04")
	open := SafetyTask{Due: due}
	done := SafetyTask{Due: due, Resolution: &Resolution{Action: "called"}}
	for _, tc := range []struct {
		name  string
		task  SafetyTask
		today string
		want  bool
	}{
		{"the day it is due", open, "2027-03-04", false},
		{"the day after", open, "2027-03-05", true},
		{"the day before", open, "2027-03-03", false},
		{"resolved, a day late", done, "2027-03-05", false},
	} {
		if got := tc.task.Overdue(date.MustParse(tc.today)); got != tc.want {
			t.Errorf("%s: Overdue = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !open.Open() || done.Open() {
		t.Error("Open")
	}
}

func TestResponseAnswered(t *testing.T) {
	if n := (Response{Answers: ans(1, -1, 2, -1)}).Answered(); n != 2 {
		t.Errorf("Answered = %d, want 2", n)
	}
}

func TestChartSeries(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, 1, d, 9, 0, 0, 0, time.UTC) }
	score := func(in string, vals ...int) *measure.Result {
		r, err := measure.Score(in, vals, measure.NoSex)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rs := []Response{
		{ID: 1, Instrument: "audit-c", Status: Completed, Sex: measure.Male, TakenAt: day(1), Result: score("audit-c", 1, 1, 1)},
		{ID: 2, Instrument: "audit-c", Status: Completed, Sex: measure.Female, TakenAt: day(3), Result: score("audit-c", 1, 1, 0)},
		{ID: 3, Instrument: "audit-c", Status: EnteredInError, Sex: measure.Male, TakenAt: day(4), Result: score("audit-c", 4, 4, 4)},
		{ID: 4, Instrument: "phq-9", Status: InProgress, TakenAt: day(2)},
		{ID: 5, Instrument: "phq-9", Status: Completed, TakenAt: day(1), Result: score("phq-9", 0, 0, 0, 0, 0, 0, 0, 0, 1)},
		{ID: 6, Instrument: "gad-7", Status: InProgress, TakenAt: day(2)},
	}
	got := ChartSeries(rs)
	if len(got) != 2 || got[0].Instrument != "phq-9" || got[1].Instrument != "audit-c" {
		t.Fatalf("series %+v: want PHQ-9 and AUDIT-C (GAD-7 has no score)", got)
	}
	if got[1].Sex != measure.Female || len(got[1].Points) != 3 {
		t.Errorf("AUDIT-C %+v: want the latest scored response's sex and every point", got[1])
	}
	for _, s := range got {
		c, err := chart.New(s)
		if err != nil {
			t.Fatalf("chart of %s: %v", s.Instrument, err)
		}
		rows := c.Rows()
		if s.Instrument == "audit-c" && (len(rows) != 2 || rows[1].Total != 2) {
			t.Errorf("AUDIT-C rows %+v: want the two scored, not the one in error", rows)
		}
		if s.Instrument == "phq-9" && (len(rows) != 1 || len(rows[0].Flags) != 1) {
			t.Errorf("PHQ-9 rows %+v", rows)
		}
	}
}
