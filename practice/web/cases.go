package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/concern"
	"github.com/certboard/certboard/practice/escalation"
	"github.com/certboard/certboard/practice/plissit"
)

// The pages of cases: a client's cases and opening one, the case page
// (stage and its history, concerns, comorbidities, the escalation rules'
// explanation, referrals) with its forms, and the forms of the sexual
// history and the treatment plan; and the cases section of a client's
// record page. Pages that read are for practitioners and admins (the use
// cases let only the client's practitioners, and an admin with emergency
// access, read); forms that change are for practitioners.

func init() { clientSections = append(clientSections, caseSection) }

// caseRoutes registers the pages of cases; New calls it.
func (s *Server) caseRoutes() {
	s.route("GET /clients/{id}/cases", ClientStaff, s.handle(s.clientCasesPage))
	s.route("POST /clients/{id}/cases", Practitioner, s.handle(s.openCase))
	s.route("GET /cases/{id}", ClientStaff, s.handle(s.casePage))
	s.route("POST /cases/{id}/stage", Practitioner, s.handle(s.moveCase))
	s.route("POST /cases/{id}/concerns", Practitioner, s.handle(s.saveCaseConcerns))
	s.route("POST /cases/{id}/comorbidities", Practitioner, s.handle(s.recordComorbidity))
	s.route("POST /cases/{id}/comorbidities/{cid}/end", Practitioner, s.handle(s.endComorbidity))
	s.route("POST /cases/{id}/referrals", Practitioner, s.handle(s.recordReferral))
	s.route("POST /cases/{id}/referrals/{rid}/status", Practitioner, s.handle(s.setReferralStatus))
	s.route("POST /cases/{id}/close", Practitioner, s.handle(s.closeCase))
	s.route("GET /cases/{id}/history", ClientStaff, s.handle(s.historyPage))
	s.route("POST /cases/{id}/history", Practitioner, s.handle(s.saveHistory))
	s.route("GET /cases/{id}/plan", ClientStaff, s.handle(s.planPage))
	s.route("POST /cases/{id}/plan", Practitioner, s.handle(s.savePlan))
}

// formVersion reads the version a form was made from.
func formVersion(r *http.Request, field string) (int, error) {
	v, err := strconv.Atoi(r.PostForm.Get(field))
	if err != nil || v < 0 {
		return 0, certboard.FieldError(certboard.PreconditionRequired, field,
			"The form lacks the version it was made from; reload the page and make your change again.")
	}
	return v, nil
}

// versionedForm reads a posted form and the version it was made from
// (formVersion); a form whose texts hold up to chars characters is read
// as textForm reads it, and chars 0 reads it as form does.
func versionedForm(w http.ResponseWriter, r *http.Request, chars int, field string) (int, error) {
	if err := textForm(w, r, chars); err != nil {
		return 0, err
	}
	return formVersion(r, field)
}

// caseItem decodes the path's case id ("id") and the id of one of the
// case's items (name; what names it in a not-found message).
func caseItem(r *http.Request, name, what string) (id, item int64, err error) {
	if id, err = pathID(r, "id", "case"); err != nil {
		return 0, 0, err
	}
	if item, err = pathID(r, name, what); err != nil {
		return 0, 0, err
	}
	return id, item, nil
}

// prefixed puts a form's name before each field of its errors, so that
// the case page, which holds several forms, shows each error at its form.
func prefixed(form string, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		if k == "" {
			out[k] = v
			continue
		}
		out[form+"."+k] = v
	}
	return out
}

// CaseSectionView is what the cases section of a client's record shows.
type CaseSectionView struct {
	Client int64
	Cases  []practice.CaseSummary
	// Assigned says the reader is one of the client's practitioners, who
	// may open a case.
	Assigned bool
}

// caseSection is the cases part of a client's record page
// (practice.Practice.ClientCases, which audits the read).
func caseSection(s *Server, r *http.Request, rec *practice.ClientRecord) (*ClientSection, error) {
	cases, err := s.practice.ClientCases(r.Context(), actor(r), rec.Client.ID)
	if err != nil {
		return nil, err
	}
	return &ClientSection{ID: "cases", Title: "Cases", Block: "cases-section",
		Data: CaseSectionView{Client: rec.Client.ID, Cases: cases, Assigned: rec.Access.Assigned}}, nil
}

// The list of a client's cases.

// ClientCasesView is what the page of a client's cases shows.
type ClientCasesView struct {
	Client int64
	Cases  []practice.CaseSummary
	// Taxonomy is the concerns to choose from when opening a case.
	Taxonomy []concern.Concern
	Stages   []plissit.Stage
}

func (s *Server) renderClientCases(w http.ResponseWriter, r *http.Request, status int, client int64, errs map[string]string, form url.Values) error {
	cases, err := s.practice.ClientCases(r.Context(), actor(r), client)
	if err != nil {
		return err
	}
	v := ClientCasesView{Client: client, Cases: cases, Taxonomy: concern.Default().Concerns(), Stages: plissit.Stages()}
	s.render(w, r, status, "cases_list", page{Title: fmt.Sprintf("Cases of client %d", client), Data: v, Errors: errs, Form: form})
	return nil
}

func (s *Server) clientCasesPage(w http.ResponseWriter, r *http.Request) error {
	client, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	return s.renderClientCases(w, r, http.StatusOK, client, nil, url.Values{"stage": {string(plissit.Permission)}})
}

// openCase opens a case from the form (practice.Practice.OpenCase).
func (s *Server) openCase(w http.ResponseWriter, r *http.Request) error {
	client, err := pathID(r, "id", "client")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	req := practice.NewCase{Stage: r.PostForm.Get("stage"), Reason: r.PostForm.Get("reason")}
	if c := r.PostForm.Get("concerns.0.concern"); c != "" {
		req.Concerns = []concern.Diagnosis{{Concern: c}}
	}
	id, err := s.practice.OpenCase(r.Context(), actor(r), client, req)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound {
		return s.renderClientCases(w, r, e.Answer().Status, client, clientFields(e), r.PostForm)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d", id), "Opened the case.")
	return nil
}

// The case page.

// CaseView is what the case page shows: the case's report and what its
// forms offer.
type CaseView struct {
	R *practice.CaseReport
	// Stages are the stages a move may go to (all but the current one).
	Stages        []plissit.Stage
	Kinds         []escalation.Kind
	Sources       []practice.ComorbiditySource
	Taxonomy      []concern.Concern
	ConcernRows   []ConcernRow
	AllStages     []plissit.Stage
	ReferralStage plissit.Stage
	// Offer says that the last move was refused for want of scope, so the
	// page offers the referral form first.
	Offer bool
}

// ScopeForm is what a referral form offers the client to share: its
// checkboxes (the fields prefix.share and prefix.instruments) ticked as
// sent, or, before, the instruments that bear on a comorbidity.
type ScopeForm struct {
	P      page
	Prefix string
	// Stage is the stage the case reached, ConcernNames its concerns.
	Stage        plissit.Stage
	ConcernNames string
	Instruments  []practice.ScoredInstrument
}

// Scope is the scope part of the referral form whose fields start with
// prefix ("referral" or "draft"), on page p.
func (v CaseView) Scope(p page, prefix string) ScopeForm {
	names := make([]string, len(v.R.Concerns))
	for i, c := range v.R.Concerns {
		names[i] = c.Diagnosis.Concern
		if c.Known {
			names[i] = c.Concern.Name
		}
	}
	return ScopeForm{P: p, Prefix: prefix, Stage: v.R.Case.Stage, ConcernNames: strings.Join(names, "; "), Instruments: v.R.Instruments}
}

// sent says whether the form was sent (and is shown again).
func (f ScopeForm) sent() bool { return f.P.Form.Has(f.Prefix + ".why") }

// Ticked says whether item is ticked.
func (f ScopeForm) Ticked(item string) bool { return f.P.Checked(f.Prefix+".share", item) }

// Instrument says whether instrument id is ticked: as sent, or, before,
// when it is relevant.
func (f ScopeForm) Instrument(id string, relevant bool) bool {
	if f.sent() {
		return f.P.Checked(f.Prefix+".instruments", id)
	}
	return relevant
}

// ConcernRow is one row of the form of a case's concerns.
type ConcernRow struct {
	Index                             int
	Concern, Onset, Context, Severity string
}

// Number is the row's number as people count (1 for the first).
func (c ConcernRow) Number() int { return c.Index + 1 }

// Taking says whether the row's concern is id, for the select.
func (c ConcernRow) Taking(id string) bool { return c.Concern == id }

// Onsets, Contexts and Severities are the specifiers' values, for the
// selects ("" first: not known yet).
func (CaseView) Onsets() []string     { return []string{"", "lifelong", "acquired"} }
func (CaseView) Contexts() []string   { return []string{"", "generalised", "situational"} }
func (CaseView) Severities() []string { return []string{"", "mild", "moderate", "severe"} }

// Standing lists the comorbidities that stand on the case.
func (v CaseView) Standing() []practice.Comorbidity { return standing(v.R.Comorbidities) }

// standing lists those of cs that stand (practice.Comorbidity.Active).
func standing(cs []practice.Comorbidity) []practice.Comorbidity {
	var out []practice.Comorbidity
	for _, c := range cs {
		if c.Active() {
			out = append(out, c)
		}
	}
	return out
}

// rowsOf makes the concerns form's rows from a case's concerns, with one
// empty row to add another.
func rowsOf(cs []concern.Diagnosis) []ConcernRow {
	out := make([]ConcernRow, 0, len(cs)+1)
	for i, d := range cs {
		out = append(out, ConcernRow{Index: i, Concern: d.Concern, Onset: string(d.Specifiers.Onset),
			Context: string(d.Specifiers.Context), Severity: string(d.Specifiers.Severity)})
	}
	if len(out) < practice.MaxCaseConcerns {
		out = append(out, ConcernRow{Index: len(out)})
	}
	return out
}

// caseOpts are what a case page shows besides the report: the errors of
// the form that was sent, its values, the concerns' rows as sent, and
// whether a referral is offered.
type caseOpts struct {
	errs     map[string]string
	form     url.Values
	concerns []concern.Diagnosis
	sent     bool
	offer    plissit.Stage
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, id int64, o caseOpts) error {
	rep, err := s.practice.CaseReport(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	v := CaseView{R: rep, Kinds: escalation.Kinds(), Sources: practice.ComorbiditySources(), Taxonomy: concern.Default().Concerns(),
		AllStages: plissit.Stages(), ReferralStage: plissit.IntensiveTherapy, Offer: o.offer != ""}
	if o.offer != "" {
		v.ReferralStage = o.offer
	}
	for _, st := range plissit.Stages() {
		if st != rep.Case.Stage {
			v.Stages = append(v.Stages, st)
		}
	}
	ds := o.concerns
	if !o.sent {
		for _, c := range rep.Concerns {
			ds = append(ds, c.Diagnosis)
		}
	}
	v.ConcernRows = rowsOf(ds)
	form := o.form
	if form == nil {
		form = url.Values{}
	}
	if form.Get("referral.stage") == "" {
		form.Set("referral.stage", string(v.ReferralStage))
	}
	s.render(w, r, status, "cases_case", page{Title: fmt.Sprintf("Case %d", id), Data: v, Errors: o.errs, Form: form})
	return nil
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	return s.renderCase(w, r, http.StatusOK, id, caseOpts{})
}

// caseRefused shows the case page again after a form named name was
// refused with e: its errors at its fields, its values kept. A NotFound
// is answered as such (the case is not the reader's).
func (s *Server) caseRefused(w http.ResponseWriter, r *http.Request, id int64, name string, e *certboard.Error) error {
	if e.Code == certboard.NotFound {
		return e
	}
	return s.renderCase(w, r, e.Answer().Status, id, caseOpts{errs: prefixed(name, clientFields(e)), form: r.PostForm})
}

// moveCase moves the case to another stage (practice.Practice.MoveCaseStage).
// A move refused for want of scope shows the page again with the reason
// and the referral form first.
func (s *Server) moveCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, 0, "move.version")
	if err != nil {
		return err
	}
	to := r.PostForm.Get("move.to")
	_, err = s.practice.MoveCaseStage(r.Context(), actor(r), id,
		practice.MoveCase{To: to, Reason: r.PostForm.Get("move.reason"), Version: version})
	if practice.OffersReferral(err) {
		e := certboard.As(err)
		return s.renderCase(w, r, e.Answer().Status, id, caseOpts{errs: map[string]string{"": plain(e)}, form: r.PostForm,
			offer: practice.ReferralStage(err)})
	}
	if e := refusal(err); e != nil {
		return s.caseRefused(w, r, id, "move", e)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d", id), "Moved the case to "+plissit.Stage(to).Name()+".")
	return nil
}

// saveCaseConcerns replaces the case's concerns from the form's rows
// (practice.Practice.SetCaseConcerns); a row with no concern chosen is
// left out.
func (s *Server) saveCaseConcerns(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, 0, "version")
	if err != nil {
		return err
	}
	var ds []concern.Diagnosis
	for i := 0; i <= practice.MaxCaseConcerns; i++ {
		k := fmt.Sprintf("concerns.%d.", i)
		d := concern.Diagnosis{Concern: strings.TrimSpace(r.PostForm.Get(k + "concern")), Specifiers: concern.Specifiers{
			Onset: concern.Onset(r.PostForm.Get(k + "specifiers.onset")), Context: concern.Context(r.PostForm.Get(k + "specifiers.context")),
			Severity: concern.Severity(r.PostForm.Get(k + "specifiers.severity"))}}
		if d.Concern == "" && d.Specifiers == (concern.Specifiers{}) {
			continue
		}
		ds = append(ds, d)
	}
	_, err = s.practice.SetCaseConcerns(r.Context(), actor(r), id, ds, version)
	if e := refusal(err); e != nil {
		if e.Code == certboard.NotFound {
			return e
		}
		return s.renderCase(w, r, e.Answer().Status, id, caseOpts{errs: clientFields(e), form: r.PostForm, concerns: ds, sent: true})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d#concerns", id), "Saved the concerns.")
	return nil
}

// recordComorbidity records a comorbidity from the form
// (practice.Practice.RecordComorbidity).
func (s *Server) recordComorbidity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.practice.RecordComorbidity(r.Context(), actor(r), id, practice.ComorbidityInput{
		Kind: f.Get("comorbidity.kind"), Source: f.Get("comorbidity.source"), MeasureRef: f.Get("comorbidity.measure_ref"), Note: f.Get("comorbidity.note")})
	if e := refusal(err); e != nil {
		return s.caseRefused(w, r, id, "comorbidity", e)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d#comorbidities", id), "Recorded the comorbidity.")
	return nil
}

// endComorbidity ends a comorbidity (practice.Practice.EndComorbidity); a
// refusal comes back as a message on the case page.
func (s *Server) endComorbidity(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := caseItem(r, "cid", "comorbidity")
	if err != nil {
		return err
	}
	if err := form(w, r); err != nil {
		return err
	}
	err = s.practice.EndComorbidity(r.Context(), actor(r), id, cid, r.PostForm.Get("reason"))
	to := fmt.Sprintf("/cases/%d#comorbidities", id)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound {
		redirect(w, r, to, "!"+e.Message)
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, to, "Ended the comorbidity.")
	return nil
}

// recordReferral records a referral from the form
// (practice.Practice.RecordReferral); what is shared is one thing a line.
func (s *Server) recordReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	if err := textForm(w, r, referralFormChars); err != nil {
		return err
	}
	f := r.PostForm
	in := practice.ReferralInput{Stage: f.Get("referral.stage"), Why: f.Get("referral.why"), Consent: f.Get("referral.consent"),
		Share: f["referral.share"], Instruments: f["referral.instruments"], Shared: lines(f.Get("referral.shared")),
		To: practice.ReferralTo{Name: f.Get("referral.to.name"), Organisation: f.Get("referral.to.organisation"),
			Contact: f.Get("referral.to.contact"), RegistryURL: f.Get("referral.to.registry_url")}}
	_, err = s.practice.RecordReferral(r.Context(), actor(r), id, in)
	if e := refusal(err); e != nil {
		if e.Code == certboard.NotFound {
			return e
		}
		errs := prefixed("referral", clientFields(e))
		for k, v := range errs { // a thing shared is a line of one box
			if strings.HasPrefix(k, "referral.shared.") {
				errs["referral.shared"] = v
			}
		}
		return s.renderCase(w, r, e.Answer().Status, id, caseOpts{errs: errs, form: r.PostForm, offer: plissit.Stage(in.Stage)})
	}
	if err != nil {
		return err
	}
	// The flash cookie is not sealed: it names no one.
	redirect(w, r, fmt.Sprintf("/cases/%d#referrals", id), "Recorded the referral.")
	return nil
}

// referralFormChars is the most characters a valid referral form holds:
// whom (name, organisation, contact, registry link), why, each thing
// shared on its line, and the boxes ticked (scopeFormChars).
const referralFormChars = 3*practice.MaxReferralLine + practice.MaxReferralURL + practice.MaxCaseReason +
	practice.MaxShared*(practice.MaxReferralLine+2) + scopeFormChars

// scopeFormChars bounds the boxes a referral form ticks: each item and
// instrument with its field's name.
const scopeFormChars = 40 * 40

// lines splits a box of text into its non-blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// setReferralStatus changes a referral's status
// (practice.Practice.SetReferralStatus).
func (s *Server) setReferralStatus(w http.ResponseWriter, r *http.Request) error {
	id, rid, err := caseItem(r, "rid", "referral")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, 0, "version")
	if err != nil {
		return err
	}
	status := r.PostForm.Get("status")
	_, err = s.practice.SetReferralStatus(r.Context(), actor(r), id, rid, status, version)
	to := fmt.Sprintf("/cases/%d#referrals", id)
	if e := refusal(err); e != nil && e.Code != certboard.NotFound {
		redirect(w, r, to, "!"+plain(e))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, to, "The referral is now "+strings.ToLower(practice.ReferralStatus(status).Label())+".")
	return nil
}

// closeCase closes the case (practice.Practice.CloseCase).
func (s *Server) closeCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "case")
	if err != nil {
		return err
	}
	version, err := versionedForm(w, r, 0, "close.version")
	if err != nil {
		return err
	}
	_, err = s.practice.CloseCase(r.Context(), actor(r), id, r.PostForm.Get("close.reason"), version)
	if e := refusal(err); e != nil {
		return s.caseRefused(w, r, id, "close", e)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/cases/%d", id), "Closed the case.")
	return nil
}

// CodeView is a code as the case page shows it, with its mark when it is
// not confirmed.
type CodeView struct {
	Code, Title string
	Confirmed   bool
}

// CodesOf lists codes for the page.
func CodesOf(ks []concern.Code) []CodeView {
	out := make([]CodeView, len(ks))
	for i, k := range ks {
		out[i] = CodeView{Code: k.Code, Title: k.Title, Confirmed: k.Confirmed}
	}
	return out
}

// Shows says whether a code list has anything to show.
func (CaseView) Shows(ks []concern.Code) bool { return len(ks) > 0 }

// Codes lists codes for the page (see CodesOf).
func (CaseView) Codes(ks []concern.Code) []CodeView { return CodesOf(ks) }

// Specifiers writes a diagnosis's specifiers ("acquired, situational,
// mild"); "" for none.
func (CaseView) Specifiers(d concern.Diagnosis) string {
	var parts []string
	for _, p := range []string{string(d.Specifiers.Onset), string(d.Specifiers.Context), string(d.Specifiers.Severity)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Next lists the statuses a referral may move to.
func (CaseView) Next(r practice.Referral) []practice.ReferralStatus { return r.Status.Next() }

// Fired lists the rules that fired, and Quiet those that did not, for the
// explanation.
func (v CaseView) Fired() []escalation.Outcome { return outcomes(v.R.Escalation.Outcomes, true) }

// Quiet lists the rules that did not fire.
func (v CaseView) Quiet() []escalation.Outcome { return outcomes(v.R.Escalation.Outcomes, false) }

func outcomes(os []escalation.Outcome, fired bool) []escalation.Outcome {
	return slices.DeleteFunc(slices.Clone(os), func(o escalation.Outcome) bool { return o.Fired != fired })
}
