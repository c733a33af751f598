package web

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/certboard/certboard/did"
)

// poisonCredential returns a credential issued by a did:key (resolved
// without network, so canonicalization runs) whose subject holds two
// identical objects, each with 9 identical children: a document of a few
// hundred bytes whose RDF canonicalization, unguarded, takes minutes.
func poisonCredential(t *testing.T) string {
	t.Helper()
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	obj := func() map[string]any {
		kids := make([]any, 9)
		for i := range kids {
			kids[i] = map[string]any{"https://example.org/v": "x"}
		}
		return map[string]any{"https://example.org/kid": kids}
	}
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": did.KeyFromPublic(pub), "type": []any{"Profile"}, "name": "Someone"},
		"validFrom": "2026-01-15T00:00:00Z",
		"name":      "Poison",
		"credentialSubject": map[string]any{
			"type":                  []any{"AchievementSubject"},
			"https://example.org/p": []any{obj(), obj()},
		},
		"proof": map[string]any{
			"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
			"verificationMethod": did.KeyVerificationMethod(pub), "created": "2026-01-15T08:30:00Z",
			"proofValue": "z" + did.EncodeBase58(make([]byte, ed25519.SignatureSize)),
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestVerifyRefusesCostlyBlankNodes: the verify API and page answer a
// credential whose blank nodes would make canonicalization take exponential
// time with a clear "invalid" instead of keeping a core busy.
func TestVerifyRefusesCostlyBlankNodes(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	cred := poisonCredential(t)
	const want = "18 blank nodes (objects without an id) that look the same"

	out := verifyAPI(t, h, cred)
	if out["status"] != "invalid" || !strings.Contains(rec2s(out), want) {
		t.Fatalf("API: %v", out)
	}
	var structure map[string]any
	checks, _ := out["checks"].([]any)
	for _, c := range checks {
		if c, ok := c.(map[string]any); ok && c["name"] == "structure" {
			structure = c
		}
	}
	if structure["outcome"] != "invalid" || !strings.Contains(fmt.Sprint(structure["detail"]), want) {
		t.Fatalf("structure check: %v (checks %v)", structure, checks)
	}

	rec := postForm(t, h, "/check", url.Values{"credential": {cred}}, nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("page: %d\n%s", rec.Code, rec.Body)
	}
}
