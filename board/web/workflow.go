package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
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

// appFor loads the application named by the {id} path value and checks
// that the signed-in user holds one of the relations in need. An
// application they may not see is reported as not found, so that ids do not
// reveal who applied.
func (s *Server) appFor(r *http.Request, need Relation) (*board.Application, Relation, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, notFound("Application not found", "No application has id "+strconv.Quote(r.PathValue("id"))+".")
	}
	app, rel, err := s.board.Visible(r.Context(), userFrom(r), id, need)
	if err != nil {
		return nil, 0, err
	}
	return app, rel, nil
}

// formApp reads the posted form, then loads the application of the path
// for a user holding one of the relations in need (appFor).
func (s *Server) formApp(w http.ResponseWriter, r *http.Request, need Relation) (*board.Application, error) {
	if err := s.form(w, r); err != nil {
		return nil, err
	}
	app, _, err := s.appFor(r, need)
	return app, err
}

// act applies an action to an application: board.Board.Act, the one use
// case that decides where an action leads, for the form, the API and the
// tests. It returns the new state.
func (s *Server) act(ctx context.Context, u *auth.User, app *board.Application, version int, action board.Action, reason string) (board.State, error) {
	return s.board.Act(ctx, u, app, version, action, reason)
}
