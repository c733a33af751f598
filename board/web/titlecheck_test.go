package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// titleDay is the day the example portfolios' expectations are judged on.
var titleDay = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func examplePortfolio(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "portfolios", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// uploadTitle posts a portfolio file to the title check page, as a browser
// would, from one address.
func uploadTitle(t *testing.T, h http.Handler, data []byte, remote string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "portfolio.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/title-check", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestTitleCheckUploadedPortfolio: anyone checks a portfolio they upload;
// the Florida-eligible example is told that the evidence entered meets the
// requirements, never that anyone may use the title, with the report; one
// that is not eligible is told what is missing; an invalid one is refused
// naming the field; nothing is stored.
func TestTitleCheckUploadedPortfolio(t *testing.T) {
	s, st := newServer(t)
	s.cfg.Now = func() time.Time { return titleDay }
	h := s.Handler()
	before, _ := st.AuditLog(context.Background())

	if rec := getAs(t, h, "/title-check", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="file"`) ||
		strings.Contains(rec.Body.String(), `action="/title-check/person"`) {
		t.Fatalf("the form, anonymously: %d (no look-up form for the public)", rec.Code)
	}

	rec := uploadTitle(t, h, examplePortfolio(t, "florida-eligible-not-aasect.json"), "192.0.2.20:1000")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "The evidence entered meets every requirement of") ||
		!strings.Contains(body, "nobody has verified it, so this does not show that Carmen Delgado-Ruiz may use the title") ||
		!strings.Contains(body, "On evidence you entered yourself; nobody has verified it.") || !strings.Contains(body, `href="/registry"`) {
		t.Fatalf("eligible: %d\n%s", rec.Code, body)
	}
	if strings.Contains(body, "Yes:") || strings.Contains(body, `class="badge s-met">may use`) || !strings.Contains(body, `class="badge s-self"`) {
		t.Fatalf("eligible on evidence nobody verified: said in green that the person may use the title\n%s", body)
	}
	if !strings.Contains(body, `class="report"`) || !strings.Contains(body, "64B4-7.004") || !strings.Contains(body, "judged as of 2026-06-01") {
		t.Fatalf("eligible: the report is not shown\n%s", body)
	}

	// The AASECT-eligible example lacks what Florida asks (a Florida licence
	// among others): told no, and what is missing.
	rec = uploadTitle(t, h, examplePortfolio(t, "cst-eligible.json"), "192.0.2.20:1000")
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "requirements not met") || !strings.Contains(body, "What is missing") ||
		!strings.Contains(body, "The evidence entered does not meet") {
		t.Fatalf("not eligible: %d\n%s", rec.Code, body)
	}

	// Pasted, with a misspelt member: refused, naming the path.
	bad := strings.Replace(string(examplePortfolio(t, "florida-eligible-not-aasect.json")), `"region"`, `"regoin"`, 1)
	rec = postForm(t, h, "/title-check", url.Values{"portfolio": {bad}}, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "$.person.regoin") {
		t.Fatalf("invalid: %d\n%s", rec.Code, rec.Body)
	}
	if rec := postForm(t, h, "/title-check", url.Values{"portfolio": {""}}, nil); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "empty") {
		t.Fatalf("empty: %d", rec.Code)
	}

	// The API: the answer and the report, as documented.
	doc, c := openAPIDocument(t), openAPICompiler(t)
	rec = openAPICall(t, h, "POST", "/api/v1/title-check", string(examplePortfolio(t, "florida-eligible-not-aasect.json")), nil)
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/title-check", rec)
	var out struct {
		May      bool   `json:"may_use_title"`
		Met      bool   `json:"requirements_met"`
		Evidence string `json:"evidence"`
		Report   struct {
			Verdict string              `json:"verdict"`
			Set     struct{ ID string } `json:"set"`
		} `json:"report"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || out.May || !out.Met || out.Report.Verdict != "eligible" ||
		out.Report.Set.ID != "florida-sex-therapist" || out.Evidence != "uploaded" {
		t.Fatalf("API eligible: %d %+v %s", rec.Code, out, rec.Body)
	}
	rec = openAPICall(t, h, "POST", "/api/v1/title-check", string(examplePortfolio(t, "cst-eligible.json")), nil)
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/title-check", rec)
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.May || out.Met || out.Report.Verdict != "not_eligible" {
		t.Fatalf("API not eligible: %d %+v", rec.Code, out)
	}
	rec = openAPICall(t, h, "POST", "/api/v1/title-check", bad, nil)
	openAPICheckAnswer(t, c, doc, "post", "/api/v1/title-check", rec)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"path": "$.person.regoin"`) && !strings.Contains(rec.Body.String(), `"path":"$.person.regoin"`) {
		t.Fatalf("API invalid: %d %s", rec.Code, rec.Body)
	}

	after, _ := st.AuditLog(context.Background())
	if len(after) != len(before) {
		t.Fatalf("checking uploads wrote %d audit entries", len(after)-len(before))
	}
	var apps int
	st.DB.QueryRow("SELECT COUNT(*) FROM applications").Scan(&apps)
	if apps != 0 {
		t.Fatalf("checking uploads stored %d applications", apps)
	}
}

// TestTitleCheckPersonLookup: a regulator looks a demo holder up by a
// credential id and gets the report of their approved portfolio for
// Florida and the credential's status; the look-up is audited; applicants
// are refused, unknown ids are not found, staff need two factors.
func TestTitleCheckPersonLookup(t *testing.T) {
	w := newAccessWorld(t)
	w.s.cfg.Now = func() time.Time { return titleDay }
	h := w.s.Handler()
	ctx := context.Background()
	regulator, err := w.st.UserByEmail(ctx, demoEmail("regulator"))
	if err != nil {
		t.Fatal(err)
	}
	reg := sessionFor(t, w.s, regulator)
	jordan := w.users["jordan"]
	creds, err := w.st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	countLookups := func() int {
		log, _ := w.st.AuditLog(ctx)
		n := 0
		for _, e := range log {
			if e.Action == "title_check.lookup" {
				n++
			}
		}
		return n
	}

	if rec := getAs(t, h, "/title-check", reg); !strings.Contains(rec.Body.String(), `action="/title-check/person"`) {
		t.Fatal("the regulator is not offered the look-up form")
	}
	// By the credential's address, as the registry links it.
	rec := postForm(t, h, "/title-check/person", url.Values{"credential": {"https://board.example/credentials/" + c.ID}}, reg)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, `class="report"`) ||
		!strings.Contains(body, "florida-sex-therapist") && !strings.Contains(body, "64B4-7.004") {
		t.Fatalf("look-up: %d\n%s", rec.Code, body)
	}
	if !strings.Contains(body, "That credential's status") || !strings.Contains(body, "active") || !strings.Contains(body, "audit log") {
		t.Fatalf("look-up: no status or no notice\n%s", body)
	}
	log, _ := w.st.AuditLog(ctx)
	last := log[len(log)-1]
	if last.Action != "title_check.lookup" || last.Actor != fmt.Sprintf("user/%d", regulator.ID) || last.Subject != fmt.Sprintf("user/%d", jordan.ID) ||
		last.Before != "credential/"+c.ID || !strings.HasPrefix(last.After, "florida-sex-therapist") {
		t.Fatalf("audit entry: %+v", last)
	}

	// The API, as documented.
	doc, oc := openAPIDocument(t), openAPICompiler(t)
	rec = openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+c.ID, "", reg)
	openAPICheckAnswer(t, oc, doc, "get", "/api/v1/title-check/credentials/{id}", rec)
	var out struct {
		Evidence string `json:"evidence"`
		Person   struct {
			Name   string `json:"name"`
			Status struct {
				Standing string `json:"standing"`
			} `json:"status"`
		} `json:"person"`
		Report struct {
			Set struct{ ID string } `json:"set"`
		} `json:"report"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || out.Person.Name != "Jordan Reyes" ||
		out.Report.Set.ID != "florida-sex-therapist" || out.Evidence != "board_snapshot" || out.Person.Status.Standing != "active" {
		t.Fatalf("API look-up: %d %+v %s", rec.Code, out, rec.Body)
	}
	if n := countLookups(); n != 2 {
		t.Fatalf("%d look-ups audited, want 2", n)
	}

	// Refused: applicants (403), staff without two factors (403), unknown
	// ids (404), anonymous (401); none audited.
	for _, tc := range []struct {
		who  *http.Cookie
		path string
		want int
	}{
		{w.cookie["morgan"], "/api/v1/title-check/credentials/" + c.ID, 403},
		{w.cookie["morgan"], "/title-check/person?credential=" + c.ID, 403},
		{w.cookie["nofactor"], "/api/v1/title-check/credentials/" + c.ID, 403},
		{nil, "/api/v1/title-check/credentials/" + c.ID, 401},
		{reg, "/api/v1/title-check/credentials/no-such-credential", 404},
		{reg, "/title-check/person?credential=no-such-credential", 404},
		{reg, "/title-check/person?credential=" + url.QueryEscape("not an id!"), 422},
	} {
		var rec *httptest.ResponseRecorder
		if page, ref, ok := strings.Cut(tc.path, "?credential="); ok {
			ref, _ = url.QueryUnescape(ref)
			rec = postForm(t, h, page, url.Values{"credential": {ref}}, tc.who)
		} else {
			rec = openAPICall(t, h, "GET", tc.path, "", tc.who)
		}
		if rec.Code != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, rec.Code, tc.want)
		}
		if strings.HasPrefix(tc.path, "/api/") {
			openAPICheckAnswer(t, oc, doc, "get", "/api/v1/title-check/credentials/{id}", rec)
		}
	}
	// Staff with two factors may.
	if rec := openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+c.ID, "", w.cookie["staff"]); rec.Code != 200 {
		t.Fatalf("staff: %d", rec.Code)
	}
	if n := countLookups(); n != 3 {
		t.Fatalf("%d look-ups audited, want 3", n)
	}
}

// TestTitleCheckHidesStatusReasons: a regulator's look-up shows a
// suspended or revoked credential's status and date, never the reason the
// board gave the holder.
func TestTitleCheckHidesStatusReasons(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	regulator, err := w.st.UserByEmail(ctx, demoEmail("regulator"))
	if err != nil {
		t.Fatal(err)
	}
	reg := sessionFor(t, w.s, regulator)
	doc, oc := openAPIDocument(t), openAPICompiler(t)
	for local, tc := range map[string]struct{ standing, reason string }{
		"henrik.lund":  {"suspended", "insurance lapsed"},
		"rafael.costa": {"revoked", "ethics hearing"},
	} {
		u, err := w.st.UserByEmail(ctx, demoEmail(local))
		if err != nil {
			t.Fatal(err)
		}
		creds, err := w.st.CredentialsOf(ctx, u.ID)
		if err != nil || len(creds) != 1 || !strings.Contains(creds[0].SuspendReason+creds[0].RevokeReason, tc.reason) {
			t.Fatalf("%s: %+v %v", local, creds, err)
		}
		rec := openAPICall(t, h, "GET", "/api/v1/title-check/credentials/"+creds[0].ID, "", reg)
		openAPICheckAnswer(t, oc, doc, "get", "/api/v1/title-check/credentials/{id}", rec)
		var out struct {
			Person struct {
				Status map[string]string `json:"status"`
			} `json:"person"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || out.Person.Status["standing"] != tc.standing {
			t.Fatalf("%s: %d %v %s", local, rec.Code, err, rec.Body)
		}
		if body := rec.Body.String(); strings.Contains(body, tc.reason) || strings.Contains(body, "_reason") {
			t.Errorf("%s: the API shows the regulator the board's reason: %s", local, body)
		}
		page := postForm(t, h, "/title-check/person", url.Values{"credential": {creds[0].ID}}, reg)
		if page.Code != 200 || !strings.Contains(page.Body.String(), tc.standing) || strings.Contains(page.Body.String(), tc.reason) {
			t.Errorf("%s: page %d; the reason shown or the status not", local, page.Code)
		}
	}
}
