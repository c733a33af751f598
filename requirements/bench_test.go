package requirements

import "testing"

// BenchmarkParseCST parses and checks the shipped aasect-cst set.
// Reproduce: go test ./requirements -run '^$' -bench ParseCST -benchmem -cpu 1
func BenchmarkParseCST(b *testing.B) {
	data, err := shippedFiles.ReadFile("sets/aasect-cst.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("aasect-cst.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
