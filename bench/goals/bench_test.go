package main

import "testing"

// TestParseBench: the median of each benchmark's runs, by name without the
// "Benchmark" prefix; lines that are not results are skipped.
func TestParseBench(t *testing.T) {
	out := []byte(`goos: linux
pkg: github.com/certboard/certboard/eligibility
BenchmarkEvaluateLarge 	    2000	    440000 ns/op	   92000 B/op	     454 allocs/op
BenchmarkEvaluateLarge 	    2000	    420000 ns/op	   92000 B/op	     454 allocs/op
BenchmarkEvaluateLarge 	    2000	    900000 ns/op	   92000 B/op	     454 allocs/op
BenchmarkVerify-2 	   10000	    100000 ns/op	 50000 cpu-ns/op	    1 B/op	     2 allocs/op
BenchmarkVerify-2 	   10000	    120000 ns/op	 70000 cpu-ns/op	    1 B/op	     2 allocs/op
PASS
ok  	github.com/certboard/certboard/eligibility	3.1s
`)
	r, err := parseBench(out)
	if err != nil {
		t.Fatal(err)
	}
	ev := r["EvaluateLarge"]
	if ev.Runs != 3 || ev.NsPerOp != 440000 || ev.CPU || ev.AllocsOp != 454 || ev.Micros() != 440 {
		t.Fatalf("EvaluateLarge: %+v", ev)
	}
	if v := r["Verify-2"]; v.Runs != 2 || v.NsPerOp != 60000 || !v.CPU { // CPU time where reported
		t.Fatalf("Verify-2: %+v", v)
	}
	if len(r) != 2 {
		t.Fatalf("%d benchmarks: %v", len(r), r)
	}
	if _, err := parseBench([]byte("BenchmarkX 1 abc ns/op\n")); err == nil {
		t.Fatal("a bad figure must be an error")
	}
}
