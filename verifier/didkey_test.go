package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verifier"
)

// TestDIDKeyCredentialStillVerifies: a credential whose issuer and proofs
// name a bare did:key (did:key:z6Mk...#z6Mk..., resolved locally, no DID
// document) verifies in both proof formats, with its status lists, while
// the board's own credentials name its did:web keys. Tampering with it, or
// a proof by another did:key, is still caught.
func TestDIDKeyCredentialStillVerifies(t *testing.T) {
	ctx := context.Background()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	issuer, vm := did.KeyFromPublic(pub), did.KeyVerificationMethod(pub)
	issued := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const base = "https://old-board.example"
	cred, err := credential.Issue(credential.IssueInput{
		IssuerDID: issuer, BoardName: "An Older Board", BoardURL: base, CredentialID: base + "/credentials/1",
		HolderName: "Ana Lima", HolderEmail: "ana@example.org", Salt: strings.Repeat("s", credential.MinSaltLen),
		CredentialType: "CST", Title: "Certified Sex Therapist", RequirementSetID: "aasect-cst", RequirementSetVersion: "2025.T.1",
		ValidFrom: issued, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: base + "/status/revocation-1", Index: 17},
		Suspension: credential.StatusInput{ListURL: base + "/status/suspension-1", Index: 42},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(cred)
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	token, err := vcjwt.Sign(m, priv, vm)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := dataintegrity.Sign(m, priv, vm, issued)
	if err != nil {
		t.Fatal(err)
	}
	jsonDoc, _ := json.Marshal(signed)

	// The issuer's status lists, signed with the same did:key; no DID
	// document is ever fetched.
	fetch := func(_ context.Context, u string) ([]byte, error) {
		purpose := strings.TrimSuffix(strings.TrimPrefix(u, base+"/status/"), "-1")
		if purpose != "revocation" && purpose != "suspension" {
			return nil, errors.New("not served: " + u)
		}
		l, _ := statuslist.New(statuslist.MinSize)
		enc, _ := l.Encode()
		list := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": u, "type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer": issuer, "validFrom": "2025-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": u + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": enc}}
		s, err := dataintegrity.Sign(list, priv, vm, issued)
		if err != nil {
			return nil, err
		}
		return json.Marshal(s)
	}
	now := issued.AddDate(1, 0, 0)
	for name, data := range map[string][]byte{"json": jsonDoc, "jwt": []byte(token)} {
		r := verifier.Verify(ctx, data, fetch, now)
		if r.Status() != "valid" || r.IssuerID() != issuer {
			t.Fatalf("%s: %s, issuer %q: %+v", name, r.Status(), r.IssuerID(), r.Checks)
		}
	}
	// Still checked: a changed credential, and one signed by another key
	// under this issuer's name.
	tampered := strings.Replace(string(jsonDoc), "Ana Lima", "Someone Else", 1)
	if r := verifier.Verify(ctx, []byte(tampered), fetch, now); r.Status() != "invalid" {
		t.Fatalf("tampered: %s", r.Status())
	}
	otherPub, otherPriv, _ := ed25519.GenerateKey(nil)
	forged, err := dataintegrity.Sign(m, otherPriv, did.KeyVerificationMethod(otherPub), issued)
	if err != nil {
		t.Fatal(err)
	}
	forgedDoc, _ := json.Marshal(forged)
	if r := verifier.Verify(ctx, forgedDoc, fetch, now); r.Status() != "invalid" {
		t.Fatalf("signed by another did:key: %s %+v", r.Status(), r.Checks)
	}
}
