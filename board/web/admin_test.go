package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// adminPost sends a body with a content type as a same-origin browser or a
// program would.
func adminPost(t *testing.T, h http.Handler, method, path, contentType string, body []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// adminUploadForm posts a YAML file to the upload form.
func adminUploadForm(t *testing.T, h http.Handler, name string, yaml []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(yaml)
	mw.WriteField("yaml", "")
	mw.Close()
	return adminPost(t, h, "POST", "/admin/sets", mw.FormDataContentType(), buf.Bytes(), c)
}

// adminNextCST is the shipped CST set as version 2027.T.1, in force from
// 2027, with the SAR requirement raised from 10 to 40 credits.
func adminNextCST(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../requirements/sets/aasect-cst.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "version: 2025.T.1", "version: 2027.T.1", 1)
	text = strings.Replace(text, "effective_from: 2025-01-01", "effective_from: 2027-01-01", 1)
	sar := "    total: 10\n    accepts:\n      - evidence: education\n        activity_kinds: [sar]"
	if !strings.Contains(text, sar) {
		t.Fatal("the shipped CST set changed; update adminNextCST")
	}
	return []byte(strings.Replace(text, sar, strings.Replace(sar, "total: 10", "total: 40", 1), 1))
}

// adminSetup is a board with an admin and the clock of the examples.
func adminSetup(t *testing.T) (*Server, *boardsql.Store, http.Handler, *boardsql.User, *http.Cookie) {
	t.Helper()
	s, st := newServer(t)
	s.cfg.Now = func() time.Time { return supNow }
	admin := addUser(t, st, "ada.admin@example.org", "Ada Admin", auth.Admin)
	return s, st, s.Handler(), admin, sessionFor(t, s, admin)
}

func TestAdminPagesNeedTheAdminRole(t *testing.T) {
	s, st, h, _, c := adminSetup(t)
	staff := sessionFor(t, s, addUser(t, st, "sid.staff@example.org", "Sid Staff", auth.Staff))
	for _, path := range []string{"/admin", "/admin/sets", "/admin/users", "/admin/board"} {
		if rec := getAs(t, h, path, staff); rec.Code != 403 {
			t.Errorf("staff GET %s: %d, want 403", path, rec.Code)
		}
		if rec := getAs(t, h, path, c); rec.Code != 200 {
			t.Errorf("admin GET %s: %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/api/v1/admin/sets", "/api/v1/admin/users", "/api/v1/admin/board"} {
		if rec := supAPI(t, h, "GET", path, "", staff); rec.Code != 403 {
			t.Errorf("staff GET %s: %d, want 403", path, rec.Code)
		}
	}
	body := getAs(t, h, "/admin", c).Body.String()
	for _, want := range []string{`href="/admin/sets"`, `href="/admin/users"`, `href="/admin/board"`, "2 accounts: 1 admin, 1 staff"} {
		if !strings.Contains(body, want) {
			t.Errorf("admin home lacks %q", want)
		}
	}
}

func TestAdminBrokenSetIsRefusedWithLines(t *testing.T) {
	s, st, h, _, c := adminSetup(t)
	broken := []byte("id: aasect-cst\ntitle: Broken\nversion: 2027\neffective_from: 2027-02-30\nrequirements:\n  - id: x\n    kind: hours\n    colour: blue\n")
	rec := adminUploadForm(t, h, "broken.yaml", broken, c)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>broken.yaml:4</code>") || !strings.Contains(body, "nothing was stored") {
		t.Fatalf("broken upload: %d\n%s", rec.Code, body)
	}
	// Through the API the problems come as a list with their lines.
	rec = adminPost(t, h, "POST", "/api/v1/admin/sets", "application/yaml", broken, c)
	var p struct {
		Problems []requirements.Problem `json:"problems"`
	}
	if rec.Code != 422 || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Problems) == 0 || p.Problems[0].Line != 4 || p.Problems[0].File != "upload.yaml" {
		t.Fatalf("API broken upload: %d %s", rec.Code, rec.Body)
	}
	rec = adminPost(t, h, "POST", "/api/v1/admin/sets", "application/yaml", []byte("id: x\ntitle: [\n"), c)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"line"`) {
		t.Fatalf("API YAML syntax error: %d %s", rec.Code, rec.Body)
	}
	if rec := adminPost(t, h, "POST", "/api/v1/admin/sets", "application/json", []byte("{}"), c); rec.Code != 415 {
		t.Fatalf("not YAML: %d", rec.Code)
	}
	// A version that overlaps the one in force is refused too.
	overlapping := bytes.Replace(adminNextCST(t), []byte("effective_from: 2027-01-01"), []byte("effective_from: 2024-06-01"), 1)
	if rec := adminUploadForm(t, h, "early.yaml", overlapping, c); rec.Code != 422 || !strings.Contains(rec.Body.String(), "overlaps") {
		t.Fatalf("overlapping upload: %d", rec.Code)
	}
	if ups, err := st.SetUploads(context.Background(), false); err != nil || len(ups) != 0 {
		t.Fatalf("refused uploads were stored: %v %v", ups, err)
	}
	if got := supAudit(t, st, "requirement_set.upload"); len(got) != 0 {
		t.Fatalf("refused uploads were audited: %v", got)
	}
	_ = s
}

func TestAdminUploadPreviewPublish(t *testing.T) {
	s, st, h, admin, c := adminSetup(t)
	ctx := context.Background()
	applicant := addUser(t, st, "jordan.reyes@example.org", "Jordan Reyes", auth.Applicant)
	eligible := func() *portfolio.Portfolio { return supPortfolio(t, "cst-eligible.json") }
	open := supCreate(t, s, applicant, "aasect-cst", "under_review", eligible(), nil)
	draft := supCreate(t, s, applicant, "aasect-cst", "draft", eligible(), nil)
	// Their documents are on file, or they would not be eligible now.
	recordFiles(t, s, open, applicant.ID, eligible())
	recordFiles(t, s, draft, applicant.ID, eligible())
	// An application of another set is not judged.
	supCreate(t, s, applicant, "florida-sex-therapist", "submitted", supPortfolio(t, "florida-eligible-not-aasect.json"), nil)

	next := adminNextCST(t)
	rec := adminUploadForm(t, h, "aasect-cst-2027.yaml", next, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	ups, err := st.SetUploads(ctx, false)
	if err != nil || len(ups) != 1 || ups[0].SetID != "aasect-cst" || ups[0].Version != "2027.T.1" || ups[0].Published() || ups[0].UploadedBy != admin.ID ||
		ups[0].YAML != string(next) {
		t.Fatalf("stored upload: %+v %v", ups, err)
	}
	up := strconv.FormatInt(ups[0].ID, 10)
	if loc := rec.Header().Get("Location"); loc != "/admin/sets/"+up+"/preview" {
		t.Fatalf("redirect to %s", loc)
	}
	if got := supAudit(t, st, "requirement_set.upload"); len(got) != 1 {
		t.Fatalf("audit: %v", got)
	}
	// Uploading it again is refused, clearly.
	rec = adminUploadForm(t, h, "again.yaml", next, c)
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), "uploaded before") {
		t.Fatalf("duplicate: %d %s", rec.Code, rec.Body)
	}
	if rec := adminPost(t, h, "POST", "/api/v1/admin/sets", "application/yaml", next, c); rec.Code != 409 {
		t.Fatalf("duplicate, API: %d", rec.Code)
	}
	// The list shows it as a draft.
	body := getAs(t, h, "/admin/sets", c).Body.String()
	if !strings.Contains(body, "2027.T.1") || !strings.Contains(body, `badge s-draft">draft`) {
		t.Fatalf("sets page:\n%s", body)
	}

	// The preview: both applications would turn not eligible, through SAR.
	rec = supAPI(t, h, "GET", "/api/v1/admin/sets/"+up+"/preview", "", c)
	var pv adminPreview
	if err := json.Unmarshal(rec.Body.Bytes(), &pv); err != nil || rec.Code != 200 {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body)
	}
	if pv.OpenCount != 1 || pv.DraftCount != 1 || len(pv.Open) != 1 || len(pv.Drafts) != 1 || !pv.Publishable {
		t.Fatalf("preview: %+v", pv)
	}
	row := pv.Open[0]
	if row.ApplicationID != open || row.OldVersion != "2025.T.1" || row.OldVerdict != "eligible" || row.NewVerdict != "not_eligible" ||
		len(row.Changes) != 1 || row.Changes[0].ID != "sar" || row.Changes[0].Before != "met" || row.Changes[0].After != "unmet" {
		t.Fatalf("open row: %+v", row)
	}
	if pv.Drafts[0].ApplicationID != draft {
		t.Fatalf("draft row: %+v", pv.Drafts[0])
	}
	body = getAs(t, h, "/admin/sets/"+up+"/preview", c).Body.String()
	if !strings.Contains(body, "Sexual Attitude Reassessment (SAR) (sar): met → unmet") || !strings.Contains(body, `action="/admin/sets/`+up+`/publish"`) {
		t.Fatalf("preview page:\n%s", body)
	}
	if rec := getAs(t, h, "/admin/sets/999/preview", c); rec.Code != 404 {
		t.Fatalf("unknown upload: %d", rec.Code)
	}

	// Publishing makes it live.
	rec = postForm(t, h, "/admin/sets/"+up+"/publish", url.Values{}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	var sets struct {
		Sets []setInfo `json:"requirement_sets"`
	}
	if err := json.Unmarshal(get(t, h, "/api/v1/requirement-sets").Body.Bytes(), &sets); err != nil {
		t.Fatal(err)
	}
	versions := map[string]setInfo{}
	for _, x := range sets.Sets {
		if x.ID == "aasect-cst" {
			versions[x.Version] = x
		}
	}
	if versions["2027.T.1"].EffectiveFrom != "2027-01-01" || versions["2025.T.1"].EffectiveTo != "2026-12-31" {
		t.Fatalf("published versions: %+v", versions)
	}
	if ups, _ := st.SetUploads(ctx, true); len(ups) != 1 {
		t.Fatal("the upload is not marked published")
	}
	if got := supAudit(t, st, "requirement_set.publish"); len(got) != 1 || !strings.Contains(got[0], "published aasect-cst 2027.T.1") {
		t.Fatalf("audit: %v", got)
	}
	if rec := postForm(t, h, "/admin/sets/"+up+"/publish", url.Values{}, c); rec.Code != 409 {
		t.Fatalf("publishing twice: %d", rec.Code)
	}
	// A server started later loads it.
	base, _ := requirements.Shipped()
	reg, err := LoadPublishedSets(ctx, st, base)
	if err != nil || reg.Latest("aasect-cst").Version != "2027.T.1" || len(base.Versions("aasect-cst")) != 1 {
		t.Fatalf("LoadPublishedSets: %v", err)
	}
	if s.sets().Latest("aasect-cst").Version != "2027.T.1" {
		t.Fatal("s.sets() does not hold the new version")
	}
}

func TestAdminUploadAndPublishThroughTheAPI(t *testing.T) {
	_, st, h, _, c := adminSetup(t)
	next := bytes.Replace(adminNextCST(t), []byte("id: aasect-cst\n"), []byte("id: aasect-cst-copy\n"), 1)
	rec := adminPost(t, h, "POST", "/api/v1/admin/sets?filename=copy.yaml", "application/yaml", next, c)
	var out struct {
		Upload adminUpload `json:"upload"`
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Upload.Status != "draft" || out.Upload.SetID != "aasect-cst-copy" {
		t.Fatalf("API upload: %d %s", rec.Code, rec.Body)
	}
	var list adminSetsData
	if err := json.Unmarshal(supAPI(t, h, "GET", "/api/v1/admin/sets", "", c).Body.Bytes(), &list); err != nil || len(list.Uploads) != 1 {
		t.Fatalf("API list: %+v %v", list, err)
	}
	for _, v := range list.InForce {
		if v.ID == "aasect-cst-copy" {
			t.Fatal("a draft is in force")
		}
	}
	id := strconv.FormatInt(out.Upload.ID, 10)
	if rec := adminPost(t, h, "POST", "/api/v1/admin/sets/"+id+"/publish", "application/json", nil, c); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status": "published"`) {
		t.Fatalf("API publish: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(get(t, h, "/api/v1/requirement-sets").Body.String(), `"id": "aasect-cst-copy"`) {
		t.Fatal("the new set is not listed")
	}
	list = adminSetsData{}
	json.Unmarshal(supAPI(t, h, "GET", "/api/v1/admin/sets", "", c).Body.Bytes(), &list)
	found := false
	for _, v := range list.InForce {
		found = found || (v.ID == "aasect-cst-copy" && v.Source == "upload" && v.UploadID == out.Upload.ID)
	}
	if !found {
		t.Fatalf("in force: %+v", list.InForce)
	}
	if ups, _ := st.SetUploads(context.Background(), true); len(ups) != 1 {
		t.Fatal("not published in the store")
	}
}

func TestAdminEditsRolesAudited(t *testing.T) {
	s, st, h, admin, c := adminSetup(t)
	ctx := context.Background()
	maya := addUser(t, st, "maya.okafor@example.org", "Maya Okafor", auth.Applicant)
	addUser(t, st, "jordan.reyes@example.org", "Jordan Reyes", auth.Applicant)

	body := getAs(t, h, "/admin/users?q=okafor", c).Body.String()
	if !strings.Contains(body, "Maya Okafor") || strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, `for="role-`+strconv.FormatInt(maya.ID, 10)+`-reviewer"`) {
		t.Fatalf("search:\n%s", body)
	}
	rec := postForm(t, h, "/admin/users/"+strconv.FormatInt(maya.ID, 10), url.Values{"roles": {"applicant", "supervisor", "reviewer"},
		"practice": {"Okafor Sex Therapy Associates"}, "version": {strconv.Itoa(maya.Version)}, "q": {"okafor"}}, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/users?q=okafor" {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	got, _ := st.UserByID(ctx, maya.ID)
	if auth.JoinRoles(got.Roles, ",") != "applicant,supervisor,reviewer" || got.Workplace != "Okafor Sex Therapy Associates" || got.Version != maya.Version+1 {
		t.Fatalf("stored: %+v", got)
	}
	audits := supAudit(t, st, "user.update")
	want := "user/" + strconv.FormatInt(admin.ID, 10) + " user/" + strconv.FormatInt(maya.ID, 10) +
		" roles=applicant; practice= -> roles=applicant,supervisor,reviewer; practice=Okafor Sex Therapy Associates"
	if len(audits) != 1 || audits[0] != want {
		t.Fatalf("audit: %v\nwant %s", audits, want)
	}
	// A stale version is refused.
	rec = postForm(t, h, "/admin/users/"+strconv.FormatInt(maya.ID, 10), url.Values{"roles": {"applicant"}, "version": {strconv.Itoa(maya.Version)}}, c)
	if rec.Code != 409 {
		t.Fatalf("stale: %d", rec.Code)
	}
	// An admin cannot demote themselves.
	rec = postForm(t, h, "/admin/users/"+strconv.FormatInt(admin.ID, 10), url.Values{"roles": {"staff"}, "version": {strconv.Itoa(admin.Version)}}, c)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "cannot remove your own admin role") {
		t.Fatalf("self-demotion: %d %s", rec.Code, rec.Body)
	}
	rec = supAPI(t, h, "PATCH", "/api/v1/admin/users/"+strconv.FormatInt(admin.ID, 10), `{"roles": ["applicant"], "version": `+strconv.Itoa(admin.Version)+`}`, c)
	if rec.Code != 422 {
		t.Fatalf("self-demotion, API: %d", rec.Code)
	}
	if me, _ := st.UserByID(ctx, admin.ID); !me.HasRole(auth.Admin) || me.Version != admin.Version {
		t.Fatal("the refused self-demotion changed the account")
	}
	// Through the API: an unknown role is refused; a practice alone changes.
	rec = supAPI(t, h, "PATCH", "/api/v1/admin/users/"+strconv.FormatInt(maya.ID, 10), `{"roles": ["wizard"], "version": `+strconv.Itoa(got.Version)+`}`, c)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "wizard") {
		t.Fatalf("unknown role: %d %s", rec.Code, rec.Body)
	}
	rec = supAPI(t, h, "PATCH", "/api/v1/admin/users/"+strconv.FormatInt(maya.ID, 10), `{"practice": "Elsewhere", "version": `+strconv.Itoa(got.Version)+`}`, c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"practice": "Elsewhere"`) {
		t.Fatalf("API practice: %d %s", rec.Code, rec.Body)
	}
	if got, _ := st.UserByID(ctx, maya.ID); !got.HasRole(auth.Reviewer) || got.Workplace != "Elsewhere" {
		t.Fatalf("after PATCH: %+v", got)
	}
	var users struct {
		Users []adminUserJSON `json:"users"`
	}
	if err := json.Unmarshal(supAPI(t, h, "GET", "/api/v1/admin/users?q=MAYA", "", c).Body.Bytes(), &users); err != nil || len(users.Users) != 1 || users.Users[0].Version != got.Version+1 {
		t.Fatalf("API search: %+v %v", users, err)
	}
	if rec := supAPI(t, h, "PATCH", "/api/v1/admin/users/999", `{"practice": "x", "version": 1}`, c); rec.Code != 404 {
		t.Fatalf("unknown account: %d", rec.Code)
	}
	// Another admin may demote this one.
	other := addUser(t, st, "otto.admin@example.org", "Otto Admin", auth.Admin)
	rec = supAPI(t, h, "PATCH", "/api/v1/admin/users/"+strconv.FormatInt(admin.ID, 10), `{"roles": ["staff"], "version": `+strconv.Itoa(admin.Version)+`}`, sessionFor(t, s, other))
	if rec.Code != 200 {
		t.Fatalf("demotion by another admin: %d %s", rec.Code, rec.Body)
	}
}

func TestAdminBoardSettings(t *testing.T) {
	s, st, h, _, c := adminSetup(t)
	ctx := context.Background()
	if s.boardName(ctx) != "certboard" {
		t.Fatal("the default board name")
	}
	rec := postForm(t, h, "/admin/board", url.Values{"name": {""}, "contact_email": {"not an address"}, "website": {"http://board.example.org"}, "version": {"0"}}, c)
	body := rec.Body.String()
	if rec.Code != 422 {
		t.Fatalf("invalid: %d", rec.Code)
	}
	for _, id := range []string{"b-name-error", "b-contact_email-error", "b-website-error"} {
		if !strings.Contains(body, `id="`+id+`"`) || !strings.Contains(body, `aria-describedby="`+id+`"`) {
			t.Errorf("no error %s:\n%s", id, body)
		}
	}
	if !strings.Contains(body, `value="http://board.example.org"`) {
		t.Error("the form is not refilled")
	}
	if b, _ := st.BoardSettings(ctx); b.Version != 0 {
		t.Fatal("invalid settings were stored")
	}
	form := url.Values{"name": {"Board of Sexuality Professionals"}, "short_name": {"BSP"}, "contact_email": {"office@bsp.example.org"},
		"postal_address": {"1 Main Street\nSpringfield"}, "website": {"https://bsp.example.org"}, "version": {"0"}}
	if rec := postForm(t, h, "/admin/board", form, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	b, _ := st.BoardSettings(ctx)
	if b.Name != "Board of Sexuality Professionals" || b.Website != "https://bsp.example.org" || b.PostalAddress != "1 Main Street\nSpringfield" || b.Version != 1 {
		t.Fatalf("stored: %+v", b)
	}
	if s.boardName(ctx) != "Board of Sexuality Professionals" {
		t.Fatal("boardName")
	}
	if got := supAudit(t, st, "board.settings"); len(got) != 1 || !strings.Contains(got[0], `"name":"Board of Sexuality Professionals"`) {
		t.Fatalf("audit: %v", got)
	}
	// The stale form is refused; the API sees version 1.
	if rec := postForm(t, h, "/admin/board", form, c); rec.Code != 409 {
		t.Fatalf("stale: %d", rec.Code)
	}
	rec = supAPI(t, h, "GET", "/api/v1/admin/board", "", c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"version": 1`) {
		t.Fatalf("API get: %d %s", rec.Code, rec.Body)
	}
	rec = supAPI(t, h, "PUT", "/api/v1/admin/board", `{"name": "BSP", "contact_email": "office@bsp.example.org", "website": "ftp://x", "version": 1}`, c)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "https://") {
		t.Fatalf("API invalid: %d %s", rec.Code, rec.Body)
	}
	rec = supAPI(t, h, "PUT", "/api/v1/admin/board", `{"name": " BSP ", "contact_email": "office@bsp.example.org", "version": 1}`, c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"version": 2`) || !strings.Contains(rec.Body.String(), `"name": "BSP"`) {
		t.Fatalf("API save: %d %s", rec.Code, rec.Body)
	}
}
