package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
)

// reviewerRoutes registers the peer reviewer's pages and API.
func (s *Server) reviewerRoutes() {
	s.route("GET /reviews", Reviewer, s.handle(s.reviews))
	s.route("GET /reviews/{id}", Reviewer, s.handle(s.reviewApplication))
	s.route("POST /reviews/{id}/vote", Reviewer, s.handle(s.reviewVote))
	s.route("POST /reviews/{id}/conflict", Reviewer, s.handle(s.reviewConflict))

	s.route("GET /api/v1/reviews", Reviewer, s.handle(s.apiReviews))
	s.route("POST /api/v1/applications/{id}/votes", Reviewer, s.handle(s.apiVote))
	s.route("POST /api/v1/applications/{id}/conflicts", Reviewer, s.handle(s.apiConflict))
}

// reviewRow is one application assigned to the signed-in reviewer.
type reviewRow struct {
	App        *board.Application
	SetTitle   string
	Assignment board.Assignment
	// Current: the reviewer's vote belongs to the current round of peer review.
	Current bool
}

// myReviews lists the applications assigned to a reviewer with their votes.
func (s *Server) myReviews(ctx context.Context, u *auth.User) ([]reviewRow, error) {
	reviews, err := s.board.MyReviews(ctx, u)
	if err != nil {
		return nil, err
	}
	var out []reviewRow
	for _, rv := range reviews {
		out = append(out, reviewRow{App: rv.App, SetTitle: s.setTitle(rv.App.SetID), Assignment: rv.Assignment, Current: rv.Current})
	}
	return out, nil
}

// reviews is the reviewer's list of assigned applications.
func (s *Server) reviews(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.myReviews(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "reviews", page{Title: "Peer reviews", Data: rows})
	return nil
}

// reviewView is the reviewer's page of one application.
type reviewView struct {
	App     *board.Application
	Eval    *evaluation
	Groups  []evidenceGroup
	Mine    board.Assignment
	Current bool
	// CanVote: the application is in peer review.
	CanVote bool
	Failed  string
}

func (s *Server) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	if done, err := s.decidedReview(w, r); done || err != nil {
		return err
	}
	app, _, err := s.appFor(r, RelReviewer)
	if err != nil {
		return err
	}
	return s.showReview(w, r, app.ID, http.StatusOK, nil, "")
}

// decidedView is what a reviewer still sees of an application once it is
// decided: when, and how they voted; never its evidence.
type decidedView struct {
	App       *board.Application
	SetTitle  string
	DecidedAt time.Time
	Mine      board.Assignment
}

// decidedReview answers the reviewer's page of an application that was
// decided (approved, denied or withdrawn) while they were assigned: a
// short page saying when and what their vote was. The evidence, documents
// and report are closed to reviewers from then on (see relations). It
// reports whether it answered; otherwise, and when it fails (having
// written nothing), the request goes on as usual (and an application the
// user is not assigned to is not found there).
func (s *Server) decidedReview(w http.ResponseWriter, r *http.Request) (bool, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return false, nil
	}
	d, err := s.board.DecidedReview(r.Context(), userFrom(r), id)
	if err != nil {
		return false, err
	}
	if d == nil {
		return false, nil // s.application answers a missing one or an error
	}
	app := d.App
	v := decidedView{App: app, SetTitle: s.setTitle(app.SetID), DecidedAt: d.DecidedAt, Mine: d.Mine}
	s.render(w, r, http.StatusOK, "review_decided", page{Title: "Review of the application of " + app.ApplicantName, Data: v})
	return true, nil
}

// showReview renders the reviewer's page of an application, freshly loaded.
func (s *Server) showReview(w http.ResponseWriter, r *http.Request, id int64, status int, errs map[string]string, failed string) error {
	u := userFrom(r)
	f, err := s.board.ReviewerFile(r.Context(), u, id)
	if err != nil {
		return err
	}
	app := f.App
	if app.State.Final() {
		// Decided since the request was let through (a vote that lost the
		// race with the decision): the evidence is closed to reviewers now.
		done, err := s.decidedReview(w, r)
		if err == nil && !done {
			s.pageError(w, r, http.StatusNotFound, "Not found", "No application of yours has this number.")
		}
		return err
	}
	ev, err := s.evaluate(r.Context(), app, true)
	if err != nil {
		return err
	}
	v := reviewView{App: app, Eval: ev, Groups: reviewEvidence(ev.Portfolio), CanVote: app.State == board.PeerReview, Failed: failed}
	markNotOnFile(v.Groups, f.Documents)
	for _, a := range f.Assignments {
		if a.ReviewerID == u.ID {
			v.Mine = a
			v.Current = board.VoteCurrent(a, board.PeerRoundStart(f.Events))
		}
	}
	s.renderForm(w, r, status, "review_application", "Review of the application of "+app.ApplicantName, v, errs, failed)
	return nil
}

// castVote records a reviewer's vote (board.CastVote).
func (s *Server) castVote(ctx context.Context, u *auth.User, app *board.Application, vote, comments string) error {
	return s.board.CastVote(ctx, u, app.ID, vote, comments)
}

func (s *Server) reviewVote(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelReviewer)
	if err != nil {
		return err
	}
	if err := s.castVote(r.Context(), userFrom(r), app, r.PostForm.Get("vote"), r.PostForm.Get("comments")); err != nil {
		field := "vote"
		var ie *certboard.Error
		if errors.As(err, &ie) {
			field = ie.Field
		}
		return reshow(w, r, app, field, err, s.showReview)
	}
	redirect(w, r, fmt.Sprintf("/reviews/%d", app.ID), "Your vote is recorded. You can change it until the board decides.")
	return nil
}

func (s *Server) reviewConflict(w http.ResponseWriter, r *http.Request) error {
	app, err := s.formApp(w, r, RelReviewer)
	if err != nil {
		return err
	}
	if err := s.board.DeclareConflict(r.Context(), userFrom(r), app.ID, r.PostForm.Get("reason")); err != nil {
		return reshow(w, r, app, "reason", err, s.showReview)
	}
	redirect(w, r, "/reviews", fmt.Sprintf("Conflict declared: you are no longer assigned to the application of %s, and the board has been told.", app.ApplicantName))
	return nil
}

// reviewJSON is one assignment of the signed-in reviewer in the API.
type reviewJSON struct {
	Application applicationSummary `json:"application"`
	AssignedAt  time.Time          `json:"assigned_at"`
	Vote        string             `json:"vote"`
	Comments    string             `json:"comments"`
	VotedAt     *time.Time         `json:"voted_at"`
	Current     bool               `json:"current"`
}

func (s *Server) apiReviews(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.myReviews(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	out := []reviewJSON{}
	for _, row := range rows {
		j := reviewJSON{Application: summarizeApplication(row.App), AssignedAt: row.Assignment.AssignedAt, Vote: row.Assignment.Vote,
			Comments: row.Assignment.Comments, Current: row.Current}
		if !row.Assignment.VotedAt.IsZero() {
			t := row.Assignment.VotedAt
			j.VotedAt = &t
		}
		out = append(out, j)
	}
	writeJSON(w, map[string]any{"reviews": out})
	return nil
}

func (s *Server) apiVote(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelReviewer)
	if err != nil {
		return err
	}
	var in struct {
		Vote     string `json:"vote"`
		Comments string `json:"comments"`
	}
	if !decodeBody(w, r, &in, `vote ("approve", "reject" or "revise") and comments`, maxAPIBody) {
		return nil
	}
	if err := s.castVote(r.Context(), userFrom(r), app, in.Vote, in.Comments); err != nil {
		return err
	}
	writeJSON(w, map[string]any{"application": app.ID, "vote": in.Vote, "comments": strings.TrimSpace(in.Comments)})
	return nil
}

func (s *Server) apiConflict(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelReviewer)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if !decodeBody(w, r, &in, "reason", maxAPIBody) {
		return nil
	}
	if err := s.board.DeclareConflict(r.Context(), userFrom(r), app.ID, in.Reason); err != nil {
		return err
	}
	writeJSON(w, map[string]any{"application": app.ID, "status": "conflict declared; you are no longer assigned"})
	return nil
}
