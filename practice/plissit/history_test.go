package plissit

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/certboard/certboard/date"
)

// now is 23:30 on 2 March 2026 in UTC-5, which is already 3 March in UTC:
// a check must judge the day in now's own location.
var now = time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))

// today is now's day in its location.
var today = date.MustParse("2026-03-02")

// fullHistory returns a history with all four steps done.
func fullHistory() SexualHistory {
	return SexualHistory{
		Issues: Issues{Concerns: []Concern{
			{ConcernID: "low_desire", Description: "Little interest in sex for two years; distressing to her."},
			{ConcernID: "relationship", Description: "Arguments about frequency."},
		}},
		Evolution: Evolution{
			Onset:       Onset{Date: date.MustParse("2024-01-15"), Text: "after the birth of their second child"},
			Course:      "steady, worse when sleep is poor",
			Context:     "new parent, returned to work, SSRIs since 2024-06",
			Acquisition: Acquired,
			Generality:  Situational,
		},
		Understanding: Understanding{Client: "thinks something is wrong with her body", Options: "sensate focus, medication review, couple sessions"},
		Plan:          Plan{Sources: "tiredness and the medication", Goals: []string{"feel desire again", "fewer arguments"}, Plan: "review SSRI with GP; weekly sessions"},
	}
}

// TestSexualHistoryCheck: each field's values on both sides of every
// bound.
func TestSexualHistoryCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*SexualHistory)
		fields []string
	}{
		{"complete", func(*SexualHistory) {}, nil},
		{"empty: nothing written is not wrong", func(h *SexualHistory) { *h = SexualHistory{} }, nil},

		{"concern without an id", func(h *SexualHistory) { h.Issues.Concerns[0].ConcernID = "" }, []string{"step1.concerns.0.concern_id"}},
		{"concern id with a space", func(h *SexualHistory) { h.Issues.Concerns[1].ConcernID = "low desire" }, []string{"step1.concerns.1.concern_id"}},
		{"concern id at the limit", func(h *SexualHistory) { h.Issues.Concerns[0].ConcernID = repeat("a", MaxID) }, nil},
		{"concern id over the limit", func(h *SexualHistory) { h.Issues.Concerns[0].ConcernID = repeat("a", MaxID+1) }, []string{"step1.concerns.0.concern_id"}},
		{"concern id of every allowed character", func(h *SexualHistory) { h.Issues.Concerns[0].ConcernID = "icd-11:HA00.0_x" }, nil},
		{"concern id wrong and listed twice: one message a field", func(h *SexualHistory) {
			h.Issues.Concerns[0].ConcernID, h.Issues.Concerns[1].ConcernID = "low desire", "low desire"
		}, []string{"step1.concerns.0.concern_id", "step1.concerns.1.concern_id"}},
		{"concern listed twice", func(h *SexualHistory) { h.Issues.Concerns[1].ConcernID = "low_desire" }, []string{"step1.concerns.1.concern_id"}},
		{"concern without a description", func(h *SexualHistory) { h.Issues.Concerns[1].Description = " " }, []string{"step1.concerns.1.description"}},
		{"description at the limit", func(h *SexualHistory) { h.Issues.Concerns[0].Description = repeat("ß", MaxText) }, nil},
		{"description over the limit", func(h *SexualHistory) { h.Issues.Concerns[0].Description = repeat("ß", MaxText+1) }, []string{"step1.concerns.0.description"}},
		{"description on lines", func(h *SexualHistory) { h.Issues.Concerns[0].Description = "one\ntwo\r\n\tthree" }, nil},
		{"description with a control character", func(h *SexualHistory) { h.Issues.Concerns[0].Description = "bell\a" }, []string{"step1.concerns.0.description"}},
		{"description not UTF-8", func(h *SexualHistory) { h.Issues.Concerns[0].Description = "\xc3\x28" }, []string{"step1.concerns.0.description"}},
		{"concerns at the limit", func(h *SexualHistory) { h.Issues.Concerns = concerns(MaxItems) }, nil},
		{"concerns over the limit", func(h *SexualHistory) { h.Issues.Concerns = concerns(MaxItems + 1) }, []string{"step1.concerns"}},

		{"onset today", func(h *SexualHistory) { h.Evolution.Onset.Date = today }, nil},
		{"onset tomorrow", func(h *SexualHistory) { h.Evolution.Onset.Date = today.AddDays(1) }, []string{"step2.onset.date"}},
		{"onset on the earliest day", func(h *SexualHistory) { h.Evolution.Onset.Date = earliest }, nil},
		{"onset the day before", func(h *SexualHistory) { h.Evolution.Onset.Date = earliest.AddDays(-1) }, []string{"step2.onset.date"}},
		{"onset as a date and an age", func(h *SexualHistory) { h.Evolution.Onset.Age = 30 }, []string{"step2.onset"}},
		{"onset as an age of 1", func(h *SexualHistory) { h.Evolution.Onset = Onset{Age: 1} }, nil},
		{"onset as an age of MaxAge", func(h *SexualHistory) { h.Evolution.Onset = Onset{Age: MaxAge} }, nil},
		{"onset as an age over MaxAge", func(h *SexualHistory) { h.Evolution.Onset = Onset{Age: MaxAge + 1} }, []string{"step2.onset.age"}},
		{"onset as a negative age", func(h *SexualHistory) { h.Evolution.Onset = Onset{Age: -1} }, []string{"step2.onset.age"}},
		{"onset in words only", func(h *SexualHistory) { h.Evolution.Onset = Onset{Text: "since her first relationship"} }, nil},
		{"onset words over the limit", func(h *SexualHistory) { h.Evolution.Onset.Text = repeat("x", MaxText+1) }, []string{"step2.onset.text"}},
		{"course only spaces", func(h *SexualHistory) { h.Evolution.Course = "   " }, []string{"step2.course"}},
		{"context over the limit", func(h *SexualHistory) { h.Evolution.Context = repeat("x", MaxText+1) }, []string{"step2.context"}},
		{"lifelong", func(h *SexualHistory) { h.Evolution.Acquisition = Lifelong }, nil},
		{"unknown acquisition", func(h *SexualHistory) { h.Evolution.Acquisition = "Acquired" }, []string{"step2.acquisition"}},
		{"generalised", func(h *SexualHistory) { h.Evolution.Generality = Generalised }, nil},
		{"unknown generality", func(h *SexualHistory) { h.Evolution.Generality = "generalized" }, []string{"step2.generality"}},

		{"understanding over the limit", func(h *SexualHistory) { h.Understanding.Client = repeat("x", MaxText+1) }, []string{"step3.client"}},
		{"options with a control character", func(h *SexualHistory) { h.Understanding.Options = "\x1b[31m" }, []string{"step3.options"}},

		{"sources over the limit", func(h *SexualHistory) { h.Plan.Sources = repeat("x", MaxText+1) }, []string{"step4.sources"}},
		{"empty goal", func(h *SexualHistory) { h.Plan.Goals = []string{"feel desire", ""} }, []string{"step4.goals.1"}},
		{"goal on two lines", func(h *SexualHistory) { h.Plan.Goals = []string{"feel\ndesire"} }, []string{"step4.goals.0"}},
		{"goal at the limit", func(h *SexualHistory) { h.Plan.Goals = []string{repeat("x", MaxItem)} }, nil},
		{"goal over the limit", func(h *SexualHistory) { h.Plan.Goals = []string{repeat("x", MaxItem+1)} }, []string{"step4.goals.0"}},
		{"goal twice", func(h *SexualHistory) { h.Plan.Goals = []string{"Feel desire", " feel desire"} }, []string{"step4.goals.1"}},
		{"goals at the limit", func(h *SexualHistory) { h.Plan.Goals = items(MaxGoals) }, nil},
		{"goals over the limit", func(h *SexualHistory) { h.Plan.Goals = items(MaxGoals + 1) }, []string{"step4.goals"}},
		{"plan over the limit", func(h *SexualHistory) { h.Plan.Plan = repeat("x", MaxText+1) }, []string{"step4.plan"}},

		{"a problem in each step, all named", func(h *SexualHistory) {
			h.Issues.Concerns[0].Description = ""
			h.Evolution.Generality = "sometimes"
			h.Understanding.Client = "\x00"
			h.Plan.Goals = []string{""}
		}, []string{"step1.concerns.0.description", "step2.generality", "step3.client", "step4.goals.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fullHistory()
			tc.edit(&h)
			before := fmt.Sprintf("%#v", h)
			wantFields(t, h.Check(now), tc.fields...)
			if fmt.Sprintf("%#v", h) != before {
				t.Error("Check changed the history")
			}
		})
	}
}

// concerns returns n distinct concerns.
func concerns(n int) []Concern {
	out := make([]Concern, n)
	for i := range out {
		out[i] = Concern{ConcernID: fmt.Sprintf("c%d", i), Description: "described"}
	}
	return out
}

// TestSexualHistoryComplete: what each step still needs, in order, and
// Done only with all four done and nothing wrong.
func TestSexualHistoryComplete(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*SexualHistory)
		missing [4][]string
		done    bool
	}{
		{"complete", func(*SexualHistory) {}, [4][]string{}, true},
		{"onset as an age is enough", func(h *SexualHistory) { h.Evolution.Onset = Onset{Age: 19} }, [4][]string{}, true},
		{"onset in words is enough", func(h *SexualHistory) { h.Evolution.Onset = Onset{Text: "always"} }, [4][]string{}, true},
		{"nothing written", func(h *SexualHistory) { *h = SexualHistory{} }, [4][]string{
			{"step1.concerns"},
			{"step2.onset", "step2.course", "step2.context", "step2.acquisition", "step2.generality"},
			{"step3.client", "step3.options"},
			{"step4.sources", "step4.goals", "step4.plan"},
		}, false},
		{"a concern half defined", func(h *SexualHistory) { h.Issues.Concerns[1] = Concern{} }, [4][]string{
			{"step1.concerns.1.concern_id", "step1.concerns.1.description"}}, false},
		{"onset in spaces only", func(h *SexualHistory) { h.Evolution.Onset = Onset{Text: "  "} }, [4][]string{1: {"step2.onset"}}, false},
		{"no options", func(h *SexualHistory) { h.Understanding.Options = "\n" }, [4][]string{2: {"step3.options"}}, false},
		{"only blank goals", func(h *SexualHistory) { h.Plan.Goals = []string{" "} }, [4][]string{3: {"step4.goals"}}, false},
		{"written but wrong: done yet not Done", func(h *SexualHistory) { h.Evolution.Onset.Date = today.AddDays(1) }, [4][]string{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := fullHistory()
			tc.edit(&h)
			got := h.Complete()
			for i, s := range got {
				if s.Step != i+1 || s.Name != stepNames[i] || s.Name == "" {
					t.Errorf("step %d: %+v", i+1, s)
				}
				if s.Done != (len(tc.missing[i]) == 0) || !slices.Equal(s.Missing, tc.missing[i]) {
					t.Errorf("step %d: done %v missing %v, want %v", i+1, s.Done, s.Missing, tc.missing[i])
				}
			}
			if d := h.Done(now); d != tc.done {
				t.Errorf("Done = %v, want %v", d, tc.done)
			}
		})
	}
}
