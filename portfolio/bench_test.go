package portfolio

import (
	"os"
	"testing"
)

// BenchmarkDecodeFull decodes and validates testdata/full.json.
// Reproduce: go test ./portfolio -run '^$' -bench DecodeFull -benchmem -cpu 1
func BenchmarkDecodeFull(b *testing.B) {
	data, err := os.ReadFile("testdata/full.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
