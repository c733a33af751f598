package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/web/account"
)

// accessWorld is the demo board, with handles on the people and objects the
// access tests aim at.
type accessWorld struct {
	s      *Server
	st     *boardsql.Store
	users  map[string]*boardsql.User // by demo local part, plus "nofactor"
	cookie map[string]*http.Cookie
	draft  *boardsql.Application // Jamie's draft, which names the supervisor
	review *boardsql.Application // Riley's, in peer review with two reviewers
	// doc is the document id the {doc} of a route becomes ("1" when empty).
	doc string
}

// app returns the demo application of an applicant (by local part).
func (w *accessWorld) app(t *testing.T, who string) *boardsql.Application {
	t.Helper()
	ctx := context.Background()
	apps, err := w.st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: w.users[who].ID})
	if err != nil || len(apps) != 1 {
		t.Fatalf("%s's applications: %d, %v", who, len(apps), err)
	}
	app, err := w.st.Application(ctx, apps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func newAccessWorld(t *testing.T) *accessWorld {
	t.Helper()
	s, st := newServer(t)
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	w := &accessWorld{s: s, st: st, users: map[string]*boardsql.User{}, cookie: map[string]*http.Cookie{}}
	for _, p := range demo.People() {
		u, err := st.UserByEmail(ctx, demoEmail(p.Local))
		if err != nil {
			t.Fatal(err)
		}
		w.users[p.Local] = u
		w.cookie[p.Local] = sessionFor(t, s, u)
	}
	// Staff without two-factor sign-in.
	nf, err := st.CreateUser(ctx, boardsql.User{Email: "nofactor@example.org", Name: "No Factor", PasswordHash: testHash(), Roles: []auth.Role{auth.Staff},
		CreatedAt: s.now(), EmailVerifiedAt: s.now()})
	if err != nil {
		t.Fatal(err)
	}
	w.users["nofactor"], _ = st.UserByID(ctx, nf)
	w.cookie["nofactor"] = sessionFor(t, s, w.users["nofactor"])
	// A regulator without two-factor sign-in.
	nr, err := st.CreateUser(ctx, boardsql.User{Email: "nofactor.regulator@example.org", Name: "No Factor Regulator", PasswordHash: testHash(),
		Roles: []auth.Role{auth.Regulator}, CreatedAt: s.now(), EmailVerifiedAt: s.now()})
	if err != nil {
		t.Fatal(err)
	}
	w.users["nofactor.regulator"], _ = st.UserByID(ctx, nr)
	w.cookie["nofactor.regulator"] = sessionFor(t, s, w.users["nofactor.regulator"])
	for _, who := range []string{"jamie", "riley"} {
		apps, err := st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: w.users[who].ID})
		if err != nil || len(apps) != 1 {
			t.Fatalf("%s's applications: %d, %v", who, len(apps), err)
		}
		app, _ := st.Application(ctx, apps[0].ID)
		if who == "jamie" {
			w.draft = app
		} else {
			w.review = app
		}
	}
	return w
}

var placeholder = regexp.MustCompile(`\{([a-z]+)(\.\.\.)?\}`)

// appRoute matches the route patterns aimed at one application.
var appRoute = regexp.MustCompile(`/(applications|queue|reviews|supervision)/\{id\}`)

// request builds a request for a route pattern aimed at an application.
func (w *accessWorld) request(t *testing.T, pattern string, app *boardsql.Application, who string) *http.Request {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern+"x"
	}
	_, p := appLoad(t, w.st, app.ID)
	item := "none"
	if len(p.Sessions) > 0 {
		item = p.Sessions[0].ID
	}
	doc := w.doc
	if doc == "" {
		doc = "1"
	}
	values := map[string]string{"id": fmt.Sprint(app.ID), "list": "supervision_sessions", "item": item, "action": "submit",
		"doc": doc, "uid": fmt.Sprint(w.users["jamie"].ID), "upload": "1", "sid": "abc"}
	path = placeholder.ReplaceAllStringFunc(path, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return v
		}
		return "1"
	})
	path = strings.TrimSuffix(path, "{$}")
	body, ctype := "{}", "application/json"
	if !strings.HasPrefix(path, "/api/") {
		body, ctype = fmt.Sprintf("version=%d&reason=because&decision=confirm", app.Version), "application/x-www-form-urlencoded"
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "198.51.100.9:4000"
	if who != "" {
		// A fresh session for every call: some routes end sessions.
		req.AddCookie(sessionFor(t, w.s, w.users[who]))
	}
	return req
}

func (w *accessWorld) call(t *testing.T, pattern string, app *boardsql.Application, who string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	w.s.Handler().ServeHTTP(rec, w.request(t, pattern, app, who))
	return rec
}

// TestEveryRouteAsEveryRole calls every registered route anonymously, as
// each role, as staff and as a regulator without two-factor sign-in, and as
// a second applicant
// against the first applicant's application, and checks each answer: the
// guard's 401, redirect or 403 where the role does not fit, 404 where the
// object is not theirs, never a server error, and nothing changed.
func TestEveryRouteAsEveryRole(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	before, err := w.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roleOf := map[string][]auth.Role{}
	for local, u := range w.users {
		roleOf[local] = u.Roles
	}
	for _, r := range w.s.Routes() {
		if r.Access == Public {
			continue
		}
		page := isPage(r.Pattern)
		hasID := appRoute.MatchString(r.Pattern)

		// Anonymous: 401 from the API, the sign-in page for browsers.
		rec := w.call(t, r.Pattern, w.draft, "")
		if page {
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
				t.Errorf("%s anonymously: %d %s, want 303 to /login", r.Pattern, rec.Code, rec.Header().Get("Location"))
			}
		} else if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s anonymously: %d, want 401", r.Pattern, rec.Code)
		}

		for _, who := range []string{"morgan", "lee.park", "tomas.silva", "staff", "admin", "nofactor", "regulator", "nofactor.regulator"} {
			u := w.users[who]
			if who == "lee.park" && r.Access == Supervisor {
				continue // he supervises Jamie: his own routes are his to use
			}
			rec := w.call(t, r.Pattern, w.draft, who)
			code := rec.Code
			if code >= 500 {
				t.Errorf("%s as %s: %d %s", r.Pattern, who, code, rec.Body)
				continue
			}
			switch {
			case !r.Access.Allows(u):
				if code != http.StatusForbidden {
					t.Errorf("%s as %s (roles %v): %d, want 403", r.Pattern, who, roleOf[who], code)
				}
			case (r.Access == Staff || r.Access == Admin || r.Access == Regulator) && !u.TwoFactor():
				if page && (code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/account/two-factor")) {
					t.Errorf("%s as %s without two factors: %d %s, want 303 to /account/two-factor", r.Pattern, who, code, rec.Header().Get("Location"))
				}
				if !page && (code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "two-factor sign-in")) {
					t.Errorf("%s as %s without two factors: %d %s, want 403 saying to turn on two-factor sign-in", r.Pattern, who, code, rec.Body)
				}
			case hasID && (who == "morgan" || who == "tomas.silva" || who == "nofactor" || who == "regulator" || who == "nofactor.regulator"):
				// No relation to Jamie's application: not found, whatever the route.
				if code != http.StatusNotFound {
					t.Errorf("%s as %s against another applicant's application: %d, want 404\n%s", r.Pattern, who, code, rec.Body)
				}
			}
			if hasID && (who == "morgan" || who == "tomas.silva" || who == "regulator") && strings.Contains(rec.Body.String(), "Jamie Patel") {
				t.Errorf("%s as %s shows Jamie's name", r.Pattern, who)
			}
		}
	}
	after, err := w.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	app, err := w.st.Application(ctx, w.draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	if app.Version != w.draft.Version || app.State != w.draft.State {
		t.Errorf("calls without access changed Jamie's application: version %d→%d, state %s→%s", w.draft.Version, app.Version, w.draft.State, app.State)
	}
	for _, e := range after[len(before):] {
		if strings.Contains(e.Subject, fmt.Sprintf("application/%d", w.draft.ID)) {
			t.Errorf("calls without access left an audit entry on Jamie's application: %+v", e)
		}
	}
}

// TestRelationsGrantTheirObjects checks the positive side: each relation
// reaches the application it holds and no other.
func TestRelationsGrantTheirObjects(t *testing.T) {
	w := newAccessWorld(t)
	cases := []struct {
		who, path string
		app       *boardsql.Application
		want      int
	}{
		{"jamie", "/applications/%d", w.draft, 200},
		{"riley", "/applications/%d", w.draft, 404},
		{"lee.park", "/supervision/%d", w.draft, 200},
		{"lee.park", "/api/v1/supervision/%d", w.draft, 200},
		{"priya.raman", "/reviews/%d", w.review, 200},
		{"priya.raman", "/reviews/%d", w.draft, 404},
		{"grace.kim", "/reviews/%d", w.review, 404},
		{"staff", "/queue/%d", w.review, 200},
		{"admin", "/queue/%d", w.review, 200},
		{"jamie", "/api/v1/applications/%d", w.draft, 200},
		{"riley", "/api/v1/applications/%d", w.draft, 404},
		{"priya.raman", "/api/v1/applications/%d", w.review, 200},
		{"staff", "/api/v1/applications/%d/portfolio", w.draft, 200},
	}
	for _, c := range cases {
		rec := getAs(t, w.s.Handler(), fmt.Sprintf(c.path, c.app.ID), w.cookie[c.who])
		if rec.Code != c.want {
			t.Errorf("GET %s as %s: %d, want %d", fmt.Sprintf(c.path, c.app.ID), c.who, rec.Code, c.want)
		}
	}
}

// TestApplicantNeverSeesReviewers checks that the applicant's dashboard
// shows the report and history but not who reviews them or how they voted.
func TestApplicantNeverSeesReviewers(t *testing.T) {
	w := newAccessWorld(t)
	rec := getAs(t, w.s.Handler(), fmt.Sprintf("/applications/%d", w.review.ID), w.cookie["riley"])
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Eligibility today") || !strings.Contains(body, "send to peer review") {
		t.Fatalf("dashboard: %d\n%s", rec.Code, body)
	}
	for _, secret := range []string{"Priya Raman", "Tomás Silva", "assign reviewer", "review vote"} {
		if strings.Contains(body, secret) {
			t.Errorf("the applicant's dashboard shows %q", secret)
		}
	}
}

// TestForbiddenPageIsAPage checks that a browser refused for want of a role
// gets an HTML page in the layout, and a program problem+json.
func TestForbiddenPageIsAPage(t *testing.T) {
	s, st := newServer(t)
	c := sessionFor(t, s, addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant))
	rec := getAs(t, s.Handler(), "/queue", c)
	if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "<h1>Not allowed</h1>") {
		t.Fatalf("page: %d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	rec = getAs(t, s.Handler(), "/api/v1/reviews", c)
	if rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// TestDecidedApplicationClosesToReviewersAndSupervisors: once an
// application is decided, its assigned reviewers and the supervisor it
// names reach none of it. Every route aimed at it answers 404 (or the role
// guard's 403), but for the reviewer's page, which says only when it was
// decided and how they voted; the supervisor's lists drop it; nothing is
// downloaded, voted or confirmed. Riley's application, undecided, stays
// open to the same people.
func TestDecidedApplicationClosesToReviewersAndSupervisors(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	decided := w.app(t, "jordan") // approved; Priya and Tomás voted, Lee Park supervised
	if decided.State != "approved" {
		t.Fatalf("Jordan's application is %s", decided.State)
	}
	// A file on record, so that a download would have something to send.
	data := docPDF(t)
	sum := sha256.Sum256(data)
	doc := boardsql.Document{ApplicationID: decided.ID, ItemID: "doc-on-record", Filename: "transcript.pdf", ContentType: "application/pdf",
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), BlobKey: docBlobKey(decided.ID), UploadedBy: w.users["jordan"].ID, CreatedAt: w.s.now()}
	if err := w.s.cfg.Files.Put(ctx, doc.BlobKey, data); err != nil {
		t.Fatal(err)
	}
	if err := w.s.inTx(ctx, func(tx *boardsql.Tx) error {
		var err error
		doc.ID, err = tx.AddDocument(ctx, doc)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	w.doc = fmt.Sprint(doc.ID)
	// The owner still downloads it: the file is there to be had.
	if rec := getAs(t, h, fmt.Sprintf("/api/v1/applications/%d/documents/%d", decided.ID, doc.ID), w.cookie["jordan"]); rec.Code != 200 {
		t.Fatalf("the owner's download: %d", rec.Code)
	}
	before, err := w.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"priya.raman", "tomas.silva", "lee.park"} {
		for _, r := range w.s.Routes() {
			if r.Access == Public || !appRoute.MatchString(r.Pattern) {
				continue
			}
			want := http.StatusNotFound
			switch {
			case !r.Access.Allows(w.users[who]):
				want = http.StatusForbidden
			case r.Pattern == "GET /reviews/{id}" && who != "lee.park":
				want = http.StatusOK
			}
			if rec := w.call(t, r.Pattern, decided, who); rec.Code != want {
				t.Errorf("%s as %s on the decided application: %d, want %d\n%.300s", r.Pattern, who, rec.Code, want, rec.Body)
			}
		}
	}

	// The reviewer's page: the decision and their vote, nothing of the file.
	rec := getAs(t, h, fmt.Sprintf("/reviews/%d", decided.ID), w.cookie["priya.raman"])
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, ">approved</span> on ") || !strings.Contains(body, "Your vote was <strong>approve</strong>") {
		t.Fatalf("the reviewer's page of the decided application: %d\n%s", rec.Code, body)
	}
	for _, secret := range []string{"Submitted evidence", "Eligibility", "/documents", "Vote</button>", "conflict-reason"} {
		if strings.Contains(body, secret) {
			t.Errorf("the reviewer's page of the decided application shows %q", secret)
		}
	}
	if rec := getAs(t, h, "/reviews", w.cookie["priya.raman"]); !strings.Contains(rec.Body.String(), fmt.Sprintf(`href="/reviews/%d"`, decided.ID)) {
		t.Errorf("the reviewer's list no longer lists the decided application")
	}

	// The supervisor's lists drop it and keep the undecided ones.
	for _, path := range []string{"/supervision", "/api/v1/supervision"} {
		body := getAs(t, h, path, w.cookie["lee.park"]).Body.String()
		if strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, "Riley Chen") {
			t.Errorf("%s: the decided application listed, or the undecided one not:\n%s", path, body)
		}
	}

	// The same people still reach the undecided application.
	for _, c := range []struct{ who, path string }{
		{"priya.raman", "/reviews/%d"}, {"priya.raman", "/api/v1/applications/%d"}, {"priya.raman", "/applications/%d/documents"},
		{"lee.park", "/supervision/%d"}, {"lee.park", "/api/v1/supervision/%d"},
	} {
		if rec := getAs(t, h, fmt.Sprintf(c.path, w.review.ID), w.cookie[c.who]); rec.Code != 200 {
			t.Errorf("GET %s as %s on the undecided application: %d", fmt.Sprintf(c.path, w.review.ID), c.who, rec.Code)
		}
	}

	after, err := w.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after[len(before):] {
		if strings.Contains(e.Subject, fmt.Sprintf("application/%d", decided.ID)) {
			t.Errorf("a reviewer or supervisor left an audit entry on the decided application: %+v", e)
		}
	}
	if app, _ := w.st.Application(ctx, decided.ID); app.Version != decided.Version {
		t.Errorf("the decided application changed: version %d→%d", decided.Version, app.Version)
	}
}

// TestRegulatorsNeedTwoFactor: a regulator without two-factor sign-in is
// sent to set it up from the look-up form, refused (403, saying how) by the
// API, and told so on the account, two-factor and title-check pages; no API
// token is made for them; a regulator who has it cannot turn it off.
func TestRegulatorsNeedTwoFactor(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	nf := w.cookie["nofactor.regulator"]
	creds, err := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	before, _ := w.st.AuditLog(ctx)

	rec := postForm(t, h, "/title-check/person", url.Values{"credential": {creds[0].ID}}, nf)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account/two-factor?required=1" {
		t.Errorf("look-up form without two factors: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	rec = openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+creds[0].ID, "", nf)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "turn on two-factor sign-in") {
		t.Errorf("API look-up without two factors: %d %s", rec.Code, rec.Body)
	}
	for path, want := range map[string]string{
		"/account":            "and regulators before they look people up",
		"/account/two-factor": "and regulators before they look people up",
		"/title-check":        "Turn on two-factor sign-in",
	} {
		body := getAs(t, h, path, nf).Body.String()
		if !strings.Contains(body, want) {
			t.Errorf("%s does not say %q", path, want)
		}
		if strings.Contains(body, `action="/title-check/person"`) {
			t.Errorf("%s offers the look-up form to a regulator without two factors", path)
		}
	}
	rec = openAPICall(t, h, "POST", "/api/v1/tokens", `{"name":"registry checks"}`, nf)
	if rec.Code != http.StatusForbidden {
		t.Errorf("token for a regulator without two factors: %d %s", rec.Code, rec.Body)
	}
	if toks, _ := w.st.APITokens(ctx, w.users["nofactor.regulator"].ID); len(toks) != 0 {
		t.Errorf("%d tokens made", len(toks))
	}
	rec = postForm(t, h, "/account/two-factor/disable", url.Values{"code": {"123456"}}, w.cookie["regulator"])
	if u, err := w.st.UserByID(ctx, w.users["regulator"].ID); err != nil || rec.Code != http.StatusForbidden || !u.TwoFactor() {
		t.Errorf("a regulator turning two-factor sign-in off: %d (%v)", rec.Code, err)
	}
	after, _ := w.st.AuditLog(ctx)
	for _, e := range after[len(before):] {
		if e.Action == "title_check.lookup" {
			t.Errorf("a look-up without two factors was made: %+v", e)
		}
	}
}

// TestRegulatorLookUpNeverShowsPrivateHolder: a regulator's look-up of a
// holder whose credential is not public, or whose profile is hidden from
// the registry, answers exactly as for an unknown id (page and API), and is
// not recorded; staff, who see every credential, still may.
func TestRegulatorLookUpNeverShowsPrivateHolder(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	reg := w.cookie["regulator"]
	credOf := func(local string) *boardsql.IssuedCredential {
		t.Helper()
		u, err := w.st.UserByEmail(ctx, demoEmail(local))
		if err != nil {
			t.Fatal(err)
		}
		creds, err := w.st.CredentialsOf(ctx, u.ID)
		if err != nil || len(creds) != 1 {
			t.Fatalf("%s: %d %v", local, len(creds), err)
		}
		return creds[0]
	}
	hidden := credOf("noor.haddad") // public credential, hidden profile
	if !hidden.Public {
		t.Fatal("Noor's credential is not public")
	}
	private := credOf("amara.osei") // listed; her credential is made private here
	if rec := openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+private.ID, "", reg); rec.Code != 200 {
		t.Fatalf("a listed holder: %d %s", rec.Code, rec.Body)
	}
	if err := w.s.inTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialPublic(ctx, private.ID, false) }); err != nil {
		t.Fatal(err)
	}
	const unknown = "0f3c5e2a-1111-4222-8333-944455556666"
	answer := func(id string) (api, page string) {
		rec := openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+id, "", reg)
		pg := postForm(t, h, "/title-check/person", url.Values{"credential": {id}}, reg)
		api = fmt.Sprintf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), strings.ReplaceAll(rec.Body.String(), id, "ID"))
		page = fmt.Sprintf("%d %s", pg.Code, strings.ReplaceAll(pg.Body.String(), id, "ID"))
		return api, page
	}
	wantAPI, wantPage := answer(unknown)
	if !strings.HasPrefix(wantAPI, "404 ") || !strings.HasPrefix(wantPage, "404 ") {
		t.Fatalf("unknown id: %s\n%s", wantAPI, wantPage)
	}
	before, _ := w.st.AuditLog(ctx)
	for name, c := range map[string]*boardsql.IssuedCredential{"hidden profile": hidden, "private credential": private} {
		api, page := answer(c.ID)
		if api != wantAPI {
			t.Errorf("%s: the API answers\n%s\nnot as for an unknown id:\n%s", name, api, wantAPI)
		}
		if page != wantPage {
			t.Errorf("%s: the page answers differently from an unknown id (%.40s…)", name, page)
		}
	}
	after, _ := w.st.AuditLog(ctx)
	if len(after) != len(before) {
		t.Errorf("refused look-ups wrote %d audit entries", len(after)-len(before))
	}
	for _, c := range []*boardsql.IssuedCredential{hidden, private} {
		if rec := openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+c.ID, "", w.cookie["staff"]); rec.Code != 200 {
			t.Errorf("staff's look-up of %s: %d", c.ID, rec.Code)
		}
	}
}

// TestMadeRegulatorSignsInAgain: like a user made staff, a user made a
// regulator loses the sessions and tokens they had, which were not signed
// in with the two factors the role needs.
func TestMadeRegulatorSignsInAgain(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	admin := addUser(t, st, "admin@example.org", "Ada Admin", auth.Admin)
	u := addUser(t, st, "rhea@example.org", "Rhea Soon-Regulator", auth.Applicant)
	old := sessionFor(t, s, u)
	if rec := getAs(t, h, "/api/v1/me", old); rec.Code != 200 {
		t.Fatalf("before: %d", rec.Code)
	}
	rec := callJSON(t, h, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", u.ID), fmt.Sprintf(`{"roles":["applicant","regulator"],"version":%d}`, u.Version), sessionFor(t, s, admin))
	if rec.Code != 200 {
		t.Fatalf("make regulator: %d %s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/api/v1/me", old); rec.Code != 401 {
		t.Fatalf("the old session still works after being made a regulator: %d", rec.Code)
	}
}

// TestFailedVoteOnADecidedApplicationShowsNoEvidence: a vote that loses the
// race with the decision is answered with the reviewer's page as it stands
// now; once the application is decided, that page holds no evidence.
func TestFailedVoteOnADecidedApplicationShowsNoEvidence(t *testing.T) {
	w := newAccessWorld(t)
	decided := w.app(t, "jordan") // approved; Priya voted
	req := httptest.NewRequest("POST", fmt.Sprintf("/reviews/%d/vote", decided.ID), nil)
	req.SetPathValue("id", fmt.Sprint(decided.ID))
	req = req.WithContext(account.WithUser(req.Context(), w.users["priya.raman"]))
	rec := httptest.NewRecorder()
	w.s.showReview(rec, req, decided.ID, http.StatusConflict, map[string]string{"vote": "decided meanwhile"}, "")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "decided") || strings.Contains(body, "Clinical hours") || strings.Contains(body, "Vote") && strings.Contains(body, "<textarea") {
		t.Fatalf("the failed vote's page of a decided application: %d\n%.600s", rec.Code, body)
	}
}
