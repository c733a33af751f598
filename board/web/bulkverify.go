package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// Verifying item by item is right for a few items; a submitted portfolio
// often holds dozens of education activities or supervision sessions that
// staff check together against one transcript or log. These routes verify
// (or reject, with one reason mailed to the applicant) every item of one
// list of the submitted evidence that is still claimed, in one
// version-guarded change.

func (s *Server) bulkVerifyRoutes() {
	s.route("POST /queue/{id}/lists/{list}/verify", Staff, s.handle(s.queueVerifyList))
	s.route("POST /api/v1/applications/{id}/lists/{list}/verification", Staff, s.handle(s.apiVerifyList))
}

// verifyClaimed verifies or rejects every claimed item of one list of the
// snapshot (board.VerifyList).
func (s *Server) verifyClaimed(ctx context.Context, u *auth.User, app *board.Application, list, decision, note string, version int) ([]string, int, error) {
	return s.board.VerifyList(ctx, u, app.ID, list, decision, note, version)
}

func (s *Server) queueVerifyList(w http.ResponseWriter, r *http.Request) error {
	if err := s.form(w, r); err != nil {
		return err
	}
	app, _, err := s.appFor(r, RelStaff)
	if err != nil {
		return err
	}
	list := r.PathValue("list")
	version, err := parseVersion(r.PostForm.Get("version"))
	decision := r.PostForm.Get("decision")
	var done []string
	if err == nil {
		done, _, err = s.verifyClaimed(r.Context(), userFrom(r), app, list, decision, r.PostForm.Get("reason"), version)
	}
	if err != nil {
		return reshow(w, r, app, "list:"+list, err, s.showQueueApp)
	}
	msg := fmt.Sprintf("%d items verified: %s.", len(done), strings.Join(done, ", "))
	if decision == "reject" {
		msg = fmt.Sprintf("%d items rejected: %s; the applicant has been told by e-mail.", len(done), strings.Join(done, ", "))
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#list-%s", app.ID, list), msg)
	return nil
}

func (s *Server) apiVerifyList(w http.ResponseWriter, r *http.Request) error {
	type input struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
		versioned
	}
	var done []string
	var next int
	in, ok, err := versionedAction(s, w, r, RelStaff, `note, version and optionally decision ("verify", the default, or "reject" with the reason as note)`,
		func(app *board.Application, in *input, version int) (err error) {
			done, next, err = s.verifyClaimed(r.Context(), userFrom(r), app, r.PathValue("list"), in.Decision, in.Note, version)
			// The API sends the reason as note.
			return renameField(err, "reason", "note")
		})
	if !ok {
		return err
	}
	out := map[string]any{"verified": done, "rejected": []string{}, "version": next}
	if in.Decision == "reject" {
		out["verified"], out["rejected"] = []string{}, done
	}
	writeJSON(w, out)
	return nil
}
