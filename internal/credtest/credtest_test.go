package credtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verifier"
)

// TestIssuerAsTheVerifierSeesIt: what an Issuer issues verifies in both
// formats through its own Fetch; a bit set, a tampered token and an
// unreachable issuer are seen as such; Fetchers routes by host.
func TestIssuerAsTheVerifierSeesIt(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := from.AddDate(0, 1, 0)
	board := credtest.NewIssuer(t, "board.example", "Demo Board")
	other := credtest.NewIssuer(t, "other.example", "Other Board")
	fetch := credtest.Fetchers(board, other)
	c := board.Issue("CST", "Certified Sex Therapist", "Ana Lima", "ana@example.org", from, 3)
	for name, raw := range map[string][]byte{"json": c.JSON, "jwt": c.JWT} {
		if r := verifier.Verify(ctx, raw, fetch, now); r.Status() != "valid" || r.IssuerID() != board.DID {
			t.Fatalf("%s: %s %+v", name, r.Status(), r.Checks)
		}
	}
	if got := board.Fetched(); len(got) == 0 || len(other.Fetched()) != 0 {
		t.Fatalf("fetched %v from the board, %v from the other", got, other.Fetched())
	}
	tampered := credtest.TamperJWT(t, c.JWT, "Ana Lima", "Ana Lama")
	if r := verifier.Verify(ctx, tampered, fetch, now); r.Status() != "invalid" {
		t.Fatalf("tampered: %s", r.Status())
	}
	board.Set(c, statuslist.Suspension, true)
	if r := verifier.Verify(ctx, c.JWT, fetch, now); r.Status() != "invalid" || len(r.StatusSet) != 1 {
		t.Fatalf("suspended: %s %v", r.Status(), r.StatusSet)
	}
	board.Set(c, statuslist.Suspension, false)
	board.SetDown(true)
	if r := verifier.Verify(ctx, c.JSON, fetch, now); r.Status() == "valid" || r.Status() == "invalid" {
		t.Fatalf("issuer down: %s", r.Status())
	}
	board.SetDown(false)
	board.ClearFetched()
	if r := verifier.Verify(ctx, c.JSON, fetch, now); r.Status() != "valid" || len(board.Fetched()) == 0 {
		t.Fatalf("back up: %s", r.Status())
	}
}

// TestKeyBoard: a did:key board's credential verifies with its lists.
func TestKeyBoard(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	k := credtest.NewKeyBoard(t, "https://old.example")
	s := k.Sign(t, k.Credential(t, "Old Board", from), from)
	fetch := func(_ context.Context, u string) ([]byte, error) {
		l, _ := statuslist.New(statuslist.MinSize)
		if u == k.ListURL(statuslist.Revocation) {
			return k.StatusList(statuslist.Revocation, l, from, nil)
		}
		return k.StatusList(statuslist.Suspension, l, from, nil)
	}
	if r := verifier.Verify(context.Background(), s.JWT, fetch, from.AddDate(0, 1, 0)); r.Status() != "valid" {
		t.Fatalf("%s %+v", r.Status(), r.Checks)
	}
}
