package server

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
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
	s.cfg.PublicURL = "https://board.example"
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
