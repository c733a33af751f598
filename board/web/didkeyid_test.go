package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/certboard/certboard/did"
)

// TestIssuedCredentialNamesTheBoardsDIDWebKey: a credential issued on
// approval names the board's did:web key (did:web:host#key-...), never a
// bare did:key, as its VC-JWT kid and as its proof's verificationMethod,
// and that key id is an assertion method of the DID document the board
// publishes at /.well-known/did.json, holding the key that signed it.
func TestIssuedCredentialNamesTheBoardsDIDWebKey(t *testing.T) {
	s, st, c := demoCredential(t)
	ctx := context.Background()
	key, err := st.CurrentSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "did:web:board.example#" + key.ID

	header, _, _ := strings.Cut(c.JWT, ".")
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(raw, &h); err != nil || h.Kid != want {
		t.Fatalf("VC-JWT kid %q (%v), want %q", h.Kid, err, want)
	}
	var doc struct {
		Issuer struct {
			ID string `json:"id"`
		} `json:"issuer"`
		Proof struct {
			VerificationMethod string `json:"verificationMethod"`
		} `json:"proof"`
	}
	if err := json.Unmarshal(c.Document, &doc); err != nil || doc.Proof.VerificationMethod != want || doc.Issuer.ID != "did:web:board.example" {
		t.Fatalf("issuer %q, proof verificationMethod %q (%v), want %q", doc.Issuer.ID, doc.Proof.VerificationMethod, err, want)
	}

	rec := getAs(t, s.Handler(), "/.well-known/did.json", nil)
	published, err := did.ParseDocument(rec.Body.Bytes(), "did:web:board.example")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(published.AssertionMethod, want) {
		t.Fatalf("%s is not an assertion method of the DID document: %v", want, published.AssertionMethod)
	}
	pub, err := published.Key(want)
	if err != nil || !pub.Equal(key.Public) {
		t.Fatalf("the DID document's %s: %v %v", want, pub, err)
	}
}
