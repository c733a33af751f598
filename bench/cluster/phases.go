package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/certboard/certboard/bench/internal/measure"
)

// Phases of a run: before the kill, from the kill until the load balancer
// has marked the instance down and a little after, and after that.
const (
	phaseBefore = iota
	phaseDuring
	phaseAfter
	numPhases
)

var phaseNames = [numPhases]string{"before", "during", "after"}

// sample is one request as the client saw it.
type sample struct {
	op  string
	end time.Time // when the answer was read in full (or the request failed)
	// took is from sending the request to having read the whole answer.
	took time.Duration
	// outcome is okOutcome, conflictOutcome, limitedOutcome or
	// errorOutcome; reason says why a request failed.
	outcome outcome
	reason  string
}

// outcome sorts an answer.
type outcome int

const (
	okOutcome       outcome = iota // 2xx
	conflictOutcome                // 409: a stale version, which the user re-reads
	limitedOutcome                 // 429: a rate limit refused it
	errorOutcome                   // any other status, or no answer at all
)

// recorder collects the samples of every user.
type recorder = collector[sample]

// collector gathers the values the users report, from any goroutine.
type collector[T any] struct {
	mu    sync.Mutex
	items []T
}

// add appends v.
func (c *collector[T]) add(v T) {
	c.mu.Lock()
	c.items = append(c.items, v)
	c.mu.Unlock()
}

// all returns a copy of the values added so far.
func (c *collector[T]) all() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.items)
}

// timeline is when the run's events happened. Zero times did not happen.
type timeline struct {
	Start, End time.Time
	// Kill is when the instance was sent SIGKILL; Down when the load
	// balancer first showed it down; AfterFrom is Down plus the settling
	// time, where the after phase starts.
	Kill, Down, AfterFrom time.Time
	// Restart is when the killed instance was started again (with
	// --restart), Up when the load balancer showed it up again.
	Restart, Up time.Time
}

// phaseOf is the phase of a request that ended at end: requests are
// filed by the time they ended, so that one cut short by the kill counts
// in the during phase even though it started before.
func (t timeline) phaseOf(end time.Time) int {
	switch {
	case t.Kill.IsZero() || end.Before(t.Kill):
		return phaseBefore
	case t.AfterFrom.IsZero() || end.Before(t.AfterFrom):
		return phaseDuring
	}
	return phaseAfter
}

// bounds are the start and end of a phase; an empty phase has end <= start.
func (t timeline) bounds(p int) (time.Time, time.Time) {
	kill, after := t.Kill, t.AfterFrom
	if kill.IsZero() || kill.After(t.End) {
		kill = t.End
	}
	if after.IsZero() || after.After(t.End) {
		after = t.End
	}
	switch p {
	case phaseBefore:
		return t.Start, kill
	case phaseDuring:
		return kill, after
	}
	return after, t.End
}

// row is the figures of one phase, for all operations or one.
type row struct {
	Phase     string  `json:"phase"`
	Operation string  `json:"operation,omitempty"`
	Seconds   float64 `json:"seconds"`
	OK        int     `json:"ok"`
	PerSecond float64 `json:"ok_per_second"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
	Conflicts int     `json:"conflicts"`
	Limited   int     `json:"limited"`
	Errors    int     `json:"errors"`
}

// failure is how many requests of an operation failed for one reason in
// a phase.
type failure struct {
	Phase     string `json:"phase"`
	Operation string `json:"operation"`
	Reason    string `json:"reason"`
	Count     int    `json:"count"`
}

// tally sums the samples by phase (and, in byOp, by phase and operation).
// Latency percentiles are over the successful requests; throughput is
// successful requests per second of the phase.
func tally(samples []sample, t timeline) (phases []row, byOp []row, failures []failure) {
	type key struct {
		phase int
		op    string
	}
	lat := map[key][]time.Duration{}
	counts := map[key]*row{}
	fails := map[failure]int{}
	get := func(k key) *row {
		r := counts[k]
		if r == nil {
			r = &row{Phase: phaseNames[k.phase], Operation: k.op}
			counts[k] = r
		}
		return r
	}
	for _, s := range samples {
		p := t.phaseOf(s.end)
		for _, k := range []key{{p, ""}, {p, s.op}} {
			r := get(k)
			switch s.outcome {
			case okOutcome:
				r.OK++
				lat[k] = append(lat[k], s.took)
			case conflictOutcome:
				r.Conflicts++
			case limitedOutcome:
				r.Limited++
			default:
				r.Errors++
			}
		}
		if s.outcome == errorOutcome {
			fails[failure{Phase: phaseNames[p], Operation: s.op, Reason: s.reason}]++
		}
	}
	finish := func(k key) row {
		r := *get(k)
		from, to := t.bounds(k.phase)
		r.Seconds = math.Round(max(0, to.Sub(from).Seconds())*10) / 10
		if r.Seconds > 0 {
			r.PerSecond = math.Round(float64(r.OK)/r.Seconds*10) / 10
		}
		l := lat[k]
		slices.Sort(l)
		r.P50, r.P99 = measure.MS(measure.Percentile(l, 50)), measure.MS(measure.Percentile(l, 99))
		if len(l) > 0 {
			r.Max = measure.MS(l[len(l)-1])
		}
		return r
	}
	ops := map[string]bool{}
	for k := range counts {
		if k.op != "" {
			ops[k.op] = true
		}
	}
	for p := range numPhases {
		phases = append(phases, finish(key{p, ""}))
	}
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		for p := range numPhases {
			if counts[key{p, op}] != nil {
				byOp = append(byOp, finish(key{p, op}))
			}
		}
	}
	for f, n := range fails {
		f.Count = n
		failures = append(failures, f)
	}
	slices.SortFunc(failures, func(a, b failure) int {
		if a.Phase != b.Phase {
			return slices.Index(phaseNames[:], a.Phase) - slices.Index(phaseNames[:], b.Phase)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Operation != b.Operation {
			return cmpString(a.Operation, b.Operation)
		}
		return cmpString(a.Reason, b.Reason)
	})
	return phases, byOp, failures
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// writeRows prints rows as a table; withOp adds the operation column.
func writeRows(w io.Writer, rows []row, withOp bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "phase\tseconds\tok\tok/s\tp50 ms\tp99 ms\tmax ms\tconflicts\tlimited\terrors"
	if withOp {
		head = "operation\t" + head
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		line := fmt.Sprintf("%s\t%.1f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%d", r.Phase, r.Seconds, r.OK, r.PerSecond, r.P50, r.P99, r.Max, r.Conflicts, r.Limited, r.Errors)
		if withOp {
			line = r.Operation + "\t" + line
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}
