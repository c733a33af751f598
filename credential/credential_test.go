package credential

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/statuslist"
)

const (
	goldenSalt  = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"
	goldenEmail = " Jane.Doe@Example.org "
	// goldenHash was computed outside Go, with
	//   printf '%s' 'jane.doe@example.org3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e' | sha256sum
	goldenHash = "sha256$78be62f38558fdcc89326b7ef0ab26a949c94ff7a761d1c1d8d6b938512a7b21"
	// goldenMD5 is the same input through md5sum, for MatchesEmail.
	goldenMD5 = "md5$8f8185774091bccb3b7f0c138e89a84c"
)

// cstInput is the input behind testdata/cst.json.
func cstInput() IssueInput {
	return IssueInput{
		IssuerDID:             "did:web:board.example",
		BoardName:             "Example Certification Board",
		BoardURL:              "https://board.example",
		BoardEmail:            "credentials@board.example",
		CredentialID:          "https://board.example/credentials/0f8e6c1a-3b2d-4e5f-9a7b-1c2d3e4f5a6b",
		HolderName:            "Jane Q. Doe",
		HolderEmail:           goldenEmail,
		Salt:                  goldenSalt,
		CredentialType:        "CST",
		Title:                 "AASECT Certified Sex Therapist (CST)",
		RequirementSetID:      "aasect-cst",
		RequirementSetVersion: "2025.T.1",
		RequirementSetURL:     "https://board.example/requirements/aasect-cst/2025.T.1",
		LicenseNumber:         "LMFT 12345",
		// A time zone other than UTC and a fraction of a second, both of
		// which the credential must drop.
		ValidFrom:  time.Date(2026, 11, 26, 11, 0, 0, 123456789, time.FixedZone("CET", 3600)),
		ValidYears: 3,
		Revocation: StatusInput{ListURL: "https://board.example/status/revocation/1", Index: 94567},
		Suspension: StatusInput{ListURL: "https://board.example/status/suspension/1", Index: 23452},
		SchemaURL:  SchemaOB,
	}
}

func readGolden(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/cst.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeAny(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode: %v\n%s", err, data)
	}
	return v
}

func mustIssue(t *testing.T, in IssueInput) *Credential {
	t.Helper()
	c, err := Issue(in)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return c
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestIssueMatchesGolden(t *testing.T) {
	got := mustMarshal(t, mustIssue(t, cstInput()))
	want := readGolden(t)
	if !reflect.DeepEqual(decodeAny(t, got), decodeAny(t, want)) {
		t.Errorf("Issue output differs from testdata/cst.json\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestIssueOptionalParts(t *testing.T) {
	in := cstInput()
	in.ValidYears = 0
	in.RequirementSetURL = ""
	in.LicenseNumber = ""
	in.SchemaURL = ""
	in.BoardEmail = ""
	in.AchievementID = "urn:uuid:6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
	in.Description = "Certifies competence in sex therapy."
	c := mustIssue(t, in)
	m := decodeAny(t, mustMarshal(t, c)).(map[string]any)
	for _, k := range []string{"validUntil", "credentialSchema", "description"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s present; want it omitted", k)
		}
	}
	subj := m["credentialSubject"].(map[string]any)
	if _, ok := subj["licenseNumber"]; ok {
		t.Error("licenseNumber present; want it omitted")
	}
	ach := subj["achievement"].(map[string]any)
	if _, ok := ach["criteria"].(map[string]any)["id"]; ok {
		t.Error("criteria.id present without a requirement-set URL")
	}
	if _, ok := m["issuer"].(map[string]any)["email"]; ok {
		t.Error("issuer.email present; want it omitted")
	}
	if ach["id"] != in.AchievementID || ach["description"] != in.Description {
		t.Errorf("achievement id/description = %v / %v; want the input's", ach["id"], ach["description"])
	}
	if p := Check(mustMarshal(t, c)); p != nil {
		t.Errorf("Check of minimal credential: %v", p)
	}
}

func TestIssueValidUntil(t *testing.T) {
	for _, tc := range []struct {
		from  time.Time
		years int
		want  string
	}{
		{time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), 1, "2027-11-26T10:00:00Z"},
		{time.Date(2026, 11, 26, 10, 0, 0, 999999999, time.UTC), 5, "2031-11-26T10:00:00Z"},
		// 29 February plus one year is normalized to 1 March.
		{time.Date(2028, 2, 29, 23, 59, 59, 0, time.UTC), 1, "2029-03-01T23:59:59Z"},
		// The year is counted in UTC, not in the caller's zone.
		{time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), 2, "2028-12-31T23:30:00Z"},
	} {
		in := cstInput()
		in.ValidFrom, in.ValidYears = tc.from, tc.years
		if got := mustIssue(t, in).ValidUntil; got != tc.want {
			t.Errorf("ValidFrom %v + %d years = %s; want %s", tc.from, tc.years, got, tc.want)
		}
	}
}

// fieldsOf returns the Field of every *FieldError joined in err.
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var fe *FieldError
		if errors.As(e, &fe) && fe == e {
			out = append(out, fe.Field)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func TestIssueValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*IssueInput)
		field string
	}{
		{"empty DID", func(in *IssueInput) { in.IssuerDID = "" }, "IssuerDID"},
		{"DID is a URL", func(in *IssueInput) { in.IssuerDID = "https://board.example" }, "IssuerDID"},
		{"DID without identifier", func(in *IssueInput) { in.IssuerDID = "did:web:" }, "IssuerDID"},
		{"DID method upper case", func(in *IssueInput) { in.IssuerDID = "did:WEB:board.example" }, "IssuerDID"},
		{"blank board name", func(in *IssueInput) { in.BoardName = "  " }, "BoardName"},
		{"relative board URL", func(in *IssueInput) { in.BoardURL = "board.example" }, "BoardURL"},
		{"board URL not web", func(in *IssueInput) { in.BoardURL = "ftp://board.example" }, "BoardURL"},
		{"board e-mail with name", func(in *IssueInput) { in.BoardEmail = "Board <b@board.example>" }, "BoardEmail"},
		{"empty credential id", func(in *IssueInput) { in.CredentialID = "" }, "CredentialID"},
		{"relative credential id", func(in *IssueInput) { in.CredentialID = "/credentials/1" }, "CredentialID"},
		{"credential id without host", func(in *IssueInput) { in.CredentialID = "https:///credentials/1" }, "CredentialID"},
		{"empty holder name", func(in *IssueInput) { in.HolderName = "" }, "HolderName"},
		{"empty holder e-mail", func(in *IssueInput) { in.HolderEmail = "" }, "HolderEmail"},
		{"bad holder e-mail", func(in *IssueInput) { in.HolderEmail = "jane.doe" }, "HolderEmail"},
		{"empty salt", func(in *IssueInput) { in.Salt = "" }, "Salt"},
		{"short salt", func(in *IssueInput) { in.Salt = "abc" }, "Salt"},
		{"empty type", func(in *IssueInput) { in.CredentialType = "" }, "CredentialType"},
		{"empty title", func(in *IssueInput) { in.Title = "" }, "Title"},
		{"relative achievement id", func(in *IssueInput) { in.AchievementID = "achievements/CST" }, "AchievementID"},
		{"empty requirement set", func(in *IssueInput) { in.RequirementSetID = "" }, "RequirementSetID"},
		{"empty requirement version", func(in *IssueInput) { in.RequirementSetVersion = "" }, "RequirementSetVersion"},
		{"relative requirement URL", func(in *IssueInput) { in.RequirementSetURL = "/requirements/aasect-cst" }, "RequirementSetURL"},
		{"blank licence number", func(in *IssueInput) { in.LicenseNumber = " " }, "LicenseNumber"},
		{"zero validFrom", func(in *IssueInput) { in.ValidFrom = time.Time{} }, "ValidFrom"},
		{"negative years", func(in *IssueInput) { in.ValidYears = -1 }, "ValidYears"},
		{"empty revocation list", func(in *IssueInput) { in.Revocation.ListURL = "" }, "Revocation.ListURL"},
		{"relative suspension list", func(in *IssueInput) { in.Suspension.ListURL = "status/2" }, "Suspension.ListURL"},
		{"negative index", func(in *IssueInput) { in.Revocation.Index = -1 }, "Revocation.Index"},
		{"index at MinSize", func(in *IssueInput) { in.Suspension.Index = statuslist.MinSize }, "Suspension.Index"},
		{"index past given size", func(in *IssueInput) {
			in.Revocation.ListSize = 2 * statuslist.MinSize
			in.Revocation.Index = 2 * statuslist.MinSize
		}, "Revocation.Index"},
		{"list below minimum", func(in *IssueInput) { in.Revocation.ListSize = 1024 }, "Revocation.ListSize"},
		{"one list for both purposes", func(in *IssueInput) { in.Suspension.ListURL = in.Revocation.ListURL }, "Suspension.ListURL"},
		{"relative schema", func(in *IssueInput) { in.SchemaURL = "schema.json" }, "SchemaURL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := cstInput()
			tc.edit(&in)
			c, err := Issue(in)
			if err == nil {
				t.Fatalf("Issue accepted the input: %+v", c)
			}
			if c != nil {
				t.Error("Issue returned a credential with an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if got := fieldsOf(err); len(got) != 1 || got[0] != tc.field {
				t.Errorf("fields at fault = %v; want [%s]\nerror: %v", got, tc.field, err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name %s", err, tc.field)
			}
		})
	}
}

func TestIssueAcceptsLargerList(t *testing.T) {
	in := cstInput()
	in.Revocation.ListSize = 2 * statuslist.MinSize
	in.Revocation.Index = 2*statuslist.MinSize - 1
	c := mustIssue(t, in)
	if got := c.CredentialStatus[0].StatusListIndex; got != "262143" {
		t.Errorf("statusListIndex = %q; want 262143", got)
	}
}

func TestIssueReportsEveryProblem(t *testing.T) {
	_, err := Issue(IssueInput{})
	got := fieldsOf(err)
	for _, want := range []string{"IssuerDID", "BoardName", "BoardURL", "CredentialID", "HolderName",
		"HolderEmail", "Salt", "CredentialType", "Title", "RequirementSetID", "RequirementSetVersion",
		"ValidFrom", "Revocation.ListURL", "Suspension.ListURL"} {
		found := false
		for _, f := range got {
			found = found || f == want
		}
		if !found {
			t.Errorf("empty input: %s not reported (got %v)", want, got)
		}
	}
}

func TestIdentityHash(t *testing.T) {
	if got := IdentityHash(goldenEmail, goldenSalt); got != goldenHash {
		t.Errorf("IdentityHash = %s; want %s", got, goldenHash)
	}
	for _, tc := range []struct{ email, salt string }{
		{"jane.doe@example.org", goldenSalt},
		{"\tJANE.DOE@EXAMPLE.ORG\n", "salt"},
		{"rené@exämple.org", ""},
	} {
		sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(tc.email)) + tc.salt))
		want := "sha256$" + hex.EncodeToString(sum[:])
		if got := IdentityHash(tc.email, tc.salt); got != want {
			t.Errorf("IdentityHash(%q, %q) = %s; want %s", tc.email, tc.salt, got, want)
		}
	}
}

func TestMatchesEmail(t *testing.T) {
	hashed := IdentityObject{Type: TypeIdentityObject, IdentityHash: goldenHash, IdentityType: IdentityEmail, Hashed: true, Salt: goldenSalt}
	upper := hashed
	upper.IdentityHash = "SHA256$" + strings.ToUpper(strings.TrimPrefix(goldenHash, "sha256$"))
	md := hashed
	md.IdentityHash = goldenMD5
	plain := IdentityObject{Type: TypeIdentityObject, IdentityHash: "Jane.Doe@example.org", IdentityType: IdentityEmail}
	wrongType := hashed
	wrongType.IdentityType = IdentityName
	otherSalt := hashed
	otherSalt.Salt = "x" + goldenSalt
	unknownAlg := hashed
	unknownAlg.IdentityHash = "sha1$" + strings.TrimPrefix(goldenHash, "sha256$")
	noAlg := hashed
	noAlg.IdentityHash = strings.TrimPrefix(goldenHash, "sha256$")
	for _, tc := range []struct {
		name  string
		id    IdentityObject
		email string
		want  bool
	}{
		{"same address", hashed, "jane.doe@example.org", true},
		{"case and space differ", hashed, "  JANE.DOE@example.ORG", true},
		{"other address", hashed, "john.doe@example.org", false},
		{"other salt", otherSalt, "jane.doe@example.org", false},
		{"upper-case hex", upper, "jane.doe@example.org", true},
		{"md5", md, "jane.doe@example.org", true},
		{"plain", plain, "jane.doe@EXAMPLE.org", true},
		{"plain other", plain, "john.doe@example.org", false},
		{"not an e-mail identity", wrongType, "jane.doe@example.org", false},
		{"unknown algorithm", unknownAlg, "jane.doe@example.org", false},
		{"no algorithm", noAlg, "jane.doe@example.org", false},
	} {
		if got := MatchesEmail(tc.id, tc.email); got != tc.want {
			t.Errorf("%s: MatchesEmail = %v; want %v", tc.name, got, tc.want)
		}
	}
	c := mustIssue(t, cstInput())
	if !MatchesEmail(c.CredentialSubject.Identifier[0], "jane.doe@example.org") {
		t.Error("issued credential's identifier does not match the holder's e-mail")
	}
}

func TestNewSalt(t *testing.T) {
	src := bytes.NewReader(bytes.Repeat([]byte{0xab, 0x01}, 16))
	s, err := NewSalt(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("ab01", 8); s != want {
		t.Errorf("NewSalt = %q; want %q", s, want)
	}
	if len(s) < MinSaltLen {
		t.Errorf("salt %q is shorter than MinSaltLen", s)
	}
	a, err1 := NewSalt(nil)
	b, err2 := NewSalt(nil)
	if err1 != nil || err2 != nil || a == b {
		t.Errorf("NewSalt(nil) = %q, %v and %q, %v; want two different salts", a, err1, b, err2)
	}
	boom := errors.New("boom")
	if _, err := NewSalt(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("NewSalt with failing reader: err = %v; want it to wrap boom", err)
	}
}

func TestRoundTrip(t *testing.T) {
	c := mustIssue(t, cstInput())
	data := mustMarshal(t, c)
	var back Credential
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, c) {
		t.Errorf("round trip changed the credential:\n%+v\n%+v", back, *c)
	}
	// The golden file decodes into the types and re-encodes to the same JSON.
	golden := readGolden(t)
	var g Credential
	if err := json.Unmarshal(golden, &g); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decodeAny(t, mustMarshal(t, &g)), decodeAny(t, golden)) {
		t.Error("golden file does not survive decode and encode")
	}
}

func TestTimes(t *testing.T) {
	at := time.Date(2026, 11, 26, 11, 0, 0, 500, time.FixedZone("", 3600))
	if got := FormatTime(at); got != "2026-11-26T10:00:00Z" {
		t.Errorf("FormatTime = %s", got)
	}
	for _, s := range []string{"2026-11-26T10:00:00Z", "2026-11-26T10:00:00.5+01:00", "2026-11-26t10:00:00z"} {
		if _, err := ParseTime(s); err != nil {
			t.Errorf("ParseTime(%q): %v", s, err)
		}
	}
	for _, s := range []string{"2026-11-26T10:00:00", "2026-11-26", "26/11/2026 10:00", ""} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) accepted", s)
		}
	}
}

func TestCheckAcceptsGoldenAndIssued(t *testing.T) {
	if p := Check(readGolden(t)); p != nil {
		t.Errorf("Check(golden) = %v", p)
	}
	if p := Check(mustMarshal(t, mustIssue(t, cstInput()))); p != nil {
		t.Errorf("Check(issued) = %v", p)
	}
}

// TestCheckAcceptsOtherIssuers feeds Check shapes that other conforming
// issuers produce but certboard does not.
func TestCheckAcceptsOtherIssuers(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
	}{
		{"older OB context", func(m map[string]any) {
			m["@context"] = []any{ContextVC, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "https://example.org/extra.json"}
		}},
		{"subject id only", func(m map[string]any) {
			s := sub(m)
			delete(s, "identifier")
			s["id"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
		}},
		{"status object", func(m map[string]any) { m["credentialStatus"] = status(m)[0] }},
		{"other status type", func(m map[string]any) {
			m["credentialStatus"] = map[string]any{"id": "https://issuer.example/revocations#1", "type": "1EdTechRevocationList"}
		}},
		{"refresh purpose", func(m map[string]any) { status(m)[0].(map[string]any)["statusPurpose"] = "refresh" }},
		{"no status", func(m map[string]any) { delete(m, "credentialStatus") }},
		{"time with offset and fraction", func(m map[string]any) { m["validFrom"] = "2026-11-26T11:00:00.25+01:00" }},
		{"criteria id only", func(m map[string]any) { delete(crit(m), "narrative") }},
		{"statusSize", func(m map[string]any) { status(m)[0].(map[string]any)["statusSize"] = 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeAny(t, readGolden(t)).(map[string]any)
			tc.edit(m)
			if p := Check(mustMarshal(t, m)); p != nil {
				t.Errorf("Check = %v; want no problems", p)
			}
		})
	}
}

func sub(m map[string]any) map[string]any  { return m["credentialSubject"].(map[string]any) }
func ach(m map[string]any) map[string]any  { return sub(m)["achievement"].(map[string]any) }
func crit(m map[string]any) map[string]any { return ach(m)["criteria"].(map[string]any) }
func status(m map[string]any) []any        { return m["credentialStatus"].([]any) }
func ident(m map[string]any) map[string]any {
	return sub(m)["identifier"].([]any)[0].(map[string]any)
}

func TestCheckFindsProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		path string
	}{
		{"contexts swapped", func(m map[string]any) { m["@context"] = []any{ContextOB, ContextVC} }, "$['@context'][0]"},
		{"OB context missing", func(m map[string]any) { m["@context"] = []any{ContextVC} }, "$['@context']"},
		{"context a string", func(m map[string]any) { m["@context"] = ContextVC }, "$['@context']"},
		{"no context", func(m map[string]any) { delete(m, "@context") }, "$['@context']"},
		{"type lacks OpenBadgeCredential", func(m map[string]any) { m["type"] = []any{"VerifiableCredential"} }, "$.type"},
		{"no id", func(m map[string]any) { delete(m, "id") }, "$.id"},
		{"relative id", func(m map[string]any) { m["id"] = "credentials/1" }, "$.id"},
		{"no issuer", func(m map[string]any) { delete(m, "issuer") }, "$.issuer"},
		{"issuer id not a URI", func(m map[string]any) { m["issuer"].(map[string]any)["id"] = "board.example" }, "$.issuer.id"},
		{"issuer type", func(m map[string]any) { m["issuer"].(map[string]any)["type"] = []any{"Organization"} }, "$.issuer.type"},
		{"no name", func(m map[string]any) { delete(m, "name") }, "$.name"},
		{"no validFrom", func(m map[string]any) { delete(m, "validFrom") }, "$.validFrom"},
		{"validFrom unparseable", func(m map[string]any) { m["validFrom"] = "26/11/2026" }, "$.validFrom"},
		{"validFrom without zone", func(m map[string]any) { m["validFrom"] = "2026-11-26T10:00:00" }, "$.validFrom"},
		{"validUntil before validFrom", func(m map[string]any) { m["validUntil"] = "2025-11-26T10:00:00Z" }, "$.validUntil"},
		{"validUntil equals validFrom", func(m map[string]any) { m["validUntil"] = "2026-11-26T11:00:00+01:00" }, "$.validUntil"},
		{"subject an array", func(m map[string]any) { m["credentialSubject"] = []any{sub(m)} }, "$.credentialSubject"},
		{"subject type", func(m map[string]any) { sub(m)["type"] = []any{"Person"} }, "$.credentialSubject.type"},
		{"no holder", func(m map[string]any) { delete(sub(m), "identifier") }, "$.credentialSubject"},
		{"hashed a string", func(m map[string]any) { ident(m)["hashed"] = "true" }, "$.credentialSubject.identifier[0].hashed"},
		{"identity hash malformed", func(m map[string]any) { ident(m)["identityHash"] = "sha256$xyz" }, "$.credentialSubject.identifier[0].identityHash"},
		{"identity type", func(m map[string]any) { ident(m)["type"] = "Identity" }, "$.credentialSubject.identifier[0].type"},
		{"no achievement", func(m map[string]any) { delete(sub(m), "achievement") }, "$.credentialSubject.achievement"},
		{"achievement name missing", func(m map[string]any) { delete(ach(m), "name") }, "$.credentialSubject.achievement.name"},
		{"achievement name a number", func(m map[string]any) { ach(m)["name"] = 3 }, "$.credentialSubject.achievement.name"},
		{"achievement description empty", func(m map[string]any) { ach(m)["description"] = "" }, "$.credentialSubject.achievement.description"},
		{"criteria empty", func(m map[string]any) { ach(m)["criteria"] = map[string]any{} }, "$.credentialSubject.achievement.criteria"},
		{"creator id missing", func(m map[string]any) { delete(ach(m)["creator"].(map[string]any), "id") }, "$.credentialSubject.achievement.creator.id"},
		{"activity date", func(m map[string]any) { sub(m)["activityEndDate"] = "2026-13-01T00:00:00Z" }, "$.credentialSubject.activityEndDate"},
		{"status purpose unknown", func(m map[string]any) { status(m)[0].(map[string]any)["statusPurpose"] = "revoked" }, "$.credentialStatus[0].statusPurpose"},
		{"status index a number", func(m map[string]any) { status(m)[0].(map[string]any)["statusListIndex"] = 94567 }, "$.credentialStatus[0].statusListIndex"},
		{"status index negative", func(m map[string]any) { status(m)[1].(map[string]any)["statusListIndex"] = "-1" }, "$.credentialStatus[1].statusListIndex"},
		{"status index hex", func(m map[string]any) { status(m)[1].(map[string]any)["statusListIndex"] = "0x10" }, "$.credentialStatus[1].statusListIndex"},
		{"status list relative", func(m map[string]any) {
			status(m)[1].(map[string]any)["statusListCredential"] = "/status/suspension/1"
		}, "$.credentialStatus[1].statusListCredential"},
		{"status list missing", func(m map[string]any) { delete(status(m)[0].(map[string]any), "statusListCredential") }, "$.credentialStatus[0].statusListCredential"},
		{"status without type", func(m map[string]any) { delete(status(m)[0].(map[string]any), "type") }, "$.credentialStatus[0].type"},
		{"status object bad index", func(m map[string]any) {
			e := status(m)[0].(map[string]any)
			e["statusListIndex"] = "1.5"
			m["credentialStatus"] = e
		}, "$.credentialStatus.statusListIndex"},
		{"status a string", func(m map[string]any) { m["credentialStatus"] = "revoked" }, "$.credentialStatus"},
		{"statusSize zero", func(m map[string]any) { status(m)[0].(map[string]any)["statusSize"] = 0 }, "$.credentialStatus[0].statusSize"},
		{"schema without id", func(m map[string]any) {
			delete(m["credentialSchema"].([]any)[0].(map[string]any), "id")
		}, "$.credentialSchema[0].id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := decodeAny(t, readGolden(t)).(map[string]any)
			tc.edit(m)
			problems := Check(mustMarshal(t, m))
			t.Log(problems)
			sameDecoded(t, mustMarshal(t, m))
			found := false
			for _, p := range problems {
				found = found || p.Path == tc.path
			}
			if !found {
				t.Errorf("Check = %v; want a problem at %s", problems, tc.path)
			}
			for _, p := range problems {
				if p.Message == "" {
					t.Errorf("problem at %s has no message", p.Path)
				}
			}
		})
	}
}

func TestCheckRejectsNonObjects(t *testing.T) {
	for _, data := range []string{``, `[]`, `"x"`, `{} {}`, `{"a":`} {
		p := Check([]byte(data))
		if len(p) != 1 || p[0].Path != "$" {
			t.Errorf("Check(%q) = %v; want one problem at $", data, p)
		}
	}
}

// TestCheckLimits: a credential over a limit is one problem at $ naming
// the limit, found before the JSON is decoded.
func TestCheckLimits(t *testing.T) {
	for data, want := range map[string]string{
		strings.Repeat("[", 200<<10):                            "nested deeper than 32 levels at byte 33; nothing else was checked",
		`{"credentialSubject": ` + strings.Repeat(`{"a":`, 100): "nested deeper than 32 levels at byte 178",
		`{"name": "x"}` + strings.Repeat(" ", MaxCheckSize):     "larger than 1 MiB; nothing else was checked",
	} {
		p := Check([]byte(data))
		if len(p) != 1 || p[0].Path != "$" || !strings.Contains(p[0].Message, want) {
			t.Errorf("Check(%.40s...) = %v; want one problem at $ saying %q", data, p, want)
		}
	}
}

func TestMemberPath(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"validFrom", "$.validFrom"},
		{"@context", "$['@context']"},
		{"it's", `$['it\'s']`},
		{"", "$['']"},
		{"a1", "$.a1"},
		{"1a", "$['1a']"},
	} {
		if got := member("$", tc.name); got != tc.want {
			t.Errorf("member(%q) = %s; want %s", tc.name, got, tc.want)
		}
	}
}

func TestIssueAcceptsDIDWebForms(t *testing.T) {
	for _, did := range []string{"did:web:localhost%3A8080", "did:web:example.com:boards:aasect", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"} {
		in := cstInput()
		in.IssuerDID = did
		if c := mustIssue(t, in); c.Issuer.ID != did || c.CredentialSubject.Achievement.Creator.ID != did {
			t.Errorf("issuer/creator id = %s / %s; want %s", c.Issuer.ID, c.CredentialSubject.Achievement.Creator.ID, did)
		}
	}
}

// FuzzCheck feeds arbitrary JSON to Check, with seeds deep and wide. Check
// must never panic; every problem has a path from $ and a message, and
// input over a limit is one problem at $.
func FuzzCheck(f *testing.F) {
	golden, err := os.ReadFile("testdata/cst.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	var wide strings.Builder
	wide.WriteString(`{"credentialStatus": [`)
	for i := range 3000 {
		fmt.Fprintf(&wide, `{"type": "BitstringStatusListEntry", "statusListIndex": "%d"},`, i)
	}
	wide.WriteString(`{}]}`)
	f.Add([]byte(strings.Repeat("[", 200<<10)))
	f.Add([]byte(`{"credentialSubject": ` + strings.Repeat(`{"achievement": `, 40)))
	f.Add([]byte(wide.String()))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := Check(data)
		for _, p := range ps {
			if !strings.HasPrefix(p.Path, "$") || p.Message == "" {
				t.Fatalf("malformed problem %+v", p)
			}
		}
		if jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxCheckSize}) != nil && (len(ps) != 1 || ps[0].Path != "$") {
			t.Fatalf("input over a limit: %v", ps)
		}
		sameDecoded(t, data)
	})
}

// sameDecoded checks that CheckDecoded, given data decoded as
// json.Unmarshal decodes it (numbers as float64), reports what Check
// reports on the JSON json.Marshal writes of it.
func sameDecoded(t *testing.T, data []byte) {
	t.Helper()
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil || doc == nil {
		return
	}
	again, err := json.Marshal(doc)
	if err != nil || jsonlimit.Check(again, jsonlimit.Limits{MaxBytes: MaxCheckSize}) != nil {
		return
	}
	if got, want := CheckDecoded(doc), Check(again); !reflect.DeepEqual(got, want) {
		t.Fatalf("CheckDecoded = %v, Check of the JSON = %v", got, want)
	}
}

func TestCheckDecodedAcceptsGolden(t *testing.T) {
	sameDecoded(t, readGolden(t))
	var doc map[string]any
	if err := json.Unmarshal(readGolden(t), &doc); err != nil {
		t.Fatal(err)
	}
	if p := CheckDecoded(doc); p != nil {
		t.Errorf("CheckDecoded(golden) = %v", p)
	}
	doc["credentialStatus"].([]any)[0].(map[string]any)["statusSize"] = 1.5
	if p := CheckDecoded(doc); len(p) != 1 || !strings.Contains(p[0].Message, "is 1.5, not a positive integer") {
		t.Errorf("statusSize 1.5: %v", p)
	}
}
