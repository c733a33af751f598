package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
)

// A supervisor with dozens of sessions and blocks of clinical hours to
// confirm ticks them on the supervision page and confirms them, or
// disputes them with one reason, in one go (board.AttestMany), landing
// back beside the form with what was done. A program sends the decisions,
// which may mix confirmations and disputes, each with its own reason.
// A batch is decided whole or not at all.

// supervisorBulkRoutes registers the routes deciding many items at once.
func (s *Server) supervisorBulkRoutes() {
	s.route("POST /supervision/{id}/items", Supervisor, s.handle(s.supervisionBatchPage))
	s.route("POST /api/v1/supervision/{id}/items", Supervisor, s.handle(s.supervisionBatchAPI))
}

// maxBatchBody bounds the body of a batch sent to the API: the most items
// a batch takes, each with its id, decision and a short reason of its own,
// or one reason for all.
const maxBatchBody = 64 << 10

// supervisionBatchPage takes the form deciding the ticked items: the items
// ("item", repeated), the decision of the button pressed, the reason (to
// dispute) and the version. Done, it goes back to the form, saying what was
// recorded; refused, it shows the page again with the ticks and the
// reason kept and what is wrong next to the form and the items at fault.
func (s *Server) supervisionBatchPage(w http.ResponseWriter, r *http.Request) error {
	app, err := s.supervisedForm(w, r)
	if err != nil {
		return err
	}
	picked := r.PostForm["item"]
	decision, reason := r.PostForm.Get("decision"), r.PostForm.Get("reason")
	version, err := parseVersion(r.PostForm.Get("version"))
	var done *board.Attested
	if err == nil {
		batch := board.AttestBatch{Reason: reason, Version: version}
		for _, id := range picked {
			batch.Decisions = append(batch.Decisions, board.ItemDecision{Item: id, Decision: decision})
		}
		done, err = s.board.AttestMany(r.Context(), userFrom(r), app.ID, batch)
	}
	if err == nil {
		redirect(w, r, fmt.Sprintf("/supervision/%d?at=decide#decide", app.ID), attestedSummary(done))
		return nil
	}
	e := asError(err)
	if e == nil || e.Code == certboard.Internal {
		return err
	}
	msg := e.Message
	if errors.Is(err, certboard.ErrConflict) {
		msg = "The application changed since you opened this page (the applicant or someone else saved it), so nothing was recorded. " +
			"The lists show the evidence as it is now, with your selection kept: check it and send it again."
	}
	errs := map[string]string{"": msg, "decide": msg}
	switch e.Field {
	case "reason", "items":
		errs["decide-"+e.Field] = e.Message
	}
	for id, m := range e.Fields {
		errs["pick-"+id] = m
	}
	// Items not found are items of this page the form may not decide: the
	// form is refused (422), the page is there.
	status := e.Answer().Status
	if e.Code == certboard.NotFound {
		status = http.StatusUnprocessableEntity
	}
	return s.showSupervision(w, r, app, supShow{status: status, errs: errs, picked: picked, batchReason: reason})
}

// attestedSummary says what a batch recorded: "12 items confirmed.",
// "12 confirmed, 2 disputed.", with a word on the mail a dispute sends.
func attestedSummary(a *board.Attested) string {
	c, d := len(a.Confirmed), len(a.Disputed)
	var msg string
	switch {
	case c > 0 && d > 0:
		msg = fmt.Sprintf("%d confirmed, %d disputed.", c, d)
	case c > 0:
		msg = countItems(c) + " confirmed."
	default:
		msg = countItems(d) + " disputed."
	}
	if d > 0 {
		msg += " The applicant has been told by e-mail what you disputed and why."
	}
	return msg
}

// countItems is "1 item" or "n items".
func countItems(n int) string { return certboard.Plural(n, "item", "items") }

// supBatchJSON is a batch sent to the API.
type supBatchJSON struct {
	Decisions []struct {
		Item     string `json:"item"`
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	} `json:"decisions"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// supervisionBatchAPI decides many items at once.
func (s *Server) supervisionBatchAPI(w http.ResponseWriter, r *http.Request) error {
	app, _, err := s.appFor(r, RelSupervisor)
	if err != nil {
		return err
	}
	var in supBatchJSON
	if !decodeBody(w, r, &in, `decisions (each an item, a decision, "confirm" or "dispute", and optionally a reason), reason (for disputes without their own) and version`, maxBatchBody) {
		return nil
	}
	version, err := checkVersion(in.Version)
	if err != nil {
		return err
	}
	batch := board.AttestBatch{Reason: in.Reason, Version: version}
	for _, d := range in.Decisions {
		batch.Decisions = append(batch.Decisions, board.ItemDecision{Item: d.Item, Decision: d.Decision, Reason: d.Reason})
	}
	done, err := s.board.AttestMany(r.Context(), userFrom(r), app.ID, batch)
	if err != nil {
		return err
	}
	out := map[string]any{"confirmed": []string{}, "disputed": []string{}, "version": done.Version}
	if done.Confirmed != nil {
		out["confirmed"] = done.Confirmed
	}
	if done.Disputed != nil {
		out["disputed"] = done.Disputed
	}
	writeJSON(w, out)
	return nil
}
