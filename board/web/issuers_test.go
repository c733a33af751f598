package web

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
)

// signAs re-signs a credential document, its proof dropped and changed by
// mutate, with key under the verification method vm; it returns the JSON.
func signAs(t *testing.T, doc []byte, key ed25519.PrivateKey, vm string, mutate func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "proof")
	mutate(m)
	signed, err := dataintegrity.Sign(m, key, vm, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// signAsBoard re-signs a credential document with the board's current key.
func signAsBoard(t *testing.T, w *accessWorld, doc []byte, mutate func(map[string]any)) []byte {
	t.Helper()
	key, err := w.st.CurrentSigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	board, err := w.s.boardDID()
	if err != nil {
		t.Fatal(err)
	}
	return signAs(t, doc, key.Private, board+"#"+key.ID, mutate)
}

// asIssuer makes a credential another issuer's: issuer (and the
// achievement's creator) id and name as given, and no status list (the
// board's lists are the board's, not theirs). Everything else, the id under
// the board's /credentials/ included, stays as the board wrote it.
func asIssuer(id, name string) func(map[string]any) {
	return func(m map[string]any) {
		m["issuer"] = map[string]any{"id": id, "type": []any{"Profile"}, "name": name}
		if subject, ok := m["credentialSubject"].(map[string]any); ok {
			if a, ok := subject["achievement"].(map[string]any); ok {
				a["creator"] = map[string]any{"id": id, "type": []any{"Profile"}, "name": name}
			}
		}
		delete(m, "credentialStatus")
	}
}

// greenValid is the result's heading when it reads as a success.
const greenValid = `Result: <span class="badge s-met">valid</span>`

// resultSection is the result part of the /check page: what it says of the
// credential, without the form and the trust list below it.
func resultSection(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<section aria-labelledby="result-h"`)
	if i < 0 {
		t.Fatalf("no result on the page:\n%s", body)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

// checkPageOf posts a credential to /check and returns its result section.
func checkPageOf(t *testing.T, w *accessWorld, cred []byte) string {
	t.Helper()
	rec := postForm(t, w.s.Handler(), "/check", url.Values{"credential": {string(cred)}}, nil)
	if rec.Code != 200 {
		t.Fatalf("/check: %d\n%s", rec.Code, rec.Body)
	}
	return resultSection(t, rec.Body.String())
}

// jordansCredential is the credential the demo board issued to Jordan
// through the normal approval flow.
func jordansCredential(t *testing.T, w *accessWorld) *boardsql.IssuedCredential {
	t.Helper()
	creds, err := w.st.CredentialsOf(context.Background(), w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	return creds[0]
}

// boardNameIn is the board's name as its credentials state it.
func boardNameIn(t *testing.T, doc []byte) string {
	t.Helper()
	var m struct {
		Issuer struct {
			Name string `json:"name"`
		} `json:"issuer"`
	}
	if err := json.Unmarshal(doc, &m); err != nil || m.Issuer.Name == "" {
		t.Fatalf("no issuer name in the board's credential: %v", err)
	}
	return m.Issuer.Name
}

// TestVerifyImpostorOfTheBoard is the attack of the security issue: a
// credential signed by an unrelated did:key that copies the board's name and
// points its id at one of the board's real credentials. Every check passes
// (it is well signed, by its own key), yet the page and the API say it is
// not the board's: no board record, the board's name only as the
// credential's own unverified claim, and no green "valid".
func TestVerifyImpostorOfTheBoard(t *testing.T) {
	w := newAccessWorld(t)
	c := jordansCredential(t, w)
	name := boardNameIn(t, c.Document)
	pub, priv, _ := ed25519.GenerateKey(nil)
	impostor := did.KeyFromPublic(pub)
	forged := signAs(t, c.Document, priv, did.KeyVerificationMethod(pub), asIssuer(impostor, name))
	if !strings.Contains(string(forged), w.s.publicBase()+"/credentials/"+c.ID) {
		t.Fatal("the forged credential does not point at the board's credential")
	}

	out := verifyAPI(t, w.s.Handler(), string(forged))
	issuer, _ := out["issuer"].(map[string]any)
	if out["status"] != "valid" {
		t.Fatalf("the impostor's checks should all pass (only who issued it is wrong): %v", out)
	}
	if out["verdict"] != "unknown_issuer" || issuer["issued_by_this_board"] != false || issuer["trusted"] != false ||
		issuer["name"] != nil || issuer["claimed_name"] != name || issuer["id"] != impostor || out["record"] != nil {
		t.Fatalf("API: %v", out)
	}
	if strings.Contains(rec2s(out["checks"]), CheckRecord) {
		t.Fatalf("API: a board record check for another issuer: %v", out["checks"])
	}

	result := checkPageOf(t, w, forged)
	for _, want := range []string{"Not issued by this board", impostor, `class="badge s-unknown_issuer">unknown issuer<`,
		"It calls itself “" + name + "”: the credential's own claim, which nobody has checked."} {
		if !strings.Contains(result, want) {
			t.Errorf("the page does not say %q:\n%s", want, result)
		}
	}
	for _, never := range []string{greenValid, "<dt>Issued by</dt>", "The board's records", "<strong>" + name} {
		if strings.Contains(result, never) {
			t.Errorf("the page says %q:\n%s", never, result)
		}
	}
	if n := strings.Count(result, name); n != 1 {
		t.Errorf("the board's name shows %d times, want once, as the credential's own claim:\n%s", n, result)
	}
}

// TestVerifyIssuersCallingThemselvesAASECT: a did:key and a did:web
// credential calling their issuer "AASECT" are shown by their DID as not
// trusted; once an admin lists the did:web as AASECT's, its credentials
// show the trust list's name, never the one they give themselves, and the
// did:key's stay unknown.
func TestVerifyIssuersCallingThemselvesAASECT(t *testing.T) {
	w := newAccessWorld(t)
	c := jordansCredential(t, w)
	webPub, webPriv, _ := ed25519.GenerateKey(nil)
	const web = "did:web:aasect.example"
	doc, err := did.NewWebDocument(web, []did.NamedKey{{ID: "key-1", Public: webPub}})
	if err != nil {
		t.Fatal(err)
	}
	docJSON, _ := json.Marshal(doc)
	w.s.fetchElsewhere = func(_ context.Context, u string) ([]byte, error) {
		if u == "https://aasect.example/.well-known/did.json" {
			return docJSON, nil
		}
		return nil, errors.New("not found")
	}
	keyPub, keyPriv, _ := ed25519.GenerateKey(nil)
	key := did.KeyFromPublic(keyPub)
	fromWeb := signAs(t, c.Document, webPriv, web+"#key-1", asIssuer(web, "AASECT"))
	fromKey := signAs(t, c.Document, keyPriv, did.KeyVerificationMethod(keyPub), asIssuer(key, "AASECT"))

	for _, tc := range []struct {
		what string
		cred []byte
		id   string
	}{{"did:web", fromWeb, web}, {"did:key", fromKey, key}} {
		out := verifyAPI(t, w.s.Handler(), string(tc.cred))
		issuer, _ := out["issuer"].(map[string]any)
		if out["status"] != "valid" || out["verdict"] != "unknown_issuer" || issuer["id"] != tc.id || issuer["trusted"] != false ||
			issuer["name"] != nil || issuer["claimed_name"] != "AASECT" || issuer["issued_by_this_board"] != false {
			t.Fatalf("%s, unlisted: %v", tc.what, out)
		}
		result := checkPageOf(t, w, tc.cred)
		if !strings.Contains(result, "<code>"+tc.id+"</code>, which is not on this board's trust list") ||
			!strings.Contains(result, "It calls itself “AASECT”") || strings.Contains(result, "<strong>AASECT") || strings.Contains(result, greenValid) ||
			strings.Contains(result, "<dt>Issued by</dt>") {
			t.Fatalf("%s, unlisted: the page\n%s", tc.what, result)
		}
	}

	// An admin lists the did:web, under the name the board gives it.
	const listed = "American Association of Sexuality Educators, Counselors and Therapists"
	rec := postForm(t, w.s.Handler(), "/admin/trust", url.Values{"did": {web}, "name": {listed}, "note": {"confirmed by letter"}}, w.cookie["admin"])
	if rec.Code != 303 {
		t.Fatalf("adding to the trust list: %d\n%s", rec.Code, rec.Body)
	}
	out := verifyAPI(t, w.s.Handler(), string(fromWeb))
	issuer, _ := out["issuer"].(map[string]any)
	if out["verdict"] != "valid" || issuer["trusted"] != true || issuer["name"] != listed || issuer["claimed_name"] != "AASECT" ||
		issuer["issued_by_this_board"] != false || issuer["verification_method"] != web+"#key-1" || out["record"] != nil {
		t.Fatalf("did:web, listed: %v", out)
	}
	result := checkPageOf(t, w, fromWeb)
	if !strings.Contains(result, "<dt>Issued by</dt><dd><strong>"+listed+"</strong> <span class=\"muted\">("+web+")</span>, on this board's trust list. Not issued by this board.") ||
		!strings.Contains(result, greenValid) || strings.Contains(result, "calls itself") {
		t.Fatalf("did:web, listed: the page\n%s", result)
	}
	if out := verifyAPI(t, w.s.Handler(), string(fromKey)); out["verdict"] != "unknown_issuer" {
		t.Fatalf("did:key, still unlisted: %v", out)
	}
	// A listed DID is trusted only for what its key signed: the same
	// credential altered is invalid, and nobody's.
	tampered := strings.Replace(string(fromWeb), "Jordan Reyes", "Someone Else", 1)
	out = verifyAPI(t, w.s.Handler(), tampered)
	issuer, _ = out["issuer"].(map[string]any)
	if out["verdict"] != "invalid" || issuer["trusted"] != false || issuer["name"] != nil || issuer["id"] != web {
		t.Fatalf("did:web, tampered: %v", out)
	}
	// The issuer's site down: could not check, and not trusted.
	w.s.fetchElsewhere = func(context.Context, string) ([]byte, error) { return nil, errors.New("connection refused") }
	out = verifyAPI(t, w.s.Handler(), string(fromWeb))
	if issuer, _ := out["issuer"].(map[string]any); out["verdict"] != "could_not_check" || issuer["trusted"] != false || issuer["name"] != nil {
		t.Fatalf("did:web, site down: %v", out)
	}
}

// TestVerifyBoardCredentialAcrossKeyRotation: the board's credential,
// issued through the approval flow, is "Issued by" the board with its
// record; after the board rotates its key it still is (the old key stays in
// its DID document), and so is a credential signed with the new key. A
// credential naming the board's DID with a key the board never had is not
// the board's.
func TestVerifyBoardCredentialAcrossKeyRotation(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	c := jordansCredential(t, w)
	name := boardNameIn(t, c.Document)
	board, _ := w.s.boardDID()
	wantBoard := func(what string, cred []byte) {
		t.Helper()
		out := verifyAPI(t, w.s.Handler(), string(cred))
		issuer, _ := out["issuer"].(map[string]any)
		record, _ := out["record"].(map[string]any)
		if out["verdict"] != "valid" || issuer["issued_by_this_board"] != true || issuer["trusted"] != true || issuer["name"] != name ||
			issuer["id"] != board || record["standing"] != "active" {
			t.Fatalf("%s: %v", what, out)
		}
		result := checkPageOf(t, w, cred)
		if !strings.Contains(result, "<dt>Issued by</dt><dd><strong>"+name+"</strong>, this board") || !strings.Contains(result, "The board's records") ||
			!strings.Contains(result, greenValid) || strings.Contains(result, "Not issued by this board") {
			t.Fatalf("%s: the page\n%s", what, result)
		}
	}
	wantBoard("the issued JSON", c.Document)
	wantBoard("the issued JWT", []byte(c.JWT))

	old, err := w.st.CurrentSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.NewSigningKey(ctx, nil, w.s.now()); err != nil {
		t.Fatal(err)
	}
	if cur, _ := w.st.CurrentSigningKey(ctx); cur.ID == old.ID {
		t.Fatal("the key did not rotate")
	}
	wantBoard("the JSON signed with the retired key", c.Document)
	wantBoard("the JWT signed with the retired key", []byte(c.JWT))
	wantBoard("signed anew with the current key", signAsBoard(t, w, c.Document, func(map[string]any) {}))

	// The board's DID with a key the board never had: the DID document
	// does not list it, so the signature cannot be checked, and the
	// credential is not the board's.
	_, stranger, _ := ed25519.GenerateKey(nil)
	alien := signAs(t, c.Document, stranger, board+"#key-never", func(map[string]any) {})
	out := verifyAPI(t, w.s.Handler(), string(alien))
	if issuer, _ := out["issuer"].(map[string]any); issuer["issued_by_this_board"] != false || issuer["trusted"] != false || issuer["name"] != nil || out["record"] != nil {
		t.Fatalf("an unknown key of the board's DID: %v", out)
	}
	if result := checkPageOf(t, w, alien); !strings.Contains(result, "Not issued by this board") || strings.Contains(result, "The board's records") {
		t.Fatalf("an unknown key of the board's DID: the page\n%s", result)
	}
}

// TestTrustListAdmin: admins list, add and remove trusted issuers on a
// page that works without JavaScript; bad input names the field and
// changes nothing; the board's own DID and a DID listed twice are refused;
// each change is in the audit log; the public sees the list (without the
// notes) on /check.
func TestTrustListAdmin(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	admin := w.cookie["admin"]
	board, _ := w.s.boardDID()
	rec := getAs(t, h, "/admin/trust", admin)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), board) || !strings.Contains(rec.Body.String(), `action="/admin/trust"`) {
		t.Fatalf("the page: %d\n%s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/admin/trust", w.cookie["staff"]); rec.Code != 403 {
		t.Fatalf("staff: %d, want 403", rec.Code)
	}
	auditLen := func() int {
		t.Helper()
		log, err := w.st.AuditLog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	before := auditLen()
	for _, tc := range []struct {
		what            string
		form            url.Values
		status          int
		field, contains string
	}{
		{"no DID", url.Values{"name": {"X"}}, 422, "t-did-error", "did: give the issuer"},
		{"not a DID", url.Values{"did": {"https://aasect.org"}, "name": {"X"}}, 422, "t-did-error", "did: "},
		{"a DID URL", url.Values{"did": {"did:web:aasect.org#key-1"}, "name": {"X"}}, 422, "t-did-error", "did: "},
		{"another method", url.Values{"did": {"did:ion:abc"}, "name": {"X"}}, 422, "t-did-error", "not a did:web or did:key"},
		{"the board's own", url.Values{"did": {board}, "name": {"Us"}}, 422, "t-did-error", "this board&#39;s own DID"},
		{"no name", url.Values{"did": {"did:web:aasect.org"}, "name": {"  "}}, 422, "t-name-error", "name: give the issuer&#39;s name"},
		{"a name with a line break", url.Values{"did": {"did:web:aasect.org"}, "name": {"AASECT\nreal"}}, 422, "t-name-error", "control character"},
		{"a long note", url.Values{"did": {"did:web:aasect.org"}, "name": {"AASECT"}, "note": {strings.Repeat("n", 1001)}}, 422, "t-note-error", "note: at most 1000"},
	} {
		rec := postForm(t, h, "/admin/trust", tc.form, admin)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), `id="`+tc.field+`"`) || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%s: %d, want %d with %s saying %q\n%s", tc.what, rec.Code, tc.status, tc.field, tc.contains, rec.Body)
		}
	}
	if list, _ := w.st.TrustedIssuers(ctx); len(list) != 0 || auditLen() != before {
		t.Fatalf("refused entries changed something: %v", list)
	}

	rec = postForm(t, h, "/admin/trust", url.Values{"did": {" did:web:aasect.org "}, "name": {" AASECT "}, "note": {"confirmed by letter"}}, admin)
	if rec.Code != 303 || rec.Header().Get("Location") != "/admin/trust" {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	list, err := w.st.TrustedIssuers(ctx)
	if err != nil || len(list) != 1 || list[0].DID != "did:web:aasect.org" || list[0].Name != "AASECT" || list[0].AddedBy != w.users["admin"].ID {
		t.Fatalf("stored: %+v %v", list, err)
	}
	if rec := postForm(t, h, "/admin/trust", url.Values{"did": {"did:web:aasect.org"}, "name": {"Other"}}, admin); rec.Code != 409 ||
		!strings.Contains(rec.Body.String(), "on the trust list already") {
		t.Fatalf("twice: %d\n%s", rec.Code, rec.Body)
	}
	if rec := getAs(t, h, "/admin/trust", admin); !strings.Contains(rec.Body.String(), "confirmed by letter") || !strings.Contains(rec.Body.String(), "Remove AASECT") {
		t.Fatalf("listed: %s", rec.Body)
	}
	// The public sees the list on /check, not the admins' note.
	if rec := getAs(t, h, "/check", nil); !strings.Contains(rec.Body.String(), "AASECT") || !strings.Contains(rec.Body.String(), "did:web:aasect.org") ||
		strings.Contains(rec.Body.String(), "confirmed by letter") {
		t.Fatalf("/check: the trust list\n%s", rec.Body)
	}

	if rec := postForm(t, h, "/admin/trust/remove", url.Values{"did": {"did:web:other.example"}}, admin); rec.Code != 404 {
		t.Fatalf("remove what is not listed: %d", rec.Code)
	}
	if rec := postForm(t, h, "/admin/trust/remove", url.Values{"did": {"did:web:aasect.org"}}, admin); rec.Code != 303 {
		t.Fatalf("remove: %d %s", rec.Code, rec.Body)
	}
	if list, _ := w.st.TrustedIssuers(ctx); len(list) != 0 {
		t.Fatalf("after removal: %+v", list)
	}
	log, _ := w.st.AuditLog(ctx)
	var got []audit.Entry
	for _, e := range log[before:] {
		if strings.HasPrefix(e.Action, "trust_list.") {
			got = append(got, e)
		}
	}
	if len(got) != 2 || got[0].Action != "trust_list.add" || got[1].Action != "trust_list.remove" || got[0].Subject != "trusted_issuer/did:web:aasect.org" ||
		got[0].Actor != fmt.Sprintf("user/%d", w.users["admin"].ID) || !strings.Contains(got[0].After, `"name":"AASECT"`) || !strings.Contains(got[1].Before, "confirmed by letter") {
		t.Fatalf("audit: %+v", got)
	}
	// A cross-site form post is refused before anything happens.
	req := httptest.NewRequest("POST", "/admin/trust", strings.NewReader(url.Values{"did": {"did:web:evil.example"}, "name": {"Evil"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(admin)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if list, _ := w.st.TrustedIssuers(ctx); rec.Code < 400 || len(list) != 0 {
		t.Fatalf("cross-site: %d, list %+v", rec.Code, list)
	}
}
