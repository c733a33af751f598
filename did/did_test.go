package did

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/certboard/certboard/jsonlimit"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testKey returns a deterministic Ed25519 key pair from a one-byte seed.
func testKey(t *testing.T, seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// Vectors from Bitcoin Core's base58_encode_decode.json and from the IETF
// draft "The Base58 Encoding Scheme" (draft-msporny-base58).
var base58Vectors = []struct{ hex, b58 string }{
	{"", ""},
	{"61", "2g"},
	{"626262", "a3gV"},
	{"636363", "aPEr"},
	{hex.EncodeToString([]byte("simply a long string")), "2cFupjhnEsSn59qHXstmK2ffpLv2"},
	{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
	{"516b6fcd0f", "ABnLTmg"},
	{"bf4f89001e670274dd", "3SEo3LWLoPntC"},
	{"572e4794", "3EFU7m"},
	{"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
	{"10c8511e", "Rt5zm"},
	{"00000000000000000000", "1111111111"},
	{hex.EncodeToString([]byte("Hello World!")), "2NEpo7TZRRrLZSi2U"},
	{hex.EncodeToString([]byte("The quick brown fox jumps over the lazy dog.")), "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"},
	{"0000287fb4cd", "11233QC4"},
}

func TestBase58Vectors(t *testing.T) {
	for _, v := range base58Vectors {
		b := mustHex(t, v.hex)
		if got := EncodeBase58(b); got != v.b58 {
			t.Errorf("EncodeBase58(%s) = %q, want %q", v.hex, got, v.b58)
		}
		got, err := DecodeBase58(v.b58)
		if err != nil {
			t.Errorf("DecodeBase58(%q): %v", v.b58, err)
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("DecodeBase58(%q) = %x, want %s", v.b58, got, v.hex)
		}
	}
}

func TestBase58Errors(t *testing.T) {
	for _, s := range []string{"0", "O", "I", "l", "2g ", "abc+", "zü"} {
		if _, err := DecodeBase58(s); !errors.Is(err, ErrBase58) {
			t.Errorf("DecodeBase58(%q) = %v, want ErrBase58", s, err)
		}
	}
}

func TestBase58RoundTrip(t *testing.T) {
	for n := 0; n < 70; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 37 * n)
		}
		got, err := DecodeBase58(EncodeBase58(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x gave %x, %v", b, got, err)
		}
	}
}

func FuzzBase58(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeBase58(EncodeBase58(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %x gave %x, %v", b, got, err)
		}
	})
}

// Sample strings from RFC 3492, section 7.1, and two common IDN labels.
func TestPunycode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"bücher", "bcher-kva"},
		{"münchen", "mnchen-3ya"},
		{"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
		{"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"},
		{"安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"},
	} {
		if got := punycode(tc.in); got != tc.want {
			t.Errorf("punycode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWebFromURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://example.org", "did:web:example.org"},
		{"https://example.org/", "did:web:example.org"},
		{"https://example.org/boards/aasect", "did:web:example.org:boards:aasect"},
		{"https://example.org/boards/aasect/", "did:web:example.org:boards:aasect"},
		{"http://localhost:8080", "did:web:localhost%3A8080"},
		{"http://localhost:8080/", "did:web:localhost%3A8080"},
		{"http://127.0.0.1:8080/board", "did:web:127.0.0.1%3A8080:board"},
		{"https://certs.example.org:8443/b", "did:web:certs.example.org%3A8443:b"},
		{"https://example.org:443/", "did:web:example.org"},
		{"http://localhost:80", "did:web:localhost"},
		{"http://example.org:443", "did:web:example.org%3A443"},
		{"HTTPS://Example.ORG/Boards", "did:web:example.org:Boards"},
		{"https://Bücher.Example/", "did:web:xn--bcher-kva.example"},
		{"https://MÜNCHEN.de", "did:web:xn--mnchen-3ya.de"},
		{"https://xn--bcher-kva.example", "did:web:xn--bcher-kva.example"},
		{"https://example.org/a%20b/c~d", "did:web:example.org:a%20b:c%7Ed"},
		{"https://example.org/a:b", "did:web:example.org:a%3Ab"},
		{"https://example.org/a%2Fb", "did:web:example.org:a%2Fb"},
		{"https://example.org/my_board-1.0", "did:web:example.org:my_board-1.0"},
	} {
		got, err := WebFromURL(tc.url)
		if err != nil {
			t.Errorf("WebFromURL(%q): %v", tc.url, err)
			continue
		}
		if got != tc.want {
			t.Errorf("WebFromURL(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestWebFromURLErrors(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"", "not an absolute URL"},
		{"example.org", "not an absolute URL"},
		{"ftp://example.org", `scheme "ftp"`},
		{"did:web:example.org", `scheme "did"`},
		{"https:example.org", `no "//"`},
		{"https://example.org/?a=1", "query"},
		{"https://example.org/?", "query"},
		{"https://example.org/#top", "fragment"},
		{"https://example.org/#", "fragment"},
		{"https://user:pw@example.org/", "user information"},
		{"https://user@example.org/", "user information"},
		{"https:///path", "empty host"},
		{"https://:8080/", "empty host"},
		{"https://example.org:/", "empty port"},
		{"https://example.org:0/", `port "0"`},
		{"https://example.org:70000/", `port "70000"`},
		{"https://192.0.2.1/", "IP address"},
		{"https://[::1]:8080/", "IP address"},
		{"https://example.org./", "ends with a dot"},
		{"https://exa_mple.org/", "not allowed in a domain name"},
		{"https://-example.org/", "hyphen"},
		{"https://a..b/", "empty label"},
		{"https://" + strings.Repeat("a", 64) + ".org/", "longer than 63"},
		{"https://example.org//x", "path segment 1 is empty"},
		{"https://example.org/a//b", "path segment 2 is empty"},
		{"https://example.org/a/%2E%2E/b", `path segment 2 is ".."`},
		{"https://ex ample.org/", "invalid character"},
	} {
		got, err := WebFromURL(tc.url)
		if err == nil {
			t.Errorf("WebFromURL(%q) = %q, want an error mentioning %q", tc.url, got, tc.want)
			continue
		}
		if !errors.Is(err, ErrPublicURL) {
			t.Errorf("WebFromURL(%q): %v does not wrap ErrPublicURL", tc.url, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WebFromURL(%q): %q does not mention %q", tc.url, err, tc.want)
		}
	}
}

func TestWebDocumentURL(t *testing.T) {
	for _, tc := range []struct{ did, want string }{
		{"did:web:example.org", "https://example.org/.well-known/did.json"},
		{"did:web:example.org:boards:aasect", "https://example.org/boards/aasect/did.json"},
		{"did:web:localhost%3A8080", "http://localhost:8080/.well-known/did.json"},
		{"did:web:localhost%3a8080:b", "http://localhost:8080/b/did.json"},
		{"did:web:localhost", "http://localhost/.well-known/did.json"},
		{"did:web:127.0.0.1%3A9000", "http://127.0.0.1:9000/.well-known/did.json"},
		{"did:web:certs.example.org%3A8443:b", "https://certs.example.org:8443/b/did.json"},
		{"did:web:Example.ORG", "https://example.org/.well-known/did.json"},
		{"did:web:xn--bcher-kva.example", "https://xn--bcher-kva.example/.well-known/did.json"},
		{"did:web:example.org:a%20b", "https://example.org/a%20b/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
	} {
		got, err := WebDocumentURL(tc.did)
		if err != nil {
			t.Errorf("WebDocumentURL(%q): %v", tc.did, err)
			continue
		}
		if got != tc.want {
			t.Errorf("WebDocumentURL(%q) = %q, want %q", tc.did, got, tc.want)
		}
	}
}

func TestWebDocumentURLErrors(t *testing.T) {
	for _, tc := range []struct {
		did  string
		kind error
		want string
	}{
		{"", ErrMalformed, `starts with "did:"`},
		{"web:example.org", ErrMalformed, `starts with "did:"`},
		{"did:web", ErrMalformed, "no method name"},
		{"did:web:", ErrMalformed, "empty"},
		{"did:WEB:example.org", ErrMalformed, "lowercase"},
		{"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ErrUnsupportedMethod, "not a did:web"},
		{"did:web:example.org#key-1", ErrMalformed, "fragment"},
		{"did:web:example.org?v=1", ErrMalformed, "query"},
		{"did:web:example.org/x", ErrMalformed, "path"},
		{"did:web:example.org:", ErrMalformed, "ends with a colon"},
		{"did:web:example.org::b", ErrMalformed, "path segment 1 is empty"},
		{"did:web:example.org:%2E%2E", ErrMalformed, `".."`},
		{"did:web:example.org%3A", ErrMalformed, "port"},
		{"did:web:example.org%3A99999", ErrMalformed, "port"},
		{"did:web:example.org%3Ax", ErrMalformed, "port"},
		{"did:web:exam%41ple.org", ErrMalformed, "percent-encoding"},
		{"did:web:example.org:a%2", ErrMalformed, "hexadecimal"},
		{"did:web:192.0.2.1", ErrMalformed, "IP address"},
		{"did:web:exa_mple.org", ErrMalformed, "not allowed"},
		{"did:web:bücher.example", ErrMalformed, "not allowed in a DID"},
	} {
		got, err := WebDocumentURL(tc.did)
		if err == nil {
			t.Errorf("WebDocumentURL(%q) = %q, want an error", tc.did, got)
			continue
		}
		if !errors.Is(err, tc.kind) {
			t.Errorf("WebDocumentURL(%q): %v does not wrap %v", tc.did, err, tc.kind)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WebDocumentURL(%q): %q does not mention %q", tc.did, err, tc.want)
		}
	}
}

func TestWebRoundTrip(t *testing.T) {
	for _, tc := range []struct{ url, doc string }{
		{"https://example.org", "https://example.org/.well-known/did.json"},
		{"https://example.org/boards/aasect/", "https://example.org/boards/aasect/did.json"},
		{"http://localhost:8080", "http://localhost:8080/.well-known/did.json"},
		{"https://EXAMPLE.org:8443/x", "https://example.org:8443/x/did.json"},
		{"https://bücher.example/b", "https://xn--bcher-kva.example/b/did.json"},
		{"https://example.org/a%20b", "https://example.org/a%20b/did.json"},
	} {
		d, err := WebFromURL(tc.url)
		if err != nil {
			t.Errorf("WebFromURL(%q): %v", tc.url, err)
			continue
		}
		got, err := WebDocumentURL(d)
		if err != nil || got != tc.doc {
			t.Errorf("WebDocumentURL(WebFromURL(%q) = %q) = %q, %v; want %q", tc.url, d, got, err, tc.doc)
		}
	}
}

func FuzzWebFromURL(f *testing.F) {
	for _, s := range []string{"https://example.org/a/b", "http://localhost:8080", "https://bücher.example/%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := WebFromURL(s)
		if err != nil {
			return
		}
		if _, err := WebDocumentURL(d); err != nil {
			t.Fatalf("WebFromURL(%q) = %q, which WebDocumentURL refuses: %v", s, d, err)
		}
	})
}

// The Ed25519 example of the W3C CCG did:key specification.
const w3cDIDKey = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"

func TestKeyW3CVector(t *testing.T) {
	pub, err := PublicFromKey(w3cDIDKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(pub) != ed25519.PublicKeySize {
		t.Fatalf("key is %d bytes", len(pub))
	}
	if got := KeyFromPublic(pub); got != w3cDIDKey {
		t.Errorf("KeyFromPublic = %q, want %q", got, w3cDIDKey)
	}
	mk := strings.TrimPrefix(w3cDIDKey, "did:key:")
	if got := Multikey(pub); got != mk {
		t.Errorf("Multikey = %q, want %q", got, mk)
	}
	vm := w3cDIDKey + "#" + mk
	if got := KeyVerificationMethod(pub); got != vm {
		t.Errorf("KeyVerificationMethod = %q, want %q", got, vm)
	}
	resolved, err := ResolveKey(vm)
	if err != nil || !resolved.Equal(pub) {
		t.Errorf("ResolveKey(%q) = %x, %v; want %x", vm, resolved, err, pub)
	}
}

// The key pair of the W3C Data Integrity EdDSA Cryptosuites v1.0 examples:
// a Multikey secret key (multicodec ed25519-priv, 0x1300) whose public key
// is published as z6MkrJVnaZ....
func TestKeyDataIntegrityVector(t *testing.T) {
	secret, err := DecodeBase58("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 34 || secret[0] != 0x80 || secret[1] != 0x26 {
		t.Fatalf("secret key is %x, want 0x8026 and 32 bytes", secret)
	}
	pub := ed25519.NewKeyFromSeed(secret[2:]).Public().(ed25519.PublicKey)
	const want = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	if got := Multikey(pub); got != want {
		t.Errorf("Multikey = %q, want %q", got, want)
	}
	back, err := PublicFromMultikey(want)
	if err != nil || !back.Equal(pub) {
		t.Errorf("PublicFromMultikey(%q) = %x, %v; want %x", want, back, err, pub)
	}
}

func TestKeyRoundTrip(t *testing.T) {
	for seed := byte(0); seed < 20; seed++ {
		pub, _ := testKey(t, seed)
		d := KeyFromPublic(pub)
		if !strings.HasPrefix(d, "did:key:z6Mk") {
			t.Errorf("KeyFromPublic = %q, want did:key:z6Mk...", d)
		}
		got, err := PublicFromKey(d)
		if err != nil || !got.Equal(pub) {
			t.Errorf("PublicFromKey(%q) = %x, %v; want %x", d, got, err, pub)
		}
	}
}

func TestMultikeyPanicsOnBadLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Multikey of a 31-byte key did not panic")
		}
	}()
	Multikey(make(ed25519.PublicKey, 31))
}

func TestPublicFromKeyErrors(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	enc := func(prefix []byte, body []byte) string {
		return "z" + EncodeBase58(append(append([]byte(nil), prefix...), body...))
	}
	for _, tc := range []struct {
		did  string
		kind error
		want string
	}{
		{"did:key:" + enc([]byte{0xe7, 0x01}, append([]byte{2}, key...)), ErrUnsupportedKey, "secp256k1-pub"},
		{"did:key:" + enc([]byte{0x80, 0x24}, append([]byte{2}, key...)), ErrUnsupportedKey, "p256-pub"},
		{"did:key:" + enc([]byte{0xec, 0x01}, key), ErrUnsupportedKey, "x25519-pub"},
		{"did:key:" + enc([]byte{0x99, 0x01}, key), ErrUnsupportedKey, "unknown"},
		{"did:key:" + enc([]byte{0xed, 0x01}, key[:31]), ErrMalformed, "31 bytes"},
		{"did:key:" + enc([]byte{0xed, 0x01}, append(key, 1)), ErrMalformed, "33 bytes"},
		{"did:key:z", ErrMalformed, "no multicodec"},
		{"did:key:z6Mk0OIl", ErrBase58, "base58btc"},
		{"did:key:z6Mk0OIl", ErrMalformed, "base58btc"},
		{"did:key:u7QEHBwcH", ErrMalformed, `prefix "u"`},
		{"did:web:example.org", ErrUnsupportedMethod, "not a did:key"},
		{w3cDIDKey + "#" + strings.TrimPrefix(w3cDIDKey, "did:key:"), ErrMalformed, "fragment"},
		{"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", ErrMalformed, `"did:"`},
	} {
		got, err := PublicFromKey(tc.did)
		if err == nil {
			t.Errorf("PublicFromKey(%q) = %x, want an error", tc.did, got)
			continue
		}
		if !errors.Is(err, tc.kind) {
			t.Errorf("PublicFromKey(%q): %v does not wrap %v", tc.did, err, tc.kind)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("PublicFromKey(%q): %q does not mention %q", tc.did, err, tc.want)
		}
	}
	if _, err := PublicFromMultikey(""); !errors.Is(err, ErrMalformed) {
		t.Errorf("PublicFromMultikey(\"\") = %v, want ErrMalformed", err)
	}
}

func TestResolveKeyErrors(t *testing.T) {
	other, _ := testKey(t, 9)
	for _, tc := range []struct {
		vm   string
		kind error
	}{
		{w3cDIDKey, ErrMalformed},
		{w3cDIDKey + "#", ErrMalformed},
		{w3cDIDKey + "#" + Multikey(other), ErrMalformed},
		{"did:web:example.org#key-1", ErrUnsupportedMethod},
		{"https://example.org/#key-1", ErrMalformed},
	} {
		if got, err := ResolveKey(tc.vm); !errors.Is(err, tc.kind) {
			t.Errorf("ResolveKey(%q) = %x, %v; want an error wrapping %v", tc.vm, got, err, tc.kind)
		}
	}
}

func TestSplit(t *testing.T) {
	d, f, err := Split("did:web:example.org:b#key-2026-11-26")
	if err != nil || d != "did:web:example.org:b" || f != "key-2026-11-26" {
		t.Errorf("Split = %q, %q, %v", d, f, err)
	}
	for _, s := range []string{"did:web:example.org", "did:web:example.org#", "#key-1", "did:web:example.org#a#b", "did:web:example.org#a/b"} {
		if _, _, err := Split(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("Split(%q) = %v, want ErrMalformed", s, err)
		}
	}
}

const board = "did:web:example.org:boards:aasect"

func twoKeyDocument(t *testing.T) (*Document, ed25519.PublicKey, ed25519.PublicKey) {
	t.Helper()
	oldKey, _ := testKey(t, 1)
	newKey, _ := testKey(t, 2)
	doc, err := NewWebDocument(board, []NamedKey{
		{ID: "key-2026-11-26", Public: newKey},
		{ID: "key-2025-01-15", Public: oldKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc, oldKey, newKey
}

func TestDocumentTwoKeys(t *testing.T) {
	doc, oldKey, newKey := twoKeyDocument(t)
	for _, tc := range []struct {
		vm   string
		want ed25519.PublicKey
	}{
		{board + "#key-2026-11-26", newKey},
		{board + "#key-2025-01-15", oldKey},
	} {
		got, err := doc.Key(tc.vm)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Key(%q) = %x, %v; want %x", tc.vm, got, err, tc.want)
		}
	}
	// A signature made with the retired key still verifies with the key
	// the document gives for it.
	_, oldPriv := testKey(t, 1)
	msg := []byte("credential signed before the rotation")
	sig := ed25519.Sign(oldPriv, msg)
	pub, err := doc.Key(board + "#key-2025-01-15")
	if err != nil || !ed25519.Verify(pub, msg, sig) {
		t.Errorf("old signature does not verify: %v", err)
	}
}

func TestDocumentJSON(t *testing.T) {
	doc, oldKey, newKey := twoKeyDocument(t)
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "@context": [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1"
  ],
  "id": "did:web:example.org:boards:aasect",
  "verificationMethod": [
    {
      "id": "did:web:example.org:boards:aasect#key-2026-11-26",
      "type": "Multikey",
      "controller": "did:web:example.org:boards:aasect",
      "publicKeyMultibase": "` + Multikey(newKey) + `"
    },
    {
      "id": "did:web:example.org:boards:aasect#key-2025-01-15",
      "type": "Multikey",
      "controller": "did:web:example.org:boards:aasect",
      "publicKeyMultibase": "` + Multikey(oldKey) + `"
    }
  ],
  "assertionMethod": [
    "did:web:example.org:boards:aasect#key-2026-11-26",
    "did:web:example.org:boards:aasect#key-2025-01-15"
  ]
}`
	if string(got) != want {
		t.Errorf("document JSON:\n%s\nwant:\n%s", got, want)
	}
	back, err := ParseDocument(got, board)
	if err != nil {
		t.Fatal(err)
	}
	again, err := json.MarshalIndent(back, "", "  ")
	if err != nil || string(again) != want {
		t.Errorf("re-encoded document differs (%v):\n%s", err, again)
	}
	if _, err := back.Key(board + "#key-2025-01-15"); err != nil {
		t.Errorf("parsed document: %v", err)
	}
}

func TestDocumentKeyErrors(t *testing.T) {
	doc, _, _ := twoKeyDocument(t)
	for _, tc := range []struct {
		vm   string
		kind error
	}{
		{board + "#key-1999-01-01", ErrUnknownKey},
		{"did:web:other.example#key-2026-11-26", ErrUnknownKey},
		{"did:web:example.org#key-2026-11-26", ErrUnknownKey},
		{board, ErrMalformed},
		{board + "#", ErrMalformed},
	} {
		if got, err := doc.Key(tc.vm); !errors.Is(err, tc.kind) {
			t.Errorf("Key(%q) = %x, %v; want an error wrapping %v", tc.vm, got, err, tc.kind)
		}
	}
	doc.AssertionMethod = doc.AssertionMethod[:1]
	doc.Authentication = []string{board + "#key-2025-01-15"}
	if _, err := doc.Key(board + "#key-2025-01-15"); !errors.Is(err, ErrNotAssertion) || errors.Is(err, ErrUnknownKey) {
		t.Errorf("key outside assertionMethod: %v, want ErrNotAssertion only", err)
	}
}

func TestNewWebDocumentErrors(t *testing.T) {
	k1, _ := testKey(t, 1)
	k2, _ := testKey(t, 2)
	for _, tc := range []struct {
		name string
		did  string
		keys []NamedKey
		kind error
		want string
	}{
		{"not did:web", w3cDIDKey, []NamedKey{{"k", k1}}, ErrUnsupportedMethod, "not a did:web"},
		{"DID URL", board + "#x", []NamedKey{{"k", k1}}, ErrMalformed, "fragment"},
		{"no keys", board, nil, ErrMalformed, "no keys"},
		{"empty id", board, []NamedKey{{"", k1}}, ErrMalformed, "no id"},
		{"bad id", board, []NamedKey{{"key#1", k1}}, ErrMalformed, "not allowed"},
		{"duplicate id", board, []NamedKey{{"k", k1}, {"k", k2}}, ErrMalformed, "used twice"},
		{"duplicate key", board, []NamedKey{{"a", k1}, {"b", k1}}, ErrMalformed, "same public key"},
		{"short key", board, []NamedKey{{"a", k1[:31]}}, ErrMalformed, "31 bytes"},
	} {
		_, err := NewWebDocument(tc.did, tc.keys)
		if !errors.Is(err, tc.kind) || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error wrapping %v mentioning %q", tc.name, err, tc.kind, tc.want)
		}
	}
}

// A document in the style of other issuers: a single @context string,
// relative ids, an embedded assertion method and JsonWebKey2020 keys. The
// JWK is the published one of the did:key example z6MkhaXg....
func TestParseForeignDocument(t *testing.T) {
	const d = "did:web:issuer.example"
	pub, err := PublicFromMultikey("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
	if err != nil {
		t.Fatal(err)
	}
	w3c, _ := PublicFromKey(w3cDIDKey)
	data := []byte(`{
	  "@context": "https://www.w3.org/ns/did/v1",
	  "id": "did:web:issuer.example",
	  "verificationMethod": [
	    {"id": "#jwk", "type": "JsonWebKey2020", "controller": "did:web:issuer.example",
	     "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY"}},
	    {"id": "#p256", "type": "JsonWebKey2020", "controller": "did:web:issuer.example",
	     "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}},
	    {"id": "#rsa", "type": "RsaVerificationKey2018", "controller": "did:web:issuer.example"},
	    {"id": "#auth", "type": "Multikey", "controller": "did:web:issuer.example",
	     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}
	  ],
	  "assertionMethod": ["#jwk", "#p256", "did:web:issuer.example#rsa",
	    {"id": "did:web:issuer.example#embedded", "type": "Ed25519VerificationKey2020",
	     "controller": "did:web:issuer.example",
	     "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}],
	  "authentication": ["#auth"]
	}`)
	doc, err := ParseDocument(data, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Context) != 1 {
		t.Errorf("@context = %q", doc.Context)
	}
	if got, err := doc.Key(d + "#jwk"); err != nil || !got.Equal(pub) {
		t.Errorf("Key(#jwk) = %x, %v; want %x", got, err, pub)
	}
	if got, err := doc.Key(d + "#embedded"); err != nil || !got.Equal(w3c) {
		t.Errorf("Key(#embedded) = %x, %v; want %x", got, err, w3c)
	}
	for _, tc := range []struct {
		frag string
		kind error
	}{
		{"#p256", ErrUnsupportedKey},
		{"#rsa", ErrUnsupportedKey},
		{"#auth", ErrNotAssertion},
		{"#missing", ErrUnknownKey},
	} {
		if _, err := doc.Key(d + tc.frag); !errors.Is(err, tc.kind) {
			t.Errorf("Key(%s) = %v, want an error wrapping %v", tc.frag, err, tc.kind)
		}
	}

	if _, err := ParseDocument(data, "did:web:evil.example"); !errors.Is(err, ErrMalformed) {
		t.Errorf("ParseDocument with another DID = %v, want ErrMalformed", err)
	}
	for _, bad := range []string{`not json`, `{"id": "` + d + `", "@context": 3}`, `{"id": "` + d + `", "assertionMethod": [3]}`} {
		if _, err := ParseDocument([]byte(bad), d); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseDocument(%s) = %v, want ErrMalformed", bad, err)
		}
	}
	// Over a limit: refused before decoding, naming the limit.
	for bad, want := range map[string]string{
		`{"id": "` + d + `", "service": ` + strings.Repeat("[", 200<<10): "is nested deeper than 32 levels at byte",
		`{"id": "` + d + `"}` + strings.Repeat(" ", MaxDocumentSize):     "is larger than 1 MiB",
	} {
		_, err := ParseDocument([]byte(bad), d)
		if !errors.Is(err, ErrMalformed) || !errors.As(err, new(*jsonlimit.Error)) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDocument(%.40s...) = %v, want ErrMalformed saying %q", bad, err, want)
		}
	}
}
