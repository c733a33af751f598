package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/scope"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// pageBoard is a board as the practice sees it over the network: its
// did:web document and its two status lists, served from memory, and the
// credentials it issues (as board.IssueCredential does).
type pageBoard struct {
	t     *testing.T
	did   string
	priv  ed25519.PrivateKey
	doc   []byte
	mu    sync.Mutex
	lists map[statuslist.Purpose]*statuslist.List
	n     int
}

const pageBoardURL = "https://board.example"

func newPageBoard(t *testing.T) *pageBoard {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &pageBoard{t: t, did: "did:web:board.example", priv: priv, lists: map[statuslist.Purpose]*statuslist.List{}}
	doc, err := did.NewWebDocument(b.did, []did.NamedKey{{ID: "key-1", Public: pub}})
	if err != nil {
		t.Fatal(err)
	}
	if b.doc, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
		if b.lists[p], err = statuslist.New(statuslist.MinSize); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func (b *pageBoard) listURL(p statuslist.Purpose) string {
	return pageBoardURL + "/status/" + string(p)
}

func (b *pageBoard) fetch(_ context.Context, url string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if url == pageBoardURL+"/.well-known/did.json" {
		return b.doc, nil
	}
	for p, l := range b.lists {
		if url != b.listURL(p) {
			continue
		}
		enc, err := l.Encode()
		if err != nil {
			return nil, err
		}
		signed, err := dataintegrity.Sign(map[string]any{
			"@context": []any{credential.ContextVC}, "id": url, "type": []any{"VerifiableCredential", statuslist.CredentialType},
			"issuer": b.did, "validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": url + "#list", "type": statuslist.SubjectType, "statusPurpose": string(p), "encodedList": enc},
		}, b.priv, b.did+"#key-1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return nil, err
		}
		return json.Marshal(signed)
	}
	return nil, errors.New("404 Not Found")
}

// cst issues a CST to email, in both formats, and returns them with its
// suspension index.
func (b *pageBoard) cst(name, email string) (jsonDoc, jwt []byte, sus int) {
	t := b.t
	t.Helper()
	b.mu.Lock()
	b.n++
	n := b.n
	b.mu.Unlock()
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	c, err := credential.Issue(credential.IssueInput{IssuerDID: b.did, BoardName: "Demo Board", BoardURL: pageBoardURL,
		CredentialID: fmt.Sprintf("%s/credentials/%d", pageBoardURL, n), HolderName: name, HolderEmail: email,
		Salt: "0123456789abcdef0123456789abcdef", CredentialType: "CST", Title: "AASECT Certified Sex Therapist (CST)",
		RequirementSetID: "aasect-cst", RequirementSetVersion: "2025.T.1", ValidFrom: from, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: b.listURL(statuslist.Revocation), Index: 100 + n},
		Suspension: credential.StatusInput{ListURL: b.listURL(statuslist.Suspension), Index: 200 + n}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(c)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	tok, err := vcjwt.Sign(m, b.priv, b.did+"#key-1")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := dataintegrity.Sign(m, b.priv, b.did+"#key-1", from)
	if err != nil {
		t.Fatal(err)
	}
	if jsonDoc, err = json.Marshal(signed); err != nil {
		t.Fatal(err)
	}
	return jsonDoc, []byte(tok), 200 + n
}

func (b *pageBoard) suspend(i int, on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.lists[statuslist.Suspension].Set(i, on); err != nil {
		b.t.Fatal(err)
	}
}

// credsWorld is a world whose server serves the credentials pages, with
// the board on the trust list. New registers them (credentialRoutes);
// until it does, this registers them on the test's server.
func credsWorld(t *testing.T) (*world, *pageBoard) {
	t.Helper()
	w := newWorld(t)
	registered := false
	for _, r := range w.s.Routes() {
		registered = registered || r.Pattern == "GET /credentials"
	}
	if !registered {
		w.s.credentialRoutes()
		w.h = w.s.Handler()
	}
	b := newPageBoard(t)
	w.s.practice.UseFetch(b.fetch)
	admin := practice.ActorOf(w.users["admin"])
	if err := w.s.practice.AddTrustedIssuer(context.Background(), admin, practice.TrustedIssuer{DID: b.did, Name: "Demo Board", Types: []string{"aasect-cst"}}); err != nil {
		t.Fatal(err)
	}
	return w, b
}

// upload posts a multipart form with the fields and, when file is not
// nil, the file.
func (w *world) upload(t *testing.T, path string, fields url.Values, file []byte, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "credential.json")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
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

// TestCredentialRoutesRules pins the access rule of every credentials
// route.
func TestCredentialRoutesRules(t *testing.T) {
	w, _ := credsWorld(t)
	want := map[string]string{
		"GET /credentials":                     "practitioner",
		"POST /credentials":                    "practitioner",
		"POST /credentials/{id}/check":         "practitioner",
		"POST /credentials/{id}/remove":        "practitioner",
		"GET /admin/trust-list":                "practice admin",
		"POST /admin/trust-list":               "practice admin",
		"POST /admin/trust-list/remove":        "practice admin",
		"POST /admin/trust-list/types":         "practice admin",
		"GET /admin/scope":                     "practice admin",
		"POST /admin/scope/flags/{id}/resolve": "practice admin",
	}
	got := map[string]string{}
	for _, r := range w.s.Routes() {
		got[r.Pattern] = r.Access.String()
	}
	for p, rule := range want {
		if got[p] != rule {
			t.Errorf("%s: %q, want %q", p, got[p], rule)
		}
	}
}

// TestCredentialPages: a practitioner attaches a credential by file and
// by paste, is refused with the verifier's reason, sees what they may
// deliver and why, checks a credential again and removes it; an admin
// keeps the trust list and sees every practitioner's scope.
func TestCredentialPages(t *testing.T) {
	w, b := credsWorld(t)
	me := w.signIn(t, "practitioner")
	admin := w.signIn(t, "admin")
	email := "practitioner@practice.example"
	doc, tok, sus := b.cst("Person practitioner", email)

	rec := w.get(t, "/credentials", me)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "You have attached no credential") ||
		!strings.Contains(rec.Body.String(), "no credential is attached") {
		t.Fatalf("empty page: %d %s", rec.Code, rec.Body)
	}
	// Refused: suspended, pasted; both a file and a paste; too large.
	_, other, otherSus := b.cst("Person practitioner", email)
	b.suspend(otherSus, true)
	rec = w.upload(t, "/credentials", url.Values{"credential": {string(other)}}, nil, me)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "The credential is suspended: the issuer has suspended this credential") {
		t.Fatalf("suspended: %d %s", rec.Code, rec.Body)
	}
	rec = w.upload(t, "/credentials", url.Values{"credential": {string(tok)}}, doc, me)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Give the credential once") {
		t.Fatalf("both: %d %s", rec.Code, rec.Body)
	}
	rec = w.upload(t, "/credentials", nil, bytes.Repeat([]byte("x"), practice.MaxCredentialSize+1), me)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d %s", rec.Code, rec.Body)
	}
	if rec = w.get(t, "/credentials", me); !strings.Contains(rec.Body.String(), "You have attached no credential") {
		t.Fatal("a refused credential was stored")
	}
	// Attached by file: current, and Intensive Therapy is within scope.
	rec = w.upload(t, "/credentials", nil, doc, me)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/credentials" {
		t.Fatalf("attach: %d %s", rec.Code, rec.Body)
	}
	flash := cookie(rec, FlashCookie)
	rec = w.get(t, "/credentials", me, flash)
	body := rec.Body.String()
	if !strings.Contains(body, "Attached your AASECT Certified Sex Therapist (CST) credential from Demo Board") ||
		!strings.Contains(body, `<span class="badge ok">current</span>`) || !strings.Contains(body, "Intensive Therapy is allowed by the AASECT Certified Sex Therapist (CST) credential from Demo Board") {
		t.Fatalf("after attaching: %s", body)
	}
	// By paste, the same credential as a VC-JWT: attached already.
	rec = w.do(t, http.MethodPost, "/credentials", url.Values{"credential": {string(tok)}}, me)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "attached already") {
		t.Fatalf("twice: %d %s", rec.Code, rec.Body)
	}
	creds, err := w.s.practice.Credentials(context.Background(), practice.ActorOf(w.users["practitioner"]), w.users["practitioner"].ID)
	if err != nil || len(creds.Credentials) != 1 {
		t.Fatalf("%+v %v", creds, err)
	}
	c := creds.Credentials[0]
	// The admin's overview shows it; the practitioner may not see it.
	if rec = w.get(t, "/admin/scope", admin); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "may deliver") ||
		!strings.Contains(rec.Body.String(), "No case waits for review") {
		t.Fatalf("overview: %d %s", rec.Code, rec.Body)
	}
	if rec = w.get(t, "/admin/scope", me); rec.Code != http.StatusForbidden {
		t.Fatalf("a practitioner's overview: %d", rec.Code)
	}
	// Checked again after the board suspended it (when losing Intensive
	// Therapy can flag cases).
	if w.hasCases(t) {
		w.clock.advance(time.Minute)
		b.suspend(sus, true)
		rec = w.do(t, http.MethodPost, fmt.Sprintf("/credentials/%d/check", c.ID), url.Values{}, me)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("check: %d %s", rec.Code, rec.Body)
		}
		if rec = w.get(t, "/credentials", me, cookie(rec, FlashCookie)); !strings.Contains(rec.Body.String(), "Checked your credential again: it is suspended") ||
			!strings.Contains(rec.Body.String(), "is suspended by its issuer") {
			t.Fatalf("after the check: %s", rec.Body)
		}
		c.Version++
	}
	if rec = w.do(t, http.MethodPost, "/credentials/999/check", url.Values{}, me); rec.Code != http.StatusNotFound {
		t.Fatalf("checking no credential: %d", rec.Code)
	}
	// Removed at a stale version: refused; at the version shown: gone.
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/credentials/%d/remove", c.ID), url.Values{"version": {"99"}}, me)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(cookie(rec, FlashCookie).Value, url.QueryEscape("!")) {
		t.Fatalf("stale removal: %d %v", rec.Code, cookie(rec, FlashCookie))
	}
	if !w.hasCases(t) {
		return // removing the CST loses Intensive Therapy, which flags cases
	}
	rec = w.do(t, http.MethodPost, fmt.Sprintf("/credentials/%d/remove", c.ID), url.Values{"version": {fmt.Sprint(c.Version)}}, me)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("removal: %d", rec.Code)
	}
	if rec = w.get(t, "/credentials", me); !strings.Contains(rec.Body.String(), "You have attached no credential") {
		t.Fatal("the credential is still there")
	}
}

func TestTrustListPage(t *testing.T) {
	w, b := credsWorld(t)
	admin := w.signIn(t, "admin")
	rec := w.get(t, "/admin/trust-list", admin)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, b.did) || !strings.Contains(body, "<li>AASECT Certified Sex Therapist (CST)</li>") ||
		!strings.Contains(body, `<input type="checkbox" name="types" value="aasect-cst" checked> AASECT Certified Sex Therapist (CST) <span class="hint">(allows Intensive Therapy)</span>`) ||
		!strings.Contains(body, `<input type="checkbox" name="types" value="aasect-cse"> AASECT Certified Sexuality Educator (CSE)</label>`) {
		t.Fatalf("%d %s", rec.Code, body)
	}
	// Refused: no DID, no name, no type; the form keeps what was given.
	rec = w.do(t, http.MethodPost, "/admin/trust-list", url.Values{"did": {"https://aasect.example"}, "name": {""}, "types": {"aasect-cse"}}, admin)
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="did-error"`) || !strings.Contains(body, `id="name-error"`) ||
		!strings.Contains(body, `value="https://aasect.example"`) || !strings.Contains(body, `value="aasect-cse" checked>`) {
		t.Fatalf("refused: %d %s", rec.Code, body)
	}
	rec = w.do(t, http.MethodPost, "/admin/trust-list", url.Values{"did": {"did:web:aasect.example"}, "name": {"AASECT"}}, admin)
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `<span class="field-error" id="types-error">Choose the kinds of credential`) ||
		!strings.Contains(body, `aria-describedby="types-hint types-error"`) {
		t.Fatalf("no type: %d %s", rec.Code, body)
	}
	rec = w.do(t, http.MethodPost, "/admin/trust-list", url.Values{"did": {"did:web:aasect.example"}, "name": {"AASECT"}, "types": {"aasect-cst", "aasect-cse"}}, admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	// Its types changed, then refused without any.
	rec = w.do(t, http.MethodPost, "/admin/trust-list/types", url.Values{"did": {"did:web:aasect.example"}, "types": {"aasect-cse"}}, admin)
	if rec.Code != http.StatusSeeOther || !strings.Contains(cookie(rec, FlashCookie).Value, url.QueryEscape("AASECT is trusted for AASECT Certified Sexuality Educator (CSE).")) {
		t.Fatalf("types: %d %v", rec.Code, cookie(rec, FlashCookie))
	}
	rec = w.do(t, http.MethodPost, "/admin/trust-list/types", url.Values{"did": {"did:web:aasect.example"}}, admin)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(cookie(rec, FlashCookie).Value, url.QueryEscape("!Choose the kinds")) {
		t.Fatalf("no types: %d %v", rec.Code, cookie(rec, FlashCookie))
	}
	list, err := w.s.practice.TrustedIssuers(context.Background(), practice.ActorOf(w.users["admin"]))
	if err != nil || len(list) != 2 || list[0].DID != "did:web:aasect.example" || strings.Join(list[0].Types, ",") != "aasect-cse" {
		t.Fatalf("%+v %v", list, err)
	}
	me := w.signIn(t, "practitioner")
	if rec = w.do(t, http.MethodPost, "/admin/trust-list/types", url.Values{"did": {"did:web:aasect.example"}, "types": {"aasect-cst"}}, me); rec.Code != http.StatusForbidden {
		t.Fatalf("a practitioner: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, "/admin/trust-list/remove", url.Values{"did": {"did:web:aasect.example"}}, admin)
	if rec.Code != http.StatusSeeOther || !strings.Contains(cookie(rec, FlashCookie).Value, "Removed") {
		t.Fatalf("remove: %d", rec.Code)
	}
	rec = w.do(t, http.MethodPost, "/admin/trust-list/remove", url.Values{"did": {"did:web:aasect.example"}}, admin)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(cookie(rec, FlashCookie).Value, url.QueryEscape("!")) {
		t.Fatalf("remove twice: %d", rec.Code)
	}
	if list, err := w.s.practice.TrustedIssuers(context.Background(), practice.ActorOf(w.users["admin"])); err != nil || len(list) != 1 {
		t.Fatalf("%+v %v", list, err)
	}
}

// TestCredentialOfAnotherKind: a CST from an issuer trusted only for CSEs
// is attached, and the page says why it allows nothing more.
func TestCredentialOfAnotherKind(t *testing.T) {
	w, b := credsWorld(t)
	if _, err := w.s.practice.SetIssuerTypes(context.Background(), practice.ActorOf(w.users["admin"]), b.did, []string{"aasect-cse"}); err != nil {
		t.Fatal(err)
	}
	me := w.signIn(t, "practitioner")
	doc, _, _ := b.cst("Person practitioner", "practitioner@practice.example")
	if rec := w.upload(t, "/credentials", nil, doc, me); rec.Code != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", rec.Code, rec.Body)
	}
	body := w.get(t, "/credentials", me).Body.String()
	if !strings.Contains(body, "Demo Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)") ||
		strings.Contains(body, "Intensive Therapy is allowed by") {
		t.Fatalf("%s", body)
	}
}

// hasCases says whether the cases table (the cases area's migration) is
// in this tree: losing Intensive Therapy flags cases.
func (w *world) hasCases(t *testing.T) bool {
	t.Helper()
	var n int
	return w.st.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM cases").Scan(&n) == nil
}

// TestCredentialsOnTheHomePage: a practitioner whose credential stopped
// counting is told on their home page: here, one its issuer is no longer
// trusted for (which takes Intensive Therapy away, and flags cases, when
// the cases table is in the tree), else one unverified past its grace.
func TestCredentialsOnTheHomePage(t *testing.T) {
	w, b := credsWorld(t)
	me := w.signIn(t, "practitioner")
	doc, _, _ := b.cst("Person practitioner", "practitioner@practice.example")
	if rec := w.upload(t, "/credentials", nil, doc, me); rec.Code != http.StatusSeeOther {
		t.Fatalf("attach: %d %s", rec.Code, rec.Body)
	}
	if rec := w.get(t, "/", me); strings.Contains(rec.Body.String(), "does not count") {
		t.Fatalf("a current credential flagged: %s", rec.Body)
	}
	why := "could not be verified again since"
	if w.hasCases(t) {
		if _, err := w.s.practice.SetIssuerTypes(context.Background(), practice.ActorOf(w.users["admin"]), b.did, []string{"aasect-cse"}); err != nil {
			t.Fatal(err)
		}
		why = "Demo Board is trusted for AASECT Certified Sexuality Educator (CSE), not for AASECT Certified Sex Therapist (CST)"
	} else {
		w.clock.advance(scope.CheckEvery + scope.Grace)
		me = w.signIn(t, "practitioner") // signed out meanwhile
	}
	rec := w.get(t, "/", me)
	if !strings.Contains(rec.Body.String(), `<a href="/credentials">A credential of yours does not count</a>`) ||
		!strings.Contains(rec.Body.String(), why) {
		t.Fatalf("home: %s", rec.Body)
	}
}
