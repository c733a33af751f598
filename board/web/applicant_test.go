package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/portfolio"
)

// appStart starts an application for set through the form and returns its id.
func appStart(t *testing.T, s *Server, c *http.Cookie, set string) int64 {
	t.Helper()
	rec := postForm(t, s.Handler(), "/applications", url.Values{"set_id": {set}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/applications/"), 10, 64)
	if err != nil {
		t.Fatalf("start redirected to %q", loc)
	}
	return id
}

func appLoad(t *testing.T, st *boardsql.Store, id int64) (*boardsql.Application, *portfolio.Portfolio) {
	t.Helper()
	app, err := st.Application(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	return app, p
}

func appPath(id int64, rest string) string {
	return "/applications/" + strconv.FormatInt(id, 10) + rest
}

func TestApplicantBuildsPortfolioWithForms(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	id := appStart(t, s, c, "aasect-cst")

	app, p := appLoad(t, st, id)
	if app.State != "draft" || p.Person.Name != "Ana Example" || p.Person.Email != "ana@example.org" {
		t.Fatalf("new application: %+v %+v", app, p.Person)
	}
	if rec := postForm(t, h, "/applications", url.Values{"set_id": {"aasect-cst"}}, c); rec.Code != http.StatusConflict {
		t.Fatalf("a second open application for one credential: %d", rec.Code)
	}
	if rec := postForm(t, h, "/applications", url.Values{"set_id": {"nope"}}, c); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "set_id") {
		t.Fatalf("unknown set: %d %s", rec.Code, rec.Body)
	}

	// The form for an education activity offers the set's knowledge areas.
	rec := getAs(t, h, appPath(id, "/evidence/education/new"), c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="areas.aasect-core"`) || !strings.Contains(rec.Body.String(), `name="provider.kind"`) {
		t.Fatalf("education form: %d\n%s", rec.Code, rec.Body)
	}

	good := url.Values{"version": {"1"}, "title": {"Sexual health foundations"}, "kind": {"ce"}, "provider.name": {"Institute"},
		"provider.kind": {"approved_provider"}, "provider.approved_by": {"AASECT\nACS, Inc."}, "delivery": {"live_online"}, "date": {"2025-03-02"},
		"hours": {"12.5"}, "areas.aasect-core": {"a", "b"}}

	// Bad input: each field says what to fix, and nothing is stored.
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("hours", "twelve")
	bad.Set("date", "2025-02-30")
	rec = postForm(t, h, appPath(id, "/evidence/education"), bad, c)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "give a number") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("bad hours: %d\n%s", rec.Code, body)
	}
	bad.Set("hours", "-3")
	rec = postForm(t, h, appPath(id, "/evidence/education"), bad, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "f-date-error") || !strings.Contains(rec.Body.String(), "f-hours-error") {
		t.Fatalf("impossible date and negative hours: %d\n%s", rec.Code, rec.Body)
	}
	if a, _ := appLoad(t, st, id); a.Version != 1 {
		t.Fatalf("a refused form changed the application: version %d", a.Version)
	}

	rec = postForm(t, h, appPath(id, "/evidence/education"), good, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	app, p = appLoad(t, st, id)
	if len(p.Education) != 1 || p.Education[0].Hours != 12.5 || len(p.Education[0].Areas["aasect-core"]) != 2 ||
		p.Education[0].Provider.ApprovedBy[1] != "ACS, Inc." || p.Education[0].Verification.EffectiveState() != portfolio.Claimed || app.Version != 2 {
		t.Fatalf("stored: %+v (version %d)", p.Education, app.Version)
	}
	eid := p.Education[0].ID

	// A stale form is refused with a conflict.
	if rec := postForm(t, h, appPath(id, "/evidence/education"), good, c); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "reload") {
		t.Fatalf("stale version: %d %s", rec.Code, rec.Body)
	}

	// Edit: the form comes back filled; saving changes the item.
	rec = getAs(t, h, appPath(id, "/evidence/education/"+eid+"/edit"), c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `value="12.5"`) || !strings.Contains(rec.Body.String(), ">AASECT\nACS, Inc.</textarea>") {
		t.Fatalf("edit form: %d\n%s", rec.Code, rec.Body)
	}
	good.Set("version", "2")
	good.Set("hours", "10")
	if rec := postForm(t, h, appPath(id, "/evidence/education/"+eid), good, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body)
	}
	_, p = appLoad(t, st, id)
	if len(p.Education) != 1 || p.Education[0].Hours != 10 {
		t.Fatalf("edited: %+v", p.Education)
	}

	// A supervisor with an e-mail links the application to their account.
	sup := url.Values{"version": {"3"}, "name": {"Dr. Lee Park"}, "email": {"Lee.Park@example.org"},
		"credentials.0.type": {"CST-S"}, "credentials.0.body": {"AASECT"}, "credentials.0.valid_from": {"2015-01-01"}}
	if rec := postForm(t, h, appPath(id, "/evidence/supervisors"), sup, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("supervisor: %d %s", rec.Code, rec.Body)
	}
	links, err := st.Supervisors(context.Background(), id)
	if err != nil || len(links) != 1 || links[0].Email != "lee.park@example.org" {
		t.Fatalf("links: %+v %v", links, err)
	}
	_, p = appLoad(t, st, id)
	if len(p.Supervisors) != 1 || len(p.Supervisors[0].Credentials) != 1 || p.Supervisors[0].Credentials[0].Type != "CST-S" {
		t.Fatalf("supervisor stored: %+v", p.Supervisors)
	}
	// A session refers to the supervisor, who can then not be removed.
	ses := url.Values{"version": {"4"}, "date": {"2025-04-01"}, "hours": {"1"}, "format": {"individual"}, "supervisor": {p.Supervisors[0].ID}, "content": {"case"}}
	if rec := postForm(t, h, appPath(id, "/evidence/supervision_sessions"), ses, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("session: %d %s", rec.Code, rec.Body)
	}
	rec = postForm(t, h, appPath(id, "/evidence/supervisors/"+p.Supervisors[0].ID+"/delete"), url.Values{"version": {"5"}}, c)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "used by") {
		t.Fatalf("removing a supervisor in use: %d %s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, appPath(id, "/evidence/education/"+eid+"/delete"), url.Values{"version": {"5"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", rec.Code, rec.Body)
	}
	if _, p = appLoad(t, st, id); len(p.Education) != 0 {
		t.Fatalf("education after removal: %+v", p.Education)
	}
	// The details of the person.
	rec = postForm(t, h, appPath(id, "/evidence/person/"+p.Person.ID), url.Values{"version": {"6"}, "name": {"Ana M. Example"}, "city": {"Tampa"}, "languages": {"en\npt"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("person: %d %s", rec.Code, rec.Body)
	}
	if _, p = appLoad(t, st, id); p.Person.Name != "Ana M. Example" || p.Person.City != "Tampa" || len(p.Person.Languages) != 2 {
		t.Fatalf("person: %+v", p.Person)
	}
}

func TestApplicantCannotReachAnotherApplicantsApplication(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	ben := sessionFor(t, s, addUser(t, st, "ben@example.org", "Ben Other", auth.Applicant))
	id := appStart(t, s, ana, "aasect-cst")
	for _, path := range []string{"", "/evidence/education", "/evidence/education/new", "/export", "/import", "/evidence/person/p1/edit"} {
		if rec := getAs(t, h, appPath(id, path), ben); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s as another applicant: %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/evidence/education", "/actions/submit", "/actions/withdraw", "/import"} {
		if rec := postForm(t, h, appPath(id, path), url.Values{"version": {"1"}}, ben); rec.Code != http.StatusNotFound {
			t.Errorf("POST %s as another applicant: %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/portfolio", "/eligibility"} {
		if rec := getAs(t, h, "/api/v1"+appPath(id, path), ben); rec.Code != http.StatusNotFound {
			t.Errorf("GET /api/v1%s as another applicant: %d", path, rec.Code)
		}
	}
	if rec := getAs(t, h, appPath(id, ""), nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
		t.Errorf("anonymous dashboard: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if a, _ := appLoad(t, st, id); a.Version != 1 || a.State != "draft" {
		t.Fatalf("another applicant changed the application: %+v", a)
	}
}

func TestImportExportSubmit(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "jordan@example.org", "Jordan Reyes", auth.Applicant)
	addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	c := sessionFor(t, s, ana)
	id := appStart(t, s, c, "aasect-cst")

	// An empty portfolio cannot be submitted: the refusal says what is unmet.
	rec := postForm(t, h, appPath(id, "/actions/submit"), url.Values{"version": {"1"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("submit empty: %d %s", rec.Code, rec.Body)
	}
	if flash := rec.Result().Cookies(); len(flash) == 0 || !strings.Contains(flash[0].Value, "unmet") {
		t.Fatalf("no refusal message: %v", flash)
	}
	if a, _ := appLoad(t, st, id); a.State != "draft" {
		t.Fatalf("an ineligible application was submitted: %s", a.State)
	}

	// A broken import is refused with every problem and changes nothing.
	rec = postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {`{"format":"certboard.portfolio/v1","person":{"id":"x","name":"X"},"education":[{"id":"e","hours":-1}]}`}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "$.education[0]") {
		t.Fatalf("broken import: %d\n%s", rec.Code, rec.Body)
	}
	example, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	rec = postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {string(example)}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	app, p := appLoad(t, st, id)
	if len(p.Education) != 14 || p.Degrees[0].Verification.EffectiveState() != portfolio.Claimed {
		t.Fatalf("imported: %d education, degree %s", len(p.Education), p.Degrees[0].Verification.EffectiveState())
	}

	// Export gives the portfolio back, with its version as ETag.
	rec = getAs(t, h, "/api/v1"+appPath(id, "/portfolio"), c)
	if rec.Code != 200 || rec.Header().Get("ETag") != strconv.Quote(strconv.Itoa(app.Version)) {
		t.Fatalf("export: %d %v", rec.Code, rec.Header())
	}
	if q, err := portfolio.Decode(rec.Body.Bytes()); err != nil || len(q.Sessions) != len(p.Sessions) {
		t.Fatalf("exported portfolio: %v", err)
	}

	// The example's documents came without their files: they are not on
	// file, so they do not count and the submission is refused.
	rec = postForm(t, h, appPath(id, "/actions/submit"), url.Values{"version": {strconv.Itoa(app.Version)}}, c)
	if flash := rec.Result().Cookies(); rec.Code != http.StatusSeeOther || len(flash) == 0 || !strings.Contains(flash[0].Value, "unmet") {
		t.Fatalf("submit without the documents' files: %d %v", rec.Code, flash)
	}
	if a, _ := appLoad(t, st, id); a.State != "draft" {
		t.Fatalf("submitted with no document on file: %s", a.State)
	}
	fileEveryDocument(t, s, st, ana, id)
	app, _ = appLoad(t, st, id)

	// Submitting freezes the evidence and the set version; the staff hear of it.
	rec = postForm(t, h, appPath(id, "/actions/submit"), url.Values{"version": {strconv.Itoa(app.Version)}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	app, _ = appLoad(t, st, id)
	if app.State != "submitted" || len(app.Snapshot) == 0 || app.SnapshotSetVersion != "2025.T.1" || app.SubmittedAt.IsZero() {
		t.Fatalf("after submit: state %s, snapshot %d bytes, set version %q", app.State, len(app.Snapshot), app.SnapshotSetVersion)
	}
	var mails int
	st.DB.QueryRow("SELECT COUNT(*) FROM outbox WHERE to_addr = 'staff@example.org'").Scan(&mails)
	if mails != 1 {
		t.Fatalf("staff mails: %d", mails)
	}
	// After submission the evidence cannot change.
	if rec := postForm(t, h, appPath(id, "/evidence/attestations"), url.Values{"version": {strconv.Itoa(app.Version)}, "code": {"x"}, "signed": {"2026-01-01"}}, c); rec.Code != http.StatusConflict {
		t.Fatalf("edit after submit: %d", rec.Code)
	}
	// The history and the audit log record it.
	// (start, a file uploaded for each document, submit).
	events, _ := st.Events(context.Background(), id)
	if n := len(events); n != 2+len(p.Documents) || events[n-1].Action != "submit" || events[n-1].To != "submitted" || events[1].Action != "document_added" {
		t.Fatalf("events: %+v", events)
	}
	if n, err := st.VerifyAudit(context.Background()); err != nil || n < 3 {
		t.Fatalf("audit: %d %v", n, err)
	}
}

func TestApplicantAPI(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	c := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	do := func(method, path, body string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.AddCookie(c)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := do("POST", "/api/v1/applications", `{"set_id":"florida-sex-therapist"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	json.Unmarshal(rec.Body.Bytes(), &created)
	base := "/api/v1" + appPath(created.ID, "")

	rec = do("POST", base+"/evidence/licenses", `{"version":1,"item":{"profession":"social_work","jurisdiction":"US-FL","number":"SW123","valid_from":"2020-01-01","verification":{"state":"verified"}}}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	_, p := appLoad(t, st, created.ID)
	if len(p.Licenses) != 1 || p.Licenses[0].Verification.EffectiveState() != portfolio.Claimed {
		t.Fatalf("an applicant verified their own license through the API: %+v", p.Licenses)
	}
	rec = do("POST", base+"/evidence/licenses", `{"version":2,"item":{"profession":"wizardry","jurisdiction":"US-FL","number":"1","valid_from":"2020-01-01"}}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "item.profession") {
		t.Fatalf("bad item: %d %s", rec.Code, rec.Body)
	}
	rec = do("GET", base+"/eligibility", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"verdict"`) {
		t.Fatalf("eligibility: %d %s", rec.Code, rec.Body)
	}
	rec = do("PUT", base+"/portfolio", `{"format":"certboard.portfolio/v1","person":{"id":"p","name":"Ana"}}`)
	if rec.Code != http.StatusPreconditionRequired {
		t.Fatalf("import without If-Match: %d", rec.Code)
	}
	rec = do("PUT", base+"/portfolio", `{"format":"certboard.portfolio/v1","person":{"id":"p","name":"Ana"}}`, "If-Match", `"1"`)
	if rec.Code != http.StatusConflict {
		t.Fatalf("import with a stale version: %d %s", rec.Code, rec.Body)
	}
	rec = do("PUT", base+"/portfolio", `{"format":"certboard.portfolio/v1","person":{"id":"p","name":"Ana"},"degreez":[]}`, "If-Match", `"2"`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "degreez") {
		t.Fatalf("bad import: %d %s", rec.Code, rec.Body)
	}
	rec = do("DELETE", base+"/evidence/licenses/"+p.Licenses[0].ID+"?version=2", "")
	if rec.Code != 200 {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if _, p = appLoad(t, st, created.ID); len(p.Licenses) != 0 {
		t.Fatalf("not deleted: %+v", p.Licenses)
	}
}

// withItemWholeDecode is withItem as it was before portfolio.WithItem: the
// whole portfolio written out with the item in place and decoded strictly
// again. TestWithItemSameAsWholeDecode holds the two to the same answers.
func withItemWholeDecode(p *portfolio.Portfolio, list, itemID string, obj map[string]any, errs map[string]string) (*portfolio.Portfolio, string) {
	data, err := portfolio.Encode(p)
	if err != nil {
		errs[""] = err.Error()
		return nil, ""
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		errs[""] = err.Error()
		return nil, ""
	}
	var path string
	if list == "person" {
		obj["id"] = p.Person.ID
		doc["person"] = obj
		path = "$.person"
	} else {
		items, _ := doc[list].([]any)
		idx := -1
		for i, it := range items {
			if m, ok := it.(map[string]any); ok && m["id"] == itemID {
				idx = i
			}
		}
		if itemID == "" {
			if given, ok := obj["id"].(string); ok && given != "" {
				itemID = given
			} else {
				prefix := "item"
				if l, ok := evidenceform.FindList(list); ok {
					prefix = l.Prefix
				}
				itemID = portfolio.NewID(p, prefix)
			}
		}
		obj["id"] = itemID
		if idx < 0 {
			items = append(items, obj)
			idx = len(items) - 1
		} else {
			items[idx] = obj
		}
		doc[list] = items
		path = fmt.Sprintf("$.%s[%d]", list, idx)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		errs[""] = "the item cannot be written: " + err.Error()
		return nil, ""
	}
	q, err := portfolio.Decode(out)
	if err != nil {
		evidenceform.FieldErrors(err, path, errs)
		return nil, ""
	}
	if verrs := portfolio.Validate(q); len(verrs) > 0 {
		evidenceform.FieldErrors(verrs, path, errs)
		return nil, ""
	}
	return q, itemID
}

// TestWithItemSameAsWholeDecode checks that validating one new or changed
// item in the context of the portfolio accepts and refuses exactly what
// decoding the whole portfolio strictly did, with the same errors by field,
// the same new ids, and the same portfolio saved; and that the portfolio it
// was given is left as it was.
func TestWithItemSameAsWholeDecode(t *testing.T) {
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	base, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := portfolio.Encode(base)
	items := func(s string) map[string]any {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(s))
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return m
	}
	activity := `"title":"Sexual health update","kind":"ce","provider":{"name":"SSTAR","kind":"approved_provider"},"delivery":"live_online","date":"2026-03-04"`
	cases := []struct {
		name, list, itemID, obj string
		wantOK                  bool
		wantField               string // a field named in the errors when refused
	}{
		{"good activity", "education", "", `{` + activity + `,"hours":1.5,"areas":{"aasect-core":["b"]}}`, true, ""},
		{"good attestation", "attestations", "", `{"code":"aasect-code-of-conduct","version":"2025","signed":"2026-04-01"}`, true, ""},
		{"own id", "attestations", "", `{"id":"att-mine","code":"x","signed":"2026-04-01"}`, true, ""},
		{"id in use", "attestations", "", `{"id":"edu-human-sexuality","code":"x","signed":"2026-04-01"}`, false, "id"},
		{"unknown member", "attestations", "", `{"code":"x","signed":"2026-04-01","sined":"2026-04-01"}`, false, "sined"},
		{"missing required", "attestations", "", `{"code":"x"}`, false, "signed"},
		{"empty required", "attestations", "", `{"code":"  ","signed":"2026-04-01"}`, false, "code"},
		{"impossible date", "attestations", "", `{"code":"x","signed":"2026-02-30"}`, false, "signed"},
		{"date of wrong type", "attestations", "", `{"code":"x","signed":20260401}`, false, "signed"},
		{"negative hours", "education", "", `{` + activity + `,"hours":-1}`, false, "hours"},
		{"zero hours", "education", "", `{` + activity + `,"hours":0}`, false, "hours"},
		{"too many hours", "education", "", `{` + activity + `,"hours":5000}`, false, "hours"},
		{"hours as text", "education", "", `{` + activity + `,"hours":"1.5"}`, false, "hours"},
		{"bad enum", "education", "", `{"title":"t","kind":"seminar","provider":{"name":"p","kind":"approved_provider"},"delivery":"in_person","date":"2026-03-04","hours":1}`, false, "kind"},
		{"bad nested enum", "education", "", `{"title":"t","kind":"ce","provider":{"name":"p","kind":"club"},"delivery":"in_person","date":"2026-03-04","hours":1}`, false, "provider.kind"},
		{"empty area list", "education", "", `{` + activity + `,"hours":1,"areas":{"aasect-core":[]}}`, false, "areas"},
		{"area twice", "education", "", `{` + activity + `,"hours":1,"areas":{"aasect-core":["b","b"]}}`, false, "areas"},
		{"period reversed", "memberships", "", `{"organization":"SSSS","from":"2026-01-01","to":"2025-01-01"}`, false, "to"},
		{"dangling supervisor", "supervision_sessions", "", `{"date":"2026-01-05","hours":1,"format":"individual","supervisor":"sup-nobody","content":"case"}`, false, "supervisor"},
		{"dangling contract", "clinical_hours", "", `{"date":"2026-01-05","hours":3,"modality":"in_person","contract":"con-nobody"}`, false, "contract"},
		{"date and period", "clinical_hours", "", `{"date":"2026-01-05","from":"2026-01-01","to":"2026-01-09","hours":3,"modality":"in_person"}`, false, ""},
		{"group of one", "supervision_sessions", "", `{"date":"2026-01-05","hours":1,"format":"group","group_size":1,"supervisor":"sup-okafor","content":"case"}`, false, "group_size"},
		{"fractional group", "supervision_sessions", "", `{"date":"2026-01-05","hours":1,"format":"group","group_size":2.5,"supervisor":"sup-okafor","content":"case"}`, false, "group_size"},
		{"document supports nothing", "documents", "", `{"kind":"cv","received":"2026-01-05","supports":["nothing-here"]}`, false, "supports.0"},
		{"good case", "cases", "", `{"unit":"couple","focus":["sexual","relationship"],"opened":"2025-02-01","closed":"2025-09-30","completed":true,"contract":"con-okafor"}`, true, ""},
		{"completed case without closed", "cases", "", `{"unit":"couple","opened":"2025-02-01","completed":true}`, false, "closed"},
		{"case focus typo", "cases", "", `{"unit":"couple","focus":["sex"],"opened":"2025-02-01"}`, false, "focus.0"},
		{"case focus twice", "cases", "", `{"unit":"couple","focus":["sexual","sexual"],"opened":"2025-02-01"}`, false, "focus.1"},
		{"dangling case contract", "cases", "", `{"unit":"family","opened":"2025-02-01","contract":"con-nobody"}`, false, "contract"},
		{"good exam", "exams", "", `{"kind":"exam","code":"ecps-written","title":"ECPS written","body":"EFS-ESSM","date":"2025-11-20","outcome":"passed","score":74}`, true, ""},
		{"exam outcome typo", "exams", "", `{"kind":"exam","code":"c","title":"T","body":"B","date":"2025-11-20","outcome":"pass"}`, false, "outcome"},
		{"exam valid before it was taken", "exams", "", `{"kind":"interview","code":"c","title":"T","body":"B","date":"2025-11-20","outcome":"passed","valid_to":"2025-01-01"}`, false, "valid_to"},
		{"verification state", "attestations", "", `{"code":"x","signed":"2026-04-01","verification":{"state":"approved"}}`, false, "verification.state"},
		{"item not an object", "attestations", "", `{"code":["x"],"signed":"2026-04-01"}`, false, "code"},
		{"many problems", "experience", "", `{"role":"juggling","from":"x","hours_per_week":-3,"a":1,"b":2}`, false, "role"},
		{"edit in place", "education", "edu-human-sexuality", `{` + activity + `,"hours":2}`, true, ""},
		{"edit in place, bad", "education", "edu-human-sexuality", `{` + activity + `,"hours":-2}`, false, "hours"},
		{"edit a referenced supervisor", "supervisors", "sup-okafor", `{"name":"Dr. Maya Okafor"}`, true, ""},
		{"person", "person", "", `{"name":"Jordan Reyes","email":"j@example.org","languages":["en"]}`, true, ""},
		{"person without name", "person", "", `{"email":"j@example.org"}`, false, "name"},
		{"person unknown member", "person", "", `{"name":"J","nick":"jr"}`, false, "nick"},
		{"invalid UTF-8", "attestations", "", "{\"code\":\"x\xff\",\"signed\":\"2026-04-01\"}", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantErrs, gotErrs := map[string]string{}, map[string]string{}
			want, wantID := withItemWholeDecode(base, c.list, c.itemID, items(c.obj), wantErrs)
			got, gotID := withItem(base, c.list, c.itemID, items(c.obj), gotErrs)
			if !reflect.DeepEqual(gotErrs, wantErrs) {
				t.Errorf("errors:\n got %v\nwant %v", gotErrs, wantErrs)
			}
			if gotID != wantID {
				t.Errorf("id %q, want %q", gotID, wantID)
			}
			if (got != nil) != c.wantOK || (want != nil) != c.wantOK {
				t.Fatalf("accepted: %v (whole decode: %v), want %v; errors %v", got != nil, want != nil, c.wantOK, gotErrs)
			}
			if c.wantField != "" {
				if _, ok := gotErrs[c.wantField]; !ok {
					t.Errorf("no error named %q: %v", c.wantField, gotErrs)
				}
			}
			if got != nil {
				g, _ := portfolio.Encode(got)
				w, _ := portfolio.Encode(want)
				if !bytes.Equal(g, w) {
					t.Errorf("saved portfolios differ")
				}
				if _, err := portfolio.Decode(g); err != nil {
					t.Errorf("the result does not decode: %v", err)
				}
			}
			if after, _ := portfolio.Encode(base); !bytes.Equal(after, before) {
				t.Fatalf("the portfolio given was changed")
			}
		})
	}
}
