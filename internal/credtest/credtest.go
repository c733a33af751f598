// Package credtest issues verifiable credentials in memory for the tests
// of code that verifies them: a board as a verifier elsewhere sees it (a
// did:web with one key, its DID document and its two signed status
// lists, served by a fetch function), and the signing of one credential
// in both proof formats. Only tests import it.
package credtest

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
)

// Signed is one credential in both proof formats, with its places in its
// issuer's revocation and suspension lists.
type Signed struct {
	JSON, JWT          []byte
	RevIndex, SusIndex int
}

// Sign signs c with priv under the verification method vm: as a VC-JWT
// and with a Data Integrity proof created at at. rev and sus are its
// places in the status lists, kept in the result.
func Sign(tb testing.TB, c *credential.Credential, priv ed25519.PrivateKey, vm string, at time.Time, rev, sus int) Signed {
	tb.Helper()
	doc, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		tb.Fatal(err)
	}
	tok, err := vcjwt.Sign(m, priv, vm)
	if err != nil {
		tb.Fatal(err)
	}
	signed, err := dataintegrity.Sign(m, priv, vm, at)
	if err != nil {
		tb.Fatal(err)
	}
	body, err := json.Marshal(signed)
	if err != nil {
		tb.Fatal(err)
	}
	return Signed{JSON: body, JWT: []byte(tok), RevIndex: rev, SusIndex: sus}
}

// StatusList is the status list credential at url for purpose p, holding
// the bits of l, issued by issuer from 2026-01-01 and signed with priv
// under vm at at. edit, when not nil, changes the document (its
// credentialSubject is a map[string]any) before it is signed.
func StatusList(url, issuer string, p statuslist.Purpose, l *statuslist.List, priv ed25519.PrivateKey, vm string, at time.Time, edit func(doc map[string]any)) ([]byte, error) {
	enc, err := l.Encode()
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		"@context": []any{credential.ContextVC}, "id": url, "type": []any{"VerifiableCredential", statuslist.CredentialType},
		"issuer": issuer, "validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": url + "#list", "type": statuslist.SubjectType, "statusPurpose": string(p), "encodedList": enc},
	}
	if edit != nil {
		edit(doc)
	}
	signed, err := dataintegrity.Sign(doc, priv, vm, at)
	if err != nil {
		return nil, err
	}
	return json.Marshal(signed)
}

// Issuer is a board as a verifier elsewhere sees it: a did:web with one
// key, its DID document and its revocation and suspension lists, served
// from memory by Fetch. It is safe for concurrent use.
type Issuer struct {
	// DID is the issuer's did:web, Name its board's name.
	DID, Name string

	tb   testing.TB
	host string
	priv ed25519.PrivateKey
	doc  []byte

	mu      sync.Mutex
	lists   map[statuslist.Purpose]*statuslist.List
	ttl     any    // the lists' credentialSubject.ttl, when not nil
	until   string // the lists' validUntil, when not ""
	down    map[string]bool
	fetched []string
	next    int
}

// NewIssuer is the board at https://host named name, with a fresh key
// and two empty status lists.
func NewIssuer(tb testing.TB, host, name string) *Issuer {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	id := "did:web:" + host
	doc, err := did.NewWebDocument(id, []did.NamedKey{{ID: "key-1", Public: pub}})
	if err != nil {
		tb.Fatal(err)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	is := &Issuer{DID: id, Name: name, tb: tb, host: host, priv: priv, doc: body, down: map[string]bool{},
		lists: map[statuslist.Purpose]*statuslist.List{}}
	for _, p := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
		l, err := statuslist.New(statuslist.MinSize)
		if err != nil {
			tb.Fatal(err)
		}
		is.lists[p] = l
	}
	return is
}

// Base is the issuer's URL, https://host.
func (is *Issuer) Base() string { return "https://" + is.host }

// ListURL is the URL of the issuer's status list for purpose p.
func (is *Issuer) ListURL(p statuslist.Purpose) string {
	return is.Base() + "/status/" + string(p) + "-1"
}

// Fetch serves the DID document and the signed status lists, as a board
// serves them at /.well-known/did.json and /status/{list}. It remembers
// every URL asked for (see Fetched).
func (is *Issuer) Fetch(_ context.Context, url string) ([]byte, error) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.fetched = append(is.fetched, url)
	if is.down[url] {
		return nil, errors.New("connection refused")
	}
	if url == is.Base()+"/.well-known/did.json" {
		return is.doc, nil
	}
	for p, l := range is.lists {
		if url != is.ListURL(p) {
			continue
		}
		return StatusList(url, is.DID, p, l, is.priv, is.DID+"#key-1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), func(doc map[string]any) {
			if is.ttl != nil {
				doc["credentialSubject"].(map[string]any)["ttl"] = is.ttl
			}
			if is.until != "" {
				doc["validUntil"] = is.until
			}
		})
	}
	return nil, errors.New("404 Not Found")
}

// Fetched is every URL Fetch was asked for since the issuer was made or
// since ClearFetched.
func (is *Issuer) Fetched() []string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return append([]string(nil), is.fetched...)
}

// ClearFetched forgets the URLs Fetch was asked for.
func (is *Issuer) ClearFetched() {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.fetched = nil
}

// SetDown makes every document of the issuer unreachable, or reachable
// again.
func (is *Issuer) SetDown(down bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	for _, u := range []string{is.Base() + "/.well-known/did.json", is.ListURL(statuslist.Revocation), is.ListURL(statuslist.Suspension)} {
		is.down[u] = down
	}
}

// Unreachable makes exactly the documents at urls unreachable.
func (is *Issuer) Unreachable(urls ...string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = map[string]bool{}
	for _, u := range urls {
		is.down[u] = true
	}
}

// SetListLifetime makes the status lists say ttl in their
// credentialSubject (when not nil) and validUntil (when not "").
func (is *Issuer) SetListLifetime(ttl any, validUntil string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.ttl, is.until = ttl, validUntil
}

// Issue issues to the holder, from from for years (0: no end), a
// credential of a requirement set's kind: its credential code ("CST",
// for the set aasect-cst) and title.
func (is *Issuer) Issue(code, title, holderName, holderEmail string, from time.Time, years int) Signed {
	is.tb.Helper()
	is.mu.Lock()
	is.next++
	n := is.next
	is.mu.Unlock()
	rev, sus := 1000+n*7, 2000+n*11
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: is.DID, BoardName: is.Name, BoardURL: is.Base(),
		CredentialID: fmt.Sprintf("%s/credentials/%d", is.Base(), n),
		HolderName:   holderName, HolderEmail: holderEmail, Salt: "0123456789abcdef0123456789abcdef",
		CredentialType: code, Title: title,
		RequirementSetID: "aasect-" + strings.ToLower(code), RequirementSetVersion: "2025.T.1",
		ValidFrom: from, ValidYears: years,
		Revocation: credential.StatusInput{ListURL: is.ListURL(statuslist.Revocation), Index: rev},
		Suspension: credential.StatusInput{ListURL: is.ListURL(statuslist.Suspension), Index: sus},
	})
	if err != nil {
		is.tb.Fatal(err)
	}
	return is.Sign(c, rev, sus, from)
}

// Sign signs c, a credential the test built, with the issuer's key; rev
// and sus are its places in the issuer's lists.
func (is *Issuer) Sign(c *credential.Credential, rev, sus int, at time.Time) Signed {
	is.tb.Helper()
	return Sign(is.tb, c, is.priv, is.DID+"#key-1", at, rev, sus)
}

// Set sets or clears the credential's bit in the issuer's list of
// purpose p.
func (is *Issuer) Set(c Signed, p statuslist.Purpose, on bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	i := c.RevIndex
	if p == statuslist.Suspension {
		i = c.SusIndex
	}
	if err := is.lists[p].Set(i, on); err != nil {
		is.tb.Fatal(err)
	}
}

// Fetchers serves the documents of several issuers, each under its own
// host.
func Fetchers(issuers ...*Issuer) func(context.Context, string) ([]byte, error) {
	return func(ctx context.Context, url string) ([]byte, error) {
		for _, is := range issuers {
			if strings.HasPrefix(url, is.Base()+"/") {
				return is.Fetch(ctx, url)
			}
		}
		return nil, errors.New("no such host")
	}
}

// TamperJWT replaces the first from in a VC-JWT's payload by to, keeping
// the signature.
func TamperJWT(tb testing.TB, tok []byte, from, to string) []byte {
	tb.Helper()
	b64 := base64.RawURLEncoding
	parts := strings.Split(string(tok), ".")
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	changed := strings.Replace(string(payload), from, to, 1)
	if changed == string(payload) {
		tb.Fatalf("%q is not in the payload", from)
	}
	parts[1] = b64.EncodeToString([]byte(changed))
	return []byte(strings.Join(parts, "."))
}

// KeyBoard is an issuer named by a bare did:key (resolved from the key
// itself, no DID document fetched), at Base.
type KeyBoard struct {
	DID, VM, Base string
	Pub           ed25519.PublicKey
	Priv          ed25519.PrivateKey
}

// NewKeyBoard is a KeyBoard at base with a fresh key.
func NewKeyBoard(tb testing.TB, base string) KeyBoard {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return KeyBoard{DID: did.KeyFromPublic(pub), VM: did.KeyVerificationMethod(pub), Base: base, Pub: pub, Priv: priv}
}

// ListURL is the URL of the board's status list for purpose p.
func (k KeyBoard) ListURL(p statuslist.Purpose) string {
	return k.Base + "/status/" + string(p) + "-1"
}

// Credential is an unsigned CST of the board named boardName for Ana
// Lima (ana@example.org), valid for three years from from, at index 17
// of its revocation list and 42 of its suspension list.
func (k KeyBoard) Credential(tb testing.TB, boardName string, from time.Time) *credential.Credential {
	tb.Helper()
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: k.DID, BoardName: boardName, BoardURL: k.Base, CredentialID: k.Base + "/credentials/1",
		HolderName: "Ana Lima", HolderEmail: "ana@example.org", Salt: strings.Repeat("s", credential.MinSaltLen),
		CredentialType: "CST", Title: "Certified Sex Therapist", RequirementSetID: "aasect-cst", RequirementSetVersion: "2025.T.1",
		ValidFrom: from, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: k.ListURL(statuslist.Revocation), Index: 17},
		Suspension: credential.StatusInput{ListURL: k.ListURL(statuslist.Suspension), Index: 42},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Sign signs c with the board's key; see Sign.
func (k KeyBoard) Sign(tb testing.TB, c *credential.Credential, at time.Time) Signed {
	tb.Helper()
	return Sign(tb, c, k.Priv, k.VM, at, 17, 42)
}

// StatusList is the board's list for purpose p holding the bits of l;
// see StatusList.
func (k KeyBoard) StatusList(p statuslist.Purpose, l *statuslist.List, at time.Time, edit func(doc map[string]any)) ([]byte, error) {
	return StatusList(k.ListURL(p), k.DID, p, l, k.Priv, k.VM, at, edit)
}
