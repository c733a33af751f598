package verifier

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verification"
)

// A valid signature proves only that whoever controls the signing key
// signed the credential and that it was not altered since. Anyone can make
// a did:key in a second, or run a website with a did:web, and sign a
// credential calling its issuer by any name, a board's or a well-known
// body's. So the name a credential gives its issuer is never evidence of who
// issued it: a verifier names an issuer only from what it knows itself (its
// own keys, and a list of issuer DIDs it trusts, with the names it gives
// them), and only when the proof verified with a key of that DID.

// Board is what a board knows of itself when it judges who issued a
// credential: its DID, its name, and every key it publishes in its DID
// document, current and retired.
type Board struct {
	DID  string
	Name string
	Keys []did.NamedKey
}

// TrustList maps the DIDs of the issuers a verifier trusts to the names it
// gives them.
type TrustList map[string]string

// Issuer is what a verification can say of who issued a credential.
type Issuer struct {
	// ID is the issuer's id as the credential states it; "" when it gives
	// none.
	ID string
	// VerificationMethod is the key (a DID URL of ID) the proof verified
	// with; "" unless the signature and issuer checks are valid.
	VerificationMethod string
	// Trusted reports that the proof verified with a key of ID and that ID
	// is the board's own DID (with one of its published keys) or on the
	// trust list.
	Trusted bool
	// Name is the board's name, or the trust list's name for the issuer;
	// "" unless Trusted.
	Name string
	// ClaimedName is the name the credential gives its issuer: its own
	// claim, which nothing checks.
	ClaimedName string
	// IssuedByThisBoard reports that the proof verified with one of the
	// board's own published keys.
	IssuedByThisBoard bool
}

// SignedBy returns the DID whose key the proof verified with: the DID of
// the verification method when the signature check is valid and the issuer
// check found the method to be one of the credential's issuer. It returns
// "" otherwise (an altered credential, a key that could not be obtained, a
// method of another DID).
func (r *Report) SignedBy() string {
	if r == nil || r.SignedWith == nil {
		return ""
	}
	for _, name := range []string{vcjwt.CheckSignature, vcjwt.CheckIssuer} {
		if c, ok := r.Checks.Lookup(name); !ok || c.Outcome != verification.Valid {
			return ""
		}
	}
	id, _, err := did.Split(r.VerificationMethod)
	if err != nil || id != r.IssuerID() {
		return ""
	}
	return id
}

// Issuer judges who issued the credential. The credential is the board's
// only when its proof verified with one of the board's own published keys
// (current or retired); then it is trusted under the board's name. Another
// issuer is trusted, under the trust list's name, only when the proof
// verified with a key of a DID on the list. The board's own DID is never
// trusted through the list, and a name the credential gives itself is only
// ever ClaimedName. board may be nil (a verifier that is no board), trust
// nil or empty.
func (r *Report) Issuer(board *Board, trust TrustList) Issuer {
	is := Issuer{ID: r.IssuerID(), ClaimedName: r.IssuerName()}
	signer := r.SignedBy()
	if signer == "" {
		return is
	}
	is.VerificationMethod = r.VerificationMethod
	if board != nil && board.DID != "" && signer == board.DID {
		_, fragment, _ := did.Split(r.VerificationMethod)
		for _, k := range board.Keys {
			if k.ID == fragment && len(k.Public) == ed25519.PublicKeySize && k.Public.Equal(r.SignedWith) {
				is.IssuedByThisBoard, is.Trusted, is.Name = true, true, board.Name
				break
			}
		}
		return is
	}
	if name := trust[signer]; name != "" {
		is.Trusted, is.Name = true, name
	}
	return is
}

// CheckIssuerDID checks that id is a DID of an issuer this verifier can
// verify: a did:web (its document fetched from its site) or a did:key,
// well-formed, without a fragment, path or query.
func CheckIssuerDID(id string) error {
	switch {
	case strings.HasPrefix(id, "did:key:"):
		if _, err := did.PublicFromKey(id); err != nil {
			return err
		}
	case strings.HasPrefix(id, "did:web:"):
		if _, err := did.WebDocumentURL(id); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%q is not a did:web or did:key, the DIDs this verifier resolves", id)
	}
	return nil
}

// MaxIssuerName bounds the name a trust list gives an issuer, in
// characters.
const MaxIssuerName = 200

// CheckIssuerName checks a name a trust list gives an issuer: not empty,
// at most MaxIssuerName characters, valid UTF-8 without control characters.
func CheckIssuerName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("give the issuer's name")
	case !utf8.ValidString(name):
		return errors.New("the name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxIssuerName:
		return fmt.Errorf("at most %d characters", MaxIssuerName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("the name holds a control character (a line break, a tab...)")
	}
	return nil
}

// maxTrustList bounds a trust list file.
const maxTrustList = 1 << 20

// ParseTrustList reads a trust list in its plain text form: one issuer a
// line, its DID, spaces, then its name ("did:web:aasect.org AASECT");
// blank lines and lines starting with # are ignored. A DID this verifier
// cannot verify, a missing or bad name, or a DID given twice is an error
// naming the line.
func ParseTrustList(data []byte) (TrustList, error) {
	if len(data) > maxTrustList {
		return nil, fmt.Errorf("the trust list is %d bytes, more than the %d accepted", len(data), maxTrustList)
	}
	out := TrustList{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxTrustList)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, name := line, ""
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			id, name = line[:i], strings.TrimSpace(line[i+1:])
		}
		if err := CheckIssuerDID(id); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if err := CheckIssuerName(name); err != nil {
			return nil, fmt.Errorf("line %d: %s: %v (each line is a DID, then the issuer's name)", n, id, err)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: %s is listed twice", n, id)
		}
		out[id] = name
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
