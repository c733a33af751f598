package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
)

// registryWorld is the demo board and the registry's answer about it.
type registryWorld struct {
	s     *Server
	st    *boardsql.Store
	h     http.Handler
	users map[string]*boardsql.User
}

func newRegistryWorld(t *testing.T) *registryWorld {
	t.Helper()
	s, st := newServer(t)
	if _, err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := &registryWorld{s: s, st: st, h: s.Handler(), users: map[string]*boardsql.User{}}
	for _, local := range []string{"jordan", "staff", "riley", "amara.osei", "noor.haddad", "mei.tanaka"} {
		u, err := st.UserByEmail(context.Background(), demoEmail(local))
		if err != nil {
			t.Fatal(err)
		}
		w.users[local] = u
	}
	return w
}

// search calls the API anonymously, checks the answer against the
// OpenAPI document, and decodes it.
func (w *registryWorld) search(t *testing.T, query string) (int, registryResult) {
	t.Helper()
	rec := openAPICall(t, w.h, "GET", "/api/v1/registry?"+query, "", nil)
	openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "get", "/api/v1/registry", rec)
	var res registryResult
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
	}
	return rec.Code, res
}

func entryNames(res registryResult) []string {
	var out []string
	for _, e := range res.Entries {
		out = append(out, e.Name)
	}
	return out
}

// statusOf gives the status of each listed credential by holder name.
func statusOf(res registryResult) map[string]string {
	out := map[string]string{}
	for _, e := range res.Entries {
		for _, c := range e.Credentials {
			out[e.Name] = c.Status
			if c.Valid != (c.Status == "valid") {
				out[e.Name] = "INCONSISTENT " + c.Status
			}
		}
	}
	return out
}

func TestRegistryAPIListsTheDemo(t *testing.T) {
	w := newRegistryWorld(t)
	code, res := w.search(t, "")
	if code != 200 {
		t.Fatalf("empty q: %d", code)
	}
	got := statusOf(res)
	want := map[string]string{"Jordan Reyes": "valid", "Dr. Amara Osei": "valid", "Lucía Fernández": "valid", "Dr. Henrik Lund": "suspended",
		"Mei Tanaka": "expired", "Rafael Costa": "revoked"}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: status %q, want %q (all: %v)", name, got[name], st, got)
		}
	}
	if _, ok := got["Noor Haddad"]; ok {
		t.Error("a hidden profile is listed")
	}
	if res.Total != len(res.Entries) || !res.TotalExact || res.Page != 1 {
		t.Errorf("total %d exact %v page %d for %d entries", res.Total, res.TotalExact, res.Page, len(res.Entries))
	}
	// Each entry links its hosted credential, which anyone can open.
	for _, e := range res.Entries {
		for _, c := range e.Credentials {
			if c.URL != "/credentials/"+c.ID {
				t.Errorf("%s: url %q", e.Name, c.URL)
			}
		}
	}
	jordan := res.Entries[slices.IndexFunc(res.Entries, func(e registryEntryJSON) bool { return e.Name == "Jordan Reyes" })]
	if rec := getAs(t, w.h, jordan.Credentials[0].URL, nil); rec.Code != 200 {
		t.Errorf("jordan's credential anonymously: %d", rec.Code)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"q=jor", []string{"Jordan Reyes"}},
		{"q=JORDAN+cst", []string{"Jordan Reyes"}},
		{"q=montreal", nil},
		{"q=fernandez", []string{"Lucía Fernández"}},
		{"q=catalan", []string{"Lucía Fernández"}},
		{"q=painful", []string{"Lucía Fernández"}},
		{"specialty=pain&country=es", []string{"Lucía Fernández"}},
		{"country=CA", []string{"Dr. Amara Osei", "Mei Tanaka"}},
		{"region=british+columbia", []string{"Mei Tanaka"}},
		{"city=chicago&telehealth=yes&language=es", []string{"Jordan Reyes"}},
		{"language=Spanish&telehealth=no", []string{"Rafael Costa"}},
		{"credential=aasect-cst&q=lund", []string{"Dr. Henrik Lund"}},
		{"credential=florida-sex-therapist", nil},
		{"q=%22jor%22+OR+*+NEAR%28%29+-+%27", nil},
	} {
		code, res := w.search(t, c.query)
		if code != 200 || !slices.Equal(entryNames(res), c.want) {
			t.Errorf("%s: %d %v, want %v", c.query, code, entryNames(res), c.want)
		}
	}
	// Pages: by number and by cursor, the same entries.
	_, p1 := w.search(t, "limit=2")
	_, p2 := w.search(t, "limit=2&page=2")
	_, c2 := w.search(t, "limit=2&cursor="+p1.NextCursor)
	if len(p1.Entries) != 2 || p1.NextCursor == "" || !slices.Equal(entryNames(p2), entryNames(c2)) || len(p2.Entries) != 2 || c2.Page != 0 || c2.Total != res.Total {
		t.Errorf("pages: %v / %v / %v (cursor %q, total %d)", entryNames(p1), entryNames(p2), entryNames(c2), p1.NextCursor, c2.Total)
	}
	for _, bad := range []string{"page=0", "limit=101", "telehealth=maybe", "specialty=bogus", "country=XX", "language=klingon", "cursor=abc", "page=2&cursor=5", "page=999999"} {
		rec := openAPICall(t, w.h, "GET", "/api/v1/registry?"+bad, "", nil)
		field, _, _ := strings.Cut(bad, "=")
		if strings.Contains(bad, "&") {
			field = "cursor"
		}
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"detail":"`+field+":") {
			t.Errorf("%s: %d %s", bad, rec.Code, rec.Body)
		}
		openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "get", "/api/v1/registry", rec)
	}
}

func TestRegistryStatusIsLive(t *testing.T) {
	w := newRegistryWorld(t)
	_, res := w.search(t, "q=amara")
	if len(res.Entries) != 1 || !res.Entries[0].Credentials[0].Valid {
		t.Fatalf("amara: %+v", res.Entries)
	}
	id := res.Entries[0].Credentials[0].ID
	// Staff suspend the credential: the registry says so at once.
	rec := postForm(t, w.h, "/credentials/"+id+"/status", url.Values{"action": {"suspend"}, "reason": {"Audit pending."}}, sessionFor(t, w.s, w.users["staff"]))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("suspending: %d %s", rec.Code, rec.Body)
	}
	if _, res := w.search(t, "q=amara"); statusOf(res)["Dr. Amara Osei"] != "suspended" {
		t.Errorf("after suspension: %v", statusOf(res))
	}
	page := getAs(t, w.h, "/registry?q=amara", nil).Body.String()
	if !strings.Contains(page, "not valid: suspended") || strings.Contains(page, `s-met">valid<`) {
		t.Errorf("the page does not say suspended:\n%s", page)
	}
	// Time passes: Jordan's credential expires without anyone acting.
	w.s.cfg.Now = func() time.Time { return time.Now().AddDate(4, 0, 0) }
	if _, res := w.search(t, "q=jordan"); statusOf(res)["Jordan Reyes"] != "expired" {
		t.Errorf("four years on: %v", statusOf(res))
	}
	// The holder makes the credential private: the listing goes.
	_, res = w.search(t, "q=jordan")
	jid := res.Entries[0].Credentials[0].ID
	rec = postForm(t, w.h, "/credentials/"+jid+"/visibility", url.Values{"public": {"false"}}, sessionFor(t, w.s, w.users["jordan"]))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("making it private: %d", rec.Code)
	}
	if _, res := w.search(t, "q=jordan"); len(res.Entries) != 0 {
		t.Errorf("listed with no public credential: %v", entryNames(res))
	}
}

func TestRegistryPage(t *testing.T) {
	w := newRegistryWorld(t)
	rec := getAs(t, w.h, "/registry", nil)
	body := rec.Body.String()
	if rec.Code != 200 || strings.Count(body, "<h1>") != 1 {
		t.Fatalf("page: %d\n%s", rec.Code, body)
	}
	for _, want := range []string{`<form method="get" action="/registry"`, `<label for="r-q">`, "Jordan Reyes", "Lucía Fernández", "not valid: expired", "not valid: revoked",
		"not valid: suspended", `href="/credentials/`, "Painful intercourse", "Spanish"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "Noor Haddad") {
		t.Error("the page lists a hidden profile")
	}
	rec = getAs(t, w.h, "/registry?specialty=pain&country=es", nil)
	if body := rec.Body.String(); !strings.Contains(body, "Lucía Fernández") || strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, `<option value="pain" selected>`) {
		t.Errorf("filtered page:\n%s", body)
	}
	rec = getAs(t, w.h, "/registry?limit=2", nil)
	if body := rec.Body.String(); !strings.Contains(body, `rel="next"`) || !strings.Contains(body, "page=2") {
		t.Errorf("no next page link:\n%s", body)
	}
	rec = getAs(t, w.h, "/registry?country=Narnia", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "country: give a two-letter") {
		t.Errorf("bad filter: %d\n%s", rec.Code, rec.Body)
	}
}

func TestRegistryCSV(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	// A name that a spreadsheet would run as a formula.
	noor := w.users["noor.haddad"]
	p, err := w.st.Profile(ctx, noor.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.DisplayName, p.Practice, p.Visible = `=HYPERLINK("http://evil.example","x")`, "@SUM(A1), \"quoted\"", true
	if _, errs, err := w.s.saveProfile(ctx, noor, *p); err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if rec := getAs(t, w.h, "/staff/registry.csv", sessionFor(t, w.s, w.users["jordan"])); rec.Code != http.StatusForbidden {
		t.Errorf("as an applicant: %d", rec.Code)
	}
	if rec := getAs(t, w.h, "/staff/registry.csv", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymously: %d", rec.Code)
	}
	before, _ := w.st.AuditLog(ctx)
	rec := getAs(t, w.h, "/staff/registry.csv", sessionFor(t, w.s, w.users["staff"]))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("as staff: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			t.Fatalf("row %v", r)
		}
		status[r[1]] = r[14]
		if r[1] == `'=HYPERLINK("http://evil.example","x")` && r[2] != "'@SUM(A1), \"quoted\"" {
			t.Errorf("practice cell %q", r[2])
		}
	}
	want := map[string]string{"Jordan Reyes": "valid", "Dr. Henrik Lund": "suspended", "Mei Tanaka": "expired", "Rafael Costa": "revoked",
		`'=HYPERLINK("http://evil.example","x")`: "valid"}
	for name, st := range want {
		if status[name] != st {
			t.Errorf("%s: %q, want %q (%v)", name, status[name], st, status)
		}
	}
	after, _ := w.st.AuditLog(ctx)
	if len(after) != len(before)+1 || after[len(after)-1].Action != "registry.export" {
		t.Errorf("the export is not audited: %+v", after[len(before):])
	}
}

func TestProfileForm(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	riley := w.users["riley"]
	c := sessionFor(t, w.s, riley)
	rec := getAs(t, w.h, "/account/profile", c)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `value="Riley Chen"`) || !strings.Contains(rec.Body.String(), "at least one of your credentials is public") {
		t.Fatalf("new profile page: %d\n%s", rec.Code, rec.Body)
	}
	good := url.Values{"version": {"0"}, "display_name": {"Riley Chen, LMFT"}, "city": {"Evanston"}, "region": {"Illinois"}, "country": {"us"},
		"specialties": {"relationship", "desire"}, "telehealth": {"true"}, "languages": {"English, es"}, "practice": {"Lakeview"},
		"website": {"https://riley.example.org"}, "email": {"riley@example.org"}, "visible": {"true"}}
	before, _ := w.st.AuditLog(ctx)
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("display_name", " ")
	bad.Set("country", "XX")
	bad.Set("website", "ftp://x")
	bad.Set("email", "not an address")
	bad["specialties"] = []string{"relationship", "bogus"}
	bad.Set("languages", "English, Klingon")
	rec = postForm(t, w.h, "/account/profile", bad, c)
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad profile: %d", rec.Code)
	}
	for _, field := range []string{"display_name", "country", "website", "email", "specialties", "languages"} {
		if !strings.Contains(body, `id="pf-`+field+`-error">`+field+":") {
			t.Errorf("the page does not name %s:\n%s", field, body)
		}
	}
	if !strings.Contains(body, `value="ftp://x"`) {
		t.Error("the form is not refilled")
	}
	if _, err := w.st.Profile(ctx, riley.ID); err == nil {
		t.Error("a bad profile was saved")
	}
	if after, _ := w.st.AuditLog(ctx); len(after) != len(before) {
		t.Error("a bad profile was audited")
	}
	rec = postForm(t, w.h, "/account/profile", good, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("good profile: %d %s", rec.Code, rec.Body)
	}
	p, err := w.st.Profile(ctx, riley.ID)
	if err != nil || p.Version != 1 || p.Country != "US" || !slices.Equal(p.Languages, []string{"en", "es"}) || !slices.Equal(p.Specialties, []string{"desire", "relationship"}) || !p.Telehealth || !p.Visible {
		t.Fatalf("saved: %+v %v", p, err)
	}
	after, _ := w.st.AuditLog(ctx)
	if last := after[len(after)-1]; last.Action != "profile.save" || !strings.Contains(last.After, "Riley Chen, LMFT") {
		t.Errorf("audit: %+v", last)
	}
	// Riley holds no credential: not listed, whatever the profile says.
	if _, res := w.search(t, "q=riley"); len(res.Entries) != 0 {
		t.Errorf("listed without a credential: %v", entryNames(res))
	}
	// A save from a stale page is refused and changes nothing.
	good.Set("city", "Skokie")
	if rec := postForm(t, w.h, "/account/profile", good, c); rec.Code != http.StatusConflict {
		t.Errorf("stale save: %d", rec.Code)
	}
	if p, _ := w.st.Profile(ctx, riley.ID); p.City != "Evanston" {
		t.Errorf("stale save changed the city to %s", p.City)
	}
	// Hiding Jordan's profile takes Jordan out of the registry.
	jc := sessionFor(t, w.s, w.users["jordan"])
	jp, _ := w.st.Profile(ctx, w.users["jordan"].ID)
	f := profileForm(jp)
	f.Del("visible")
	if rec := postForm(t, w.h, "/account/profile", f, jc); rec.Code != http.StatusSeeOther {
		t.Fatalf("hiding: %d %s", rec.Code, rec.Body)
	}
	if _, res := w.search(t, "q=jordan"); len(res.Entries) != 0 {
		t.Errorf("hidden but listed: %v", entryNames(res))
	}
}

func TestProfileAPI(t *testing.T) {
	w := newRegistryWorld(t)
	doc, comp := openAPIDocument(t), openAPICompiler(t)
	c := sessionFor(t, w.s, w.users["riley"])
	call := func(method, body string, c *http.Cookie) *httptest.ResponseRecorder {
		rec := openAPICall(t, w.h, method, "/api/v1/profile", body, c)
		openAPICheckAnswer(t, comp, doc, strings.ToLower(method), "/api/v1/profile", rec)
		return rec
	}
	if rec := call("GET", "", nil); rec.Code != 401 {
		t.Errorf("anonymously: %d", rec.Code)
	}
	if rec := call("GET", "", c); rec.Code != 404 {
		t.Errorf("no profile yet: %d", rec.Code)
	}
	rec := call("PUT", `{"version":0,"display_name":"","country":"Canada","specialties":["nope"],"languages":["xx"]}`, c)
	var prob struct {
		Errors map[string]string `json:"errors"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &prob)
	if rec.Code != 422 || prob.Errors["display_name"] == "" || prob.Errors["country"] == "" || prob.Errors["specialties"] == "" || prob.Errors["languages"] == "" {
		t.Errorf("bad profile: %d %s", rec.Code, rec.Body)
	}
	if rec := call("PUT", `{"version":0,"display_name":"Riley","unknown":1}`, c); rec.Code != 400 {
		t.Errorf("unknown member: %d", rec.Code)
	}
	rec = call("PUT", `{"version":0,"display_name":"Riley Chen","city":"Evanston","country":"US","specialties":["pain"],"languages":["Spanish"],"visible":true}`, c)
	var p profileJSON
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != 200 || p.Version != 1 || !slices.Equal(p.Languages, []string{"es"}) || p.Listed {
		t.Errorf("first save: %d %s", rec.Code, rec.Body)
	}
	if rec := call("PUT", `{"version":0,"display_name":"Again"}`, c); rec.Code != 409 {
		t.Errorf("second first save: %d", rec.Code)
	}
	// Jordan is listed.
	rec = call("GET", "", sessionFor(t, w.s, w.users["jordan"]))
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != 200 || !p.Listed || !p.Visible || p.Country != "US" {
		t.Errorf("jordan: %d %s", rec.Code, rec.Body)
	}
}

// TestRegistryPageNumberBounds: a page number whose offset overflows an
// int is refused like any page too deep, not read as a negative offset.
func TestRegistryPageNumberBounds(t *testing.T) {
	w := newRegistryWorld(t)
	for _, q := range []string{"page=922337203685477581", "page=922337203685477581&limit=20", "page=9223372036854775807&limit=100", "page=5002"} {
		code, res := w.search(t, q)
		if code != 400 {
			t.Errorf("%s: %d, total %d, %d entries", q, code, res.Total, len(res.Entries))
		}
	}
	if code, _ := w.search(t, "page=5001"); code != 200 {
		t.Errorf("the deepest page by number: %d", code)
	}
	if rec := getAs(t, w.h, "/registry?page=922337203685477581", nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "page: ") {
		t.Errorf("page: %d", rec.Code)
	}
}

// TestRegistryDisclosesOnlyWhatIsPublic: the search, the page and the
// export show a listed holder's public credentials with their status, and
// never a private credential, the reason of a suspension or revocation, or
// the account's e-mail address.
func TestRegistryDisclosesOnlyWhatIsPublic(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	henrik, err := w.st.UserByEmail(ctx, demoEmail("henrik.lund"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := w.st.CredentialsOf(ctx, henrik.ID)
	if err != nil || len(creds) != 1 || creds[0].SuspendReason == "" {
		t.Fatalf("%+v %v", creds, err)
	}
	reason := creds[0].SuspendReason
	// Jordan's private second credential: issued, never made public.
	jordan := w.users["jordan"]
	jc, err := w.st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(jc) != 1 {
		t.Fatalf("%+v %v", jc, err)
	}
	private := *jc[0]
	private.ID, private.Public = "private-second-credential", false
	private.RevocationIndex, private.SuspensionIndex = private.RevocationIndex+1, private.SuspensionIndex+1
	if err := w.st.InTx(ctx, func(tx *boardsql.Tx) error { return tx.AddCredential(ctx, private) }); err != nil {
		t.Fatal(err)
	}
	rec := openAPICall(t, w.h, "GET", "/api/v1/registry?limit=100", "", nil)
	page := getAs(t, w.h, "/registry?limit=100", nil)
	csvRec := getAs(t, w.h, "/staff/registry.csv", sessionFor(t, w.s, w.users["staff"]))
	for what, body := range map[string]string{"API": rec.Body.String(), "page": page.Body.String(), "CSV": csvRec.Body.String()} {
		if !strings.Contains(body, "Henrik Lund") || !strings.Contains(body, "suspended") {
			t.Errorf("%s: Henrik or his status missing", what)
		}
		for _, secret := range []string{reason, "ethics hearing", private.ID, jordan.Email, henrik.Email, "Noor Haddad"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s discloses %q", what, secret)
			}
		}
	}
}

// TestProfileAPIFullLengthProfile: a profile at every field's limit saves
// through the API even when the client escapes every character; a holder
// id in the body is refused, and a save only ever touches the caller's own
// profile.
func TestProfileAPIFullLengthProfile(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	riley := w.users["riley"]
	c := sessionFor(t, w.s, riley)
	esc := func(n int) string { return strings.Repeat(`\u00e9`, n) }
	body := `{"version":0,"display_name":"R` + esc(119) + `","city":"` + esc(100) + `","region":"` + esc(100) + `","practice":"` + esc(200) +
		`","statement":"` + esc(1000) + `","country":"US","visible":true}`
	if len(body) <= 8192 {
		t.Fatalf("the body is only %d bytes", len(body))
	}
	rec := openAPICall(t, w.h, "PUT", "/api/v1/profile", body, c)
	if rec.Code != 200 {
		t.Fatalf("a profile within the limits, %d bytes: %d %s", len(body), rec.Code, rec.Body)
	}
	p, err := w.st.Profile(ctx, riley.ID)
	if err != nil || len([]rune(p.Statement)) != 1000 {
		t.Fatalf("%v %d", err, len([]rune(p.Statement)))
	}
	// Someone else's id in the body: refused, nothing changed.
	jordan := w.users["jordan"]
	before, err := w.st.Profile(ctx, jordan.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec = openAPICall(t, w.h, "PUT", "/api/v1/profile", fmt.Sprintf(`{"version":%d,"holder_id":%d,"display_name":"Taken Over"}`, before.Version, jordan.ID), c)
	if rec.Code != 400 {
		t.Errorf("holder_id in the body: %d", rec.Code)
	}
	// The form saves the caller's own profile, whatever it names.
	rec = postForm(t, w.h, "/account/profile", url.Values{"version": {fmt.Sprint(before.Version)}, "display_name": {"Taken Over"},
		"holder_id": {fmt.Sprint(jordan.ID)}, "visible": {"true"}}, c)
	after, err := w.st.Profile(ctx, jordan.ID)
	if err != nil || after.DisplayName != before.DisplayName || after.Version != before.Version {
		t.Errorf("jordan's profile changed by riley's save (%d): %+v", rec.Code, after)
	}
	if rec := openAPICall(t, w.h, "PUT", "/api/v1/profile", `{"version":0,"display_name":"`+strings.Repeat("x", 70000)+`"}`, c); rec.Code != 413 ||
		!strings.Contains(rec.Body.String(), "The body is larger than 64 KiB.") {
		t.Errorf("a body past 64 KiB: %d %s", rec.Code, rec.Body)
	}
}

// TestRegistryAcceptingReferrals: holders say in their profile whether
// they accept referrals; the API and the page filter by it (accepting=yes
// or no) and show it, and the answers match the OpenAPI document.
func TestRegistryAcceptingReferrals(t *testing.T) {
	w := newRegistryWorld(t)
	// The demo: Jordan, Dr. Osei and Lucía Fernández accept referrals.
	code, res := w.search(t, "accepting=yes")
	if want := []string{"Jordan Reyes", "Dr. Amara Osei", "Lucía Fernández"}; code != 200 || !sameNames(entryNames(res), want) {
		t.Errorf("accepting=yes: %d %v, want %v", code, entryNames(res), want)
	}
	for _, e := range res.Entries {
		if !e.AcceptingReferrals {
			t.Errorf("%s is listed as accepting but says not", e.Name)
		}
	}
	if _, res := w.search(t, "accepting=yes&region=illinois"); !slices.Equal(entryNames(res), []string{"Jordan Reyes"}) {
		t.Errorf("accepting in Illinois: %v", entryNames(res))
	}
	if _, res := w.search(t, "accepting=no&q=jordan"); len(res.Entries) != 0 {
		t.Errorf("accepting=no lists Jordan: %v", entryNames(res))
	}
	rec := openAPICall(t, w.h, "GET", "/api/v1/registry?accepting=maybe", "", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"detail":"accepting:`) {
		t.Errorf("accepting=maybe: %d %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "get", "/api/v1/registry", rec)

	// Jordan stops accepting through the API: gone from the filter at once.
	jc := sessionFor(t, w.s, w.users["jordan"])
	got := openAPICall(t, w.h, "GET", "/api/v1/profile", "", jc)
	var p profileJSON
	if err := json.Unmarshal(got.Body.Bytes(), &p); err != nil || !p.AcceptingReferrals {
		t.Fatalf("jordan's profile: %s %v", got.Body, err)
	}
	p.AcceptingReferrals = false
	body, _ := json.Marshal(p)
	put := openAPICall(t, w.h, "PUT", "/api/v1/profile", string(body), jc)
	openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "put", "/api/v1/profile", put)
	if put.Code != 200 {
		t.Fatalf("saving: %d %s", put.Code, put.Body)
	}
	if _, res := w.search(t, "accepting=yes&q=jordan"); len(res.Entries) != 0 {
		t.Errorf("no longer accepting, still listed: %v", entryNames(res))
	}
	if _, res := w.search(t, "accepting=no&q=jordan"); !slices.Equal(entryNames(res), []string{"Jordan Reyes"}) {
		t.Errorf("accepting=no: %v", entryNames(res))
	}
	// The profile form offers the choice; the page filters and shows it.
	f := profileForm(mustProfile(t, w, "jordan"))
	f.Set("accepting_referrals", "true")
	if rec := postForm(t, w.h, "/account/profile", f, jc); rec.Code != http.StatusSeeOther {
		t.Fatalf("the form: %d %s", rec.Code, rec.Body)
	}
	if !mustProfile(t, w, "jordan").AcceptingReferrals {
		t.Error("the form did not save the choice")
	}
	page := getAs(t, w.h, "/registry?accepting=yes&q=jordan", nil)
	if b := page.Body.String(); page.Code != 200 || !strings.Contains(b, "accepting referrals") || !strings.Contains(b, `<option value="yes" selected>Accepting referrals`) {
		t.Errorf("the page: %d\n%s", page.Code, b)
	}
}

func sameNames(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func mustProfile(t *testing.T, w *registryWorld, local string) *boardsql.Profile {
	t.Helper()
	p, err := w.st.Profile(context.Background(), w.users[local].ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
