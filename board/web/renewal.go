package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// renewalRoutes registers the renewal pages and API.
func (s *Server) renewalRoutes() {
	s.route("GET /credentials/{id}/renewal", Authenticated, http.HandlerFunc(s.renewalPage))
	s.route("POST /credentials/{id}/renewal", Authenticated, http.HandlerFunc(s.startRenewal))
	s.route("GET /api/v1/credentials/{id}/renewal", Authenticated, http.HandlerFunc(s.apiRenewal))
	s.route("POST /api/v1/credentials/{id}/renewal", Authenticated, http.HandlerFunc(s.apiStartRenewal))
	s.route("GET /queue/{id}/renewal", Staff, http.HandlerFunc(s.queueRenewal))
}

// renewalSet is the requirement set every AASECT renewal is judged by.
const renewalSet = "aasect-renewal"

// dayOf is the UTC calendar day of an instant.
func dayOf(t time.Time) date.Date {
	y, m, d := t.UTC().Date()
	return date.Of(y, m, d)
}

// renewalApplication returns the holder's open renewal application for a
// credential, starting one (a draft against aasect-renewal) when there is
// none. The credential must be the holder's.
func (s *Server) renewalApplication(ctx context.Context, holder *boardsql.User, credentialID string) (*boardsql.Application, error) {
	app, _, err := s.openOrStartRenewal(ctx, holder, credentialID)
	return app, err
}

// openOrStartRenewal is renewalApplication, also saying whether this call started
// the renewal (decided in the transaction that starts it).
func (s *Server) openOrStartRenewal(ctx context.Context, holder *boardsql.User, credentialID string) (*boardsql.Application, bool, error) {
	c, err := s.cfg.Store.Credential(ctx, credentialID)
	if err != nil {
		return nil, false, err
	}
	if c.HolderID != holder.ID {
		return nil, false, boardsql.ErrNotFound
	}
	if open, err := s.openRenewal(ctx, holder.ID, credentialID); err != nil || open != nil {
		return open, false, err
	}
	p, err := s.renewalPortfolio(ctx, holder, c)
	if err != nil {
		return nil, false, err
	}
	var id int64
	var created bool
	err = s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		id, created, err = s.startRenewalTx(ctx, tx, holder, holder.ID, c.ID, p, s.now())
		return err
	})
	if err != nil {
		return nil, false, err
	}
	app, err := s.cfg.Store.Application(ctx, id)
	return app, created, err
}

// startRenewalTx finds or starts, in the caller's transaction, the
// holder's renewal of a credential: it locks the credential's row
// (boardsql.CredentialForUpdate), so two requests starting the same renewal
// at once take turns and the second finds the first's application instead
// of opening another; it answers the open renewal's id (created false),
// or checks that the credential may be renewed (active, not expired) and
// starts a draft with the portfolio p, its history event and audit entry
// (created true). actor is who started it (the holder, or the provider
// whose report started it).
func (s *Server) startRenewalTx(ctx context.Context, tx *boardsql.Tx, holder *boardsql.User, actor int64, credentialID string, p *portfolio.Portfolio, now time.Time) (int64, bool, error) {
	c, err := tx.CredentialForUpdate(ctx, credentialID)
	if err != nil {
		return 0, false, err
	}
	if c.HolderID != holder.ID {
		return 0, false, boardsql.ErrNotFound
	}
	if id, err := tx.OpenRenewalID(ctx, c.ID); err != nil || id != 0 {
		return id, false, err
	}
	if c.Status() != "active" {
		return 0, false, &board.Error{Code: "conflict", Message: fmt.Sprintf("credential %s is %s; only an active credential is renewed", credentialID, c.Status())}
	}
	if !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil) {
		return 0, false, &board.Error{Code: "conflict", Message: fmt.Sprintf("credential %s expired on %s; a renewal must be started before the credential expires, so apply again instead", credentialID, dayOf(c.ValidUntil))}
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return 0, false, err
	}
	id, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: holder.ID, SetID: renewalSet, State: board.Draft,
		Portfolio: data, CreatedAt: now, RenewsCredential: credentialID})
	if err != nil {
		return 0, false, err
	}
	if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: id, At: now, ActorID: actor, Action: "start", To: board.Draft}); err != nil {
		return 0, false, err
	}
	_, err = tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", actor), Action: "renewal.start",
		Subject: fmt.Sprintf("application/%d", id), After: "renews credential " + credentialID})
	return id, true, err
}

// openRenewal is the holder's renewal of a credential still in progress
// (not approved, denied or withdrawn), or nil.
func (s *Server) openRenewal(ctx context.Context, holderID int64, credentialID string) (*boardsql.Application, error) {
	mine, err := s.cfg.Store.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: holderID, SetID: renewalSet})
	if err != nil {
		return nil, err
	}
	for _, a := range mine {
		if a.RenewsCredential == credentialID && !a.State.Final() {
			return s.cfg.Store.Application(ctx, a.ID)
		}
	}
	return nil, nil
}

// credentialSet is the requirement-set version a credential was issued
// under (the latest of its id when that version is no longer loaded).
func (s *Server) credentialSet(c *boardsql.IssuedCredential) *requirements.Set {
	for _, v := range s.sets().Versions(c.SetID) {
		if v.Version == c.SetVersion {
			return v
		}
	}
	return s.sets().Latest(c.SetID)
}

// credentialTitle is the title of a credential's requirement set, or its
// set id when the set is no longer loaded.
func (s *Server) credentialTitle(c *boardsql.IssuedCredential) string {
	if set := s.credentialSet(c); set != nil {
		return set.Title
	}
	return c.SetID
}

// renewalPortfolio starts the portfolio of a renewal: the holder's details,
// the credential being renewed as evidence the board itself verified (its
// type, dates and body, which give the engine the renewal cycle: valid_to is
// the cycle's last day, the day before the credential expires), and the
// memberships of the application that earned the credential, as verified
// then, for the holder to extend.
func (s *Server) renewalPortfolio(ctx context.Context, holder *boardsql.User, c *boardsql.IssuedCredential) (*portfolio.Portfolio, error) {
	p := &portfolio.Portfolio{Format: portfolio.FormatV1, Person: portfolio.Person{ID: fmt.Sprintf("p%d", holder.ID), Name: holder.Name, Email: holder.Email, Practice: holder.Workplace}}
	p.Credentials = append(p.Credentials, s.renewedCredentialItem(ctx, c))
	if prior, err := s.cfg.Store.Application(ctx, c.ApplicationID); err == nil && len(prior.Snapshot) > 0 {
		if old, err := portfolio.DecodeStored(prior.Snapshot); err == nil {
			p.Memberships = append(p.Memberships, old.Memberships...)
		}
	} else if err != nil && !errors.Is(err, boardsql.ErrNotFound) {
		return nil, err
	}
	return p, nil
}

// renewedCredentialItem describes an issued credential as portfolio
// evidence, verified by the board that issued it.
func (s *Server) renewedCredentialItem(ctx context.Context, c *boardsql.IssuedCredential) portfolio.Credential {
	body := "AASECT"
	if set := s.credentialSet(c); set != nil && set.Body != "" {
		body = set.Body
	}
	item := portfolio.Credential{ID: "renewing-" + c.ID, Type: c.SetID, Body: body, Number: c.ID, ValidFrom: dayOf(c.IssuedAt), Status: "active",
		Verification: portfolio.Verification{State: portfolio.Verified, By: s.boardName(ctx), At: s.today(),
			Note: "issued by this board: " + s.publicBase() + "/credentials/" + c.ID}}
	if !c.ValidUntil.IsZero() {
		item.ValidTo = dayOf(c.ValidUntil).AddDays(-1)
	}
	return item
}

// renewalValidity is the validity of the credential a renewal issues at
// now: approved before the old credential expires, the new one continues
// the cycle (the old end plus the cycle's years), so renewing early costs
// nothing; approved later, it runs the years from now. validFrom is always
// the approval.
func renewalValidity(oldUntil, now time.Time, cycleYears int) time.Time {
	if cycleYears <= 0 {
		return time.Time{}
	}
	if !oldUntil.IsZero() && now.Before(oldUntil) {
		return oldUntil.AddDate(cycleYears, 0, 0).Truncate(time.Second)
	}
	return now.AddDate(cycleYears, 0, 0).Truncate(time.Second)
}

// issuePlan is what issueCredential issues for an application: the set
// whose credential it is and, for a renewal, the credential renewed and the
// continued validity.
type issuePlan struct {
	set *requirements.Set
	// until, when set, replaces the set's validity.
	until time.Time
	// renews is the credential a renewal replaces (nil otherwise).
	renews *boardsql.IssuedCredential
}

// planIssue works out what approving app issues. A renewal issues the
// credential being renewed again (its type and title, from the set version
// it was issued under) with the continued validity; anything else issues
// the application's own set.
//
// The credential renewed is read in the approving transaction, its row
// locked (boardsql.CredentialForUpdate), so a revocation, suspension or other
// renewal that came first is seen and one that comes later waits. A
// revoked or superseded credential is not renewed; nor is a suspended one,
// unless the suspension is the lifecycle's own for want of this renewal
// (missedRenewalReason), which approval lifts: any other suspension
// (lapsed membership, a board decision) must be lifted by staff first,
// or the renewal would end it behind their back.
func (s *Server) planIssue(ctx context.Context, tx *boardsql.Tx, app *boardsql.Application, set *requirements.Set, now time.Time) (issuePlan, error) {
	if app.RenewsCredential == "" {
		return issuePlan{set: set}, nil
	}
	old, err := tx.CredentialForUpdate(ctx, app.RenewsCredential)
	if err != nil {
		return issuePlan{}, fmt.Errorf("the credential renewal %d renews (%s): %w", app.ID, app.RenewsCredential, err)
	}
	if old.HolderID != app.ApplicantID {
		return issuePlan{}, fmt.Errorf("renewal %d renews credential %s, which is not the applicant's", app.ID, old.ID)
	}
	switch st := old.Status(); {
	case st == "revoked" || st == "superseded":
		return issuePlan{}, &board.Error{Code: "conflict", Message: fmt.Sprintf("credential %s is %s; it cannot be renewed", old.ID, st)}
	case st == "suspended" && !strings.HasPrefix(old.SuspendReason, missedRenewalReason):
		return issuePlan{}, &board.Error{Code: "conflict", Message: fmt.Sprintf(
			"credential %s is suspended (%s); reinstate it from the credential's page once that is resolved, then approve the renewal", old.ID, old.SuspendReason)}
	}
	oldSet := s.credentialSet(old)
	if oldSet == nil {
		return issuePlan{}, fmt.Errorf("requirement set %s of credential %s is not loaded", old.SetID, old.ID)
	}
	return issuePlan{set: oldSet, until: renewalValidity(old.ValidUntil, now, renewalYears(set, oldSet)), renews: old}, nil
}

// renewalYears is the length of a renewal cycle: the renewal set's cycle,
// or else the validity of the credential's own set (0 when neither says).
func renewalYears(renewSet, credSet *requirements.Set) int {
	switch {
	case renewSet != nil && renewSet.Cycle != nil:
		return renewSet.Cycle.Years
	case credSet != nil && credSet.Validity != nil:
		return credSet.Validity.Years
	}
	return 0
}

// cycleYears is renewalYears for a credential under the sets in force.
func (s *Server) cycleYears(c *boardsql.IssuedCredential) int {
	return renewalYears(s.sets().Latest(renewalSet), s.credentialSet(c))
}

// afterIssue finishes an issuance in its transaction: a renewal supersedes
// the credential it renews (its pending reminders and expiry jobs are
// cancelled; audited; the holder is mailed), and the new credential's
// reminders and expiry are scheduled.
func (s *Server) afterIssue(ctx context.Context, tx *boardsql.Tx, by *boardsql.User, app *boardsql.Application, ic boardsql.IssuedCredential, plan issuePlan, now time.Time) error {
	if old := plan.renews; old != nil {
		if err := tx.SupersedeCredential(ctx, old.ID, ic.ID, now); err != nil {
			return err
		}
		if _, err := tx.CancelJobs(ctx, credentialJobPrefix(old.ID), now); err != nil {
			return err
		}
		if !old.SuspendedAt.IsZero() && strings.HasPrefix(old.SuspendReason, missedRenewalReason) {
			// Suspended only for want of this renewal: the renewal lifts it.
			if err := tx.SetCredentialStatus(ctx, old.ID, "reinstate", "", now); err != nil {
				return err
			}
		}
		if _, err := tx.AppendAudit(ctx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", by.ID), Action: "credential.supersede",
			Subject: "credential/" + old.ID, Before: old.Status(), After: "superseded by credential/" + ic.ID}); err != nil {
			return err
		}
		body := fmt.Sprintf("Dear %s,\n\nYour renewal (application %d) was approved. Your new credential is valid until %s:\n%s\n\n"+
			"The credential it replaces, %s, is now marked as superseded: anyone who verifies it is pointed to the new one.\n",
			app.ApplicantName, app.ID, dayOf(ic.ValidUntil), s.publicBase()+"/credentials/"+ic.ID, s.publicBase()+"/credentials/"+old.ID)
		if _, err := tx.EnqueueMail(ctx, boardsql.Mail{To: app.ApplicantEmail, Subject: "Your credential has been renewed", Body: body, CreatedAt: now}); err != nil {
			return err
		}
	}
	// The registry's search words name the holder's public credentials.
	if err := s.reindexListing(ctx, tx, ic.HolderID); err != nil {
		return err
	}
	return s.scheduleLifecycle(ctx, tx, ic, now)
}

// nextState is the state machine's answer to an action, with one addition:
// staff approve a renewal straight from review, without peer review (a
// renewal is a check of CE and membership, which staff verify; the machine
// of first applications approves only after peer review). The frozen report
// must then be eligible with verified evidence.
func (s *Server) nextState(app *boardsql.Application, u *boardsql.User, action board.Action, reason string) (board.State, error) {
	from := app.State
	to, err := board.Next(from, action, board.Actor{Roles: u.Roles, IsOwner: app.ApplicantID == u.ID}, reason)
	if err == nil || app.RenewsCredential == "" || action != board.Approve || from != board.UnderReview || !u.IsStaff() ||
		app.ApplicantID == u.ID {
		return to, err // nobody approves their own renewal, whatever their roles
	}
	if msg := s.renewalApprovalProblem(app); msg != "" {
		return from, &board.Error{Code: "invalid", Message: "cannot approve the renewal yet: " + msg}
	}
	return board.Approved, nil
}

// renewalApprovalProblem says why a renewal under review cannot be
// approved yet, or "".
func (s *Server) renewalApprovalProblem(app *boardsql.Application) string {
	ev, err := s.evaluate(app, true)
	if err != nil {
		return err.Error()
	}
	if ev.Report.Eligible {
		return ""
	}
	var open []string
	for _, res := range ev.Report.Results {
		if res.Status == eligibility.Unmet || res.Status == eligibility.Pending {
			open = append(open, fmt.Sprintf("%s (%s)", res.Title, res.Status))
		}
	}
	return "the submitted evidence is not eligible (" + strings.ReplaceAll(ev.Report.Verdict, "_", " ") +
		"): every requirement must be met with verified evidence; still open: " + strings.Join(open, ", ")
}

// ---- pages and API ----

// renewalView is the renewal page of one credential.
type renewalView struct {
	C      *boardsql.IssuedCredential
	Title  string
	App    *boardsql.Application
	Eval   *evaluation
	Report any
	// CanStart: no renewal is open and the credential may be renewed.
	CanStart bool
	// Why says why it cannot be renewed, when it cannot.
	Why string
	// NewUntil is the validity approval today would give.
	NewUntil time.Time
	Staff    bool
}

// holderCredential loads the {id} credential, which must be the caller's;
// on failure it has answered (404 for anyone else's).
func (s *Server) holderCredential(w http.ResponseWriter, r *http.Request) (*boardsql.IssuedCredential, bool) {
	c, err := s.cfg.Store.Credential(r.Context(), r.PathValue("id"))
	if errors.Is(err, boardsql.ErrNotFound) || (err == nil && c.HolderID != userFrom(r).ID) {
		s.fail(w, r, http.StatusNotFound, "Credential not found", "You hold no credential with this id.")
		return nil, false
	}
	if err != nil {
		s.internal(w, err)
		return nil, false
	}
	return c, true
}

// renewalState gathers the renewal page's facts for a credential.
func (s *Server) renewalState(ctx context.Context, c *boardsql.IssuedCredential) (*renewalView, error) {
	v := &renewalView{C: c, Title: s.credentialTitle(c)}
	app, err := s.openRenewal(ctx, c.HolderID, c.ID)
	if err != nil {
		return nil, err
	}
	if app == nil {
		// The last decided renewal, if any, to show how it ended.
		mine, err := s.cfg.Store.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: c.HolderID, SetID: renewalSet})
		if err != nil {
			return nil, err
		}
		for _, a := range mine {
			if a.RenewsCredential == c.ID {
				if app, err = s.cfg.Store.Application(ctx, a.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	v.App = app
	switch {
	case app != nil && !app.State.Final():
	case c.Status() != "active":
		v.Why = fmt.Sprintf("This credential is %s; only an active credential is renewed.", c.Status())
	case !c.ValidUntil.IsZero() && !s.now().Before(c.ValidUntil):
		v.Why = fmt.Sprintf("This credential expired on %s; a renewal must be started before it expires.", dayOf(c.ValidUntil))
	default:
		v.CanStart = true
	}
	if app != nil {
		if v.Eval, err = s.evaluate(app, false); err != nil {
			return nil, err
		}
	}
	if years := s.cycleYears(c); years > 0 {
		v.NewUntil = renewalValidity(c.ValidUntil, s.now(), years)
	}
	return v, nil
}

func (s *Server) renewalPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.holderCredential(w, r)
	if !ok {
		return
	}
	v, err := s.renewalState(r.Context(), c)
	if err != nil {
		s.internal(w, err)
		return
	}
	if v.Eval != nil {
		if v.Report, err = s.reportHTML(v.Eval); err != nil {
			s.internal(w, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "renewal", page{Title: "Renew: " + v.Title, Data: v})
}

func (s *Server) startRenewal(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c, ok := s.holderCredential(w, r)
	if !ok {
		return
	}
	app, err := s.renewalApplication(r.Context(), userFrom(r), c.ID)
	if err != nil {
		s.actError(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/applications/%d", app.ID),
		"Your renewal is open. Add the CE you completed in this cycle and any membership renewal, then submit it for review.")
}

// renewalJSON is the API's view of a credential's renewal.
type renewalJSON struct {
	CredentialID string     `json:"credential_id"`
	Credential   string     `json:"credential"`
	Status       string     `json:"status"`
	ValidUntil   *time.Time `json:"valid_until,omitempty"`
	CanStart     bool       `json:"can_start"`
	Why          string     `json:"why,omitempty"`
	Application  *struct {
		ID      int64       `json:"id"`
		State   board.State `json:"state"`
		Version int         `json:"version"`
		URL     string      `json:"url"`
	} `json:"application,omitempty"`
	// NewValidUntil is the validity an approval today would give.
	NewValidUntil *time.Time          `json:"new_valid_until,omitempty"`
	Report        *eligibility.Report `json:"report,omitempty"`
}

func (s *Server) renewalAnswer(v *renewalView) renewalJSON {
	out := renewalJSON{CredentialID: v.C.ID, Credential: v.C.SetID, Status: v.C.Status(), CanStart: v.CanStart, Why: v.Why}
	if !v.C.ValidUntil.IsZero() {
		t := v.C.ValidUntil.UTC()
		out.ValidUntil = &t
	}
	if !v.NewUntil.IsZero() && (v.CanStart || (v.App != nil && !v.App.State.Final())) {
		t := v.NewUntil.UTC()
		out.NewValidUntil = &t
	}
	if v.App != nil {
		out.Application = &struct {
			ID      int64       `json:"id"`
			State   board.State `json:"state"`
			Version int         `json:"version"`
			URL     string      `json:"url"`
		}{v.App.ID, v.App.State, v.App.Version, fmt.Sprintf("/api/v1/applications/%d", v.App.ID)}
	}
	if v.Eval != nil {
		out.Report = v.Eval.Report
	}
	return out
}

func (s *Server) apiRenewal(w http.ResponseWriter, r *http.Request) {
	c, ok := s.holderCredential(w, r)
	if !ok {
		return
	}
	v, err := s.renewalState(r.Context(), c)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, s.renewalAnswer(v))
}

func (s *Server) apiStartRenewal(w http.ResponseWriter, r *http.Request) {
	c, ok := s.holderCredential(w, r)
	if !ok {
		return
	}
	app, created, err := s.openOrStartRenewal(r.Context(), userFrom(r), c.ID)
	if err != nil {
		s.actError(w, r, err)
		return
	}
	v, err := s.renewalState(r.Context(), c)
	if err != nil {
		s.internal(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/applications/"+strconv.FormatInt(app.ID, 10))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(s.renewalAnswer(v))
}

// queueRenewal is the staff page of a renewal: the credential renewed, the
// validity approval would give, and the decision, which for a renewal needs
// no peer review.
func (s *Server) queueRenewal(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelStaff)
	if !ok {
		return
	}
	if app.RenewsCredential == "" {
		s.fail(w, r, http.StatusNotFound, "Not a renewal", fmt.Sprintf("Application %d is not a renewal; open it in the work queue.", app.ID))
		return
	}
	if err := staffOwnCheck(userFrom(r), app); err != nil {
		s.fail(w, r, http.StatusForbidden, "Your own application", err.Error())
		return
	}
	c, err := s.cfg.Store.Credential(r.Context(), app.RenewsCredential)
	if err != nil {
		s.internal(w, err)
		return
	}
	v, err := s.renewalState(r.Context(), c)
	if err != nil {
		s.internal(w, err)
		return
	}
	v.App, v.Staff = app, true
	if v.Eval, err = s.evaluate(app, true); err != nil {
		s.internal(w, err)
		return
	}
	if v.Report, err = s.reportHTML(v.Eval); err != nil {
		s.internal(w, err)
		return
	}
	if app.State == board.UnderReview {
		v.Why = s.renewalApprovalProblem(app)
	}
	s.render(w, r, http.StatusOK, "renewal_staff", page{Title: fmt.Sprintf("Renewal %d", app.ID), Data: v})
}
