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
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/verification"
	"github.com/go-json-experiment/json/jsontext"
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

// MaxDepth bounds the nesting of the JSON in a token's header and payload,
// checked before either is decoded (see CheckBounds).
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
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil
	}
	for i, name := range []string{"header", "payload"} {
		if b, err := b64.DecodeString(parts[i]); err == nil {
			if err := boundPart(name, b); err != nil {
				return err
			}
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
	if rest, ok := strings.CutPrefix(kid, issuer+"#"); ok && rest != "" {
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

// Outcome is the result of one check (see package verification).
type Outcome = verification.Outcome

// The outcomes of a check, as package verification defines them.
const (
	Valid         = verification.Valid
	Invalid       = verification.Invalid
	CouldNotCheck = verification.CouldNotCheck
)

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

// Check is the outcome of one verification step (see package verification).
type Check = verification.Check

// Result is what Verify found.
type Result struct {
	// Issuer is the issuer's id, when one could be read.
	Issuer string `json:"issuer,omitempty"`
	// KeyID is the kid of the header, when one could be read.
	KeyID string `json:"kid,omitempty"`
	// Checks holds one Check for each of CheckStructure, CheckSignature,
	// CheckValidity and CheckIssuer, in that order.
	Checks verification.Checks `json:"checks"`

	token *token // what parse read, nil for a malformed token
}

// Valid reports whether every check is Valid.
func (r *Result) Valid() bool { return r.Checks.Valid() }

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
	var c map[string]any
	if err := json.Unmarshal(t.payload, &c); err != nil {
		return nil // cannot happen: parse read the payload as a JSON object
	}
	for _, k := range []string{claimIssuer, claimID, claimSubject, claimNotBefore, claimExpires, "iat"} {
		delete(c, k)
	}
	return c
}

// Status sums the checks up as "valid" (all Valid), "invalid" (at least one
// Invalid, whatever the others) or "could_not_check" (none Invalid, at least
// one not Valid).
func (r *Result) Status() string { return r.Checks.Status() }

// Lookup returns the check with the given name.
func (r *Result) Lookup(name string) (Check, bool) { return r.Checks.Lookup(name) }

func (r *Result) set(name string, o Outcome, format string, args ...any) {
	r.Checks.Set(name, o, format, args...)
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
	r := &Result{Checks: []Check{
		{Name: CheckStructure, Outcome: CouldNotCheck},
		{Name: CheckSignature, Outcome: CouldNotCheck},
		{Name: CheckValidity, Outcome: CouldNotCheck},
		{Name: CheckIssuer, Outcome: CouldNotCheck},
	}}
	t, problem := parse(token)
	if problem != "" {
		r.set(CheckStructure, Invalid, "%s", problem)
		for _, name := range []string{CheckSignature, CheckValidity, CheckIssuer} {
			r.set(name, CouldNotCheck, "not checked: the token is malformed")
		}
		return r, nil
	}
	r.token = t
	r.KeyID = t.kid
	if t.v11 {
		r.set(CheckStructure, Valid, "a JWT with EdDSA holding a Verifiable Credentials 1.1 credential under vc")
	} else {
		r.set(CheckStructure, Valid, "a VC-JWT with EdDSA holding a Verifiable Credentials 2.0 credential")
	}

	checkSignature(r, t, resolve)
	checkValidity(r, t, now)
	checkIssuer(r, t)
	return r, nil
}

// token is a parsed, well-formed VC-JWT.
type token struct {
	kid   string
	input string // header.payload, the signing input
	sig   []byte
	// payload is the decoded payload, from which Result.Credential decodes
	// a 2.0 credential.
	payload []byte
	hasVC   bool // whether the payload has a vc claim
	// claims holds the payload's members the checks read, decoded: for a
	// 2.0 token only those (see checked), for a 1.1 token all of them.
	claims map[string]any
	// credential holds the credential's members the checks read: for a 2.0
	// token the claims without the registered ones, for a 1.1 token the
	// whole vc claim, completed from the claims.
	credential map[string]any
	v11        bool
}

// checked lists the members of a 2.0 payload that Verify's checks read and
// so decodes; Result.Credential decodes the whole payload when asked.
var checked = map[string]bool{"@context": true, "type": true, "issuer": true, "validFrom": true, "validUntil": true,
	claimIssuer: true, claimNotBefore: true, claimExpires: true}

// members reads payload, a JSON object, in one pass: it decodes the members
// listed in checked into t.claims, as encoding/json would (the last of
// duplicate names wins; invalid UTF-8 is accepted and replaced), notes
// whether there is a vc claim and keeps the payload for Result.Credential.
// It reports false when payload is not a single JSON object or holds
// anything json.Unmarshal would refuse to decode into a map[string]any
// (FuzzMembers compares the two), so that Result.Credential cannot fail
// where Verify succeeded.
func members(payload []byte, t *token) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(payload), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	t.claims = make(map[string]any, len(checked))
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return false
		}
		key := name.String()
		switch {
		case checked[key]:
			d, err := readValue(dec)
			if err != nil {
				return false
			}
			t.claims[key] = d
		default:
			if key == claimVC {
				t.hasVC = true
			}
			if err := skipValue(dec); err != nil {
				return false
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing brace
		return false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return false
	}
	t.payload = payload
	return true
}

// skipValue reads past the next JSON value of dec without decoding it,
// but fails where encoding/json would: on a number out of float64's range.
func skipValue(dec *jsontext.Decoder) error {
	depth := 0
	for {
		if dec.PeekKind() == '0' {
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			if _, err := strconv.ParseFloat(string(v), 64); err != nil {
				return err
			}
		} else {
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			switch tok.Kind() {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// decodeObject decodes b, a JSON object, as json.Unmarshal into a
// map[string]any would; ok is false when b is not a single JSON object.
func decodeObject(b []byte) (m map[string]any, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(b), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if dec.PeekKind() != '{' {
		return nil, false
	}
	v, err := readValue(dec)
	if err != nil {
		return nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, false
	}
	return v.(map[string]any), true
}

// readValue reads the next JSON value from dec as encoding/json decodes
// into an any: objects as map[string]any (the last of duplicate names
// wins), arrays as []any, numbers as float64 (an error if out of range),
// strings, booleans and nil.
func readValue(dec *jsontext.Decoder) (any, error) {
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := name.String() // before the next read voids name
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		_, err := dec.ReadToken()
		return m, err
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		l := []any{}
		for dec.PeekKind() != ']' {
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := dec.ReadToken()
		return l, err
	case '0':
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return strconv.ParseFloat(string(v), 64)
	default:
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		switch tok.Kind() {
		case '"':
			return tok.String(), nil
		case 't', 'f':
			return tok.Bool(), nil
		case 'n':
			return nil, nil
		}
		return nil, fmt.Errorf("unexpected %v", tok.Kind())
	}
}

// parse decodes a compact JWS and its payload, returning a description of
// the first structural problem found.
func parse(s string) (*token, string) {
	if len(s) > MaxTokenSize {
		return nil, fmt.Sprintf("token is %d bytes, more than the %d accepted", len(s), MaxTokenSize)
	}
	if s == "" {
		return nil, "token is empty"
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, fmt.Sprintf("a compact JWS has 3 parts separated by dots, found %d", len(parts))
	}
	// The header is judged first, so that an unsigned "alg":"none" token
	// is reported for its algorithm rather than its empty signature.
	var raw [3][]byte
	var kid string
	for i, name := range []string{"header", "payload", "signature"} {
		if parts[i] == "" {
			return nil, fmt.Sprintf("%s part is empty", name)
		}
		if !isBase64URL(parts[i]) {
			return nil, fmt.Sprintf("%s part holds characters outside unpadded base64url", name)
		}
		b, err := b64.DecodeString(parts[i])
		if err != nil {
			return nil, fmt.Sprintf("%s part is not base64url: %v", name, err)
		}
		raw[i] = b
		if i < 2 {
			if err := boundPart(name, b); err != nil {
				return nil, err.Error()
			}
		}
		if i == 0 {
			var problem string
			if kid, problem = checkHeader(b); problem != "" {
				return nil, problem
			}
		}
	}
	t := &token{kid: kid, input: s[:len(parts[0])+1+len(parts[1])], sig: raw[2]}
	if len(t.sig) != ed25519.SignatureSize {
		return nil, fmt.Sprintf("signature is %d bytes, an Ed25519 signature is %d", len(t.sig), ed25519.SignatureSize)
	}
	// The payload is read in one pass, decoding only the members the
	// checks read (see members): decoding all of it into generic maps was
	// most of the time Verify spent besides the signature.
	if !members(raw[1], t) {
		return nil, "payload is not a JSON object"
	}
	if t.hasVC {
		if err := json.Unmarshal(raw[1], &t.claims); err != nil {
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
	t.credential = make(map[string]any, len(t.claims))
	for k, v := range t.claims {
		switch k {
		case claimIssuer, claimNotBefore, claimExpires:
		default:
			t.credential[k] = v
		}
	}
	if err := checkForm(t.claims, false); err != nil {
		return nil, "credential: " + strings.TrimPrefix(err.Error(), ErrCredential.Error()+": ")
	}
	return t, ""
}

// checkHeader judges a decoded protected header: a JSON object with alg
// EdDSA, an accepted typ or none, no crit, and a string kid if any, which
// it returns.
func checkHeader(b []byte) (kid, problem string) {
	h, ok := decodeObject(b)
	if !ok {
		return "", "header is not a JSON object"
	}
	alg, ok := h["alg"].(string)
	if !ok {
		return "", fmt.Sprintf("header alg is %s, want %q", describe(h["alg"]), Alg)
	}
	if alg != Alg {
		return "", fmt.Sprintf("header alg is %q; only %q is accepted", alg, Alg)
	}
	if typ, present := h["typ"]; present {
		ts, ok := typ.(string)
		if !ok || !acceptedTyp(ts) {
			return "", fmt.Sprintf("header typ is %s, want \"vc+jwt\", \"vc+ld+json+jwt\" or \"JWT\"", describe(typ))
		}
	}
	if crit, present := h["crit"]; present {
		return "", fmt.Sprintf("header has crit %s, an extension this verifier does not understand", describe(crit))
	}
	if v, present := h["kid"]; present {
		if kid, ok = v.(string); !ok {
			return "", fmt.Sprintf("header kid is %s, want a string", describe(v))
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

func checkSignature(r *Result, t *token, resolve func(string) (ed25519.PublicKey, error)) {
	if t.kid == "" {
		r.set(CheckSignature, CouldNotCheck, "the header names no key (kid); embedded keys are not supported")
		return
	}
	key, err := resolve(t.kid)
	switch {
	case errors.Is(err, ErrUnknownKey):
		r.set(CheckSignature, CouldNotCheck, "key %s is not known: %v", t.kid, err)
		return
	case err != nil:
		r.set(CheckSignature, CouldNotCheck, "key %s could not be obtained: %v", t.kid, err)
		return
	case len(key) != ed25519.PublicKeySize:
		r.set(CheckSignature, CouldNotCheck, "key %s is not an Ed25519 public key (%d bytes, want %d)", t.kid, len(key), ed25519.PublicKeySize)
		return
	}
	if !ed25519.Verify(key, []byte(t.input), t.sig) {
		r.set(CheckSignature, Invalid, "the signature does not match key %s: the token was altered or signed with another key", t.kid)
		return
	}
	r.set(CheckSignature, Valid, "signed with key %s", t.kid)
}

func checkValidity(r *Result, t *token, now time.Time) {
	fromName, untilName, localOK := "validFrom", "validUntil", false
	if t.v11 {
		fromName, untilName, localOK = "issuanceDate", "expirationDate", true
	}
	from, hasFrom, err := dateMember(t.credential, fromName, localOK)
	if err != nil {
		r.set(CheckValidity, Invalid, "%v", err)
		return
	}
	until, hasUntil, err := dateMember(t.credential, untilName, localOK)
	if err != nil {
		r.set(CheckValidity, Invalid, "%v", err)
		return
	}
	for _, d := range []struct {
		claim, member string
		date          *time.Time
		has           *bool
	}{
		{claimNotBefore, fromName, &from, &hasFrom},
		{claimExpires, untilName, &until, &hasUntil},
	} {
		v, present := t.claims[d.claim]
		if !present {
			continue
		}
		n, ok := v.(float64)
		var nt time.Time
		if ok {
			nt, ok = numericDate(n)
		}
		if !ok {
			r.set(CheckValidity, Invalid, "%s claim is %s, want seconds since 1970", d.claim, describe(v))
			return
		}
		if *d.has && nt.Unix() != d.date.Unix() {
			r.set(CheckValidity, Invalid, "%s claim (%s) does not match %s (%s)", d.claim, stamp(nt), d.member, stamp(*d.date))
			return
		}
		*d.date, *d.has = nt, true
	}
	switch {
	case hasFrom && now.Before(from):
		r.set(CheckValidity, Invalid, "not yet valid: valid from %s", stamp(from))
	case hasUntil && !now.Before(until):
		r.set(CheckValidity, Invalid, "expired on %s", stamp(until))
	case hasFrom && hasUntil:
		r.set(CheckValidity, Valid, "valid from %s until %s", stamp(from), stamp(until))
	case hasFrom:
		r.set(CheckValidity, Valid, "valid from %s, with no end date", stamp(from))
	case hasUntil:
		r.set(CheckValidity, Valid, "valid until %s", stamp(until))
	default:
		r.set(CheckValidity, Valid, "no validity period stated")
	}
}

// stamp formats a time for a check's detail.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func checkIssuer(r *Result, t *token) {
	iss, hasIss := t.claims[claimIssuer]
	issStr, issOK := iss.(string)
	if hasIss && (!issOK || issStr == "") {
		r.set(CheckIssuer, Invalid, "iss claim is %s, want the issuer's id", describe(iss))
		return
	}
	issuer, err := issuerID(t.credential["issuer"])
	if err != nil {
		r.set(CheckIssuer, Invalid, "%v", err)
		return
	}
	r.Issuer = issuer
	if hasIss && issStr != issuer {
		r.set(CheckIssuer, Invalid, "iss claim %q differs from the credential's issuer %q", issStr, issuer)
		return
	}
	if t.kid == "" {
		r.set(CheckIssuer, CouldNotCheck, "the header names no key (kid), so the key cannot be tied to issuer %s", issuer)
		return
	}
	if !keyBelongsTo(t.kid, issuer) {
		r.set(CheckIssuer, Invalid, "key %s is not a verification method of issuer %s", t.kid, issuer)
		return
	}
	r.set(CheckIssuer, Valid, "issued by %s with its key %s", issuer, t.kid)
}
