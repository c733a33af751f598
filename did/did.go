// Package did implements the two Decentralized Identifier methods that
// certboard uses to name the keys behind its credentials, following the W3C
// Decentralized Identifiers (DIDs) v1.0 Recommendation:
//
//   - did:web (W3C Credentials Community Group, "did:web Method
//     Specification"): the board's issuer identifier, derived from the
//     server's public URL. did:web:example.org resolves to
//     https://example.org/.well-known/did.json, a path becomes colons
//     (did:web:example.org:boards:aasect resolves to
//     https://example.org/boards/aasect/did.json) and a port is written with
//     its colon percent-encoded (did:web:localhost%3A8080).
//   - did:key (W3C Credentials Community Group, "The did:key Method"): a
//     self-contained identifier for one Ed25519 public key, resolved locally.
//     The identifier is "did:key:" followed by the key's Multikey encoding,
//     and its one verification method is did:key:z6Mk...#z6Mk....
//
// Keys are written as Multikey values (W3C Controlled Identifiers v1.0): the
// multicodec prefix of an Ed25519 public key (the unsigned varint 0xed, bytes
// 0xed 0x01), then the 32 key bytes, encoded in base58btc behind the multibase
// prefix "z". Every such value starts with "z6Mk".
//
// The package also builds and reads DID documents. A board that rotates its
// signing key keeps every older key listed, so credentials signed before the
// rotation still verify; Document.Key tells apart a key the document does not
// list (ErrUnknownKey, which a verifier reports as "could not check") from a
// key listed but not authorised for assertions (ErrNotAssertion).
//
// The package is pure: it performs no I/O and never resolves a did:web over
// the network. Fetching a DID document is the caller's job; WebDocumentURL
// says where to fetch it and ParseDocument reads what was fetched.
package did

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard/jsonlimit"
)

// Errors reported by the package, to be tested with errors.Is. Each returned
// error wraps one of them and says what exactly was wrong.
var (
	// ErrPublicURL reports a public URL from which no did:web can be derived.
	ErrPublicURL = errors.New("did: public URL unusable for did:web")
	// ErrMalformed reports a DID, DID URL, Multikey value or DID document
	// that does not follow its specification.
	ErrMalformed = errors.New("did: malformed")
	// ErrUnsupportedMethod reports a well-formed DID of a method that the
	// called function does not handle (for example did:web given to
	// ResolveKey).
	ErrUnsupportedMethod = errors.New("did: unsupported DID method")
	// ErrUnsupportedKey reports a key that is not Ed25519, or a verification
	// method of a type this package does not read. A verifier reports it as
	// "could not check", not as "invalid".
	ErrUnsupportedKey = errors.New("did: unsupported key type")
	// ErrUnknownKey reports a verification method that the DID document does
	// not list. A verifier reports it as "could not check", not as "invalid":
	// the document may be stale, or the key may have been removed.
	ErrUnknownKey = errors.New("did: unknown verification method")
	// ErrNotAssertion reports a verification method that the DID document
	// lists but does not authorise for assertionMethod, the proof purpose of
	// a credential.
	ErrNotAssertion = errors.New("did: verification method not authorised for assertionMethod")
)

// Contexts are the JSON-LD contexts of a document made by NewWebDocument:
// DID v1.0, then the Multikey vocabulary.
var Contexts = []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}

// MultikeyType is the verification method type of a Multikey.
const MultikeyType = "Multikey"

// ed25519Codec is the multicodec prefix of an Ed25519 public key: the code
// 0xed written as an unsigned varint.
var ed25519Codec = []byte{0xed, 0x01}

// knownCodecs names a few other multicodec key types, so that an error can
// say what was found instead of an Ed25519 key.
var knownCodecs = map[uint64]string{
	0xe7:   "secp256k1-pub",
	0xec:   "x25519-pub",
	0xeb:   "bls12_381-g2-pub",
	0x1200: "p256-pub",
	0x1201: "p384-pub",
	0x1205: "rsa-pub",
}

// ---------------------------------------------------------------------------
// did:web

// WebFromURL derives the board's did:web from its public URL, as the did:web
// method specification prescribes: the host, lowercased and, for an
// internationalised name, converted to its ASCII (punycode, "xn--") form;
// then a port, if any, with its colon percent-encoded as %3A; then each path
// segment after a colon. https://example.org/boards/aasect gives
// did:web:example.org:boards:aasect and http://localhost:8080 gives
// did:web:localhost%3A8080. A trailing slash is ignored and the default port
// of the scheme (443 for https, 80 for http) is dropped. Path characters
// other than letters, digits, ".", "-" and "_" are percent-encoded.
//
// The URL must be absolute http or https, with a host and without user
// information, query or fragment. The specification forbids IP addresses;
// 127.0.0.1 is accepted all the same, for local development. Errors wrap
// ErrPublicURL and name the problem.
func WebFromURL(publicURL string) (string, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrPublicURL, publicURL, fmt.Sprintf(format, a...))
	}
	u, err := url.Parse(publicURL)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrPublicURL, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		if u.Scheme == "" {
			return "", bad("not an absolute URL (want https://host/...)")
		}
		return "", bad("scheme %q is not http or https", u.Scheme)
	}
	if u.Opaque != "" {
		return "", bad("no \"//\" after the scheme (want %s://host/...)", u.Scheme)
	}
	if u.User != nil {
		return "", bad("has user information, which a did:web cannot carry")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return "", bad("has a query, which a did:web cannot carry")
	}
	if u.Fragment != "" || strings.Contains(publicURL, "#") {
		return "", bad("has a fragment, which a did:web cannot carry")
	}
	host, err := webHost(u.Hostname())
	if err != nil {
		return "", bad("%v", err)
	}
	var b strings.Builder
	b.WriteString("did:web:")
	b.WriteString(host)
	if port := u.Port(); port != "" {
		if err := checkPort(port); err != nil {
			return "", bad("%v", err)
		}
		if !(u.Scheme == "https" && port == "443") && !(u.Scheme == "http" && port == "80") {
			b.WriteString("%3A")
			b.WriteString(port)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return "", bad("empty port after the host")
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if path != "" {
		for i, raw := range strings.Split(path[1:], "/") {
			seg, err := url.PathUnescape(raw)
			if err != nil {
				return "", bad("path segment %d: %v", i+1, err)
			}
			switch seg {
			case "":
				return "", bad("path segment %d is empty", i+1)
			case ".", "..":
				return "", bad("path segment %d is %q", i+1, seg)
			}
			b.WriteByte(':')
			b.WriteString(escapeSegment(seg))
		}
	}
	return b.String(), nil
}

// WebDocumentURL returns the URL of the DID document of a did:web, following
// the did:web method specification: the colons of the method-specific
// identifier become slashes, a percent-encoded port colon (%3A) is decoded,
// and the document is /.well-known/did.json for a bare host or did.json under
// the path otherwise. did:web:example.org:boards:aasect gives
// https://example.org/boards/aasect/did.json.
//
// The scheme is https, as the specification requires, except for the hosts
// localhost and 127.0.0.1, which get http so that a server on a developer's
// machine can be resolved without a certificate: did:web:localhost%3A8080
// gives http://localhost:8080/.well-known/did.json.
//
// The argument must be a DID, not a DID URL: a fragment (#key-1) or query is
// refused; use Split first. Errors wrap ErrMalformed, or ErrUnsupportedMethod
// for a DID of another method.
func WebDocumentURL(did string) (string, error) {
	method, id, err := parseDID(did)
	if err != nil {
		return "", err
	}
	if method != "web" {
		return "", fmt.Errorf("%w: %q is a did:%s, not a did:web", ErrUnsupportedMethod, did, method)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrMalformed, did, fmt.Sprintf(format, a...))
	}
	parts := strings.Split(id, ":")
	hostPort := parts[0]
	var port string
	if i := strings.Index(strings.ToLower(hostPort), "%3a"); i >= 0 {
		hostPort, port = hostPort[:i], hostPort[i+3:]
		if err := checkPort(port); err != nil {
			return "", bad("%v", err)
		}
	}
	if strings.Contains(hostPort, "%") {
		return "", bad("the host %q contains a percent-encoding other than the port's %%3A", parts[0])
	}
	host, err := webHost(hostPort)
	if err != nil {
		return "", bad("%v", err)
	}
	scheme := "https"
	if host == "localhost" || host == "127.0.0.1" {
		scheme = "http"
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	if len(parts) == 1 {
		b.WriteString("/.well-known/did.json")
		return b.String(), nil
	}
	for i, seg := range parts[1:] {
		if seg == "" {
			return "", bad("path segment %d is empty", i+1)
		}
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return "", bad("path segment %d: %v", i+1, err)
		}
		if dec == "." || dec == ".." {
			return "", bad("path segment %d is %q", i+1, dec)
		}
		b.WriteByte('/')
		b.WriteString(seg)
	}
	b.WriteString("/did.json")
	return b.String(), nil
}

// webHost checks a host name for a did:web and returns its canonical form:
// lowercased, with internationalised labels in punycode. IP addresses are
// refused, as the specification requires, except 127.0.0.1 for local
// development.
func webHost(host string) (string, error) {
	if host == "" {
		return "", errors.New("empty host")
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if addr == netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
			return host, nil
		}
		return "", fmt.Errorf("host %s is an IP address, which did:web forbids (use a domain name)", host)
	}
	if strings.HasSuffix(host, ".") {
		return "", fmt.Errorf("host %q ends with a dot", host)
	}
	labels := strings.Split(strings.ToLower(host), ".")
	for i, label := range labels {
		if label == "" {
			return "", fmt.Errorf("host %q has an empty label", host)
		}
		if !isASCII(label) {
			for _, r := range label {
				if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
					return "", fmt.Errorf("host %q: character %q is not allowed in a domain name", host, r)
				}
			}
			label = "xn--" + punycode(label)
			labels[i] = label
		}
		if len(label) > 63 {
			return "", fmt.Errorf("host %q: label %q is longer than 63 characters", host, label)
		}
		for j := 0; j < len(label); j++ {
			c := label[j]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", fmt.Errorf("host %q: character %q is not allowed in a domain name", host, c)
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "", fmt.Errorf("host %q: label %q begins or ends with a hyphen", host, label)
		}
	}
	out := strings.Join(labels, ".")
	if len(out) > 253 {
		return "", fmt.Errorf("host %q is longer than 253 characters", host)
	}
	return out, nil
}

// checkPort accepts a decimal port from 1 to 65535.
func checkPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
		return fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	return nil
}

// escapeSegment percent-encodes a path segment so that it consists of DID
// idchars only: letters, digits, ".", "-", "_" and %XX.
func escapeSegment(seg string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if isIDChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// punycode encodes a label with the Bootstring parameters of RFC 3492
// (Punycode), without the "xn--" prefix. Labels are at most a few hundred
// runes here, far below where the algorithm's counters could overflow.
func punycode(label string) string {
	const (
		base        = 36
		tmin        = 1
		tmax        = 26
		skew        = 38
		damp        = 700
		initialBias = 72
		initialN    = 128
	)
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > (base-tmin)*tmax/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	runes := []rune(label)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	handled := basic
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := initialN, 0, initialBias
	for handled < len(runes) {
		m := int(unicode.MaxRune) + 1
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (handled + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := k - bias
				if t < tmin {
					t = tmin
				} else if t > tmax {
					t = tmax
				}
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}
		delta++
		n++
	}
	return string(out)
}

// ---------------------------------------------------------------------------
// DID syntax

// parseDID splits a DID into its method and method-specific identifier,
// checking the generic syntax of DID v1.0: "did:", a method name of
// lowercase letters and digits, ":", then idchars (letters, digits, ".",
// "-", "_", %XX) and colons, not ending with a colon.
func parseDID(did string) (method, id string, err error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrMalformed, did, fmt.Sprintf(format, a...))
	}
	rest, ok := strings.CutPrefix(did, "did:")
	if !ok {
		return "", "", bad("a DID starts with \"did:\"")
	}
	method, id, ok = strings.Cut(rest, ":")
	if !ok || method == "" {
		return "", "", bad("no method name (want did:<method>:<identifier>)")
	}
	for i := 0; i < len(method); i++ {
		if c := method[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", "", bad("method name %q may hold only lowercase letters and digits", method)
		}
	}
	if id == "" || strings.HasSuffix(id, ":") {
		return "", "", bad("the method-specific identifier is empty or ends with a colon")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == ':' || isIDChar(c):
		case c == '%':
			if i+2 >= len(id) || !isHex(id[i+1]) || !isHex(id[i+2]) {
				return "", "", bad("a %% at position %d is not followed by two hexadecimal digits", len("did:")+len(method)+1+i)
			}
		case c == '#':
			return "", "", bad("has a fragment: this is a DID URL, not a DID (use Split)")
		case c == '?' || c == '/':
			return "", "", bad("has a path or query: this is a DID URL, not a DID")
		default:
			return "", "", bad("character %q is not allowed in a DID", c)
		}
	}
	return method, id, nil
}

// Split splits a verification method's DID URL, did#fragment, into the DID
// and the fragment (without "#"). The DID must be well-formed and the
// fragment non-empty; paths and queries are refused, since verification
// methods do not use them. Errors wrap ErrMalformed.
func Split(verificationMethod string) (did, fragment string, err error) {
	did, fragment, ok := strings.Cut(verificationMethod, "#")
	if !ok || fragment == "" {
		return "", "", fmt.Errorf("%w: %q: a verification method is a DID URL with a fragment (did:...#key-1)", ErrMalformed, verificationMethod)
	}
	if _, _, err := parseDID(did); err != nil {
		return "", "", err
	}
	if strings.ContainsAny(fragment, "#?/ ") {
		return "", "", fmt.Errorf("%w: %q: the fragment %q contains '#', '?', '/' or a space", ErrMalformed, verificationMethod, fragment)
	}
	return did, fragment, nil
}

// ---------------------------------------------------------------------------
// did:key and Multikey

// Multikey returns the Multikey encoding of an Ed25519 public key, the value
// of a verification method's publicKeyMultibase: "z" (base58btc) followed by
// base58btc of the multicodec prefix 0xed 0x01 and the 32 key bytes. The
// result starts with "z6Mk". It panics if pub is not 32 bytes long, as
// crypto/ed25519 does for keys of the wrong size.
func Multikey(pub ed25519.PublicKey) string {
	if len(pub) != ed25519.PublicKeySize {
		panic(fmt.Sprintf("did: Ed25519 public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize))
	}
	b := make([]byte, 0, len(ed25519Codec)+len(pub))
	b = append(append(b, ed25519Codec...), pub...)
	return "z" + EncodeBase58(b)
}

// PublicFromMultikey decodes a Multikey value (publicKeyMultibase) holding an
// Ed25519 public key. It refuses a multibase prefix other than "z"
// (base58btc), bad base58, a multicodec other than Ed25519 (an error wrapping
// ErrUnsupportedKey) and a key of the wrong length (ErrMalformed).
func PublicFromMultikey(multikey string) (ed25519.PublicKey, error) {
	enc, ok := strings.CutPrefix(multikey, "z")
	if !ok {
		if multikey == "" {
			return nil, fmt.Errorf("%w: empty Multikey", ErrMalformed)
		}
		return nil, fmt.Errorf("%w: Multikey %q: multibase prefix %q is not \"z\" (base58btc)", ErrMalformed, multikey, multikey[:1])
	}
	raw, err := DecodeBase58(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: Multikey %q: %w", ErrMalformed, multikey, err)
	}
	code, n := binary.Uvarint(raw)
	if n <= 0 {
		return nil, fmt.Errorf("%w: Multikey %q: no multicodec prefix", ErrMalformed, multikey)
	}
	if !bytes.HasPrefix(raw, ed25519Codec) {
		name := knownCodecs[code]
		if name == "" {
			name = "unknown"
		}
		return nil, fmt.Errorf("%w: Multikey %q: multicodec 0x%x (%s) is not Ed25519 (0xed)", ErrUnsupportedKey, multikey, code, name)
	}
	key := raw[len(ed25519Codec):]
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: Multikey %q: Ed25519 key is %d bytes, want %d", ErrMalformed, multikey, len(key), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(key), nil
}

// KeyFromPublic returns the did:key of an Ed25519 public key:
// "did:key:" followed by its Multikey (did:key:z6Mk...). It panics if pub is
// not 32 bytes long.
func KeyFromPublic(pub ed25519.PublicKey) string {
	return "did:key:" + Multikey(pub)
}

// KeyVerificationMethod returns the id of the one verification method of the
// did:key of pub: did:key:z6Mk...#z6Mk..., the value a proof made with that
// key names as its verificationMethod. It panics if pub is not 32 bytes long.
func KeyVerificationMethod(pub ed25519.PublicKey) string {
	mk := Multikey(pub)
	return "did:key:" + mk + "#" + mk
}

// PublicFromKey returns the Ed25519 public key that a did:key names. It
// refuses DID URLs (use ResolveKey for a verification method), DIDs of other
// methods (ErrUnsupportedMethod), other key types (ErrUnsupportedKey), and
// bad base58 or wrong lengths (ErrMalformed).
func PublicFromKey(did string) (ed25519.PublicKey, error) {
	method, id, err := parseDID(did)
	if err != nil {
		return nil, err
	}
	if method != "key" {
		return nil, fmt.Errorf("%w: %q is a did:%s, not a did:key", ErrUnsupportedMethod, did, method)
	}
	return PublicFromMultikey(id)
}

// ResolveKey returns the Ed25519 public key of a did:key verification
// method, did:key:z6Mk...#z6Mk..., whose fragment must repeat the
// identifier, as the did:key method specifies. It is resolved locally,
// without any network access. A did:web verification method is refused with
// an error wrapping ErrUnsupportedMethod: its key comes from the DID
// document (see Document.Key).
func ResolveKey(verificationMethod string) (ed25519.PublicKey, error) {
	did, fragment, err := Split(verificationMethod)
	if err != nil {
		return nil, err
	}
	method, id, err := parseDID(did)
	if err != nil {
		return nil, err
	}
	if method != "key" {
		return nil, fmt.Errorf("%w: %q is a did:%s verification method; only did:key resolves without its DID document", ErrUnsupportedMethod, verificationMethod, method)
	}
	if fragment != id {
		return nil, fmt.Errorf("%w: %q: the fragment of a did:key verification method must repeat the key %q", ErrMalformed, verificationMethod, id)
	}
	return PublicFromMultikey(id)
}

// ---------------------------------------------------------------------------
// DID documents

// Document is a DID document (DID v1.0) as certboard publishes and reads it.
// Encoded with encoding/json, a document made by NewWebDocument has the
// shape
//
//	{"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
//	 "id": "did:web:example.org",
//	 "verificationMethod": [{"id": "did:web:example.org#key-1", "type": "Multikey",
//	   "controller": "did:web:example.org", "publicKeyMultibase": "z6Mk..."}],
//	 "assertionMethod": ["did:web:example.org#key-1"]}
//
// Decoding is lenient so that documents of other issuers can be read: a
// single string @context is accepted (embedded context objects are
// dropped), and assertionMethod or authentication entries may embed a
// verification method instead of referring to one; embedded methods are
// moved to VerificationMethod and referred to by id.
type Document struct {
	// Context lists the JSON-LD contexts (@context).
	Context []string `json:"@context"`
	// ID is the DID that the document describes.
	ID string `json:"id"`
	// VerificationMethod lists every key of the DID, current and retired.
	VerificationMethod []VerificationMethod `json:"verificationMethod,omitempty"`
	// AssertionMethod lists the ids of the verification methods that may
	// sign credentials.
	AssertionMethod []string `json:"assertionMethod,omitempty"`
	// Authentication lists the ids of the verification methods that may
	// authenticate as the DID; certboard does not use it.
	Authentication []string `json:"authentication,omitempty"`
}

// VerificationMethod is one key of a DID document. Documents made by this
// package use type Multikey with PublicKeyMultibase; when reading, the types
// Ed25519VerificationKey2020 (PublicKeyMultibase) and JsonWebKey2020 or
// JsonWebKey (PublicKeyJwk, an OKP key on curve Ed25519) are understood too.
type VerificationMethod struct {
	// ID is the DID URL of the key, did#fragment (or a relative "#fragment"
	// in documents of other issuers).
	ID string `json:"id"`
	// Type is the verification method type, "Multikey" here.
	Type string `json:"type"`
	// Controller is the DID that controls the key.
	Controller string `json:"controller"`
	// PublicKeyMultibase is the key as a Multikey value (z6Mk...).
	PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
	// PublicKeyJwk is the key as a JSON Web Key, in documents of other
	// issuers.
	PublicKeyJwk *JWK `json:"publicKeyJwk,omitempty"`
}

// JWK is the part of a JSON Web Key (RFC 7517, RFC 8037) that an Ed25519
// public key needs.
type JWK struct {
	// Kty is the key type, "OKP" for Ed25519.
	Kty string `json:"kty"`
	// Crv is the curve, "Ed25519".
	Crv string `json:"crv"`
	// X is the public key, base64url without padding.
	X string `json:"x"`
}

// NamedKey is one key to list in a DID document: ID is the fragment that
// names it within the document (for example "key-2026-11-26"), Public the
// Ed25519 public key.
type NamedKey struct {
	// ID is the fragment, without "#": letters, digits, ".", "-", "_", "~".
	ID string
	// Public is the 32-byte Ed25519 public key.
	Public ed25519.PublicKey
}

// NewWebDocument builds the DID document of a did:web with the given keys,
// newest first: keys[0] is the key the board signs with now, the others are
// keys it signed with before. Every key is listed in verificationMethod as a
// Multikey controlled by the DID, and in assertionMethod in the same order,
// newest first, so that credentials signed with a retired key still verify.
// It refuses an invalid did:web, an empty key list, a fragment that is empty
// or holds other characters than letters, digits, ".", "-", "_" and "~",
// two keys with the same fragment or the same public key, and keys that are
// not 32 bytes long. Errors wrap ErrMalformed.
func NewWebDocument(did string, keys []NamedKey) (*Document, error) {
	if _, err := WebDocumentURL(did); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: DID document for %s: no keys", ErrMalformed, did)
	}
	doc := &Document{
		Context: append([]string(nil), Contexts...),
		ID:      did,
	}
	seenID := map[string]bool{}
	seenKey := map[string]string{}
	for i, k := range keys {
		if k.ID == "" {
			return nil, fmt.Errorf("%w: DID document for %s: key %d has no id", ErrMalformed, did, i)
		}
		for j := 0; j < len(k.ID); j++ {
			if c := k.ID[j]; !isIDChar(c) && c != '~' {
				return nil, fmt.Errorf("%w: DID document for %s: key id %q: character %q is not allowed (use letters, digits, '.', '-', '_', '~')", ErrMalformed, did, k.ID, c)
			}
		}
		if seenID[k.ID] {
			return nil, fmt.Errorf("%w: DID document for %s: key id %q is used twice", ErrMalformed, did, k.ID)
		}
		seenID[k.ID] = true
		if len(k.Public) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: DID document for %s: key %q is %d bytes, want %d", ErrMalformed, did, k.ID, len(k.Public), ed25519.PublicKeySize)
		}
		if other, ok := seenKey[string(k.Public)]; ok {
			return nil, fmt.Errorf("%w: DID document for %s: keys %q and %q are the same public key", ErrMalformed, did, other, k.ID)
		}
		seenKey[string(k.Public)] = k.ID
		id := did + "#" + k.ID
		doc.VerificationMethod = append(doc.VerificationMethod, VerificationMethod{
			ID:                 id,
			Type:               MultikeyType,
			Controller:         did,
			PublicKeyMultibase: Multikey(k.Public),
		})
		doc.AssertionMethod = append(doc.AssertionMethod, id)
	}
	return doc, nil
}

// MaxDocumentSize bounds a DID document ParseDocument reads: one with a
// few keys is a few KiB. Its nesting is bounded by jsonlimit.MaxDepth.
const MaxDocumentSize = 1 << 20

// ParseDocument decodes a DID document fetched for did and checks that its
// id is did, as DID resolution requires (a document served for one DID must
// not speak for another). Errors wrap ErrMalformed.
func ParseDocument(data []byte, did string) (*Document, error) {
	if err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxDocumentSize}); err != nil {
		return nil, fmt.Errorf("%w: DID document for %s is %w", ErrMalformed, did, err)
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: DID document for %s: %w", ErrMalformed, did, err)
	}
	if doc.ID != did {
		return nil, fmt.Errorf("%w: DID document for %s has id %q", ErrMalformed, did, doc.ID)
	}
	return &doc, nil
}

// UnmarshalJSON decodes a DID document leniently; see Document.
func (d *Document) UnmarshalJSON(data []byte) error {
	var raw struct {
		Context            json.RawMessage      `json:"@context"`
		ID                 string               `json:"id"`
		VerificationMethod []VerificationMethod `json:"verificationMethod"`
		AssertionMethod    []json.RawMessage    `json:"assertionMethod"`
		Authentication     []json.RawMessage    `json:"authentication"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := Document{ID: raw.ID, VerificationMethod: raw.VerificationMethod}
	if len(raw.Context) > 0 {
		var one string
		var many []json.RawMessage
		if err := json.Unmarshal(raw.Context, &one); err == nil {
			out.Context = []string{one}
		} else if err := json.Unmarshal(raw.Context, &many); err == nil {
			for _, c := range many {
				if err := json.Unmarshal(c, &one); err == nil {
					out.Context = append(out.Context, one)
				}
			}
		} else {
			return errors.New("@context is neither a string nor an array")
		}
	}
	refs := func(name string, entries []json.RawMessage) ([]string, error) {
		var ids []string
		for i, e := range entries {
			var id string
			if err := json.Unmarshal(e, &id); err == nil {
				ids = append(ids, id)
				continue
			}
			var vm VerificationMethod
			if err := json.Unmarshal(e, &vm); err != nil || vm.ID == "" {
				return nil, fmt.Errorf("%s entry %d is neither an id nor a verification method with an id", name, i)
			}
			out.VerificationMethod = append(out.VerificationMethod, vm)
			ids = append(ids, vm.ID)
		}
		return ids, nil
	}
	var err error
	if out.AssertionMethod, err = refs("assertionMethod", raw.AssertionMethod); err != nil {
		return err
	}
	if out.Authentication, err = refs("authentication", raw.Authentication); err != nil {
		return err
	}
	*d = out
	return nil
}

// absolute resolves a relative DID URL ("#key-1") against the document's id.
func (d *Document) absolute(id string) string {
	if strings.HasPrefix(id, "#") {
		return d.ID + id
	}
	return id
}

// Key returns the Ed25519 public key of the verification method with the
// full id verificationMethod (did:web:example.org#key-1), provided that the
// document authorises it for assertionMethod. A verification method of
// another DID, or one the document does not list, is an error wrapping
// ErrUnknownKey (a verifier reports "could not check"); one listed but not
// in assertionMethod wraps ErrNotAssertion; a key of a type this package
// does not read wraps ErrUnsupportedKey; unreadable key material wraps
// ErrMalformed.
func (d *Document) Key(verificationMethod string) (ed25519.PublicKey, error) {
	did, _, err := Split(verificationMethod)
	if err != nil {
		return nil, err
	}
	if did != d.ID {
		return nil, fmt.Errorf("%w: %q belongs to %s, not to the DID document of %s", ErrUnknownKey, verificationMethod, did, d.ID)
	}
	var vm *VerificationMethod
	for i := range d.VerificationMethod {
		if d.absolute(d.VerificationMethod[i].ID) == verificationMethod {
			vm = &d.VerificationMethod[i]
			break
		}
	}
	if vm == nil {
		return nil, fmt.Errorf("%w: the DID document of %s does not list %q", ErrUnknownKey, d.ID, verificationMethod)
	}
	authorised := false
	for _, id := range d.AssertionMethod {
		if d.absolute(id) == verificationMethod {
			authorised = true
			break
		}
	}
	if !authorised {
		return nil, fmt.Errorf("%w: the DID document of %s lists %q but not in assertionMethod", ErrNotAssertion, d.ID, verificationMethod)
	}
	return vm.public()
}

// public decodes the key of a verification method.
func (vm *VerificationMethod) public() (ed25519.PublicKey, error) {
	switch vm.Type {
	case MultikeyType, "Ed25519VerificationKey2020":
		if vm.PublicKeyMultibase == "" {
			return nil, fmt.Errorf("%w: verification method %q has no publicKeyMultibase", ErrMalformed, vm.ID)
		}
		pub, err := PublicFromMultikey(vm.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("verification method %q: %w", vm.ID, err)
		}
		return pub, nil
	case "JsonWebKey2020", "JsonWebKey":
		j := vm.PublicKeyJwk
		if j == nil {
			return nil, fmt.Errorf("%w: verification method %q has no publicKeyJwk", ErrMalformed, vm.ID)
		}
		if j.Kty != "OKP" || j.Crv != "Ed25519" {
			return nil, fmt.Errorf("%w: verification method %q is a %s key on curve %q, not Ed25519", ErrUnsupportedKey, vm.ID, j.Kty, j.Crv)
		}
		x, err := base64.RawURLEncoding.DecodeString(j.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: verification method %q: x is not 32 bytes of base64url", ErrMalformed, vm.ID)
		}
		return ed25519.PublicKey(x), nil
	default:
		return nil, fmt.Errorf("%w: verification method %q has type %q (want Multikey)", ErrUnsupportedKey, vm.ID, vm.Type)
	}
}
