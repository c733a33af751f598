package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// provWorld is a board with a credential holder and an approved CE
// provider that reports with an API token.
type provWorld struct {
	s        *Server
	st       *boardsql.Store
	h        http.Handler
	holder   *boardsql.User
	provider *boardsql.User
	token    string
	credID   string
}

// provNow is the tests' today.
var provNow = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// provIssued is when the holder's credential was issued: its cycle start.
var provIssued = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

func newProvWorld(t *testing.T) *provWorld {
	t.Helper()
	s, st := newServer(t)
	s.cfg.Now = func() time.Time { return provNow }
	ctx := context.Background()
	w := &provWorld{s: s, st: st, h: s.Handler(), credID: "7f0c2a5e-1111-4c3a-9d2e-0123456789ab"}
	w.holder = addUser(t, st, "hana@example.org", "Hana Holder", auth.Applicant)
	err := st.InTx(ctx, func(tx *boardsql.Tx) error {
		appID, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: w.holder.ID, SetID: "aasect-cst", State: "approved",
			Portfolio: []byte(`{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Hana Holder"}}`), CreatedAt: provIssued})
		if err != nil {
			return err
		}
		return tx.AddCredential(ctx, boardsql.IssuedCredential{ID: w.credID, ApplicationID: appID, HolderID: w.holder.ID, SetID: "aasect-cst", SetVersion: "2025.T.1",
			Document: []byte(`{}`), JWT: "x", IssuedAt: provIssued, ValidUntil: provIssued.AddDate(3, 0, 0),
			RevocationList: revocationList, RevocationIndex: 11, SuspensionList: suspensionList, SuspensionIndex: 12})
	})
	if err != nil {
		t.Fatal(err)
	}
	w.provider = addUser(t, st, "ce@sunrise.example", "Sunrise Sexuality Institute", auth.Provider)
	if err := st.SetProviderProfile(ctx, st.DB, boardsql.ProviderProfile{UserID: w.provider.ID, Name: "Sunrise Sexuality Institute", Approved: true,
		Approvals: []boardsql.ProviderApproval{{Body: "AASECT", Number: "AP-1"}}, UpdatedAt: provNow}); err != nil {
		t.Fatal(err)
	}
	w.token = provToken(t, s, w.provider)
	return w
}

func provToken(t *testing.T, s *Server, u *boardsql.User) string {
	t.Helper()
	token, _, err := s.accounts.CreateToken(context.Background(), u, "learning system", 0)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// call sends a JSON request with a bearer token.
func (w *provWorld) call(t *testing.T, method, path, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// completion is a report body with changes.
func (w *provWorld) completion(changes map[string]any) string {
	m := map[string]any{"credential_id": w.credID, "holder_email": "Hana@Example.org", "course_id": "SSI-101", "title": "Pleasure, desire and consent",
		"date": "2026-03-02", "hours": 6, "delivery": "live_online", "sexuality_related": true}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// renewal returns the holder's renewal application and its portfolio.
func (w *provWorld) renewal(t *testing.T) (*boardsql.Application, *portfolio.Portfolio) {
	t.Helper()
	apps, err := w.st.Applications(context.Background(), boardsql.ApplicationFilter{ApplicantID: w.holder.ID, SetID: renewalSet})
	if err != nil || len(apps) != 1 {
		t.Fatalf("renewal applications: %d %v", len(apps), err)
	}
	return appLoad(t, w.st, apps[0].ID)
}

func TestProviderReportsVerifiedCompletion(t *testing.T) {
	w := newProvWorld(t)
	ctx := context.Background()
	doc, c := openAPIDocument(t), openAPICompiler(t)

	// The holder has started the renewal and listed the credential and the
	// membership it needs, so that the cycle is known.
	app, err := w.s.renewalApplication(ctx, w.holder, w.credID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	p.Credentials = append(p.Credentials, portfolio.Credential{ID: portfolio.NewID(p, "cred"), Type: "aasect-cst", Body: "AASECT", ValidFrom: date.FromTime(provIssued),
		ValidTo: date.FromTime(provIssued.AddDate(3, 0, -1))})
	p.Memberships = append(p.Memberships, portfolio.Membership{ID: portfolio.NewID(p, "mem"), Organization: "AASECT", From: date.MustParse("2020-01-01")})
	if _, err := w.s.savePortfolio(ctx, w.holder, app, app.Version, p, "test setup"); err != nil {
		t.Fatal(err)
	}
	before, _ := w.renewal(t)

	rec := w.call(t, "POST", "/api/v1/completions", w.token, w.completion(nil))
	if rec.Code != http.StatusCreated {
		t.Fatalf("report: %d %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/completions", rec)
	var got completionJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.ID == 0 || got.HolderEmail != "hana@example.org" || got.Hours != 6 {
		t.Fatalf("answer: %+v %v", got, err)
	}

	app, p = w.renewal(t)
	if app.ID != before.ID || app.Version != before.Version+1 {
		t.Errorf("the report went to application %d version %d, want %d version %d", app.ID, app.Version, before.ID, before.Version+1)
	}
	if len(p.Education) != 1 {
		t.Fatalf("education: %+v", p.Education)
	}
	item := p.Education[0]
	if item.Kind != "ce" || item.Provider.Name != "Sunrise Sexuality Institute" || item.Provider.Kind != "approved_provider" ||
		!slices.Equal(item.Provider.ApprovedBy, []string{"AASECT"}) || item.Hours != 6 || item.Delivery != "live_online" ||
		item.SexualityRelated == nil || !*item.SexualityRelated || item.Date != date.MustParse("2026-03-02") {
		t.Errorf("item: %+v", item)
	}
	if v := item.Verification; v.State != portfolio.Verified || v.By != "provider:Sunrise Sexuality Institute" || v.At != date.FromTime(provNow) ||
		!strings.Contains(v.Note, "reported by Sunrise Sexuality Institute, course SSI-101") {
		t.Errorf("verification: %+v", v)
	}

	// The eligibility report counts it as verified AASECT-approved CE.
	rec = getAs(t, w.h, fmt.Sprintf("/api/v1/applications/%d/eligibility", app.ID), sessionFor(t, w.s, w.holder))
	if rec.Code != 200 {
		t.Fatalf("eligibility: %d %s", rec.Code, rec.Body)
	}
	var ev struct {
		Report struct {
			Results []struct {
				ID       string `json:"id"`
				Evidence []struct {
					ID     string  `json:"id"`
					Amount float64 `json:"amount"`
					State  string  `json:"state"`
				} `json:"evidence"`
			} `json:"results"`
		} `json:"report"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ev); err != nil {
		t.Fatal(err)
	}
	counted := false
	for _, r := range ev.Report.Results {
		for _, e := range r.Evidence {
			if r.ID == "ce-credits" && e.ID == item.ID && e.State == "verified" && e.Amount == 6 {
				counted = true
			}
		}
	}
	if !counted {
		t.Errorf("ce-credits does not count %s as 6 verified credits: %s", item.ID, rec.Body)
	}

	// The holder is mailed; the audit log and the history have it.
	mails, err := w.st.DueMail(ctx, provNow.Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(mails, func(m boardsql.Mail) bool {
		return m.To == "hana@example.org" && m.Subject == "Sunrise Sexuality Institute reported 6 hours" && strings.Contains(m.Body, "Pleasure, desire and consent")
	}) {
		t.Errorf("no mail to the holder: %+v", mails)
	}
	log, err := w.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(log, func(e audit.Entry) bool {
		return e.Action == "ce.completion" && e.Actor == fmt.Sprintf("user/%d", w.provider.ID) && e.Subject == fmt.Sprintf("application/%d", app.ID)
	}) {
		t.Error("no audit entry for the completion")
	}
	events, _ := w.st.Events(ctx, app.ID)
	if !slices.ContainsFunc(events, func(e boardsql.Event) bool {
		return e.Action == "ce_reported" && strings.Contains(e.Message, "reported 6 hours")
	}) {
		t.Errorf("no history event: %+v", events)
	}

	// Idempotent: the same course again answers the record, adds nothing.
	rec = w.call(t, "POST", "/api/v1/completions", w.token, w.completion(map[string]any{"hours": 7}))
	if rec.Code != http.StatusOK {
		t.Fatalf("again: %d %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/completions", rec)
	var again completionJSON
	json.Unmarshal(rec.Body.Bytes(), &again)
	if again.ID != got.ID || again.Hours != 6 {
		t.Errorf("again: %+v, want the first record %+v", again, got)
	}
	if app2, p2 := w.renewal(t); app2.Version != app.Version || len(p2.Education) != 1 {
		t.Errorf("reporting again changed the renewal: version %d→%d, %d items", app.Version, app2.Version, len(p2.Education))
	}

	// The holder's dashboard shows it as verified.
	rec = getAs(t, w.h, fmt.Sprintf("/applications/%d", app.ID), sessionFor(t, w.s, w.holder))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Pleasure, desire and consent") {
		t.Errorf("dashboard: %d", rec.Code)
	}

	// An edit by the holder makes it claimed again: it is no longer the
	// provider's word.
	form := evidenceform.Values(&item)
	form.Set("version", fmt.Sprint(app.Version))
	form.Set("hours", "9")
	rec = postForm(t, w.h, fmt.Sprintf("/applications/%d/evidence/education/%s", app.ID, item.ID), form, sessionFor(t, w.s, w.holder))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("editing the item: %d %s", rec.Code, rec.Body)
	}
	if _, p3 := w.renewal(t); p3.Education[0].Hours != 9 || p3.Education[0].Verification.EffectiveState() != portfolio.Claimed {
		t.Errorf("an edited provider item: %+v", p3.Education[0])
	}
}

func TestProviderReportRefusals(t *testing.T) {
	w := newProvWorld(t)
	doc, c := openAPIDocument(t), openAPICompiler(t)
	post := func(token, body string, want int, says string) string {
		t.Helper()
		rec := w.call(t, "POST", "/api/v1/completions", token, body)
		if rec.Code != want || !strings.Contains(rec.Body.String(), says) {
			t.Errorf("%s: %d %s, want %d saying %q", body, rec.Code, rec.Body, want, says)
		}
		openAPICheckAnswer(t, c, doc, "post", "/api/v1/completions", rec)
		return rec.Body.String()
	}
	wrongMail := post(w.token, w.completion(map[string]any{"holder_email": "someone@example.org"}), 422, "credential_id: no credential with this id is held by the holder_email given")
	unknown := post(w.token, w.completion(map[string]any{"credential_id": "00000000-0000-4000-8000-000000000000"}), 422, "credential_id:")
	if wrongMail != unknown {
		t.Errorf("an unknown credential and a wrong address answer differently:\n%s\n%s", wrongMail, unknown)
	}
	post(w.token, w.completion(map[string]any{"date": "2024-12-31"}), 422, "date: 2024-12-31 is before the credential's current cycle began (2025-01-15)")
	post(w.token, w.completion(map[string]any{"date": "2026-07-01"}), 422, "date: 2026-07-01 is in the future")
	post(w.token, w.completion(map[string]any{"date": "2026-02-30"}), 422, "is not a real calendar date")
	post(w.token, w.completion(map[string]any{"hours": -1}), 422, "hours: must be more than 0")
	post(w.token, w.completion(map[string]any{"hours": 41}), 422, "hours: 41 is more than 40")
	post(w.token, w.completion(map[string]any{"sexuality_related": nil, "delivery": "fax"}), 422, "sexuality_related: is required")
	post(w.token, w.completion(map[string]any{"nonsense": 1}), 400, "unknown field")

	// A holder's token, or session, is not a provider's.
	holderToken := provToken(t, w.s, w.holder)
	post(holderToken, w.completion(nil), 403, "provider role")
	rec := openAPICall(t, w.h, "GET", "/api/v1/completions", "", sessionFor(t, w.s, w.holder))
	if rec.Code != 403 {
		t.Errorf("listing as the holder: %d", rec.Code)
	}
	// A provider the board has not approved, or no longer approves.
	other := addUser(t, w.st, "new@provider.example", "New Provider", auth.Provider)
	post(provToken(t, w.s, other), w.completion(nil), 403, "has not approved new@provider.example as a CE provider yet")
	if err := w.st.SetProviderProfile(context.Background(), w.st.DB, boardsql.ProviderProfile{UserID: other.ID, Name: "New Provider", Approved: true,
		ApprovedUntil: date.MustParse("2026-06-01"), UpdatedAt: provNow}); err != nil {
		t.Fatal(err)
	}
	post(provToken(t, w.s, other), w.completion(nil), 403, "approval ended on 2026-06-01")

	// Nothing reached the holder.
	apps, _ := w.st.Applications(context.Background(), boardsql.ApplicationFilter{ApplicantID: w.holder.ID, SetID: renewalSet})
	if len(apps) != 0 {
		t.Errorf("refused reports started a renewal: %d", len(apps))
	}
	if list, _ := w.st.Completions(context.Background(), boardsql.CompletionFilter{}); len(list) != 0 {
		t.Errorf("refused reports were stored: %+v", list)
	}

	// A revoked credential without an open renewal cannot be reported on.
	if err := w.st.InTx(context.Background(), func(tx *boardsql.Tx) error {
		return tx.SetCredentialStatus(context.Background(), w.credID, "revoke", "test", provNow)
	}); err != nil {
		t.Fatal(err)
	}
	post(w.token, w.completion(nil), 409, "is revoked")
}

func TestProviderListsOnlyItsOwnReports(t *testing.T) {
	w := newProvWorld(t)
	doc, c := openAPIDocument(t), openAPICompiler(t)
	for i := 1; i <= 3; i++ {
		if rec := w.call(t, "POST", "/api/v1/completions", w.token, w.completion(map[string]any{"course_id": fmt.Sprintf("C-%d", i)})); rec.Code != 201 {
			t.Fatalf("report %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	other := addUser(t, w.st, "other@provider.example", "Other Provider", auth.Provider)
	if err := w.st.SetProviderProfile(context.Background(), w.st.DB, boardsql.ProviderProfile{UserID: other.ID, Name: "Other Provider", Approved: true, UpdatedAt: provNow}); err != nil {
		t.Fatal(err)
	}
	otherToken := provToken(t, w.s, other)
	// The other provider reports the same course id: it is theirs, not a repeat.
	if rec := w.call(t, "POST", "/api/v1/completions", otherToken, w.completion(map[string]any{"course_id": "C-1"})); rec.Code != 201 {
		t.Fatalf("the other provider's report: %d %s", rec.Code, rec.Body)
	}

	type page struct {
		Completions []completionJSON `json:"completions"`
		Next        *string          `json:"next"`
	}
	list := func(token, path string) page {
		t.Helper()
		rec := w.call(t, "GET", path, token, "")
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		openAPICheckAnswer(t, c, doc, "get", "/api/v1/completions", rec)
		var p page
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := list(w.token, "/api/v1/completions?limit=2")
	if len(first.Completions) != 2 || first.Next == nil || first.Completions[0].CourseID != "C-1" {
		t.Fatalf("first page: %+v", first)
	}
	second := list(w.token, *first.Next)
	if len(second.Completions) != 1 || second.Next != nil || second.Completions[0].CourseID != "C-3" {
		t.Fatalf("second page: %+v", second)
	}
	theirs := list(otherToken, "/api/v1/completions")
	if len(theirs.Completions) != 1 || theirs.Completions[0].ID == first.Completions[0].ID {
		t.Fatalf("the other provider sees: %+v", theirs)
	}
	if rec := w.call(t, "GET", "/api/v1/completions?limit=0", w.token, ""); rec.Code != 400 {
		t.Errorf("limit=0: %d", rec.Code)
	}
	// Four items in one renewal.
	if _, p := w.renewal(t); len(p.Education) != 4 {
		t.Errorf("education items: %d", len(p.Education))
	}

	// The provider's page lists its reports, not the other's.
	rec := getAs(t, w.h, "/provider", sessionFor(t, w.s, w.provider))
	if rec.Code != 200 || strings.Count(rec.Body.String(), "hana@example.org") != 3 || !strings.Contains(rec.Body.String(), "<h1>CE provider</h1>") {
		t.Errorf("provider page: %d\n%s", rec.Code, rec.Body)
	}
}

func TestAdminSetsProviderProfile(t *testing.T) {
	w := newProvWorld(t)
	doc, c := openAPIDocument(t), openAPICompiler(t)
	admin := sessionFor(t, w.s, addUser(t, w.st, "ada@example.org", "Ada Admin", auth.Admin, auth.Staff))
	newcomer := addUser(t, w.st, "new@provider.example", "New Provider", auth.Provider)
	put := func(uid int64, body string, want int) *httptest.ResponseRecorder {
		t.Helper()
		rec := openAPICall(t, w.h, "PUT", fmt.Sprintf("/api/v1/admin/providers/%d", uid), body, admin)
		if rec.Code != want {
			t.Errorf("PUT %d %s: %d %s, want %d", uid, body, rec.Code, rec.Body, want)
		}
		openAPICheckAnswer(t, c, doc, "put", "/api/v1/admin/providers/{uid}", rec)
		return rec
	}
	rec := put(newcomer.ID, `{"name":"Newcomer CE","approvals":[{"body":"Florida CE Broker","number":"50-1"}],"approved":true,"approved_from":"2026-01-01","approved_until":""}`, 200)
	if !strings.Contains(rec.Body.String(), `"active": true`) {
		t.Errorf("answer: %s", rec.Body)
	}
	put(newcomer.ID, `{"name":"","approved":true,"approved_from":"soon"}`, 422)
	put(w.holder.ID, `{"name":"Not a provider","approved":true}`, 422)
	put(999999, `{"name":"Nobody","approved":true}`, 404)
	rec = openAPICall(t, w.h, "GET", "/api/v1/admin/providers", "", admin)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Newcomer CE") || !strings.Contains(rec.Body.String(), "Sunrise Sexuality Institute") {
		t.Errorf("list: %d %s", rec.Code, rec.Body)
	}
	openAPICheckAnswer(t, c, doc, "get", "/api/v1/admin/providers", rec)
	if rec := openAPICall(t, w.h, "GET", "/api/v1/admin/providers", "", sessionFor(t, w.s, w.provider)); rec.Code != 403 {
		t.Errorf("a provider lists profiles: %d", rec.Code)
	}
	// Approved now, the newcomer reports, and its Florida approval shows.
	if rec := w.call(t, "POST", "/api/v1/completions", provToken(t, w.s, newcomer), w.completion(nil)); rec.Code != 201 {
		t.Fatalf("the newcomer's report: %d %s", rec.Code, rec.Body)
	}
	if _, p := w.renewal(t); len(p.Education) != 1 || !slices.Equal(p.Education[0].Provider.ApprovedBy, []string{"Florida CE Broker"}) || p.Education[0].Provider.Name != "Newcomer CE" {
		t.Errorf("item: %+v", p.Education)
	}
}

// TestProviderFailedReportLeavesNoDraft: a report refused only when its
// item is checked in the portfolio (an area listed twice) starts no
// renewal: the draft, the item and the completion are one transaction.
func TestProviderFailedReportLeavesNoDraft(t *testing.T) {
	w := newProvWorld(t)
	rec := w.call(t, "POST", "/api/v1/completions", w.token, w.completion(map[string]any{"areas": map[string][]string{"aasect-cst": {"a", "a"}}}))
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "listed twice") {
		t.Fatalf("a report with an area twice: %d %s", rec.Code, rec.Body)
	}
	apps, err := w.st.Applications(context.Background(), boardsql.ApplicationFilter{ApplicantID: w.holder.ID, SetID: renewalSet})
	if err != nil || len(apps) != 0 {
		t.Fatalf("the refused report left %d renewal application(s) %v", len(apps), err)
	}
	// The corrected report starts the renewal with its item, verified.
	if rec := w.call(t, "POST", "/api/v1/completions", w.token, w.completion(nil)); rec.Code != 201 {
		t.Fatalf("the corrected report: %d %s", rec.Code, rec.Body)
	}
	app, p := w.renewal(t)
	if len(p.Education) != 1 || p.Education[0].Verification.State != portfolio.Verified || len(p.Credentials) != 1 {
		t.Fatalf("the renewal the report started: %+v", p)
	}
	events, _ := w.st.Events(context.Background(), app.ID)
	if len(events) != 2 || events[0].Action != "start" || events[0].ActorID != w.provider.ID || events[1].Action != "ce_reported" {
		t.Fatalf("history: %+v", events)
	}
}

// TestProviderConcurrentReports: the same course reported many times at
// once is stored once (one 201, every other answer 200 with the same
// record), and different courses reported at once for a holder without a
// renewal all land in one renewal.
func TestProviderConcurrentReports(t *testing.T) {
	w := newProvWorld(t)
	const n = 6
	codes := make([]int, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			course := "SSI-DUP"
			if i%2 == 1 {
				course = fmt.Sprintf("SSI-%d", i)
			}
			rec := w.call(t, "POST", "/api/v1/completions", w.token, w.completion(map[string]any{"course_id": course}))
			codes[i], bodies[i] = rec.Code, rec.Body.String()
		})
	}
	wg.Wait()
	created, dupID := 0, int64(0)
	for i := range n {
		if i%2 == 1 {
			if codes[i] != 201 {
				t.Errorf("course %d: %d %s", i, codes[i], bodies[i])
			}
			continue
		}
		var got completionJSON
		if (codes[i] != 200 && codes[i] != 201) || json.Unmarshal([]byte(bodies[i]), &got) != nil {
			t.Fatalf("duplicate %d: %d %s", i, codes[i], bodies[i])
		}
		if codes[i] == 201 {
			created++
		}
		if dupID != 0 && got.ID != dupID {
			t.Errorf("duplicates answered different records: %d and %d", dupID, got.ID)
		}
		dupID = got.ID
	}
	if created != 1 {
		t.Errorf("the duplicate course was created %d times", created)
	}
	_, p := w.renewal(t) // exactly one renewal
	if len(p.Education) != 1+n/2 {
		t.Errorf("the renewal holds %d CE items, want %d", len(p.Education), 1+n/2)
	}
	if list, _ := w.st.Completions(context.Background(), boardsql.CompletionFilter{ProviderID: w.provider.ID}); len(list) != 1+n/2 {
		t.Errorf("%d completions stored", len(list))
	}
}
