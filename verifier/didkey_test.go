package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verifier"
)

// TestDIDKeyCredentialStillVerifies: a credential whose issuer and proofs
// name a bare did:key (did:key:z6Mk...#z6Mk..., resolved locally, no DID
// document) verifies in both proof formats, with its status lists, while
// the board's own credentials name its did:web keys. Tampering with it, or
// a proof by another did:key, is still caught.
func TestDIDKeyCredentialStillVerifies(t *testing.T) {
	ctx := context.Background()
	issued := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	board := credtest.NewKeyBoard(t, "https://old-board.example")
	issuer := board.DID
	cred := board.Credential(t, "An Older Board", issued)
	signed := board.Sign(t, cred, issued)
	jsonDoc, token := signed.JSON, signed.JWT

	// The issuer's status lists, signed with the same did:key; no DID
	// document is ever fetched.
	fetch := func(_ context.Context, u string) ([]byte, error) {
		for _, p := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
			if u == board.ListURL(p) {
				l, _ := statuslist.New(statuslist.MinSize)
				return board.StatusList(p, l, issued, nil)
			}
		}
		return nil, errors.New("not served: " + u)
	}
	now := issued.AddDate(1, 0, 0)
	for name, data := range map[string][]byte{"json": jsonDoc, "jwt": []byte(token)} {
		r := verifier.Verify(ctx, data, fetch, now)
		if r.Status() != "valid" || r.IssuerID() != issuer {
			t.Fatalf("%s: %s, issuer %q: %+v", name, r.Status(), r.IssuerID(), r.Checks)
		}
	}
	// Still checked: a changed credential, and one signed by another key
	// under this issuer's name.
	tampered := strings.Replace(string(jsonDoc), "Ana Lima", "Someone Else", 1)
	if r := verifier.Verify(ctx, []byte(tampered), fetch, now); r.Status() != "invalid" {
		t.Fatalf("tampered: %s", r.Status())
	}
	other := credtest.NewKeyBoard(t, board.Base)
	doc, _ := json.Marshal(cred)
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	forged, err := dataintegrity.Sign(m, other.Priv, other.VM, issued)
	if err != nil {
		t.Fatal(err)
	}
	forgedDoc, _ := json.Marshal(forged)
	if r := verifier.Verify(ctx, forgedDoc, fetch, now); r.Status() != "invalid" {
		t.Fatalf("signed by another did:key: %s %+v", r.Status(), r.Checks)
	}
}
