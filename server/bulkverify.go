package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/store"
)

// Verifying item by item is right for a few items; a submitted portfolio
// often holds dozens of education activities or supervision sessions that
// staff check together against one transcript or log. These routes verify
// every item of one list of the submitted evidence that is still claimed,
// in one version-guarded change.

func (s *Server) bulkVerifyRoutes() {
	s.route("POST /queue/{id}/lists/{list}/verify", Staff, http.HandlerFunc(s.queueVerifyList))
	s.route("POST /api/v1/applications/{id}/lists/{list}/verification", Staff, http.HandlerFunc(s.apiVerifyList))
}

// verifyClaimed verifies every claimed item of one list of the snapshot
// (copied to the live portfolio where the applicant's item is unchanged)
// and returns the items verified and the new version.
func (s *Server) verifyClaimed(ctx context.Context, u *store.User, app *store.Application, list, note string, version int) ([]string, int, error) {
	if err := staffMayVerify(u, app); err != nil {
		return nil, 0, err
	}
	if !slices.Contains(portfolio.Lists(), list) {
		return nil, 0, &staffInputError{Field: "list", Status: http.StatusUnprocessableEntity,
			Message: fmt.Sprintf("%q is not an evidence list; use one of %s", list, strings.Join(portfolio.Lists(), ", "))}
	}
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return nil, 0, staffBad("reason", "write at most 2000 characters")
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
	if len(ids) == 0 {
		return nil, 0, &staffInputError{Field: "list", Status: http.StatusUnprocessableEntity,
			Message: "no item of " + strings.ReplaceAll(list, "_", " ") + " is waiting for verification"}
	}
	ver := portfolio.Verification{State: portfolio.Verified, By: u.Name, At: s.today(), Note: note}
	next, err := s.saveVerifications(ctx, u, app, version, snap, ids, ver,
		store.Event{Action: "verify_items", Message: fmt.Sprintf("%d %s items verified: %s", len(ids), strings.ReplaceAll(list, "_", " "), strings.Join(ids, ", "))},
		audit.Entry{Action: "application.items.verify", Subject: fmt.Sprintf("application/%d/list/%s", app.ID, list), Before: "claimed",
			After: "verified: " + strings.Join(ids, ",")})
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
	version, err := staffVersion(r.PostForm.Get("version"))
	var done []string
	if err == nil {
		done, _, err = s.verifyClaimed(r.Context(), userFrom(r), app, list, r.PostForm.Get("reason"), version)
	}
	if err != nil {
		s.queueFailed(w, r, app, "list:"+list, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/queue/%d#list-%s", app.ID, list), fmt.Sprintf("%d items verified: %s.", len(done), strings.Join(done, ", ")))
}

func (s *Server) apiVerifyList(w http.ResponseWriter, r *http.Request) {
	app, _, ok := s.application(w, r, RelStaff)
	if !ok {
		return
	}
	var in struct {
		Note    string `json:"note"`
		Version int    `json:"version"`
	}
	if !decodeJSON(w, r, &in, "note and version") {
		return
	}
	version, err := staffVersion(fmt.Sprint(in.Version))
	var done []string
	var next int
	if err == nil {
		done, next, err = s.verifyClaimed(r.Context(), userFrom(r), app, r.PathValue("list"), in.Note, version)
	}
	if err != nil {
		s.staffFail(w, r, err)
		return
	}
	writeJSON(w, map[string]any{"verified": done, "version": next})
}
