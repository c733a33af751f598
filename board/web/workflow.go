package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/eligibility"
)

// Relation is how a user stands to an application (board.Relation).
type Relation = board.Relation

// Relations, from none up (see board.Relation).
const (
	RelOwner      = board.RelOwner
	RelSupervisor = board.RelSupervisor
	RelReviewer   = board.RelReviewer
	RelStaff      = board.RelStaff
)

// fail answers an error as problem+json to the API and as a page to browsers.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if strings.HasPrefix(r.URL.Path, "/api/") || wantsData(r) {
		problem(w, status, title, detail)
		return
	}
	s.pageError(w, r, status, title, detail)
}

// wantsData reports whether a request outside /api/ comes from a program
// that asked for data rather than a page (a credential, a status list): its
// errors are then problem+json too.
func wantsData(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if accept == "" || strings.Contains(accept, "text/html") {
		return false
	}
	return strings.Contains(accept, "json") || strings.Contains(accept, "jwt")
}

// application loads the application named by the {id} path value and checks
// that the signed-in user holds one of the relations in need. An
// application they may not see is reported as not found, so that ids do not
// reveal who applied. On failure it has answered.
func (s *Server) application(w http.ResponseWriter, r *http.Request, need Relation) (*board.Application, Relation, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, http.StatusNotFound, "Application not found", "No application has id "+strconv.Quote(r.PathValue("id"))+".")
		return nil, 0, false
	}
	app, rel, err := s.board.Visible(r.Context(), userFrom(r), id, need)
	if err != nil {
		s.answerError(w, r, err)
		return nil, 0, false
	}
	return app, rel, true
}

// actError turns a refused or failed action into an answer (see answerError).
func (s *Server) actError(w http.ResponseWriter, r *http.Request, err error) {
	s.answerError(w, r, err)
}

// act applies an action to an application: the state machine's check
// (nextState), what submitting or answering freezes, then board.Transition,
// which writes the change, the history event, the audit entry, the
// credential of an approval and the mail in one transaction. It returns
// the new state.
func (s *Server) act(ctx context.Context, u *auth.User, app *board.Application, version int, action board.Action, reason string) (board.State, error) {
	from := app.State
	to, err := s.nextState(app, u, action, reason) // board.Next, and staff approve renewals without peer review (renewal.go)
	if err != nil {
		return from, err
	}
	var snapshot []byte
	var setVersion string
	if action == board.Submit {
		ev, err := s.evaluate(app, false)
		if err != nil {
			return from, err
		}
		if len(ev.Problems) > 0 {
			return from, &board.Error{Code: "invalid", Message: "the portfolio has problems to fix before it can be submitted: " + ev.Problems.Error()}
		}
		if ev.Report.Verdict == eligibility.VerdictNotEligible {
			var unmet []string
			for _, res := range ev.Report.Results {
				if res.Status == eligibility.Unmet {
					unmet = append(unmet, res.Title)
				}
			}
			return from, &board.Error{Code: "invalid", Message: "not yet eligible, even counting unverified evidence; still unmet: " + strings.Join(unmet, "; ")}
		}
		snapshot, setVersion = app.Portfolio, ev.Set.Version
	}
	if action == board.AnswerInfo {
		// The answer may come with new evidence: the board now judges the
		// portfolio as it stands, by the set version already chosen.
		snapshot, setVersion = app.Portfolio, app.SnapshotSetVersion
	}
	return s.board.Transition(ctx, u, app, board.Move{Action: action, To: to, Reason: reason, Version: version,
		Snapshot: snapshot, SetVersion: setVersion,
		Issue: func(ctx context.Context, tx board.Tx, at time.Time) (string, error) {
			// Issuing is issue.go's; the board's transaction is the store's.
			return s.issueCredential(ctx, tx, u, app, at)
		}})
}
