package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/fhir"
)

// recordClient registers a client of who's with a case and a scored
// PHQ-9, and returns the client's id.
func recordClient(t *testing.T, w *world, who string) int64 {
	t.Helper()
	ctx := context.Background()
	pr := practice.ActorOf(w.users[who])
	id, err := w.s.practice.CreateClient(ctx, pr, practice.NewClient{Identity: practice.IdentityInput{Name: "Robin Vale", DateOfBirth: "1988-02-11", Email: "robin@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	text, err := w.s.practice.PublishConsentText(ctx, practice.ActorOf(w.users["admin"]), "Consent to treatment",
		"I consent to sex therapy with the practitioners of this practice, and to the screening measures it uses to follow how I am doing.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.practice.SignConsent(ctx, pr, practice.Signature{ClientID: id, TextID: text.ID, Signer: practice.SignerClient,
		SignedName: "Robin Vale", Agreed: true}); err != nil {
		t.Fatal(err)
	}
	caseID, err := w.s.practice.OpenCase(ctx, pr, id, practice.NewCase{Reason: "first session"})
	if err != nil {
		t.Fatal(err)
	}
	vals := []int{1, 2, 1, 1, 0, 0, 0, 0, 0}
	answers := make([]*int, len(vals))
	for i := range vals {
		answers[i] = &vals[i]
	}
	if _, err := w.s.practice.RecordResponse(ctx, pr, practice.NewResponse{CaseID: caseID, Instrument: "phq-9",
		ResponseAnswers: practice.ResponseAnswers{Answers: answers, TakenAt: w.clock.now()}}); err != nil {
		t.Fatal(err)
	}
	return id
}

// uploadRecord posts the import form with a bundle.
func (w *world) uploadRecord(t *testing.T, bundle []byte, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "record.fhir.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bundle)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/record-imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// waitImport reads an import's (or an export's) page until it stops
// refreshing itself.
func (w *world) waitImport(t *testing.T, path string, c *http.Cookie) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		rec := w.get(t, path, c)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		body := rec.Body.String()
		if !strings.Contains(body, `http-equiv="refresh"`) {
			return body
		}
		if !strings.Contains(body, "<progress") {
			t.Fatalf("a running job's page shows no progress: %s", body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import did not end: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRecordExportAndImportPages(t *testing.T) {
	w := newWorld(t)
	client := recordClient(t, w, "both")
	prac := w.session(t, "both")

	page := w.get(t, "/clients/"+itoa(client), prac)
	if !strings.Contains(page.Body.String(), `action="/clients/`+itoa(client)+`/export"`) {
		t.Errorf("the record page offers no export")
	}
	if !strings.Contains(page.Body.String(), `<form method="post" action="/clients/`+itoa(client)+`/export"`) {
		t.Errorf("the export is not a form that posts")
	}
	// The export runs in the background; its page shows how far it has
	// come, then offers the file, once, to its owner only.
	rec := w.do(t, http.MethodPost, "/clients/"+itoa(client)+"/export", url.Values{}, prac)
	status := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !regexp.MustCompile(`^/record-exports/[0-9a-f]{32}$`).MatchString(status) {
		t.Fatalf("export: %d %q %s", rec.Code, status, rec.Body)
	}
	if rec := w.get(t, status, w.session(t, "practitioner")); rec.Code != http.StatusNotFound {
		t.Errorf("someone else's export page: %d, want 404", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, status+"/file", url.Values{}, w.session(t, "practitioner")); rec.Code != http.StatusNotFound || strings.Contains(rec.Header().Get("Content-Type"), "fhir") {
		t.Errorf("someone else's download: %d, want 404", rec.Code)
	}
	ready := w.waitImport(t, status, prac)
	if !regexp.MustCompile(`The record is ready: \d+ resources`).MatchString(ready) || !strings.Contains(ready, "<progress") ||
		!strings.Contains(ready, `<form method="post" action="`+status+`/file"`) {
		t.Fatalf("the finished export offers no download: %s", ready)
	}
	if rec := w.get(t, status+"/file", prac); rec.Code < 400 || strings.Contains(rec.Header().Get("Content-Type"), "fhir") {
		t.Errorf("the download by GET: %d, want it refused", rec.Code)
	}
	rec = w.do(t, http.MethodPost, status+"/file", url.Values{}, prac)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/fhir+json") ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="client-`+itoa(client)+`-record.fhir.json"` ||
		rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("download: %d %v", rec.Code, rec.Header())
	}
	bundle := rec.Body.Bytes()
	if _, err := fhir.ParseBundle(bundle, fhir.ParseOptions{Now: w.clock.now()}); err != nil {
		t.Fatalf("the download does not parse: %v", err)
	}
	if rec := w.do(t, http.MethodPost, status+"/file", url.Values{}, prac); rec.Code != http.StatusNotFound || strings.Contains(rec.Header().Get("Content-Type"), "fhir") {
		t.Errorf("a second download: %d, want 404", rec.Code)
	}
	if rec := w.get(t, status, prac); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The record was downloaded") || strings.Contains(rec.Body.String(), "/file") {
		t.Errorf("the page of a downloaded export: %d %s", rec.Code, rec.Body)
	}

	// A file not downloaded is forgotten after ten minutes; so is the page.
	rec = w.do(t, http.MethodPost, "/clients/"+itoa(client)+"/export", url.Values{"psychotherapy": {"yes"}}, prac)
	status = rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a second export: %d %s", rec.Code, rec.Body)
	}
	w.waitImport(t, status, prac)
	w.clock.advance(exportKept + time.Second)
	if rec := w.get(t, status, prac); rec.Code != http.StatusNotFound {
		t.Errorf("an export's page after ten minutes: %d, want 404", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, status+"/file", url.Values{}, prac); rec.Code != http.StatusNotFound || strings.Contains(rec.Header().Get("Content-Type"), "fhir") {
		t.Errorf("a download after ten minutes: %d, want 404", rec.Code)
	}

	// A link (GET) or a form of another site discloses nothing.
	if rec := w.get(t, "/clients/"+itoa(client)+"/export?psychotherapy=yes", prac); rec.Code < 400 || strings.Contains(rec.Header().Get("Content-Type"), "fhir") {
		t.Errorf("export by GET: %d %v, want it refused", rec.Code, rec.Header())
	}
	req := httptest.NewRequest(http.MethodPost, "/clients/"+itoa(client)+"/export", strings.NewReader("psychotherapy=yes"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(prac)
	forged := httptest.NewRecorder()
	w.h.ServeHTTP(forged, req)
	if forged.Code != http.StatusForbidden || strings.Contains(forged.Header().Get("Content-Type"), "fhir") {
		t.Errorf("export posted from another site: %d %v, want 403", forged.Code, forged.Header())
	}

	// Someone else's client, or an admin: refused as the area refuses.
	if rec := w.do(t, http.MethodPost, "/clients/"+itoa(client)+"/export", url.Values{}, w.session(t, "practitioner")); rec.Code != http.StatusNotFound {
		t.Errorf("another practitioner's export: %d, want 404", rec.Code)
	}
	if rec := w.do(t, http.MethodPost, "/clients/"+itoa(client)+"/export", url.Values{}, w.session(t, "admin")); rec.Code != http.StatusForbidden {
		t.Errorf("an admin's export: %d, want 403", rec.Code)
	}
	if rec := w.get(t, "/record-imports", w.session(t, "admin")); rec.Code != http.StatusForbidden {
		t.Errorf("an admin's import page: %d, want 403", rec.Code)
	}

	other := w.session(t, "practitioner")
	if rec := w.get(t, "/record-imports", other); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `enctype="multipart/form-data"`) {
		t.Fatalf("import page: %d", rec.Code)
	}
	rec = w.uploadRecord(t, bundle, other)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !regexp.MustCompile(`^/record-imports/[0-9a-f]{32}$`).MatchString(loc) {
		t.Fatalf("upload: %d %q %s", rec.Code, loc, rec.Body)
	}
	if rec := w.get(t, loc, prac); rec.Code != http.StatusNotFound {
		t.Errorf("someone else's import page: %d, want 404", rec.Code)
	}
	done := w.waitImport(t, loc, other)
	m := regexp.MustCompile(`href="/clients/(\d+)"`).FindStringSubmatch(done)
	if m == nil || !strings.Contains(done, "<progress") {
		t.Fatalf("the finished import links to no client: %s", done)
	}
	if rec := w.get(t, "/clients/"+m[1], other); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Robin Vale") {
		t.Errorf("the imported client: %d", rec.Code)
	}

	// A bundle with a wrong score is refused, naming the resource and the
	// field, and imports nothing.
	var b map[string]any
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b["entry"].([]any) {
		res := e.(map[string]any)["resource"].(map[string]any)
		if res["resourceType"] == "Observation" {
			res["valueQuantity"].(map[string]any)["value"] = 20
		}
	}
	bad, _ := json.Marshal(b)
	before, err := w.s.practice.MyClients(context.Background(), practice.ActorOf(w.users["practitioner"]))
	if err != nil {
		t.Fatal(err)
	}
	rec = w.uploadRecord(t, bad, other)
	failed := w.waitImport(t, rec.Header().Get("Location"), other)
	if !strings.Contains(failed, `Observation &#34;score-response-1&#34;: valueQuantity.value`) {
		t.Errorf("the refusal does not name the resource and field: %s", failed)
	}
	after, _ := w.s.practice.MyClients(context.Background(), practice.ActorOf(w.users["practitioner"]))
	if len(after) != len(before) {
		t.Errorf("a refused import added a client: %d, then %d", len(before), len(after))
	}
	if rec := w.uploadRecord(t, nil, other); rec.Code == http.StatusSeeOther || rec.Code >= 500 {
		t.Errorf("an empty upload: %d", rec.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRecordRoutesRules pins the access rule of the records' routes:
// practitioners only (the use case then keeps a record to its own).
func TestRecordRoutesRules(t *testing.T) {
	w := newWorld(t)
	rules := map[string]string{}
	for _, r := range w.s.Routes() {
		rules[r.Pattern] = r.Access.String()
	}
	for _, pattern := range []string{"POST /clients/{id}/export", "GET /record-exports/{job}", "POST /record-exports/{job}/file",
		"GET /record-imports", "POST /record-imports", "GET /record-imports/{job}"} {
		if rules[pattern] != "practitioner" {
			t.Errorf("%s: rule %q, want practitioner", pattern, rules[pattern])
		}
	}
}

// TestImportsRunOneAtATime: checking a bundle takes memory of a few times
// its size, so the process runs one import at a time; another
// practitioner who starts one meanwhile is told to try again in a minute,
// and can once the first has ended.
func TestImportsRunOneAtATime(t *testing.T) {
	jobs := newJobs[importJob](importBounds)
	now := time.Now()
	first, err := jobs.start(1, now)
	if err != nil {
		t.Fatal(err)
	}
	_, err = jobs.start(2, now)
	if e := certboard.As(err); e.Code != certboard.RateLimited || e.RetryAfterSeconds != 60 || !strings.Contains(e.Message, "try again in a minute") {
		t.Fatalf("a second import while one runs: %v", err)
	}
	if _, err := jobs.start(1, now); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("the same practitioner's second import: %v", err)
	}
	jobs.finish(first, now, func(*importJob) {})
	second, err := jobs.start(2, now)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	jobs.drop(second)
	if _, err := jobs.start(3, now); err != nil {
		t.Errorf("after an import that never began was dropped: %v", err)
	}
	if !jobs.with(first, 1, now.Add(importKept), func(time.Time, *importJob) {}) {
		t.Errorf("a finished import is not kept an hour")
	}
}

// TestExportJobs: a practitioner runs one export at a time, the process
// maxRunningExports; an export's progress is its owner's to read; a new
// export of a practitioner forgets their finished one, file and all, and
// a finished one is forgotten after exportKept.
func TestExportJobs(t *testing.T) {
	jobs := newJobs[exportJob](exportBounds)
	now := time.Now()
	first, err := jobs.start(1, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.start(1, now); certboard.ErrorCode(err) != certboard.Conflict {
		t.Errorf("the same practitioner's second export: %v", err)
	}
	for owner := int64(2); owner <= maxRunningExports; owner++ {
		if _, err := jobs.start(owner, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := jobs.start(99, now); certboard.ErrorCode(err) != certboard.RateLimited {
		t.Errorf("an export over the process's bound: %v", err)
	}
	jobs.update(first, func(j *exportJob) { j.done, j.total = 3, 10 })
	var seen exportJob
	if !jobs.with(first, 1, now, func(_ time.Time, j *exportJob) { seen = *j }) || seen.done != 3 || seen.total != 10 {
		t.Errorf("the owner reads %+v, want 3 of 10", seen)
	}
	if jobs.with(first, 2, now, func(time.Time, *exportJob) {}) {
		t.Errorf("someone else reads the export")
	}
	jobs.finish(first, now, func(j *exportJob) { j.file = []byte("{}") })
	again, err := jobs.start(1, now)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	if jobs.with(first, 1, now, func(time.Time, *exportJob) {}) {
		t.Errorf("a practitioner's new export keeps their finished one")
	}
	jobs.finish(again, now, func(j *exportJob) { j.file = []byte("{}") })
	if !jobs.with(again, 1, now.Add(exportKept), func(time.Time, *exportJob) {}) {
		t.Errorf("a finished export is not kept %v", exportKept)
	}
	if jobs.with(again, 1, now.Add(exportKept+time.Second), func(time.Time, *exportJob) {}) {
		t.Errorf("a finished export is kept longer than %v", exportKept)
	}
}
