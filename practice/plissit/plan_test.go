package plissit

import (
	"fmt"
	"testing"

	"github.com/certboard/certboard/date"
)

// fullPlan returns a treatment plan that Check accepts on today.
func fullPlan() TreatmentPlan {
	return TreatmentPlan{
		Goals: []Goal{
			{ID: "g1", Text: "Reduce depressive symptoms", Measure: "PHQ-9 below 10"},
			{ID: "g2", Text: "Resume sexual contact without pressure", Measure: "client's weekly rating, 0-10"},
		},
		Interventions: []Intervention{
			{Text: "Behavioural activation", Goals: []string{"g1"}},
			{Text: "Sensate focus, stages 1-3", Goals: []string{"g2"}},
			{Text: "Liaison with the prescriber"},
		},
		Frequency:     Frequency{Sessions: 1, Per: Week},
		Reviews:       []date.Date{today.AddDays(42), today.AddDays(84)},
		Comorbidities: []string{"cm-17"},
	}
}

// TestTreatmentPlanCheck: each part required and each bound on both sides.
func TestTreatmentPlanCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*TreatmentPlan)
		fields []string
	}{
		{"complete", func(*TreatmentPlan) {}, nil},
		{"nothing", func(p *TreatmentPlan) { *p = TreatmentPlan{} },
			[]string{"goals", "interventions", "frequency.per", "reviews", "comorbidities"}},

		{"no goals", func(p *TreatmentPlan) { p.Goals = nil; p.Interventions = p.Interventions[2:] }, []string{"goals"}},
		{"goals at the limit", func(p *TreatmentPlan) { p.Goals = goals(MaxGoals) }, nil},
		{"goals over the limit", func(p *TreatmentPlan) { p.Goals = goals(MaxGoals + 1) }, []string{"goals"}},
		{"goal without an id", func(p *TreatmentPlan) { p.Goals[0].ID = ""; p.Interventions[0].Goals = nil },
			[]string{"goals.0.id"}},
		{"goal id not an id", func(p *TreatmentPlan) { p.Goals[1].ID = "goal 2"; p.Interventions[1].Goals = nil }, []string{"goals.1.id"}},
		{"two goals, one id", func(p *TreatmentPlan) { p.Goals[1].ID = "g1"; p.Interventions[1].Goals = nil }, []string{"goals.1.id"}},
		{"goal without text", func(p *TreatmentPlan) { p.Goals[1].Text = "" }, []string{"goals.1.text"}},
		{"goal text at the limit", func(p *TreatmentPlan) { p.Goals[1].Text = repeat("x", MaxItem) }, nil},
		{"goal text over the limit", func(p *TreatmentPlan) { p.Goals[1].Text = repeat("x", MaxItem+1) }, []string{"goals.1.text"}},
		{"goal without a measure", func(p *TreatmentPlan) { p.Goals[0].Measure = " " }, []string{"goals.0.measure"}},
		{"goal measure on two lines", func(p *TreatmentPlan) { p.Goals[0].Measure = "PHQ-9\nbelow 10" }, []string{"goals.0.measure"}},

		{"no interventions", func(p *TreatmentPlan) { p.Interventions = nil }, []string{"interventions"}},
		{"interventions at the limit", func(p *TreatmentPlan) { p.Interventions = interventions(MaxItems) }, nil},
		{"interventions over the limit", func(p *TreatmentPlan) { p.Interventions = interventions(MaxItems + 1) }, []string{"interventions"}},
		{"intervention without text", func(p *TreatmentPlan) { p.Interventions[2].Text = "" }, []string{"interventions.2.text"}},
		{"intervention for a goal the plan lacks", func(p *TreatmentPlan) { p.Interventions[1].Goals = []string{"g2", "g9"} },
			[]string{"interventions.1.goals.1"}},
		{"intervention for every goal", func(p *TreatmentPlan) { p.Interventions[2].Goals = []string{"g1", "g2"} }, nil},
		{"intervention for too many goals", func(p *TreatmentPlan) {
			p.Interventions[2].Goals = make([]string, MaxGoals+1)
		}, []string{"interventions.2.goals"}},

		{"1 a week", func(p *TreatmentPlan) { p.Frequency = Frequency{1, Week} }, nil},
		{"7 a week", func(p *TreatmentPlan) { p.Frequency = Frequency{7, Week} }, nil},
		{"8 a week", func(p *TreatmentPlan) { p.Frequency = Frequency{8, Week} }, []string{"frequency.sessions"}},
		{"0 a week", func(p *TreatmentPlan) { p.Frequency = Frequency{0, Week} }, []string{"frequency.sessions"}},
		{"-1 a month", func(p *TreatmentPlan) { p.Frequency = Frequency{-1, Month} }, []string{"frequency.sessions"}},
		{"1 a month", func(p *TreatmentPlan) { p.Frequency = Frequency{1, Month} }, nil},
		{"31 a month", func(p *TreatmentPlan) { p.Frequency = Frequency{31, Month} }, nil},
		{"32 a month", func(p *TreatmentPlan) { p.Frequency = Frequency{32, Month} }, []string{"frequency.sessions"}},
		{"a day", func(p *TreatmentPlan) { p.Frequency = Frequency{1, "day"} }, []string{"frequency.per"}},
		{"no period", func(p *TreatmentPlan) { p.Frequency = Frequency{1, ""} }, []string{"frequency.per"}},

		{"no reviews", func(p *TreatmentPlan) { p.Reviews = nil }, []string{"reviews"}},
		{"review today", func(p *TreatmentPlan) { p.Reviews = []date.Date{today} }, []string{"reviews.0"}},
		{"review yesterday", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(-1)} }, []string{"reviews.0"}},
		{"review tomorrow", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(1)} }, nil},
		{"review at the horizon", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddYears(ReviewHorizonYears)} }, nil},
		{"review past the horizon", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddYears(ReviewHorizonYears).AddDays(1)} }, []string{"reviews.0"}},
		{"review without a day", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(7), {}} }, []string{"reviews.1"}},
		{"reviews on one day", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(7), today.AddDays(7)} }, []string{"reviews.1"}},
		{"reviews out of order", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(8), today.AddDays(7)} }, []string{"reviews.1"}},
		{"reviews a day apart", func(p *TreatmentPlan) { p.Reviews = []date.Date{today.AddDays(7), today.AddDays(8)} }, nil},
		{"reviews at the limit", func(p *TreatmentPlan) { p.Reviews = reviews(MaxReviews) }, nil},
		{"reviews over the limit", func(p *TreatmentPlan) { p.Reviews = reviews(MaxReviews + 1) }, []string{"reviews"}},

		{"no comorbidity", func(p *TreatmentPlan) { p.Comorbidities = []string{} }, []string{"comorbidities"}},
		{"empty comorbidity id", func(p *TreatmentPlan) { p.Comorbidities = []string{"cm-1", ""} }, []string{"comorbidities.1"}},
		{"comorbidity id not an id", func(p *TreatmentPlan) { p.Comorbidities = []string{"cm 1"} }, []string{"comorbidities.0"}},
		{"comorbidity twice", func(p *TreatmentPlan) { p.Comorbidities = []string{"cm-1", "cm-2", "cm-1"} }, []string{"comorbidities.2"}},
		{"comorbidities at the limit", func(p *TreatmentPlan) { p.Comorbidities = ids(MaxItems) }, nil},
		{"comorbidities over the limit", func(p *TreatmentPlan) { p.Comorbidities = ids(MaxItems + 1) }, []string{"comorbidities"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fullPlan()
			tc.edit(&p)
			wantFields(t, p.Check(now), tc.fields...)
		})
	}
}

// TestFrequencyString reads a frequency as people do.
func TestFrequencyString(t *testing.T) {
	for f, want := range map[Frequency]string{
		{1, Week}: "1 session a week", {2, Month}: "2 sessions a month", {7, Week}: "7 sessions a week",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#v: %q, want %q", f, got, want)
		}
	}
	if Week.MaxSessions() != 7 || Month.MaxSessions() != 31 || Period("year").MaxSessions() != 0 {
		t.Error("MaxSessions")
	}
}

// goals returns n goals with distinct ids.
func goals(n int) []Goal {
	out := make([]Goal, n)
	for i := range out {
		out[i] = Goal{ID: fmt.Sprintf("g%d", i+1), Text: "goal", Measure: "rating"}
	}
	return out
}

// interventions returns n interventions for no goal in particular.
func interventions(n int) []Intervention {
	out := make([]Intervention, n)
	for i := range out {
		out[i] = Intervention{Text: "intervention"}
	}
	return out
}

// reviews returns n review days a week apart.
func reviews(n int) []date.Date {
	out := make([]date.Date, n)
	for i := range out {
		out[i] = today.AddDays(7 * (i + 1))
	}
	return out
}

// ids returns n distinct ids.
func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("cm-%d", i)
	}
	return out
}
