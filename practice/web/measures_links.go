package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/practice"
	kit "github.com/certboard/certboard/web"
)

// linkRoutes registers the pages of measures sent to clients
// (practice/measures_links*.go): the client's form at /m/{token}, which
// anyone holding the link reaches without an account, rate limited per
// address, never cached and never naming itself to another site; and the
// practitioner's page of a case's links and schedules. The form's posts
// draw on a bucket of their own (linkFormLimit), not sign-in's.
func (s *Server) linkRoutes() {
	limited := s.limiter(linkLimit)
	s.route("GET /m/thanks", Public, limited(s.handle(s.linkThanksPage)))
	s.route("GET /m/{token}", Public, limited(s.handle(s.linkPage)))
	s.routeLimited("POST /m/{token}", Public, s.limiter(linkFormLimit), limited(s.handle(s.linkPost)))
	s.route("GET /cases/{case}/measures/links", Member, s.handle(s.caseLinksPage))
	s.route("POST /cases/{case}/measures/links", Practitioner, s.handle(s.sendLink))
	s.route("POST /cases/{case}/measures/schedules", Practitioner, s.handle(s.addSchedule))
	s.route("POST /measure-links/{id}/revoke", Practitioner, s.handle(s.revokeLink))
	s.route("POST /measure-schedules/{id}/stop", Practitioner, s.handle(s.stopSchedule))
}

// sendDueMeasures mails the links of the measures schedules have due
// (practice.SendDueMeasures), for RunJobs.
func (s *Server) sendDueMeasures(ctx context.Context) {
	if n, err := s.practice.SendDueMeasures(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Log.Error("sending scheduled measures", "err", err)
	} else if n > 0 {
		s.cfg.Log.Info("sent scheduled measures", "links", n)
	}
}

// private marks a response of a link's pages: never stored by a browser
// or a proxy, and the address (which holds the token) never sent to
// another site as a referrer.
func private(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// ---- the client's form

// LinkPageView is one step of the client's form: a question, the closing
// question, or the review before sending.
type LinkPageView struct {
	Token string
	// Step is the step shown, from 1; Steps counts them (the questions,
	// the closing question if any, the review).
	Step, Steps int
	// Total counts the scored questions, Answered those answered.
	Total, Answered int
	LeadIn          string
	// Question is the question of an item step, Closing that of the
	// closing step; Review lists every answer on the review step.
	Question *LinkQuestion
	Closing  *LinkQuestion
	Review   []LinkReviewRow
	// Complete says every question is answered.
	Complete bool
	Expires  time.Time
	// Error says what to fix.
	Error string
}

// LinkQuestion is one question of the client's form.
type LinkQuestion struct {
	Number  int
	Text    string
	Choices []LinkChoice
}

// LinkChoice is one answer of a question.
type LinkChoice struct {
	// Value is what the form sends: the answer's value, or the closing
	// question's label.
	Value   string
	Label   string
	Checked bool
}

// LinkReviewRow is one answer as the review shows it.
type LinkReviewRow struct {
	Step   int
	Number int
	Text   string
	Answer string
}

// linkSteps counts a form's steps: a question each, the closing question
// if any, then the review.
func linkSteps(f *practice.LinkForm) int {
	n := len(f.Items) + 1
	if f.Closing != nil {
		n++
	}
	return n
}

// linkView builds step of a form's view (the first unanswered question
// when step is 0).
func linkView(token string, f *practice.LinkForm, step int) LinkPageView {
	v := LinkPageView{Token: token, Steps: linkSteps(f), Total: len(f.Items), Answered: f.Answered(), LeadIn: f.LeadIn,
		Complete: f.Complete(), Expires: f.ExpiresAt}
	if step <= 0 || step > v.Steps {
		step = v.Steps
		for i, a := range f.Answers {
			if a == nil {
				step = i + 1
				break
			}
		}
	}
	v.Step = step
	switch {
	case step <= len(f.Items):
		it := f.Items[step-1]
		q := &LinkQuestion{Number: it.Number, Text: it.Text}
		for _, a := range it.Answers {
			q.Choices = append(q.Choices, LinkChoice{Value: strconv.Itoa(a.Value), Label: a.Label,
				Checked: f.Answers[step-1] != nil && *f.Answers[step-1] == a.Value})
		}
		v.Question = q
	case f.Closing != nil && step == len(f.Items)+1:
		q := &LinkQuestion{Text: f.Closing.Text}
		for _, l := range f.Closing.Labels {
			q.Choices = append(q.Choices, LinkChoice{Value: l, Label: l, Checked: l == f.ClosingAnswer})
		}
		v.Closing = q
	default:
		for i, it := range f.Items {
			row := LinkReviewRow{Step: i + 1, Number: it.Number, Text: it.Text}
			for _, a := range it.Answers {
				if f.Answers[i] != nil && *f.Answers[i] == a.Value {
					row.Answer = a.Label
				}
			}
			v.Review = append(v.Review, row)
		}
		if f.Closing != nil {
			v.Review = append(v.Review, LinkReviewRow{Step: len(f.Items) + 1, Text: f.Closing.Text, Answer: f.ClosingAnswer})
		}
	}
	return v
}

func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) error {
	private(w)
	token := r.PathValue("token")
	f, err := s.practice.OpenLink(r.Context(), token)
	if practice.IsLinkUnusable(err) {
		s.linkGone(w, r, err)
		return nil
	}
	if err != nil {
		return err
	}
	step, _ := strconv.Atoi(r.URL.Query().Get("step"))
	if r.URL.Query().Get("step") == "review" {
		step = linkSteps(f)
	}
	s.renderLink(w, r, http.StatusOK, linkView(token, f, step))
	return nil
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, status int, v LinkPageView) {
	title := "Your questionnaire"
	switch {
	case v.Question != nil:
		title = fmt.Sprintf("Question %d of %d", v.Step, v.Total)
	case v.Closing != nil:
		title = "One last question"
	case v.Review != nil:
		title = "Check your answers"
	}
	s.render(w, r, status, "measures_link_form", page{Title: title, Data: v})
}

// readStep reads a step of the client's form: the step shown, its
// question's answer (item-N) or the closing question's (closing, when
// closing_shown says the step shows it: no choice clears it), and
// where to go (go: back, next, review or send).
func readStep(r *http.Request) (shown int, st practice.LinkStep, goTo string, err error) {
	f := r.PostForm
	shown, _ = strconv.Atoi(f.Get("step"))
	st.Answers = map[int]int{}
	for key, vals := range f {
		num, ok := strings.CutPrefix(key, "item-")
		if !ok || len(vals) != 1 || vals[0] == "" {
			continue
		}
		n, err1 := strconv.Atoi(num)
		v, err2 := strconv.Atoi(vals[0])
		if err1 != nil || err2 != nil {
			return shown, st, "", certboard.FieldError(certboard.Invalid, key, "choose one of the answers shown")
		}
		st.Answers[n] = v
	}
	if f.Get("closing_shown") != "" {
		st.HasClosing, st.Closing = true, f.Get("closing")
	}
	return shown, st, f.Get("go"), nil
}

func (s *Server) linkPost(w http.ResponseWriter, r *http.Request) error {
	private(w)
	if err := form(w, r); err != nil {
		return err
	}
	token := r.PathValue("token")
	shown, st, goTo, err := readStep(r)
	var f *practice.LinkForm
	switch {
	case err != nil:
	case goTo == "send":
		err = s.practice.SubmitLink(r.Context(), token, st)
	default:
		f, err = s.practice.SaveLinkAnswers(r.Context(), token, st)
	}
	here := fmt.Sprintf("/m/%s?step=%d", token, shown)
	switch {
	case certboard.ErrorCode(err) == certboard.Invalid:
		// The step again, saying what to fix: on the review when sending.
		if goTo == "send" {
			here = fmt.Sprintf("/m/%s?step=review", token)
		}
		redirect(w, r, here, "!"+certboard.ErrorMessage(err))
		return nil
	case practice.IsLinkUnusable(err):
		s.linkGone(w, r, err)
		return nil
	case err != nil:
		return err
	case goTo == "send":
		kit.SeeOther(w, r, "/m/thanks", http.StatusSeeOther)
		return nil
	}
	next := shown + 1
	switch goTo {
	case "back":
		next = max(shown-1, 1)
	case "review":
		next = linkSteps(f)
	}
	kit.SeeOther(w, r, fmt.Sprintf("/m/%s?step=%d", token, next), http.StatusSeeOther)
	return nil
}

// linkGone answers a link that cannot be used: the same page and status
// whatever the reason (used, expired, revoked, never sent).
func (s *Server) linkGone(w http.ResponseWriter, r *http.Request, err error) {
	e := certboard.As(err)
	s.render(w, r, http.StatusNotFound, "measures_link_gone", page{Title: e.Title, Data: e.Message})
}

func (s *Server) linkThanksPage(w http.ResponseWriter, r *http.Request) error {
	private(w)
	s.render(w, r, http.StatusOK, "measures_link_thanks", page{Title: "Thank you"})
	return nil
}

// ---- the practitioner's page

// CaseLinksView is the page of a case's links and schedules.
type CaseLinksView struct {
	Links *practice.CaseLinks
	// Days are the lifetimes a link may be given, Default the usual.
	Days    []int
	Default int
	// MaxWeeks bounds an "every N weeks" schedule; Today is the default
	// first day.
	MaxWeeks int
	Today    date.Date
}

// RoomLink is a link shown in the room: its address, as text and as a QR
// code, and when it expires.
type RoomLink struct {
	CaseID  int64
	URL     string
	QR      template.URL
	Expires time.Time
}

func (s *Server) caseLinksPage(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	cl, err := s.practice.CaseLinks(r.Context(), actor(r), caseID)
	if err != nil {
		return err
	}
	v := CaseLinksView{Links: cl, Default: practice.DefaultLinkDays, MaxWeeks: practice.MaxScheduleWeeks,
		Today: date.FromTime(s.now().UTC())}
	for d := practice.MinLinkDays; d <= practice.MaxLinkDays; d++ {
		v.Days = append(v.Days, d)
	}
	s.render(w, r, http.StatusOK, "measures_links_case", page{Title: fmt.Sprintf("Measures sent to the client, case %d", caseID), Data: v})
	return nil
}

// linkFailed answers a refused form of the practitioner's page: what to
// fix, shown on the page again; any other error is returned.
func linkFailed(w http.ResponseWriter, r *http.Request, caseID int64, err error) error {
	switch certboard.ErrorCode(err) {
	case certboard.Invalid, certboard.Conflict:
		redirect(w, r, fmt.Sprintf("/cases/%d/measures/links", caseID), "!"+certboard.ErrorMessage(err))
		return nil
	}
	return err
}

func (s *Server) sendLink(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	days := 0
	if raw := strings.TrimSpace(r.PostForm.Get("days")); raw != "" {
		if days, err = strconv.Atoi(raw); err != nil {
			return linkFailed(w, r, caseID, certboard.FieldError(certboard.Invalid, "days",
				fmt.Sprintf("choose how many days the link works, from %d to %d", practice.MinLinkDays, practice.MaxLinkDays)))
		}
	}
	sent, err := s.practice.SendMeasureLink(r.Context(), actor(r), practice.NewLink{CaseID: caseID,
		Instrument: r.PostForm.Get("instrument"), Delivery: practice.LinkDelivery(r.PostForm.Get("delivery")), Days: days})
	if err != nil {
		return linkFailed(w, r, caseID, err)
	}
	if sent.URL == "" {
		redirect(w, r, fmt.Sprintf("/cases/%d/measures/links", caseID),
			fmt.Sprintf("The link was mailed to the client; it works once, until %s UTC.", sent.Link.ExpiresAt.Format("2006-01-02 15:04")))
		return nil
	}
	room := RoomLink{CaseID: caseID, URL: sent.URL, Expires: sent.Link.ExpiresAt}
	// The QR code is a convenience: without one the address is shown.
	if png, err := qrcode.Encode(sent.URL, qrcode.Medium, 320); err == nil {
		room.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	} else {
		s.cfg.Log.Warn("drawing a link's QR code", "error", err)
	}
	private(w)
	s.render(w, r, http.StatusOK, "measures_links_room", page{Title: "Show this to the client", Data: room})
	return nil
}

func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "link")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	l, err := s.practice.RevokeLink(r.Context(), actor(r), id)
	if err != nil {
		if caseID, _ := strconv.ParseInt(r.PostForm.Get("case"), 10, 64); caseID > 0 {
			return linkFailed(w, r, caseID, err)
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/measures/links", l.CaseID), "The link is revoked: it no longer opens.")
	return nil
}

func (s *Server) addSchedule(w http.ResponseWriter, r *http.Request) error {
	caseID, err := pathID(r, "case", "case")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	req := practice.NewSchedule{CaseID: caseID, Instrument: f.Get("instrument"), Kind: practice.ScheduleKind(f.Get("kind"))}
	if req.Kind == practice.EveryWeeks {
		if req.EveryWeeks, err = strconv.Atoi(strings.TrimSpace(f.Get("every_weeks"))); err != nil {
			return linkFailed(w, r, caseID, certboard.FieldError(certboard.Invalid, "every_weeks",
				fmt.Sprintf("give the number of weeks between measures, from 1 to %d", practice.MaxScheduleWeeks)))
		}
		if first := strings.TrimSpace(f.Get("first")); first != "" {
			if req.First, err = date.Parse(first); err != nil {
				return linkFailed(w, r, caseID, certboard.FieldError(certboard.Invalid, "first", "give the first day as YYYY-MM-DD"))
			}
		}
	}
	sc, err := s.practice.AddSchedule(r.Context(), actor(r), req)
	if err != nil {
		return linkFailed(w, r, caseID, err)
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/measures/links", caseID), fmt.Sprintf("%s is scheduled %s.", sc.InstrumentName(), sc.Describe()))
	return nil
}

func (s *Server) stopSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "schedule")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	sc, err := s.practice.StopSchedule(r.Context(), actor(r), id)
	if err != nil {
		if caseID, _ := strconv.ParseInt(r.PostForm.Get("case"), 10, 64); caseID > 0 {
			return linkFailed(w, r, caseID, err)
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d/measures/links", sc.CaseID), "The schedule is stopped; links already sent still work until they expire.")
	return nil
}
