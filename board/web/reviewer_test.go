package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
)

// reviewSetup is an application in peer review with one assigned reviewer
// (rita) and one reviewer who is not assigned (otto).
func reviewSetup(t *testing.T) (b *queueBoard, id int64, ann, rita, otto *boardsql.User) {
	t.Helper()
	b = queueNewBoard(t)
	ann = addUser(t, b.st, "ann@example.org", "Ann Applicant", auth.Applicant)
	rita = addUser(t, b.st, "rita@example.org", "Rita Reviewer", auth.Reviewer)
	otto = addUser(t, b.st, "otto@example.org", "Otto Other", auth.Reviewer)
	id = b.submitted(t, ann, queuePortfolio(t))
	b.mustAct(t, id, "start_review", "")
	if rec := b.assign(t, id, rita); rec.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	return b, id, ann, rita, otto
}

func TestReviewerSeesOnlyAssignedApplications(t *testing.T) {
	b, id, ann, rita, otto := reviewSetup(t)
	ritaC, ottoC := sessionFor(t, b.s, rita), sessionFor(t, b.s, otto)
	// A second application Rita is not assigned to.
	bob := addUser(t, b.st, "bob@example.org", "Bob Unassigned", auth.Applicant)
	other := b.submitted(t, bob, queuePortfolio(t))

	rec := getAs(t, b.h, "/reviews", ritaC)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Ann Applicant") || strings.Contains(rec.Body.String(), "Bob Unassigned") ||
		!strings.Contains(rec.Body.String(), "not voted") {
		t.Fatalf("Rita's list: %d %s", rec.Code, rec.Body)
	}
	if rec := getAs(t, b.h, "/reviews", ottoC); rec.Code != 200 || strings.Contains(rec.Body.String(), "Ann Applicant") {
		t.Fatalf("Otto's list: %d", rec.Code)
	}
	rec = getAs(t, b.h, fmt.Sprintf("/reviews/%d", id), ritaC)
	body := rec.Body.String()
	for _, want := range []string{"Ann Applicant", "edu-human-sexuality", `class="badge s-verified"`, `class="badge s-eligible"`,
		fmt.Sprintf("/applications/%d/documents", id), "/conflict", "Votes are taken while the application is in peer review"} {
		if !strings.Contains(body, want) {
			t.Errorf("Rita's page lacks %q", want)
		}
	}
	if strings.Contains(body, `name="vote"`) {
		t.Error("a vote form before peer review")
	}
	for _, path := range []string{fmt.Sprintf("/reviews/%d", id), fmt.Sprintf("/reviews/%d", other)} {
		if rec := getAs(t, b.h, path, ottoC); rec.Code != http.StatusNotFound {
			t.Errorf("Otto GET %s: %d, want 404", path, rec.Code)
		}
	}
	if rec := getAs(t, b.h, fmt.Sprintf("/reviews/%d", other), ritaC); rec.Code != http.StatusNotFound {
		t.Errorf("Rita on an application she is not assigned to: %d", rec.Code)
	}
	if rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {"approve"}}, ottoC); rec.Code != http.StatusNotFound {
		t.Errorf("Otto voting: %d", rec.Code)
	}
	if rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/conflict", id), url.Values{"reason": {"x"}}, ottoC); rec.Code != http.StatusNotFound {
		t.Errorf("Otto declaring a conflict: %d", rec.Code)
	}
	if rec := getAs(t, b.h, "/reviews", sessionFor(t, b.s, ann)); rec.Code != http.StatusForbidden {
		t.Errorf("an applicant on /reviews: %d", rec.Code)
	}

	// The API: Rita's list, Otto's empty list, and the application itself.
	var list struct {
		Reviews []reviewJSON `json:"reviews"`
	}
	rec = queueJSON(t, b.h, "GET", "/api/v1/reviews", nil, ritaC)
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Reviews) != 1 || list.Reviews[0].Application.ID != id || list.Reviews[0].Vote != "" {
		t.Fatalf("API reviews: %v %s", err, rec.Body)
	}
	rec = queueJSON(t, b.h, "GET", "/api/v1/reviews", nil, ottoC)
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Reviews) != 0 {
		t.Fatalf("Otto's API reviews: %v %s", err, rec.Body)
	}
	if rec := queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil, ottoC); rec.Code != http.StatusNotFound {
		t.Fatalf("Otto GET application: %d", rec.Code)
	}
	rec = queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil, ritaC)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), eventAssignReviewer) || strings.Contains(rec.Body.String(), `"reviewers"`) ||
		!strings.Contains(rec.Body.String(), `"start_review"`) {
		t.Fatalf("Rita GET application: %d %s", rec.Code, rec.Body)
	}
	// The applicant does not learn who reviews them; staff do.
	rec = queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil, sessionFor(t, b.s, ann))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "Rita") {
		t.Fatalf("the applicant sees the reviewer: %s", rec.Body)
	}
	rec = queueJSON(t, b.h, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil, b.staffC)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), eventAssignReviewer) || !strings.Contains(rec.Body.String(), `"name": "Rita Reviewer"`) {
		t.Fatalf("staff's view: %s", rec.Body)
	}
}

func TestReviewerVoteValidation(t *testing.T) {
	b, id, _, rita, _ := reviewSetup(t)
	ctx := context.Background()
	ritaC := sessionFor(t, b.s, rita)
	vote := func(v, comments string) int {
		t.Helper()
		return postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {v}, "comments": {comments}}, ritaC).Code
	}
	myVote := func() boardsql.Assignment {
		t.Helper()
		list, err := b.st.Assignments(ctx, id)
		if err != nil || len(list) != 1 {
			t.Fatalf("%v %v", list, err)
		}
		return list[0]
	}
	// Not yet in peer review.
	rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {"approve"}}, ritaC)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "votes are taken while an application is in peer review") {
		t.Fatalf("vote under review: %d", rec.Code)
	}
	b.mustAct(t, id, "send_to_peer_review", "")
	events, entries := b.counts(t, id)
	for _, tc := range []struct{ vote, comments, field string }{
		{"maybe", "", "vote: choose approve, reject or revise"},
		{"", "", "vote: choose approve, reject or revise"},
		{"reject", "  ", "comments: say what is wrong"},
		{"revise", "", "comments: say what is wrong"},
		{"revise", strings.Repeat("x", 5001), "comments: write at most 5000 characters"},
	} {
		rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/vote", id), url.Values{"vote": {tc.vote}, "comments": {tc.comments}}, ritaC)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.field) || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
			t.Errorf("vote %q %q: %d, want 400 with %q", tc.vote, tc.comments, rec.Code, tc.field)
		}
	}
	if a := myVote(); a.Vote != "" {
		t.Fatalf("a refused vote was stored: %+v", a)
	}
	if e, n := b.counts(t, id); e != events || n != entries {
		t.Fatal("a refused vote left events or audit entries")
	}
	if code := vote("revise", "Please add the 2025 supervision log."); code != http.StatusSeeOther {
		t.Fatalf("vote: %d", code)
	}
	if a := myVote(); a.Vote != "revise" || a.Comments != "Please add the 2025 supervision log." || a.VotedAt.IsZero() {
		t.Fatalf("stored vote: %+v", a)
	}
	// The page shows the vote, and it can be changed: one vote per reviewer.
	body := getAs(t, b.h, fmt.Sprintf("/reviews/%d", id), ritaC).Body.String()
	if !strings.Contains(body, "Change my vote") || !strings.Contains(body, `value="revise" checked`) {
		t.Error("the page does not show the current vote")
	}
	if code := vote("approve", ""); code != http.StatusSeeOther {
		t.Fatalf("changed vote: %d", code)
	}
	if a := myVote(); a.Vote != "approve" || a.Comments != "" {
		t.Fatalf("changed vote: %+v", a)
	}
	log := b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "review.vote" || last.After != "approve" || last.Actor != fmt.Sprintf("user/%d", rita.ID) {
		t.Fatalf("audit: %+v", last)
	}
	ev := b.events(t, id)
	if last := ev[len(ev)-1]; last.Action != eventVote || last.ActorID != rita.ID {
		t.Fatalf("event: %+v", last)
	}
	// The API validates the same way.
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/votes", id), map[string]any{"vote": "reject"}, ritaC)
	if st, detail := queueProblem(t, rec); st != 400 || !strings.HasPrefix(detail, "comments:") {
		t.Fatalf("API vote: %d %s", st, detail)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/votes", id), map[string]any{"vote": "reject", "comments": "Insufficient."}, ritaC)
	if rec.Code != 200 || myVote().Vote != "reject" {
		t.Fatalf("API vote: %d %s", rec.Code, rec.Body)
	}
	if rec := queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/votes", id), map[string]any{"vote": "approve"}, b.staffC); rec.Code != http.StatusForbidden {
		t.Fatalf("staff without the reviewer role voting: %d", rec.Code)
	}
}

func TestReviewerDeclaresConflict(t *testing.T) {
	b, id, ann, rita, _ := reviewSetup(t)
	ctx := context.Background()
	ritaC := sessionFor(t, b.s, rita)
	events, entries := b.counts(t, id)
	rec := postForm(t, b.h, fmt.Sprintf("/reviews/%d/conflict", id), url.Values{"reason": {" "}}, ritaC)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "reason: say what the conflict is") ||
		!strings.Contains(rec.Body.String(), `aria-describedby="conflict-reason-err"`) {
		t.Fatalf("conflict without a reason: %d", rec.Code)
	}
	if ok, _ := b.st.IsAssigned(ctx, id, rita.ID); !ok {
		t.Fatal("a refused declaration ended the assignment")
	}
	if e, n := b.counts(t, id); e != events || n != entries {
		t.Fatal("a refused declaration left events or audit entries")
	}
	mails := len(b.outbox(t))

	rec = postForm(t, b.h, fmt.Sprintf("/reviews/%d/conflict", id), url.Values{"reason": {"I supervised her practicum in 2019."}}, ritaC)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/reviews" {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	if ok, _ := b.st.IsAssigned(ctx, id, rita.ID); ok {
		t.Fatal("still assigned after declaring a conflict")
	}
	cs, err := b.st.Conflicts(ctx, ann.ID)
	if err != nil || len(cs) != 1 || cs[0].ReviewerID != rita.ID || cs[0].Reason != "I supervised her practicum in 2019." {
		t.Fatalf("conflicts: %+v %v", cs, err)
	}
	out := b.outbox(t)
	if len(out) != mails+1 {
		t.Fatalf("want one mail to staff, outbox: %+v", out[mails:])
	}
	if m := out[mails]; m.To != "sam.staff@board.example" || !strings.Contains(m.Subject, "Reviewer conflict") || !strings.Contains(m.Body, "Rita Reviewer") ||
		!strings.Contains(m.Body, "I supervised her practicum in 2019.") || !strings.Contains(m.Body, fmt.Sprintf("/queue/%d", id)) {
		t.Fatalf("mail to staff: %+v", m)
	}
	log := b.auditLog(t)
	if last := log[len(log)-1]; last.Action != "review.conflict" || strings.Contains(last.Before+last.After, "practicum") {
		t.Fatalf("audit: %+v", last)
	}
	ev := b.events(t, id)
	if last := ev[len(ev)-1]; last.Action != eventConflict || last.ActorID != rita.ID || last.Message != "" {
		t.Fatalf("event: %+v", last)
	}
	// She no longer sees it, and cannot be assigned again.
	if rec := getAs(t, b.h, fmt.Sprintf("/reviews/%d", id), ritaC); rec.Code != http.StatusNotFound {
		t.Fatalf("after the conflict: %d", rec.Code)
	}
	if rec := b.assign(t, id, rita); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "declared a conflict of interest") {
		t.Fatalf("reassigning: %d", rec.Code)
	}
	// Through the API too.
	victor := addUser(t, b.st, "victor@example.org", "Victor Reviewer", auth.Reviewer)
	if rec := b.assign(t, id, victor); rec.Code != http.StatusSeeOther {
		t.Fatal(rec.Code)
	}
	vC := sessionFor(t, b.s, victor)
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/conflicts", id), map[string]any{"reason": ""}, vC)
	if st, detail := queueProblem(t, rec); st != 400 || !strings.HasPrefix(detail, "reason:") {
		t.Fatalf("API conflict: %d %s", st, detail)
	}
	rec = queueJSON(t, b.h, "POST", fmt.Sprintf("/api/v1/applications/%d/conflicts", id), map[string]any{"reason": "Business partner."}, vC)
	if rec.Code != 200 {
		t.Fatalf("API conflict: %d %s", rec.Code, rec.Body)
	}
	if ok, _ := b.st.IsAssigned(ctx, id, victor.ID); ok {
		t.Fatal("still assigned after declaring through the API")
	}
}

// TestVoteAfterTheDecisionIsRefused: a vote whose handler read the
// application in peer review, while staff decided it meanwhile, is refused
// (409) instead of being recorded on a decided application.
func TestVoteAfterTheDecisionIsRefused(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	stale, err := w.st.Application(ctx, w.review.ID) // as the vote handler read it
	if err != nil {
		t.Fatal(err)
	}
	tomas := w.users["tomas.silva"]
	if _, err := w.s.act(ctx, w.users["staff"], stale, stale.Version, board.Return, "Please add the supervision contract."); err != nil {
		t.Fatal(err)
	}
	before, _ := w.st.Application(ctx, stale.ID)
	err = w.s.castVote(ctx, tomas, stale, "approve", "")
	if status, _, detail, ok := errorAnswer(err); !ok || status != http.StatusConflict || !strings.Contains(detail, "returned") {
		t.Fatalf("vote on an application returned meanwhile: %v (status %d)", err, status)
	}
	list, _ := w.st.Assignments(ctx, stale.ID)
	for _, a := range list {
		if a.ReviewerID == tomas.ID && a.Vote != "" {
			t.Fatalf("the vote was recorded after the decision: %+v", a)
		}
	}
	if after, _ := w.st.Application(ctx, stale.ID); after.Version != before.Version || after.State != "returned" {
		t.Fatalf("a refused vote changed the application: version %d→%d, state %s", before.Version, after.Version, after.State)
	}
}
