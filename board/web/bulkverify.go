package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/certboard/certboard"
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
// snapshot (board.VerifyList); documents without a file are skipped.
func (s *Server) verifyClaimed(ctx context.Context, u *auth.User, app *board.Application, list, decision, note string, version int) (*board.ListVerification, error) {
	return s.board.VerifyList(ctx, u, app.ID, list, decision, note, version)
}

// listVerifiedMessage says what a verification of a list did, in words:
// how many items, of which list, and which documents were skipped for
// want of a file ("2 documents verified; 1 skipped: "CV" has no file
// uploaded; ask the applicant to upload it.").
func listVerifiedMessage(list, decision string, res *board.ListVerification) string {
	one, many := "item of "+strings.ReplaceAll(list, "_", " "), "items of "+strings.ReplaceAll(list, "_", " ")
	if list == "documents" {
		one, many = "document", "documents"
	}
	if decision == "reject" {
		return certboard.Plural(len(res.Decided), one, many) + " rejected; the applicant has been told by e-mail."
	}
	msg := certboard.Plural(len(res.Decided), one, many) + " verified"
	if n := len(res.Skipped); n > 0 {
		var names []string
		for _, d := range res.Skipped {
			names = append(names, fmt.Sprintf("%q", board.DocumentName(d)))
		}
		verb, pronoun := "has", "it"
		if n > 1 {
			verb, pronoun = "have", "them"
		}
		msg += fmt.Sprintf("; %d skipped: %s %s no file uploaded; ask the applicant to upload %s", n, strings.Join(names, ", "), verb, pronoun)
	}
	return msg + "."
}

func (s *Server) queueVerifyList(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelStaff)
	if err != nil {
		return err
	}
	list := r.PathValue("list")
	version, err := parseVersion(r.PostForm.Get("version"))
	decision := r.PostForm.Get("decision")
	var res *board.ListVerification
	if err == nil {
		res, err = s.verifyClaimed(r.Context(), userFrom(r), app, list, decision, r.PostForm.Get("reason"), version)
	}
	if err != nil {
		return reshow(w, r, app, "list:"+list, err, s.showQueueApp)
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#list-%s", app.ID, list), listVerifiedMessage(list, decision, res))
	return nil
}

func (s *Server) apiVerifyList(w http.ResponseWriter, r *http.Request) error {
	type input struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
		versioned
	}
	var res *board.ListVerification
	in, ok, err := versionedAction(s, w, r, RelStaff, `note, version and optionally decision ("verify", the default, or "reject" with the reason as note)`,
		func(app *board.Application, in *input, version int) (err error) {
			res, err = s.verifyClaimed(r.Context(), userFrom(r), app, r.PathValue("list"), in.Decision, in.Note, version)
			// The API sends the reason as note.
			return renameField(err, "reason", "note")
		})
	if !ok {
		return err
	}
	skipped := []string{}
	for _, d := range res.Skipped {
		skipped = append(skipped, d.ID)
	}
	out := map[string]any{"verified": res.Decided, "rejected": []string{}, "skipped_no_file": skipped, "version": res.Version}
	if in.Decision == "reject" {
		out["verified"], out["rejected"] = []string{}, res.Decided
	}
	writeJSON(w, out)
	return nil
}
