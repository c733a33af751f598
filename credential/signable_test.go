package credential

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"
	"time"

	"github.com/certboard/certboard/dataintegrity"
	"github.com/certboard/certboard/did"
)

// TestIssuedCredentialPassesBlankNodeLimits: the credentials the board
// issues are never refused by the limits dataintegrity puts on blank nodes.
func TestIssuedCredentialPassesBlankNodeLimits(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	for _, tc := range []struct {
		name string
		in   func() IssueInput
	}{
		{"every part", cstInput},
		{"required parts only", func() IssueInput {
			in := cstInput()
			in.BoardEmail, in.LicenseNumber, in.RequirementSetURL, in.ValidYears = "", "", "", 0
			return in
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in()
			in.IssuerDID = did.KeyFromPublic(pub)
			c := mustIssue(t, in)
			var m map[string]any
			if err := json.Unmarshal(mustMarshal(t, c), &m); err != nil {
				t.Fatal(err)
			}
			signed, err := dataintegrity.Sign(m, priv, did.KeyVerificationMethod(pub), time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			r, err := dataintegrity.Verify(signed, did.ResolveKey)
			if err != nil || !r.Valid() {
				t.Fatalf("result %+v, %v", r, err)
			}
		})
	}
}
