package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// benchResult is the median of the runs of one Go benchmark.
type benchResult struct {
	Name string
	// NsPerOp is the process's CPU time per operation where the benchmark
	// reports it (the metric cpu-ns/op, internal/cputime), the wall-clock
	// time otherwise: on a shared machine CPU time grows far less with the
	// other processes' load.
	NsPerOp  float64
	CPU      bool // NsPerOp is CPU time
	AllocsOp float64
	BytesOp  float64
	Runs     int
}

// Micros is the median time per operation in microseconds.
func (r benchResult) Micros() float64 { return r.NsPerOp / 1e3 }

// runBench runs the benchmarks of pkg matching pattern count times, on one
// CPU, and returns the median of each by name (without the "Benchmark"
// prefix). The go command's output is echoed to stderr when verbose.
func runBench(pkg, pattern string, count int, verbose bool) (map[string]benchResult, error) {
	args := []string{"test", pkg, "-run", "^$", "-bench", pattern, "-benchmem", "-cpu", "1", "-count", strconv.Itoa(count)}
	cmd := exec.Command("go", args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	if verbose {
		os.Stderr.Write(out.Bytes())
	}
	return parseBench(out.Bytes())
}

// parseBench reads the lines of Go benchmark output and returns the median
// time, bytes and allocations per operation of each benchmark.
func parseBench(out []byte) (map[string]benchResult, error) {
	type samples struct{ ns, cpu, b, allocs []float64 }
	all := map[string]*samples{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		s := all[name]
		if s == nil {
			s = &samples{}
			all[name] = s
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %v", sc.Text(), err)
			}
			switch f[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "cpu-ns/op":
				s.cpu = append(s.cpu, v)
			case "B/op":
				s.b = append(s.b, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			}
		}
	}
	res := map[string]benchResult{}
	for _, name := range order {
		s := all[name]
		if len(s.ns) == 0 {
			continue
		}
		r := benchResult{Name: name, NsPerOp: median(s.ns), BytesOp: median(s.b), AllocsOp: median(s.allocs), Runs: len(s.ns)}
		if len(s.cpu) == len(s.ns) {
			r.NsPerOp, r.CPU = median(s.cpu), true
		}
		res[name] = r
	}
	return res, sc.Err()
}

// median is the middle value of xs (the mean of the two middle ones for an
// even count), or 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
