package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// Verifying item by item is right for a few items; a submitted portfolio
// often holds dozens of education activities or supervision sessions that
// staff check together against one transcript or log. These routes verify
// (or reject, with one reason mailed to the applicant) every item of one
// list of the submitted evidence that is still claimed, in one
// version-guarded change.

func (s *Server) bulkVerifyRoutes() {
	s.route("POST /queue/{id}/lists/{list}/verify", Staff, http.HandlerFunc(s.queueVerifyList))
	s.route("POST /api/v1/applications/{id}/lists/{list}/verification", Staff, http.HandlerFunc(s.apiVerifyList))
}

// verifyClaimed verifies (decision "verify" or "") or rejects ("reject",
// with a reason the applicant is mailed) every claimed item of one list of
// the snapshot (copied to the live portfolio where the applicant's item is
// unchanged) and returns the items decided and the new version.
func (s *Server) verifyClaimed(ctx context.Context, u *boardsql.User, app *boardsql.Application, list, decision, note string, version int) ([]string, int, error) {
	if err := staffMayVerify(u, app); err != nil {
		return nil, 0, err
	}
	if !slices.Contains(portfolio.Lists(), list) {
		return nil, 0, invalidInput("list", fmt.Sprintf("%q is not an evidence list; use one of %s", list, strings.Join(portfolio.Lists(), ", ")))
	}
	if decision == "" {
		decision = "verify"
	}
	state, note, err := verificationDecision(decision, note)
	if err != nil {
		return nil, 0, err
	}
	snap, err := portfolio.DecodeStored(app.Snapshot)
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	for _, it := range portfolio.Items(snap, list) {
		if portfolio.VerificationOf(it.Value).EffectiveState() == portfolio.Claimed {
			ids = append(ids, portfolio.ItemID(it.Value))
		}
	}
	what := strings.ReplaceAll(list, "_", " ")
	if len(ids) == 0 {
		return nil, 0, invalidInput("list", "no item of "+what+" is waiting for verification")
	}
	verb := map[portfolio.State]string{portfolio.Verified: "verify", portfolio.Rejected: "reject"}[state]
	msg := fmt.Sprintf("%d %s items %s: %s", len(ids), what, state, strings.Join(ids, ", "))
	if state == portfolio.Rejected {
		msg += ": " + note
	}
	ver := portfolio.Verification{State: state, By: u.Name, At: s.today(), Note: note}
	next, err := s.saveVerifications(ctx, u, app, version, snap, ids, ver,
		boardsql.Event{Action: verb + "_items", Message: msg},
		audit.Entry{Action: "application.items." + verb, Subject: fmt.Sprintf("application/%d/list/%s", app.ID, list), Before: "claimed",
			After: string(state) + ": " + strings.Join(ids, ",")})
	return ids, next, err
}

func (s *Server) queueVerifyList(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	app, _, ok := s.application(w, r, RelStaff)
	if !ok {
		return
	}
	list := r.PathValue("list")
	version, err := parseVersion(r.PostForm.Get("version"))
	decision := r.PostForm.Get("decision")
	var done []string
	if err == nil {
		done, _, err = s.verifyClaimed(r.Context(), userFrom(r), app, list, decision, r.PostForm.Get("reason"), version)
	}
	if err != nil {
		s.queueFailed(w, r, app, "list:"+list, err)
		return
	}
	msg := fmt.Sprintf("%d items verified: %s.", len(done), strings.Join(done, ", "))
	if decision == "reject" {
		msg = fmt.Sprintf("%d items rejected: %s; the applicant has been told by e-mail.", len(done), strings.Join(done, ", "))
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#list-%s", app.ID, list), msg)
}

func (s *Server) apiVerifyList(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelStaff)
	if !ok {
		return
	}
	var in struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
		Version  int    `json:"version"`
	}
	if !decodeBody(w, r, &in, `note, version and optionally decision ("verify", the default, or "reject" with the reason as note)`, maxAPIBody) {
		return
	}
	version, err := checkVersion(in.Version)
	var done []string
	var next int
	if err == nil {
		done, next, err = s.verifyClaimed(r.Context(), userFrom(r), app, r.PathValue("list"), in.Decision, in.Note, version)
		// The API sends the reason as note.
		err = renameField(err, "reason", "note")
	}
	if err != nil {
		s.answerError(w, r, err)
		return
	}
	out := map[string]any{"verified": done, "rejected": []string{}, "version": next}
	if in.Decision == "reject" {
		out["verified"], out["rejected"] = []string{}, done
	}
	writeJSON(w, out)
}
