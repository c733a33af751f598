package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestApprovalOnVotesReadBeforeAChange: an approval decided on the votes as
// they were read is refused once a vote changed meanwhile (a vote counts
// as an edit of the application), and goes through when made again on the
// votes as they are.
func TestApprovalOnVotesReadBeforeAChange(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	app, err := w.st.Application(ctx, w.review.ID)
	if err != nil {
		t.Fatal(err)
	}
	read := app.Version // what staff saw, with one vote in
	if rec := queueJSON(t, h, "POST", fmt.Sprintf("/api/v1/applications/%d/votes", app.ID), map[string]any{"vote": "approve"}, w.cookie["tomas.silva"]); rec.Code != http.StatusOK {
		t.Fatalf("vote: %d %s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(read)}}, w.cookie["staff"]); rec.Code != http.StatusConflict {
		t.Fatalf("approval on the votes read before the last one: %d, want 409", rec.Code)
	}
	if a, _ := w.st.Application(ctx, app.ID); a.State != "peer_review" {
		t.Fatalf("state after a refused approval: %s", a.State)
	}
	now, _ := w.st.Application(ctx, app.ID)
	if rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(now.Version)}}, w.cookie["staff"]); rec.Code != http.StatusSeeOther {
		t.Fatalf("approval on the current votes: %d %s", rec.Code, rec.Body)
	}
}
