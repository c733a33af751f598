// Package credential builds the credential a certification board issues on
// approval, an OpenBadgeCredential as defined by 1EdTech's Open Badges 3.0
// specification on top of the W3C Verifiable Credentials Data Model 2.0, and
// checks the structure of such credentials from any issuer.
//
// Issue is a pure builder: it validates its input and returns the unsigned
// credential, whose JSON encoding is the document other packages secure with
// a Data Integrity proof (eddsa-rdfc-2022) or as a VC-JWT. Check reads the
// JSON of any OpenBadgeCredential and reports each structural problem by the
// JSON path where it was found; it does not verify proofs, resolve issuers or
// fetch status lists.
//
// The holder is identified without publishing the e-mail address: the
// credential carries an Open Badges IdentityObject whose identityHash is
// "sha256$" followed by the hex SHA-256 of the normalized address with a
// random salt appended (see IdentityHash). The credential's status is given by
// two W3C Bitstring Status List v1.0 entries, one for revocation and one for
// suspension (see package statuslist).
//
// The package performs no I/O and reads no clock: times are arguments, and
// randomness comes from an io.Reader the caller passes.
package credential

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/statuslist"
)

// The JSON-LD contexts of an OpenBadgeCredential, in the order the
// specifications require.
const (
	// ContextVC is the W3C Verifiable Credentials 2.0 base context; it must be
	// the first @context entry.
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	// ContextOB is the Open Badges 3.0 context (version 3.0.3); it must be the
	// second @context entry.
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Type names used in an OpenBadgeCredential.
const (
	TypeVerifiableCredential = "VerifiableCredential"
	TypeOpenBadgeCredential  = "OpenBadgeCredential"
	TypeProfile              = "Profile"
	TypeAchievementSubject   = "AchievementSubject"
	TypeAchievement          = "Achievement"
	TypeIdentityObject       = "IdentityObject"
)

// Values of an Achievement's achievementType and an IdentityObject's
// identityType used by certboard.
const (
	// AchievementCertification is the achievementType of a board
	// certification.
	AchievementCertification = "Certification"
	// IdentityEmail is the identityType of an e-mail address.
	IdentityEmail = "emailAddress"
	// IdentityName is the identityType of a person's name.
	IdentityName = "name"
)

// Schema of an OpenBadgeCredential, for the optional credentialSchema member.
const (
	// SchemaOB is the 1EdTech JSON Schema of an AchievementCredential
	// (OpenBadgeCredential) in Open Badges 3.0.
	SchemaOB = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	// SchemaValidatorType is the credentialSchema type 1EdTech uses for its
	// JSON Schemas.
	SchemaValidatorType = "1EdTechJsonSchemaValidator2019"
)

// TimeLayout is the layout of every time certboard writes into a
// credential: an XML Schema dateTime in UTC, to the second, with the "Z"
// designator (2026-11-26T10:00:00Z).
const TimeLayout = "2006-01-02T15:04:05Z"

// FormatTime returns t in UTC as TimeLayout; fractions of a second are
// dropped.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(TimeLayout)
}

// ParseTime parses a credential's date-time: an XML Schema dateTimeStamp, as
// the Verifiable Credentials 2.0 model requires for validFrom and validUntil.
// A time zone ("Z" or an offset) is required; fractions of a second are
// allowed. Lower-case "t" and "z" are accepted as RFC 3339 allows.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("not an XML Schema dateTimeStamp such as %s", TimeLayout)
	}
	return t, nil
}

// Credential is an Open Badges 3.0 OpenBadgeCredential without its proof.
// Its JSON encoding is the credential document; members follow the
// specification's names.
type Credential struct {
	// Context is the JSON-LD @context: ContextVC then ContextOB.
	Context []string `json:"@context"`
	// ID is the credential's URL.
	ID string `json:"id"`
	// Type is ["VerifiableCredential", "OpenBadgeCredential"].
	Type []string `json:"type"`
	// Issuer is the board.
	Issuer Profile `json:"issuer"`
	// Name is the credential's title, shown by wallets.
	Name string `json:"name"`
	// Description optionally describes the credential.
	Description string `json:"description,omitempty"`
	// ValidFrom is when the credential takes effect, in TimeLayout.
	ValidFrom string `json:"validFrom"`
	// ValidUntil, when set, is when the credential expires, in TimeLayout.
	ValidUntil string `json:"validUntil,omitempty"`
	// CredentialSubject is the holder and what they achieved.
	CredentialSubject AchievementSubject `json:"credentialSubject"`
	// CredentialStatus lists where the credential's revocation and suspension
	// status is published.
	CredentialStatus []StatusEntry `json:"credentialStatus,omitempty"`
	// CredentialSchema optionally names JSON Schemas the credential follows.
	CredentialSchema []Schema `json:"credentialSchema,omitempty"`
}

// Profile describes an issuer or an achievement's creator.
type Profile struct {
	// ID is the profile's URI; for certboard, the board's did:web.
	ID string `json:"id"`
	// Type is ["Profile"].
	Type []string `json:"type"`
	// Name is the organisation's name, shown to people.
	Name string `json:"name"`
	// URL is the organisation's home page.
	URL string `json:"url"`
	// Email optionally is the organisation's contact address.
	Email string `json:"email,omitempty"`
}

// AchievementSubject is the credentialSubject of an OpenBadgeCredential: who
// achieved what.
type AchievementSubject struct {
	// ID optionally is the holder's URI (a DID); certboard identifies holders
	// by Identifier instead.
	ID string `json:"id,omitempty"`
	// Type is ["AchievementSubject"].
	Type []string `json:"type"`
	// Identifier identifies the holder: a hashed e-mail address and, in
	// certboard's credentials, their name.
	Identifier []IdentityObject `json:"identifier,omitempty"`
	// Achievement is the certification awarded.
	Achievement Achievement `json:"achievement"`
	// LicenseNumber optionally is the holder's licence number.
	LicenseNumber string `json:"licenseNumber,omitempty"`
	// ActivityStartDate optionally is when the achieved activity began.
	ActivityStartDate string `json:"activityStartDate,omitempty"`
	// ActivityEndDate optionally is when the achieved activity ended.
	ActivityEndDate string `json:"activityEndDate,omitempty"`
}

// IdentityObject identifies the holder by a value that is either hashed
// (Hashed true, IdentityHash in the form IdentityHash returns) or plain.
type IdentityObject struct {
	// Type is "IdentityObject".
	Type string `json:"type"`
	// IdentityHash is the hashed identity ("sha256$<hex>") or, when Hashed is
	// false, the plain value.
	IdentityHash string `json:"identityHash"`
	// IdentityType is the kind of identity: IdentityEmail or IdentityName.
	IdentityType string `json:"identityType"`
	// Hashed reports whether IdentityHash is a hash.
	Hashed bool `json:"hashed"`
	// Salt is the string appended to the identity before hashing.
	Salt string `json:"salt,omitempty"`
}

// Achievement is the certification a credential awards.
type Achievement struct {
	// ID is the achievement's URI.
	ID string `json:"id"`
	// Type is ["Achievement"].
	Type []string `json:"type"`
	// Name is the achievement's title.
	Name string `json:"name"`
	// Description describes the achievement.
	Description string `json:"description"`
	// Criteria says how it was earned.
	Criteria Criteria `json:"criteria"`
	// AchievementType is AchievementCertification for certboard.
	AchievementType string `json:"achievementType,omitempty"`
	// HumanCode optionally is a short code such as "CST".
	HumanCode string `json:"humanCode,omitempty"`
	// Creator optionally is the organisation that defined the achievement.
	Creator *Profile `json:"creator,omitempty"`
}

// Criteria says how an achievement is earned: a URI, a narrative, or both.
type Criteria struct {
	// ID optionally is the URL of the criteria, such as the requirement set.
	ID string `json:"id,omitempty"`
	// Narrative describes the criteria in words.
	Narrative string `json:"narrative,omitempty"`
}

// StatusEntry is a credentialStatus entry of type BitstringStatusListEntry
// (W3C Bitstring Status List v1.0).
type StatusEntry struct {
	// ID is the entry's URL: the list's URL with the index as fragment.
	ID string `json:"id"`
	// Type is statuslist.EntryType.
	Type string `json:"type"`
	// StatusPurpose is "revocation" or "suspension".
	StatusPurpose statuslist.Purpose `json:"statusPurpose"`
	// StatusListIndex is the credential's index in the list, as a base-10
	// string.
	StatusListIndex string `json:"statusListIndex"`
	// StatusListCredential is the URL of the BitstringStatusListCredential.
	StatusListCredential string `json:"statusListCredential"`
}

// Schema is a credentialSchema entry.
type Schema struct {
	// ID is the schema's URL.
	ID string `json:"id"`
	// Type is the kind of schema, such as SchemaValidatorType.
	Type string `json:"type"`
}

// ErrInvalid is wrapped by every error Issue returns for bad input.
var ErrInvalid = errors.New("credential: invalid input")

// FieldError is one problem with an IssueInput, naming the field at fault
// (such as "HolderEmail" or "Revocation.Index"). It wraps ErrInvalid.
type FieldError struct {
	// Field is the IssueInput field, dotted for nested ones.
	Field string
	// Message says what is wrong with it.
	Message string
}

// Error returns "credential: invalid <Field>: <Message>".
func (e *FieldError) Error() string {
	return "credential: invalid " + e.Field + ": " + e.Message
}

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// saltBytes is the number of random bytes in a salt from NewSalt.
const saltBytes = 16

// MinSaltLen is the shortest salt Issue accepts, in characters. E-mail
// addresses are guessable, so an unsalted or lightly salted hash would not
// hide them; NewSalt returns 32 characters.
const MinSaltLen = 16

// NewSalt returns a fresh salt for IdentityHash: 16 bytes from r, in
// lower-case hex. When r is nil it reads crypto/rand.
func NewSalt(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [saltBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("credential: read randomness for salt: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// NormalizeEmail returns the form of an e-mail address that is hashed:
// without surrounding white space, in lower case.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// IdentityHash returns Open Badges 3.0's hashed identity of an e-mail
// address: "sha256$" followed by the lower-case hex SHA-256 of the
// normalized address (see NormalizeEmail) with salt appended, both UTF-8.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(NormalizeEmail(email) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// MatchesEmail reports whether id identifies the e-mail address email. The
// identity must be of type IdentityEmail. A hashed identity may use either
// algorithm Open Badges 3.0 allows, "sha256$" or "md5$", in upper- or
// lower-case hex; the address is normalized before hashing. A plain identity
// matches when the normalized addresses are equal.
func MatchesEmail(id IdentityObject, email string) bool {
	if id.IdentityType != IdentityEmail {
		return false
	}
	norm := NormalizeEmail(email)
	if !id.Hashed {
		return NormalizeEmail(id.IdentityHash) == norm
	}
	alg, digest, ok := strings.Cut(id.IdentityHash, "$")
	if !ok {
		return false
	}
	want, err := hex.DecodeString(digest)
	if err != nil {
		return false
	}
	var got []byte
	switch strings.ToLower(alg) {
	case "sha256":
		s := sha256.Sum256([]byte(norm + id.Salt))
		got = s[:]
	case "md5":
		s := md5.Sum([]byte(norm + id.Salt))
		got = s[:]
	default:
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// StatusInput locates a credential in one status list.
type StatusInput struct {
	// ListURL is the URL of the BitstringStatusListCredential.
	ListURL string
	// Index is the credential's index in the list.
	Index int
	// ListSize is the list's size in bits; 0 means statuslist.MinSize.
	ListSize int
}

// IssueInput is everything Issue needs to build a credential.
type IssueInput struct {
	// IssuerDID is the board's DID (did:web:...), the issuer's id.
	IssuerDID string
	// BoardName is the board's name, shown to people.
	BoardName string
	// BoardURL is the board's public home page (absolute http(s) URL).
	BoardURL string
	// BoardEmail optionally is the board's contact address.
	BoardEmail string

	// CredentialID is the credential's URL, such as
	// https://board.example/credentials/<uuid>.
	CredentialID string

	// HolderName is the holder's name as the board records it.
	HolderName string
	// HolderEmail is the holder's e-mail address; only its salted hash is
	// put in the credential.
	HolderEmail string
	// Salt is appended to the e-mail address before hashing (see NewSalt);
	// at least MinSaltLen characters.
	Salt string

	// CredentialType is the short code of the certification, such as "CST";
	// it becomes the achievement's humanCode.
	CredentialType string
	// Title is the certification's full name, such as "AASECT Certified Sex
	// Therapist (CST)"; it names both the credential and the achievement.
	Title string
	// Description optionally describes the achievement; when empty, one is
	// made from Title and BoardName.
	Description string
	// AchievementID optionally is the achievement's URI; when empty it is
	// BoardURL + "/achievements/" + CredentialType.
	AchievementID string

	// RequirementSetID and RequirementSetVersion name the requirement set
	// the holder met, such as "aasect-cst" and "2025.T.1".
	RequirementSetID      string
	RequirementSetVersion string
	// RequirementSetURL optionally is the published requirement set's URL,
	// used as the criteria's id.
	RequirementSetURL string

	// LicenseNumber optionally is the holder's licence number.
	LicenseNumber string

	// ValidFrom is the time of approval; the credential takes effect then.
	ValidFrom time.Time
	// ValidYears is the validity in whole years; 0 means no expiry.
	ValidYears int

	// Revocation and Suspension locate the credential in the board's
	// revocation and suspension lists, which must be two different lists.
	Revocation StatusInput
	Suspension StatusInput

	// SchemaURL optionally is a JSON Schema to name in credentialSchema,
	// such as SchemaOB.
	SchemaURL string
}

// Issue validates in and builds the unsigned credential. Every problem found
// is reported: the error joins one *FieldError per problem, each wrapping
// ErrInvalid. ValidUntil is ValidFrom plus ValidYears calendar years in UTC
// (a 29 February start ends on 1 March).
func Issue(in IssueInput) (*Credential, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	required := func(field, v string) bool {
		if strings.TrimSpace(v) == "" {
			bad(field, "is empty")
			return false
		}
		return true
	}
	webURL := func(field, v string) {
		if required(field, v) {
			if msg := checkWebURL(v); msg != "" {
				bad(field, "%q %s", v, msg)
			}
		}
	}

	if required("IssuerDID", in.IssuerDID) {
		if msg := checkDID(in.IssuerDID); msg != "" {
			bad("IssuerDID", "%q %s", in.IssuerDID, msg)
		}
	}
	required("BoardName", in.BoardName)
	webURL("BoardURL", in.BoardURL)
	if in.BoardEmail != "" {
		if msg := checkEmail(in.BoardEmail); msg != "" {
			bad("BoardEmail", "%q %s", in.BoardEmail, msg)
		}
	}
	if required("CredentialID", in.CredentialID) {
		if msg := checkURI(in.CredentialID); msg != "" {
			bad("CredentialID", "%q %s", in.CredentialID, msg)
		}
	}
	required("HolderName", in.HolderName)
	if required("HolderEmail", in.HolderEmail) {
		if msg := checkEmail(in.HolderEmail); msg != "" {
			bad("HolderEmail", "%q %s", in.HolderEmail, msg)
		}
	}
	if len(in.Salt) < MinSaltLen {
		bad("Salt", "has %d characters, fewer than the %d needed to hide the e-mail address (use NewSalt)", len(in.Salt), MinSaltLen)
	}
	required("CredentialType", in.CredentialType)
	required("Title", in.Title)
	if in.AchievementID != "" {
		if msg := checkURI(in.AchievementID); msg != "" {
			bad("AchievementID", "%q %s", in.AchievementID, msg)
		}
	}
	required("RequirementSetID", in.RequirementSetID)
	required("RequirementSetVersion", in.RequirementSetVersion)
	if in.RequirementSetURL != "" {
		webURL("RequirementSetURL", in.RequirementSetURL)
	}
	if in.LicenseNumber != "" && strings.TrimSpace(in.LicenseNumber) == "" {
		bad("LicenseNumber", "is only white space")
	}
	if in.ValidFrom.IsZero() {
		bad("ValidFrom", "is not set")
	}
	if in.ValidYears < 0 {
		bad("ValidYears", "is %d; want 0 (no expiry) or more", in.ValidYears)
	}
	checkStatus := func(field string, s StatusInput) {
		webURL(field+".ListURL", s.ListURL)
		size := s.ListSize
		if size == 0 {
			size = statuslist.MinSize
		} else if size < statuslist.MinSize {
			bad(field+".ListSize", "is %d, below the minimum list size of %d", size, statuslist.MinSize)
			return
		}
		if s.Index < 0 || s.Index >= size {
			bad(field+".Index", "%d is not in [0, %d)", s.Index, size)
		}
	}
	checkStatus("Revocation", in.Revocation)
	checkStatus("Suspension", in.Suspension)
	if in.Revocation.ListURL != "" && in.Revocation.ListURL == in.Suspension.ListURL {
		bad("Suspension.ListURL", "is the revocation list's URL; a list has one purpose")
	}
	if in.SchemaURL != "" {
		webURL("SchemaURL", in.SchemaURL)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	board := Profile{
		ID:    in.IssuerDID,
		Type:  []string{TypeProfile},
		Name:  in.BoardName,
		URL:   in.BoardURL,
		Email: in.BoardEmail,
	}
	creator := board
	creator.Type = []string{TypeProfile}
	achievementID := in.AchievementID
	if achievementID == "" {
		achievementID = strings.TrimRight(in.BoardURL, "/") + "/achievements/" + url.PathEscape(in.CredentialType)
	}
	description := in.Description
	if description == "" {
		description = fmt.Sprintf("%s, a certification awarded by %s.", in.Title, in.BoardName)
	}
	from := in.ValidFrom.UTC().Truncate(time.Second)
	c := &Credential{
		Context:   []string{ContextVC, ContextOB},
		ID:        in.CredentialID,
		Type:      []string{TypeVerifiableCredential, TypeOpenBadgeCredential},
		Issuer:    board,
		Name:      in.Title,
		ValidFrom: FormatTime(from),
		CredentialSubject: AchievementSubject{
			Type: []string{TypeAchievementSubject},
			Identifier: []IdentityObject{
				{
					Type:         TypeIdentityObject,
					IdentityHash: IdentityHash(in.HolderEmail, in.Salt),
					IdentityType: IdentityEmail,
					Hashed:       true,
					Salt:         in.Salt,
				},
				{
					Type:         TypeIdentityObject,
					IdentityHash: strings.TrimSpace(in.HolderName),
					IdentityType: IdentityName,
					Hashed:       false,
				},
			},
			Achievement: Achievement{
				ID:          achievementID,
				Type:        []string{TypeAchievement},
				Name:        in.Title,
				Description: description,
				Criteria: Criteria{
					ID: in.RequirementSetURL,
					Narrative: fmt.Sprintf("Met the requirements of %s version %s, judged by %s on %s.",
						in.RequirementSetID, in.RequirementSetVersion, in.BoardName, from.Format(time.DateOnly)),
				},
				AchievementType: AchievementCertification,
				HumanCode:       in.CredentialType,
				Creator:         &creator,
			},
			LicenseNumber: strings.TrimSpace(in.LicenseNumber),
		},
		CredentialStatus: []StatusEntry{
			statusEntry(statuslist.Revocation, in.Revocation),
			statusEntry(statuslist.Suspension, in.Suspension),
		},
	}
	if in.ValidYears > 0 {
		c.ValidUntil = FormatTime(from.AddDate(in.ValidYears, 0, 0))
	}
	if in.SchemaURL != "" {
		c.CredentialSchema = []Schema{{ID: in.SchemaURL, Type: SchemaValidatorType}}
	}
	return c, nil
}

func statusEntry(p statuslist.Purpose, s StatusInput) StatusEntry {
	index := strconv.Itoa(s.Index)
	return StatusEntry{
		ID:                   s.ListURL + "#" + index,
		Type:                 statuslist.EntryType,
		StatusPurpose:        p,
		StatusListIndex:      index,
		StatusListCredential: s.ListURL,
	}
}

// checkURI returns "" when s is an absolute URI (a URL with a scheme, a DID,
// a urn:uuid:...), and otherwise what is wrong. An http(s) URL must name a
// host.
func checkURI(s string) string {
	if strings.TrimSpace(s) != s {
		return "has surrounding white space"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "is not a URL: " + err.Error()
	}
	if !u.IsAbs() {
		return "is not an absolute URI (no scheme)"
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return "has no host"
	}
	return ""
}

// checkWebURL returns "" when s is an absolute http or https URL with a host,
// and otherwise what is wrong.
func checkWebURL(s string) string {
	if msg := checkURI(s); msg != "" {
		return msg
	}
	u, _ := url.Parse(s)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "is not an http or https URL"
	}
	return ""
}

// checkDID returns "" when s has the shape of a DID (did:method:id), and
// otherwise what is wrong.
func checkDID(s string) string {
	rest, ok := strings.CutPrefix(s, "did:")
	if !ok {
		return `is not a DID (want "did:web:...")`
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" {
		return "is not a DID (want did:<method>:<identifier>)"
	}
	for _, r := range method {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return "has a DID method that is not lower-case letters and digits"
		}
	}
	if strings.ContainsAny(id, " \t\r\n/?#") {
		return "has a character not allowed in a DID's identifier"
	}
	return ""
}

// checkEmail returns "" when s is a bare e-mail address, and otherwise what
// is wrong.
func checkEmail(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "is not a bare e-mail address such as name@example.org"
	}
	return ""
}

// Problem is one structural problem found by Check, located by a JSON path
// in the normalized form of RFC 9535 where a member name is not a plain
// identifier ($['@context'][1], $.credentialSubject.achievement.name).
type Problem struct {
	// Path locates the offending value, or where a missing member belongs.
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// String returns "path: message".
func (p Problem) String() string { return p.Path + ": " + p.Message }

// StatusPurposes are the statusPurpose values the Bitstring Status List
// specification defines; Check accepts these in any issuer's credential.
var StatusPurposes = []string{"revocation", "suspension", "refresh", "message"}

// MaxCheckSize is the largest credential Check reads; its nesting is
// bounded by jsonlimit.MaxDepth. Both are checked before the JSON is
// decoded.
const MaxCheckSize = 1 << 20

// Check reports the structural problems of an OpenBadgeCredential's JSON,
// from any issuer: the @context entries and their order; the types; the
// presence and JSON type of the members Open Badges 3.0 requires (id, issuer,
// name, validFrom, credentialSubject with its achievement and criteria);
// date-times that parse, validUntil after validFrom; identity objects; and
// credentialStatus entries of type BitstringStatusListEntry (a known purpose,
// a base-10 index, an absolute list URL). Entries of other status types are
// only checked for a type. A proof, if present, is not examined. No problems
// means a nil slice. Check never reads the network. Input larger than
// MaxCheckSize or nested deeper than jsonlimit.MaxDepth is one problem at $
// naming the limit.
func Check(data []byte) []Problem {
	c := &checker{}
	if err := jsonlimit.Check(data, jsonlimit.Limits{MaxBytes: MaxCheckSize}); err != nil {
		c.add("$", "%v; nothing else was checked", err)
		return c.problems
	}
	var doc any
	if err := jsonUnmarshal(data, &doc); err != nil {
		c.add("$", "not JSON: %v", err)
		return c.problems
	}
	root, ok := doc.(map[string]any)
	if !ok {
		c.add("$", "is %s, not a JSON object", kind(doc))
		return c.problems
	}
	c.check(root)
	return c.problems
}

// CheckDecoded is Check on a credential already decoded from JSON into
// generic values (map[string]any, []any, string, bool, nil, and numbers as
// json.Number or float64), for a caller that holds it decoded: it reports
// what Check reports on the JSON that json.Marshal writes of doc, without
// writing and reading it again. The size of that JSON is not checked (the
// caller bounded what it decoded); the nesting is, as Check does.
func CheckDecoded(doc map[string]any) []Problem {
	c := &checker{}
	if err := jsonlimit.CheckValue(doc, jsonlimit.MaxDepth); err != nil {
		c.add("$", "%v; nothing else was checked", err)
		return c.problems
	}
	c.check(doc)
	return c.problems
}

// check runs every check on the credential root.
func (c *checker) check(root map[string]any) {
	c.context(root)
	c.types(root, "$", "type", TypeVerifiableCredential, TypeOpenBadgeCredential)
	if id, ok := c.str(root, "$", "id", true); ok {
		c.uri("$.id", id)
	}
	c.profile(root, "$", "issuer", true)
	c.str(root, "$", "name", true)
	c.str(root, "$", "description", false)
	from, fromOK := c.time(root, "$", "validFrom", true)
	until, untilOK := c.time(root, "$", "validUntil", false)
	if fromOK && untilOK && !until.After(from) {
		c.add("$.validUntil", "%s is not after validFrom %s", until.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	c.subject(root)
	c.status(root)
	c.schema(root)
}

type checker struct {
	problems []Problem
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// member returns the path of a member of the object at path.
func member(path, name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return path + "." + name
	}
	return path + "['" + strings.ReplaceAll(strings.ReplaceAll(name, `\`, `\\`), "'", `\'`) + "']"
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// get returns obj[name], reporting it when it is required and absent.
func (c *checker) get(obj map[string]any, path, name string, required bool) (any, bool) {
	v, ok := obj[name]
	if !ok {
		if required {
			c.add(member(path, name), "is missing")
		}
		return nil, false
	}
	return v, true
}

// str returns obj[name] as a non-empty string.
func (c *checker) str(obj map[string]any, path, name string, required bool) (string, bool) {
	v, ok := c.get(obj, path, name, required)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		c.add(member(path, name), "is %s, not a string", kind(v))
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		c.add(member(path, name), "is empty")
		return "", false
	}
	return s, true
}

// object returns obj[name] as an object.
func (c *checker) object(obj map[string]any, path, name string, required bool) (map[string]any, bool) {
	v, ok := c.get(obj, path, name, required)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.add(member(path, name), "is %s, not an object", kind(v))
		return nil, false
	}
	return m, true
}

// idOr checks that obj, at path, has an id (a URI) or the member other,
// saying neither when it has neither.
func (c *checker) idOr(obj map[string]any, path, other, neither string) {
	_, hasID := obj["id"]
	_, hasOther := obj[other]
	if !hasID && !hasOther {
		c.add(path, "%s", neither)
	}
	if id, ok := c.str(obj, path, "id", false); ok {
		c.uri(member(path, "id"), id)
	}
}

func (c *checker) uri(path, s string) {
	if msg := checkURI(s); msg != "" {
		c.add(path, "%q %s", s, msg)
	}
}

func (c *checker) time(obj map[string]any, path, name string, required bool) (time.Time, bool) {
	s, ok := c.str(obj, path, name, required)
	if !ok {
		return time.Time{}, false
	}
	t, err := ParseTime(s)
	if err != nil {
		c.add(member(path, name), "%q is %v", s, err)
		return time.Time{}, false
	}
	return t, true
}

// context checks that @context is an array starting with ContextVC then an
// Open Badges 3.0 context.
func (c *checker) context(root map[string]any) {
	const name = "@context"
	p := member("$", name)
	v, ok := c.get(root, "$", name, true)
	if !ok {
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.add(p, "is %s, not an array", kind(v))
		return
	}
	want := []string{ContextVC, ContextOB}
	for i, w := range want {
		if i >= len(list) {
			c.add(p, "lacks entry %d, which must be %q", i, w)
			return
		}
		s, _ := list[i].(string)
		if s == w || i == 1 && isOBContext(s) {
			continue
		}
		if pos := containsAt(list, w); pos >= 0 {
			c.add(index(p, i), "is %s; %q must be entry %d, found at %d", describe(list[i]), w, i, pos)
		} else {
			c.add(index(p, i), "is %s; want %q", describe(list[i]), w)
		}
	}
}

// isOBContext reports whether s is a version of the Open Badges 3.0 context
// (context-3.0.N.json).
func isOBContext(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.")
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, ".json")
	return ok && isDigits(n)
}

func containsAt(list []any, w string) int {
	for i, v := range list {
		if s, ok := v.(string); ok && s == w {
			return i
		}
	}
	return -1
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return kind(v)
}

// types checks that obj[name] is an array of strings that holds every one
// of want.
func (c *checker) types(obj map[string]any, path, name string, want ...string) {
	p := member(path, name)
	v, ok := c.get(obj, path, name, true)
	if !ok {
		return
	}
	var have []string
	switch t := v.(type) {
	case string:
		have = []string{t}
	case []any:
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				c.add(index(p, i), "is %s, not a string", kind(e))
				continue
			}
			have = append(have, s)
		}
	default:
		c.add(p, "is %s, not an array of strings", kind(v))
		return
	}
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			c.add(p, "does not contain %q", w)
		}
	}
}

// typeIs checks a single-valued type member (a string, or an array holding
// the value, as Open Badges' JSON Schemas allow for IdentityObject).
func (c *checker) typeIs(obj map[string]any, path, name, want string) {
	if v, ok := obj[name].(string); ok {
		if v != want {
			c.add(member(path, name), "is %q, not %q", v, want)
		}
		return
	}
	c.types(obj, path, name, want)
}

// profile checks a Profile: an object with an id URI and a type containing
// "Profile"; name, url and email, when present, are strings.
func (c *checker) profile(obj map[string]any, path, name string, required bool) {
	m, ok := c.object(obj, path, name, required)
	if !ok {
		return
	}
	p := member(path, name)
	if id, ok := c.str(m, p, "id", true); ok {
		c.uri(member(p, "id"), id)
	}
	c.types(m, p, "type", TypeProfile)
	c.str(m, p, "name", false)
	if u, ok := c.str(m, p, "url", false); ok {
		c.uri(member(p, "url"), u)
	}
	c.str(m, p, "email", false)
}

func (c *checker) subject(root map[string]any) {
	const path = "$.credentialSubject"
	s, ok := c.object(root, "$", "credentialSubject", true)
	if !ok {
		return
	}
	c.types(s, path, "type", TypeAchievementSubject)
	c.idOr(s, path, "identifier", "has neither id nor identifier; one is required to name the holder")
	if v, ok := s["identifier"]; ok {
		p := member(path, "identifier")
		list, ok := v.([]any)
		if !ok {
			c.add(p, "is %s, not an array", kind(v))
		} else if len(list) == 0 {
			c.add(p, "is empty")
		}
		for i, e := range list {
			c.identity(index(p, i), e)
		}
	}
	c.achievement(s, path)
	c.str(s, path, "licenseNumber", false)
	c.time(s, path, "activityStartDate", false)
	c.time(s, path, "activityEndDate", false)
}

func (c *checker) identity(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(path, "is %s, not an object", kind(v))
		return
	}
	c.typeIs(m, path, "type", TypeIdentityObject)
	hash, hashOK := c.str(m, path, "identityHash", true)
	c.str(m, path, "identityType", true)
	hv, ok := c.get(m, path, "hashed", true)
	if !ok {
		return
	}
	hashed, ok := hv.(bool)
	if !ok {
		c.add(member(path, "hashed"), "is %s, not a boolean", kind(hv))
		return
	}
	if v, ok := m["salt"]; ok {
		if _, ok := v.(string); !ok {
			c.add(member(path, "salt"), "is %s, not a string", kind(v))
		}
	}
	if hashed && hashOK {
		alg, digest, _ := strings.Cut(hash, "$")
		n := map[string]int{"sha256": 64, "md5": 32}[strings.ToLower(alg)]
		if _, err := hex.DecodeString(digest); n == 0 || err != nil || len(digest) != n {
			c.add(member(path, "identityHash"), "is not \"sha256$\" or \"md5$\" followed by the hex digest")
		}
	}
}

func (c *checker) achievement(s map[string]any, path string) {
	a, ok := c.object(s, path, "achievement", true)
	if !ok {
		return
	}
	p := member(path, "achievement")
	if id, ok := c.str(a, p, "id", true); ok {
		c.uri(member(p, "id"), id)
	}
	c.types(a, p, "type", TypeAchievement)
	c.str(a, p, "name", true)
	c.str(a, p, "description", true)
	if cr, ok := c.object(a, p, "criteria", true); ok {
		cp := member(p, "criteria")
		c.idOr(cr, cp, "narrative", "has neither id nor narrative")
		c.str(cr, cp, "narrative", false)
	}
	c.str(a, p, "achievementType", false)
	c.str(a, p, "humanCode", false)
	c.profile(a, p, "creator", false)
}

func (c *checker) status(root map[string]any) {
	v, ok := root["credentialStatus"]
	if !ok {
		return
	}
	const p = "$.credentialStatus"
	switch t := v.(type) {
	case map[string]any:
		c.statusEntry(p, t)
	case []any:
		for i, e := range t {
			m, ok := e.(map[string]any)
			if !ok {
				c.add(index(p, i), "is %s, not an object", kind(e))
				continue
			}
			c.statusEntry(index(p, i), m)
		}
	default:
		c.add(p, "is %s, not an object or an array", kind(v))
	}
}

func (c *checker) statusEntry(path string, m map[string]any) {
	if id, ok := c.str(m, path, "id", false); ok {
		c.uri(member(path, "id"), id)
	}
	typ, ok := c.str(m, path, "type", true)
	if !ok || typ != statuslist.EntryType {
		return
	}
	if purpose, ok := c.str(m, path, "statusPurpose", true); ok {
		known := false
		for _, k := range StatusPurposes {
			known = known || purpose == k
		}
		if !known {
			c.add(member(path, "statusPurpose"), "is %q, not one of %s", purpose, strings.Join(StatusPurposes, ", "))
		}
	}
	if idx, ok := c.str(m, path, "statusListIndex", true); ok {
		if _, err := strconv.ParseUint(idx, 10, 63); err != nil || !isDigits(idx) {
			c.add(member(path, "statusListIndex"), "is %q, not a non-negative base-10 integer", idx)
		}
	}
	if u, ok := c.str(m, path, "statusListCredential", true); ok {
		if msg := checkURI(u); msg != "" {
			c.add(member(path, "statusListCredential"), "%q %s", u, msg)
		}
	}
	if v, ok := m["statusSize"]; ok {
		n, isNum := asNumber(v)
		if size, err := strconv.ParseUint(string(n), 10, 31); !isNum || err != nil || size == 0 {
			c.add(member(path, "statusSize"), "is %s, not a positive integer", describeNumber(v))
		}
	}
}

func describeNumber(v any) string {
	if n, ok := asNumber(v); ok {
		return string(n)
	}
	return kind(v)
}

// kind names the JSON type of a decoded value for a message, as
// jsonlimit.Kind does, reading a float64 as the number it is (see
// CheckDecoded).
func kind(v any) string {
	if _, ok := v.(float64); ok {
		return "a number"
	}
	return jsonlimit.Kind(v)
}

// asNumber returns a decoded JSON number as its text: a json.Number as it
// is, a float64 as json.Marshal writes it (see CheckDecoded).
func asNumber(v any) (jsonNumber, bool) {
	switch n := v.(type) {
	case jsonNumber:
		return n, true
	case float64:
		b, err := json.Marshal(n)
		if err != nil {
			return "", false
		}
		return jsonNumber(b), true
	}
	return "", false
}

func (c *checker) schema(root map[string]any) {
	v, ok := root["credentialSchema"]
	if !ok {
		return
	}
	const p = "$.credentialSchema"
	one := func(path string, e any) {
		m, ok := e.(map[string]any)
		if !ok {
			c.add(path, "is %s, not an object", kind(e))
			return
		}
		if id, ok := c.str(m, path, "id", true); ok {
			c.uri(member(path, "id"), id)
		}
		c.str(m, path, "type", true)
	}
	if list, ok := v.([]any); ok {
		for i, e := range list {
			one(index(p, i), e)
		}
		return
	}
	one(p, v)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

type jsonNumber = json.Number

// jsonUnmarshal decodes one JSON value, keeping numbers as json.Number and
// refusing trailing data.
func jsonUnmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}
