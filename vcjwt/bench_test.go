package vcjwt

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"

	"github.com/certboard/certboard/internal/cputime"
)

// The aim is a VC-JWT verification within 1.25x of a bare Ed25519
// verification of the same signing input: BenchmarkVerify against
// BenchmarkEd25519Verify, in the same run.

func BenchmarkSign(b *testing.B) {
	c := sampleCredential()
	key := testKey()
	raw, err := json.Marshal(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	start := cputime.Now()
	for b.Loop() {
		if _, err := Sign(c, key, testKid); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, start)
}

func BenchmarkVerify(b *testing.B) {
	tok := mustSign(b, sampleCredential())
	resolve := resolver(testKid, testKey(), nil)
	b.SetBytes(int64(len(tok)))
	b.ReportMetric(float64(len(tok)), "token-bytes")
	start := cputime.Now()
	for b.Loop() {
		r, err := Verify(tok, resolve, during)
		if err != nil || !r.Valid() {
			b.Fatalf("Verify: %v %+v", err, r)
		}
	}
	cputime.Report(b, start)
}

// BenchmarkEd25519Verify is the floor: crypto/ed25519.Verify alone over the
// signing input of the token BenchmarkVerify checks.
func BenchmarkEd25519Verify(b *testing.B) {
	tok := mustSign(b, sampleCredential())
	i := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:i])
	sig, err := b64.DecodeString(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := testKey().Public().(ed25519.PublicKey)
	b.SetBytes(int64(len(tok)))
	start := cputime.Now()
	for b.Loop() {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("signature does not verify")
		}
	}
	cputime.Report(b, start)
}
