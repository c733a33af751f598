package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// TestVerifyPageAndAPI: anyone verifies the board's credential on the page
// (pasted) and through the API (JWT as text); a suspension shows at once;
// garbage is invalid, not an error.
func TestVerifyPageAndAPI(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	creds, err := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	if rec := getAs(t, h, "/check", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="credential"`) {
		t.Fatalf("form: %d", rec.Code)
	}
	rec := postForm(t, h, "/check", url.Values{"credential": {string(c.Document)}}, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Result: <span class=\"badge s-met\">valid</span>") {
		t.Fatalf("page: %d\n%s", rec.Code, rec.Body)
	}
	api := func(body string) map[string]any {
		req := httptest.NewRequest("POST", "/api/v1/verify", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return out
	}
	if out := api(c.JWT); out["status"] != "valid" || out["format"] != "vc-jwt" {
		t.Fatalf("API: %v", out)
	}
	if out := api("not a credential"); out["status"] != "invalid" {
		t.Fatalf("garbage: %v", out)
	}
	if rec := postForm(t, h, "/credentials/"+c.ID+"/status", url.Values{"action": {"suspend"}, "reason": {"lapsed"}}, w.cookie["staff"]); rec.Code != 303 {
		t.Fatalf("suspend: %d", rec.Code)
	}
	if out := api(c.JWT); out["status"] != "invalid" || !strings.Contains(rec2s(out), "suspended") {
		t.Fatalf("after suspension: %v", out)
	}
	if rec := postForm(t, h, "/check", url.Values{"credential": {""}}, nil); rec.Code != 422 {
		t.Fatalf("empty: %d", rec.Code)
	}
}

func rec2s(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestSafeFetchRefusesLocalAndPlainAddresses: the public verifier never
// reaches this machine or a private network, nor plain http.
func TestSafeFetchRefusesLocalAndPlainAddresses(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://example.org/x", "https://127.0.0.1/x", "https://localhost:1/x", "https://10.0.0.1/x", "https://[::1]/x", "https://169.254.169.254/latest/meta-data", "https://100.100.100.200/x", "https://198.18.0.1/x", "https://[64:ff9b::a00:1]/x", "https://[::7f00:1]/x", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x"} {
		if _, err := safeFetch(ctx, u); err == nil {
			t.Errorf("%s was fetched", u)
		} else if strings.HasPrefix(u, "https://") && !errors.Is(err, errForbiddenAddress) {
			t.Errorf("%s: refused for another reason: %v", u, err)
		}
	}
}

// TestOwnFetchesOnlyPublicDocuments: the in-process shortcut serves the DID
// document and status lists, nothing else of the board.
func TestOwnFetchesOnlyPublicDocuments(t *testing.T) {
	s, _ := newServer(t)
	if _, err := s.verifierFetch(context.Background(), s.publicBase()+"/api/v1/me"); err == nil {
		t.Fatal("a verification fetched a private page of the board")
	}
	if _, err := s.verifierFetch(context.Background(), s.publicBase()+"/credentials/abc?format=json"); err == nil {
		t.Fatal("a verification fetched a credential of the board")
	}
}

// TestOwnFetchMatchesRoutes: the in-process shortcut gives the very bytes
// the board's routes serve, and fails where they answer anything but 200,
// naming the status they answer with.
func TestOwnFetchMatchesRoutes(t *testing.T) {
	s, st := newServer(t)
	s.cfg.PublicURL = "https://board.example"
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.cfg.Now = func() time.Time { return at }
	ctx := context.Background()
	h := s.Handler()
	own := []string{"/.well-known/did.json", "/status/" + revocationList, "/status/" + suspensionList}
	for _, p := range own {
		if _, err := s.verifierFetch(ctx, s.publicBase()+p); err == nil || !strings.Contains(err.Error(), "answered 503") {
			t.Errorf("%s without a signing key: %v", p, err)
		}
	}
	if _, err := st.EnsureSigningKey(ctx, at); err != nil {
		t.Fatal(err)
	}
	for _, p := range own {
		got, err := s.verifierFetch(ctx, s.publicBase()+p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		s.statusCache.entries = nil // sign again for the route
		rec := get(t, h, p)
		if rec.Code != 200 || rec.Body.String() != string(got) {
			t.Errorf("%s: the route answered %d with other bytes than the fetch:\n%s\n%s", p, rec.Code, rec.Body, got)
		}
	}
	for _, p := range []string{"/status/nosuch", "/status/", "/status/" + revocationList + "/", "/status/a%2Fb", "/status/../status/" + revocationList, "/status//" + revocationList} {
		rec := get(t, h, p)
		_, err := s.verifierFetch(ctx, s.publicBase()+p)
		if rec.Code == 200 || err == nil || !strings.Contains(err.Error(), fmt.Sprintf("answered %d", rec.Code)) {
			t.Errorf("%s: the route answered %d, the fetch %v", p, rec.Code, err)
		}
	}
	if got, err := s.verifierFetch(ctx, s.publicBase()+"/status/"+revocationList+"?x=1"); err != nil || len(got) == 0 {
		t.Errorf("a query is ignored as the route ignores it: %v", err)
	}
}

// markSuperseded records, as a renewal would, that credential id was
// superseded by next.
func markSuperseded(t *testing.T, w *accessWorld, id, next string, at time.Time) {
	t.Helper()
	var when any = at.UTC().Format("2006-01-02T15:04:05.000000Z")
	if w.st.Dialect != boardsql.SQLite {
		when = at.UTC()
	}
	if _, err := w.st.DB.Exec(w.st.Dialect.Rebind("UPDATE credentials SET superseded_by = ?, superseded_at = ? WHERE id = ?"), next, when, id); err != nil {
		t.Fatal(err)
	}
}

// verifyAPI posts a credential to the verify API and decodes the answer,
// checked against the documented schema.
func verifyAPI(t *testing.T, h http.Handler, body string) map[string]any {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/verify", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	openAPICheckAnswer(t, openAPICompiler(t), openAPIDocument(t), "post", "/api/v1/verify", rec)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	return out
}

// TestVerifyShowsNamesAndBoardRecord: the page and the API name the issuer
// and the holder as the credential states them; for the board's own
// credential they add its records: active, then, once a renewal superseded
// it, superseded (invalid) with a link to the new one; expired once its
// end has passed; could-not-check stays apart from invalid.
func TestVerifyShowsNamesAndBoardRecord(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	creds, err := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	out := verifyAPI(t, h, c.JWT)
	holder, _ := out["holder"].(map[string]any)
	issuer, _ := out["issuer"].(map[string]any)
	record, _ := out["record"].(map[string]any)
	if out["status"] != "valid" || holder["name"] != "Jordan Reyes" || issuer["name"] == "" || issuer["name"] == nil || issuer["issued_by_this_board"] != true ||
		record["standing"] != "active" {
		t.Fatalf("active: %v", out)
	}
	rec := postForm(t, h, "/check", url.Values{"credential": {string(c.Document)}}, nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "<dt>Holder</dt><dd>Jordan Reyes</dd>") || !strings.Contains(body, "<dt>Issued by</dt><dd><strong>"+issuer["name"].(string)+"</strong>, this board") {
		t.Fatalf("page names: %d\n%s", rec.Code, body)
	}

	next := "0b6a4c1e-2f9d-4e8a-9c3b-5d7e1f2a3b4c"
	markSuperseded(t, w, c.ID, next, w.s.now())
	out = verifyAPI(t, h, c.JWT)
	record, _ = out["record"].(map[string]any)
	if out["status"] != "invalid" || record["standing"] != "superseded" || record["superseded_by"] != w.s.publicBase()+"/credentials/"+next {
		t.Fatalf("superseded: %v", out)
	}
	if !strings.Contains(rec2s(out["checks"]), "Superseded by a renewal") {
		t.Fatalf("superseded: no check says so: %v", out["checks"])
	}
	rec = postForm(t, h, "/check", url.Values{"credential": {string(c.Document)}}, nil)
	body = rec.Body.String()
	if !strings.Contains(body, "Superseded by a renewal.") || !strings.Contains(body, `href="/credentials/`+next+`"`) {
		t.Fatalf("page: superseded not shown\n%s", body)
	}
	// The credential's own page says so too.
	rec = getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"])
	if !strings.Contains(rec.Body.String(), "superseded by a renewal") || !strings.Contains(rec.Body.String(), `href="/credentials/`+next+`"`) {
		t.Fatalf("credential page: superseded not shown\n%s", rec.Body)
	}

	// Expired, on a later day: the validity check and the record say so.
	markSuperseded(t, w, c.ID, "", time.Time{})
	if _, err := w.st.DB.Exec(w.st.Dialect.Rebind("UPDATE credentials SET superseded_at = NULL WHERE id = ?"), c.ID); err != nil {
		t.Fatal(err)
	}
	w.s.cfg.Now = func() time.Time { return c.ValidUntil.Add(24 * time.Hour) }
	out = verifyAPI(t, h, string(c.Document))
	record, _ = out["record"].(map[string]any)
	if out["status"] != "invalid" || record["standing"] != "expired" || !strings.Contains(rec2s(out["checks"]), "expired on") {
		t.Fatalf("expired: %v", out)
	}
	rec = getAs(t, h, "/credentials/"+c.ID, sessionFor(t, w.s, w.users["jordan"])) // a session of that day
	if !strings.Contains(rec.Body.String(), ">expired</span>") || !strings.Contains(rec.Body.String(), "Expired on "+c.ValidUntil.UTC().Format("2006-01-02")) {
		t.Fatalf("credential page: expiry not shown\n%s", rec.Body)
	}
}

// TestBoardRecordCouldNotCheck: a record the board cannot read is "could
// not check", never "invalid"; a credential the board signed with an id it
// never issued is invalid; one that merely claims the board as its issuer
// gets nothing of the records.
func TestBoardRecordCouldNotCheck(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	creds, _ := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	c := creds[0]
	rep := verifier.Verify(ctx, c.Document, w.s.verifierFetch, w.s.now())
	is := w.s.judgeIssuer(ctx, rep)
	if !is.IssuedByThisBoard {
		t.Fatalf("the board's own credential is not the board's: %+v %+v", is, rep.Checks)
	}
	did, _ := w.s.boardDID()
	// Not ours: no record check.
	other := &verifier.Report{Credential: map[string]any{"id": "https://elsewhere.example/credentials/x", "issuer": "did:web:elsewhere.example"}}
	if w.s.checkRecord(ctx, other, w.s.judgeIssuer(ctx, other)) != nil || len(other.Checks) != 0 {
		t.Fatalf("another issuer's credential got a record check: %+v", other.Checks)
	}
	// Ours by its issuer and id as it states them, without a proof: no
	// record check either.
	claim := &verifier.Report{Credential: map[string]any{"id": w.s.publicBase() + "/credentials/" + c.ID, "issuer": map[string]any{"id": did}}}
	if w.s.checkRecord(ctx, claim, w.s.judgeIssuer(ctx, claim)) != nil || len(claim.Checks) != 0 {
		t.Fatalf("a bare claim of the board got a record check: %+v", claim.Checks)
	}
	// Signed with the board's key, but never issued.
	ghost := signAsBoard(t, w, c.Document, func(m map[string]any) { m["id"] = w.s.publicBase() + "/credentials/never-issued" })
	out := verifyAPI(t, w.s.Handler(), string(ghost))
	if issuer, _ := out["issuer"].(map[string]any); issuer["issued_by_this_board"] != true || out["record"] != nil ||
		!strings.Contains(rec2s(out["checks"]), "this board has no record of issuing") || out["status"] != "invalid" {
		t.Fatalf("never issued: %v", out)
	}
	// The records unreadable (the database closed): could not check.
	w.st.DB.Close()
	fresh := &verifier.Report{Credential: rep.Credential, Checks: rep.Checks[:len(rep.Checks):len(rep.Checks)]}
	w.s.checkRecord(ctx, fresh, is)
	if ch, ok := fresh.Checks.Lookup(CheckRecord); !ok || ch.Outcome != verification.CouldNotCheck || fresh.Status() != "could_not_check" {
		t.Fatalf("records unreadable: %+v", fresh.Checks)
	}
	// The keys and trust list unreadable: who issued it could not be
	// judged, and no one is trusted.
	again := &verifier.Report{Credential: rep.Credential, Checks: rep.Checks[:len(rep.Checks):len(rep.Checks)],
		VerificationMethod: rep.VerificationMethod, SignedWith: rep.SignedWith}
	if is := w.s.judgeIssuer(ctx, again); is.Trusted || is.IssuedByThisBoard || again.Status() != "could_not_check" {
		t.Fatalf("keys unreadable: %+v %+v", is, again.Checks)
	}
}

// TestBoardRecordOfAPrivateCredentialNeedsItsSignature: the board's
// records of a private credential are shown for the credential it signed,
// not for a document that only names its id.
func TestBoardRecordOfAPrivateCredentialNeedsItsSignature(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	henrik, err := w.st.UserByEmail(ctx, demoEmail("henrik.lund"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := w.st.CredentialsOf(ctx, henrik.ID)
	if err != nil || len(creds) != 1 || creds[0].Status() != "suspended" {
		t.Fatalf("%+v %v", creds, err)
	}
	c := creds[0]
	if err := w.st.InTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialPublic(ctx, c.ID, false) }); err != nil {
		t.Fatal(err)
	}
	// The genuine credential: its holder gave it, its standing is shown.
	out := verifyAPI(t, h, string(c.Document))
	if record, _ := out["record"].(map[string]any); record["standing"] != "suspended" {
		t.Fatalf("genuine: %v", out)
	}
	// A document made up around its id: invalid, and nothing of the record.
	var doc map[string]any
	if err := json.Unmarshal(c.Document, &doc); err != nil {
		t.Fatal(err)
	}
	doc["name"] = "Anything"
	forged, _ := json.Marshal(doc)
	for _, body := range []string{string(forged), c.JWT[:strings.LastIndex(c.JWT, ".")+1] + "AAAA"} {
		out = verifyAPI(t, h, body)
		text := rec2s(out)
		// (The status list check reads the list the document points to,
		// which is public; the board's records add the dates and renewals.)
		if out["status"] != "invalid" || out["record"] != nil || strings.Contains(text, "Suspended by the board") ||
			strings.Contains(text, c.SuspendedAt.UTC().Format("2006-01-02")) {
			t.Errorf("forged: the record shows: %s", text)
		}
	}
	// Public again: a forged document still gets nothing of the records
	// (the credential's own page shows its standing to anyone).
	if err := w.st.InTx(ctx, func(tx *boardsql.Tx) error { return tx.SetCredentialPublic(ctx, c.ID, true) }); err != nil {
		t.Fatal(err)
	}
	if out := verifyAPI(t, h, string(forged)); out["record"] != nil {
		t.Errorf("public, forged: record %v", out["record"])
	}
}
