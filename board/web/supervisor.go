package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
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
	s.route("GET /supervision", Supervisor, http.HandlerFunc(s.supervisionList))
	s.route("GET /supervision/{id}", Supervisor, http.HandlerFunc(s.supervisionPage))
	s.route("POST /supervision/{id}/items/{item}", Supervisor, http.HandlerFunc(s.supervisionDecidePage))
	s.route("POST /supervision/{id}/contracts", Supervisor, http.HandlerFunc(s.supervisionContractPage))
	s.route("GET /api/v1/supervision", Supervisor, http.HandlerFunc(s.supervisionListAPI))
	s.route("GET /api/v1/supervision/{id}", Supervisor, http.HandlerFunc(s.supervisionAPI))
	s.route("POST /api/v1/supervision/{id}/items/{item}", Supervisor, http.HandlerFunc(s.supervisionDecideAPI))
	s.route("POST /api/v1/supervision/{id}/contracts", Supervisor, http.HandlerFunc(s.supervisionContractAPI))
}

// supFrozenStates are the states in which the board judges the snapshot
// submitted; supervisors' decisions go into it as well.
var supFrozenStates = []board.State{board.Submitted, board.UnderReview, board.InfoRequested, board.PeerReview}

// supView is what one supervisor sees of one application: the evidence
// that names them, in the portfolio the board is judging.
type supView struct {
	App        *boardsql.Application
	Credential string
	Refs       []string
	// Frozen: the evidence shown is the submitted snapshot.
	Frozen bool
	// Open: the application is not decided, so decisions can be made.
	Open        bool
	Sessions    []supItem
	Clinical    []supItem
	Contracts   []supItem
	Memberships []portfolio.Membership
	Awaiting    int
}

// supItem is one evidence item that names the supervisor.
type supItem struct {
	ID           string
	Session      *portfolio.Session
	Clinical     *portfolio.ClinicalHours
	Contract     *portfolio.Contract
	Verification portfolio.Verification
	State        portfolio.State
	// CanConfirm and CanDispute say which decisions the supervisor may
	// take: on claimed items, and to change their own earlier decision.
	CanConfirm, CanDispute bool
	// Error and Reason refill a dispute form that was refused.
	Error, Reason string
}

// supSignature is how a supervisor's decision is signed in a verification.
func supSignature(u *boardsql.User) string {
	return fmt.Sprintf("supervisor: %s <%s>", u.Name, u.Email)
}

// supRefs returns the ids under which the portfolio names the user as a
// supervisor.
func (s *Server) supRefs(ctx context.Context, u *boardsql.User, appID int64) ([]string, error) {
	links, err := s.cfg.Store.Supervisors(ctx, appID)
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, l := range links {
		if strings.EqualFold(l.Email, u.Email) {
			refs = append(refs, l.Ref)
		}
	}
	return refs, nil
}

// supShown returns the portfolio a supervisor sees: the snapshot while the
// board judges it, the live portfolio otherwise.
func supShown(app *boardsql.Application) (*portfolio.Portfolio, bool, error) {
	frozen := len(app.Snapshot) > 0 && slices.Contains(supFrozenStates, app.State) && app.State != board.InfoRequested
	data := app.Portfolio
	if frozen {
		data = app.Snapshot
	}
	p, err := portfolio.DecodeStored(data)
	if err != nil {
		return nil, false, fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
	}
	return p, frozen, nil
}

// supMine lists the items of p that name one of refs: sessions they gave,
// their contracts, and clinical hours under those contracts.
func supMine(p *portfolio.Portfolio, refs []string) (sessions, clinical, contracts []supItem) {
	mine := map[string]bool{}
	for i := range p.Contracts {
		k := &p.Contracts[i]
		if slices.Contains(refs, k.Supervisor) {
			mine[k.ID] = true
			contracts = append(contracts, supItem{ID: k.ID, Contract: k, Verification: k.Verification})
		}
	}
	for i := range p.Sessions {
		x := &p.Sessions[i]
		if slices.Contains(refs, x.Supervisor) {
			sessions = append(sessions, supItem{ID: x.ID, Session: x, Verification: x.Verification})
		}
	}
	for i := range p.ClinicalHours {
		c := &p.ClinicalHours[i]
		if c.Contract != "" && mine[c.Contract] {
			clinical = append(clinical, supItem{ID: c.ID, Clinical: c, Verification: c.Verification})
		}
	}
	return sessions, clinical, contracts
}

// supAllowed says which decisions a supervisor may take on an item with
// verification v: both on a claimed item, the other one on an item they
// decided themselves, none on an item someone else decided.
func supAllowed(v portfolio.Verification, signature string) (confirm, dispute bool) {
	switch {
	case v.EffectiveState() == portfolio.Claimed:
		return true, true
	case v.By != signature:
		return false, false
	case v.EffectiveState() == portfolio.Verified:
		return false, true
	default:
		return true, false
	}
}

// supervisionView builds what the supervisor sees of an application.
func (s *Server) supervisionView(ctx context.Context, u *boardsql.User, app *boardsql.Application) (*supView, error) {
	refs, err := s.supRefs(ctx, u, app.ID)
	if err != nil {
		return nil, err
	}
	p, frozen, err := supShown(app)
	if err != nil {
		return nil, err
	}
	v := &supView{App: app, Refs: refs, Frozen: frozen, Open: !app.State.Final(), Memberships: p.Memberships,
		Credential: app.SetID}
	if set := s.sets().Latest(app.SetID); set != nil {
		v.Credential = set.Title
	}
	v.Sessions, v.Clinical, v.Contracts = supMine(p, refs)
	sig := supSignature(u)
	for _, list := range [][]supItem{v.Sessions, v.Clinical, v.Contracts} {
		for i := range list {
			it := &list[i]
			it.State = it.Verification.EffectiveState()
			if v.Open {
				it.CanConfirm, it.CanDispute = supAllowed(it.Verification, sig)
				if it.State == portfolio.Claimed && it.Contract == nil {
					v.Awaiting++
				}
			}
		}
	}
	return v, nil
}

// supervisionList is the supervisor's list of supervisees.
func (s *Server) supervisionList(w http.ResponseWriter, r *http.Request) {
	views, err := s.supervisees(r.Context(), userFrom(r))
	if err != nil {
		s.internal(w, err)
		return
	}
	s.render(w, r, http.StatusOK, "supervision", page{Title: "Your supervisees", Data: views})
}

// supervisees builds the view of every undecided application naming the
// user. A decided one (approved, denied, withdrawn) is no longer the
// supervisor's to see (see relations).
func (s *Server) supervisees(ctx context.Context, u *boardsql.User) ([]*supView, error) {
	apps, err := s.cfg.Store.Applications(ctx, boardsql.ApplicationFilter{SupervisorEmail: u.Email, WithPortfolio: true})
	if err != nil {
		return nil, err
	}
	views := []*supView{}
	for _, app := range apps {
		if app.State.Final() {
			continue
		}
		v, err := s.supervisionView(ctx, u, app)
		if err != nil {
			return nil, err
		}
		views = append(views, v)
	}
	return views, nil
}

// supervisionPage shows one supervisee's evidence that names the supervisor.
func (s *Server) supervisionPage(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok {
		return
	}
	s.renderSupervision(w, r, http.StatusOK, app, nil)
}

// renderSupervision shows the supervision page, with the errors of a
// refused form when there are some.
func (s *Server) renderSupervision(w http.ResponseWriter, r *http.Request, status int, app *boardsql.Application, errs map[string]string) {
	v, err := s.supervisionView(r.Context(), userFrom(r), app)
	if err != nil {
		s.internal(w, err)
		return
	}
	for _, list := range [][]supItem{v.Sessions, v.Clinical, v.Contracts} {
		for i := range list {
			if msg := errs["reason-"+list[i].ID]; msg != "" {
				list[i].Error, list[i].Reason = msg, r.PostForm.Get("reason")
			}
		}
	}
	s.render(w, r, status, "supervision_application", page{Title: "Supervision of " + app.ApplicantName, Data: v, Errors: errs, Form: r.PostForm})
}

// supDecision is a supervisor's decision on one item.
type supDecision struct {
	Item     string
	Decision string // confirm or dispute
	Reason   string
	Version  int
}

// supTargets decodes the portfolios a supervisor's change goes into: the
// live one while the application is open, the snapshot while the board
// judges it. Either may be nil.
func supTargets(app *boardsql.Application) (live, snap *portfolio.Portfolio, err error) {
	if app.State.Final() {
		return nil, nil, conflict("Application decided",
			fmt.Sprintf("application %d is %s; its evidence can no longer change", app.ID, app.State.Words()))
	}
	if live, err = portfolio.DecodeStored(app.Portfolio); err != nil {
		return nil, nil, fmt.Errorf("application %d: live portfolio: %w", app.ID, err)
	}
	if len(app.Snapshot) > 0 && slices.Contains(supFrozenStates, app.State) {
		if snap, err = portfolio.DecodeStored(app.Snapshot); err != nil {
			return nil, nil, fmt.Errorf("application %d: snapshot: %w", app.ID, err)
		}
	}
	return live, snap, nil
}

// supApplyDecision records a decision in p when the item names one of refs
// and the decision is allowed; it reports whether the item is the
// supervisor's and whether the decision was recorded, with the state before.
func supApplyDecision(p *portfolio.Portfolio, refs []string, id string, v portfolio.Verification, sig string) (mine, done bool, before portfolio.State) {
	if p == nil {
		return false, false, ""
	}
	sessions, clinical, contracts := supMine(p, refs)
	for _, it := range slices.Concat(sessions, clinical, contracts) {
		if it.ID != id {
			continue
		}
		confirm, dispute := supAllowed(it.Verification, sig)
		if (v.State == portfolio.Verified && !confirm) || (v.State == portfolio.Rejected && !dispute) {
			return true, false, it.Verification.EffectiveState()
		}
		before = it.Verification.EffectiveState()
		_ = portfolio.SetVerification(p, id, v) // the item exists: supMine found it
		return true, true, before
	}
	return false, false, ""
}

// supKind names an item for people.
func supKind(p *portfolio.Portfolio, id string) string {
	it, ok := portfolio.Find(p, id)
	if !ok {
		return "item " + id
	}
	switch it.List {
	case "supervision_sessions":
		return "supervision session " + id
	case "clinical_hours":
		return "clinical hours " + id
	case "supervision_contracts":
		return "supervision contract " + id
	}
	return "item " + id
}

// decideSupervision applies a supervisor's decision: in one transaction the
// version-guarded change of the portfolio and snapshot, the history event,
// the audit entry and, for a dispute, mail to the applicant. It returns the
// application's new version.
func (s *Server) decideSupervision(ctx context.Context, u *boardsql.User, app *boardsql.Application, d supDecision) (int, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	var state portfolio.State
	switch d.Decision {
	case "confirm":
		state = portfolio.Verified
	case "dispute":
		state = portfolio.Rejected
		if d.Reason == "" {
			return 0, invalidInput("reason", "say what is not right about this item, so that the applicant can correct it").WithTitle("Reason required")
		}
	default:
		return 0, invalidInput("decision", "give confirm or dispute")
	}
	if len(d.Reason) > 2000 {
		return 0, invalidInput("reason", "write at most 2000 characters")
	}
	refs, err := s.supRefs(ctx, u, app.ID)
	if err != nil {
		return 0, err
	}
	live, snap, err := supTargets(app)
	if err != nil {
		return 0, err
	}
	sig, today := supSignature(u), s.today()
	v := portfolio.Verification{State: state, By: sig, At: today, Note: d.Reason}
	mineLive, doneLive, before := supApplyDecision(live, refs, d.Item, v, sig)
	mineSnap, doneSnap, beforeSnap := supApplyDecision(snap, refs, d.Item, v, sig)
	if !mineLive && !mineSnap {
		return 0, notFound("Item not found", fmt.Sprintf("application %d has no session, clinical hours or contract %q under your supervision", app.ID, d.Item))
	}
	if !doneLive && !mineLive || !doneLive && doneSnap {
		before = beforeSnap
	}
	if !doneLive && !doneSnap {
		detail := fmt.Sprintf("%s is already %s by someone else; only the board's staff can change it now", d.Item, before)
		if before == state {
			detail = fmt.Sprintf("%s is already %s", d.Item, before)
		}
		return 0, conflict("Already decided", detail)
	}
	var liveJSON, snapJSON []byte
	if doneLive {
		if liveJSON, err = portfolio.Encode(live); err != nil {
			return 0, err
		}
	}
	if doneSnap {
		if snapJSON, err = portfolio.Encode(snap); err != nil {
			return 0, err
		}
	}
	what := supKind(live, d.Item)
	if !mineLive {
		what = supKind(snap, d.Item)
	}
	now := s.now()
	verb := map[string]string{"confirm": "confirmed", "dispute": "disputed"}[d.Decision]
	message := fmt.Sprintf("%s %s %s", u.Name, verb, what)
	if d.Reason != "" {
		message += ": " + d.Reason
	}
	var version int
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if version, err = tx.SaveSupervisedEvidence(ctx, app.ID, d.Version, liveJSON, snapJSON, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "supervision." + d.Decision,
			Message: message}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "supervision." + d.Decision,
			Subject: fmt.Sprintf("application/%d", app.ID), Before: d.Item + ": " + string(before), After: d.Item + ": " + string(state)}); err != nil {
			return err
		}
		if d.Decision != "dispute" {
			return nil
		}
		_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: app.ApplicantEmail, CreatedAt: now,
			Subject: fmt.Sprintf("Your supervisor disputed %s", what),
			Body: fmt.Sprintf("Dear %s,\n\n%s, named as your supervisor in application %d for %s, disputed %s and wrote:\n\n%s\n\n"+
				"The item no longer counts toward the requirements. Correct it, or talk with your supervisor, on your application's page: %s\n",
				app.ApplicantName, u.Name, app.ID, app.SetID, what, d.Reason, s.link(fmt.Sprintf("/applications/%d", app.ID), ""))})
		return err
	})
	return version, err
}

// supContractInput is a contract a supervisor records.
type supContractInput struct {
	Supervisor           string
	Start, End           string
	SuperviseeMembership string
	Version              int
}

// recordSupervisionContract adds a supervision contract, signed by the
// supervisor, to the application's evidence: the live portfolio and, while
// the board judges it, the snapshot. It returns the contract and the new
// version.
func (s *Server) recordSupervisionContract(ctx context.Context, u *boardsql.User, app *boardsql.Application, in supContractInput) (*portfolio.Contract, int, error) {
	refs, err := s.supRefs(ctx, u, app.ID)
	if err != nil {
		return nil, 0, err
	}
	if in.Supervisor == "" && len(refs) == 1 {
		in.Supervisor = refs[0]
	}
	if !slices.Contains(refs, in.Supervisor) {
		return nil, 0, invalidInput("supervisor", "choose one of the supervisor entries that name you: "+strings.Join(refs, ", "))
	}
	start, err := date.Parse(strings.TrimSpace(in.Start))
	if err != nil {
		return nil, 0, invalidInput("start", "give the date the contract began, as YYYY-MM-DD")
	}
	var end date.Date
	if e := strings.TrimSpace(in.End); e != "" {
		if end, err = date.Parse(e); err != nil {
			return nil, 0, invalidInput("end", "give the date the contract ended as YYYY-MM-DD, or leave it empty if it is ongoing")
		}
		if end.Before(start) {
			return nil, 0, invalidInput("end", "the end is before the start")
		}
	}
	live, snap, err := supTargets(app)
	if err != nil {
		return nil, 0, err
	}
	in.SuperviseeMembership = strings.TrimSpace(in.SuperviseeMembership)
	if m := in.SuperviseeMembership; m != "" {
		for _, p := range []*portfolio.Portfolio{live, snap} {
			if p == nil {
				continue
			}
			if it, ok := portfolio.Find(p, m); !ok || it.List != "memberships" {
				return nil, 0, invalidInput("supervisee_membership", fmt.Sprintf("the portfolio has no membership %q; choose one of the applicant's memberships or none", m))
			}
		}
	}
	id := supNewContractID(live, snap)
	k := portfolio.Contract{ID: id, Supervisor: in.Supervisor, Start: start, End: end, SuperviseeMembership: in.SuperviseeMembership,
		Verification: portfolio.Verification{State: portfolio.Verified, By: supSignature(u), At: s.today(), Note: "recorded by the supervisor"}}
	var liveJSON, snapJSON []byte
	live.Contracts = append(live.Contracts, k)
	if liveJSON, err = portfolio.Encode(live); err != nil {
		return nil, 0, err
	}
	if snap != nil {
		snap.Contracts = append(snap.Contracts, k)
		if snapJSON, err = portfolio.Encode(snap); err != nil {
			return nil, 0, err
		}
	}
	now := s.now()
	period := start.String() + " to " + end.String()
	if end.IsZero() {
		period = "from " + start.String()
	}
	var version int
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		if version, err = tx.SaveSupervisedEvidence(ctx, app.ID, in.Version, liveJSON, snapJSON, now); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "supervision.contract",
			Message: fmt.Sprintf("%s recorded supervision contract %s, %s", u.Name, id, period)}); err != nil {
			return err
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "supervision.contract",
			Subject: fmt.Sprintf("application/%d", app.ID), After: id + ": " + period}); err != nil {
			return err
		}
		_, err := tx.EnqueueMail(ctx, boardsql.Mail{To: app.ApplicantEmail, CreatedAt: now,
			Subject: "Your supervisor recorded a supervision contract",
			Body: fmt.Sprintf("Dear %s,\n\n%s recorded a supervision contract with you (%s, %s) in application %d for %s.\n\nSee it on your application's page: %s\n",
				app.ApplicantName, u.Name, id, period, app.ID, app.SetID, s.link(fmt.Sprintf("/applications/%d", app.ID), ""))})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return &k, version, nil
}

// p0 turns a nil portfolio into an empty one, for lookups.
func p0(p *portfolio.Portfolio) *portfolio.Portfolio {
	if p == nil {
		return &portfolio.Portfolio{}
	}
	return p
}

// supNewContractID is the first contract id free in both portfolios.
func supNewContractID(live, snap *portfolio.Portfolio) string {
	for n := 1; ; n++ {
		id := "con-" + strconv.Itoa(n)
		_, inLive := portfolio.Find(p0(live), id)
		_, inSnap := portfolio.Find(p0(snap), id)
		if !inLive && !inSnap {
			return id
		}
	}
}

// supervisionDecidePage takes a confirm or dispute form.
func (s *Server) supervisionDecidePage(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok || !s.parseForm(w, r) {
		return
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err == nil {
		d := supDecision{Item: r.PathValue("item"), Decision: r.PostForm.Get("decision"), Reason: r.PostForm.Get("reason"), Version: version}
		_, err = s.decideSupervision(r.Context(), userFrom(r), app, d)
	}
	var f *certboard.Error
	switch {
	case err == nil:
		verb := map[string]string{"confirm": "Confirmed", "dispute": "Disputed"}[r.PostForm.Get("decision")]
		redirect(w, r, fmt.Sprintf("/supervision/%d", app.ID), fmt.Sprintf("%s %s.", verb, r.PathValue("item")))
	case errors.As(err, &f) && f.Field == "reason":
		s.renderSupervision(w, r, f.Answer().Status, app, map[string]string{"reason-" + r.PathValue("item"): f.Message})
	default:
		s.answerError(w, r, err)
	}
}

// supervisionContractPage takes the form recording a contract.
func (s *Server) supervisionContractPage(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok || !s.parseForm(w, r) {
		return
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	var k *portfolio.Contract
	if err == nil {
		k, _, err = s.recordSupervisionContract(r.Context(), userFrom(r), app, supContractInput{Supervisor: r.PostForm.Get("supervisor"),
			Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"), SuperviseeMembership: r.PostForm.Get("supervisee_membership"), Version: version})
	}
	var f *certboard.Error
	switch {
	case err == nil:
		redirect(w, r, fmt.Sprintf("/supervision/%d", app.ID), fmt.Sprintf("Recorded supervision contract %s.", k.ID))
	case errors.As(err, &f) && f.Field != "" && f.Field != "version":
		s.renderSupervision(w, r, f.Answer().Status, app, map[string]string{f.Field: f.Message})
	default:
		s.answerError(w, r, err)
	}
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

func supSummary(v *supView) supJSON {
	return supJSON{ApplicationID: v.App.ID, Applicant: v.App.ApplicantName, SetID: v.App.SetID, Credential: v.Credential,
		State: v.App.State, Version: v.App.Version, Awaiting: v.Awaiting}
}

// supervisionListAPI lists the supervisor's supervisees.
func (s *Server) supervisionListAPI(w http.ResponseWriter, r *http.Request) {
	views, err := s.supervisees(r.Context(), userFrom(r))
	if err != nil {
		s.internal(w, err)
		return
	}
	out := []supJSON{}
	for _, v := range views {
		out = append(out, supSummary(v))
	}
	writeJSON(w, map[string]any{"supervisees": out})
}

// supervisionAPI shows the evidence of one supervisee naming the supervisor.
func (s *Server) supervisionAPI(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok {
		return
	}
	v, err := s.supervisionView(r.Context(), userFrom(r), app)
	if err != nil {
		s.internal(w, err)
		return
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
}

// supervisionDecideAPI confirms or disputes one item.
func (s *Server) supervisionDecideAPI(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok {
		return
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Version  int    `json:"version"`
	}
	if !decodeBody(w, r, &in, "decision (confirm or dispute), reason (to dispute) and version", maxAPIBody) {
		return
	}
	version, err := checkVersion(in.Version)
	if err == nil {
		version, err = s.decideSupervision(r.Context(), userFrom(r), app, supDecision{Item: r.PathValue("item"), Decision: in.Decision, Reason: in.Reason, Version: version})
	}
	if err != nil {
		s.answerError(w, r, err)
		return
	}
	state := portfolio.Verified
	if in.Decision == "dispute" {
		state = portfolio.Rejected
	}
	writeJSON(w, map[string]any{"item": r.PathValue("item"), "state": state, "version": version})
}

// supervisionContractAPI records a contract.
func (s *Server) supervisionContractAPI(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelSupervisor)
	if !ok {
		return
	}
	var in struct {
		Supervisor           string `json:"supervisor"`
		Start                string `json:"start"`
		End                  string `json:"end"`
		SuperviseeMembership string `json:"supervisee_membership"`
		Version              int    `json:"version"`
	}
	if !decodeBody(w, r, &in, "start, optionally end, supervisee_membership and supervisor, and version", maxAPIBody) {
		return
	}
	version, err := checkVersion(in.Version)
	var k *portfolio.Contract
	if err == nil {
		k, version, err = s.recordSupervisionContract(r.Context(), userFrom(r), app, supContractInput{Supervisor: in.Supervisor, Start: in.Start,
			End: in.End, SuperviseeMembership: in.SuperviseeMembership, Version: version})
	}
	if err != nil {
		s.answerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	writeJSON(w, map[string]any{"contract": k, "version": version})
}
