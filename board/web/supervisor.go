package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// A supervisor named in an applicant's portfolio, whose account has the
// e-mail address the applicant gave for them, confirms or disputes the
// supervision sessions they gave and the clinical hours done under their
// contracts, and records contracts. Their decision is written into the
// live portfolio while the application is open and, once it is submitted,
// into the frozen snapshot the board judges too.

// supervisorRoutes registers the supervisor's pages and API.
func (s *Server) supervisorRoutes() {
	s.route("GET /supervision", Supervisor, s.handle(s.supervisionList))
	s.route("GET /supervision/{id}", Supervisor, s.handle(s.supervisionPage))
	s.route("POST /supervision/{id}/items/{item}", Supervisor, s.handle(s.supervisionDecidePage))
	s.route("POST /supervision/{id}/contracts", Supervisor, s.handle(s.supervisionContractPage))
	s.route("GET /api/v1/supervision", Supervisor, s.handle(s.supervisionListAPI))
	s.route("GET /api/v1/supervision/{id}", Supervisor, s.handle(s.supervisionAPI))
	s.route("POST /api/v1/supervision/{id}/items/{item}", Supervisor, s.handle(s.supervisionDecideAPI))
	s.route("POST /api/v1/supervision/{id}/contracts", Supervisor, s.handle(s.supervisionContractAPI))
}

// supView is what one supervisor sees of one application (see
// board.Supervision), its items able to carry a refused form back.
type supView struct {
	*board.Supervision
	Sessions  []supItem
	Clinical  []supItem
	Contracts []supItem
	// Selectable counts the sessions and clinical hours that can be
	// selected to decide together (supervisorbulk.go); SelectAll is how
	// many "select all" selects: those awaiting a decision, up to Max.
	Selectable, SelectAll, Max int
	// BatchReason is the reason of a refused batch, shown again.
	BatchReason string
}

// supItem is one evidence item that names the supervisor, with the error
// and reason of a dispute form that was refused.
type supItem struct {
	board.SupervisedItem
	Error, Reason string
	// Selectable: a decision can be taken on it with others; Selected: it
	// is ticked; BatchError: why a refused batch could not decide it.
	Selectable, Selected bool
	BatchError           string
}

// newSupView wraps what the board says a supervisor sees.
func newSupView(v *board.Supervision) *supView {
	items := func(in []board.SupervisedItem, pick bool) []supItem {
		out := make([]supItem, len(in))
		for i, it := range in {
			out[i] = supItem{SupervisedItem: it, Selectable: pick && v.Open && (it.CanConfirm || it.CanDispute)}
		}
		return out
	}
	sv := &supView{Supervision: v, Sessions: items(v.Sessions, true), Clinical: items(v.Clinical, true), Contracts: items(v.Contracts, false),
		Max: board.MaxAttestations, SelectAll: min(v.Awaiting, board.MaxAttestations)}
	for _, it := range slices.Concat(sv.Sessions, sv.Clinical) {
		if it.Selectable {
			sv.Selectable++
		}
	}
	return sv
}

// supervisionList is the supervisor's list of supervisees.
func (s *Server) supervisionList(w http.ResponseWriter, r *http.Request) error {
	views, err := s.supervisees(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "supervision", page{Title: "Your supervisees", Data: views})
	return nil
}

// supervisees builds the view of every undecided application naming the
// user (see board.Supervisees).
func (s *Server) supervisees(ctx context.Context, u *auth.User) ([]*supView, error) {
	list, err := s.board.Supervisees(ctx, u)
	if err != nil {
		return nil, err
	}
	views := make([]*supView, len(list))
	for i, v := range list {
		views[i] = newSupView(v)
	}
	return views, nil
}

// supervisionPage shows one supervisee's evidence that names the
// supervisor. With ?select=pending it ticks every item awaiting a decision
// (up to the most a batch takes), for the form deciding them together;
// with ?at=decide, where that form's answer lands, it shows the message
// of the previous action beside the form.
func (s *Server) supervisionPage(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelSupervisor)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.showSupervision(w, r, app, supShow{status: http.StatusOK, pending: q.Get("select") == "pending", flashHere: q.Get("at") == "decide"})
}

// renderSupervision shows the supervision page, with the errors of a
// refused form when there are some.
func (s *Server) renderSupervision(w http.ResponseWriter, r *http.Request, status int, app *board.Application, errs map[string]string) error {
	return s.showSupervision(w, r, app, supShow{status: status, errs: errs})
}

// supShow is how the supervision page is drawn, beyond the evidence.
type supShow struct {
	status int
	// errs are the errors of a refused form, by field: "reason-ID" for an
	// item's dispute form, "pick-ID" for an item of a refused batch.
	errs map[string]string
	// pending ticks the items awaiting a decision; picked, the items of a
	// refused batch, shown again with its reason.
	pending     bool
	picked      []string
	batchReason string
	// flashHere shows the previous action's message beside the batch form.
	flashHere bool
}

// showSupervision draws the supervision page.
func (s *Server) showSupervision(w http.ResponseWriter, r *http.Request, app *board.Application, show supShow) error {
	sv, err := s.board.Supervised(r.Context(), userFrom(r), app.ID)
	if err != nil {
		return err
	}
	v := newSupView(sv)
	v.BatchReason = show.batchReason
	ticked := 0
	for _, list := range [][]supItem{v.Sessions, v.Clinical, v.Contracts} {
		for i := range list {
			it := &list[i]
			if msg := show.errs["reason-"+it.ID]; msg != "" {
				it.Error, it.Reason = msg, r.PostForm.Get("reason")
			}
			it.BatchError = show.errs["pick-"+it.ID]
			if !it.Selectable {
				continue
			}
			it.Selected = slices.Contains(show.picked, it.ID) || show.pending && it.State == portfolio.Claimed && ticked < board.MaxAttestations
			if it.Selected {
				ticked++
			}
		}
	}
	s.render(w, r, show.status, "supervision_application", page{Title: "Supervision of " + app.ApplicantName, Data: v, Errors: show.errs,
		Form: r.PostForm, FlashInContent: show.flashHere && v.Selectable > 0})
	return nil
}

// supervisedForm loads the application of the path for its supervisor
// (see appFor) and then reads the form posted to it.
func (s *Server) supervisedForm(w http.ResponseWriter, r *http.Request) (*board.Application, error) {
	app, _, err := s.appFor(r, RelSupervisor)
	if err != nil {
		return nil, err
	}
	if err := s.form(w, r); err != nil {
		return nil, err
	}
	return app, nil
}

// supervisionDecidePage takes a confirm or dispute form.
func (s *Server) supervisionDecidePage(w http.ResponseWriter, r *http.Request) error {
	app, err := s.supervisedForm(w, r)
	if err != nil {
		return err
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err == nil {
		d := board.Attestation{Item: r.PathValue("item"), Decision: r.PostForm.Get("decision"), Reason: r.PostForm.Get("reason"), Version: version}
		_, err = s.board.Attest(r.Context(), userFrom(r), app.ID, d)
	}
	var f *certboard.Error
	switch {
	case err == nil:
		verb := map[string]string{"confirm": "Confirmed", "dispute": "Disputed"}[r.PostForm.Get("decision")]
		redirect(w, r, fmt.Sprintf("/supervision/%d", app.ID), fmt.Sprintf("%s %s.", verb, r.PathValue("item")))
	case errors.As(err, &f) && f.Field == "reason":
		return s.renderSupervision(w, r, f.Answer().Status, app, map[string]string{"reason-" + r.PathValue("item"): f.Message})
	default:
		return err
	}
	return nil
}

// supervisionContractPage takes the form recording a contract.
func (s *Server) supervisionContractPage(w http.ResponseWriter, r *http.Request) error {
	app, err := s.supervisedForm(w, r)
	if err != nil {
		return err
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	var k *portfolio.Contract
	if err == nil {
		k, _, err = s.board.RecordContract(r.Context(), userFrom(r), app.ID, board.ContractInput{Supervisor: r.PostForm.Get("supervisor"),
			Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"), SuperviseeMembership: r.PostForm.Get("supervisee_membership"), Version: version})
	}
	var f *certboard.Error
	switch {
	case err == nil:
		redirect(w, r, fmt.Sprintf("/supervision/%d", app.ID), fmt.Sprintf("Recorded supervision contract %s.", k.ID))
	case errors.As(err, &f) && f.Field != "" && f.Field != "version":
		return s.renderSupervision(w, r, f.Answer().Status, app, map[string]string{f.Field: f.Message})
	default:
		return err
	}
	return nil
}

// supJSON is one supervisee in the API.
type supJSON struct {
	ApplicationID int64       `json:"application_id"`
	Applicant     string      `json:"applicant"`
	SetID         string      `json:"set_id"`
	Credential    string      `json:"credential"`
	State         board.State `json:"state"`
	Version       int         `json:"version"`
	Awaiting      int         `json:"awaiting_confirmation"`
}

// supSummary is one supervisee in the API.
func supSummary(v *board.Supervision) supJSON {
	return supJSON{ApplicationID: v.App.ID, Applicant: v.App.ApplicantName, SetID: v.App.SetID, Credential: v.Credential,
		State: v.App.State, Version: v.App.Version, Awaiting: v.Awaiting}
}

// supervisionListAPI lists the supervisor's supervisees.
func (s *Server) supervisionListAPI(w http.ResponseWriter, r *http.Request) error {
	views, err := s.supervisees(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	out := []supJSON{}
	for _, v := range views {
		out = append(out, supSummary(v.Supervision))
	}
	writeJSON(w, map[string]any{"supervisees": out})
	return nil
}

// supervisionAPI shows the evidence of one supervisee naming the supervisor.
func (s *Server) supervisionAPI(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelSupervisor)
	if err != nil {
		return err
	}
	v, err := s.board.Supervised(r.Context(), userFrom(r), app.ID)
	if err != nil {
		return err
	}
	sessions, clinical, contracts := []any{}, []any{}, []any{}
	awaiting := []string{}
	for _, it := range v.Sessions {
		sessions = append(sessions, it.Session)
	}
	for _, it := range v.Clinical {
		clinical = append(clinical, it.Clinical)
	}
	for _, it := range v.Contracts {
		contracts = append(contracts, it.Contract)
	}
	for _, it := range slices.Concat(v.Sessions, v.Clinical) {
		if v.Open && it.State == portfolio.Claimed {
			awaiting = append(awaiting, it.ID)
		}
	}
	writeJSON(w, map[string]any{"application": supSummary(v), "supervisor_refs": v.Refs, "frozen": v.Frozen,
		"supervision_sessions": sessions, "clinical_hours": clinical, "supervision_contracts": contracts, "awaiting": awaiting})
	return nil
}

// supAPIRequest reads a supervisor's JSON request on the application of
// the path into in, whose version field is version, checked; ok is false
// when it has answered or fails (then with err, having written nothing).
func (s *Server) supAPIRequest(w http.ResponseWriter, r *http.Request, in any, version *int, fields string) (id int64, ok bool, err error) {
	app, _, err := s.appFor(r, RelSupervisor)
	if err != nil {
		return 0, false, err
	}
	if !decodeBody(w, r, in, fields, maxAPIBody) {
		return 0, false, nil
	}
	v, err := checkVersion(*version)
	if err != nil {
		return 0, false, err
	}
	*version = v
	return app.ID, true, nil
}

// supervisionDecideAPI confirms or disputes one item.
func (s *Server) supervisionDecideAPI(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Version  int    `json:"version"`
	}
	id, ok, err := s.supAPIRequest(w, r, &in, &in.Version, "decision (confirm or dispute), reason (to dispute) and version")
	if !ok {
		return err
	}
	version, err := s.board.Attest(r.Context(), userFrom(r), id, board.Attestation{Item: r.PathValue("item"), Decision: in.Decision, Reason: in.Reason, Version: in.Version})
	if err != nil {
		return err
	}
	state := portfolio.Verified
	if in.Decision == "dispute" {
		state = portfolio.Rejected
	}
	writeJSON(w, map[string]any{"item": r.PathValue("item"), "state": state, "version": version})
	return nil
}

// supervisionContractAPI records a contract.
func (s *Server) supervisionContractAPI(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Supervisor           string `json:"supervisor"`
		Start                string `json:"start"`
		End                  string `json:"end"`
		SuperviseeMembership string `json:"supervisee_membership"`
		Version              int    `json:"version"`
	}
	id, ok, err := s.supAPIRequest(w, r, &in, &in.Version, "start, optionally end, supervisee_membership and supervisor, and version")
	if !ok {
		return err
	}
	k, version, err := s.board.RecordContract(r.Context(), userFrom(r), id, board.ContractInput{Supervisor: in.Supervisor, Start: in.Start,
		End: in.End, SuperviseeMembership: in.SuperviseeMembership, Version: in.Version})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, map[string]any{"contract": k, "version": version})
	return nil
}
