package statuslist

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchList returns a list of size bits with about fill of them set, at
// positions fixed by a seed so that runs compare.
func benchList(b *testing.B, size int, fill float64) *List {
	b.Helper()
	l := newList(b, size)
	r := rand.New(rand.NewChaCha8([32]byte{9}))
	for range int(float64(size) * fill) {
		if err := l.Set(r.IntN(size), true); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

var benchCases = []struct {
	size int
	fill float64
}{
	{MinSize, 0.01},
	{8 * MinSize, 0.01},
}

func BenchmarkEncode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(fmt.Sprintf("bits=%d/fill=%g", bc.size, bc.fill), func(b *testing.B) {
			l := benchList(b, bc.size, bc.fill)
			b.SetBytes(int64(bc.size / 8))
			for b.Loop() {
				if _, err := l.Encode(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(fmt.Sprintf("bits=%d/fill=%g", bc.size, bc.fill), func(b *testing.B) {
			enc, err := benchList(b, bc.size, bc.fill).Encode()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(bc.size / 8))
			for b.Loop() {
				if _, err := Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(enc)), "encoded-chars")
		})
	}
}

func BenchmarkAllocatorNext(b *testing.B) {
	// Fill a list to half (the rotation point), the worst case for
	// rejection sampling, then time one more draw, handing it back after each.
	a, err := NewAllocator(MinSize, nil, rand.NewChaCha8([32]byte{3}))
	if err != nil {
		b.Fatal(err)
	}
	for !a.ShouldRotate() {
		if _, err := a.Next(); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		i, err := a.Next()
		if err != nil {
			b.Fatal(err)
		}
		// Give the index back so every draw starts at half full.
		a.taken[i/64] &^= uint64(1) << (i % 64)
		a.used--
	}
}
