package dataintegrity

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/verification"
)

// twinObjects returns two identical objects, each with k identical
// children: 2k blank nodes that look the same.
func twinObjects(k int) []any {
	obj := func() map[string]any {
		kids := make([]any, k)
		for i := range kids {
			kids[i] = map[string]any{"https://example.org/v": "x"}
		}
		return map[string]any{"https://example.org/kid": kids}
	}
	return []any{obj(), obj()}
}

// identicalPairs returns n pairs of identical objects, each pair unlike the
// others: 2n blank nodes that each look the same as one other.
func identicalPairs(n int) []any {
	var l []any
	for i := range n {
		for range 2 {
			l = append(l, map[string]any{"https://example.org/v": fmt.Sprint(i)})
		}
	}
	return l
}

// blankCycle returns n blank nodes _:b0, ..., _:b(n-1), each pointing to
// the next and the last to the first: n blank nodes that look the same.
func blankCycle(n int) []any {
	nodes := make([]any, n)
	for i := range nodes {
		nodes[i] = map[string]any{
			"@id":                      fmt.Sprintf("_:b%d", i),
			"https://example.org/next": map[string]any{"@id": fmt.Sprintf("_:b%d", (i+1)%n)},
		}
	}
	return nodes
}

// withSubjectExtra returns the Open Badges credential of testdata, issued by
// a did:key (resolved without network, so canonicalization always runs),
// whose subject also holds extra, and the key's verification method.
func withSubjectExtra(t *testing.T, extra []any) (map[string]any, ed25519.PrivateKey, string) {
	t.Helper()
	priv, _, _ := obKey()
	pub := priv.Public().(ed25519.PublicKey)
	c := readJSON(t, "ob-credential.json")
	c["issuer"].(map[string]any)["id"] = did.KeyFromPublic(pub)
	c["credentialSubject"].(map[string]any)["https://example.org/p"] = extra
	return c, priv, did.KeyVerificationMethod(pub)
}

// TestCostlyBlankNodesRefused posts the shapes of the security review:
// without the guard, canonicalizing them takes minutes.
func TestCostlyBlankNodesRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []any
		want  string
	}{
		{"two objects with 9 identical children", twinObjects(9), "18 blank nodes (objects without an id) that look the same (at most 4 are accepted)"},
		{"cycle of 8 blank nodes", blankCycle(8), "8 blank nodes (objects without an id) that look the same"},
		{"cycle of 5 blank nodes", blankCycle(5), "5 blank nodes (objects without an id) that look the same"},
		{"five pairs of identical objects", identicalPairs(5), "10 blank nodes (objects without an id) that each look the same as another (at most 8 are accepted)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, priv, vm := withSubjectExtra(t, tc.extra)
			_, err := Sign(doc, priv, vm, obCreated)
			if !errors.Is(err, ErrTooComplex) || !errors.Is(err, ErrDocument) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Sign: %v, want ErrTooComplex saying %q", err, tc.want)
			}
			// A proof of the right form: the refusal comes before the
			// signature is checked.
			doc["proof"] = map[string]any{
				"type": ProofType, "cryptosuite": Cryptosuite, "proofPurpose": ProofPurpose,
				"verificationMethod": vm, "created": "2026-01-15T08:30:00Z",
				"proofValue": "z" + did.EncodeBase58(make([]byte, ed25519.SignatureSize)),
			}
			r, err := Verify(doc, did.ResolveKey)
			if err != nil {
				t.Fatal(err)
			}
			expect(t, r, CheckStructure, verification.Invalid, tc.want)
			expect(t, r, CheckStructure, verification.Invalid, "refused because checking them takes time that grows exponentially")
			expect(t, r, CheckSignature, verification.CouldNotCheck, "not checked: the credential has "+tc.want)
			if r.Status() != "invalid" {
				t.Fatalf("status %s, want invalid", r.Status())
			}
		})
	}
}

// TestTooManyBlankNodesRefused: more than MaxBlankNodes distinct blank
// nodes are refused, however different they look.
func TestTooManyBlankNodesRefused(t *testing.T) {
	extra := make([]any, MaxBlankNodes)
	for i := range extra {
		extra[i] = map[string]any{"https://example.org/v": fmt.Sprint(i)}
	}
	doc, priv, vm := withSubjectExtra(t, extra)
	_, err := Sign(doc, priv, vm, obCreated)
	if !errors.Is(err, ErrTooComplex) || !strings.Contains(err.Error(), fmt.Sprintf("more than %d blank nodes", MaxBlankNodes)) {
		t.Fatalf("Sign: %v, want ErrTooComplex", err)
	}
}

// TestFewLookAlikeBlankNodesAccepted: blank nodes that look the same, up to
// the limits, are signed and verified.
func TestFewLookAlikeBlankNodesAccepted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra []any
	}{
		{"two objects with 2 identical children", twinObjects(2)},
		{"cycle of 4 blank nodes", blankCycle(4)},
		{"four pairs of identical objects", identicalPairs(4)},
		{"many different blank nodes", func() []any {
			l := make([]any, MaxBlankNodes-10)
			for i := range l {
				l[i] = map[string]any{"https://example.org/v": fmt.Sprint(i)}
			}
			return l
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, priv, vm := withSubjectExtra(t, tc.extra)
			signed, err := Sign(doc, priv, vm, obCreated)
			if err != nil {
				t.Fatal(err)
			}
			if r, _ := Verify(signed, did.ResolveKey); !r.Valid() {
				t.Fatalf("result %+v", r)
			}
		})
	}
}
