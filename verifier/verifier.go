// Package verifier checks a credential the way anyone who receives one
// would: it reads either proof format (a JSON credential with a Data
// Integrity eddsa-rdfc-2022 proof, or a VC-JWT), resolves the issuer's key
// (did:key locally, did:web by fetching the issuer's DID document), checks
// the signature, the structure, the validity window and the status lists,
// and reports each check on its own. "Could not check" (a document or list
// that cannot be fetched, an unknown key) stays apart from "invalid".
//
// Fetching goes through a function the caller gives, so the package does no
// I/O of its own and tests can serve anything.
package verifier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verification"
)

// Fetch returns the body at an https (or local http) URL.
type Fetch func(ctx context.Context, url string) ([]byte, error)

// Names of the checks a report holds, besides those of the proof format.
const (
	CheckFormat = "format"
	CheckStatus = "status"
)

// Report is what Verify found.
type Report struct {
	// Format is "data-integrity" or "vc-jwt".
	Format string `json:"format"`
	// Credential is the credential read, when it could be.
	Credential map[string]any      `json:"credential,omitempty"`
	Checks     verification.Checks `json:"checks"`
	// VerificationMethod is the verification method (a DID URL) the
	// credential's proof names, when it could be read.
	VerificationMethod string `json:"verification_method,omitempty"`
	// SignedWith is the public key the proof's signature verified with:
	// the key VerificationMethod resolved to. It is nil unless the
	// signature check is valid.
	SignedWith ed25519.PublicKey `json:"-"`
	// StatusSet lists the status purposes whose bit the status check found
	// set for the credential (statuslist.Revocation, statuslist.Suspension),
	// so that a caller tells a revoked credential from a suspended one
	// without reading the check's words. Revocation is read first and a
	// set revocation bit ends the reading, as the check reports it; empty
	// when no bit was found set.
	StatusSet []statuslist.Purpose `json:"status_set,omitempty"`
	// StatusLists are the status lists the status check read, in the order
	// read: each one fetched, verified as a list of the credential's
	// issuer and of the entry's purpose, with what it says of how long a
	// reading of it holds. A list that could not be read is not among
	// them.
	StatusLists []StatusList `json:"status_lists,omitempty"`
}

// StatusList is one Bitstring Status List a verification read.
type StatusList struct {
	// URL is where the list was fetched: the statusListCredential of the
	// credential's status entry.
	URL string `json:"url"`
	// Purpose is the list's statusPurpose.
	Purpose statuslist.Purpose `json:"purpose"`
	// TTL is the list's ttl, the time before a refresh of it should be
	// attempted; 0 when it gives none, or none that is a positive number of
	// milliseconds a time.Duration holds.
	TTL time.Duration `json:"ttl,omitempty"`
	// ValidUntil is the list credential's validUntil; zero when it gives
	// none or one that is not a date-time.
	ValidUntil time.Time `json:"valid_until,omitzero"`
}

// Status sums the checks up: valid, invalid or could_not_check.
func (r *Report) Status() string { return r.Checks.Status() }

// MaxSize is the largest credential Verify reads, in bytes, as JSON or as
// a VC-JWT: a signed Open Badges credential is a few KiB.
const MaxSize = vcjwt.MaxTokenSize

// MaxDepth bounds the nesting of a credential's JSON (in a VC-JWT, of its
// header and payload): an Open Badges credential nests fewer than 10
// levels.
const MaxDepth = jsonlimit.MaxDepth

// CheckBounds returns an error wrapping a *jsonlimit.Error when the
// credential data (JSON or a VC-JWT) is larger than MaxSize or nests deeper
// than MaxDepth, and nil otherwise. It reads the bytes once and decodes
// nothing but a token's base64url. Verify runs it first and reports a
// credential over a limit as an invalid format; a caller that must answer
// such input apart (an HTTP server answering 400 or 413) calls it first.
func CheckBounds(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > MaxSize {
		return fmt.Errorf("the credential is %w", jsonlimit.SizeError(MaxSize))
	}
	if len(data) > 0 && data[0] == '{' {
		if err := jsonlimit.Check(data, jsonlimit.Limits{MaxDepth: MaxDepth}); err != nil {
			return fmt.Errorf("the credential is %w", err)
		}
		return nil
	}
	return vcjwt.CheckBounds(string(data))
}

// Verify checks a credential given as JSON or as a VC-JWT, at time now.
// A credential over a limit (CheckBounds) is not read further.
func Verify(ctx context.Context, data []byte, fetch Fetch, now time.Time) *Report {
	data = bytes.TrimSpace(data)
	resolve := keyResolver(ctx, fetch)
	// The key of the proof's own verification method, kept to say which
	// key the signature verified with.
	var proofKey ed25519.PublicKey
	resolveProof := func(vm string) (ed25519.PublicKey, error) {
		pub, err := resolve(vm)
		proofKey = pub
		return pub, err
	}
	r := &Report{}
	if err := CheckBounds(data); err != nil {
		r.Checks = verification.Checks{{Name: CheckFormat, Outcome: verification.Invalid, Detail: err.Error()}}
		return r
	}
	switch {
	case len(data) > 0 && data[0] == '{':
		r.Format = "data-integrity"
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			r.Checks = verification.Checks{{Name: CheckFormat, Outcome: verification.Invalid, Detail: "not a JSON object: " + err.Error()}}
			return r
		}
		r.Credential = doc
		res, err := dataintegrity.Verify(doc, resolveProof)
		if err != nil {
			r.Checks = verification.Checks{{Name: CheckFormat, Outcome: verification.CouldNotCheck, Detail: err.Error()}}
			return r
		}
		r.VerificationMethod = res.VerificationMethod
		r.Checks = append(r.Checks, res.Checks...)
		r.Checks = append(r.Checks, validity(doc, now))
	case len(data) > 0 && strings.Count(string(data), ".") == 2:
		r.Format = "vc-jwt"
		res, err := vcjwt.Verify(string(data), resolveProof, now)
		if err != nil {
			r.Checks = verification.Checks{{Name: CheckFormat, Outcome: verification.CouldNotCheck, Detail: err.Error()}}
			return r
		}
		r.VerificationMethod = res.KeyID
		r.Credential = res.Credential()
		r.Checks = append(r.Checks, res.Checks...)
		if r.Credential == nil {
			if s, _ := res.Lookup(vcjwt.CheckStructure); s.Outcome == verification.Valid {
				// Not expected (vcjwt reads what it can decode), but a
				// credential that cannot be read must not pass unchecked.
				r.Checks = append(r.Checks, verification.Check{Name: CheckFormat, Outcome: verification.CouldNotCheck,
					Detail: "the token's credential could not be decoded"})
			}
		}
	default:
		r.Checks = verification.Checks{{Name: CheckFormat, Outcome: verification.Invalid,
			Detail: "neither a JSON credential nor a VC-JWT (three base64url parts joined by dots)"}}
		return r
	}
	if sig, ok := r.Checks.Lookup(vcjwt.CheckSignature); ok && sig.Outcome == verification.Valid {
		r.SignedWith = proofKey
	}
	if r.Credential != nil {
		r.Checks = append(r.Checks, shape(r.Credential))
		c, set, lists := status(ctx, r.Credential, fetch, resolve, now)
		r.Checks = append(r.Checks, c)
		r.StatusSet, r.StatusLists = set, lists
	}
	return r
}

// keyResolver resolves a verification method: did:key locally, did:web by
// fetching the DID document. Anything that fails to resolve is an unknown
// key, which the proof packages report as "could not check".
func keyResolver(ctx context.Context, fetch Fetch) func(string) (ed25519.PublicKey, error) {
	return func(vm string) (ed25519.PublicKey, error) {
		id, _, err := did.Split(vm)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", vcjwt.ErrUnknownKey, err)
		}
		if strings.HasPrefix(id, "did:key:") {
			return did.ResolveKey(vm)
		}
		url, err := did.WebDocumentURL(id)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", vcjwt.ErrUnknownKey, err)
		}
		body, err := fetch(ctx, url)
		if err != nil {
			return nil, fmt.Errorf("%w: the issuer's DID document at %s could not be fetched: %v", vcjwt.ErrUnknownKey, url, err)
		}
		doc, err := did.ParseDocument(body, id)
		if err != nil {
			return nil, fmt.Errorf("%w: the issuer's DID document at %s: %v", vcjwt.ErrUnknownKey, url, err)
		}
		return doc.Key(vm)
	}
}

// validity checks the validity window of a JSON credential (the VC-JWT
// package does this for tokens).
func validity(doc map[string]any, now time.Time) verification.Check {
	c := verification.Check{Name: vcjwt.CheckValidity}
	from, _ := doc["validFrom"].(string)
	start, err := credential.ParseTime(from)
	if err != nil {
		c.Outcome, c.Detail = verification.Invalid, "validFrom is missing or not a date-time"
		return c
	}
	if now.Before(start) {
		c.Outcome, c.Detail = verification.Invalid, "not yet valid: valid from "+start.UTC().Format(time.RFC3339)
		return c
	}
	if until, ok := doc["validUntil"].(string); ok {
		end, err := credential.ParseTime(until)
		if err != nil {
			c.Outcome, c.Detail = verification.Invalid, "validUntil is not a date-time"
			return c
		}
		if !now.Before(end) {
			c.Outcome, c.Detail = verification.Invalid, "expired on "+end.UTC().Format(time.RFC3339)
			return c
		}
		c.Outcome, c.Detail = verification.Valid, fmt.Sprintf("valid from %s until %s", start.UTC().Format("2006-01-02"), end.UTC().Format("2006-01-02"))
		return c
	}
	c.Outcome, c.Detail = verification.Valid, "valid from "+start.UTC().Format("2006-01-02")+", without an end"
	return c
}

// shape checks the credential's structure as an Open Badges 3.0 credential.
func shape(cred map[string]any) verification.Check {
	c := verification.Check{Name: "open_badges"}
	if ps := credential.CheckDecoded(cred); len(ps) > 0 {
		var msgs []string
		for _, p := range ps {
			msgs = append(msgs, p.String())
		}
		c.Outcome, c.Detail = verification.Invalid, strings.Join(msgs, "; ")
		return c
	}
	c.Outcome, c.Detail = verification.Valid, "a well-formed Open Badges 3.0 credential"
	return c
}

// status fetches each Bitstring Status List the credential names, verifies
// the list's own proof and reads the credential's bit. It also returns the
// purposes found set and the lists read (see Report).
func status(ctx context.Context, cred map[string]any, fetch Fetch, resolve func(string) (ed25519.PublicKey, error), now time.Time) (verification.Check, []statuslist.Purpose, []StatusList) {
	c := verification.Check{Name: CheckStatus}
	var entries []map[string]any
	switch v := cred["credentialStatus"].(type) {
	case map[string]any:
		entries = append(entries, v)
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				entries = append(entries, m)
			}
		}
	}
	if len(entries) == 0 {
		c.Outcome, c.Detail = verification.Valid, "the credential names no status list"
		return c, nil, nil
	}
	issuer := issuerID(cred)
	for _, e := range entries {
		if e["type"] != statuslist.EntryType || (e["statusPurpose"] != "revocation" && e["statusPurpose"] != "suspension") {
			c.Outcome, c.Detail = verification.CouldNotCheck, fmt.Sprintf("a status entry of type %v and purpose %v is not one this verifier reads", e["type"], e["statusPurpose"])
			return c, nil, nil
		}
	}
	var lists []StatusList
	// Revocation first: a revoked credential is revoked whatever else.
	for _, purpose := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
		for _, e := range entries {
			if e["statusPurpose"] != string(purpose) {
				continue
			}
			on, list, err := statusBit(ctx, e, issuer, fetch, resolve, now)
			if err != nil {
				c.Outcome, c.Detail = verification.CouldNotCheck, err.Error()
				return c, nil, lists
			}
			list.Purpose = purpose
			lists = append(lists, list)
			if on {
				word := map[statuslist.Purpose]string{statuslist.Revocation: "revoked", statuslist.Suspension: "suspended"}[purpose]
				c.Outcome, c.Detail = verification.Invalid, "the issuer has "+word+" this credential"
				return c, []statuslist.Purpose{purpose}, lists
			}
		}
	}
	c.Outcome, c.Detail = verification.Valid, "neither revoked nor suspended"
	return c, nil, lists
}

var errStatus = errors.New("status list")

// MaxStatusListSize bounds a status list credential Verify reads: a list
// of 131,072 entries, compressed and signed, is a few KiB.
const MaxStatusListSize = 4 << 20

// issuerID is a credential's issuer id (a string, or an object with id).
func issuerID(cred map[string]any) string {
	switch v := cred["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		id, _ := v["id"].(string)
		return id
	}
	return ""
}

// statusBit reads a credential's bit in the list an entry names, after
// checking that the list is a status list of that purpose, by the same
// issuer, signed with one of the issuer's keys. It returns the list read,
// its URL, ttl and validUntil filled in. What is read from a list's body is
// kept for later verifications (see listCache).
func statusBit(ctx context.Context, e map[string]any, issuer string, fetch Fetch, resolve func(string) (ed25519.PublicKey, error), now time.Time) (bool, StatusList, error) {
	url, _ := e["statusListCredential"].(string)
	index, err := strconv.Atoi(fmt.Sprint(e["statusListIndex"]))
	if url == "" || err != nil || index < 0 {
		return false, StatusList{}, fmt.Errorf("%w: the status entry lacks a list URL or an index", errStatus)
	}
	body, err := fetch(ctx, url)
	if err != nil {
		return false, StatusList{}, fmt.Errorf("%w: %s could not be fetched: %v", errStatus, url, err)
	}
	digest := sha256.Sum256(body)
	list := readLists.get(url, digest, now)
	if list != nil {
		if key, err := resolve(list.method); err != nil || !bytes.Equal(key, list.key) {
			list = nil // read it again, as if never kept
		}
	}
	if list == nil {
		if list, err = readList(url, body, resolve); err != nil {
			return false, StatusList{}, err
		}
		list.digest = digest
		readLists.put(url, list, now)
	}
	if list.issuer != issuer || issuer == "" {
		return false, StatusList{}, fmt.Errorf("%w: the list at %s is issued by %q, not by the credential's issuer %q", errStatus, url, list.issuer, issuer)
	}
	if vmDID, _, err := did.Split(list.method); err != nil || vmDID != issuer {
		return false, StatusList{}, fmt.Errorf("%w: the list at %s is not signed with a key of the credential's issuer", errStatus, url)
	}
	if !list.typed {
		return false, StatusList{}, fmt.Errorf("%w: %s is not a %s", errStatus, url, statuslist.CredentialType)
	}
	if list.purpose != e["statusPurpose"] {
		return false, StatusList{}, fmt.Errorf("%w: the list at %s is for %v, not %v", errStatus, url, list.purpose, e["statusPurpose"])
	}
	if list.bitsErr != nil {
		return false, StatusList{}, fmt.Errorf("%w: the list at %s: %v", errStatus, url, list.bitsErr)
	}
	on, err := list.bits.Get(index)
	if err != nil {
		return false, StatusList{}, err
	}
	return on, StatusList{URL: url, TTL: list.ttl, ValidUntil: list.validUntil}, nil
}

// readList reads a fetched status list: its size and nesting, its JSON, its
// Data Integrity proof (which must verify), and what statusBit judges. An
// error means the list cannot be used, whatever the credential.
func readList(url string, body []byte, resolve func(string) (ed25519.PublicKey, error)) (*listReading, error) {
	if err := jsonlimit.Check(body, jsonlimit.Limits{MaxBytes: MaxStatusListSize, MaxDepth: MaxDepth}); err != nil {
		return nil, fmt.Errorf("%w: %s is %v", errStatus, url, err)
	}
	var list map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%w: %s is not JSON: %v", errStatus, url, err)
	}
	var key ed25519.PublicKey
	res, err := dataintegrity.Verify(list, func(vm string) (ed25519.PublicKey, error) {
		k, err := resolve(vm)
		key = k
		return k, err
	})
	if err != nil {
		return nil, fmt.Errorf("%w: the list at %s: %v", errStatus, url, err)
	}
	if !res.Valid() {
		return nil, fmt.Errorf("%w: the list at %s does not verify (%s)", errStatus, url, res.Status())
	}
	types, _ := list["type"].([]any)
	subject, _ := list["credentialSubject"].(map[string]any)
	encoded, _ := subject["encodedList"].(string)
	bits, bitsErr := statuslist.Decode(encoded)
	return &listReading{
		issuer:     issuerID(list),
		method:     res.VerificationMethod,
		key:        bytes.Clone(key),
		typed:      containsString(types, statuslist.CredentialType),
		purpose:    subject["statusPurpose"],
		bits:       bits,
		bitsErr:    bitsErr,
		ttl:        listTTL(subject["ttl"]),
		validUntil: listUntil(list["validUntil"]),
	}, nil
}

// listTTL reads a status list's ttl, a number of milliseconds; 0 when it
// is absent, not a positive number, or too long for a time.Duration.
func listTTL(v any) time.Duration {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	ms, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || math.IsNaN(ms) || ms <= 0 || ms >= float64(math.MaxInt64/int64(time.Millisecond)) {
		return 0
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// listUntil reads a status list credential's validUntil; zero when it is
// absent or not a date-time.
func listUntil(v any) time.Time {
	s, _ := v.(string)
	t, err := credential.ParseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func containsString(list []any, want string) bool {
	for _, v := range list {
		if v == want {
			return true
		}
	}
	return false
}

// ID is the credential's id, when it has one.
func (r *Report) ID() string {
	id, _ := r.Credential["id"].(string)
	return id
}

// IssuerID is the id of the credential's issuer, as the credential states
// it (trust it only as far as the checks go; see Issuer).
func (r *Report) IssuerID() string { return issuerID(r.Credential) }

// IssuerName is the issuer's name as the credential states it (issuer.name),
// or "" when it gives none. It is the issuer's own claim, which nothing
// checks: anyone can sign a credential calling itself by any name. Show it
// only as such (see Issuer).
func (r *Report) IssuerName() string {
	if m, ok := r.Credential["issuer"].(map[string]any); ok {
		name, _ := m["name"].(string)
		return strings.TrimSpace(name)
	}
	return ""
}

// HolderName is the holder's name as the credential states it: the
// subject's name, or else a plain (unhashed) identifier of type name, as
// certboard's credentials carry; "" when it gives none.
func (r *Report) HolderName() string {
	subjects := []map[string]any{}
	switch v := r.Credential["credentialSubject"].(type) {
	case map[string]any:
		subjects = append(subjects, v)
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				subjects = append(subjects, m)
			}
		}
	}
	for _, s := range subjects {
		if name, ok := s["name"].(string); ok && strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name)
		}
		ids, _ := s["identifier"].([]any)
		for _, x := range ids {
			id, _ := x.(map[string]any)
			if id["identityType"] == credential.IdentityName && id["hashed"] != true {
				if name, ok := id["identityHash"].(string); ok && strings.TrimSpace(name) != "" {
					return strings.TrimSpace(name)
				}
			}
		}
	}
	return ""
}
