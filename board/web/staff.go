package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// staffRoutes registers the board staff's work queue, verification and
// decisions, and the applications API that applicants and staff share.
func (s *Server) staffRoutes() {
	s.route("GET /queue", Staff, s.handle(s.queue))
	s.route("GET /queue/{id}", Staff, s.handle(s.queueApplication))
	s.route("POST /queue/{id}/items/{item}", Staff, s.handle(s.queueVerify))
	s.route("POST /queue/{id}/actions/{action}", Staff, s.handle(s.queueAction))
	s.route("POST /queue/{id}/reviewers", Staff, s.handle(s.queueAssign))
	s.route("POST /queue/{id}/reviewers/{uid}/remove", Staff, s.handle(s.queueUnassign))

	s.route("GET /api/v1/applications", Authenticated, s.handle(s.apiApplications))
	s.route("GET /api/v1/applications/{id}", Authenticated, s.handle(s.apiApplication))
	s.route("POST /api/v1/applications/{id}/actions/{action}", Authenticated, s.handle(s.apiAction))
	s.route("POST /api/v1/applications/{id}/items/{item}/verification", Staff, s.handle(s.apiVerify))
	s.route("POST /api/v1/applications/{id}/reviewers", Staff, s.handle(s.apiAssign))
}

// staffOwnCheck refuses a member of staff handling their own application
// (board.StaffOwnCheck).
func staffOwnCheck(u *auth.User, app *board.Application) error {
	return board.StaffOwnCheck(u, app)
}

// Board-only history events: who reviews an application and how each voted
// is the board's business; applicants, supervisors and other reviewers do
// not see these events.
// They are declared in board.
const (
	eventAssignReviewer = board.EventAssignReviewer
	eventRemoveReviewer = board.EventRemoveReviewer
	eventVote           = board.EventVote
	eventConflict       = board.EventConflict
	eventReviewerChange = board.EventReviewerChange
)

// boardOnlyEvent reports whether a history event is shown to staff only.
func boardOnlyEvent(action string) bool { return board.BoardOnlyEvent(action) }

// ---- the work queue ----

// queueAges are the "waiting more than" choices of the work queue, in days.
var queueAges = []int{7, 30, 90}

// queueGroup is a choice of the work queue's state filter that keeps a
// group of states: the applications waiting for the board (the queue's
// default), those waiting for the applicant, the closed ones, or all.
type queueGroup struct {
	// Value is the state filter's value ("" for the default).
	Value  string
	Label  string
	States []board.State
}

// queueGroups are the work queue's groups of states, the default first.
var queueGroups = []queueGroup{
	{"", "Waiting for the board", board.BoardStates},
	{"applicant", "Waiting for the applicant", board.ApplicantStates},
	{"closed", "Decided or withdrawn", board.ClosedStates},
	{"all", "All applications", nil},
}

// queueRow is one application in the work queue.
type queueRow struct {
	App         *board.Application
	SetTitle    string
	Since       time.Time
	DaysWaiting int
	// Conflicts are the reviewers flagged with a conflict of interest
	// found after their assignment (see recheckReviewer).
	Conflicts []string
}

// queueLink is one choice of the state filter as a link, with how many
// applications it shows.
type queueLink struct {
	Label, Href string
	N           int
	Current     bool
}

// queueLinkGroup is a group of states as links: the group's own, then one
// per state in it.
type queueLinkGroup struct {
	queueLink
	States []queueLink
}

// queueView is the work queue page.
type queueView struct {
	Rows []queueRow
	// Showing names what the rows are: a group or a state.
	Showing string
	// Links are the state filter as links with counts, by group.
	Links  []queueLinkGroup
	Groups []queueGroup
	States []board.State
	Sets   []queueSetOption
	Ages   []int
}

type queueSetOption struct{ ID, Title string }

// queueStates are the states the queue can be filtered by: all but draft.
func queueStates() []board.State {
	var out []board.State
	for _, st := range board.States {
		if st != board.Draft {
			out = append(out, st)
		}
	}
	return out
}

// queueFilter reads the queue's filters (state or group of states, set,
// age in days) against the known states and sets; bad values are reported
// by field. No state keeps the applications waiting for the board.
func queueFilter(q url.Values, states []board.State, sets []string, now time.Time) (board.QueueFilter, string, map[string]string) {
	var f board.QueueFilter
	showing := queueGroups[0].Label
	errs := map[string]string{}
	v := q.Get("state")
	if i := slices.IndexFunc(queueGroups, func(g queueGroup) bool { return g.Value == v }); i >= 0 {
		f.States, showing = queueGroups[i].States, queueGroups[i].Label
	} else if st, err := board.ParseState(v); err == nil && slices.Contains(states, st) {
		f.States, showing = []board.State{st}, capitalize(st.Words())
	} else {
		var names []string
		for _, g := range queueGroups[1:] {
			names = append(names, g.Value)
		}
		for _, st := range states {
			names = append(names, string(st))
		}
		errs["state"] = "Choose a state from the list (" + strings.Join(names, ", ") + ")."
	}
	if v := q.Get("set"); v != "" {
		if slices.Contains(sets, v) {
			f.SetID = v
		} else {
			errs["set"] = "Choose a credential from the list."
		}
	}
	if v := q.Get("age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.Contains(queueAges, n) {
			errs["age"] = "Choose how long applications have waited from the list."
		} else {
			f.WaitingBefore = now.AddDate(0, 0, -n)
		}
	}
	return f, showing, errs
}

// capitalize puts the first letter of s in upper case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// queueLinks are the state filter as links, each with its count, keeping
// the other filters of q; the one q chose is current.
func queueLinks(q url.Values, wq *board.WorkQueue) []queueLinkGroup {
	href := func(state string) string {
		v := url.Values{}
		for _, k := range []string{"set", "age"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		if state != "" {
			v.Set("state", state)
		}
		if len(v) == 0 {
			return "/queue"
		}
		return "/queue?" + v.Encode()
	}
	chosen := q.Get("state")
	var out []queueLinkGroup
	for _, g := range queueGroups {
		n := wq.Count(g.States...)
		if g.States == nil {
			n = wq.Count(queueStates()...)
		}
		lg := queueLinkGroup{queueLink: queueLink{Label: g.Label, Href: href(g.Value), N: n, Current: chosen == g.Value}}
		for _, st := range g.States {
			lg.States = append(lg.States, queueLink{Label: capitalize(st.Words()), Href: href(string(st)), N: wq.Count(st), Current: chosen == string(st)})
		}
		out = append(out, lg)
	}
	return out
}

func (s *Server) setTitle(id string) string {
	if set := s.sets().Latest(id); set != nil {
		return set.Title
	}
	return id
}

// queue is the staff's work queue: the applications waiting for the board
// unless another state or group is chosen, the longest waiting in its
// state first, filterable by credential and time waiting, with the count
// of applications in each state.
func (s *Server) queue(w http.ResponseWriter, r *http.Request) error {
	now := s.now()
	v := queueView{Groups: queueGroups, States: queueStates(), Ages: queueAges}
	for _, id := range s.sets().IDs() {
		v.Sets = append(v.Sets, queueSetOption{ID: id, Title: s.setTitle(id)})
	}
	f, showing, errs := queueFilter(r.URL.Query(), v.States, s.sets().IDs(), now)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	} else {
		wq, err := s.board.Queue(r.Context(), userFrom(r), f)
		if err != nil {
			return err
		}
		v.Showing, v.Links = showing, queueLinks(r.URL.Query(), wq)
		for _, e := range wq.Entries {
			v.Rows = append(v.Rows, queueRow{App: e.App, SetTitle: s.setTitle(e.App.SetID), Since: e.Since,
				DaysWaiting: int(now.Sub(e.Since).Hours() / 24), Conflicts: e.Conflicts})
		}
	}
	s.render(w, r, status, "queue", page{Title: "Work queue", Data: v, Errors: errs, Form: r.URL.Query()})
	return nil
}

// ---- one application, for staff ----

// evidenceGroup is one list of a portfolio's evidence, for review.
type evidenceGroup struct {
	List  string
	Title string
	Items []evidenceEntry
}

// evidenceEntry is one evidence item and where it stands in verification.
type evidenceEntry struct {
	ID           string
	Label        string
	State        string
	Verification portfolio.Verification
}

// reviewEvidence groups every item of a portfolio by list, in format order.
func reviewEvidence(p *portfolio.Portfolio) []evidenceGroup {
	var out []evidenceGroup
	for _, list := range portfolio.Lists() {
		items := portfolio.Items(p, list)
		if len(items) == 0 {
			continue
		}
		title := strings.ReplaceAll(list, "_", " ")
		g := evidenceGroup{List: list, Title: strings.ToUpper(title[:1]) + title[1:]}
		for _, it := range items {
			v := portfolio.VerificationOf(it.Value)
			g.Items = append(g.Items, evidenceEntry{ID: portfolio.ItemID(it.Value), Label: board.ItemLabel(it.Value),
				State: string(v.EffectiveState()), Verification: v})
		}
		out = append(out, g)
	}
	return out
}

// staffActionView is an action staff may take now, as a button.
type staffActionView struct {
	Name        string
	Label       string
	NeedsReason bool
	Danger      bool
}

var staffActionLabels = map[board.Action]string{
	board.StartReview:      "Start the review",
	board.RequestInfo:      "Ask the applicant for information",
	board.SendToPeerReview: "Send to peer review",
	board.Approve:          "Approve",
	board.Deny:             "Deny",
	board.Return:           "Return to the applicant",
}

// staffActions lists what a member of staff may do from a state, and which
// actions need a reason (asked of the state machine itself).
func staffActions(state board.State, u *auth.User) []staffActionView {
	actor := board.Actor{Roles: u.Roles}
	var out []staffActionView
	for _, name := range board.Possible(state, actor) {
		a := board.Action(name)
		if _, err := board.Next(state, a, actor, "x"); err != nil {
			continue // "none", or not possible at all
		}
		_, withoutReason := board.Next(state, a, actor, "")
		label := staffActionLabels[a]
		if label == "" {
			label = strings.ReplaceAll(name, "_", " ")
		}
		out = append(out, staffActionView{Name: name, Label: label, NeedsReason: withoutReason != nil,
			Danger: a == board.Deny || a == board.Return})
	}
	return out
}

// reviewAssignmentView is an assigned reviewer, whether their vote
// belongs to the current round of peer review, and the changes they made to
// their name or practice since their assignment. Conflict (of the
// embedded Assignment) is the conflict of interest that stands now.
type reviewAssignmentView struct {
	board.Assignment
	Current bool
	Changes []board.Event
}

// reviewCandidate is a reviewer staff cannot assign, and why.
type reviewCandidate struct {
	User *auth.User
	Why  string
}

// queueAppView is the staff page of one application.
type queueAppView struct {
	App    *board.Application
	Eval   *evaluation
	Events []board.Event
	Groups []evidenceGroup
	// CanVerify: evidence may be verified or rejected in this state.
	CanVerify bool
	Actions   []staffActionView
	// Approval says why the application cannot be approved yet ("" when it can).
	Approval    string
	Assignments []reviewAssignmentView
	Eligible    []*auth.User
	Excluded    []reviewCandidate
	CanAssign   bool
	// Failed names the form whose error is shown, to refill only that one.
	Failed string
}

func (s *Server) queueApplication(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelStaff)
	if err != nil {
		return err
	}
	return s.showQueueApp(w, r, app.ID, http.StatusOK, nil, "")
}

// showQueueApp renders the staff page of an application, freshly loaded,
// with errors of a failed form if any.
func (s *Server) showQueueApp(w http.ResponseWriter, r *http.Request, id int64, status int, errs map[string]string, failed string) error {
	u := userFrom(r)
	f, err := s.board.StaffFile(r.Context(), u, id)
	if err != nil {
		return err
	}
	app, events, chk := f.App, f.Events, f.Check
	ev, err := s.evaluate(r.Context(), app, true)
	if err != nil {
		return err
	}
	v := queueAppView{App: app, Eval: ev, Events: events, Groups: reviewEvidence(ev.Portfolio), Failed: failed,
		CanVerify: board.StaffCanVerify(app.State) && len(app.Snapshot) > 0, Actions: staffActions(app.State, u), CanAssign: board.StaffCanAssign(app.State)}
	markNotOnFile(v.Groups, f.Documents)
	since := board.PeerRoundStart(events)
	for _, a := range f.Assignments {
		av := reviewAssignmentView{Assignment: a, Current: board.VoteCurrent(a, since)}
		for _, e := range events {
			if e.Action == eventReviewerChange && e.ActorID == a.ReviewerID && !e.At.Before(a.AssignedAt) {
				av.Changes = append(av.Changes, e)
			}
		}
		v.Assignments = append(v.Assignments, av)
	}
	if app.State == board.PeerReview {
		v.Approval = board.ApprovalProblem(ev.Report, f.Assignments, since)
	}
	if v.CanAssign {
		reviewers, err := s.board.Reviewers(r.Context(), u)
		if err != nil {
			return err
		}
		for _, c := range reviewers {
			if chk.Assigned(c.ID) {
				continue
			}
			if why := chk.Exclusion(c); why != "" {
				v.Excluded = append(v.Excluded, reviewCandidate{User: c, Why: why})
			} else {
				v.Eligible = append(v.Eligible, c)
			}
		}
	}
	s.renderForm(w, r, status, "queue_application", "Application of "+app.ApplicantName, v, errs, failed)
	return nil
}

// ---- verification ----

// staffSameItem reports whether two items are the same apart from their
// verification (board.SameItem).
func staffSameItem(a, b any) bool { return board.SameItem(a, b) }

func (s *Server) queueVerify(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelStaff)
	if err != nil {
		return err
	}
	item := r.PathValue("item")
	form := "item:" + item
	version, err := parseVersion(r.PostForm.Get("version"))
	if err == nil {
		_, err = s.board.VerifyItem(r.Context(), userFrom(r), app.ID, item, r.PostForm.Get("decision"), r.PostForm.Get("reason"), version)
	}
	if err != nil {
		return reshow(w, r, app, form, err, s.showQueueApp)
	}
	done := map[string]string{"verify": "verified", "reject": "rejected"}[r.PostForm.Get("decision")]
	redirect(w, r, fmt.Sprintf("/queue/%d#item-%s", app.ID, url.PathEscape(item)), fmt.Sprintf("%s %s.", item, done))
	return nil
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) error {
	type input struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		versioned
	}
	var next int
	in, ok, err := versionedAction(s, w, r, RelStaff, `decision ("verify" or "reject"), reason and version`, func(app *board.Application, in *input, version int) (err error) {
		next, err = s.board.VerifyItem(r.Context(), userFrom(r), app.ID, r.PathValue("item"), in.Decision, in.Reason, version)
		return err
	})
	if !ok {
		return err
	}
	state := map[string]string{"verify": "verified", "reject": "rejected"}[in.Decision]
	writeJSON(w, map[string]any{"item": r.PathValue("item"), "state": state, "version": next})
	return nil
}

// ---- decisions ----

func (s *Server) queueAction(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelStaff)
	if err != nil {
		return err
	}
	action := board.Action(r.PathValue("action"))
	version, err := parseVersion(r.PostForm.Get("version"))
	var to board.State
	if err == nil {
		// The queue is for other people's applications: staff never
		// handle their own, whatever the action.
		err = board.StaffOwnCheck(userFrom(r), app)
	}
	if err == nil {
		to, err = s.act(r.Context(), userFrom(r), app, version, action, r.PostForm.Get("reason"))
	}
	if err != nil {
		return reshow(w, r, app, "action:"+string(action), err, s.showQueueApp)
	}
	redirect(w, r, fmt.Sprintf("/queue/%d", app.ID), fmt.Sprintf("The application of %s is now %s; they have been told by e-mail.", app.ApplicantName, to.Words()))
	return nil
}

// ---- reviewer assignment and conflicts of interest ----

func (s *Server) queueAssign(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelStaff)
	if err != nil {
		return err
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err == nil {
		var id int64
		id, err = strconv.ParseInt(r.PostForm.Get("reviewer_id"), 10, 64)
		if err != nil || id <= 0 {
			err = badInput("reviewer_id", "choose a reviewer from the list")
		} else {
			_, err = s.board.AssignReviewer(r.Context(), userFrom(r), app.ID, id, version)
		}
	}
	if err != nil {
		return reshow(w, r, app, "reviewer_id", err, s.showQueueApp)
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#reviewers", app.ID), "Reviewer assigned and asked by e-mail.")
	return nil
}

func (s *Server) queueUnassign(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelStaff)
	if err != nil {
		return err
	}
	uid, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil {
		return notFound("Not found", "No reviewer has id "+strconv.Quote(r.PathValue("uid"))+".")
	}
	version, err := parseVersion(r.PostForm.Get("version"))
	if err == nil {
		err = s.board.UnassignReviewer(r.Context(), userFrom(r), app.ID, uid, version)
	}
	if err != nil {
		return reshow(w, r, app, "reviewer_id", err, s.showQueueApp)
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#reviewers", app.ID), "Reviewer removed.")
	return nil
}

func (s *Server) apiAssign(w http.ResponseWriter, r *http.Request) error {
	type input struct {
		ReviewerID int64 `json:"reviewer_id"`
		versioned
	}
	var next int
	var id int64
	if _, ok, err := versionedAction(s, w, r, RelStaff, "reviewer_id and version", func(app *board.Application, in *input, version int) (err error) {
		id = app.ID
		next, err = s.board.AssignReviewer(r.Context(), userFrom(r), app.ID, in.ReviewerID, version)
		return err
	}); !ok {
		return err
	}
	f, err := s.board.StaffFile(r.Context(), userFrom(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, map[string]any{"version": next, "reviewers": reviewersJSON(f.Assignments, board.PeerRoundStart(f.Events))})
	return nil
}

// ---- the applications API ----

// userRef names a person in the API.
type userRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// applicationSummary is an application as the API lists it.
type applicationSummary struct {
	ID          int64       `json:"id"`
	SetID       string      `json:"set_id"`
	State       board.State `json:"state"`
	Applicant   userRef     `json:"applicant"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	SubmittedAt *time.Time  `json:"submitted_at"`
	Version     int         `json:"version"`
}

func summarizeApplication(a *board.Application) applicationSummary {
	out := applicationSummary{ID: a.ID, SetID: a.SetID, State: a.State, Applicant: userRef{ID: a.ApplicantID, Name: a.ApplicantName},
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version}
	if !a.SubmittedAt.IsZero() {
		t := a.SubmittedAt
		out.SubmittedAt = &t
	}
	return out
}

// historyEventJSON is one history event in the API.
type historyEventJSON struct {
	At      time.Time   `json:"at"`
	Actor   *userRef    `json:"actor"`
	Action  string      `json:"action"`
	From    board.State `json:"from,omitempty"`
	To      board.State `json:"to,omitempty"`
	Message string      `json:"message,omitempty"`
}

// reviewerJSON is an assigned reviewer and their vote, for staff.
type reviewerJSON struct {
	Reviewer   userRef    `json:"reviewer"`
	AssignedAt time.Time  `json:"assigned_at"`
	Vote       string     `json:"vote"`
	Comments   string     `json:"comments"`
	VotedAt    *time.Time `json:"voted_at"`
	// Current: the vote was cast in the current round of peer review.
	Current bool `json:"current"`
	// Conflict is the conflict of interest that stands against the
	// reviewer now ("" for none); approval is refused while one does.
	Conflict string `json:"conflict,omitempty"`
}

func reviewersJSON(assigned []board.Assignment, since time.Time) []reviewerJSON {
	out := []reviewerJSON{}
	for _, a := range assigned {
		j := reviewerJSON{Reviewer: userRef{ID: a.ReviewerID, Name: a.ReviewerName}, AssignedAt: a.AssignedAt, Vote: a.Vote, Comments: a.Comments,
			Current: board.VoteCurrent(a, since), Conflict: a.Conflict}
		if !a.VotedAt.IsZero() {
			t := a.VotedAt
			j.VotedAt = &t
		}
		out = append(out, j)
	}
	return out
}

// apiApplications lists applications: staff (signed in with two factors)
// see all, optionally by ?state= and ?set=; everyone else their own.
func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	q := r.URL.Query()
	f := board.ApplicationFilter{SetID: q.Get("set")}
	if v := q.Get("state"); v != "" {
		st, err := board.ParseState(v)
		if err != nil {
			return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request", Message: certboard.ErrorMessage(err)}
		}
		f.State = st
	}
	if f.SetID != "" && !slices.Contains(s.sets().IDs(), f.SetID) {
		return &certboard.Error{Code: certboard.Malformed, Title: "Invalid request",
			Message: "set: " + strconv.Quote(f.SetID) + " is not a requirement set; use one of " + strings.Join(s.sets().IDs(), ", ")}
	}
	apps, err := s.board.ApplicationsFor(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := make([]applicationSummary, 0, len(apps))
	for _, a := range apps {
		out = append(out, summarizeApplication(a))
	}
	writeJSON(w, map[string]any{"applications": out})
	return nil
}

// apiApplication returns one application to those who may see it (owner,
// staff, assigned reviewer; a supervisor sees only the evidence that names
// them, at /api/v1/supervision/{id}): its state, its history (the
// peer review events to staff only), the eligibility report (of the
// submitted evidence once submitted, of the live portfolio while the
// applicant edits) and the actions the caller may take now.
func (s *Server) apiApplication(w http.ResponseWriter, r *http.Request) error {
	app, rel, err := s.appFor(r, RelOwner|RelStaff|RelReviewer)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := userFrom(r)
	frozen := len(app.Snapshot) > 0 && app.State != board.Draft && app.State != board.Returned
	ev, err := s.evaluate(r.Context(), app, frozen)
	if err != nil {
		return err
	}
	staff := rel&RelStaff != 0 && app.ApplicantID != u.ID
	var f *board.ReviewFile
	if staff {
		f, err = s.board.StaffFile(ctx, u, app.ID)
	} else {
		f = &board.ReviewFile{App: app}
		f.Events, err = s.board.History(ctx, u, app.ID)
	}
	if err != nil {
		return err
	}
	history := []historyEventJSON{}
	for _, e := range f.Events {
		j := historyEventJSON{At: e.At, Action: e.Action, From: e.From, To: e.To, Message: e.Message}
		if e.ActorID != 0 {
			j.Actor = &userRef{ID: e.ActorID, Name: e.ActorName}
		}
		history = append(history, j)
	}
	var actor board.Actor
	switch {
	case app.ApplicantID == u.ID:
		actor = board.Actor{IsOwner: true}
	case staff:
		actor = board.Actor{Roles: u.Roles}
	}
	actions := []string{}
	for _, a := range board.Possible(app.State, actor) {
		if a != "none" {
			actions = append(actions, a)
		}
	}
	out := map[string]any{"application": summarizeApplication(app), "history": history, "report": ev.Report, "frozen": frozen, "actions": actions}
	if staff {
		since := board.PeerRoundStart(f.Events)
		out["reviewers"] = reviewersJSON(f.Assignments, since)
		if app.State == board.PeerReview {
			out["approval"] = board.ApprovalProblem(ev.Report, f.Assignments, since)
		}
	}
	writeJSON(w, out)
	return nil
}

// apiAction takes an action on an application: the applicant's own
// (submit, withdraw, answer_info) or staff's. The owner acts as the
// applicant even when they are staff, so no one decides their own case.
func (s *Server) apiAction(w http.ResponseWriter, r *http.Request) error {
	type input struct {
		Reason string `json:"reason"`
		versioned
	}
	ctx, u := r.Context(), userFrom(r)
	var id int64
	if _, ok, err := versionedAction(s, w, r, RelOwner|RelStaff, "reason and version", func(app *board.Application, in *input, version int) (err error) {
		id = app.ID
		action := board.Action(r.PathValue("action"))
		by := u
		if app.ApplicantID == u.ID {
			owner := *u
			owner.Roles = nil
			by = &owner
		}
		_, err = s.act(ctx, by, app, version, action, in.Reason)
		return err
	}); !ok {
		return err
	}
	fresh, _, err := s.board.Visible(ctx, u, id, RelOwner|RelStaff)
	if err != nil {
		// Having acted, the caller may see it: not seeing it now is ours.
		return certboard.Wrap(err, "reloading the application after an action")
	}
	writeJSON(w, map[string]any{"application": summarizeApplication(fresh)})
	return nil
}

// versioned is the version a JSON body of an action names: the version
// of the application the caller read.
type versioned struct {
	Version int `json:"version"`
}

func (v versioned) version() int { return v.Version }

// versionedAction is the skeleton of the API's versioned actions on an
// application: it finds the application the caller holds one of the
// relations in need to, decodes the body into a T (fields says what it
// holds), checks the version the body names and runs do. ok is false when
// it has answered (the body unread) or fails; then it returns the failure
// (the application not found, the version refused, do's error), having
// written nothing.
func versionedAction[T interface{ version() int }](s *Server, w http.ResponseWriter, r *http.Request, need Relation, fields string,
	do func(app *board.Application, in *T, version int) error) (in *T, ok bool, err error) {
	app, _, err := s.appFor(r, need)
	if err != nil {
		return nil, false, err
	}
	in = new(T)
	if !decodeBody(w, r, in, fields, maxAPIBody) {
		return nil, false, nil
	}
	version, err := checkVersion((*in).version())
	if err == nil {
		err = do(app, in, version)
	}
	if err != nil {
		return nil, false, err
	}
	return in, true, nil
}
