package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	kit "github.com/certboard/certboard/web"
)

// renewalRoutes registers the renewal pages and API.
func (s *Server) renewalRoutes() {
	s.route("GET /credentials/{id}/renewal", Authenticated, s.handle(s.renewalPage))
	s.route("POST /credentials/{id}/renewal", Authenticated, s.handle(s.startRenewal))
	s.route("GET /api/v1/credentials/{id}/renewal", Authenticated, s.handle(s.apiRenewal))
	s.route("POST /api/v1/credentials/{id}/renewal", Authenticated, s.handle(s.apiStartRenewal))
	s.route("GET /queue/{id}/renewal", Staff, s.handle(s.queueRenewal))
}

// renewalSet is the requirement set every AASECT renewal is judged by.
const renewalSet = board.RenewalSet

// dayOf is the UTC calendar day of an instant.
func dayOf(t time.Time) date.Date { return board.DayOf(t) }

// renewalApplication returns the holder's open renewal application for a
// credential, starting one when there is none (see board.StartRenewal).
func (s *Server) renewalApplication(ctx context.Context, holder *auth.User, credentialID string) (*board.Application, error) {
	app, _, err := s.board.StartRenewal(ctx, holder, credentialID)
	return app, err
}

// openRenewal is the holder's renewal of a credential still in progress,
// or nil (see board.OpenRenewal).
func (s *Server) openRenewal(ctx context.Context, holderID int64, credentialID string) (*board.Application, error) {
	return s.board.OpenRenewal(ctx, holderID, credentialID)
}

// credentialTitle is the title of a credential's requirement set, or its
// set id when the set is no longer loaded.
func (s *Server) credentialTitle(c *board.IssuedCredential) string {
	return s.board.CredentialTitle(c)
}

// ---- pages and API ----

// renewalView is the renewal page of one credential.
type renewalView struct {
	C      *board.IssuedCredential
	Title  string
	App    *board.Application
	Eval   *evaluation
	Report any
	// CanStart: no renewal is open and the credential may be renewed.
	CanStart bool
	// Why says why it cannot be renewed, when it cannot.
	Why string
	// NewUntil is the validity approval today would give.
	NewUntil time.Time
	Staff    bool
	// Standing is where the credential stands today (s.standing), expiry
	// included.
	Standing string
}

// renewalState adds the evaluation of its application to where a
// credential's renewal stands.
func (s *Server) renewalState(ctx context.Context, rn *board.Renewal) (*renewalView, error) {
	v := &renewalView{C: rn.Credential, Title: rn.Title, App: rn.App, CanStart: rn.CanStart, Why: rn.Why, NewUntil: rn.NewUntil}
	v.Standing, _ = s.standing(rn.Credential)
	if v.App != nil {
		var err error
		if v.Eval, err = s.evaluate(ctx, v.App, false); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// heldRenewal is the renewal of the {id} credential, which must be the
// caller's (not found for anyone else's).
func (s *Server) heldRenewal(r *http.Request) (*renewalView, error) {
	rn, err := s.board.HeldRenewal(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return s.renewalState(r.Context(), rn)
}

func (s *Server) renewalPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.heldRenewal(r)
	if err != nil {
		return err
	}
	if v.Eval != nil {
		if v.Report, err = s.reportHTML(v.Eval); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "renewal", page{Title: "Renew: " + v.Title, Data: v})
	return nil
}

func (s *Server) startRenewal(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	app, _, err := s.board.StartRenewal(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/applications/%d", app.ID),
		"Your renewal is open. Add the CE you completed in this cycle and any membership renewal, then submit it for review.")
	return nil
}

// renewalJSON is the API's view of a credential's renewal.
type renewalJSON struct {
	CredentialID string `json:"credential_id"`
	Credential   string `json:"credential"`
	Status       string `json:"status"`
	// Standing is Status with expiry judged today: "expired" for an
	// active credential past its valid_until.
	Standing    string     `json:"standing"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
	CanStart    bool       `json:"can_start"`
	Why         string     `json:"why,omitempty"`
	Application *struct {
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
	out := renewalJSON{CredentialID: v.C.ID, Credential: v.C.SetID, Status: v.C.Status(), Standing: v.Standing,
		CanStart: v.CanStart, Why: v.Why}
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
		}{v.App.ID, v.App.State, v.App.Version, s.mount.Path(fmt.Sprintf("/api/v1/applications/%d", v.App.ID))}
	}
	if v.Eval != nil {
		out.Report = v.Eval.Report
	}
	return out
}

func (s *Server) apiRenewal(w http.ResponseWriter, r *http.Request) error {
	v, err := s.heldRenewal(r)
	if err != nil {
		return err
	}
	writeJSON(w, s.renewalAnswer(v))
	return nil
}

func (s *Server) apiStartRenewal(w http.ResponseWriter, r *http.Request) error {
	app, created, err := s.board.StartRenewal(r.Context(), userFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.heldRenewal(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", kit.MountFrom(r).Path("/api/v1/applications/"+strconv.FormatInt(app.ID, 10)))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(s.renewalAnswer(v))
	return nil
}

// queueRenewal is the staff page of a renewal: the credential renewed, the
// validity approval would give, and the decision, which for a renewal needs
// no peer review.
func (s *Server) queueRenewal(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelStaff)
	if err != nil {
		return err
	}
	if app.RenewsCredential == "" {
		return notFound("Not a renewal", "This application is not a renewal; open it in the work queue.")
	}
	if err := staffOwnCheck(userFrom(r), app); err != nil {
		return &certboard.Error{Code: certboard.Forbidden, Title: "Your own application", Message: err.Error()}
	}
	rn, err := s.board.RenewalOf(r.Context(), app.RenewsCredential)
	if err != nil {
		return err
	}
	v := &renewalView{C: rn.Credential, Title: rn.Title, App: app, CanStart: rn.CanStart, Why: rn.Why, NewUntil: rn.NewUntil, Staff: true}
	v.Standing, _ = s.standing(rn.Credential)
	if v.Eval, err = s.evaluate(r.Context(), app, true); err != nil {
		return err
	}
	if v.Report, err = s.reportHTML(v.Eval); err != nil {
		return err
	}
	if app.State == board.UnderReview {
		v.Why = s.board.RenewalApprovalProblem(r.Context(), app)
	}
	s.render(w, r, http.StatusOK, "renewal_staff", page{Title: fmt.Sprintf("Renewal %d", app.ID), Data: v})
	return nil
}
