package web

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/vcjwt"
)

// demoCredential seeds the demo board at https://board.example and returns
// the one credential its approval issued to Jordan.
func demoCredential(t *testing.T) (*Server, *boardsql.Store, *boardsql.IssuedCredential) {
	t.Helper()
	s, st := newServer(t)
	s.usePublicURL(t, "https://board.example")
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	jordan, err := st.UserByEmail(ctx, demoEmail("jordan"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := st.CredentialsOf(ctx, jordan.ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("credentials of the approved applicant: %d, %v", len(creds), err)
	}
	return s, st, creds[0]
}

// TestApprovalIssuesASignedCredential: approving an application issues its
// Open Badges credential in both proof formats, verifiable with the keys the
// board's DID document publishes, and tells the holder where it is.
func TestApprovalIssuesASignedCredential(t *testing.T) {
	s, st, c := demoCredential(t)
	ctx := context.Background()
	jordan, err := st.UserByEmail(ctx, demoEmail("jordan"))
	if err != nil {
		t.Fatal(err)
	}
	// (The demo then makes it public for the registry; issuance itself
	// leaves a first credential private.)
	if c.SetID != "aasect-cst" || c.SetVersion != "2025.T.1" || c.ValidUntil.Sub(c.IssuedAt) < 3*364*24*time.Hour {
		t.Fatalf("credential: %+v", c)
	}
	if problems := credential.Check(c.Document); len(problems) != 0 {
		t.Fatalf("the issued credential has problems: %v", problems)
	}
	// Keys come from the DID document the board publishes.
	rec := getAs(t, s.Handler(), "/.well-known/did.json", nil)
	doc, err := did.ParseDocument(rec.Body.Bytes(), "did:web:board.example")
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(vm string) (ed25519.PublicKey, error) { return doc.Key(vm) }
	res, err := vcjwt.Verify(c.JWT, resolve, time.Now())
	if err != nil || res.Status() != "valid" {
		t.Fatalf("VC-JWT: %v %+v", err, res)
	}
	var m map[string]any
	if err := json.Unmarshal(c.Document, &m); err != nil {
		t.Fatal(err)
	}
	di, err := dataintegrity.Verify(m, resolve)
	if err != nil || di.Status() != "valid" {
		t.Fatalf("Data Integrity: %v %+v", err, di)
	}
	subject := m["credentialSubject"].(map[string]any)
	if strings.Contains(string(c.Document), jordan.Email) {
		t.Fatal("the credential shows the holder's e-mail address in clear")
	}
	ids := subject["identifier"].([]any)
	var hashed credential.IdentityObject
	b, _ := json.Marshal(ids[0])
	json.Unmarshal(b, &hashed)
	if !credential.MatchesEmail(hashed, jordan.Email) {
		t.Fatal("the holder's hashed e-mail does not match")
	}
	// Tampering breaks both proofs.
	subject["achievement"].(map[string]any)["name"] = "Something else"
	if di, _ := dataintegrity.Verify(m, resolve); di.Status() != "invalid" {
		t.Fatalf("a changed credential verifies: %s", di.Status())
	}
	// The holder was told where the credential is.
	var body string
	queued, err := st.DueMail(ctx, time.Now().AddDate(100, 0, 0), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range queued {
		if m.To == jordan.Email && strings.Contains(m.Subject, "approved") {
			body = m.Body
		}
	}
	if !strings.Contains(body, "https://board.example/credentials/"+c.ID) {
		t.Fatalf("approval mail: %s", body)
	}
	// The credential holds its own index, given to no other credential.
	tx, _ := st.Begin(ctx)
	used, err := tx.UsedStatusIndexes(ctx, "revocation", c.RevocationList)
	tx.Rollback()
	if err != nil || !slices.Contains(used, c.RevocationIndex) || len(used) != len(slices.Compact(slices.Sorted(slices.Values(used)))) {
		t.Fatalf("used indexes: %v %v", used, err)
	}
}

// TestHostedCredential: the holder opens their credential at its URL, in
// each form; until the holder makes it public, others (the certificate's
// QR code leads anyone here) see its verification, with only what the
// certificate prints, and none of its signed forms.
func TestHostedCredential(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	creds, err := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	path := "/credentials/" + c.ID
	jordan := w.cookie["jordan"]
	// The demo lists Jordan in the registry; the holder makes the
	// credential private again first.
	if rec := postForm(t, h, path+"/visibility", url.Values{"public": {"false"}}, jordan); rec.Code != 303 {
		t.Fatalf("make private: %d", rec.Code)
	}
	if rec := getAs(t, h, "/applications", jordan); !strings.Contains(rec.Body.String(), path) {
		t.Fatal("the holder's list does not link the credential")
	}
	rec := getAs(t, h, path, jordan)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Jordan Reyes") || !strings.Contains(rec.Body.String(), "List it in the registry") {
		t.Fatalf("holder's page: %d\n%s", rec.Code, rec.Body)
	}
	for _, who := range []string{"", "riley"} {
		rec := getAs(t, h, path, w.cookie[who])
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "Jordan Reyes") || !strings.Contains(body, "Verified now") {
			t.Fatalf("private credential's page as %q: %d\n%s", who, rec.Code, body)
		}
		for _, never := range []string{"format=json", "format=jwt", "certificate.pdf", "/visibility", "/status"} {
			if strings.Contains(body, never) {
				t.Errorf("private credential's page as %q offers %s", who, never)
			}
		}
		for _, form := range []string{"?format=json", "?format=jwt", "/certificate.pdf"} {
			if rec := getAs(t, h, path+form, w.cookie[who]); rec.Code != 404 {
				t.Errorf("private credential's %s as %q: %d", form, who, rec.Code)
			}
		}
	}
	if rec := postForm(t, h, path+"/visibility", url.Values{"public": {"true"}}, w.cookie["riley"]); rec.Code != 404 {
		t.Fatalf("someone else changes the visibility: %d", rec.Code)
	}
	if rec := postForm(t, h, path+"/visibility", url.Values{"public": {"maybe"}}, jordan); rec.Code != 400 {
		t.Fatalf("bad visibility: %d", rec.Code)
	}
	if rec := postForm(t, h, path+"/visibility", url.Values{"public": {"true"}}, jordan); rec.Code != 303 {
		t.Fatalf("make public: %d", rec.Code)
	}
	get := func(accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("application/vc+jwt"); rec.Code != 200 || rec.Body.String() != c.JWT || rec.Header().Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("JWT: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := get("application/ld+json"); rec.Code != 200 || rec.Body.String() != string(c.Document) || rec.Header().Get("Content-Type") != "application/ld+json" {
		t.Fatalf("JSON-LD: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := get("text/html"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "<h1>") {
		t.Fatalf("page: %d", rec.Code)
	}
	if rec := getAs(t, h, path+"?format=xml", nil); rec.Code != 400 {
		t.Fatalf("unknown format: %d", rec.Code)
	}
}
