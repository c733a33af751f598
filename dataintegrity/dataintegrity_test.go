package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/internal/cputime"
	"github.com/certboard/certboard/verification"
)

// readJSON reads a JSON object from testdata.
func readJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func readText(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// vectorKey decodes the key pair of the W3C test vectors: Multikey values,
// the private one with the multicodec ed25519-priv (0x1300, varint 0x80 0x26)
// followed by the 32-byte seed.
func vectorKey(t testing.TB) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	kp := readJSON(t, "vc-di-eddsa-keyPair.json")
	pub, err := did.PublicFromMultikey(kp["publicKeyMultibase"].(string))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := did.DecodeBase58(strings.TrimPrefix(kp["privateKeyMultibase"].(string), "z"))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 34 || raw[0] != 0x80 || raw[1] != 0x26 {
		t.Fatalf("private Multikey: unexpected prefix or length %d", len(raw))
	}
	priv := ed25519.NewKeyFromSeed(raw[2:])
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Fatal("the vector's private key does not match its public key")
	}
	return priv, pub
}

const vectorVM = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"

// TestOfficialVector follows the eddsa-rdfc-2022 test vector of W3C Data
// Integrity EdDSA Cryptosuites v1.0 step by step, byte for byte.
func TestOfficialVector(t *testing.T) {
	priv, _ := vectorKey(t)
	unsigned := readJSON(t, "vc-di-eddsa-unsigned.json")
	config := readJSON(t, "vc-di-eddsa-rdfc-proofConfigDataInt.json")

	canonDoc, err := canonicalize(unsigned)
	if err != nil {
		t.Fatal(err)
	}
	if want := readText(t, "vc-di-eddsa-rdfc-canonDocDataInt.txt"); canonDoc != want {
		t.Fatalf("canonical document:\n%s\nwant:\n%s", canonDoc, want)
	}
	canonProof, err := canonicalize(config)
	if err != nil {
		t.Fatal(err)
	}
	if want := readText(t, "vc-di-eddsa-rdfc-proofCanonDataInt.txt"); canonProof != want {
		t.Fatalf("canonical proof options:\n%s\nwant:\n%s", canonProof, want)
	}
	docHash := sha256.Sum256([]byte(canonDoc))
	if got, want := hex.EncodeToString(docHash[:]), readText(t, "vc-di-eddsa-rdfc-docHashDataInt.txt"); got != want {
		t.Fatalf("document hash %s, want %s", got, want)
	}
	proofHash := sha256.Sum256([]byte(canonProof))
	if got, want := hex.EncodeToString(proofHash[:]), readText(t, "vc-di-eddsa-rdfc-proofHashDataInt.txt"); got != want {
		t.Fatalf("proof hash %s, want %s", got, want)
	}
	if got, want := hex.EncodeToString(append(proofHash[:], docHash[:]...)), readText(t, "vc-di-eddsa-rdfc-combinedHashDataInt.txt"); got != want {
		t.Fatalf("combined hash %s, want %s", got, want)
	}

	created, err := time.Parse(time.RFC3339, config["created"].(string))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(unsigned, priv, config["verificationMethod"].(string), created)
	if err != nil {
		t.Fatal(err)
	}
	proof := signed["proof"].(map[string]any)
	if got, want := proof["proofValue"], readText(t, "vc-di-eddsa-rdfc-sigBTC58DataInt.txt"); got != want {
		t.Fatalf("proofValue %s, want %s", got, want)
	}
	sig, _ := did.DecodeBase58(strings.TrimPrefix(proof["proofValue"].(string), "z"))
	if got, want := hex.EncodeToString(sig), readText(t, "vc-di-eddsa-rdfc-sigHexDataInt.txt"); got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	// The whole signed credential equals the vector's.
	want := readJSON(t, "vc-di-eddsa-rdfc-signedDataInt.json")
	gotJSON, _ := json.Marshal(signed)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("signed credential:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	if _, ok := unsigned["proof"]; ok {
		t.Fatal("Sign modified its argument")
	}
}

// TestVerifyOfficialVector verifies the vector's signed credential with its
// did:key resolved locally. Its issuer is an https URL, not the did:key, so
// the issuer check is Invalid while the signature is Valid.
func TestVerifyOfficialVector(t *testing.T) {
	signed := readJSON(t, "vc-di-eddsa-rdfc-signedDataInt.json")
	r, err := Verify(signed, did.ResolveKey)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, CheckStructure, verification.Valid, "")
	expect(t, r, CheckSignature, verification.Valid, "")
	expect(t, r, CheckIssuer, verification.Invalid, "https://vc.example/issuers/5678")
	if r.VerificationMethod != vectorVM || r.Created != time.Date(2023, 2, 24, 23, 36, 38, 0, time.UTC) {
		t.Fatalf("result %+v", r)
	}
}

func expect(t *testing.T, r *Result, name string, o verification.Outcome, detail string) {
	t.Helper()
	c, ok := r.Lookup(name)
	if !ok {
		t.Fatalf("no check %s in %+v", name, r.Checks)
	}
	if c.Outcome != o || !strings.Contains(c.Detail, detail) {
		t.Fatalf("%s: %s %q, want %s containing %q", name, c.Outcome, c.Detail, o, detail)
	}
}

// obKey returns a fixed key for the Open Badges tests and a resolver for it.
func obKey() (ed25519.PrivateKey, string, func(string) (ed25519.PublicKey, error)) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	vm := "did:web:board.example.org#key-1"
	resolve := func(m string) (ed25519.PublicKey, error) {
		if m != vm {
			return nil, fmt.Errorf("%w: %s", ErrUnknownKey, m)
		}
		return priv.Public().(ed25519.PublicKey), nil
	}
	return priv, vm, resolve
}

var obCreated = time.Date(2026, 1, 15, 9, 30, 0, 123, time.FixedZone("X", 3600))

func signOB(t testing.TB) map[string]any {
	t.Helper()
	priv, vm, _ := obKey()
	signed, err := Sign(readJSON(t, "ob-credential.json"), priv, vm, obCreated)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestOpenBadgeRoundTrip(t *testing.T) {
	signed := signOB(t)
	proof := signed["proof"].(map[string]any)
	if proof["created"] != "2026-01-15T08:30:00Z" || proof["type"] != ProofType || proof["cryptosuite"] != Cryptosuite ||
		proof["proofPurpose"] != ProofPurpose || proof["verificationMethod"] != "did:web:board.example.org#key-1" {
		t.Fatalf("proof %v", proof)
	}
	if _, ok := proof["@context"]; ok {
		t.Fatal("the proof should not carry an @context of its own")
	}
	// Through JSON and back, as a verifier receives it.
	b, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	var received map[string]any
	if err := json.Unmarshal(b, &received); err != nil {
		t.Fatal(err)
	}
	_, _, resolve := obKey()
	r, err := Verify(received, resolve)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Valid() || r.Status() != "valid" || r.Issuer != "did:web:board.example.org" {
		t.Fatalf("result %+v", r)
	}
}

// TestOpenBadgeCanonicalForm guards against members silently left out of
// what is signed: every member of the credential appears in the N-Quads.
func TestOpenBadgeCanonicalForm(t *testing.T) {
	nq, err := canonicalize(readJSON(t, "ob-credential.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"Example Certification Board", "CEP-2026-0042", "not-so-random-salt", "94567",
		"2029-01-15T00:00:00Z", "registrar@board.example.org", "Clinical practice",
		"https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
	} {
		if !strings.Contains(nq, s) {
			t.Errorf("canonical form lacks %q", s)
		}
	}
}

func TestTampering(t *testing.T) {
	_, _, resolve := obKey()
	cases := []struct {
		name   string
		tamper func(c map[string]any)
	}{
		{"issuer name", func(c map[string]any) { c["issuer"].(map[string]any)["name"] = "Another Board" }},
		{"validUntil", func(c map[string]any) { c["validUntil"] = "2039-01-15T00:00:00Z" }},
		{"subject license number", func(c map[string]any) {
			c["credentialSubject"].(map[string]any)["licenseNumber"] = "CEP-2026-0043"
		}},
		{"achievement name", func(c map[string]any) {
			c["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Master Practitioner"
		}},
		{"subject removed member", func(c map[string]any) {
			delete(c["credentialSubject"].(map[string]any), "activityEndDate")
		}},
		{"status index", func(c map[string]any) { c["credentialStatus"].(map[string]any)["statusListIndex"] = "1" }},
		{"proof created", func(c map[string]any) { c["proof"].(map[string]any)["created"] = "2026-01-16T08:30:00Z" }},
		{"proofValue", func(c map[string]any) {
			p := c["proof"].(map[string]any)
			sig, _ := did.DecodeBase58(strings.TrimPrefix(p["proofValue"].(string), "z"))
			sig[10] ^= 1
			p["proofValue"] = "z" + did.EncodeBase58(sig)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := signOB(t)
			tc.tamper(signed)
			r, err := Verify(signed, resolve)
			if err != nil {
				t.Fatal(err)
			}
			expect(t, r, CheckStructure, verification.Valid, "")
			expect(t, r, CheckSignature, verification.Invalid, "does not verify")
			if r.Status() != "invalid" {
				t.Fatalf("status %s", r.Status())
			}
		})
	}
}

func TestWrongKeyIsInvalid(t *testing.T) {
	signed := signOB(t)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	r, _ := Verify(signed, func(string) (ed25519.PublicKey, error) { return other, nil })
	expect(t, r, CheckSignature, verification.Invalid, "does not verify")
}

func TestUnknownContextCouldNotCheck(t *testing.T) {
	const unknown = "https://example.org/contexts/unbundled.jsonld"
	signed := signOB(t)
	signed["@context"] = append(signed["@context"].([]any), unknown)
	_, _, resolve := obKey()
	r, err := Verify(signed, resolve)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, CheckStructure, verification.Valid, "")
	expect(t, r, CheckSignature, verification.CouldNotCheck, "context not bundled: "+unknown)
	if r.Status() != "could_not_check" {
		t.Fatalf("status %s", r.Status())
	}

	// Sign refuses it too, naming the URL.
	priv, vm, _ := obKey()
	c := readJSON(t, "ob-credential.json")
	c["@context"] = append(c["@context"].([]any), unknown)
	_, err = Sign(c, priv, vm, obCreated)
	if !errors.Is(err, ErrContextNotBundled) || !strings.Contains(err.Error(), unknown) {
		t.Fatalf("Sign: %v", err)
	}
}

func TestMissingKeyCouldNotCheck(t *testing.T) {
	signed := signOB(t)
	r, err := Verify(signed, func(vm string) (ed25519.PublicKey, error) {
		return nil, fmt.Errorf("%w: %s", ErrUnknownKey, vm)
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, CheckSignature, verification.CouldNotCheck, "unknown key")
	expect(t, r, CheckIssuer, verification.Valid, "")
	if r.Status() != "could_not_check" {
		t.Fatalf("status %s", r.Status())
	}
	// A did:web method cannot be resolved locally.
	r, _ = Verify(signed, did.ResolveKey)
	expect(t, r, CheckSignature, verification.CouldNotCheck, "could not obtain the key")
}

func TestIssuerMismatch(t *testing.T) {
	priv, _, _ := obKey()
	pub := priv.Public().(ed25519.PublicKey)
	vm := did.KeyVerificationMethod(pub)
	signed, err := Sign(readJSON(t, "ob-credential.json"), priv, vm, obCreated)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Verify(signed, did.ResolveKey)
	expect(t, r, CheckSignature, verification.Valid, "")
	expect(t, r, CheckIssuer, verification.Invalid, "not to the issuer did:web:board.example.org")
}

func TestDIDKeyIssuer(t *testing.T) {
	priv, _, _ := obKey()
	pub := priv.Public().(ed25519.PublicKey)
	c := readJSON(t, "ob-credential.json")
	c["issuer"].(map[string]any)["id"] = did.KeyFromPublic(pub)
	signed, err := Sign(c, priv, did.KeyVerificationMethod(pub), obCreated)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Verify(signed, did.ResolveKey)
	if !r.Valid() {
		t.Fatalf("result %+v", r)
	}
}

func TestStructure(t *testing.T) {
	_, _, resolve := obKey()
	cases := []struct {
		name   string
		tamper func(c map[string]any)
		detail string
	}{
		{"no proof", func(c map[string]any) { delete(c, "proof") }, "no proof"},
		{"no context", func(c map[string]any) { delete(c, "@context") }, "no @context"},
		{"proof not object", func(c map[string]any) { c["proof"] = "x" }, "want an object"},
		{"two proofs", func(c map[string]any) { c["proof"] = []any{c["proof"], c["proof"]} }, "2 proofs"},
		{"type", func(c map[string]any) { c["proof"].(map[string]any)["type"] = "Ed25519Signature2020" }, "proof type"},
		{"cryptosuite", func(c map[string]any) { c["proof"].(map[string]any)["cryptosuite"] = "eddsa-jcs-2022" }, "cryptosuite"},
		{"purpose", func(c map[string]any) { c["proof"].(map[string]any)["proofPurpose"] = "authentication" }, "proofPurpose"},
		{"no method", func(c map[string]any) { delete(c["proof"].(map[string]any), "verificationMethod") }, "verificationMethod"},
		{"no value", func(c map[string]any) { delete(c["proof"].(map[string]any), "proofValue") }, "proofValue"},
		{"base64 value", func(c map[string]any) { c["proof"].(map[string]any)["proofValue"] = "uAAAA" }, "base58btc"},
		{"bad base58", func(c map[string]any) { c["proof"].(map[string]any)["proofValue"] = "z0OIl" }, "proofValue"},
		{"short value", func(c map[string]any) {
			c["proof"].(map[string]any)["proofValue"] = "z" + did.EncodeBase58([]byte{1, 2, 3})
		}, "3 bytes"},
		{"bad created", func(c map[string]any) { c["proof"].(map[string]any)["created"] = "yesterday" }, "created"},
		{"proof context", func(c map[string]any) {
			c["proof"].(map[string]any)["@context"] = []any{ContextDataIntegrityV2}
		}, "@context"},
		{"nested too deep", func(c map[string]any) {
			var deep any = "x"
			for range 10000 {
				deep = []any{deep}
			}
			c["credentialSubject"].(map[string]any)["deep"] = deep
		}, "the document is nested deeper than 32 levels"},
		{"nested too deep in the proof", func(c map[string]any) {
			var deep any = map[string]any{}
			for range MaxDepth {
				deep = map[string]any{"a": deep}
			}
			c["proof"].(map[string]any)["deep"] = deep
		}, "the document is nested deeper than 32 levels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			signed := signOB(t)
			tc.tamper(signed)
			called := false
			r, err := Verify(signed, func(m string) (ed25519.PublicKey, error) { called = true; return resolve(m) })
			if err != nil {
				t.Fatal(err)
			}
			expect(t, r, CheckStructure, verification.Invalid, tc.detail)
			expect(t, r, CheckSignature, verification.CouldNotCheck, "")
			expect(t, r, CheckIssuer, verification.CouldNotCheck, "")
			if called {
				t.Fatal("resolver called for a malformed proof")
			}
		})
	}
}

func TestSingleProofInArray(t *testing.T) {
	signed := signOB(t)
	signed["proof"] = []any{signed["proof"]}
	_, _, resolve := obKey()
	r, _ := Verify(signed, resolve)
	if !r.Valid() {
		t.Fatalf("result %+v", r)
	}
}

func TestMatchingProofContextAccepted(t *testing.T) {
	signed := signOB(t)
	signed["proof"].(map[string]any)["@context"] = []any{ContextCredentialsV2}
	_, _, resolve := obKey()
	r, _ := Verify(signed, resolve)
	if !r.Valid() {
		t.Fatalf("result %+v", r)
	}
}

func TestSignErrors(t *testing.T) {
	priv, vm, _ := obKey()
	ob := func() map[string]any { return readJSON(t, "ob-credential.json") }
	cases := []struct {
		name string
		doc  map[string]any
		key  ed25519.PrivateKey
		vm   string
		want error
	}{
		{"nil doc", nil, priv, vm, ErrDocument},
		{"short key", ob(), priv[:10], vm, ErrKey},
		{"no fragment", ob(), priv, "did:web:board.example.org", ErrKey},
		{"empty method", ob(), priv, "", ErrKey},
		{"no context", func() map[string]any { c := ob(); delete(c, "@context"); return c }(), priv, vm, ErrDocument},
		{"already signed", signOB(t), priv, vm, ErrDocument},
		{"undefined term", func() map[string]any {
			c := ob()
			c["credentialSubject"].(map[string]any)["notInAnyContext"] = "x"
			c["@context"] = []any{ContextOpenBadgesV3} // no @vocab fallback
			return c
		}(), priv, vm, ErrDocument},
		{"not JSON", map[string]any{"@context": ContextCredentialsV2, "x": func() {}}, priv, vm, ErrDocument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sign(tc.doc, tc.key, tc.vm, obCreated)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifyNilResolver(t *testing.T) {
	if _, err := Verify(signOB(t), nil); err == nil {
		t.Fatal("no error")
	}
}

func TestDocumentLoader(t *testing.T) {
	for _, u := range BundledContexts() {
		d, err := DocumentLoader{}.LoadDocument(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if m, ok := d.Document.(map[string]any); !ok || m["@context"] == nil || d.DocumentURL != u {
			t.Fatalf("%s: %+v", u, d)
		}
	}
	if len(BundledContexts()) != 5 {
		t.Fatalf("bundled %v", BundledContexts())
	}
	for _, u := range []string{"https://www.w3.org/2018/credentials/v1", "http://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2/", ""} {
		_, err := DocumentLoader{}.LoadDocument(u)
		if !errors.Is(err, ErrContextNotBundled) || !strings.Contains(err.Error(), "context not bundled: "+u) {
			t.Fatalf("%q: %v", u, err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	priv, vm, _ := obKey()
	c := readJSON(b, "ob-credential.json")
	start := cputime.Now()
	for b.Loop() {
		if _, err := Sign(c, priv, vm, obCreated); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, start)
}

func BenchmarkVerify(b *testing.B) {
	signed := signOB(b)
	_, _, resolve := obKey()
	start := cputime.Now()
	for b.Loop() {
		r, err := Verify(signed, resolve)
		if err != nil || !r.Valid() {
			b.Fatal(err, r)
		}
	}
	cputime.Report(b, start)
}

// TestUndefinedMemberIsInvalid: a member that no context defines would be
// dropped from the canonical form, hence not covered by the signature; in
// safe mode it makes the document unverifiable rather than silently ignored.
func TestUndefinedMemberIsInvalid(t *testing.T) {
	signed := signOB(t)
	signed["credentialSubject"].(map[string]any)["extraClaim"] = "added after signing"
	_, _, resolve := obKey()
	r, err := Verify(signed, resolve)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, r, CheckSignature, verification.Invalid, "JSON-LD")
}
