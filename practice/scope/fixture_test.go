package scope_test

import (
	"context"
	"crypto/ed25519"
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

// issuer is a board as a verifier elsewhere sees it: a did:web with one
// key, its DID document and its two status lists, served by fetch from
// memory, and credentials issued as board.IssueCredential issues them
// (credential.Issue, then a Data Integrity proof and a VC-JWT).
type issuer struct {
	t       *testing.T
	host    string
	did     string
	name    string
	priv    ed25519.PrivateKey
	doc     []byte
	mu      sync.Mutex
	lists   map[statuslist.Purpose]*statuslist.List
	ttl     any    // the lists' credentialSubject.ttl, when not nil
	until   string // the lists' validUntil, when not ""
	down    map[string]bool
	fetched []string
	next    int
}

func newIssuer(t *testing.T, host, name string) *issuer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	id := "did:web:" + host
	doc, err := did.NewWebDocument(id, []did.NamedKey{{ID: "key-1", Public: pub}})
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{t: t, host: host, did: id, name: name, priv: priv, doc: body, down: map[string]bool{},
		lists: map[statuslist.Purpose]*statuslist.List{}}
	for _, p := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
		l, err := statuslist.New(statuslist.MinSize)
		if err != nil {
			t.Fatal(err)
		}
		is.lists[p] = l
	}
	return is
}

func (is *issuer) base() string { return "https://" + is.host }

func (is *issuer) listURL(p statuslist.Purpose) string {
	return is.base() + "/status/" + string(p) + "-1"
}

// fetch serves the DID document and the signed status lists, as the board
// serves them at /.well-known/did.json and /status/{list}.
func (is *issuer) fetch(_ context.Context, url string) ([]byte, error) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.fetched = append(is.fetched, url)
	if is.down[url] {
		return nil, errors.New("connection refused")
	}
	if url == is.base()+"/.well-known/did.json" {
		return is.doc, nil
	}
	for p, l := range is.lists {
		if url != is.listURL(p) {
			continue
		}
		enc, err := l.Encode()
		if err != nil {
			return nil, err
		}
		subject := map[string]any{"id": url + "#list", "type": statuslist.SubjectType, "statusPurpose": string(p), "encodedList": enc}
		if is.ttl != nil {
			subject["ttl"] = is.ttl
		}
		doc := map[string]any{
			"@context": []any{credential.ContextVC}, "id": url, "type": []any{"VerifiableCredential", statuslist.CredentialType},
			"issuer": is.did, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject,
		}
		if is.until != "" {
			doc["validUntil"] = is.until
		}
		signed, err := dataintegrity.Sign(doc, is.priv, is.did+"#key-1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return nil, err
		}
		return json.Marshal(signed)
	}
	return nil, errors.New("404 Not Found")
}

// issued is one credential in both proof formats, with its places in the
// issuer's lists.
type issued struct {
	json, jwt          []byte
	revIndex, susIndex int
}

// issue issues a credential of a requirement set's kind (its credential
// code and title) to holder at from, valid for years (0: no end).
func (is *issuer) issue(code, title, holderName, holderEmail string, from time.Time, years int) issued {
	t := is.t
	t.Helper()
	is.next++
	rev, sus := 1000+is.next*7, 2000+is.next*11
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: is.did, BoardName: is.name, BoardURL: is.base(),
		CredentialID: fmt.Sprintf("%s/credentials/%d", is.base(), is.next),
		HolderName:   holderName, HolderEmail: holderEmail, Salt: "0123456789abcdef0123456789abcdef",
		CredentialType: code, Title: title,
		RequirementSetID: "aasect-cst", RequirementSetVersion: "2025.T.1",
		ValidFrom: from, ValidYears: years,
		Revocation: credential.StatusInput{ListURL: is.listURL(statuslist.Revocation), Index: rev},
		Suspension: credential.StatusInput{ListURL: is.listURL(statuslist.Suspension), Index: sus},
	})
	if err != nil {
		t.Fatal(err)
	}
	return is.sign(c, rev, sus, from)
}

func (is *issuer) sign(c *credential.Credential, rev, sus int, at time.Time) issued {
	t := is.t
	t.Helper()
	doc, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	vm := is.did + "#key-1"
	tok, err := vcjwt.Sign(m, is.priv, vm)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := dataintegrity.Sign(m, is.priv, vm, at)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	return issued{json: body, jwt: []byte(tok), revIndex: rev, susIndex: sus}
}

// set sets or clears the credential's bit in the list of purpose p.
func (is *issuer) set(c issued, p statuslist.Purpose, on bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	i := c.revIndex
	if p == statuslist.Suspension {
		i = c.susIndex
	}
	if err := is.lists[p].Set(i, on); err != nil {
		is.t.Fatal(err)
	}
}

// tamperJWT changes the holder's name in a VC-JWT's payload, keeping the
// signature.
func tamperJWT(t *testing.T, tok []byte, from, to string) []byte {
	t.Helper()
	parts := strings.Split(string(tok), ".")
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(payload), from, to, 1)
	if changed == string(payload) {
		t.Fatalf("%q is not in the payload", from)
	}
	parts[1] = b64.EncodeToString([]byte(changed))
	return []byte(strings.Join(parts, "."))
}

// credentialWithoutStatus is a credential of is that names no status list
// and, when holderEmail is "", identifies its holder by name only.
func credentialWithoutStatus(is *issuer, holderEmail string) (issued, error) {
	mail := holderEmail
	if mail == "" {
		mail = "placeholder@example.org"
	}
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: is.did, BoardName: is.name, BoardURL: is.base(), CredentialID: is.base() + "/badges/1",
		HolderName: "Jordan Reyes", HolderEmail: mail, Salt: "fedcba9876543210fedcba9876543210",
		CredentialType: "CST", Title: "AASECT Certified Sex Therapist",
		RequirementSetID: "cst", RequirementSetVersion: "1", ValidFrom: issuedAt, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: is.base() + "/r", Index: 1},
		Suspension: credential.StatusInput{ListURL: is.base() + "/s", Index: 1},
	})
	if err != nil {
		return issued{}, err
	}
	c.CredentialStatus = nil
	if holderEmail == "" {
		c.CredentialSubject.Identifier = c.CredentialSubject.Identifier[1:]
	}
	return is.sign(c, 0, 0, issuedAt), nil
}
