package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"github.com/certboard/certboard/application"
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
	if err := staffOwnCheck(u, app); err != nil {
		return nil, 0, err
	}
	if !staffCanVerify(app.State) || len(app.Snapshot) == 0 {
		return nil, 0, &application.Error{Code: "conflict", Message: fmt.Sprintf(
			"evidence is verified while an application is under review, waiting for information or in peer review; application %d is %s",
			app.ID, strings.ReplaceAll(app.State, "_", " "))}
	}
	if !slicesContainsList(list) {
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
	live, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		return nil, 0, err
	}
	ver := portfolio.Verification{State: portfolio.Verified, By: u.Name, At: s.today(), Note: note}
	var done []string
	liveChanged := false
	for _, it := range portfolio.Items(snap, list) {
		if portfolio.VerificationOf(it.Value).EffectiveState() != portfolio.Claimed {
			continue
		}
		id := portfolio.ItemID(it.Value)
		if lit, ok := portfolio.Find(live, id); ok && staffSameItem(it.Value, lit.Value) {
			if err := portfolio.SetVerification(live, id, ver); err != nil {
				return nil, 0, err
			}
			liveChanged = true
		}
		if err := portfolio.SetVerification(snap, id, ver); err != nil {
			return nil, 0, err
		}
		done = append(done, id)
	}
	if len(done) == 0 {
		return nil, 0, &staffInputError{Field: "list", Status: http.StatusUnprocessableEntity,
			Message: "no item of " + strings.ReplaceAll(list, "_", " ") + " is waiting for verification"}
	}
	frozen, err := portfolio.Encode(snap)
	if err != nil {
		return nil, 0, err
	}
	var liveData []byte
	if liveChanged {
		if liveData, err = portfolio.Encode(live); err != nil {
			return nil, 0, err
		}
	}
	now := s.now()
	var next int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if next, err = s.cfg.Store.SaveSnapshot(ctx, tx, app.ID, version, frozen, now); err != nil {
			return err
		}
		if liveData != nil {
			if next, err = s.cfg.Store.SavePortfolio(ctx, tx, app.ID, next, liveData, now); err != nil {
				return err
			}
		}
		msg := fmt.Sprintf("%d %s items verified: %s", len(done), strings.ReplaceAll(list, "_", " "), strings.Join(done, ", "))
		if err := s.cfg.Store.AddEvent(ctx, tx, store.Event{ApplicationID: app.ID, At: now, ActorID: u.ID, Action: "verify_items", Message: msg}); err != nil {
			return err
		}
		_, err = s.cfg.Store.AppendAudit(ctx, tx, audit.Entry{At: now, Actor: fmt.Sprintf("user/%d", u.ID), Action: "application.items.verify",
			Subject: fmt.Sprintf("application/%d/list/%s", app.ID, list), Before: "claimed", After: "verified: " + strings.Join(done, ",")})
		return err
	})
	return done, next, err
}

func slicesContainsList(list string) bool {
	for _, l := range portfolio.Lists() {
		if l == list {
			return true
		}
	}
	return false
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
