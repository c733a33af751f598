// Package vcjwt secures verifiable credentials as JSON Web Tokens signed with
// Ed25519, the VC-JWT proof format of Open Badges 3.0, and verifies such
// tokens check by check.
//
// The format follows W3C Securing Verifiable Credentials using JOSE and COSE
// (VC-JOSE-COSE) for the W3C Verifiable Credentials Data Model 2.0: the JWT
// payload is the credential itself, not wrapped, to which the registered JWT
// claims (RFC 7519) derived from it are added: iss is the issuer's id, jti the
// credential's id, sub the id of the credentialSubject, nbf and exp the
// validFrom and validUntil dates as NumericDate seconds. The protected header
// is {"alg":"EdDSA","kid":...,"typ":"vc+jwt"}. The token is the JWS Compact
// Serialization of RFC 7515, and EdDSA with the Ed25519 curve is the JOSE
// algorithm of RFC 8037. Verify also accepts the older VC Data Model 1.1 form,
// where the credential sits under a "vc" claim and its issuer, id and dates
// come from iss, jti, nbf and exp.
//
// The JWS is written with the standard library (crypto/ed25519 and
// encoding/base64 and encoding/json) rather than a JOSE library: a compact
// JWS with one fixed algorithm is three base64url parts and one signature over
// the first two, fully specified by RFC 7515 and RFC 8037, so a library would
// add a dependency and many algorithms this package must refuse anyway, while
// every rule that matters here (which alg and typ are accepted, strict
// base64url, the issuer and validity checks) would still be ours to write.
//
// Verification reports four checks separately (structure, signature,
// validity, issuer), each Valid, Invalid or CouldNotCheck. A key that cannot
// be obtained (unknown to the resolver, or a network failure) makes the
// signature CouldNotCheck, never Invalid: "we could not check" and "this is
// forged" are different answers and must be shown differently.
//
// The package is pure: it performs no I/O (keys come from a resolver the
// caller supplies) and reads no clock (the time of verification is an
// argument).
package vcjwt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/verification"
)

// Header values written by Sign.
const (
	// Alg is the only JWS algorithm accepted: EdDSA (RFC 8037) with Ed25519.
	Alg = "EdDSA"
	// Typ is the media type, without "application/", that Sign puts in the
	// typ header (VC-JOSE-COSE).
	Typ = "vc+jwt"
)

// ContextV2 is the base context that must come first in the @context of a
// Verifiable Credentials Data Model 2.0 credential.
const ContextV2 = "https://www.w3.org/ns/credentials/v2"

// MaxTokenSize bounds the length, in bytes, of a token that Verify decodes,
// so that a hostile input cannot make it parse megabytes of JSON.
const MaxTokenSize = 1 << 20

// MaxDepth bounds the nesting of the JSON in a token's header and payload:
// Verify refuses deeper JSON as it reads it, before decoding anything of it
// that lies deeper (see CheckBounds).
const MaxDepth = jsonlimit.MaxDepth

// CheckBounds returns an error wrapping a *jsonlimit.Error when token is
// larger than MaxTokenSize, or its header or payload, once decoded from
// base64url, nests JSON deeper than MaxDepth; nil otherwise, also for a
// token too malformed to tell (Verify reports that). Verify applies the
// same bounds; a caller that must answer input over a limit apart (an HTTP
// server answering 400 or 413) calls it first.
func CheckBounds(token string) error {
	if len(token) > MaxTokenSize {
		return fmt.Errorf("the token is %w", jsonlimit.SizeError(MaxTokenSize))
	}
	if strings.Count(token, ".") != 2 {
		return nil
	}
	h, rest, _ := strings.Cut(token, ".")
	p, _, _ := strings.Cut(rest, ".")
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	parts := [...]string{h, p}
	for i, name := range [...]string{"header", "payload"} {
		b, ok := appendBase64URL(sc.b[:0], parts[i])
		if !ok {
			// Not strict base64url, which Verify refuses; a part the
			// standard decoder reads (with line breaks) is bounded all
			// the same.
			var err error
			if b, err = b64.DecodeString(parts[i]); err != nil {
				continue
			}
		} else {
			sc.b = b
		}
		if err := boundPart(name, b); err != nil {
			return err
		}
	}
	return nil
}

// boundPart checks the nesting of a decoded header or payload.
func boundPart(name string, b []byte) error {
	if err := jsonlimit.Check(b, jsonlimit.Limits{MaxDepth: MaxDepth}); err != nil {
		return fmt.Errorf("the %s is %w", name, err)
	}
	return nil
}

// Errors reported by the package, to be tested with errors.Is.
var (
	// ErrUnknownKey is what a resolver passed to Verify wraps when it does not
	// know the key named by a kid. Verify reports the signature as
	// CouldNotCheck, as it does for any other resolver error.
	ErrUnknownKey = errors.New("vcjwt: unknown key")
	// ErrCredential reports a credential that Sign refuses to secure; the
	// wrapping error names the member at fault.
	ErrCredential = errors.New("vcjwt: unusable credential")
	// ErrKey reports a signing key or key id that Sign cannot use.
	ErrKey = errors.New("vcjwt: unusable key")
)

// Claims written by Sign and read by Verify, from RFC 7519.
const (
	claimIssuer    = "iss"
	claimID        = "jti"
	claimSubject   = "sub"
	claimNotBefore = "nbf"
	claimExpires   = "exp"
	claimVC        = "vc" // VC Data Model 1.1 wrapper
)

// header is the protected header Sign writes, in this member order.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

var b64 = base64.RawURLEncoding.Strict()

// Sign secures credential as a VC-JWT with the Ed25519 key whose verification
// method is kid (a DID URL such as "did:web:example.com#key-1").
//
// The credential must be a Data Model 2.0 credential: an @context whose first
// entry is ContextV2, a type that includes "VerifiableCredential", an issuer
// (a string, or an object with a string id), and a validFrom; validUntil is
// optional. Both dates are XML Schema dateTimeStamp values (RFC 3339 with a
// time zone). kid must belong to the issuer: it is the issuer's id followed by
// "#" and a fragment, or, for a did:key issuer, that DID itself. The
// credential must not already hold the claims Sign derives (iss, jti, sub,
// nbf, exp, vc). Refusals wrap ErrCredential or ErrKey and name the member at
// fault. The credential is not modified.
func Sign(credential map[string]any, key ed25519.PrivateKey, kid string) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("%w: Ed25519 private key is %d bytes, want %d", ErrKey, len(key), ed25519.PrivateKeySize)
	}
	if kid == "" {
		return "", fmt.Errorf("%w: empty kid", ErrKey)
	}
	credential, err := normalize(credential)
	if err != nil {
		return "", err
	}
	if err := checkForm(credential, true); err != nil {
		return "", err
	}
	issuer, err := issuerID(credential["issuer"])
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCredential, err)
	}
	if !keyBelongsTo(kid, issuer) {
		return "", fmt.Errorf("%w: kid %q is not a verification method of issuer %q", ErrKey, kid, issuer)
	}
	for _, c := range []string{claimIssuer, claimID, claimSubject, claimNotBefore, claimExpires, claimVC} {
		if _, ok := credential[c]; ok {
			return "", fmt.Errorf("%w: credential already has a member %q, a claim Sign derives", ErrCredential, c)
		}
	}

	payload := credential // a fresh copy made by normalize
	payload[claimIssuer] = issuer
	if v, ok := credential["id"]; ok {
		id, ok := v.(string)
		if !ok || id == "" {
			return "", fmt.Errorf("%w: id is %s, want a non-empty string", ErrCredential, describe(v))
		}
		payload[claimID] = id
	}
	if sub, ok := credential["credentialSubject"].(map[string]any); ok {
		if id, ok := sub["id"].(string); ok && id != "" {
			payload[claimSubject] = id
		}
	}
	from, present, err := dateMember(credential, "validFrom", false)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCredential, err)
	}
	if !present {
		return "", fmt.Errorf("%w: validFrom is missing", ErrCredential)
	}
	payload[claimNotBefore] = from.Unix()
	until, present, err := dateMember(credential, "validUntil", false)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCredential, err)
	}
	if present {
		if !until.After(from) {
			return "", fmt.Errorf("%w: validUntil %s is not after validFrom %s", ErrCredential, until.Format(time.RFC3339), from.Format(time.RFC3339))
		}
		payload[claimExpires] = until.Unix()
	}

	h, err := marshal(header{Alg: Alg, Kid: kid, Typ: Typ})
	if err != nil {
		return "", fmt.Errorf("vcjwt: encode header: %w", err)
	}
	p, err := marshal(payload)
	if err != nil {
		return "", fmt.Errorf("vcjwt: encode payload: %w", err)
	}
	input := make([]byte, 0, b64.EncodedLen(len(h))+1+b64.EncodedLen(len(p))+1+b64.EncodedLen(ed25519.SignatureSize))
	input = b64.AppendEncode(input, h)
	input = append(input, '.')
	input = b64.AppendEncode(input, p)
	sig := ed25519.Sign(key, input)
	input = append(input, '.')
	input = b64.AppendEncode(input, sig)
	return string(input), nil
}

// normalize returns a deep copy of credential as generic JSON values
// (map[string]any, []any, string, json.Number, bool, nil), whatever Go types
// the caller built it from, so that the checks below see one representation
// and numbers keep their exact digits.
func normalize(credential map[string]any) (map[string]any, error) {
	if credential == nil {
		return nil, fmt.Errorf("%w: credential is nil", ErrCredential)
	}
	b, err := marshal(credential)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot encode as JSON: %v", ErrCredential, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("vcjwt: re-read credential: %w", err)
	}
	return c, nil
}

// marshal encodes v as compact JSON without HTML escaping, so that text such
// as "<" in a description is signed as written.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkForm checks the members every credential needs: @context (whose first
// entry is ContextV2 when v2 is true), a type including VerifiableCredential,
// and, for Sign, an issuer. Errors wrap ErrCredential.
func checkForm(c map[string]any, v2 bool) error {
	ctx, ok := c["@context"]
	if !ok {
		return fmt.Errorf("%w: @context is missing", ErrCredential)
	}
	var first any
	switch ctx := ctx.(type) {
	case []any:
		if len(ctx) == 0 {
			return fmt.Errorf("%w: @context is empty", ErrCredential)
		}
		first = ctx[0]
	case string:
		first = ctx
	default:
		return fmt.Errorf("%w: @context is %s, want an array", ErrCredential, describe(ctx))
	}
	if v2 && first != ContextV2 {
		return fmt.Errorf("%w: first @context entry is %s, want %q", ErrCredential, describe(first), ContextV2)
	}
	t, ok := c["type"]
	if !ok {
		return fmt.Errorf("%w: type is missing", ErrCredential)
	}
	if !hasType(t, "VerifiableCredential") {
		return fmt.Errorf("%w: type %s does not include \"VerifiableCredential\"", ErrCredential, describe(t))
	}
	if v2 {
		if _, ok := c["issuer"]; !ok {
			return fmt.Errorf("%w: issuer is missing", ErrCredential)
		}
	}
	return nil
}

// hasType reports whether a JSON-LD type value (a string or an array of
// strings) includes want.
func hasType(t any, want string) bool {
	switch t := t.(type) {
	case string:
		return t == want
	case []any:
		for _, e := range t {
			if e == want {
				return true
			}
		}
	}
	return false
}

// issuerID returns the id of an issuer value: the string itself, or the id
// member of an object.
func issuerID(v any) (string, error) {
	switch v := v.(type) {
	case string:
		if v != "" {
			return v, nil
		}
	case map[string]any:
		id, ok := v["id"].(string)
		if !ok || id == "" {
			return "", fmt.Errorf("issuer object has no id (found %s)", describe(v["id"]))
		}
		return id, nil
	case nil:
		return "", errors.New("issuer is missing")
	}
	return "", fmt.Errorf("issuer is %s, want a URL or an object with an id", describe(v))
}

// keyBelongsTo reports whether the verification method kid is one of
// issuer's: issuer followed by "#" and a fragment, or, for a did:key issuer,
// the DID itself or any fragment of it.
func keyBelongsTo(kid, issuer string) bool {
	if issuer == "" || strings.Contains(issuer, "#") {
		return false
	}
	if len(kid) > len(issuer)+1 && kid[len(issuer)] == '#' && strings.HasPrefix(kid, issuer) {
		return true
	}
	return strings.HasPrefix(issuer, "did:key:") && kid == issuer
}

// dateMember parses the date-time member name of c, reporting whether it is
// present. Values must be XML Schema dateTimeStamp (a time zone is required)
// unless localOK, in which case a dateTime without a time zone (allowed by
// the Data Model 1.1) is read as UTC.
func dateMember(c map[string]any, name string, localOK bool) (time.Time, bool, error) {
	v, ok := c[name]
	if !ok {
		return time.Time{}, false, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, true, fmt.Errorf("%s is %s, want a date-time string", name, describe(v))
	}
	t, err := parseDateTime(s, localOK)
	if err != nil {
		return time.Time{}, true, fmt.Errorf("%s %q: %v", name, s, err)
	}
	return t, true, nil
}

// parseDateTime reads an XML Schema dateTime: YYYY-MM-DDThh:mm:ss with
// optional fractional seconds and a time zone "Z" or ±hh:mm.
func parseDateTime(s string, localOK bool) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	if localOK {
		if t, err2 := time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
			return t, nil
		}
	} else if _, err2 := time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
		return time.Time{}, errors.New("has no time zone; a dateTimeStamp needs Z or ±hh:mm")
	}
	return time.Time{}, errors.New("not an XML Schema date-time such as 2025-01-31T09:00:00Z")
}

// describe names a decoded JSON value briefly for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		if len(v) > 80 {
			v = v[:80] + "..."
		}
		return fmt.Sprintf("%q", v)
	case float64:
		return fmt.Sprintf("the number %g", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return fmt.Sprintf("an array of %d", len(v))
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Names of the checks, in the order Verify reports them.
const (
	// CheckStructure covers the token's form: three base64url parts, JSON
	// header and payload, the EdDSA algorithm, an accepted typ, a credential
	// with @context and type.
	CheckStructure = "structure"
	// CheckSignature covers the Ed25519 signature under the key named by kid.
	CheckSignature = "signature"
	// CheckValidity covers the validity period against the time of
	// verification.
	CheckValidity = "validity"
	// CheckIssuer covers the binding of the claimed issuer, the iss claim and
	// the signing key.
	CheckIssuer = "issuer"
)

// Result is what Verify found.
type Result struct {
	// Issuer is the issuer's id, when one could be read.
	Issuer string `json:"issuer,omitempty"`
	// KeyID is the kid of the header, when one could be read.
	KeyID string `json:"kid,omitempty"`
	// Checks holds one check for each of CheckStructure, CheckSignature,
	// CheckValidity and CheckIssuer, in that order. Its methods Valid
	// (every check valid), Status and Lookup are the Result's.
	verification.Checks `json:"checks"`

	token *token // what parse read, nil for a malformed token
}

// Credential returns the decoded credential: for a Data Model 2.0 token the
// payload without the registered claims (iss, jti, sub, nbf, exp, iat), for
// a 1.1 token the vc claim completed from them. It is nil when the token is
// malformed. Verify decodes only the members its checks read; the rest of
// a 2.0 credential is decoded by each call of Credential, which returns a
// value of its own that the caller may modify.
func (r *Result) Credential() map[string]any {
	if r.token == nil {
		return nil
	}
	t := r.token
	if t.v11 {
		return t.credential
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	b, ok := appendBase64URL(sc.b[:0], t.payload)
	if !ok {
		return nil // cannot happen: parse decoded the payload
	}
	sc.b = b
	// The credential's strings are cut from one copy of the payload.
	c, ok := decodeObjectIn(reader{b: b, s: string(b)})
	if !ok {
		return nil // cannot happen: parse read the payload as a JSON object
	}
	for _, k := range []string{claimIssuer, claimID, claimSubject, claimNotBefore, claimExpires, "iat"} {
		delete(c, k)
	}
	return c
}

// put records the outcome of the named check with a detail already
// written, sparing the checks that pass a formatting.
func (r *Result) put(name string, o verification.Outcome, detail string) {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			r.Checks[i].Outcome, r.Checks[i].Detail = o, detail
			return
		}
	}
}

// acceptedTyp reports whether a typ header value is one Verify accepts. Media
// type names are compared without case, and "application/" may be omitted
// (RFC 7515, section 4.1.9).
func acceptedTyp(typ string) bool {
	t := strings.ToLower(typ)
	t = strings.TrimPrefix(t, "application/")
	return t == "vc+jwt" || t == "vc+ld+json+jwt" || t == "jwt"
}

// base64URLAlphabet marks the bytes of the base64url alphabet.
var base64URLAlphabet = func() (a [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		a[c] = true
	}
	return a
}()

// isBase64URL reports whether s holds only base64url characters; the
// standard decoder would otherwise skip line breaks.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		if !base64URLAlphabet[s[i]] {
			return false
		}
	}
	return true
}

// Verify checks a VC-JWT as of now and reports each check. resolve returns
// the Ed25519 public key of a verification method; it should return an error
// wrapping ErrUnknownKey for a kid it does not know. Any resolver error makes
// the signature CouldNotCheck, never Invalid.
//
// The structure is Invalid for a token that is not three base64url parts, a
// header or payload that is not a JSON object, an alg other than EdDSA
// ("none" and HS256 included), a typ other than vc+jwt, vc+ld+json+jwt or JWT
// (a missing typ is accepted), a crit header, or a payload that is neither a
// credential (with @context and a type including VerifiableCredential) nor a
// Data Model 1.1 JWT holding one under vc. When the structure is Invalid the
// other checks are CouldNotCheck and the resolver is not called.
//
// The issuer is Invalid when the credential has no issuer, when the iss claim
// differs from the credential's issuer, or when kid is not a verification
// method of that issuer (see Sign). The validity is Invalid before nbf (or
// validFrom), at or after exp (or validUntil), when a date is malformed, or
// when nbf or exp disagrees with validFrom or validUntil.
//
// Verify returns an error only when resolve is nil; every problem with the
// token is reported in the Result.
func Verify(token string, resolve func(kid string) (ed25519.PublicKey, error), now time.Time) (*Result, error) {
	if resolve == nil {
		return nil, errors.New("vcjwt: Verify needs a key resolver, got nil")
	}
	r := &Result{Checks: []verification.Check{
		{Name: CheckStructure, Outcome: verification.CouldNotCheck},
		{Name: CheckSignature, Outcome: verification.CouldNotCheck},
		{Name: CheckValidity, Outcome: verification.CouldNotCheck},
		{Name: CheckIssuer, Outcome: verification.CouldNotCheck},
	}}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	t, problem := parse(token, sc)
	if problem != "" {
		r.Set(CheckStructure, verification.Invalid, "%s", problem)
		for _, name := range []string{CheckSignature, CheckValidity, CheckIssuer} {
			r.Set(name, verification.CouldNotCheck, "not checked: the token is malformed")
		}
		return r, nil
	}
	r.token = t
	r.KeyID = t.kid
	if t.v11 {
		r.put(CheckStructure, verification.Valid, "a JWT with EdDSA holding a Verifiable Credentials 1.1 credential under vc")
	} else {
		r.put(CheckStructure, verification.Valid, "a VC-JWT with EdDSA holding a Verifiable Credentials 2.0 credential")
	}

	checkSignature(r, t, sc, resolve)
	t.sig = nil // in sc, which goes back to the pool
	checkValidity(r, t, now)
	checkIssuer(r, t)
	return r, nil
}

// token is a parsed, well-formed VC-JWT.
type token struct {
	kid   string
	input string // header.payload, the signing input
	// payload is the payload part, still in base64url, from which
	// Result.Credential decodes a 2.0 credential.
	payload string
	hasVC   bool // whether the payload has a vc claim
	// claims holds the payload's members the checks read, decoded: for a
	// 2.0 token only those (see checked), for a 1.1 token all of them.
	claims map[string]any
	// credential holds the credential's members the checks read: for a 2.0
	// token the claims themselves (the checks read no registered claim
	// from it), for a 1.1 token the whole vc claim, completed from the
	// claims.
	credential map[string]any
	v11        bool
	// sig is the decoded signature, in the scratch space of Verify; nil
	// once Verify returns.
	sig []byte
}

// checked maps the names of the members of a 2.0 payload that Verify's
// checks read, and so decodes, to themselves, so that a name read as bytes
// finds its string without allocating one. Result.Credential decodes the
// whole payload when asked.
var checked = map[string]string{"@context": "@context", "type": "type", "issuer": "issuer",
	"validFrom": "validFrom", "validUntil": "validUntil",
	claimIssuer: claimIssuer, claimNotBefore: claimNotBefore, claimExpires: claimExpires}

// members reads payload, a JSON object, in one pass: it decodes the members
// listed in checked into t.claims, as encoding/json would (the last of
// duplicate names wins; invalid UTF-8 is accepted and replaced), and notes
// whether there is a vc claim. It reports false when payload is not a
// single JSON object nested no deeper than MaxDepth, or holds anything
// json.Unmarshal would refuse to decode into a map[string]any (FuzzMembers
// compares the two), so that Result.Credential cannot fail where Verify
// succeeded.
func members(payload []byte, t *token) bool {
	t.claims = make(map[string]any, len(checked))
	r := reader{b: payload}
	return r.object(func(name []byte) bool {
		if key, ok := checked[string(name)]; ok {
			v, ok := r.value()
			t.claims[key] = v
			return ok
		}
		if string(name) == claimVC {
			t.hasVC = true
		}
		return r.skip()
	}) && r.done()
}

// scratch holds the decoded parts of a token while Verify reads them, and
// the copy of its signing input that crypto/ed25519 takes as bytes; it is
// pooled so that a verification allocates neither.
type scratch struct{ b []byte }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooled is the largest scratch space kept for the next verification;
// the space of a larger token is left to the garbage collector.
const maxPooled = 64 << 10

// release returns sc to the pool.
func (sc *scratch) release() {
	if cap(sc.b) <= maxPooled {
		sc.b = sc.b[:0]
		scratchPool.Put(sc)
	}
}

// parse decodes a compact JWS and its payload, returning a description of
// the first structural problem found. The decoded parts are written to sc,
// and the token's sig is valid as long as sc is not used again; nothing
// else in the token refers to sc.
func parse(s string, sc *scratch) (*token, string) {
	if len(s) > MaxTokenSize {
		return nil, fmt.Sprintf("token is %d bytes, more than the %d accepted", len(s), MaxTokenSize)
	}
	if s == "" {
		return nil, "token is empty"
	}
	if dots := strings.Count(s, "."); dots != 2 {
		return nil, fmt.Sprintf("a compact JWS has 3 parts separated by dots, found %d", dots+1)
	}
	h, rest, _ := strings.Cut(s, ".")
	p, sig, _ := strings.Cut(rest, ".")
	parts := [3]string{h, p, sig}
	// The three parts decode to less than the token's length, and the
	// signing input is shorter than it: with twice its length the buffer
	// never moves while parts decoded into it are in use.
	if cap(sc.b) < 2*len(s) {
		sc.b = make([]byte, 0, 2*len(s))
	}
	buf := sc.b[:0]
	t := &token{input: s[:len(h)+1+len(p)], payload: p}
	// The header is judged first, so that an unsigned "alg":"none" token
	// is reported for its algorithm rather than its empty signature.
	payloadOK := false
	var pb []byte // the decoded payload
	for i, name := range [...]string{"header", "payload", "signature"} {
		if parts[i] == "" {
			return nil, fmt.Sprintf("%s part is empty", name)
		}
		start := len(buf)
		var ok bool
		if buf, ok = appendBase64URL(buf, parts[i]); !ok {
			if !isBase64URL(parts[i]) {
				return nil, fmt.Sprintf("%s part holds characters outside unpadded base64url", name)
			}
			_, err := b64.DecodeString(parts[i])
			return nil, fmt.Sprintf("%s part is not base64url: %v", name, err)
		}
		b := buf[start:len(buf):len(buf)]
		switch i {
		case 0:
			var problem string
			if t.kid, problem = checkHeader(b); problem != "" {
				return nil, problem
			}
		case 1:
			pb = b
			// The payload is read in one pass, nesting bound included,
			// decoding only the members the checks read (see members):
			// decoding all of it into generic maps was most of the time
			// Verify spent besides the signature. What it cannot read is
			// reported for its nesting now, as anything else after the
			// signature's form.
			if payloadOK = members(b, t); !payloadOK {
				if err := boundPart(name, b); err != nil {
					return nil, err.Error()
				}
			}
		case 2:
			t.sig = b
		}
	}
	sc.b = buf
	if len(t.sig) != ed25519.SignatureSize {
		return nil, fmt.Sprintf("signature is %d bytes, an Ed25519 signature is %d", len(t.sig), ed25519.SignatureSize)
	}
	if !payloadOK {
		return nil, "payload is not a JSON object"
	}
	if t.hasVC {
		var ok bool
		if t.claims, ok = decodeObject(pb); !ok {
			return nil, "payload is not a JSON object"
		}
		vc := t.claims[claimVC]
		c, ok := vc.(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("vc claim is %s, want a credential object", describe(vc))
		}
		if err := checkForm(c, false); err != nil {
			return nil, "credential under vc: " + strings.TrimPrefix(err.Error(), ErrCredential.Error()+": ")
		}
		t.v11 = true
		t.credential = complete11(c, t.claims)
		return t, ""
	}
	if _, ok := t.claims["@context"]; !ok {
		return nil, "payload is neither a credential (no @context) nor a JWT holding one under vc"
	}
	t.credential = t.claims
	if err := checkForm(t.claims, false); err != nil {
		return nil, "credential: " + strings.TrimPrefix(err.Error(), ErrCredential.Error()+": ")
	}
	return t, ""
}

// checkHeader judges a decoded protected header: a JSON object nested no
// deeper than MaxDepth, with alg EdDSA, an accepted typ or none, no crit,
// and a string kid if any, which it returns.
func checkHeader(b []byte) (kid, problem string) {
	var alg, typ, crit, kidValue any
	var hasTyp, hasCrit, hasKid bool
	r := reader{b: b}
	ok := r.object(func(name []byte) bool {
		var ok bool
		switch string(name) {
		case "alg":
			alg, ok = r.value()
		case "typ":
			typ, ok = r.value()
			hasTyp = true
		case "crit":
			crit, ok = r.value()
			hasCrit = true
		case "kid":
			kidValue, ok = r.value()
			hasKid = true
		default:
			ok = r.skip()
		}
		return ok
	}) && r.done()
	if !ok {
		if err := boundPart("header", b); err != nil {
			return "", err.Error()
		}
		return "", "header is not a JSON object"
	}
	algName, ok := alg.(string)
	if !ok {
		return "", fmt.Sprintf("header alg is %s, want %q", describe(alg), Alg)
	}
	if algName != Alg {
		return "", fmt.Sprintf("header alg is %q; only %q is accepted", algName, Alg)
	}
	if hasTyp {
		ts, ok := typ.(string)
		if !ok || !acceptedTyp(ts) {
			return "", fmt.Sprintf("header typ is %s, want \"vc+jwt\", \"vc+ld+json+jwt\" or \"JWT\"", describe(typ))
		}
	}
	if hasCrit {
		return "", fmt.Sprintf("header has crit %s, an extension this verifier does not understand", describe(crit))
	}
	if hasKid {
		if kid, ok = kidValue.(string); !ok {
			return "", fmt.Sprintf("header kid is %s, want a string", describe(kidValue))
		}
	}
	return kid, ""
}

// complete11 fills a Data Model 1.1 credential from the JWT claims, as that
// model's JWT decoding rules say: issuer from iss, id from jti,
// credentialSubject.id from sub, issuanceDate from nbf, expirationDate from
// exp, each only when the credential lacks it. c is modified and returned.
func complete11(c, claims map[string]any) map[string]any {
	if iss, ok := claims[claimIssuer].(string); ok {
		if _, present := c["issuer"]; !present {
			c["issuer"] = iss
		}
	}
	if jti, ok := claims[claimID].(string); ok {
		if _, present := c["id"]; !present {
			c["id"] = jti
		}
	}
	if sub, ok := claims[claimSubject].(string); ok {
		if cs, ok := c["credentialSubject"].(map[string]any); ok {
			if _, present := cs["id"]; !present {
				cs["id"] = sub
			}
		}
	}
	for claim, member := range map[string]string{claimNotBefore: "issuanceDate", claimExpires: "expirationDate"} {
		if _, present := c[member]; present {
			continue
		}
		if n, ok := claims[claim].(float64); ok {
			if t, ok := numericDate(n); ok {
				c[member] = t.UTC().Format(time.RFC3339)
			}
		}
	}
	return c
}

// numericDate converts a JWT NumericDate (seconds since the epoch, possibly
// fractional) to a time, refusing values beyond year 9999.
func numericDate(n float64) (time.Time, bool) {
	const max = 253402300799 // 9999-12-31T23:59:59Z
	if math.IsNaN(n) || n < -max || n > max {
		return time.Time{}, false
	}
	sec := math.Floor(n)
	return time.Unix(int64(sec), int64((n-sec)*1e9)), true
}

// checkSignature checks t's signature, with sc's space past the decoded
// parts holding a copy of the signing input.
func checkSignature(r *Result, t *token, sc *scratch, resolve func(string) (ed25519.PublicKey, error)) {
	if t.kid == "" {
		r.Set(CheckSignature, verification.CouldNotCheck, "the header names no key (kid); embedded keys are not supported")
		return
	}
	key, err := resolve(t.kid)
	switch {
	case errors.Is(err, ErrUnknownKey):
		r.Set(CheckSignature, verification.CouldNotCheck, "key %s is not known: %v", t.kid, err)
		return
	case err != nil:
		r.Set(CheckSignature, verification.CouldNotCheck, "key %s could not be obtained: %v", t.kid, err)
		return
	case len(key) != ed25519.PublicKeySize:
		r.Set(CheckSignature, verification.CouldNotCheck, "key %s is not an Ed25519 public key (%d bytes, want %d)", t.kid, len(key), ed25519.PublicKeySize)
		return
	}
	input := append(sc.b[len(sc.b):], t.input...)
	if !ed25519.Verify(key, input, t.sig) {
		r.Set(CheckSignature, verification.Invalid, "the signature does not match key %s: the token was altered or signed with another key", t.kid)
		return
	}
	r.put(CheckSignature, verification.Valid, "signed with key "+t.kid)
}

func checkValidity(r *Result, t *token, now time.Time) {
	fromName, untilName, localOK := "validFrom", "validUntil", false
	if t.v11 {
		fromName, untilName, localOK = "issuanceDate", "expirationDate", true
	}
	from, hasFrom, err := dateMember(t.credential, fromName, localOK)
	if err != nil {
		r.Set(CheckValidity, verification.Invalid, "%v", err)
		return
	}
	until, hasUntil, err := dateMember(t.credential, untilName, localOK)
	if err != nil {
		r.Set(CheckValidity, verification.Invalid, "%v", err)
		return
	}
	var ok bool
	if from, hasFrom, ok = claimDate(r, t, claimNotBefore, fromName, from, hasFrom); !ok {
		return
	}
	if until, hasUntil, ok = claimDate(r, t, claimExpires, untilName, until, hasUntil); !ok {
		return
	}
	switch {
	case hasFrom && now.Before(from):
		r.Set(CheckValidity, verification.Invalid, "not yet valid: valid from %s", stamp(from))
	case hasUntil && !now.Before(until):
		r.Set(CheckValidity, verification.Invalid, "expired on %s", stamp(until))
	case hasFrom && hasUntil:
		var b [64]byte
		d := append(b[:0], "valid from "...)
		d = appendStamp(d, from)
		d = append(d, " until "...)
		d = appendStamp(d, until)
		r.put(CheckValidity, verification.Valid, string(d))
	case hasFrom:
		r.Set(CheckValidity, verification.Valid, "valid from %s, with no end date", stamp(from))
	case hasUntil:
		r.Set(CheckValidity, verification.Valid, "valid until %s", stamp(until))
	default:
		r.Set(CheckValidity, verification.Valid, "no validity period stated")
	}
}

// claimDate reads the NumericDate claim (nbf or exp) that stands for the
// credential's date member, whose value is date when has: it returns the
// claim's date when the claim is present, date otherwise, and ok false,
// with the validity check set Invalid, when the claim is not a date or
// disagrees with the member.
func claimDate(r *Result, t *token, claim, member string, date time.Time, has bool) (time.Time, bool, bool) {
	v, present := t.claims[claim]
	if !present {
		return date, has, true
	}
	n, ok := v.(float64)
	var nt time.Time
	if ok {
		nt, ok = numericDate(n)
	}
	if !ok {
		r.Set(CheckValidity, verification.Invalid, "%s claim is %s, want seconds since 1970", claim, describe(v))
		return date, has, false
	}
	if has && nt.Unix() != date.Unix() {
		r.Set(CheckValidity, verification.Invalid, "%s claim (%s) does not match %s (%s)", claim, stamp(nt), member, stamp(date))
		return date, has, false
	}
	return nt, true, true
}

// stamp formats a time for a check's detail.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// appendStamp appends t to b as stamp formats it.
func appendStamp(b []byte, t time.Time) []byte { return t.UTC().AppendFormat(b, time.RFC3339) }

func checkIssuer(r *Result, t *token) {
	iss, hasIss := t.claims[claimIssuer]
	issStr, issOK := iss.(string)
	if hasIss && (!issOK || issStr == "") {
		r.Set(CheckIssuer, verification.Invalid, "iss claim is %s, want the issuer's id", describe(iss))
		return
	}
	issuer, err := issuerID(t.credential["issuer"])
	if err != nil {
		r.Set(CheckIssuer, verification.Invalid, "%v", err)
		return
	}
	r.Issuer = issuer
	if hasIss && issStr != issuer {
		r.Set(CheckIssuer, verification.Invalid, "iss claim %q differs from the credential's issuer %q", issStr, issuer)
		return
	}
	if t.kid == "" {
		r.Set(CheckIssuer, verification.CouldNotCheck, "the header names no key (kid), so the key cannot be tied to issuer %s", issuer)
		return
	}
	if !keyBelongsTo(t.kid, issuer) {
		r.Set(CheckIssuer, verification.Invalid, "key %s is not a verification method of issuer %s", t.kid, issuer)
		return
	}
	r.put(CheckIssuer, verification.Valid, "issued by "+issuer+" with its key "+t.kid)
}
