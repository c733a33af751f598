package scope

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// Status is a verified credential's standing when it was checked.
type Status string

// The standings Check reports. Only Active counts toward a scope.
const (
	// Active: the proof verifies, the issuer is on the trust list, the
	// credential is within its validity dates and neither revoked nor
	// suspended.
	Active Status = "active"
	// Suspended: the issuer's suspension list has the credential's bit set.
	Suspended Status = "suspended"
	// Revoked: the issuer's revocation list has the credential's bit set.
	Revoked Status = "revoked"
	// Expired: the check was at or after the credential's validUntil.
	Expired Status = "expired"
	// Untrusted: the issuer the credential names is not on the practice's
	// trust list (or no longer is). Check decides it before fetching
	// anything, so the proof was not verified: nothing an issuer off the
	// list publishes counts, not even a site that no longer answers.
	Untrusted Status = "untrusted"
	// NoLongerVerifies: a credential attached earlier that, checked
	// again, no longer verifies at all (its issuer now publishes another
	// key under the same id, or the stored document was altered). Check
	// never returns it: it is what a practice stores when Check refuses a
	// stored credential as Invalid, with Check's message as the Reason. It
	// counts for nothing, like a revoked credential.
	NoLongerVerifies Status = "no_longer_verifies"
)

// Verified is what Check found of one credential: who issued it to whom,
// what it awards, its standing and when to check it again.
type Verified struct {
	// CredentialID is the credential's id (a URL for certboard's).
	CredentialID string `json:"credential_id"`
	// Format is the proof format: "data-integrity" or "vc-jwt".
	Format string `json:"format"`
	// Issuer is the issuer's DID, whose key the proof verified with; for
	// an Untrusted credential, the DID it names as its issuer (its proof
	// was not checked).
	Issuer string `json:"issuer"`
	// IssuerName is the name the practice's trust list gives the issuer;
	// "" when the issuer is not on it.
	IssuerName string `json:"issuer_name,omitempty"`
	// ClaimedIssuerName is the name the credential gives its issuer: its
	// own claim, which nothing checks.
	ClaimedIssuerName string `json:"claimed_issuer_name,omitempty"`
	// Holder is the holder's name as the credential states it.
	Holder string `json:"holder,omitempty"`
	// Achievement is what the credential awards.
	Achievement Achievement `json:"achievement"`
	// ValidFrom is when the credential takes effect.
	ValidFrom time.Time `json:"valid_from"`
	// ValidUntil is when it expires; zero when it never does.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// Status is its standing at CheckedAt.
	Status Status `json:"status"`
	// Reason says, for any status but Active, why, in the verifier's words
	// ("the issuer has suspended this credential", "expired on ...").
	Reason string `json:"reason,omitempty"`
	// CheckedAt is when the check was made.
	CheckedAt time.Time `json:"checked_at"`
	// NextCheck is when to check it again (see Check).
	NextCheck time.Time `json:"next_check"`
}

// IssuerLabel names the issuer for messages: the trust list's name, else
// the name the credential claims with its DID, else the DID.
func (v Verified) IssuerLabel() string {
	switch {
	case v.IssuerName != "":
		return v.IssuerName
	case v.ClaimedIssuerName != "":
		return fmt.Sprintf("%s (%s, as it calls itself)", v.Issuer, v.ClaimedIssuerName)
	}
	return v.Issuer
}

// When to check a credential again.
const (
	// CheckEvery is how often a credential is checked again: daily.
	CheckEvery = 24 * time.Hour
	// MinCheckInterval is the shortest time between two checks, whatever a
	// status list's ttl or validUntil says.
	MinCheckInterval = time.Hour
)

// Check verifies a practitioner's credential at time now with certboard's
// verifier, and reports what it found. raw is the credential as the issuer
// gave it: JSON with a Data Integrity (eddsa-rdfc-2022) proof, or a VC-JWT.
// holderEmail is the e-mail address the credential must have been issued
// to: the practitioner's verified address when attaching, and the address
// it was attached under on every later check. trust is the practice's
// trust list; fetch gets the issuer's DID document and status lists.
//
// The issuer the credential names is judged against trust first, before
// anything is fetched: a credential whose issuer is not on the list is
// Untrusted without fetching its issuer's DID document or status lists, so
// that an issuer taken off the list cannot keep its credentials counting
// by making its site unreachable (which would otherwise read as "could not
// check now"). Such a credential is still read, refused when it is not one
// at all or names another holder, and its Verified filled from what it
// says.
//
// Otherwise Check returns a Verified with a Status when the credential is
// authentic and the practitioner's: its proof verifies with a key of its
// issuer, it is a well-formed Open Badges 3.0 credential and it names
// holderEmail as its holder. Its Status is, in this order of precedence,
// Untrusted, Revoked, Suspended (from the purposes the verifier found set
// in the issuer's status lists), Expired, or else Active. Whether the
// issuer is trusted for the credential's type is not Check's to say: the
// practice may change that at any time, so Allowed judges it.
//
// Otherwise it returns a certboard error whose message a person can act
// on: Invalid when the credential is not one (unreadable, altered, a proof
// of another key, badly formed, not yet valid, issued to someone else),
// TooLarge when it is over the verifier's limits, and Unavailable when it
// could not be checked now (the issuer's DID document or a status list
// could not be fetched or read), which says nothing against it: keep the
// last result and try again later. An expired credential whose status
// lists could not be read is still Expired. On a later check of stored
// bytes, Invalid means the credential no longer verifies at all (its
// issuer now publishes another key under the same id): store it as
// NoLongerVerifies.
//
// NextCheck is CheckedAt plus CheckEvery, brought forward to the first of:
// the ttl of a status list the credential names, when shorter (the
// Bitstring Status List ttl is the time "before a refresh SHOULD be
// attempted"); a status list's own validUntil; and the credential's
// validUntil, so that its expiry is seen on time. A ttl or list validity
// never brings it closer than MinCheckInterval; a ttl longer than a day
// does not put it off, since the practice re-checks daily and the
// specification says a ttl does not override a list's validity period.
func Check(ctx context.Context, raw []byte, holderEmail string, trust TrustList, fetch verifier.Fetch, now time.Time) (Verified, error) {
	if fetch == nil {
		return Verified{}, certboard.Wrap(errors.New("scope.Check needs a fetch function"), "checking a credential")
	}
	if strings.TrimSpace(holderEmail) == "" {
		return Verified{}, certboard.Wrap(errors.New("scope.Check needs the holder's e-mail address"), "checking a credential")
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return Verified{}, certboard.FieldError(certboard.Invalid, "credential",
			"give the credential: the JSON file or the VC-JWT its issuer sent you")
	}
	if err := verifier.CheckBounds(raw); err != nil {
		return Verified{}, certboard.FieldError(certboard.TooLarge, "credential", err.Error())
	}
	cut := func(err error) error {
		return &certboard.Error{Code: certboard.Unavailable, Field: "credential",
			Message: "credential: the check was cut short; try again", Err: err}
	}
	// Read it without the network first, to learn which issuer it names.
	r := verifier.Verify(ctx, raw, offline, now)
	if err := ctx.Err(); err != nil {
		return Verified{}, cut(err)
	}
	trusted := trust.Lists(r.IssuerID())
	if trusted || r.Credential == nil {
		r = verifier.Verify(ctx, raw, fetch, now)
		if err := ctx.Err(); err != nil {
			return Verified{}, cut(err)
		}
		if err := authentic(r); err != nil {
			return Verified{}, err
		}
	} else if err := refused(r); err != nil {
		return Verified{}, err
	}
	v := Verified{
		CredentialID:      r.ID(),
		Format:            r.Format,
		Issuer:            r.IssuerID(),
		ClaimedIssuerName: r.IssuerName(),
		Holder:            r.HolderName(),
		Achievement:       achievementOf(r.Credential),
		CheckedAt:         now,
	}
	if err := holds(r.Credential, holderEmail); err != nil {
		return Verified{}, err
	}
	from, until := dates(r.Credential, raw, r.Format)
	v.ValidFrom, v.ValidUntil = from, until
	if !from.IsZero() && now.Before(from) {
		return Verified{}, certboard.FieldError(certboard.Invalid, "credential", fmt.Sprintf(
			"the credential is not valid yet: it takes effect on %s; attach it from then", day(from)))
	}
	// Bad validity dates refuse the credential, unless it merely expired.
	// Read without the network, a VC-JWT's dates may not have been
	// checked at all; only a check that found them invalid refuses it then.
	if c, ok := r.Checks.Lookup(vcjwt.CheckValidity); !ok || c.Outcome != verification.Valid {
		expired := !until.IsZero() && !now.Before(until)
		checked := trusted || (ok && c.Outcome == verification.Invalid)
		if !expired && checked {
			return Verified{}, certboard.FieldError(certboard.Invalid, "credential", "the credential's validity dates: "+detail(c, ok))
		}
	}
	// The issuer whose key the proof verified with must be on the list
	// too: SignedBy is the named issuer once authentic, so this only
	// guards the reading above.
	if trusted && r.Issuer(nil, trust.Names()).Trusted {
		v.Issuer, v.IssuerName = r.SignedBy(), trust[r.SignedBy()].Name
	} else {
		v.Status = Untrusted
		v.Reason = fmt.Sprintf("its issuer %s is not on the practice's trust list", v.IssuerLabel())
		v.NextCheck = nextCheck(now, until, nil)
		return v, nil
	}
	status, _ := r.Checks.Lookup(verifier.CheckStatus)
	switch {
	case slices.Contains(r.StatusSet, statuslist.Revocation):
		v.Status, v.Reason = Revoked, status.Detail
	case slices.Contains(r.StatusSet, statuslist.Suspension):
		v.Status, v.Reason = Suspended, status.Detail
	case status.Outcome == verification.Invalid:
		// The verifier reports a set bit in StatusSet; anything else it
		// finds invalid about the status is refused as it says.
		return Verified{}, certboard.FieldError(certboard.Invalid, "credential", "the credential's status: "+status.Detail)
	case !until.IsZero() && !now.Before(until):
		v.Status, v.Reason = Expired, "expired on "+day(until)
	case status.Outcome != verification.Valid:
		return Verified{}, &certboard.Error{Code: certboard.Unavailable, Field: "credential", Message: fmt.Sprintf(
			"credential: its issuer's status lists could not be checked now (%s); nothing is wrong with the credential as far as is known: try again later", status.Detail)}
	default:
		v.Status = Active
	}
	var lists []verifier.StatusList
	if status.Outcome != verification.CouldNotCheck {
		lists = r.StatusLists
	}
	v.NextCheck = nextCheck(now, until, lists)
	return v, nil
}

// errOffline is what offline answers: the first reading of a credential
// fetches nothing.
var errOffline = errors.New("not fetched: the credential's issuer is judged against the trust list first")

// offline is the fetch of the first reading of a credential: none.
func offline(context.Context, string) ([]byte, error) { return nil, errOffline }

// Attach is Check for a credential a practitioner attaches: a credential
// that is not Active is refused (Invalid) with the reason, so that nothing
// about the practitioner's scope changes.
func Attach(ctx context.Context, raw []byte, holderEmail string, trust TrustList, fetch verifier.Fetch, now time.Time) (Verified, error) {
	v, err := Check(ctx, raw, holderEmail, trust, fetch, now)
	if err != nil {
		return Verified{}, err
	}
	switch v.Status {
	case Active:
		return v, nil
	case Untrusted:
		return Verified{}, certboard.FieldError(certboard.Invalid, "credential", fmt.Sprintf(
			"the credential's %s; ask the practice's admin to add the issuer if the practice should trust it", strings.TrimPrefix(v.Reason, "its ")))
	}
	return Verified{}, certboard.FieldError(certboard.Invalid, "credential", fmt.Sprintf(
		"the credential is %s: %s; only a current credential can be attached", v.Status, v.Reason))
}

// authentic returns nil when the report shows an authentic, well-formed
// credential: its format read, its proof's structure and signature valid,
// the signing key its issuer's, and its Open Badges shape valid. Otherwise
// it returns the first Invalid check as an Invalid error, or the first
// check that could not be made as an Unavailable one.
func authentic(r *verifier.Report) error {
	if err := refused(r); err != nil {
		return err
	}
	for _, n := range authenticChecks {
		c, ok := r.Checks.Lookup(n)
		if n == verifier.CheckFormat && !ok {
			continue // the format check is only reported when it fails
		}
		if !ok || c.Outcome != verification.Valid {
			return &certboard.Error{Code: certboard.Unavailable, Field: "credential", Message: fmt.Sprintf(
				"credential: it could not be checked now (%s); nothing is known against it: try again later", detail(c, ok))}
		}
	}
	if r.SignedBy() == "" {
		// The checks above are all valid, so this does not happen; refuse
		// rather than name an issuer the proof did not establish.
		return certboard.FieldError(certboard.Invalid, "credential", "the credential's proof does not establish who issued it")
	}
	return nil
}

// refused returns, for a credential read without the network (its issuer
// not on the trust list, so nothing more is fetched), the first of
// authentic's checks that found it Invalid, as authentic words it: the
// checks that need nothing fetched (its format and shape, and the proof of
// a did:key issuer) still refuse what is not a credential at all. The
// checks that could not be made without the network are passed over.
func refused(r *verifier.Report) error {
	for _, n := range authenticChecks {
		if c, ok := r.Checks.Lookup(n); ok && c.Outcome == verification.Invalid {
			return certboard.FieldError(certboard.Invalid, "credential", authenticWords[n]+" ("+c.Detail+")")
		}
	}
	return nil
}

// authenticChecks are the checks of an authentic credential, in the order
// their failures are reported, and authenticWords what each failing means.
var (
	authenticChecks = []string{verifier.CheckFormat, dataintegrity.CheckStructure, dataintegrity.CheckSignature, dataintegrity.CheckIssuer, "open_badges"}
	authenticWords  = map[string]string{
		verifier.CheckFormat:         "this is not a credential the practice can read",
		dataintegrity.CheckStructure: "the credential's proof is malformed",
		dataintegrity.CheckSignature: "the credential's signature does not match: it was changed after it was issued, or signed by someone else than its issuer",
		dataintegrity.CheckIssuer:    "the credential was not signed with a key of the issuer it names",
		"open_badges":                "this is not a well-formed Open Badges 3.0 credential",
	}
)

// detail is a check's detail, or a sentence saying it was not made.
func detail(c verification.Check, ok bool) string {
	if !ok || c.Detail == "" {
		return "the check was not made"
	}
	return c.Detail
}

// holds checks that the credential names holderEmail as its holder: an
// emailAddress identity of its subject (hashed or plain) that matches.
func holds(cred map[string]any, holderEmail string) error {
	ids := identities(cred)
	emails := 0
	for _, id := range ids {
		if id.IdentityType != credential.IdentityEmail {
			continue
		}
		emails++
		if credential.MatchesEmail(id, holderEmail) {
			return nil
		}
	}
	if emails == 0 {
		return certboard.FieldError(certboard.Invalid, "credential",
			"the credential does not name its holder by e-mail address, so the practice cannot tell it was issued to you; ask its issuer for one that does")
	}
	return certboard.FieldError(certboard.Invalid, "credential", fmt.Sprintf(
		"the credential was issued to another e-mail address than yours (%s); attach a credential issued to you, or ask its issuer to reissue it to this address", credential.NormalizeEmail(holderEmail)))
}

// subjects returns the credential's subjects (an object or an array).
func subjects(cred map[string]any) []map[string]any {
	switch v := cred["credentialSubject"].(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// identities returns the Open Badges identity objects of every subject.
func identities(cred map[string]any) []credential.IdentityObject {
	var out []credential.IdentityObject
	for _, s := range subjects(cred) {
		list, _ := s["identifier"].([]any)
		if one, ok := s["identifier"].(map[string]any); ok {
			list = []any{one}
		}
		for _, e := range list {
			m, ok := e.(map[string]any)
			if !ok {
				continue
			}
			id := credential.IdentityObject{}
			id.IdentityType, _ = m["identityType"].(string)
			id.IdentityHash, _ = m["identityHash"].(string)
			id.Hashed, _ = m["hashed"].(bool)
			id.Salt, _ = m["salt"].(string)
			out = append(out, id)
		}
	}
	return out
}

// achievementOf reads the achievement of the credential's first subject
// that has one.
func achievementOf(cred map[string]any) Achievement {
	for _, s := range subjects(cred) {
		a, ok := s["achievement"].(map[string]any)
		if !ok {
			continue
		}
		str := func(k string) string { v, _ := a[k].(string); return strings.TrimSpace(v) }
		return Achievement{ID: str("id"), Name: str("name"), HumanCode: str("humanCode"), AchievementType: str("achievementType")}
	}
	return Achievement{}
}

// dates reads the credential's validity window: validFrom and validUntil,
// or, in a VC-JWT, the nbf and exp claims when the credential lacks them
// (the verifier checked that they agree when both are given).
func dates(cred map[string]any, raw []byte, format string) (from, until time.Time) {
	read := func(k string) time.Time {
		s, _ := cred[k].(string)
		t, err := credential.ParseTime(s)
		if err != nil {
			return time.Time{}
		}
		return t.UTC()
	}
	from, until = read("validFrom"), read("validUntil")
	if format == "vc-jwt" && (from.IsZero() || until.IsZero()) {
		nbf, exp := jwtClaimTimes(raw)
		if from.IsZero() {
			from = nbf
		}
		if until.IsZero() {
			until = exp
		}
	}
	return from, until
}

// jwtClaimTimes reads the nbf and exp claims of a VC-JWT's payload; zero
// times for claims that are absent or not a NumericDate.
func jwtClaimTimes(raw []byte) (nbf, exp time.Time) {
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 {
		return
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return
	}
	numeric := func(k string) time.Time {
		n, ok := claims[k].(float64)
		if !ok || math.IsNaN(n) || math.Abs(n) > 253402300799 {
			return time.Time{}
		}
		return time.Unix(int64(n), 0).UTC()
	}
	return numeric("nbf"), numeric("exp")
}

// day formats a time as a calendar day in UTC.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// nextCheck is when to check again after a check at now (see Check).
func nextCheck(now, credUntil time.Time, lists []verifier.StatusList) time.Time {
	next := now.Add(CheckEvery)
	earliest := now.Add(MinCheckInterval)
	for _, l := range lists {
		if l.TTL > 0 {
			if t := now.Add(l.TTL); t.Before(next) {
				next = t
			}
		}
		if !l.ValidUntil.IsZero() && l.ValidUntil.Before(next) {
			next = l.ValidUntil
		}
	}
	if next.Before(earliest) {
		next = earliest
	}
	if credUntil.After(now) && credUntil.Before(next) {
		next = credUntil
	}
	return next
}
