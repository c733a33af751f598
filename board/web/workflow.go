package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
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
func (s *Server) application(w http.ResponseWriter, r *http.Request, need Relation) (*boardsql.Application, Relation, bool) {
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

// today is the server's date, for evaluations.
func (s *Server) today() date.Date {
	y, m, d := s.now().UTC().Date()
	return date.Of(y, m, d)
}

// evaluation is an application's portfolio judged by its requirement set.
// It may come from the cache and be shared between requests: read it, never
// change it (decode the stored portfolio afresh to edit it).
type evaluation struct {
	Portfolio *portfolio.Portfolio
	Set       *requirements.Set
	Report    *eligibility.Report
	// Problems are validation errors of the portfolio, which the engine
	// judges anyway where it can.
	Problems portfolio.Errors
	// cached is the cache entry the report came from (shared: never change
	// the report).
	cached *evalEntry
}

// evaluate judges an application: the live portfolio today, or, with
// frozen, the submitted snapshot by the set version frozen with it on the
// day it was submitted.
func (s *Server) evaluate(app *boardsql.Application, frozen bool) (*evaluation, error) {
	data, asOf := app.Portfolio, s.today()
	if frozen && len(app.Snapshot) > 0 {
		data = app.Snapshot
		y, m, d := app.SubmittedAt.UTC().Date()
		asOf = date.Of(y, m, d)
	}
	reg := s.sets()
	key := evalKey{app: app.ID, version: app.Version, frozen: frozen, asOf: asOf, catalog: reg}
	if e := s.evals.get(key); e != nil {
		return &evaluation{Portfolio: e.portfolio, Set: e.set, Report: e.report, Problems: e.problems, cached: e}, nil
	}
	p, err := portfolio.DecodeStored(data)
	if err != nil {
		return nil, fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
	}
	set, err := board.SetOf(reg, app, p, frozen, asOf)
	if err != nil {
		return nil, err
	}
	e := s.evals.put(key, &evalEntry{portfolio: p, set: set, report: eligibility.Evaluate(p, set, asOf), problems: portfolio.Validate(p)})
	return &evaluation{Portfolio: e.portfolio, Set: e.set, Report: e.report, Problems: e.problems, cached: e}, nil
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
func (s *Server) act(ctx context.Context, u *boardsql.User, app *boardsql.Application, version int, action board.Action, reason string) (board.State, error) {
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
			return s.issueCredential(ctx, tx.(*boardsql.Tx), u, app, at)
		}})
}
