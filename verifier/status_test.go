package verifier_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verification"
	"github.com/certboard/certboard/verifier"
)

// TestReportStatus: the report says which status purposes were found set
// and what each list read says of its lifetime (ttl, validUntil), beside
// the status check's words, which stay as they were.
func TestReportStatus(t *testing.T) {
	ctx := context.Background()
	issued := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	board := credtest.NewKeyBoard(t, "https://lists.example")
	revURL, susURL := board.ListURL(statuslist.Revocation), board.ListURL(statuslist.Suspension)
	cred := board.Credential(t, "A Board", issued)
	signed := board.Sign(t, cred, issued)
	jsonDoc, token := signed.JSON, signed.JWT
	cred.CredentialStatus = nil
	bareDoc := board.Sign(t, cred, issued).JSON

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
			p := statuslist.Purpose(strings.TrimSuffix(strings.TrimPrefix(u, board.Base+"/status/"), "-1"))
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
			return board.StatusList(p, bits, issued, func(doc map[string]any) {
				if l.ttl != nil {
					doc["credentialSubject"].(map[string]any)["ttl"] = l.ttl
				}
				if l.until != "" {
					doc["validUntil"] = l.until
				}
			})
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
