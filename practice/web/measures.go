package web

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/chart"
	"github.com/certboard/certboard/practice/measure"
)

// measureRoutes registers the pages of measures (practice/measures_*.go):
// a case's measures with their charts, the form that records a response
// (a blank keeps it in progress), a response with its escalation and
// safety tasks, corrections, and the admin's page of instruments. It adds
// the safety tasks to the practitioner's home page.
func (s *Server) measureRoutes() {
	s.route("GET /cases/{case}/measures", Member, s.handle(s.caseMeasuresPage))
	s.route("GET /cases/{case}/measures/new", Practitioner, s.handle(s.newMeasurePage))
	s.route("POST /cases/{case}/measures", Practitioner, s.handle(s.recordMeasure))
	s.route("GET /measures/{id}", Member, s.handle(s.responsePage))
	s.route("POST /measures/{id}/continue", Practitioner, s.handle(s.continueMeasure))
	s.route("POST /measures/{id}/error", Practitioner, s.handle(s.markMeasureInError))
	s.route("GET /measures/{id}/correct", Practitioner, s.handle(s.correctMeasurePage))
	s.route("POST /measures/{id}/correct", Practitioner, s.handle(s.correctMeasure))
	s.route("POST /safety-tasks/{id}/resolve", Practitioner, s.handle(s.resolveSafetyTask))
	s.route("GET /admin/instruments", PracticeAdmin, s.handle(s.instrumentsPage))
	s.route("POST /admin/instruments/{id}/enabled", PracticeAdmin, s.handle(s.setInstrumentEnabled))
	s.route("POST /admin/instruments/{id}/permission", PracticeAdmin, s.handle(s.confirmPermission))
	s.route("POST /admin/instruments/{id}/texts", PracticeAdmin, s.handle(s.importTexts))
	s.homeParts = append(s.homeParts, s.safetyTasksHome)
}

// ---- a case's measures

// CaseMeasuresView is what a case's measures page shows.
type CaseMeasuresView struct {
	Measures *practice.CaseMeasures
	// Charts are the scores over time, one an instrument, each with a
	// table of the same scores.
	Charts []ChartView
	// Usable are the instruments a practitioner may record now.
	Usable []measure.Instrument
	// CanRecord says whether the reader may record (an assigned
	// practitioner, not an admin with emergency access).
	CanRecord bool
	Today     date.Date
	// Pager is the page links of the responses; ChartPoints how many of
	// the latest scores of an instrument a chart draws.
	Pager       Pager
	ChartPoints int
}

// ChartView is one instrument's chart with its table fallback.
type ChartView struct {
	// CaptionID is the id of the chart's caption, unique on the page.
	CaptionID  string
	Instrument measure.Instrument
	SVG        template.HTML
	Summary    string
	Scale      string
	Rows       []chart.Row
}

func (s *Server) caseMeasuresPage(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	by := actor(r)
	n, err := pageOf(r)
	if err != nil {
		return err
	}
	cm, scores, pg, err := s.practice.CaseMeasuresPage(r.Context(), by, caseID, n)
	if err != nil {
		return err
	}
	v := CaseMeasuresView{Measures: cm, CanRecord: cm.Access.Assigned, Today: date.FromTime(s.now().UTC()), ChartPoints: practice.ChartPoints,
		Pager: pagerOf("Pages of the responses", fmt.Sprintf("/cases/%d/measures", caseID), nil, pg)}
	if v.Charts, err = chartsOf(scores, ""); err != nil {
		return err
	}
	if v.CanRecord {
		all, err := s.practice.Instruments(r.Context(), by)
		if err != nil {
			return err
		}
		for _, in := range all {
			if in.Usable() {
				v.Usable = append(v.Usable, in.Instrument)
			}
		}
	}
	s.render(w, r, http.StatusOK, "measures_case", page{Title: fmt.Sprintf("Measures of case %d", caseID), Data: v})
	return nil
}

// ---- the client's record page

func init() { clientSections = append(clientSections, measuresSection) }

// ClientMeasuresView is the measures section of a client's record page.
type ClientMeasuresView struct {
	Measures *practice.ClientMeasures
	Charts   []ChartView
	Today    date.Date
	// Total counts the client's responses, of which Measures holds the
	// latest; ChartPoints is how many of the latest scores of an
	// instrument a chart draws.
	Total, ChartPoints int
}

// measuresSection draws a client's scores over time on their record page,
// each instrument's chart with a table of the same scores, with their
// open safety tasks and their latest responses.
func measuresSection(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	cm, scores, total, err := s.practice.ClientMeasuresLatest(r.Context(), actor(r), rec.Client.ID)
	if err != nil {
		return nil, err
	}
	charts, err := chartsOf(scores, "client-")
	if err != nil {
		return nil, err
	}
	return &ClientSection{ID: "measures", Title: "Measures", Block: "measures_client",
		Data: ClientMeasuresView{Measures: cm, Charts: charts, Today: date.FromTime(s.now().UTC()), Total: total, ChartPoints: practice.ChartPoints}}, nil
}

// chartsOf draws the charts of responses, one an instrument, the ids of
// each and of its caption prefixed ("client-") so that they are unique on
// the page: {prefix}chart-{instrument}, {prefix}cap-{instrument}.
func chartsOf(responses []practice.Response, prefix string) ([]ChartView, error) {
	var out []ChartView
	for _, series := range practice.ChartSeries(responses) {
		c, err := chart.New(series)
		if err != nil {
			return nil, err
		}
		svg, err := c.SVG(chart.Options{ID: prefix + "chart-" + series.Instrument})
		if err != nil {
			return nil, err
		}
		out = append(out, ChartView{CaptionID: prefix + "cap-" + c.Instrument().ID, Instrument: c.Instrument(), SVG: svg, Summary: c.Summary(), Scale: c.Scale(), Rows: c.Rows()})
	}
	return out, nil
}

// ---- the form of a response

// MeasureFormView is the form that records a response, continues one in
// progress or corrects one scored.
type MeasureFormView struct {
	// Action is where the form posts.
	Action     string
	CaseID     int64
	Instrument measure.Instrument
	Texts      measure.Texts
	Items      []FormItem
	Closing    *FormClosing
	// AskSex says whether the instrument's threshold depends on sex
	// (AUDIT-C), and Sex is the choice.
	AskSex bool
	Sex    string
	// TakenDate and TakenTime are when the client answered (UTC).
	TakenDate, TakenTime string
	// Response is the response continued or corrected (0 for a new one),
	// Version its version (continuing).
	Response int64
	Version  int
	// Correct says the form corrects a scored response, and asks why.
	Correct bool
	Reason  string
	// Errors are a refusal's messages by field, for the fields outside
	// the items (closing, sex, taken_at).
	Errors map[string]string
}

// FieldError returns the error of a field of the form.
func (v MeasureFormView) FieldError(field string) string { return v.Errors[field] }

// FormItem is one item of the form with its answers.
type FormItem struct {
	Number  int
	Text    string
	Answers []FormAnswer
	Error   string
}

// Answered says whether one of the item's answers is chosen.
func (it FormItem) Answered() bool {
	for _, a := range it.Answers {
		if a.Checked {
			return true
		}
	}
	return false
}

// FormAnswer is one answer of an item.
type FormAnswer struct {
	Value   int
	Label   string
	Checked bool
}

// FormClosing is the unscored closing question.
type FormClosing struct {
	Text    string
	Choices []FormAnswer
}

// formView builds the form from the wording and what is chosen.
func formView(in measure.Instrument, t measure.Texts, answers []*int, closing string) MeasureFormView {
	v := MeasureFormView{Instrument: in, Texts: t, AskSex: in.ID == "audit-c"}
	for i, it := range t.Items {
		fi := FormItem{Number: it.Number, Text: it.Text}
		for _, a := range it.Answers {
			fi.Answers = append(fi.Answers, FormAnswer{Value: a.Value, Label: a.Label,
				Checked: i < len(answers) && answers[i] != nil && *answers[i] == a.Value})
		}
		v.Items = append(v.Items, fi)
	}
	if t.Closing != nil {
		fc := &FormClosing{Text: t.Closing.Text}
		for i, l := range t.Closing.Labels {
			fc.Choices = append(fc.Choices, FormAnswer{Value: i, Label: l, Checked: l == closing})
		}
		v.Closing = fc
	}
	return v
}

// submitted is a response as the form sent it.
type submitted struct {
	answers practice.ResponseAnswers
	// raw are the values as sent, to show the form again.
	raw url.Values
}

// readAnswers reads the form's answers to the instrument: item-N (blank
// for unanswered), closing, sex, taken_date and taken_time (UTC). An
// answer that is not a number is refused naming its item.
func readAnswers(r *http.Request, in measure.Instrument) (submitted, error) {
	f := r.PostForm
	sub := submitted{raw: f}
	sub.answers.Sex = f.Get("sex")
	sub.answers.Closing = f.Get("closing")
	for _, it := range in.Items {
		raw := strings.TrimSpace(f.Get(fmt.Sprintf("item-%d", it.Number)))
		if raw == "" {
			sub.answers.Answers = append(sub.answers.Answers, nil)
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			field := fmt.Sprintf("item %d", it.Number)
			return sub, certboard.FieldError(certboard.Invalid, field, fmt.Sprintf("%q is not one of the answers; choose one", raw))
		}
		sub.answers.Answers = append(sub.answers.Answers, &n)
	}
	day, clock := strings.TrimSpace(f.Get("taken_date")), strings.TrimSpace(f.Get("taken_time"))
	if day != "" || clock != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, time.UTC)
		if err != nil {
			return sub, certboard.FieldError(certboard.Invalid, "taken_at",
				"give the day as YYYY-MM-DD and the time as HH:MM (UTC) the client answered")
		}
		sub.answers.TakenAt = t
	}
	return sub, nil
}

// fillForm puts what was sent back into a form view.
func fillForm(v *MeasureFormView, sub submitted) {
	for i := range v.Items {
		it := &v.Items[i]
		raw := sub.raw.Get(fmt.Sprintf("item-%d", it.Number))
		for j := range it.Answers {
			it.Answers[j].Checked = raw == strconv.Itoa(it.Answers[j].Value)
		}
	}
	if v.Closing != nil {
		for j := range v.Closing.Choices {
			v.Closing.Choices[j].Checked = v.Closing.Choices[j].Label == sub.raw.Get("closing")
		}
	}
	v.Sex = sub.raw.Get("sex")
	v.TakenDate, v.TakenTime = sub.raw.Get("taken_date"), sub.raw.Get("taken_time")
	v.Reason = sub.raw.Get("reason")
}

// renderForm shows the form with a status and a refusal's errors; the
// errors of items are shown in their fieldsets.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, v MeasureFormView, e *certboard.Error) {
	var errs map[string]string
	if e != nil {
		errs = fieldErrors(e)
		markErrors(&v, errs)
	}
	title := v.Instrument.Name
	switch {
	case v.Correct:
		title = "Correct " + title
	case v.Response != 0:
		title = "Complete " + title
	}
	s.render(w, r, status, "measures_form", page{Title: title, Data: v, Errors: errs})
}

// markErrors puts a refusal's messages on the form: each item's in its
// fieldset, the others by field.
func markErrors(v *MeasureFormView, errs map[string]string) {
	v.Errors = map[string]string{}
	for k, msg := range errs {
		v.Errors[k] = strings.TrimPrefix(msg, k+": ")
	}
	for i := range v.Items {
		v.Items[i].Error = v.Errors[fmt.Sprintf("item %d", v.Items[i].Number)]
	}
}

func (s *Server) newMeasurePage(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	iv, err := s.practice.MeasureForm(r.Context(), actor(r), caseID, r.URL.Query().Get("instrument"))
	if err != nil {
		return err
	}
	v := formView(iv.Instrument, *iv.Texts, nil, "")
	v.Action, v.CaseID = fmt.Sprintf("/cases/%d/measures", caseID), caseID
	now := s.now().UTC()
	v.TakenDate, v.TakenTime = now.Format("2006-01-02"), now.Format("15:04")
	s.renderForm(w, r, http.StatusOK, v, nil)
	return nil
}

// savedMessage says what saving a response did.
func savedMessage(out *practice.ResponseOutcome, in measure.Instrument) string {
	r := out.Response
	if r.Status == practice.InProgress {
		return fmt.Sprintf("Saved %s in progress: %d of %d items answered. It is not scored until every item is answered; complete it below.",
			in.Name, r.Answered(), len(r.Answers))
	}
	msg := fmt.Sprintf("Scored %s: total %s.", in.Name, r.Score())
	if len(out.SafetyTasks) > 0 {
		msg += " A same-day safety task is open: follow up with the client today and record what you did."
	}
	return msg
}

func (s *Server) recordMeasure(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	by := actor(r)
	iv, err := s.practice.MeasureForm(r.Context(), by, caseID, r.PostForm.Get("instrument"))
	if err != nil {
		return err
	}
	v := formView(iv.Instrument, *iv.Texts, nil, "")
	v.Action, v.CaseID = fmt.Sprintf("/cases/%d/measures", caseID), caseID
	sub, err := readAnswers(r, iv.Instrument)
	if err == nil {
		var out *practice.ResponseOutcome
		out, err = s.practice.RecordResponse(r.Context(), by, practice.NewResponse{CaseID: caseID, Instrument: iv.Instrument.ID,
			ResponseAnswers: sub.answers})
		if err == nil {
			redirect(w, r, fmt.Sprintf("/measures/%d", out.Response.ID), savedMessage(out, iv.Instrument))
			return nil
		}
	}
	return s.formAgain(w, r, v, sub, err)
}

// formAgain shows the form v again, filled in with what was sent (sub)
// and what to fix, when err is a refusal a form shows (formRefusal);
// otherwise it returns err.
func (s *Server) formAgain(w http.ResponseWriter, r *http.Request, v MeasureFormView, sub submitted, err error) error {
	if e := formRefusal(err); e != nil {
		fillForm(&v, sub)
		s.renderForm(w, r, e.Answer().Status, v, e)
		return nil
	}
	return err
}

// formRefusal is a refusal a form shows again with what to fix: input
// refused (Invalid, Malformed) or a version changed meanwhile (Conflict);
// nil for others, which are answered as errors.
func formRefusal(err error) *certboard.Error {
	e := refusal(err)
	if e == nil {
		return nil
	}
	switch e.Code {
	case certboard.Invalid, certboard.Malformed, certboard.Conflict:
		return e
	}
	return nil
}

// ---- one response

// ResponsePageView is what a response's page shows.
type ResponsePageView struct {
	View *practice.ResponseView
	// Answers are the items with the answers given.
	Answers []AnsweredItem
	// Escalation is the latest evaluation the response triggered; nil
	// while it is in progress.
	Escalation *practice.EscalationRecord
	// Form continues a response in progress; nil otherwise.
	Form *MeasureFormView
	// CanChange says whether the reader may change the response (an
	// assigned practitioner).
	CanChange bool
	Today     date.Date
}

// AnsweredItem is one item with its answer ("" when not answered).
type AnsweredItem struct {
	Number int
	Text   string
	Value  string
	Label  string
}

func (s *Server) responsePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "response")
	if err != nil {
		return err
	}
	return s.renderResponse(w, r, id, http.StatusOK, nil, nil)
}

// renderResponse draws a response's page; sub and e refill its continue
// form after a refusal.
func (s *Server) renderResponse(w http.ResponseWriter, r *http.Request, id int64, status int, sub *submitted, e *certboard.Error) error {
	rv, err := s.practice.Response(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	resp := rv.Response
	v := ResponsePageView{View: rv, CanChange: rv.Access.Assigned, Today: date.FromTime(s.now().UTC())}
	for i, it := range rv.Texts.Items {
		ai := AnsweredItem{Number: it.Number, Text: it.Text}
		if i < len(resp.Answers) && resp.Answers[i] != nil {
			ai.Value = strconv.Itoa(*resp.Answers[i])
			for _, a := range it.Answers {
				if a.Value == *resp.Answers[i] {
					ai.Label = a.Label
				}
			}
		}
		v.Answers = append(v.Answers, ai)
	}
	if n := len(rv.Escalations); n > 0 {
		v.Escalation = &rv.Escalations[n-1]
	}
	var errs map[string]string
	if resp.Status == practice.InProgress && v.CanChange {
		f := formView(rv.Instrument, rv.Texts, resp.Answers, resp.Closing)
		f.Action, f.CaseID, f.Response, f.Version = fmt.Sprintf("/measures/%d/continue", id), resp.CaseID, id, resp.Version
		f.Sex = string(resp.Sex)
		f.TakenDate, f.TakenTime = resp.TakenAt.UTC().Format("2006-01-02"), resp.TakenAt.UTC().Format("15:04")
		if sub != nil {
			fillForm(&f, *sub)
		}
		if e != nil {
			errs = fieldErrors(e)
			markErrors(&f, errs)
		}
		v.Form = &f
	}
	s.render(w, r, status, "measures_response", page{Title: fmt.Sprintf("%s of %s", rv.Instrument.Name, resp.TakenAt.UTC().Format("2006-01-02")),
		Data: v, Errors: errs})
	return nil
}

func (s *Server) continueMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "response")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	in, err := instrumentOfForm(r)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return certboard.FieldError(certboard.PreconditionRequired, "version", "The form lacks the response's version; reload the page and enter the answers again.")
	}
	sub, err := readAnswers(r, in)
	if err == nil {
		var out *practice.ResponseOutcome
		out, err = s.practice.ContinueResponse(r.Context(), actor(r), id, version, sub.answers)
		if err == nil {
			redirect(w, r, fmt.Sprintf("/measures/%d", id), savedMessage(out, in))
			return nil
		}
	}
	if e := formRefusal(err); e != nil {
		return s.renderResponse(w, r, id, e.Answer().Status, &sub, e)
	}
	return err
}

// instrumentOfForm reads the instrument a form names.
func instrumentOfForm(r *http.Request) (measure.Instrument, error) {
	in, ok := measure.Lookup(r.PostForm.Get("instrument"))
	if !ok {
		return measure.Instrument{}, certboard.FieldError(certboard.Malformed, "instrument", "The form names no instrument; reload the page and enter the answers again.")
	}
	return in, nil
}

func (s *Server) markMeasureInError(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "response")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	_, err = s.practice.MarkEnteredInError(r.Context(), actor(r), id, r.PostForm.Get("reason"))
	if e := formRefusal(err); e != nil {
		redirect(w, r, fmt.Sprintf("/measures/%d#error", id), "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/measures/%d", id), "Marked entered in error. The response is kept, marked, and no longer counts.")
	return nil
}

// correctionForm is the form that corrects response id, from its page's
// reading.
func (s *Server) correctionForm(r *http.Request, id int64) (MeasureFormView, error) {
	rv, err := s.practice.Response(r.Context(), actor(r), id)
	if err != nil {
		return MeasureFormView{}, err
	}
	resp := rv.Response
	if resp.Status != practice.Completed {
		return MeasureFormView{}, certboard.Errorf(certboard.Conflict, "only a scored response is corrected; response %d is %s", id, resp.Status.Label())
	}
	v := formView(rv.Instrument, rv.Texts, resp.Answers, resp.Closing)
	v.Action, v.CaseID, v.Response, v.Correct = fmt.Sprintf("/measures/%d/correct", id), resp.CaseID, id, true
	v.Sex = string(resp.Sex)
	v.TakenDate, v.TakenTime = resp.TakenAt.UTC().Format("2006-01-02"), resp.TakenAt.UTC().Format("15:04")
	return v, nil
}

func (s *Server) correctMeasurePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "response")
	if err != nil {
		return err
	}
	v, err := s.correctionForm(r, id)
	if err != nil {
		return err
	}
	s.renderForm(w, r, http.StatusOK, v, nil)
	return nil
}

func (s *Server) correctMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "response")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	v, err := s.correctionForm(r, id)
	if err != nil {
		return err
	}
	sub, err := readAnswers(r, v.Instrument)
	if err == nil {
		var out *practice.ResponseOutcome
		out, err = s.practice.CorrectResponse(r.Context(), actor(r), id, r.PostForm.Get("reason"), sub.answers)
		if err == nil {
			redirect(w, r, fmt.Sprintf("/measures/%d", out.Response.ID),
				fmt.Sprintf("Recorded the correction; response %d is marked entered in error. ", id)+savedMessage(out, v.Instrument))
			return nil
		}
	}
	return s.formAgain(w, r, v, sub, err)
}

// ---- safety tasks

func (s *Server) resolveSafetyTask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "safety task")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	back := "/"
	if resp, err := strconv.ParseInt(r.PostForm.Get("response"), 10, 64); err == nil && resp > 0 {
		back = fmt.Sprintf("/measures/%d", resp)
	} else if c, err := strconv.ParseInt(r.PostForm.Get("case"), 10, 64); err == nil && c > 0 {
		back = fmt.Sprintf("/cases/%d/measures/links", c) // a task raised by answers saved through a link
	}
	_, err = s.practice.ResolveSafetyTask(r.Context(), actor(r), id, r.PostForm.Get("action"))
	if e := formRefusal(err); e != nil {
		redirect(w, r, fmt.Sprintf("%s#task-%d", back, id), "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, back, "Recorded what you did; the safety task is closed.")
	return nil
}

// safetyTasksHome lists a practitioner's open safety tasks first among
// what needs them today.
func (s *Server) safetyTasksHome(ctx context.Context, u *auth.User, v *HomeView) error {
	if !v.Practitioner {
		return nil
	}
	tasks, err := s.practice.OpenSafetyTasks(ctx, practice.ActorOf(u))
	if err != nil {
		return err
	}
	today := date.FromTime(s.now().UTC())
	items := make([]HomeItem, 0, len(tasks))
	for _, t := range tasks {
		note := "due today"
		if t.Overdue(today) {
			note = fmt.Sprintf("overdue: due %s", t.Due)
		}
		items = append(items, HomeItem{Text: fmt.Sprintf("Same-day safety task: client %d, case %d", t.ClientID, t.CaseID),
			Href: taskHref(t), Note: note + "; record what you did to close it"})
	}
	v.Tasks = append(items, v.Tasks...)
	return nil
}

// taskHref is where a safety task is resolved: on its response's page,
// or on its case's links while the answers that raised it are not sent.
func taskHref(t practice.SafetyTask) string {
	if t.Response == 0 {
		return fmt.Sprintf("/cases/%d/measures/links#task-%d", t.CaseID, t.ID)
	}
	return fmt.Sprintf("/measures/%d#task-%d", t.Response, t.ID)
}

// ---- the admin's instruments

// InstrumentsView is what the admin's page of instruments shows.
type InstrumentsView struct {
	Instruments []practice.InstrumentView
	// Open is the instrument whose form a refusal reopens ("" for none).
	Open string
}

func (s *Server) instrumentsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderInstruments(w, r, http.StatusOK, "", nil, nil)
}

// renderInstruments draws the page; open, errs and form refill the form of
// one instrument after a refusal.
func (s *Server) renderInstruments(w http.ResponseWriter, r *http.Request, status int, open string, errs map[string]string, f url.Values) error {
	all, err := s.practice.Instruments(r.Context(), actor(r))
	if err != nil {
		return err
	}
	s.render(w, r, status, "measures_instruments", page{Title: "Instruments", Data: InstrumentsView{Instruments: all, Open: open},
		Errors: errs, Form: f})
	return nil
}

// settingForm reads a form that changes an instrument's setting: the
// instrument's id in the path, and the version the form was made from.
func settingForm(w http.ResponseWriter, r *http.Request) (id string, version int, err error) {
	if err := form(w, r); err != nil {
		return "", 0, err
	}
	v, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || v < 0 {
		return "", 0, certboard.FieldError(certboard.PreconditionRequired, "version", "The form lacks the setting's version; reload the page and try again.")
	}
	return r.PathValue("id"), v, nil
}

func (s *Server) setInstrumentEnabled(w http.ResponseWriter, r *http.Request) error {
	id, version, err := settingForm(w, r)
	if err != nil {
		return err
	}
	enabled := r.PostForm.Get("enabled") == "true"
	_, err = s.practice.SetInstrumentEnabled(r.Context(), actor(r), id, enabled, version)
	if e := formRefusal(err); e != nil {
		redirect(w, r, "/admin/instruments#"+id, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	in, _ := measure.Lookup(id)
	msg := in.Name + " is enabled: practitioners can record it."
	if !enabled {
		msg = in.Name + " is disabled: practitioners can no longer record it; responses already recorded stay."
	}
	redirect(w, r, "/admin/instruments#"+id, msg)
	return nil
}

func (s *Server) confirmPermission(w http.ResponseWriter, r *http.Request) error {
	id, version, err := settingForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.practice.ConfirmPermission(r.Context(), actor(r), id, r.PostForm.Get("statement"), version)
	if e := formRefusal(err); e != nil {
		return s.renderInstruments(w, r, e.Answer().Status, id, map[string]string{"statement-" + id: plain(e)}, r.PostForm)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/instruments#"+id, "Recorded that the practice holds permission. Now import the item texts from your licensed copy.")
	return nil
}

// maxTextsForm is the most an import form may carry: the file, and room
// for the form around it.
const maxTextsForm = measure.MaxTextsSize + 16<<10

func (s *Server) importTexts(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxTextsForm)
	var data []byte
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxTextsForm); err != nil {
			return &certboard.Error{Code: certboard.TooLarge, Title: "The form could not be read",
				Message: fmt.Sprintf("Send the form again; an item-text file may have at most %d KiB.", measure.MaxTextsSize>>10), Err: err}
		}
		defer r.MultipartForm.RemoveAll()
		if f, hdr, err := r.FormFile("file"); err == nil && hdr.Size > 0 {
			defer f.Close()
			if data, err = io.ReadAll(io.LimitReader(f, measure.MaxTextsSize+1)); err != nil {
				return err
			}
		}
	} else if err := form(w, r); err != nil {
		return err
	}
	if len(data) == 0 {
		data = []byte(r.PostForm.Get("texts"))
	}
	imp, err := s.practice.ImportTexts(r.Context(), actor(r), id, data)
	if e := formRefusal(err); e != nil || (err != nil && certboard.ErrorCode(err) == certboard.TooLarge) {
		if e == nil {
			e = certboard.As(err)
		}
		errs := map[string]string{"texts-" + id: plain(e)}
		if len(e.Fields) > 1 {
			var lines []string
			for _, k := range sortedKeys(e.Fields) {
				lines = append(lines, e.Fields[k])
			}
			errs["texts-"+id] = strings.Join(lines, "\n")
		}
		return s.renderInstruments(w, r, e.Answer().Status, id, errs, url.Values{"texts": {r.PostForm.Get("texts")}})
	}
	if err != nil {
		return err
	}
	in, _ := measure.Lookup(id)
	redirect(w, r, "/admin/instruments#"+id, fmt.Sprintf("Imported the item texts of %s (%d items). Enable it when you are ready for practitioners to record it.",
		in.Name, len(imp.Texts.Items)))
	return nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
