package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/credential"
	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/vcjwt"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// TestReportStatus: the report says which status purposes were found set
// and what each list read says of its lifetime (ttl, validUntil), beside
// the status check's words, which stay as they were.
func TestReportStatus(t *testing.T) {
	ctx := context.Background()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	issuer, vm := did.KeyFromPublic(pub), did.KeyVerificationMethod(pub)
	issued := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const base = "https://lists.example"
	revURL, susURL := base+"/status/revocation-1", base+"/status/suspension-1"
	cred, err := credential.Issue(credential.IssueInput{
		IssuerDID: issuer, BoardName: "A Board", BoardURL: base, CredentialID: base + "/credentials/1",
		HolderName: "Ana Lima", HolderEmail: "ana@example.org", Salt: strings.Repeat("s", credential.MinSaltLen),
		CredentialType: "CST", Title: "Certified Sex Therapist", RequirementSetID: "aasect-cst", RequirementSetVersion: "2025.T.1",
		ValidFrom: issued, ValidYears: 3,
		Revocation: credential.StatusInput{ListURL: revURL, Index: 17},
		Suspension: credential.StatusInput{ListURL: susURL, Index: 42},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(cred)
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	token, err := vcjwt.Sign(m, priv, vm)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := dataintegrity.Sign(m, priv, vm, issued)
	if err != nil {
		t.Fatal(err)
	}
	jsonDoc, _ := json.Marshal(signed)
	delete(m, "credentialStatus")
	bare, err := dataintegrity.Sign(m, priv, vm, issued)
	if err != nil {
		t.Fatal(err)
	}
	bareDoc, _ := json.Marshal(bare)

	// lists serves the two lists with the bits, ttl and validUntil given;
	// a purpose in down does not answer.
	type lists struct {
		revoked, suspended bool
		ttl                any // credentialSubject.ttl, when not nil
		until              string
		down               statuslist.Purpose
	}
	fetchFor := func(l lists) verifier.Fetch {
		return func(_ context.Context, u string) ([]byte, error) {
			p := statuslist.Purpose(strings.TrimSuffix(strings.TrimPrefix(u, base+"/status/"), "-1"))
			if !p.Valid() || p == l.down {
				return nil, errors.New("not served: " + u)
			}
			bits, _ := statuslist.New(statuslist.MinSize)
			if p == statuslist.Revocation && l.revoked {
				bits.Set(17, true)
			}
			if p == statuslist.Suspension && l.suspended {
				bits.Set(42, true)
			}
			enc, _ := bits.Encode()
			subject := map[string]any{"id": u + "#list", "type": "BitstringStatusList", "statusPurpose": string(p), "encodedList": enc}
			if l.ttl != nil {
				subject["ttl"] = l.ttl
			}
			list := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": u,
				"type": []any{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": issuer,
				"validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subject}
			if l.until != "" {
				list["validUntil"] = l.until
			}
			s, err := dataintegrity.Sign(list, priv, vm, issued)
			if err != nil {
				return nil, err
			}
			return json.Marshal(s)
		}
	}
	listsRead := func(ttl time.Duration, until time.Time, ps ...statuslist.Purpose) []verifier.StatusList {
		var out []verifier.StatusList
		for _, p := range ps {
			u := revURL
			if p == statuslist.Suspension {
				u = susURL
			}
			out = append(out, verifier.StatusList{URL: u, Purpose: p, TTL: ttl, ValidUntil: until})
		}
		return out
	}
	rev, sus := statuslist.Revocation, statuslist.Suspension
	listEnd := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		lists   lists
		outcome verification.Outcome
		detail  string
		set     []statuslist.Purpose
		read    []verifier.StatusList
	}{
		{"neither", lists{}, verification.Valid, "neither revoked nor suspended", nil, listsRead(0, time.Time{}, rev, sus)},
		{"suspended", lists{suspended: true}, verification.Invalid, "the issuer has suspended this credential", []statuslist.Purpose{sus}, listsRead(0, time.Time{}, rev, sus)},
		{"revoked: the suspension list is not read", lists{revoked: true}, verification.Invalid, "the issuer has revoked this credential", []statuslist.Purpose{rev}, listsRead(0, time.Time{}, rev)},
		{"revoked and suspended: revoked", lists{revoked: true, suspended: true}, verification.Invalid, "the issuer has revoked this credential", []statuslist.Purpose{rev}, listsRead(0, time.Time{}, rev)},
		{"a ttl of five minutes", lists{ttl: 300000}, verification.Valid, "neither", nil, listsRead(5*time.Minute, time.Time{}, rev, sus)},
		{"a ttl of a millisecond", lists{ttl: 1}, verification.Valid, "neither", nil, listsRead(time.Millisecond, time.Time{}, rev, sus)},
		{"a ttl with a fraction", lists{ttl: 1.5}, verification.Valid, "neither", nil, listsRead(1500*time.Microsecond, time.Time{}, rev, sus)},
		{"a ttl of zero", lists{ttl: 0}, verification.Valid, "neither", nil, listsRead(0, time.Time{}, rev, sus)},
		{"a negative ttl", lists{ttl: -1}, verification.Valid, "neither", nil, listsRead(0, time.Time{}, rev, sus)},
		{"a ttl as a string", lists{ttl: "300000"}, verification.Valid, "neither", nil, listsRead(0, time.Time{}, rev, sus)},
		{"a ttl too long for a duration", lists{ttl: 1e20}, verification.Valid, "neither", nil, listsRead(0, time.Time{}, rev, sus)},
		{"a list's validUntil", lists{until: "2026-03-02T00:00:00Z"}, verification.Valid, "neither", nil, listsRead(0, listEnd, rev, sus)},
		{"a list's validUntil not a date", lists{until: "tomorrow"}, verification.Valid, "neither", nil, listsRead(0, time.Time{}, rev, sus)},
		{"the suspension list down", lists{down: sus}, verification.CouldNotCheck, susURL + " could not be fetched", nil, listsRead(0, time.Time{}, rev)},
		{"the revocation list down", lists{down: rev, suspended: true}, verification.CouldNotCheck, revURL + " could not be fetched", nil, nil},
	} {
		for name, data := range map[string][]byte{"json": jsonDoc, "jwt": []byte(token)} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				r := verifier.Verify(ctx, data, fetchFor(tc.lists), issued.AddDate(0, 1, 0))
				chk, _ := r.Checks.Lookup(verifier.CheckStatus)
				if chk.Outcome != tc.outcome || !strings.Contains(chk.Detail, tc.detail) {
					t.Fatalf("status check %+v, want %s %q", chk, tc.outcome, tc.detail)
				}
				if !slices.Equal(r.StatusSet, tc.set) {
					t.Fatalf("set %v, want %v", r.StatusSet, tc.set)
				}
				if !slices.EqualFunc(r.StatusLists, tc.read, func(a, b verifier.StatusList) bool {
					return a.URL == b.URL && a.Purpose == b.Purpose && a.TTL == b.TTL && a.ValidUntil.Equal(b.ValidUntil)
				}) {
					t.Fatalf("lists %+v, want %+v", r.StatusLists, tc.read)
				}
			})
		}
	}
	// A credential naming no status list reads none.
	r := verifier.Verify(ctx, bareDoc, fetchFor(lists{}), issued.AddDate(0, 1, 0))
	if r.Status() != "valid" || r.StatusSet != nil || r.StatusLists != nil {
		t.Fatalf("no status list: %s %v %v", r.Status(), r.StatusSet, r.StatusLists)
	}
}
