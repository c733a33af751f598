package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
)

// accountSave posts the account form with a name and practice, at the
// account's current version.
func accountSave(t *testing.T, w *accessWorld, who, name, practice string) {
	t.Helper()
	u, err := w.st.UserByID(context.Background(), w.users[who].ID)
	if err != nil {
		t.Fatal(err)
	}
	rec := postForm(t, w.s.Handler(), "/account", url.Values{"name": {name}, "practice": {practice}, "version": {fmt.Sprint(u.Version)}}, w.cookie[who])
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("saving %s's account: %d\n%s", who, rec.Code, rec.Body)
	}
}

// reviewerEvents lists the reviewer-change notes of an application.
func reviewerEvents(t *testing.T, st *boardsql.Store, appID int64) []boardsql.Event {
	t.Helper()
	events, err := st.Events(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	var out []boardsql.Event
	for _, e := range events {
		if e.Action == eventReviewerChange {
			out = append(out, e)
		}
	}
	return out
}

// TestReviewerPracticeChangeIsCheckedAgain: Riley's application is in peer
// review with Priya and Tomás, who both vote to approve. Priya then moves
// her practice to Riley's: the change is audited with both values, her
// assignment is flagged, staff are mailed and see it on the application and
// the queue, and approval is refused while it stands. Tomás's change of
// name, which conflicts with nothing, is still noted for staff. Neither note
// reaches the applicant, nor the decided application Priya also reviewed.
// Once Priya moves back the flag clears and approval goes through.
func TestReviewerPracticeChangeIsCheckedAgain(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	app := w.review
	decided := w.app(t, "jordan")
	priya, staff := w.users["priya.raman"], w.cookie["staff"]
	if rec := postForm(t, h, fmt.Sprintf("/reviews/%d/vote", app.ID), url.Values{"vote": {"approve"}}, w.cookie["tomas.silva"]); rec.Code != http.StatusSeeOther {
		t.Fatalf("Tomás's vote: %d", rec.Code)
	}
	riley, err := w.st.UserByID(ctx, app.ApplicantID)
	if err != nil {
		t.Fatal(err)
	}
	approval := func() string {
		t.Helper()
		rec := getAs(t, h, fmt.Sprintf("/api/v1/applications/%d", app.ID), staff)
		var out struct {
			Approval  string `json:"approval"`
			Reviewers []struct {
				Reviewer struct{ Name string }
				Conflict string `json:"conflict"`
			} `json:"reviewers"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			t.Fatalf("staff's API view: %d %v", rec.Code, err)
		}
		return out.Approval
	}
	if got := approval(); got != "" {
		t.Fatalf("before any change the application cannot be approved: %s", got)
	}

	// Priya joins Riley's practice after her assignment.
	before, _ := w.st.AuditLog(ctx)
	accountSave(t, w, "priya.raman", priya.Name, riley.Workplace)
	log, _ := w.st.AuditLog(ctx)
	var entry *struct{ Before, After string }
	for _, e := range log[len(before):] {
		if e.Action == "account.update" && e.Subject == fmt.Sprintf("user/%d", priya.ID) {
			entry = &struct{ Before, After string }{e.Before, e.After}
		}
	}
	if entry == nil || entry.Before != `{"name":"Dr. Priya Raman","practice":"Raman Psychology"}` ||
		entry.After != fmt.Sprintf(`{"name":"Dr. Priya Raman","practice":%q}`, riley.Workplace) {
		t.Fatalf("audit entry of the change: %+v", entry)
	}
	assigned, err := w.st.Assignments(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assigned {
		if flagged := a.Conflict != ""; flagged != (a.ReviewerID == priya.ID) {
			t.Errorf("%s flagged %q", a.ReviewerName, a.Conflict)
		}
	}
	notes := reviewerEvents(t, w.st, app.ID)
	want := fmt.Sprintf(`Reviewer Dr. Priya Raman changed their practice from "Raman Psychology" to %q after assignment; this now conflicts`, riley.Workplace)
	if len(notes) != 1 || notes[0].ActorID != priya.ID || !strings.HasPrefix(notes[0].Message, want) {
		t.Fatalf("notes: %+v", notes)
	}
	mails := mailsTo(t, w.st, w.users["staff"].Email)
	if len(mails) == 0 || mails[len(mails)-1].Subject != "Reviewer conflict on the application of "+app.ApplicantName ||
		!strings.Contains(mails[len(mails)-1].Body, want) {
		t.Fatalf("staff's mail: %+v", mails)
	}
	if got := approval(); !strings.Contains(got, "Dr. Priya Raman now has a conflict of interest (works in the applicant's practice") {
		t.Fatalf("approval: %q", got)
	}
	page := getAs(t, h, fmt.Sprintf("/queue/%d", app.ID), staff).Body.String()
	for _, s := range []string{"Approval is not possible yet", "approval is refused until they are removed", "this now conflicts"} {
		if !strings.Contains(page, s) {
			t.Errorf("the staff page does not say %q", s)
		}
	}
	if q := getAs(t, h, "/queue", staff).Body.String(); !strings.Contains(q, "reviewer conflict") || !strings.Contains(q, "Dr. Priya Raman changed their details") {
		t.Errorf("the queue does not flag the conflict")
	}
	rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(w.appVersion(t, app.ID))}}, staff)
	if got, _ := w.st.Application(ctx, app.ID); got.State != "peer_review" || !strings.Contains(rec.Body.String(), "conflict of interest") {
		t.Fatalf("approval with a conflict standing: %d, now %s", rec.Code, got.State)
	}

	// Tomás's change of name conflicts with nothing, and is noted anyway.
	accountSave(t, w, "tomas.silva", "Dr. Tomás Silva-Ortiz", w.users["tomas.silva"].Workplace)
	notes = reviewerEvents(t, w.st, app.ID)
	if len(notes) != 2 || !strings.Contains(notes[1].Message, `changed their name from "Dr. Tomás Silva" to "Dr. Tomás Silva-Ortiz" after assignment; no conflict`) {
		t.Fatalf("notes: %+v", notes)
	}
	if page := getAs(t, h, fmt.Sprintf("/queue/%d", app.ID), staff).Body.String(); !strings.Contains(page, "Silva-Ortiz&#34; after assignment; no conflict") {
		t.Errorf("the reviewers panel does not note Tomás's change")
	}
	// Board-only: the applicant never sees who reviews them; a decided
	// application is not touched.
	if body := getAs(t, h, fmt.Sprintf("/applications/%d", app.ID), w.cookie["riley"]).Body.String(); strings.Contains(body, "Priya") || strings.Contains(body, "after assignment") {
		t.Errorf("the applicant sees the reviewers' changes")
	}
	if n := len(reviewerEvents(t, w.st, decided.ID)); n != 0 {
		t.Errorf("%d notes on the decided application", n)
	}

	// Priya moves back: the flag clears, and approval goes through.
	accountSave(t, w, "priya.raman", priya.Name, "Raman Psychology")
	if flagged, _ := w.st.FlaggedAssignments(ctx); len(flagged) != 0 {
		t.Fatalf("still flagged: %+v", flagged)
	}
	if notes := reviewerEvents(t, w.st, app.ID); len(notes) != 3 || !strings.Contains(notes[2].Message, "no longer follows") {
		t.Fatalf("notes: %+v", notes)
	}
	rec = postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(w.appVersion(t, app.ID))}}, staff)
	if got, _ := w.st.Application(ctx, app.ID); rec.Code != http.StatusSeeOther || got.State != "approved" {
		t.Fatalf("approval once the conflict is gone: %d, now %s\n%s", rec.Code, got.State, rec.Body)
	}
}

// TestApprovalChecksReviewersAsTheyStand: a conflict that arises after
// assignment without the reviewer changing anything (here the applicant
// joins the reviewer's practice) is not flagged, but approval checks every
// reviewer again as they stand and is refused all the same.
func TestApprovalChecksReviewersAsTheyStand(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	app := w.review
	if rec := postForm(t, h, fmt.Sprintf("/reviews/%d/vote", app.ID), url.Values{"vote": {"approve"}}, w.cookie["tomas.silva"]); rec.Code != http.StatusSeeOther {
		t.Fatalf("Tomás's vote: %d", rec.Code)
	}
	accountSave(t, w, "riley", w.users["riley"].Name, "Harbor Counseling") // Tomás's practice
	rec := postForm(t, h, fmt.Sprintf("/queue/%d/actions/approve", app.ID), url.Values{"version": {fmt.Sprint(w.appVersion(t, app.ID))}}, w.cookie["staff"])
	got, _ := w.st.Application(ctx, app.ID)
	if got.State != "peer_review" || !strings.Contains(rec.Body.String(), "Dr. Tomás Silva now has a conflict of interest (works in the applicant&#39;s practice (Harbor Counseling))") {
		t.Fatalf("approval with the applicant in the reviewer's practice: %d, now %s\n%s", rec.Code, got.State, rec.Body)
	}
}

// appVersion is an application's current version.
func (w *accessWorld) appVersion(t *testing.T, id int64) int {
	t.Helper()
	app, err := w.st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return app.Version
}

// TestAdminPracticeChangeIsCheckedToo: an admin who changes a reviewer's
// practice sets off the same check, and the note says who made the change.
func TestAdminPracticeChangeIsCheckedToo(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	priya := w.users["priya.raman"]
	body := fmt.Sprintf(`{"practice":"Lakeview Couples Clinic","version":%d}`, priya.Version)
	rec := openAPICall(t, w.s.Handler(), "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", priya.ID), body, w.cookie["admin"])
	if rec.Code != 200 {
		t.Fatalf("admin's change: %d %s", rec.Code, rec.Body)
	}
	flagged, err := w.st.FlaggedAssignments(ctx)
	if err != nil || len(flagged) != 1 || flagged[0].ApplicationID != w.review.ID || flagged[0].ReviewerID != priya.ID {
		t.Fatalf("flagged: %+v %v", flagged, err)
	}
	notes := reviewerEvents(t, w.st, w.review.ID)
	if len(notes) != 1 || !strings.Contains(notes[0].Message, "(by the board's admin Avery Adeyemi) after assignment; this now conflicts") {
		t.Fatalf("notes: %+v", notes)
	}
}
