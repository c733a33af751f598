// Command goals runs the measurements behind certboard's performance goals
// (docs/benchmarks.md) and prints each figure beside its goal, with "met"
// or "not met".
//
// Usage, from the repository root:
//
//	go run ./bench/goals                 # the Go benchmarks only (about 2 minutes)
//	go run ./bench/goals --load          # and the dashboard under load (SQLite, about 2 minutes more)
//	go run ./bench/goals --load --database postgres://...  # the load runs on PostgreSQL too
//	go run ./bench/goals --registry DIR  # and the registry against its bare index queries,
//	                                     # on a database kept by go run ./bench/registry --keep
//
// The figures are medians of --count runs of each benchmark on one CPU,
// in CPU time per operation where the benchmark reports it ("CPU"), which
// a busy machine inflates far less than wall-clock time.
// They vary with the machine and its load; the ratios (a verification
// beside a bare Ed25519 verify, a search beside the bare index query) are
// measured side by side in the same run and vary less.
//
// Exit status: 0 when every goal measured is met, 1 when any is not, 2 when
// a measurement could not run.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"

	"github.com/certboard/certboard/bench/internal/measure"
)

// goal is one performance goal and what was measured for it.
type goal struct {
	Area   string // "engine", "verification", ...
	What   string // what is measured
	Target string // the goal, in words
	Figure string // what was measured, in words
	Met    bool
}

func main() {
	count := flag.Int("count", 6, "runs of each Go benchmark; the median is reported")
	load := flag.Bool("load", false, "also run bench/load: the dashboard at 200 users without pauses, and an applicant with 5,000 items")
	database := flag.String("database", "", "with --load: also run the load on this PostgreSQL server (a fresh database is created and dropped)")
	registry := flag.String("registry", "", "also measure registry search against the bare index queries on this kept database (a SQLite directory or a PostgreSQL URL from go run ./bench/registry --keep)")
	verbose := flag.Bool("v", false, "print the raw output of every measurement to stderr")
	flag.Parse()

	var goals []goal
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "goals:", err)
		os.Exit(2)
	}
	add := func(gs []goal, err error) {
		if err != nil {
			fail(err)
		}
		goals = append(goals, gs...)
	}
	add(engineGoals(*count, *verbose))
	add(verificationGoals(*count, *verbose))
	if *load {
		add(loadGoals("SQLite", "", *verbose))
		if *database != "" {
			add(loadGoals("PostgreSQL", *database, *verbose))
		}
	}
	if *registry != "" {
		add(registryGoals(*registry, *verbose))
	}

	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AREA\tMEASURE\tGOAL\tMEASURED\t")
	missed := 0
	for _, g := range goals {
		verdict := "met"
		if !g.Met {
			verdict = "NOT MET"
			missed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", g.Area, g.What, g.Target, g.Figure, verdict)
	}
	tw.Flush()
	if missed > 0 {
		fmt.Printf("\n%d of %d goals not met\n", missed, len(goals))
		os.Exit(1)
	}
	fmt.Printf("\nall %d goals met\n", len(goals))
}

// engineGoals: the 880-item aasect-cst evaluation in at most 80 µs and
// under 100 allocations; decoding the stored portfolio no slower than
// evaluating it, shown beside the floor under any decoder into the
// portfolio's Go values (BenchmarkDecodeFloorLarge: building them, no parsing).
func engineGoals(count int, verbose bool) ([]goal, error) {
	r, err := runBench("./eligibility", "^Benchmark(EvaluateLarge|DecodeStoredLarge|DecodeFloorLarge)$", count, verbose)
	if err != nil {
		return nil, err
	}
	ev, ok1 := r["EvaluateLarge"]
	dec, ok2 := r["DecodeStoredLarge"]
	floor, ok3 := r["DecodeFloorLarge"]
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("eligibility: EvaluateLarge, DecodeStoredLarge or DecodeFloorLarge did not run")
	}
	return []goal{
		{"engine", "880-item aasect-cst evaluation, time", "≤ 80 µs", fmt.Sprintf("%.0f µs%s", ev.Micros(), cpuMark(ev)), ev.Micros() <= 80},
		{"engine", "880-item aasect-cst evaluation, allocations", "< 100", fmt.Sprintf("%.0f", ev.AllocsOp), ev.AllocsOp < 100},
		{"engine", "decoding the stored portfolio", "≤ evaluating it", fmt.Sprintf("%.0f µs%s (%.2fx; building the values alone, no parsing: %.0f µs, %.2fx)", dec.Micros(), cpuMark(dec), dec.NsPerOp/ev.NsPerOp, floor.Micros(), floor.NsPerOp/ev.NsPerOp), dec.NsPerOp <= ev.NsPerOp},
	}, nil
}

// verificationGoals: eddsa-rdfc-2022 in at most 0.5 ms; a VC-JWT within
// 1.25 times a bare Ed25519 verify, and the whole verification with a cached
// status list within 3 times.
func verificationGoals(count int, verbose bool) ([]goal, error) {
	di, err := runBench("./dataintegrity", "^BenchmarkVerify$", count, verbose)
	if err != nil {
		return nil, err
	}
	jwt, err := runBench("./vcjwt", "^Benchmark(Verify|Ed25519Verify)$", count, verbose)
	if err != nil {
		return nil, err
	}
	whole, err := runBench("./verifier", "^Benchmark(VerifyVCJWT|Ed25519Verify)$", count, verbose)
	if err != nil {
		return nil, err
	}
	v, ok1 := di["Verify"]
	j, ok2 := jwt["Verify"]
	e, ok3 := jwt["Ed25519Verify"]
	w, ok4 := whole["VerifyVCJWT"]
	we, ok5 := whole["Ed25519Verify"]
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return nil, fmt.Errorf("a verification benchmark did not run")
	}
	return []goal{
		{"verification", "eddsa-rdfc-2022, proof only", "≤ 0.5 ms", fmt.Sprintf("%.2f ms%s", v.NsPerOp/1e6, cpuMark(v)), v.NsPerOp <= 0.5e6},
		{"verification", "VC-JWT, token alone / bare Ed25519", "≤ 1.25x", fmt.Sprintf("%.2fx (%.0f / %.0f µs)", j.NsPerOp/e.NsPerOp, j.Micros(), e.Micros()), j.NsPerOp <= 1.25*e.NsPerOp},
		{"verification", "VC-JWT, whole, status list cached / bare Ed25519", "≤ 3x", fmt.Sprintf("%.2fx (%.0f / %.0f µs)", w.NsPerOp/we.NsPerOp, w.Micros(), we.Micros()), w.NsPerOp <= 3*we.NsPerOp},
	}, nil
}

// cpuMark says " CPU" for a figure of CPU time (see benchResult).
func cpuMark(r benchResult) string {
	if r.CPU {
		return " CPU"
	}
	return ""
}

// goRunJSON runs go run with args, its standard error passed on, and
// decodes its standard output, JSON, into v; with verbose the output is
// also written to standard error. A run that fails is still decoded when
// it printed its report (a tool exits 1 when its own check fails); when
// the output does not decode, the error says why the run failed too.
func goRunJSON(v any, verbose bool, args ...string) error {
	cmd := exec.Command("go", append([]string{"run"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	runErr := cmd.Run()
	if verbose {
		os.Stderr.Write(out.Bytes())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		return fmt.Errorf("%v (%v)", err, runErr)
	}
	return nil
}

// loadReport is the part of bench/load's --json report read here.
type loadReport struct {
	Operations []struct {
		Operation string  `json:"operation"`
		Count     int     `json:"count"`
		P99       float64 `json:"p99_ms"`
		Errors    int     `json:"errors"`
	} `json:"operations"`
}

// runLoad runs bench/load with args and --json and returns the dashboard's
// p99 and the number of failed requests.
func runLoad(args []string, verbose bool) (p99 float64, errs int, err error) {
	var rep loadReport
	if err := goRunJSON(&rep, verbose, append([]string{"./bench/load", "--json"}, args...)...); err != nil {
		return 0, 0, fmt.Errorf("bench/load %s: %w", strings.Join(args, " "), err)
	}
	found := false
	for _, op := range rep.Operations {
		errs += op.Errors
		if op.Operation == "dashboard" {
			p99, found = op.P99, true
		}
	}
	if !found {
		return 0, 0, fmt.Errorf("bench/load %s: no dashboard figures", strings.Join(args, " "))
	}
	return p99, errs, nil
}

// loadGoals: the dashboard's p99 under 50 ms for 200 applicants without
// pauses, and under 100 ms for an applicant with 5,000 evidence items
// (one user, reading and adding as the load tool's users do), with no
// failed request.
func loadGoals(engine, database string, verbose bool) ([]goal, error) {
	base := []string{"--duration", "20s", "--warmup", "5s"}
	if database != "" {
		base = append(base, "--database", database)
	}
	p99, errs, err := runLoad(append([]string{"--users", "200"}, base...), verbose)
	if err != nil {
		return nil, err
	}
	big, bigErrs, err := runLoad(append([]string{"--users", "1", "--items", "5000"}, base...), verbose)
	if err != nil {
		return nil, err
	}
	return []goal{
		{"dashboard", engine + ": p99, 200 users, no pauses", "< 50 ms, no errors", fmt.Sprintf("%.1f ms, %d errors", p99, errs), p99 < 50 && errs == 0},
		{"dashboard", engine + ": p99, one applicant of 5,000 items", "< 100 ms, no errors", fmt.Sprintf("%.1f ms, %d errors", big, bigErrs), big < 100 && bigErrs == 0},
	}, nil
}

// registryGoals: a search at 1,000,000 listings within 2 times the bare
// index query with the same match expression, at p50 and p99, for a rare
// and a common term; and a common word within 2 times the bare exact-word
// query.
func registryGoals(reuse string, verbose bool) ([]goal, error) {
	var rep measure.BareReport
	if err := goRunJSON(&rep, verbose, "./bench/registry", "--reuse", reuse, "--bare-only", "--json"); err != nil {
		return nil, fmt.Errorf("bench/registry: %w", err)
	}
	var gs []goal
	for _, q := range rep.Queries {
		if q.Kind != "rare" && q.Kind != "common" {
			continue
		}
		gs = append(gs, goal{"registry", rep.Engine + ": " + q.Name + " / bare query as typed", "≤ 2x at p50 and p99",
			fmt.Sprintf("%.1fx / %.1fx", q.P50Prefix, q.P99Prefix), q.P50Prefix <= 2 && q.P99Prefix <= 2})
		if q.Kind == "common" {
			gs = append(gs, goal{"registry", rep.Engine + ": " + q.Name + " / bare exact word", "≤ 2x at p50 and p99",
				fmt.Sprintf("%.1fx / %.1fx", q.P50Exact, q.P99Exact), q.P50Exact <= 2 && q.P99Exact <= 2})
		}
	}
	if len(gs) == 0 {
		return nil, fmt.Errorf("bench/registry reported no rare or common query")
	}
	return gs, nil
}
