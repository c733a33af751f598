package vcjwt

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/verification"
)

const (
	testIssuer = "did:web:board.example.org"
	testKid    = testIssuer + "#key-1"
)

// testKey is the fixed signing key of the tests.
func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// otherKey is a second fixed key, not the issuer's.
func otherKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
}

// sampleCredential returns a realistic Open Badges 3.0 certification
// credential, about 1.5 KB of JSON, valid from 2025-03-01 to 2028-03-01.
func sampleCredential() map[string]any {
	return map[string]any{
		"@context": []any{
			"https://www.w3.org/ns/credentials/v2",
			"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		},
		"id":   "https://board.example.org/credentials/3f6c2a1e-8d4b-4c1a-9e2f-7b5d0c9a1e42",
		"type": []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": map[string]any{
			"id":   testIssuer,
			"type": []any{"Profile"},
			"name": "Example Board of Sexuality Educators, Counselors & Therapists",
			"url":  "https://board.example.org",
		},
		"validFrom":  "2025-03-01T00:00:00Z",
		"validUntil": "2028-03-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":              "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			"type":            []any{"AchievementSubject"},
			"licenseNumber":   "CSC-2025-00417",
			"activityEndDate": "2025-02-14T00:00:00Z",
			"achievement": map[string]any{
				"id":              "https://board.example.org/achievements/csc/2025",
				"type":            []any{"Achievement"},
				"name":            "Certified Sexuality Counselor",
				"description":     "Meets the 2025 requirements: <b>education</b>, supervision & ethics.",
				"achievementType": "Certification",
				"humanCode":       "CSC",
				"criteria": map[string]any{
					"id":        "https://board.example.org/requirements/csc/2025",
					"narrative": "A graduate degree; 90 hours of core education; 300 hours of supervised counseling.",
				},
				"creator": map[string]any{
					"id":   testIssuer,
					"type": []any{"Profile"},
				},
			},
		},
		"credentialStatus": map[string]any{
			"id":                   "https://board.example.org/status/1#94567",
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        "revocation",
			"statusListIndex":      "94567",
			"statusListCredential": "https://board.example.org/status/1",
		},
		"credentialSchema": []any{map[string]any{
			"id":   "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
			"type": "1EdTechJsonSchemaValidator2019",
		}},
	}
}

// during is a time inside the sample credential's validity period.
var during = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// resolver returns a key resolver that knows kid as key's public key and
// counts its calls in *calls when calls is not nil.
func resolver(kid string, key ed25519.PrivateKey, calls *int) func(string) (ed25519.PublicKey, error) {
	return func(k string) (ed25519.PublicKey, error) {
		if calls != nil {
			*calls++
		}
		if k != kid {
			return nil, fmt.Errorf("did document of %s: no verification method %q: %w", testIssuer, k, ErrUnknownKey)
		}
		return key.Public().(ed25519.PublicKey), nil
	}
}

func mustSign(t testing.TB, c map[string]any) string {
	t.Helper()
	tok, err := Sign(c, testKey(), testKid)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return tok
}

func mustVerify(t *testing.T, tok string, resolve func(string) (ed25519.PublicKey, error), now time.Time) *Result {
	t.Helper()
	r, err := Verify(tok, resolve, now)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if len(r.Checks) != 4 {
		t.Fatalf("Verify reported %d checks, want 4: %+v", len(r.Checks), r.Checks)
	}
	return r
}

// wantCheck fails unless the named check has the outcome and its detail
// contains detail.
func wantCheck(t *testing.T, r *Result, name string, o verification.Outcome, detail string) {
	t.Helper()
	c, ok := r.Lookup(name)
	if !ok {
		t.Fatalf("no %s check in %+v", name, r.Checks)
	}
	if c.Outcome != o || !strings.Contains(c.Detail, detail) {
		t.Errorf("%s check = %s %q, want %s containing %q", name, c.Outcome, c.Detail, o, detail)
	}
}

// signRaw builds a compact JWS from any header and payload, signed with key,
// for tokens Sign would refuse to make.
func signRaw(t testing.TB, header, payload any, key ed25519.PrivateKey) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	p, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	return input + "." + b64.EncodeToString(ed25519.Sign(key, []byte(input)))
}

// decodePart decodes part i (0 header, 1 payload) of a token as a JSON object.
func decodePart(t testing.TB, tok string, i int) map[string]any {
	t.Helper()
	b, err := b64.DecodeString(strings.Split(tok, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// replacePart re-encodes part i of a token with v, keeping the other parts.
func replacePart(t testing.TB, tok string, i int, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	parts[i] = b64.EncodeToString(b)
	return strings.Join(parts, ".")
}

func TestRoundTrip(t *testing.T) {
	c := sampleCredential()
	tok := mustSign(t, c)
	if again := mustSign(t, sampleCredential()); again != tok {
		t.Error("signing the same credential twice gave different tokens")
	}
	if !reflect.DeepEqual(c, sampleCredential()) {
		t.Error("Sign modified its credential")
	}

	h := decodePart(t, tok, 0)
	if want := (map[string]any{"alg": "EdDSA", "kid": testKid, "typ": "vc+jwt"}); !reflect.DeepEqual(h, want) {
		t.Errorf("header = %v, want %v", h, want)
	}
	raw, _ := b64.DecodeString(strings.Split(tok, ".")[0])
	if string(raw) != `{"alg":"EdDSA","kid":"`+testKid+`","typ":"vc+jwt"}` {
		t.Errorf("header JSON = %s", raw)
	}
	p := decodePart(t, tok, 1)
	for claim, want := range map[string]any{
		"iss": testIssuer,
		"jti": c["id"],
		"sub": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"nbf": float64(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"exp": float64(time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC).Unix()),
	} {
		if p[claim] != want {
			t.Errorf("claim %s = %v, want %v", claim, p[claim], want)
		}
	}
	if _, wrapped := p["vc"]; wrapped {
		t.Error("payload wraps the credential under vc; VC 2.0 style puts it at the top level")
	}
	payloadJSON, _ := b64.DecodeString(strings.Split(tok, ".")[1])
	if !bytes.Contains(payloadJSON, []byte("<b>education</b>, supervision & ethics")) {
		t.Error("payload escapes HTML characters instead of signing the text as written")
	}

	calls := 0
	r := mustVerify(t, tok, resolver(testKid, testKey(), &calls), during)
	if !r.Valid() || r.Status() != "valid" {
		t.Fatalf("round trip: Valid %v, Status %q, checks %+v", r.Valid(), r.Status(), r.Checks)
	}
	if calls != 1 {
		t.Errorf("resolver called %d times, want 1", calls)
	}
	for i, name := range []string{CheckStructure, CheckSignature, CheckValidity, CheckIssuer} {
		if r.Checks[i].Name != name {
			t.Errorf("check %d is %q, want %q", i, r.Checks[i].Name, name)
		}
	}
	wantCheck(t, r, CheckValidity, verification.Valid, "valid from 2025-03-01T00:00:00Z until 2028-03-01T00:00:00Z")
	if !reflect.DeepEqual(r.Credential(), c) {
		t.Errorf("decoded credential differs from the signed one:\n got %v\nwant %v", r.Credential(), c)
	}
	if r.Issuer != testIssuer || r.KeyID != testKid {
		t.Errorf("Issuer %q KeyID %q", r.Issuer, r.KeyID)
	}
}

// TestResultOutlivesScratch: what a Result holds is its own, not the
// space Verify decodes a token into and uses again for the next one.
func TestResultOutlivesScratch(t *testing.T) {
	resolve := resolver(testKid, testKey(), nil)
	first := mustVerify(t, mustSign(t, sampleCredential()), resolve, during)
	c := first.Credential()
	checks := slices.Clone(first.Checks)
	other := sampleCredential()
	other["validFrom"], other["validUntil"] = "2024-01-02T03:04:05Z", "2030-01-02T03:04:05Z"
	other["issuer"].(map[string]any)["name"] = strings.Repeat("x", 5000)
	other["credentialSubject"].(map[string]any)["licenseNumber"] = strings.Repeat("y", 3000)
	for range 3 {
		mustVerify(t, mustSign(t, other), resolve, during)
		mustVerify(t, signRaw(t, map[string]any{"alg": "EdDSA", "kid": testKid}, v11Payload(), testKey()), resolve, during)
	}
	if !reflect.DeepEqual(c, sampleCredential()) || !reflect.DeepEqual(first.Credential(), sampleCredential()) {
		t.Errorf("the first credential changed: %v", first.Credential())
	}
	if !reflect.DeepEqual(first.Checks, checks) || first.Issuer != testIssuer || first.KeyID != testKid {
		t.Errorf("the first result changed: %+v", first)
	}
	for k, v := range first.token.claims {
		if k != claimNotBefore && k != claimExpires && !reflect.DeepEqual(v, sampleCredential()[k]) && v != testIssuer {
			t.Errorf("claim %s changed: %v", k, v)
		}
	}
}

func TestSignGoTypedValues(t *testing.T) {
	c := map[string]any{
		"@context":          []string{ContextV2},
		"type":              []string{"VerifiableCredential"},
		"issuer":            map[string]string{"id": testIssuer},
		"validFrom":         "2025-03-01T09:30:00.5+02:00",
		"credentialSubject": map[string]any{"id": "mailto:ann@example.org", "score": 12345678901234567},
	}
	tok := mustSign(t, c)
	p := decodePart(t, tok, 1)
	if p["iss"] != testIssuer || p["sub"] != "mailto:ann@example.org" {
		t.Errorf("iss %v sub %v", p["iss"], p["sub"])
	}
	if want := time.Date(2025, 3, 1, 7, 30, 0, 0, time.UTC).Unix(); p["nbf"] != float64(want) {
		t.Errorf("nbf = %v, want %d", p["nbf"], want)
	}
	if _, ok := p["jti"]; ok {
		t.Error("jti written for a credential without id")
	}
	if _, ok := p["exp"]; ok {
		t.Error("exp written for a credential without validUntil")
	}
	raw, _ := b64.DecodeString(strings.Split(tok, ".")[1])
	if !bytes.Contains(raw, []byte("12345678901234567")) {
		t.Errorf("large integer lost its digits: %s", raw)
	}
	r := mustVerify(t, tok, resolver(testKid, testKey(), nil), during)
	if !r.Valid() {
		t.Errorf("checks %+v", r.Checks)
	}
	wantCheck(t, r, CheckValidity, verification.Valid, "no end date")
}

func TestSignRefuses(t *testing.T) {
	without := func(key string) map[string]any {
		c := sampleCredential()
		delete(c, key)
		return c
	}
	with := func(key string, v any) map[string]any {
		c := sampleCredential()
		c[key] = v
		return c
	}
	for _, tc := range []struct {
		name string
		c    map[string]any
		key  ed25519.PrivateKey
		kid  string
		is   error
		want string
	}{
		{"no @context", without("@context"), nil, "", ErrCredential, "@context is missing"},
		{"no type", without("type"), nil, "", ErrCredential, "type is missing"},
		{"no issuer", without("issuer"), nil, "", ErrCredential, "issuer is missing"},
		{"no validFrom", without("validFrom"), nil, "", ErrCredential, "validFrom is missing"},
		{"nil credential", nil, nil, "", ErrCredential, "nil"},
		{"v1 context", with("@context", []any{"https://www.w3.org/2018/credentials/v1"}), nil, "", ErrCredential, "first @context entry"},
		{"type without VC", with("type", []any{"OpenBadgeCredential"}), nil, "", ErrCredential, "VerifiableCredential"},
		{"issuer without id", with("issuer", map[string]any{"name": "Board"}), nil, "", ErrCredential, "issuer object has no id"},
		{"issuer number", with("issuer", 7), nil, "", ErrCredential, "issuer is the number 7"},
		{"validFrom garbage", with("validFrom", "March 1st"), nil, "", ErrCredential, `validFrom "March 1st"`},
		{"validFrom date only", with("validFrom", "2025-03-01"), nil, "", ErrCredential, "validFrom"},
		{"validFrom no zone", with("validFrom", "2025-03-01T00:00:00"), nil, "", ErrCredential, "validFrom \"2025-03-01T00:00:00\": has no time zone"},
		{"validFrom number", with("validFrom", 1740787200), nil, "", ErrCredential, "validFrom is the number"},
		{"validUntil garbage", with("validUntil", "soon"), nil, "", ErrCredential, `validUntil "soon"`},
		{"validUntil before validFrom", with("validUntil", "2024-01-01T00:00:00Z"), nil, "", ErrCredential, "not after validFrom"},
		{"id not a string", with("id", 42), nil, "", ErrCredential, "id is the number 42"},
		{"has iss", with("iss", testIssuer), nil, "", ErrCredential, `member "iss"`},
		{"has vc", with("vc", map[string]any{}), nil, "", ErrCredential, `member "vc"`},
		{"short key", sampleCredential(), make(ed25519.PrivateKey, 32), "", ErrKey, "32 bytes"},
		{"empty kid", sampleCredential(), nil, "-", ErrKey, "empty kid"},
		{"kid of another issuer", sampleCredential(), nil, "did:web:other.example#key-1", ErrKey, "not a verification method"},
		{"kid extending the issuer's DID", sampleCredential(), nil, "did:web:board.example.org:evil#key-1", ErrKey, "not a verification method"},
		{"kid without fragment", sampleCredential(), nil, testIssuer + "#", ErrKey, "not a verification method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, kid := tc.key, tc.kid
			if key == nil {
				key = testKey()
			}
			switch kid {
			case "":
				kid = testKid
			case "-":
				kid = ""
			}
			tok, err := Sign(tc.c, key, kid)
			if err == nil {
				t.Fatalf("Sign accepted it: %s", tok)
			}
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want one wrapping %v and containing %q", err, tc.is, tc.want)
			}
		})
	}
}

func TestSignDIDKeyIssuer(t *testing.T) {
	const did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
	for _, kid := range []string{did + "#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", did} {
		c := sampleCredential()
		c["issuer"] = did
		tok, err := Sign(c, testKey(), kid)
		if err != nil {
			t.Fatalf("kid %s: %v", kid, err)
		}
		r := mustVerify(t, tok, resolver(kid, testKey(), nil), during)
		if !r.Valid() {
			t.Errorf("kid %s: %+v", kid, r.Checks)
		}
	}
}

// alter changes a decoded JSON value while keeping its kind, so that the
// token stays well formed.
func alter(v any) any {
	switch v := v.(type) {
	case string:
		return v + " (altered)"
	case float64:
		return v + 1
	case []any:
		return append(append([]any{}, v...), "Altered")
	case map[string]any:
		m := make(map[string]any, len(v)+1)
		for k, e := range v {
			m[k] = e
		}
		m["altered"] = true
		return m
	}
	return "altered"
}

func TestTamperedPayload(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	payload := decodePart(t, tok, 1)
	resolve := resolver(testKid, testKey(), nil)
	for name := range payload {
		t.Run(name, func(t *testing.T) {
			p := decodePart(t, tok, 1)
			p[name] = alter(p[name])
			r := mustVerify(t, replacePart(t, tok, 1, p), resolve, during)
			wantCheck(t, r, CheckStructure, verification.Valid, "")
			wantCheck(t, r, CheckSignature, verification.Invalid, "does not match")
			if r.Valid() || r.Status() != "invalid" {
				t.Errorf("Valid %v Status %q", r.Valid(), r.Status())
			}
		})
	}
	t.Run("nested achievement name", func(t *testing.T) {
		p := decodePart(t, tok, 1)
		p["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Certified Sex Therapist"
		r := mustVerify(t, replacePart(t, tok, 1, p), resolve, during)
		wantCheck(t, r, CheckSignature, verification.Invalid, "does not match")
	})
	t.Run("another signature", func(t *testing.T) {
		parts := strings.Split(tok, ".")
		other := b64.EncodeToString(ed25519.Sign(otherKey(), []byte(parts[0]+"."+parts[1])))
		r := mustVerify(t, parts[0]+"."+parts[1]+"."+other, resolve, during)
		wantCheck(t, r, CheckSignature, verification.Invalid, "does not match")
	})
	t.Run("resolver returns another key", func(t *testing.T) {
		r := mustVerify(t, tok, resolver(testKid, otherKey(), nil), during)
		wantCheck(t, r, CheckSignature, verification.Invalid, "signed with another key")
	})
}

func TestHeaderAlg(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	for _, alg := range []any{"none", "HS256", "ES256", "RS256", "eddsa", "Ed25519", "", nil, 1} {
		t.Run(fmt.Sprint(alg), func(t *testing.T) {
			h := decodePart(t, tok, 0)
			h["alg"] = alg
			calls := 0
			resolve := resolver(testKid, testKey(), &calls)
			for _, variant := range []string{
				replacePart(t, tok, 0, h),
				// an unsigned token as "none" would have it
				strings.TrimSuffix(replacePart(t, tok, 0, h), "."+strings.Split(tok, ".")[2]) + ".",
			} {
				r := mustVerify(t, variant, resolve, during)
				wantCheck(t, r, CheckStructure, verification.Invalid, "alg")
				wantCheck(t, r, CheckSignature, verification.CouldNotCheck, "malformed")
				if r.Status() != "invalid" || r.Credential() != nil {
					t.Errorf("Status %q, credential %v", r.Status(), r.Credential() != nil)
				}
			}
			if calls != 0 {
				t.Errorf("resolver called %d times for a malformed token", calls)
			}
		})
	}
}

func TestHeaderTyp(t *testing.T) {
	c := sampleCredential()
	tok := mustSign(t, c)
	payload := decodePart(t, tok, 1)
	for _, tc := range []struct {
		typ any
		ok  bool
	}{
		{"vc+jwt", true}, {"application/vc+jwt", true}, {"VC+JWT", true},
		{"vc+ld+json+jwt", true}, {"JWT", true}, {nil, true},
		{"JOSE", false}, {"vc+ld+json", false}, {"vp+jwt", false}, {"", false}, {3, false},
	} {
		h := map[string]any{"alg": "EdDSA", "kid": testKid}
		if tc.typ != nil {
			h["typ"] = tc.typ
		}
		r := mustVerify(t, signRaw(t, h, payload, testKey()), resolver(testKid, testKey(), nil), during)
		if tc.ok && !r.Valid() {
			t.Errorf("typ %v refused: %+v", tc.typ, r.Checks)
		}
		if !tc.ok {
			wantCheck(t, r, CheckStructure, verification.Invalid, "typ")
		}
	}
}

func TestUnknownKey(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	for _, tc := range []struct {
		name    string
		resolve func(string) (ed25519.PublicKey, error)
		detail  string
	}{
		{"unknown kid", resolver("did:web:board.example.org#key-2", testKey(), nil), "is not known"},
		{"network failure", func(string) (ed25519.PublicKey, error) {
			return nil, errors.New("GET https://board.example.org/.well-known/did.json: dial tcp: connection refused")
		}, "could not be obtained: GET"},
		{"not an Ed25519 key", func(string) (ed25519.PublicKey, error) { return make(ed25519.PublicKey, 65), nil }, "not an Ed25519 public key"},
		{"nil key", func(string) (ed25519.PublicKey, error) { return nil, nil }, "0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustVerify(t, tok, tc.resolve, during)
			wantCheck(t, r, CheckSignature, verification.CouldNotCheck, tc.detail)
			wantCheck(t, r, CheckStructure, verification.Valid, "")
			wantCheck(t, r, CheckValidity, verification.Valid, "")
			wantCheck(t, r, CheckIssuer, verification.Valid, "")
			if r.Valid() || r.Status() != "could_not_check" {
				t.Errorf("Valid %v, Status %q, want could_not_check", r.Valid(), r.Status())
			}
		})
	}
	t.Run("could not check and invalid", func(t *testing.T) {
		r := mustVerify(t, tok, resolver("x", testKey(), nil), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		if r.Status() != "invalid" {
			t.Errorf("expired with unknown key: Status %q, want invalid", r.Status())
		}
	})
}

func TestNoKid(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	tok = replacePart(t, tok, 0, map[string]any{"alg": "EdDSA", "typ": "vc+jwt"})
	calls := 0
	r := mustVerify(t, tok, resolver(testKid, testKey(), &calls), during)
	wantCheck(t, r, CheckSignature, verification.CouldNotCheck, "no key (kid)")
	wantCheck(t, r, CheckIssuer, verification.CouldNotCheck, "no key (kid)")
	if calls != 0 || r.Status() != "could_not_check" {
		t.Errorf("calls %d, Status %q", calls, r.Status())
	}
}

func TestValidityPeriod(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	resolve := resolver(testKid, testKey(), nil)
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now     time.Time
		outcome verification.Outcome
		detail  string
	}{
		{from.Add(-time.Second), verification.Invalid, "not yet valid: valid from 2025-03-01T00:00:00Z"},
		{from, verification.Valid, "valid from"},
		{until.Add(-time.Nanosecond), verification.Valid, "valid from"},
		{until, verification.Invalid, "expired on 2028-03-01T00:00:00Z"},
		{until.Add(24 * time.Hour), verification.Invalid, "expired on 2028-03-01T00:00:00Z"},
		{from.Add(-time.Hour).In(time.FixedZone("UTC+2", 7200)), verification.Invalid, "not yet valid"},
	} {
		r := mustVerify(t, tok, resolve, tc.now)
		wantCheck(t, r, CheckValidity, tc.outcome, tc.detail)
		wantCheck(t, r, CheckSignature, verification.Valid, "")
		if want := tc.outcome == verification.Valid; r.Valid() != want {
			t.Errorf("at %s: Valid %v", tc.now, r.Valid())
		}
	}
}

func TestValidityClaimsMustAgree(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	h := decodePart(t, tok, 0)
	resolve := resolver(testKid, testKey(), nil)
	for _, tc := range []struct {
		name   string
		edit   func(p map[string]any)
		detail string
	}{
		{"nbf later", func(p map[string]any) { p["nbf"] = p["nbf"].(float64) + 86400 }, "nbf claim (2025-03-02T00:00:00Z) does not match validFrom (2025-03-01T00:00:00Z)"},
		{"exp later", func(p map[string]any) { p["exp"] = p["exp"].(float64) + 86400 }, "exp claim (2028-03-02T00:00:00Z) does not match validUntil"},
		{"nbf string", func(p map[string]any) { p["nbf"] = "2025-03-01" }, "nbf claim is \"2025-03-01\""},
		{"exp huge", func(p map[string]any) { p["exp"] = 1e300 }, "exp claim is the number"},
		{"validUntil garbage", func(p map[string]any) { p["validUntil"] = "never" }, `validUntil "never"`},
		{"validFrom no zone", func(p map[string]any) { p["validFrom"] = "2025-03-01T00:00:00" }, "has no time zone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodePart(t, tok, 1)
			tc.edit(p)
			r := mustVerify(t, signRaw(t, h, p, testKey()), resolve, during)
			wantCheck(t, r, CheckSignature, verification.Valid, "")
			wantCheck(t, r, CheckValidity, verification.Invalid, tc.detail)
		})
	}
	t.Run("claims only", func(t *testing.T) {
		p := decodePart(t, tok, 1)
		delete(p, "validFrom")
		delete(p, "validUntil")
		r := mustVerify(t, signRaw(t, h, p, testKey()), resolve, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))
		wantCheck(t, r, CheckValidity, verification.Invalid, "expired on 2028-03-01T00:00:00Z")
	})
	t.Run("no dates", func(t *testing.T) {
		p := decodePart(t, tok, 1)
		for _, k := range []string{"validFrom", "validUntil", "nbf", "exp"} {
			delete(p, k)
		}
		r := mustVerify(t, signRaw(t, h, p, testKey()), resolve, during)
		wantCheck(t, r, CheckValidity, verification.Valid, "no validity period")
	})
}

func TestIssuerBinding(t *testing.T) {
	tok := mustSign(t, sampleCredential())
	h := decodePart(t, tok, 0)
	for _, tc := range []struct {
		name    string
		kid     string
		edit    func(p map[string]any)
		outcome verification.Outcome
		detail  string
	}{
		{"iss differs", testKid, func(p map[string]any) { p["iss"] = "did:web:other.example" }, verification.Invalid, `iss claim "did:web:other.example" differs from the credential's issuer "did:web:board.example.org"`},
		{"issuer differs", testKid, func(p map[string]any) { p["issuer"] = "did:web:other.example" }, verification.Invalid, "differs from the credential's issuer"},
		{"iss not a string", testKid, func(p map[string]any) { p["iss"] = 5.0 }, verification.Invalid, "iss claim is the number 5"},
		{"no issuer", testKid, func(p map[string]any) { delete(p, "issuer") }, verification.Invalid, "issuer is missing"},
		{"issuer without id", testKid, func(p map[string]any) { p["issuer"] = map[string]any{"name": "x"} }, verification.Invalid, "issuer object has no id"},
		{"no iss, issuer string", testKid, func(p map[string]any) { delete(p, "iss"); p["issuer"] = testIssuer }, verification.Valid, "issued by did:web:board.example.org"},
		{"kid of another issuer", "did:web:other.example#key-1", func(map[string]any) {}, verification.Invalid, "key did:web:other.example#key-1 is not a verification method of issuer did:web:board.example.org"},
		{"kid extending the DID", "did:web:board.example.org:evil#key-1", func(map[string]any) {}, verification.Invalid, "not a verification method"},
		{"kid with a path", "did:web:board.example.org/keys#key-1", func(map[string]any) {}, verification.Invalid, "not a verification method"},
		{"relative kid", "#key-1", func(map[string]any) {}, verification.Invalid, "not a verification method"},
		{"kid is the did:web itself", testIssuer, func(map[string]any) {}, verification.Invalid, "not a verification method"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := decodePart(t, tok, 1)
			tc.edit(p)
			hh := map[string]any{"alg": h["alg"], "typ": h["typ"], "kid": tc.kid}
			r := mustVerify(t, signRaw(t, hh, p, testKey()), resolver(tc.kid, testKey(), nil), during)
			wantCheck(t, r, CheckSignature, verification.Valid, "")
			wantCheck(t, r, CheckIssuer, tc.outcome, tc.detail)
		})
	}
}

// v11Payload is a VC Data Model 1.1 JWT payload: the credential under vc,
// its issuer, id, subject and dates in the registered claims.
func v11Payload() map[string]any {
	return map[string]any{
		"iss": testIssuer,
		"jti": "urn:uuid:5c4a9e3e-2f7b-4d1b-8a55-1c0e2d9f3b10",
		"sub": "mailto:ann@example.org",
		"nbf": float64(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"exp": float64(time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"iat": float64(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"vc": map[string]any{
			"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"credentialSubject": map[string]any{
				"type":        []any{"AchievementSubject"},
				"achievement": map[string]any{"id": "https://board.example.org/achievements/csc", "type": []any{"Achievement"}, "name": "CSC"},
			},
		},
	}
}

func TestVC11Wrapper(t *testing.T) {
	header := map[string]any{"alg": "EdDSA", "kid": testKid, "typ": "JWT"}
	resolve := resolver(testKid, testKey(), nil)

	r := mustVerify(t, signRaw(t, header, v11Payload(), testKey()), resolve, during)
	if !r.Valid() {
		t.Fatalf("VC 1.1 token: %+v", r.Checks)
	}
	wantCheck(t, r, CheckStructure, verification.Valid, "1.1")
	c := r.Credential()
	if c["issuer"] != testIssuer || c["id"] != "urn:uuid:5c4a9e3e-2f7b-4d1b-8a55-1c0e2d9f3b10" ||
		c["issuanceDate"] != "2025-03-01T00:00:00Z" || c["expirationDate"] != "2028-03-01T00:00:00Z" ||
		c["credentialSubject"].(map[string]any)["id"] != "mailto:ann@example.org" {
		t.Errorf("credential not completed from the claims: %v", c)
	}
	if r.Issuer != testIssuer {
		t.Errorf("Issuer %q", r.Issuer)
	}

	t.Run("no typ and own issuanceDate", func(t *testing.T) {
		p := v11Payload()
		vc := p["vc"].(map[string]any)
		vc["issuer"] = map[string]any{"id": testIssuer, "name": "Board"}
		vc["issuanceDate"] = "2025-03-01T00:00:00" // a 1.1 dateTime may omit the zone
		r := mustVerify(t, signRaw(t, map[string]any{"alg": "EdDSA", "kid": testKid}, p, testKey()), resolve, during)
		if !r.Valid() {
			t.Errorf("%+v", r.Checks)
		}
	})
	t.Run("expired", func(t *testing.T) {
		r := mustVerify(t, signRaw(t, header, v11Payload(), testKey()), resolve, time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC))
		wantCheck(t, r, CheckValidity, verification.Invalid, "expired on 2028-03-01T00:00:00Z")
	})
	t.Run("vc issuer differs from iss", func(t *testing.T) {
		p := v11Payload()
		p["vc"].(map[string]any)["issuer"] = "did:web:other.example"
		r := mustVerify(t, signRaw(t, header, p, testKey()), resolve, during)
		wantCheck(t, r, CheckIssuer, verification.Invalid, "differs")
	})
	t.Run("issuanceDate differs from nbf", func(t *testing.T) {
		p := v11Payload()
		p["vc"].(map[string]any)["issuanceDate"] = "2024-03-01T00:00:00Z"
		r := mustVerify(t, signRaw(t, header, p, testKey()), resolve, during)
		wantCheck(t, r, CheckValidity, verification.Invalid, "does not match issuanceDate")
	})
	t.Run("tampered", func(t *testing.T) {
		tok := signRaw(t, header, v11Payload(), testKey())
		p := v11Payload()
		p["vc"].(map[string]any)["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "CST"
		r := mustVerify(t, replacePart(t, tok, 1, p), resolve, during)
		wantCheck(t, r, CheckSignature, verification.Invalid, "")
	})
	t.Run("vc not an object", func(t *testing.T) {
		p := v11Payload()
		p["vc"] = "a credential"
		r := mustVerify(t, signRaw(t, header, p, testKey()), resolve, during)
		wantCheck(t, r, CheckStructure, verification.Invalid, "vc claim")
	})
	t.Run("vc without type", func(t *testing.T) {
		p := v11Payload()
		delete(p["vc"].(map[string]any), "type")
		r := mustVerify(t, signRaw(t, header, p, testKey()), resolve, during)
		wantCheck(t, r, CheckStructure, verification.Invalid, "credential under vc: type is missing")
	})
}

func TestMalformed(t *testing.T) {
	good := mustSign(t, sampleCredential())
	parts := strings.Split(good, ".")
	enc := func(s string) string { return b64.EncodeToString([]byte(s)) }
	sig := parts[2]
	goodPayload := decodePart(t, good, 1)
	withPayload := func(edit func(p map[string]any)) string {
		p := decodePart(t, good, 1)
		edit(p)
		return replacePart(t, good, 1, p)
	}
	for _, tc := range []struct {
		name, tok, detail string
	}{
		{"empty", "", "empty"},
		{"one part", parts[0], "found 1"},
		{"two parts", parts[0] + "." + parts[1], "found 2"},
		{"four parts", good + "." + sig, "found 4"},
		{"JWE-like five parts", "a.b.c.d.e", "found 5"},
		{"empty header", "." + parts[1] + "." + sig, "header part is empty"},
		{"empty payload", parts[0] + ".." + sig, "payload part is empty"},
		{"empty signature", parts[0] + "." + parts[1] + ".", "signature part is empty"},
		{"standard base64", parts[0] + "." + parts[1] + "." + base64.StdEncoding.EncodeToString(make([]byte, 64)), "outside unpadded base64url"},
		{"padded", parts[0] + "." + parts[1] + "." + sig + "==", "outside unpadded base64url"},
		{"line break", parts[0] + "." + parts[1] + "." + sig[:10] + "\n" + sig[10:], "outside unpadded base64url"},
		{"space", parts[0] + " ." + parts[1] + "." + sig, "outside unpadded base64url"},
		{"bad base64 length", "A." + parts[1] + "." + sig, "header part is not base64url"},
		{"non-canonical base64", parts[0] + "." + parts[1] + "." + sig[:len(sig)-1] + "B", "signature part is not base64url"},
		{"header not JSON", enc("alg=EdDSA") + "." + parts[1] + "." + sig, "header is not a JSON object"},
		{"header array", enc(`["EdDSA"]`) + "." + parts[1] + "." + sig, "header is not a JSON object"},
		{"header null", enc(`null`) + "." + parts[1] + "." + sig, "header is not a JSON object"},
		{"no alg", enc(`{"kid":"`+testKid+`","typ":"vc+jwt"}`) + "." + parts[1] + "." + sig, "alg is null"},
		{"kid number", enc(`{"alg":"EdDSA","kid":1}`) + "." + parts[1] + "." + sig, "kid is the number 1"},
		{"crit", enc(`{"alg":"EdDSA","kid":"`+testKid+`","crit":["b64"],"b64":false}`) + "." + parts[1] + "." + sig, "crit"},
		{"short signature", parts[0] + "." + parts[1] + "." + enc("short"), "signature is 5 bytes"},
		{"payload not JSON", parts[0] + "." + enc("hello") + "." + sig, "payload is not a JSON object"},
		{"payload truncated JSON", parts[0] + "." + enc(`{"@context":[`) + "." + sig, "payload is not a JSON object"},
		{"payload array", parts[0] + "." + enc(`[1,2]`) + "." + sig, "payload is not a JSON object"},
		{"plain JWT", parts[0] + "." + enc(`{"iss":"x","sub":"y"}`) + "." + sig, "neither a credential"},
		{"no type", withPayload(func(p map[string]any) { delete(p, "type") }), "credential: type is missing"},
		{"type without VC", withPayload(func(p map[string]any) { p["type"] = "OpenBadgeCredential" }), "does not include"},
		{"empty @context", withPayload(func(p map[string]any) { p["@context"] = []any{} }), "@context is empty"},
		{"too large", parts[0] + "." + strings.Repeat("A", MaxTokenSize) + "." + sig, "more than the"},
		{"payload nested too deep", parts[0] + "." + enc(`{"@context":`+strings.Repeat("[", 200<<10)) + "." + sig,
			"the payload is nested deeper than 32 levels at byte 44"},
		{"payload nested too deep in a claim", parts[0] + "." + enc(`{"a":1,"b":`+strings.Repeat(`{"c":`, MaxDepth)+"1"+strings.Repeat("}", MaxDepth+1)) + "." + sig,
			"the payload is nested deeper than 32 levels at byte 167"},
		{"header nested too deep", enc(`{"alg":"EdDSA","x":`+strings.Repeat("[", 100)) + "." + parts[1] + "." + sig,
			"the header is nested deeper than 32 levels at byte 51"},
		{"header not JSON, then nested too deep", enc(`{"alg":EdDSA,"x":`+strings.Repeat("[", 100)) + "." + parts[1] + "." + sig,
			"the header is nested deeper than 32 levels at byte 49"},
		{"payload not JSON, then nested too deep", parts[0] + "." + enc(`{"a":tru,"b":`+strings.Repeat("[", 100)) + "." + sig,
			"the payload is nested deeper than 32 levels at byte 45"},
		{"payload nested too deep, signature empty", parts[0] + "." + enc(`{"@context":`+strings.Repeat("[", 100)) + ".",
			"the payload is nested deeper than 32 levels at byte 44"},
		{"payload not JSON, signature empty", parts[0] + "." + enc(`{"@context":[`) + ".", "signature part is empty"},
		{"payload not JSON, signature short", parts[0] + "." + enc(`{"@context":[`) + "." + enc("short"), "signature is 5 bytes"},
		{"payload number out of range", parts[0] + "." + enc(`{"@context":"c","type":"VerifiableCredential","x":1e999}`) + "." + sig,
			"payload is not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			r := mustVerify(t, tc.tok, resolver(testKid, testKey(), &calls), during)
			wantCheck(t, r, CheckStructure, verification.Invalid, tc.detail)
			for _, name := range []string{CheckSignature, CheckValidity, CheckIssuer} {
				wantCheck(t, r, name, verification.CouldNotCheck, "malformed")
			}
			if r.Status() != "invalid" || r.Valid() || r.Credential() != nil || calls != 0 {
				t.Errorf("Status %q Valid %v credential %v resolver calls %d", r.Status(), r.Valid(), r.Credential() != nil, calls)
			}
		})
	}
	if goodPayload == nil {
		t.Fatal("unreachable")
	}
}

// TestCheckBounds: CheckBounds refuses what Verify refuses for its size or
// nesting, with an error wrapping a *jsonlimit.Error, and nothing else.
func TestCheckBounds(t *testing.T) {
	good := mustSign(t, sampleCredential())
	parts := strings.Split(good, ".")
	enc := func(s string) string { return b64.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name, tok, want string
	}{
		{"good", good, ""},
		{"malformed", "a.b", ""},
		{"not base64", parts[0] + ".%%%." + parts[2], ""},
		{"payload as deep as allowed", parts[0] + "." + enc(strings.Repeat("[", MaxDepth)) + "." + parts[2], ""},
		{"payload too deep", parts[0] + "." + enc(strings.Repeat("[", MaxDepth+1)) + "." + parts[2], "the payload is nested deeper than 32 levels at byte 33"},
		{"payload too deep, with a line break", parts[0] + "." + enc(strings.Repeat("[", MaxDepth+1))[:8] + "\r\n" + enc(strings.Repeat("[", MaxDepth+1))[8:] + "." + parts[2],
			"the payload is nested deeper than 32 levels at byte 33"},
		{"header too deep, not strict", enc(strings.Repeat("{\"a\":", 200))[:12] + "\n" + enc(strings.Repeat("{\"a\":", 200))[12:] + "." + parts[1] + "." + parts[2],
			"the header is nested deeper than 32 levels at byte 161"},
		{"header too deep", enc(strings.Repeat("{\"a\":", 200)) + "." + parts[1] + "." + parts[2], "the header is nested deeper than 32 levels at byte 161"},
		{"too large", strings.Repeat("A", MaxTokenSize+1), "the token is larger than 1 MiB"},
	} {
		err := CheckBounds(tc.tok)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want || !errors.As(err, new(*jsonlimit.Error)) {
			t.Errorf("%s: %v, want %q wrapping a *jsonlimit.Error", tc.name, err, tc.want)
		}
	}
}

func TestVerifyNilResolver(t *testing.T) {
	if _, err := Verify(mustSign(t, sampleCredential()), nil, during); err == nil {
		t.Error("Verify accepted a nil resolver")
	}
}

func TestStatus(t *testing.T) {
	checks := func(os ...verification.Outcome) *Result {
		r := &Result{}
		for i, o := range os {
			r.Checks = append(r.Checks, verification.Check{Name: fmt.Sprint(i), Outcome: o})
		}
		return r
	}
	for _, tc := range []struct {
		r     *Result
		want  string
		valid bool
	}{
		{checks(verification.Valid, verification.Valid, verification.Valid, verification.Valid), "valid", true},
		{checks(verification.Valid, verification.CouldNotCheck, verification.Valid, verification.Valid), "could_not_check", false},
		{checks(verification.Valid, verification.CouldNotCheck, verification.Invalid, verification.Valid), "invalid", false},
		{checks(verification.Invalid, verification.CouldNotCheck, verification.CouldNotCheck, verification.CouldNotCheck), "invalid", false},
		{checks(verification.Valid, ""), "could_not_check", false},
		{checks(), "could_not_check", false},
	} {
		if got := tc.r.Status(); got != tc.want || tc.r.Valid() != tc.valid {
			t.Errorf("%+v: Status %q Valid %v, want %q %v", tc.r.Checks, got, tc.r.Valid(), tc.want, tc.valid)
		}
	}
}

func TestSampleSize(t *testing.T) {
	b, err := json.Marshal(sampleCredential())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sample credential: %d bytes of JSON", len(b))
	if len(b) < 1300 || len(b) > 1900 {
		t.Errorf("sample credential is %d bytes of JSON; the benchmarks assume about 1.5 KB", len(b))
	}
}

// FuzzVerify feeds arbitrary tokens to Verify, with seeds deep and wide in
// the header and the payload. Verify must never panic; it reports the four
// checks; a malformed token, and one CheckBounds refuses for its size or
// nesting, has an invalid structure and no credential.
func FuzzVerify(f *testing.F) {
	good := mustSign(f, sampleCredential())
	good11 := signRaw(f, map[string]any{"alg": "EdDSA", "kid": testKid}, v11Payload(), testKey())
	f.Add(good)
	f.Add(good11)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	parts := strings.Split(good, ".")
	enc := func(s string) string { return b64.EncodeToString([]byte(s)) }
	var wide strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&wide, `"k%d":[%d],`, i, i)
	}
	f.Add(parts[0] + "." + enc(strings.Repeat("[", 200<<10)) + "." + parts[2])
	f.Add(parts[0] + "." + enc(`{"@context":`+strings.Repeat(`{"a":`, MaxDepth)+"1"+strings.Repeat("}", MaxDepth+1)) + "." + parts[2])
	f.Add(enc(`{"alg":"EdDSA","x":`+strings.Repeat("[", 100)) + "." + parts[1] + "." + parts[2])
	f.Add(parts[0] + "." + enc("{"+wide.String()+`"@context":["https://www.w3.org/ns/credentials/v2"]}`) + "." + parts[2])
	resolve := resolver(testKid, testKey(), nil)
	f.Fuzz(func(t *testing.T, tok string) {
		r, err := Verify(tok, resolve, during)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Checks) != 4 {
			t.Fatalf("%d checks", len(r.Checks))
		}
		s, _ := r.Lookup(CheckStructure)
		if bound := CheckBounds(tok); bound != nil && (s.Outcome != verification.Invalid || r.Credential() != nil) {
			t.Fatalf("a token over a limit (%v) has structure %+v", bound, s)
		}
		if s.Outcome == verification.Invalid && (r.Credential() != nil || r.Status() != "invalid") {
			t.Fatalf("malformed token: credential %v, status %q", r.Credential() != nil, r.Status())
		}
		if r.Valid() && tok != good && tok != good11 {
			// Only the two signed tokens are valid: strict base64url leaves
			// no second spelling of the same signed bytes.
			t.Fatalf("a token other than the signed one verified: %q", tok)
		}
	})
}

// membersCases are payloads on which members must agree with
// json.Unmarshal into a map[string]any: accept the same, decode the
// checked members the same.
var membersCases = []string{
	`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","iss":"did:web:a","nbf":1.5e9}`,
	`{"iss":"a","iss":"b"}`,
	`{"issuer":{"id":"x","id":"y"}}`,
	`{"x":1e400}`,
	`{"nbf":1e400}`,
	`{"x":[1,2,{"y":-0.0}]}`,
	`{"validFrom":"\ud800"}`,
	`{"validFrom":"\udc00\ud800x"}`,
	"{\"validFrom\":\"\xff\xfe\"}",
	"{\"x\":\"\xff\"}",
	"{\"\xff\":1}",
	`{"\u0040context":"c"}`,
	`{"a":1}{"b":2}`,
	`{"a":1} `,
	` {"a":1}`,
	`{"a":1,}`,
	`{"a":01}`,
	`{"a":tru}`,
	`[]`,
	`null`,
	`"s"`,
	`{}`,
	`{"vc":null}`,
	`{"a":"\u0000"}`,
	`{"a":1E+2,"nbf":-1e-7}`,
	`{"x":{"y":["e",1e308,"\"",2e-400,"1e400"]}}`,
	`{"x":{"y":["\\",1.8e308]}}`,
	`{"x":"\"1e999","z":[0.1e1000]}`,
	`{"x":` + strings.Repeat("9", 400) + `}`,
	`{"x":[-` + strings.Repeat("9", 310) + `.5]}`,
	`{"x":` + strings.Repeat("9", 308) + `}`,
	`{"x":` + strings.Repeat("9", 309) + `}`,
	`{"x":-` + strings.Repeat("9", 308) + `.` + strings.Repeat("9", 300) + `}`,
	`{"x":0.` + strings.Repeat("0", 400) + `1}`,
	`{"x":1e308,"y":1.7976931348623157e308,"z":1.7976931348623159e308}`,
	`{"x":1e-400,"y":-0,"z":0e0,"w":1E-0}`,
	`{"x":-}`, `{"x":1.}`, `{"x":.5}`, `{"x":1e}`, `{"x":1e+}`, `{"x":+1}`, `{"x":00}`, `{"x":-01}`,
	`{"x":0x1}`, `{"x":1_0}`, `{"x":Infinity}`, `{"x":NaN}`,
	`{"\u0076c":1}`, `{"vc":{}}`, `{"v\u0063":[]}`,
	`{"iss":"\u0061","typ\u0065":["\ud83d\ude00","\u00e9"]}`,
	"{\"validFrom\":\"caf\xc3\xa9\",\"validUntil\":\"\xef\xbf\xbd\",\"type\":[\"\xed\xa0\x80\"]}",
	`{"x":"\x"}`, `{"x":"\u12"}`, `{"x":"\u12g4"}`, `{"x":"\`, `{"x":"a`, "{\"x\":\"a\tb\"}",
	"{\"x\":\"a\x7fb\"}", "{\"x\":\"\x00\"}",
	" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ 1 , 2 ] \t\r\n} \t\r\n",
	"{\"a\":1}\f", "\xef\xbb\xbf{}", `{"a" 1}`, `{"a":1 "b":2}`, `{,}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`,
	`{"a":true,"b":false,"c":null,"d":[true,false,null]}`, `{"a":nul}`, `{"a":truee}`, `{"a":fals}`,
	`{"a":{}}`, `{"a":[]}`, `{"a":[[],{}]}`, `{1:2}`, `{"a":1`, `{"a":`, `{"a"`, `{`, ``, ` `,
	`{"issuer":{"id":"did:web:x","type":["Profile"],"n":[1,2,3,4,5,6,7,8,9,10]}}`,
	`{"@context":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`,
	`{"@context":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`,
	`{"a":tru,"b":` + strings.Repeat("[", MaxDepth+1) + `}`,
	`{"a":"` + strings.Repeat("[", MaxDepth+1) + `"}`,
}

// checkMembers compares the one-pass reading of payload (members, the
// header's checkHeader and decodeObject) with json.Unmarshal, and its
// nesting bound with jsonlimit's: what nests too deeply is refused by
// both, and the header is refused for its depth in jsonlimit's words;
// anything else is accepted or refused as json.Unmarshal does, and decoded
// as it decodes.
func checkMembers(t *testing.T, payload []byte) {
	var tok token
	gotOK := members(payload, &tok)
	full, fullOK := decodeObject(payload)
	_, headerProblem := checkHeader(payload)
	if bound := boundPart("header", payload); bound != nil {
		if gotOK || fullOK || headerProblem != bound.Error() {
			t.Fatalf("%q: over the nesting bound (%v), members accepts %v, decodeObject %v, checkHeader says %q",
				payload, bound, gotOK, fullOK, headerProblem)
		}
		return
	}
	var want map[string]any
	wantOK := json.Unmarshal(payload, &want) == nil && want != nil
	if gotOK != wantOK || fullOK != wantOK {
		t.Fatalf("%q: members accepts %v, decodeObject %v, json.Unmarshal %v", payload, gotOK, fullOK, wantOK)
	}
	if notObject := headerProblem == "header is not a JSON object"; notObject == wantOK {
		t.Fatalf("%q: checkHeader says %q, json.Unmarshal accepts %v", payload, headerProblem, wantOK)
	}
	if !gotOK {
		return
	}
	if !reflect.DeepEqual(full, want) {
		t.Fatalf("%q: decodeObject gives %#v, json.Unmarshal %#v", payload, full, want)
	}
	for k := range checked {
		w, wok := want[k]
		g, gok := tok.claims[k]
		if wok != gok || !reflect.DeepEqual(w, g) {
			t.Fatalf("%q: member %s is %#v, json.Unmarshal gives %#v", payload, k, g, w)
		}
	}
	if _, vc := want[claimVC]; vc != tok.hasVC {
		t.Fatalf("%q: vc claim seen %v, want %v", payload, tok.hasVC, vc)
	}
}

// TestMembers: the one-pass reading of a payload agrees with
// json.Unmarshal on what it accepts and on the members the checks read.
func TestMembers(t *testing.T) {
	for _, p := range membersCases {
		checkMembers(t, []byte(p))
	}
	h := header{Alg: Alg, Kid: testKid, Typ: Typ}
	b, _ := json.Marshal(h)
	if m, ok := decodeObject(b); !ok || m["kid"] != testKid {
		t.Fatalf("header: %v %v", m, ok)
	}
}

// FuzzMembers compares members with json.Unmarshal on any payload.
func FuzzMembers(f *testing.F) {
	for _, p := range membersCases {
		f.Add([]byte(p))
	}
	f.Fuzz(checkMembers)
}

// base64Cases are parts on which appendBase64URL must agree with
// isBase64URL and b64.DecodeString.
var base64Cases = []string{
	"", "A", "AA", "AB", "AAA", "AAB", "AAAA", "QUJD", "QUJDRA", "QUJDREU", "QUJDREVG", "QUJDREVGRw",
	"QUJDREVGR0g", "QUJDREVGR0hJ", "-_-_-_-_-_", "QUJD\nREVG", "QUJD\rREVG", "QUJD REVG", "QUJD+/==",
	"QUJDRA==", "QUJDRA=", "QUJD.REVG", "QUJD\x00", "QUJD\xff", strings.Repeat("z", 41), strings.Repeat("_", 4000),
}

func checkBase64(t *testing.T, s string) {
	prefix := []byte("prefix")
	got, ok := appendBase64URL(append(make([]byte, 0, 8), prefix...), s)
	want, err := b64.DecodeString(s)
	wantOK := isBase64URL(s) && err == nil
	if ok != wantOK {
		t.Fatalf("%q: appendBase64URL accepts %v, isBase64URL and b64.DecodeString %v (%v)", s, ok, wantOK, err)
	}
	if !bytes.HasPrefix(got, prefix) || ok && !bytes.Equal(got[len(prefix):], want) || !ok && len(got) != len(prefix) {
		t.Fatalf("%q: appendBase64URL gives %q, want %q after the prefix", s, got, want)
	}
}

// TestBase64URL: the part decoder refuses and decodes as the checked
// standard decoding did.
func TestBase64URL(t *testing.T) {
	for _, s := range base64Cases {
		checkBase64(t, s)
	}
	tok := mustSign(t, sampleCredential())
	for _, part := range strings.Split(tok, ".") {
		for cut := range min(len(part), 12) {
			checkBase64(t, part[:len(part)-cut])
		}
	}
}

// FuzzBase64URL compares appendBase64URL with the standard decoding.
func FuzzBase64URL(f *testing.F) {
	for _, s := range base64Cases {
		f.Add(s)
	}
	f.Fuzz(checkBase64)
}
