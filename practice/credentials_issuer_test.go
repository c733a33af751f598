package practice_test

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

// credIssuer is a board as the practice sees it over the network: a
// did:web with one key, its DID document and its two status lists, served
// from memory by fetch, and credentials issued as board.IssueCredential
// issues them (credential.Issue, then a Data Integrity proof and a
// VC-JWT).
type credIssuer struct {
	t    *testing.T
	host string
	did  string
	name string
	priv ed25519.PrivateKey
	doc  []byte
	mu   sync.Mutex
	// lists are the revocation and suspension lists; down the URLs that
	// answer with an error; fetched every URL asked for.
	lists   map[statuslist.Purpose]*statuslist.List
	down    map[string]bool
	fetched []string
	next    int
}

func newCredIssuer(t *testing.T, host, name string) *credIssuer {
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
	is := &credIssuer{t: t, host: host, did: id, name: name, priv: priv, doc: body, down: map[string]bool{},
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

func (is *credIssuer) base() string { return "https://" + is.host }

func (is *credIssuer) listURL(p statuslist.Purpose) string {
	return is.base() + "/status/" + string(p) + "-1"
}

// fetch serves the DID document and the signed status lists, as a board
// serves them at /.well-known/did.json and /status/{list}.
func (is *credIssuer) fetch(_ context.Context, url string) ([]byte, error) {
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
		doc := map[string]any{
			"@context": []any{credential.ContextVC}, "id": url, "type": []any{"VerifiableCredential", statuslist.CredentialType},
			"issuer": is.did, "validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": url + "#list", "type": statuslist.SubjectType, "statusPurpose": string(p), "encodedList": enc},
		}
		signed, err := dataintegrity.Sign(doc, is.priv, is.did+"#key-1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return nil, err
		}
		return json.Marshal(signed)
	}
	return nil, errors.New("404 Not Found")
}

// setDown makes every document of the issuer unreachable, or reachable
// again.
func (is *credIssuer) setDown(down bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	for _, u := range []string{is.base() + "/.well-known/did.json", is.listURL(statuslist.Revocation), is.listURL(statuslist.Suspension)} {
		is.down[u] = down
	}
}

// issuedCred is one credential in both proof formats, with its places in
// the issuer's lists.
type issuedCred struct {
	json, jwt          []byte
	revIndex, susIndex int
}

// issue issues to holder, at from for years (0: no end), a credential of
// a requirement set's kind: its credential code ("CST") and title.
func (is *credIssuer) issue(code, title, holderName, holderEmail string, from time.Time, years int) issuedCred {
	t := is.t
	t.Helper()
	is.mu.Lock()
	is.next++
	n := is.next
	is.mu.Unlock()
	rev, sus := 1000+n*7, 2000+n*11
	c, err := credential.Issue(credential.IssueInput{
		IssuerDID: is.did, BoardName: is.name, BoardURL: is.base(),
		CredentialID: fmt.Sprintf("%s/credentials/%d", is.base(), n),
		HolderName:   holderName, HolderEmail: holderEmail, Salt: "0123456789abcdef0123456789abcdef",
		CredentialType: code, Title: title,
		RequirementSetID: "aasect-" + strings.ToLower(code), RequirementSetVersion: "2025.1",
		ValidFrom: from, ValidYears: years,
		Revocation: credential.StatusInput{ListURL: is.listURL(statuslist.Revocation), Index: rev},
		Suspension: credential.StatusInput{ListURL: is.listURL(statuslist.Suspension), Index: sus},
	})
	if err != nil {
		t.Fatal(err)
	}
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
	signed, err := dataintegrity.Sign(m, is.priv, vm, from)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	return issuedCred{json: body, jwt: []byte(tok), revIndex: rev, susIndex: sus}
}

// set sets or clears the credential's bit in the list of purpose p.
func (is *credIssuer) set(c issuedCred, p statuslist.Purpose, on bool) {
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

// tamperJWT changes a word in a VC-JWT's payload, keeping the signature.
func tamperJWT(t *testing.T, tok []byte, from, to string) []byte {
	t.Helper()
	b64 := base64.RawURLEncoding
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

// fetchers serves the documents of several issuers.
func fetchers(issuers ...*credIssuer) func(context.Context, string) ([]byte, error) {
	return func(ctx context.Context, url string) ([]byte, error) {
		for _, is := range issuers {
			if strings.HasPrefix(url, is.base()+"/") {
				return is.fetch(ctx, url)
			}
		}
		return nil, errors.New("no such host")
	}
}
