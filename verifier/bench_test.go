package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/internal/cputime"
	"github.com/certboard/certboard/internal/credtest"
	"github.com/certboard/certboard/statuslist"
	"github.com/certboard/certboard/verifier"
)

// benchFixture is a VC-JWT of an issued Open Badges credential with a
// revocation and a suspension entry, the two lists as their issuer serves
// them (signed with Data Integrity), and a fetch that answers them from
// memory: a status list a caller already holds (cached), so that no network
// time hides the verifier's own.
type benchFixture struct {
	token, signingInput string
	sig                 []byte
	pub                 ed25519.PublicKey
	fetch               verifier.Fetch
	now                 time.Time
}

func newBenchFixture(b *testing.B) benchFixture {
	b.Helper()
	issued := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	board := credtest.NewKeyBoard(b, "https://lists.example")
	token := string(board.Sign(b, board.Credential(b, "A Board", issued), issued).JWT)
	served := map[string][]byte{}
	for _, p := range []statuslist.Purpose{statuslist.Revocation, statuslist.Suspension} {
		bits, _ := statuslist.New(statuslist.MinSize)
		list, err := board.StatusList(p, bits, issued, nil)
		if err != nil {
			b.Fatal(err)
		}
		served[board.ListURL(p)] = list
	}
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	return benchFixture{
		token: token, signingInput: token[:i], sig: sig, pub: board.Pub, now: issued.Add(24 * time.Hour),
		fetch: func(_ context.Context, u string) ([]byte, error) {
			if body, ok := served[u]; ok {
				return body, nil
			}
			return nil, errors.New("not served: " + u)
		},
	}
}

// BenchmarkVerifyVCJWT is the whole verification of a VC-JWT with two
// status lists already fetched: the goal is within 3 times
// BenchmarkEd25519Verify, in the same run.
func BenchmarkVerifyVCJWT(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	start := cputime.Now()
	for b.Loop() {
		r := verifier.Verify(ctx, []byte(f.token), f.fetch, f.now)
		if r.Status() != "valid" {
			b.Fatalf("%s: %+v", r.Status(), r.Checks)
		}
	}
	cputime.Report(b, start)
}

// BenchmarkEd25519Verify is the floor: crypto/ed25519.Verify alone over the
// token's signing input.
func BenchmarkEd25519Verify(b *testing.B) {
	f := newBenchFixture(b)
	input := []byte(f.signingInput)
	start := cputime.Now()
	for b.Loop() {
		if !ed25519.Verify(f.pub, input, f.sig) {
			b.Fatal("signature does not verify")
		}
	}
	cputime.Report(b, start)
}
