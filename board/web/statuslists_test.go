package web

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// TestStatusListsArePublishedSigned: each list a credential points to is
// served as a signed BitstringStatusListCredential of the minimum size.
func TestStatusListsArePublishedSigned(t *testing.T) {
	s, st := newServer(t)
	s.usePublicURL(t, "https://board.example")
	h := s.Handler()
	if _, err := st.EnsureSigningKey(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	docRec := getAs(t, h, "/.well-known/did.json", nil)
	doc, err := did.ParseDocument(docRec.Body.Bytes(), "did:web:board.example")
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(vm string) (ed25519.PublicKey, error) { return doc.Key(vm) }
	for name, purpose := range boardLists {
		rec := getAs(t, h, "/status/"+name, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vc+ld+json" {
			t.Fatalf("%s: %d %s\n%s", name, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if res, err := dataintegrity.Verify(m, resolve); err != nil || res.Status() != "valid" {
			t.Fatalf("%s: proof %v %+v", name, err, res)
		}
		subject := m["credentialSubject"].(map[string]any)
		if subject["statusPurpose"] != string(purpose) || subject["type"] != statuslist.SubjectType {
			t.Fatalf("%s: subject %v", name, subject)
		}
		list, err := statuslist.Decode(subject["encodedList"].(string))
		if err != nil || list.Size() < statuslist.MinSize || list.Count() != 0 {
			t.Fatalf("%s: list %v", name, err)
		}
		req := httptest.NewRequest("GET", "/status/"+name, nil)
		req.Header.Set("Accept", "application/vc+jwt")
		jrec := httptest.NewRecorder()
		h.ServeHTTP(jrec, req)
		if res, err := vcjwt.Verify(jrec.Body.String(), resolve, time.Now()); err != nil || res.Status() != "valid" {
			t.Fatalf("%s: JWT %v %+v", name, err, res)
		}
	}
	if rec := getAs(t, h, "/status/other-list", nil); rec.Code != 404 {
		t.Fatalf("unknown list: %d", rec.Code)
	}
}

// TestStaffSuspendReinstateRevoke: staff decisions show in the published
// lists at once, each audited and mailed; revocation is final.
func TestStaffSuspendReinstateRevoke(t *testing.T) {
	w := newAccessWorld(t)
	ctx := context.Background()
	h := w.s.Handler()
	creds, err := w.st.CredentialsOf(ctx, w.users["jordan"].ID)
	if err != nil || len(creds) != 1 {
		t.Fatalf("%d %v", len(creds), err)
	}
	c := creds[0]
	path := "/credentials/" + c.ID + "/status"
	bit := func(list string, index int) bool {
		rec := getAs(t, h, "/status/"+list, nil)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		l, err := statuslist.Decode(m["credentialSubject"].(map[string]any)["encodedList"].(string))
		if err != nil {
			t.Fatal(err)
		}
		on, _ := l.Get(index)
		return on
	}
	staff := w.cookie["staff"]
	if rec := postForm(t, h, path, url.Values{"action": {"suspend"}}, staff); rec.Code != 422 {
		t.Fatalf("suspend without a reason: %d", rec.Code)
	}
	if rec := postForm(t, h, path, url.Values{"action": {"suspend"}, "reason": {"x"}}, w.cookie["jordan"]); rec.Code != 403 {
		t.Fatalf("the holder suspends: %d", rec.Code)
	}
	if rec := postForm(t, h, path, url.Values{"action": {"suspend"}, "reason": {"Membership lapsed on 2026-11-01."}}, staff); rec.Code != 303 {
		t.Fatalf("suspend: %d %s", rec.Code, rec.Body)
	}
	if !bit(c.SuspensionList, c.SuspensionIndex) || bit(c.RevocationList, c.RevocationIndex) {
		t.Fatal("the suspension does not show in the lists")
	}
	if rec := getAs(t, h, "/credentials/"+c.ID, w.cookie["jordan"]); !strings.Contains(rec.Body.String(), "suspended") || !strings.Contains(rec.Body.String(), "Membership lapsed") {
		t.Fatal("the holder's page does not show the suspension")
	}
	if rec := postForm(t, h, path, url.Values{"action": {"reinstate"}}, staff); rec.Code != 303 {
		t.Fatalf("reinstate: %d", rec.Code)
	}
	if bit(c.SuspensionList, c.SuspensionIndex) {
		t.Fatal("the reinstatement does not show")
	}
	if rec := postForm(t, h, path, url.Values{"action": {"revoke"}, "reason": {"Licence revoked by the state board."}}, staff); rec.Code != 303 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if !bit(c.RevocationList, c.RevocationIndex) {
		t.Fatal("the revocation does not show")
	}
	if rec := postForm(t, h, path, url.Values{"action": {"reinstate"}}, staff); rec.Code != 409 {
		t.Fatalf("reinstating a revoked credential: %d", rec.Code)
	}
	var mails int
	w.st.DB.QueryRow(w.st.Dialect.Rebind("SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject LIKE 'Your credential has been%'"), w.users["jordan"].Email).Scan(&mails)
	if mails != 3 {
		t.Fatalf("%d mails to the holder, want 3", mails)
	}
	log, _ := w.st.AuditLog(ctx)
	n := 0
	for _, e := range log {
		if e.Subject == "credential/"+c.ID && (e.Action == "credential.suspend" || e.Action == "credential.reinstate" || e.Action == "credential.revoke") {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d audit entries", n)
	}
}
