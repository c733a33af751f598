package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
)

// TestNobodySupervisesTheirOwnApplication: an applicant who also holds the
// supervisor role and names their own address cannot confirm their evidence.
func TestNobodySupervisesTheirOwnApplication(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	u := addUser(t, st, "lee@example.org", "Lee Park", auth.Applicant, auth.Supervisor)
	c := sessionFor(t, s, u)
	id := appStart(t, s, c, "aasect-cst")
	if rec := postForm(t, h, appPath(id, "/evidence/supervisors"), url.Values{"version": {"1"}, "name": {"Lee Park"}, "email": {"lee@example.org"}}, c); rec.Code != 303 {
		t.Fatalf("supervisor: %d", rec.Code)
	}
	_, p := appLoad(t, st, id)
	ses := url.Values{"version": {"2"}, "date": {"2025-04-01"}, "hours": {"1"}, "format": {"individual"}, "supervisor": {p.Supervisors[0].ID}, "content": {"case"}}
	if rec := postForm(t, h, appPath(id, "/evidence/supervision_sessions"), ses, c); rec.Code != 303 {
		t.Fatalf("session: %d", rec.Code)
	}
	_, p = appLoad(t, st, id)
	sup := "/supervision/" + strconv.FormatInt(id, 10)
	if rec := getAs(t, h, sup, c); rec.Code != 404 {
		t.Fatalf("own application on the supervisor page: %d", rec.Code)
	}
	if rec := postForm(t, h, sup+"/items/"+p.Sessions[0].ID, url.Values{"version": {"3"}, "decision": {"confirm"}}, c); rec.Code != 404 {
		t.Fatalf("confirming one's own session: %d", rec.Code)
	}
	if _, p = appLoad(t, st, id); p.Sessions[0].Verification.EffectiveState() != portfolio.Claimed {
		t.Fatal("the applicant verified their own session")
	}
}

// TestEditKeepsAreasOfOtherSets: editing an activity under one set keeps the
// areas it has in another set's taxonomy; lists keep entries with commas.
func TestEditKeepsAreasOfOtherSets(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	c := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	id := appStart(t, s, c, "aasect-cst")
	doc := `{"format":"certboard.portfolio/v1","person":{"id":"p","name":"Ana"},"education":[{"id":"e1","title":"T","kind":"ce",
		"provider":{"name":"P","kind":"approved_provider","approved_by":["AASECT, Inc."]},"delivery":"in_person","date":"2025-01-02","hours":10,
		"areas":{"aasect-core":["a"],"somewhere-else":["x1","x2"]}}]}`
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {doc}}, c); rec.Code != 303 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	// The edit form as the browser shows it, posted back with one change.
	rec := getAs(t, h, appPath(id, "/evidence/education/e1/edit"), c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), ">AASECT, Inc.</textarea>") {
		t.Fatalf("edit form: %d", rec.Code)
	}
	form := url.Values{"version": {"2"}, "title": {"T"}, "kind": {"ce"}, "provider.name": {"P"}, "provider.kind": {"approved_provider"},
		"provider.approved_by": {"AASECT, Inc."}, "delivery": {"in_person"}, "date": {"2025-01-02"}, "hours": {"10"}, "areas.aasect-core": {"b"}}
	if rec := postForm(t, h, appPath(id, "/evidence/education/e1"), form, c); rec.Code != 303 {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body)
	}
	_, p := appLoad(t, st, id)
	a := p.Education[0]
	if fmt.Sprint(a.Areas["aasect-core"]) != "[b]" || fmt.Sprint(a.Areas["somewhere-else"]) != "[x1 x2]" || fmt.Sprint(a.Provider.ApprovedBy) != "[AASECT, Inc.]" {
		t.Fatalf("after the edit: areas %v, approved by %q", a.Areas, a.Provider.ApprovedBy)
	}
	form.Set("version", "3")
	form.Set("hours", "NaN")
	if rec := postForm(t, h, appPath(id, "/evidence/education/e1"), form, c); rec.Code != 422 || !strings.Contains(rec.Body.String(), "give a number") {
		t.Fatalf("NaN hours: %d", rec.Code)
	}
}

// TestAPIItemIDs: an id the caller gives is checked like any other; one
// in use (the person's included) is refused.
func TestAPIItemIDs(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	u := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, u)
	id := appStart(t, s, c, "aasect-cst")
	base := "/api/v1" + appPath(id, "/evidence/attestations")
	personID := fmt.Sprintf("p%d", u.ID)
	if rec := callJSON(t, h, "POST", base, `{"version":1,"item":{"id":"`+personID+`","code":"ethics","signed":"2026-01-01"}}`, c); rec.Code != 409 {
		t.Fatalf("the person's id: %d %s", rec.Code, rec.Body)
	}
	rec := callJSON(t, h, "POST", base, `{"version":1,"item":{"id":"my-ethics","code":"ethics","signed":"2026-01-01"}}`, c)
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"my-ethics"`) {
		t.Fatalf("own id: %d %s", rec.Code, rec.Body)
	}
	app, p := appLoad(t, st, id)
	if len(p.Attestations) != 1 || p.Attestations[0].ID != "my-ethics" || len(portfolio.Validate(p)) != 0 {
		t.Fatalf("stored: %+v", p.Attestations)
	}
	if rec := callJSON(t, h, "POST", base, `{"version":`+strconv.Itoa(app.Version)+`,"item":{"id":"my-ethics","code":"x","signed":"2026-01-01"}}`, c); rec.Code != 409 {
		t.Fatalf("a taken id: %d", rec.Code)
	}
}

// TestReportFollowsTheEvidence: the cached report changes as soon as the
// evidence does.
func TestReportFollowsTheEvidence(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	c := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	id := appStart(t, s, c, "aasect-cst")
	status := func() eligibility.Status {
		rec := getAs(t, h, "/api/v1"+appPath(id, "/eligibility"), c)
		var out struct {
			Report eligibility.Report `json:"report"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		for _, r := range out.Report.Results {
			if r.Kind == "attestation" {
				return r.Status
			}
		}
		t.Fatal("no attestation requirement")
		return ""
	}
	if got := status(); got != eligibility.Unmet {
		t.Fatalf("before: %s", got)
	}
	rec := callJSON(t, h, "POST", "/api/v1"+appPath(id, "/evidence/attestations"), `{"version":1,"item":{"code":"aasect-code-of-conduct","signed":"2026-01-01"}}`, c)
	if rec.Code != 201 {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	if got := status(); got == eligibility.Unmet {
		t.Fatal("the report did not change after the evidence did")
	}
}

// TestReviewerGetsTheSnapshotNotTheWorkingCopy: a reviewer exporting the
// portfolio gets what was submitted.
func TestReviewerGetsTheSnapshotNotTheWorkingCopy(t *testing.T) {
	w := newAccessWorld(t)
	rec := getAs(t, w.s.Handler(), fmt.Sprintf("/api/v1/applications/%d/portfolio", w.review.ID), w.cookie["priya.raman"])
	// The export is the snapshot, each document naming its file's digest
	// (the demo uploads a file for every document).
	want, err := w.s.exportedPortfolio(context.Background(), w.review.ID, w.review.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Body.String() != string(want) {
		t.Fatalf("reviewer export: %d, snapshot %v", rec.Code, rec.Body.String() == string(want))
	}
	ctx := context.Background()
	apps, _ := w.st.Applications(ctx, boardsql.ApplicationFilter{ReviewerID: w.users["priya.raman"].ID})
	if len(apps) == 0 {
		t.Fatal("no assignment")
	}
}

// TestMadeStaffSignsInAgain: a user made staff loses the sessions and
// tokens they had, which were not signed in with two factors.
func TestMadeStaffSignsInAgain(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	admin := addUser(t, st, "admin@example.org", "Ada Admin", auth.Admin)
	u := addUser(t, st, "sam@example.org", "Sam Soon-Staff", auth.Applicant)
	old := sessionFor(t, s, u)
	if rec := getAs(t, h, "/api/v1/me", old); rec.Code != 200 {
		t.Fatalf("before: %d", rec.Code)
	}
	rec := callJSON(t, h, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", u.ID), fmt.Sprintf(`{"roles":["applicant","staff"],"version":%d}`, u.Version), sessionFor(t, s, admin))
	if rec.Code != 200 {
		t.Fatalf("make staff: %d %s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/api/v1/me", old); rec.Code != 401 {
		t.Fatalf("the old session still works after being made staff: %d", rec.Code)
	}
}
