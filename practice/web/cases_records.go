package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/plissit"
)

// The forms of a case's sexual history (in its four steps) and treatment
// plan. Their inputs are named as the use cases name the fields
// ("step2.onset.date", "goals.0.measure"), so that each refusal shows at
// its input. Rows of a list (concerns, goals, interventions, review days)
// are shown with empty ones to add more; a row left empty is dropped.

// listItem matches the field of one entry of a one-box list
// ("step4.goals.2", "interventions.0.goals.1", "comorbidities.0"), which
// the form shows at the box.
var listItem = regexp.MustCompile(`^(step4\.goals|interventions\.\d+\.goals|comorbidities)\.\d+$`)

// boxErrors moves the errors of a list's entries to the box that holds
// the list.
func boxErrors(errs map[string]string) map[string]string {
	for k, v := range errs {
		if m := listItem.FindStringSubmatch(k); m != nil {
			if _, ok := errs[m[1]]; !ok {
				errs[m[1]] = v
			}
		}
	}
	return errs
}

// HistoryView is what the sexual-history page shows.
type HistoryView struct {
	R *practice.CaseReport
	// Form is what the form shows: the latest saved history, or what was
	// sent.
	Form     HistoryForm
	Taxonomy []concern.Concern
	// Version is the version the form saves over (0: none saved yet).
	Version int
}

// HistoryForm is the sexual-history form's values.
type HistoryForm struct {
	Concerns                   []HistoryConcernRow
	OnsetDate, OnsetAge        string
	OnsetText, Course, Context string
	Acquisition, Generality    string
	Client, Options            string
	Sources, Goals, Plan       string
}

// HistoryConcernRow is one concern of step 1.
type HistoryConcernRow struct {
	Index                  int
	ConcernID, Description string
}

// Number is the row's number as people count (1 for the first).
func (c HistoryConcernRow) Number() int { return c.Index + 1 }

// Taking says whether the row's concern is id, for the select.
func (c HistoryConcernRow) Taking(id string) bool { return c.ConcernID == id }

// historyForm fills the form from a history, with one empty concern row.
func historyForm(h plissit.SexualHistory) HistoryForm {
	f := HistoryForm{OnsetDate: h.Evolution.Onset.Date.String(), OnsetText: h.Evolution.Onset.Text,
		Course: h.Evolution.Course, Context: h.Evolution.Context, Acquisition: string(h.Evolution.Acquisition),
		Generality: string(h.Evolution.Generality), Client: h.Understanding.Client, Options: h.Understanding.Options,
		Sources: h.Plan.Sources, Goals: strings.Join(h.Plan.Goals, "\n"), Plan: h.Plan.Plan}
	if h.Evolution.Onset.Age != 0 {
		f.OnsetAge = strconv.Itoa(h.Evolution.Onset.Age)
	}
	for i, c := range h.Issues.Concerns {
		f.Concerns = append(f.Concerns, HistoryConcernRow{Index: i, ConcernID: c.ConcernID, Description: c.Description})
	}
	if len(f.Concerns) < plissit.MaxItems {
		f.Concerns = append(f.Concerns, HistoryConcernRow{Index: len(f.Concerns)})
	}
	return f
}

// readHistory reads the sexual-history form: the history, the form's
// values to show again, and the fields that cannot be read (a day or an
// age that is not one).
func readHistory(r *http.Request) (plissit.SexualHistory, HistoryForm, map[string]string) {
	pf := r.PostForm
	var h plissit.SexualHistory
	errs := map[string]string{}
	for i := 0; i <= plissit.MaxItems; i++ {
		k := fmt.Sprintf("step1.concerns.%d.", i)
		id, desc := strings.TrimSpace(pf.Get(k+"concern_id")), pf.Get(k+"description")
		if id == "" && strings.TrimSpace(desc) == "" {
			continue
		}
		h.Issues.Concerns = append(h.Issues.Concerns, plissit.Concern{ConcernID: id, Description: desc})
	}
	e := &h.Evolution
	if s := strings.TrimSpace(pf.Get("step2.onset.date")); s != "" {
		d, err := date.Parse(s)
		if err != nil {
			errs["step2.onset.date"] = "write the day the concern began as YYYY-MM-DD, or leave it empty"
		}
		e.Onset.Date = d
	}
	if s := strings.TrimSpace(pf.Get("step2.onset.age")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs["step2.onset.age"] = "give the client's age then in whole years, or leave it empty"
		}
		e.Onset.Age = n
	}
	e.Onset.Text, e.Course, e.Context = pf.Get("step2.onset.text"), pf.Get("step2.course"), pf.Get("step2.context")
	e.Acquisition, e.Generality = plissit.Acquisition(pf.Get("step2.acquisition")), plissit.Generality(pf.Get("step2.generality"))
	h.Understanding = plissit.Understanding{Client: pf.Get("step3.client"), Options: pf.Get("step3.options")}
	h.Plan = plissit.Plan{Sources: pf.Get("step4.sources"), Goals: lines(pf.Get("step4.goals")), Plan: pf.Get("step4.plan")}
	f := historyForm(h)
	f.OnsetDate, f.OnsetAge, f.Goals = pf.Get("step2.onset.date"), pf.Get("step2.onset.age"), pf.Get("step4.goals")
	return h, f, errs
}

func (s *Server) renderHistory(w http.ResponseWriter, r *http.Request, status int, id int64, form *HistoryForm, errs map[string]string) error {
	rep, err := s.practice.CaseReport(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := HistoryView{R: rep, Taxonomy: concern.Default().Concerns()}
	if rep.SexualHistory != nil {
		v.Version = rep.SexualHistory.Version
		v.Form = historyForm(rep.SexualHistory.History)
	} else {
		v.Form = historyForm(plissit.SexualHistory{})
	}
	if form != nil {
		v.Form = *form
	}
	s.render(w, r, status, "cases_history", page{Title: fmt.Sprintf("Sexual history, case %d", id), Data: v, Errors: errs})
	return nil
}

func (s *Server) historyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	return s.renderHistory(w, r, http.StatusOK, id, nil, nil)
}

// historyFormChars is the most characters a valid sexual history's form
// holds: every concern with its id and description, the seven texts of
// steps 2 to 4, and the goals, each on its line.
const historyFormChars = plissit.MaxItems*(plissit.MaxID+plissit.MaxText) + 7*plissit.MaxText +
	plissit.MaxGoals*(plissit.MaxItem+2)

// saveHistory saves a version of the sexual history from the form
// (practice.Practice.SaveSexualHistory).
func (s *Server) saveHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, historyFormChars, "version")
	if err != nil {
		return err
	}
	h, f, errs := readHistory(r)
	if len(errs) > 0 {
		return s.renderHistory(w, r, http.StatusUnprocessableEntity, id, &f, errs)
	}
	_, err = s.practice.SaveSexualHistory(r.Context(), actor(r), id, h, version)
	if e := refusal(err); e != nil {
		if e.Code == certboard.NotFound {
			return e
		}
		return s.renderHistory(w, r, e.Answer().Status, id, &f, boxErrors(clientFields(e)))
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/history", id), "Saved the sexual history.")
	return nil
}

// Acquisitions and Generalities are the step-2 choices ("" first: not
// decided yet).
func (HistoryView) Acquisitions() []string { return []string{"", "lifelong", "acquired"} }

// Generalities are the choices of generalised or situational.
func (HistoryView) Generalities() []string { return []string{"", "generalised", "situational"} }

// Missing says whether field is among what a step still lacks.
func (HistoryView) Missing(st plissit.StepStatus, field string) bool {
	for _, m := range st.Missing {
		if m == field {
			return true
		}
	}
	return false
}

// PlanView is what the treatment-plan page shows.
type PlanView struct {
	R    *practice.CaseReport
	Form PlanForm
	// Version is the version the form saves over (0: none saved yet).
	Version int
}

// PlanForm is the treatment-plan form's values.
type PlanForm struct {
	Goals         []GoalRow
	Interventions []InterventionRow
	Sessions, Per string
	Reviews       []ReviewRow
	Comorbidities []string
}

// GoalRow is one goal of the form.
type GoalRow struct {
	Index             int
	ID, Text, Measure string
}

// InterventionRow is one intervention of the form; Goals are the ids of
// the goals it serves, comma-separated.
type InterventionRow struct {
	Index       int
	Text, Goals string
}

// Number is the row's number as people count (1 for the first).
func (g GoalRow) Number() int { return g.Index + 1 }

// Number is the row's number as people count (1 for the first).
func (in InterventionRow) Number() int { return in.Index + 1 }

// Number is the row's number as people count (1 for the first).
func (d ReviewRow) Number() int { return d.Index + 1 }

// ReviewRow is one review day of the form.
type ReviewRow struct {
	Index int
	Day   string
}

// Cites says whether the form cites the comorbidity.
func (f PlanForm) Cites(c practice.Comorbidity) bool {
	for _, id := range f.Comorbidities {
		if id == c.Ref() {
			return true
		}
	}
	return false
}

// Pers are the periods of a frequency.
func (PlanView) Pers() []string { return []string{string(plissit.Week), string(plissit.Month)} }

// Standing lists the comorbidities standing on the case, for the plan to
// cite.
func (v PlanView) Standing() []practice.Comorbidity { return standing(v.R.Comorbidities) }

// planRows is how many empty rows of each list the plan form adds.
const planRows = 2

// planForm fills the form from a plan, with empty rows to add more.
func planForm(tp plissit.TreatmentPlan) PlanForm {
	f := PlanForm{Per: string(tp.Frequency.Per), Comorbidities: tp.Comorbidities}
	if tp.Frequency.Sessions != 0 {
		f.Sessions = strconv.Itoa(tp.Frequency.Sessions)
	}
	if f.Per == "" {
		f.Per = string(plissit.Week)
	}
	for i, g := range tp.Goals {
		f.Goals = append(f.Goals, GoalRow{Index: i, ID: g.ID, Text: g.Text, Measure: g.Measure})
	}
	for i, in := range tp.Interventions {
		f.Interventions = append(f.Interventions, InterventionRow{Index: i, Text: in.Text, Goals: strings.Join(in.Goals, ", ")})
	}
	for i, d := range tp.Reviews {
		f.Reviews = append(f.Reviews, ReviewRow{Index: i, Day: d.String()})
	}
	for range planRows {
		if len(f.Goals) < plissit.MaxGoals {
			f.Goals = append(f.Goals, GoalRow{Index: len(f.Goals)})
		}
		if len(f.Interventions) < plissit.MaxItems {
			f.Interventions = append(f.Interventions, InterventionRow{Index: len(f.Interventions)})
		}
		if len(f.Reviews) < plissit.MaxReviews {
			f.Reviews = append(f.Reviews, ReviewRow{Index: len(f.Reviews)})
		}
	}
	return f
}

// readPlan reads the treatment-plan form: the plan, the form's values to
// show again, and the fields that cannot be read. A goal written without
// an id gets the first of g1, g2... that the plan does not use.
func readPlan(r *http.Request) (plissit.TreatmentPlan, PlanForm, map[string]string) {
	pf := r.PostForm
	var tp plissit.TreatmentPlan
	errs := map[string]string{}
	used := map[string]bool{}
	for i := 0; i <= plissit.MaxGoals; i++ {
		used[strings.TrimSpace(pf.Get(fmt.Sprintf("goals.%d.id", i)))] = true
	}
	next := 1
	for i := 0; i <= plissit.MaxGoals; i++ {
		k := fmt.Sprintf("goals.%d.", i)
		g := plissit.Goal{ID: strings.TrimSpace(pf.Get(k + "id")), Text: pf.Get(k + "text"), Measure: pf.Get(k + "measure")}
		if strings.TrimSpace(g.Text) == "" && strings.TrimSpace(g.Measure) == "" && g.ID == "" {
			continue
		}
		for g.ID == "" {
			if id := "g" + strconv.Itoa(next); !used[id] {
				g.ID, used[id] = id, true
			}
			next++
		}
		tp.Goals = append(tp.Goals, g)
	}
	for i := 0; i <= plissit.MaxItems; i++ {
		k := fmt.Sprintf("interventions.%d.", i)
		in := plissit.Intervention{Text: pf.Get(k + "text")}
		for _, g := range strings.Split(pf.Get(k+"goals"), ",") {
			if g = strings.TrimSpace(g); g != "" {
				in.Goals = append(in.Goals, g)
			}
		}
		if strings.TrimSpace(in.Text) == "" && len(in.Goals) == 0 {
			continue
		}
		tp.Interventions = append(tp.Interventions, in)
	}
	if s := strings.TrimSpace(pf.Get("frequency.sessions")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs["frequency.sessions"] = "give how many sessions in whole numbers"
		}
		tp.Frequency.Sessions = n
	}
	tp.Frequency.Per = plissit.Period(pf.Get("frequency.per"))
	var reviewErr bool
	for i := 0; i <= plissit.MaxReviews; i++ {
		s := strings.TrimSpace(pf.Get(fmt.Sprintf("reviews.%d", i)))
		if s == "" {
			continue
		}
		d, err := date.Parse(s)
		if err != nil && !reviewErr {
			reviewErr = true
			errs[fmt.Sprintf("reviews.%d", len(tp.Reviews))] = "write the review day as YYYY-MM-DD"
		}
		tp.Reviews = append(tp.Reviews, d)
	}
	tp.Comorbidities = pf["comorbidities"]
	f := planForm(tp)
	if s := pf.Get("frequency.sessions"); s != "" {
		f.Sessions = s
	}
	for i := range f.Reviews {
		if i < len(tp.Reviews) && tp.Reviews[i].IsZero() {
			f.Reviews[i].Day = ""
		}
	}
	return tp, f, errs
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, status int, id int64, form *PlanForm, errs map[string]string) error {
	rep, err := s.practice.CaseReport(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := PlanView{R: rep}
	if rep.TreatmentPlan != nil {
		v.Version = rep.TreatmentPlan.Version
		v.Form = planForm(rep.TreatmentPlan.Plan)
	} else {
		v.Form = planForm(plissit.TreatmentPlan{})
	}
	if form != nil {
		v.Form = *form
	}
	s.render(w, r, status, "cases_plan", page{Title: fmt.Sprintf("Treatment plan, case %d", id), Data: v, Errors: errs})
	return nil
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	return s.renderPlan(w, r, http.StatusOK, id, nil, nil)
}

// planFormChars is the most characters a valid treatment plan's form
// holds: every goal with its id, text and measure; every intervention with
// the ids of its goals; the review days and the comorbidities cited.
const planFormChars = plissit.MaxGoals*(plissit.MaxID+2*plissit.MaxItem) +
	plissit.MaxItems*(plissit.MaxItem+plissit.MaxGoals*(plissit.MaxID+1)) + plissit.MaxReviews*len("2006-01-02") +
	plissit.MaxItems*plissit.MaxID

// savePlan saves a version of the treatment plan from the form
// (practice.Practice.SaveTreatmentPlan). A plan refused for want of scope
// says so and points to the referral on the case page.
func (s *Server) savePlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, planFormChars, "version")
	if err != nil {
		return err
	}
	tp, f, errs := readPlan(r)
	if len(errs) > 0 {
		return s.renderPlan(w, r, http.StatusUnprocessableEntity, id, &f, errs)
	}
	_, err = s.practice.SaveTreatmentPlan(r.Context(), actor(r), id, tp, version)
	if e := refusal(err); e != nil {
		if e.Code == certboard.NotFound {
			return e
		}
		errs := boxErrors(clientFields(e))
		if practice.OffersReferral(err) {
			errs = map[string]string{"": plain(e)}
		}
		return s.renderPlan(w, r, e.Answer().Status, id, &f, errs)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/plan", id), "Saved the treatment plan.")
	return nil
}
