// Package dataintegrity secures verifiable credentials with W3C Data
// Integrity proofs of the cryptosuite eddsa-rdfc-2022, as specified by W3C
// Verifiable Credential Data Integrity 1.0 and W3C Data Integrity EdDSA
// Cryptosuites v1.0, the linked-data proof format of Open Badges 3.0, and
// verifies such proofs check by check.
//
// A proof is made as the cryptosuite specifies: the proof options (type
// DataIntegrityProof, cryptosuite eddsa-rdfc-2022, created,
// verificationMethod, proofPurpose assertionMethod, and the document's
// @context) and the document without its proof are each turned into RDF
// (JSON-LD 1.1 toRdf) and canonicalized with the RDF Dataset Canonicalization
// algorithm RDFC-1.0 into N-Quads; each is hashed with SHA-256, and the
// Ed25519 signature of the proof-options hash followed by the document hash
// is the proofValue, written as multibase base58btc ("z...").
//
// JSON-LD processing and canonicalization are done by
// github.com/piprate/json-gold (its URDNA2015 algorithm, which RDFC-1.0
// standardized). The JSON-LD contexts are bundled with the package (see
// BundledContexts) and served by DocumentLoader, which never fetches
// anything: a document that uses another context cannot be signed, and its
// proof is reported as "could not check", never as invalid. Expansion runs in
// safe mode, so a member that no context defines is an error rather than
// silently left out of what is signed.
//
// Verification reports three checks separately (structure, signature,
// issuer), each Valid, Invalid or CouldNotCheck, with the names and outcomes
// used by package vcjwt. A key that cannot be obtained or a context that is
// not bundled makes the signature CouldNotCheck, never Invalid. Validity
// periods and status are checked elsewhere.
//
// The package is pure: it performs no I/O (keys come from a resolver the
// caller supplies, contexts are embedded) and reads no clock (the creation
// time is an argument).
package dataintegrity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/jsonlimit"
	"github.com/certboard/certboard/verification"
	"github.com/piprate/json-gold/ld"
)

// Values of the proof members that Sign writes and Verify requires.
const (
	// ProofType is the type of a Data Integrity proof.
	ProofType = "DataIntegrityProof"
	// Cryptosuite is the only cryptosuite supported.
	Cryptosuite = "eddsa-rdfc-2022"
	// ProofPurpose is the only proof purpose supported: an issuer asserting
	// a credential.
	ProofPurpose = "assertionMethod"
)

// MaxDepth bounds the nesting of a document Verify reads: an Open Badges
// credential with its proof nests fewer than 10 levels.
const MaxDepth = jsonlimit.MaxDepth

// Errors reported by the package, to be tested with errors.Is (see also
// ErrContextNotBundled).
var (
	// ErrDocument reports a document that cannot be secured: not JSON, no
	// @context, already holding a proof, or not valid JSON-LD (a member no
	// context defines, for instance). The wrapping error says what.
	ErrDocument = errors.New("dataintegrity: unusable document")
	// ErrKey reports a signing key or verification method Sign cannot use.
	ErrKey = errors.New("dataintegrity: unusable key")
	// ErrUnknownKey is what a resolver passed to Verify may wrap when it
	// does not know a verification method. Verify reports the signature as
	// CouldNotCheck, as it does for any other resolver error.
	ErrUnknownKey = errors.New("dataintegrity: unknown key")
)

// Sign returns a copy of doc secured with a Data Integrity proof of the
// cryptosuite eddsa-rdfc-2022, made with key, whose verification method is
// verificationMethod (a DID URL such as did:web:example.com#key-1), created
// at created (written in UTC, to the second). doc must have an @context
// whose contexts are all bundled and must not already hold a proof; doc is
// not modified. Refusals wrap ErrDocument, ErrKey or ErrContextNotBundled;
// a document over the blank-node limits (see MaxLookAlike) wraps both
// ErrDocument and ErrTooComplex.
func Sign(doc map[string]any, key ed25519.PrivateKey, verificationMethod string, created time.Time) (map[string]any, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: Ed25519 private key is %d bytes, want %d", ErrKey, len(key), ed25519.PrivateKeySize)
	}
	if _, _, err := did.Split(verificationMethod); err != nil {
		return nil, fmt.Errorf("%w: verification method: %w", ErrKey, err)
	}
	doc, err := normalize(doc)
	if err != nil {
		return nil, err
	}
	ctx, ok := doc["@context"]
	if !ok {
		return nil, fmt.Errorf("%w: @context is missing", ErrDocument)
	}
	if _, ok := doc["proof"]; ok {
		return nil, fmt.Errorf("%w: the document already has a proof (proof sets are not supported)", ErrDocument)
	}
	proof := map[string]any{
		"type":               ProofType,
		"cryptosuite":        Cryptosuite,
		"created":            created.UTC().Format("2006-01-02T15:04:05Z"),
		"verificationMethod": verificationMethod,
		"proofPurpose":       ProofPurpose,
	}
	data, err := hashData(doc, proof, ctx)
	if err != nil {
		return nil, err
	}
	proof["proofValue"] = "z" + did.EncodeBase58(ed25519.Sign(key, data))
	doc["proof"] = proof // doc is the copy made by normalize
	return doc, nil
}

// hashData returns SHA-256 of the canonical proof options (proof with
// @context ctx) followed by SHA-256 of the canonical document (doc without
// its proof): the bytes that are signed.
func hashData(doc, proof map[string]any, ctx any) ([]byte, error) {
	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	options := make(map[string]any, len(proof)+1)
	for k, v := range proof {
		if k != "proofValue" {
			options[k] = v
		}
	}
	options["@context"] = ctx
	canonOptions, err := canonicalize(options)
	if err != nil {
		return nil, fmt.Errorf("proof options: %w", err)
	}
	canonDoc, err := canonicalize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	optionsHash := sha256.Sum256([]byte(canonOptions))
	docHash := sha256.Sum256([]byte(canonDoc))
	return append(optionsHash[:], docHash[:]...), nil
}

// canonicalize returns the RDFC-1.0 canonical N-Quads of the JSON-LD
// document doc, loading contexts only from the bundle and expanding in safe
// mode. Errors wrap ErrContextNotBundled (naming the URL) or ErrDocument.
func canonicalize(doc map[string]any) (string, error) {
	opts := jsonLdOptions()
	active, ok, err := activeContext(doc["@context"])
	if err == nil && ok {
		withActive := make(map[string]any, len(doc))
		for k, v := range doc {
			withActive[k] = v
		}
		withActive["@context"] = active
		doc = withActive
	}
	// JsonLdProcessor.Normalize does not pass SafeMode on to its toRdf step,
	// so the two steps are run here: toRdf in safe mode, then RDFC-1.0.
	var dataset any
	if err == nil {
		dataset, err = ld.NewJsonLdProcessor().ToRDF(doc, opts)
	}
	if nb := (*notBundledError)(nil); errors.As(err, &nb) {
		return "", fmt.Errorf("%w: %s", ErrContextNotBundled, nb.url)
	}
	if err != nil {
		return "", fmt.Errorf("%w: JSON-LD: %v", ErrDocument, err)
	}
	rdf, ok := dataset.(*ld.RDFDataset)
	if !ok {
		return "", fmt.Errorf("%w: JSON-LD toRdf returned %T, want a dataset", ErrDocument, dataset)
	}
	// RDFC-1.0 can take exponential time and cannot be interrupted: refuse
	// the documents that would make it so before it runs.
	if err := checkBlankNodes(rdf); err != nil {
		return "", err
	}
	opts.Format = "application/n-quads"
	opts.Algorithm = ld.AlgorithmURDNA2015
	out, err := ld.NewJsonLdApi().Normalize(rdf, opts)
	if err != nil {
		return "", fmt.Errorf("%w: RDF canonicalization: %v", ErrDocument, err)
	}
	s, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("%w: JSON-LD canonicalization returned %T, want N-Quads", ErrDocument, out)
	}
	return s, nil
}

// normalize returns a deep copy of doc as generic JSON values
// (map[string]any, []any, string, json.Number, bool, nil), whatever Go types
// the caller built it from.
func normalize(doc map[string]any) (map[string]any, error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: document is nil", ErrDocument)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("%w: cannot encode as JSON: %v", ErrDocument, err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("dataintegrity: re-read document: %w", err)
	}
	return c, nil
}

// Names of the checks, in the order Verify reports them.
const (
	// CheckStructure covers the proof's form: one proof object with the
	// expected type, cryptosuite and proof purpose, a verification method,
	// a base58btc proofValue of 64 bytes, a well-formed created date, and a
	// document with an @context.
	CheckStructure = "structure"
	// CheckSignature covers the Ed25519 signature over the canonical proof
	// options and document.
	CheckSignature = "signature"
	// CheckIssuer covers the binding of the credential's issuer and the
	// verification method: the method must belong to the issuer's DID.
	CheckIssuer = "issuer"
)

// Result is what Verify found.
type Result struct {
	// Issuer is the issuer's id, when one could be read.
	Issuer string `json:"issuer,omitempty"`
	// VerificationMethod is the proof's verification method, when one could
	// be read.
	VerificationMethod string `json:"verificationMethod,omitempty"`
	// Created is the proof's created date, when present and well-formed.
	Created time.Time `json:"created,omitzero"`
	// Checks holds one check for each of CheckStructure, CheckSignature
	// and CheckIssuer, in that order. Its methods Valid (every check
	// valid), Status and Lookup are the Result's.
	verification.Checks `json:"checks"`
}

// Verify checks the Data Integrity proof of doc, a secured document as Sign
// returns it, resolving the proof's verification method to an Ed25519 public
// key with resolve (which should wrap ErrUnknownKey for a method it does not
// know).
//
// The structure is Invalid when doc has no proof, more than one, or a proof
// whose type is not DataIntegrityProof, whose cryptosuite is not
// eddsa-rdfc-2022, whose proofPurpose is not assertionMethod, whose
// verificationMethod is missing, whose proofValue is not "z" followed by the
// base58btc of 64 bytes, whose created is not an XML Schema dateTime, or
// whose own @context is not a prefix of the document's; it is also Invalid
// when doc has no @context, or nests arrays and objects deeper than
// MaxDepth (checked first: JSON-LD expansion and canonicalization never see
// such a document). When the structure is Invalid the other checks are
// CouldNotCheck and the resolver is not called. The structure is also
// Invalid, and the signature CouldNotCheck, when the document's blank nodes
// are over MaxBlankNodes, MaxLookAlike or MaxSharedBlankNodes (found after
// the key is resolved, before canonicalization, whose time such documents
// make grow exponentially).
//
// The signature is CouldNotCheck when resolve fails or a context is not
// bundled (the detail names the URL), Invalid when the document is not
// valid JSON-LD or the signature does not verify. The issuer is Invalid when
// the credential has no issuer id or when the verification method is not a
// DID URL of the issuer's DID.
//
// Verify returns an error only when resolve is nil; every problem with the
// document is reported in the Result.
func Verify(doc map[string]any, resolve func(verificationMethod string) (ed25519.PublicKey, error)) (*Result, error) {
	if resolve == nil {
		return nil, errors.New("dataintegrity: Verify needs a key resolver")
	}
	r := &Result{Checks: []verification.Check{
		{Name: CheckStructure, Outcome: verification.CouldNotCheck},
		{Name: CheckSignature, Outcome: verification.CouldNotCheck},
		{Name: CheckIssuer, Outcome: verification.CouldNotCheck},
	}}
	notChecked := func() {
		r.Set(CheckSignature, verification.CouldNotCheck, "not checked: the proof is malformed")
		r.Set(CheckIssuer, verification.CouldNotCheck, "not checked: the proof is malformed")
	}
	if err := jsonlimit.CheckValue(doc, MaxDepth); err != nil {
		r.Set(CheckStructure, verification.Invalid, "the document is %v", err)
		r.Set(CheckSignature, verification.CouldNotCheck, "not checked: the document is %v", err)
		r.Set(CheckIssuer, verification.CouldNotCheck, "not checked: the document is %v", err)
		return r, nil
	}
	doc, proof, sig, err := readProof(doc, r)
	if err != nil {
		r.Set(CheckStructure, verification.Invalid, "%v", err)
		notChecked()
		return r, nil
	}
	r.Set(CheckStructure, verification.Valid, "a %s proof of the cryptosuite %s for %s", ProofType, Cryptosuite, ProofPurpose)

	// Issuer.
	issuer, err := issuerID(doc["issuer"])
	switch {
	case err != nil:
		r.Set(CheckIssuer, verification.Invalid, "%v", err)
	default:
		r.Issuer = issuer
		vmDID, _, err := did.Split(r.VerificationMethod)
		switch {
		case err != nil:
			r.Set(CheckIssuer, verification.Invalid, "verification method %q is not a DID URL: %v", r.VerificationMethod, err)
		case vmDID != issuer:
			r.Set(CheckIssuer, verification.Invalid, "verification method %q belongs to %s, not to the issuer %s", r.VerificationMethod, vmDID, issuer)
		default:
			r.Set(CheckIssuer, verification.Valid, "verification method %q belongs to the issuer %s", r.VerificationMethod, issuer)
		}
	}

	// Signature.
	pub, err := resolve(r.VerificationMethod)
	if err != nil {
		r.Set(CheckSignature, verification.CouldNotCheck, "could not obtain the key of %q: %v", r.VerificationMethod, err)
		return r, nil
	}
	if len(pub) != ed25519.PublicKeySize {
		r.Set(CheckSignature, verification.CouldNotCheck, "the key of %q is %d bytes, not an Ed25519 public key", r.VerificationMethod, len(pub))
		return r, nil
	}
	data, err := hashData(doc, proof, doc["@context"])
	var tooComplex *complexityError
	switch {
	case errors.As(err, &tooComplex):
		r.Set(CheckStructure, verification.Invalid, "%s", tooComplex.detail)
		r.Set(CheckSignature, verification.CouldNotCheck, "not checked: %s", tooComplex.detail)
	case errors.Is(err, ErrContextNotBundled):
		r.Set(CheckSignature, verification.CouldNotCheck, "cannot canonicalize the %v; contexts are never fetched", err)
	case err != nil:
		r.Set(CheckSignature, verification.Invalid, "cannot canonicalize the %v", err)
	case !ed25519.Verify(pub, data, sig):
		r.Set(CheckSignature, verification.Invalid, "the signature does not verify with the key of %q: the document or its proof was altered, or signed with another key", r.VerificationMethod)
	default:
		r.Set(CheckSignature, verification.Valid, "signed with the key of %q", r.VerificationMethod)
	}
	return r, nil
}

// readProof checks the structure of doc and its proof, filling in the
// verification method and created date of r. It returns a normalized copy of
// doc, its proof and the decoded signature.
func readProof(doc map[string]any, r *Result) (map[string]any, map[string]any, []byte, error) {
	doc, err := normalize(doc)
	if err != nil {
		return nil, nil, nil, err
	}
	docCtx, ok := doc["@context"]
	if !ok {
		return nil, nil, nil, errors.New("the document has no @context")
	}
	p, ok := doc["proof"]
	if !ok {
		return nil, nil, nil, errors.New("the document has no proof")
	}
	if list, ok := p.([]any); ok {
		if len(list) != 1 {
			return nil, nil, nil, fmt.Errorf("the document has %d proofs; exactly one is supported", len(list))
		}
		p = list[0]
	}
	proof, ok := p.(map[string]any)
	if !ok {
		return nil, nil, nil, fmt.Errorf("proof is %s, want an object", describe(p))
	}
	for _, m := range []struct{ name, want string }{
		{"type", ProofType},
		{"cryptosuite", Cryptosuite},
		{"proofPurpose", ProofPurpose},
	} {
		if v := proof[m.name]; v != m.want {
			return nil, nil, nil, fmt.Errorf("proof %s is %s, want %q", m.name, describe(v), m.want)
		}
	}
	vm, ok := proof["verificationMethod"].(string)
	if !ok || vm == "" {
		return nil, nil, nil, fmt.Errorf("proof verificationMethod is %s, want a non-empty string", describe(proof["verificationMethod"]))
	}
	r.VerificationMethod = vm
	if v, ok := proof["created"]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, nil, nil, fmt.Errorf("proof created is %s, want a date-time string", describe(v))
		}
		t, err := parseDateTime(s)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("proof created %q: %v", s, err)
		}
		r.Created = t
	}
	pv, ok := proof["proofValue"].(string)
	if !ok {
		return nil, nil, nil, fmt.Errorf("proof proofValue is %s, want a multibase string", describe(proof["proofValue"]))
	}
	enc, ok := strings.CutPrefix(pv, "z")
	if !ok {
		return nil, nil, nil, fmt.Errorf("proof proofValue %q is not multibase base58btc (it must start with \"z\")", abbreviate(pv))
	}
	sig, err := did.DecodeBase58(enc)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("proof proofValue %q: %v", abbreviate(pv), err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, nil, nil, fmt.Errorf("proof proofValue holds %d bytes, want an Ed25519 signature of %d", len(sig), ed25519.SignatureSize)
	}
	if pctx, ok := proof["@context"]; ok && !contextPrefix(pctx, docCtx) {
		return nil, nil, nil, fmt.Errorf("proof @context %s does not begin the document's @context %s", describe(pctx), describe(docCtx))
	}
	return doc, proof, sig, nil
}

// contextPrefix reports whether the entries of the proof's @context begin
// the document's @context, as Data Integrity requires of a proof that has
// one.
func contextPrefix(proofCtx, docCtx any) bool {
	asList := func(v any) []any {
		if l, ok := v.([]any); ok {
			return l
		}
		return []any{v}
	}
	p, d := asList(proofCtx), asList(docCtx)
	if len(p) > len(d) {
		return false
	}
	for i := range p {
		a, err1 := json.Marshal(p[i])
		b, err2 := json.Marshal(d[i])
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			return false
		}
	}
	return true
}

// issuerID returns the issuer's id: the issuer itself when it is a string,
// its id member when it is an object.
func issuerID(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", errors.New("the credential has no issuer")
	case string:
		if v == "" {
			return "", errors.New("the issuer is an empty string")
		}
		return v, nil
	case map[string]any:
		id, ok := v["id"].(string)
		if !ok || id == "" {
			return "", fmt.Errorf("issuer id is %s, want a non-empty string", describe(v["id"]))
		}
		return id, nil
	default:
		return "", fmt.Errorf("issuer is %s, want a string or an object with an id", describe(v))
	}
}

// parseDateTime parses an XML Schema dateTime; one without a time zone is
// read as UTC.
func parseDateTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return time.Time{}, errors.New("not an XML Schema dateTime (2006-01-02T15:04:05Z)")
	}
	return t, nil
}

// describe names a JSON value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "missing or null"
	case string:
		return fmt.Sprintf("%q", abbreviate(v))
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case bool:
		return fmt.Sprintf("the boolean %t", v)
	case json.Number:
		return "the number " + v.String()
	default:
		return fmt.Sprintf("a %T", v)
	}
}

// abbreviate shortens s for an error message.
func abbreviate(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
