// Package measure holds what the load tools under bench/ compute alike:
// nearest-rank percentiles of latencies, the summary of one kind of
// request they report, the head of their reports, the process's CPU time and the host's load
// average around a measured period, and the registry tool's report that
// bench/goals reads.
package measure

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted
// latencies by the nearest-rank method: the smallest value with at least p%
// of the values at or below it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// Summary is the throughput and latency of one kind of request over a
// measured period, as the tools report it (embedded in their rows, its
// fields stand in the row's JSON).
type Summary struct {
	// PerSecond is the requests per second, to a tenth.
	PerSecond float64 `json:"requests_per_second"`
	// P50, P90, P99 and Max are latencies in milliseconds (MS).
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// Summarize returns the summary of the sorted latencies of the requests
// answered in a measured period (all zero for no latencies).
func Summarize(sorted []time.Duration, period time.Duration) Summary {
	s := Summary{
		PerSecond: math.Round(float64(len(sorted))/period.Seconds()*10) / 10,
		P50:       MS(Percentile(sorted, 50)),
		P90:       MS(Percentile(sorted, 90)),
		P99:       MS(Percentile(sorted, 99)),
	}
	if len(sorted) > 0 {
		s.Max = MS(sorted[len(sorted)-1])
	}
	return s
}

// Run is what the reports of bench/load and bench/practice say first of a
// run: the database engine, the users and their mix of requests, and the
// warm-up, measured and seeding times. Embedded in a report, its fields
// stand in the report's JSON.
type Run struct {
	Engine          string  `json:"engine"`
	Users           int     `json:"users"`
	Mix             float64 `json:"mix"`
	WarmupSeconds   float64 `json:"warmup_seconds"`
	DurationSeconds float64 `json:"duration_seconds"`
	SeedSeconds     float64 `json:"seed_seconds"`
}

// NewRun is the Run of users at mix, measured for duration after warmup;
// the engine and the seeding time are the tool's to fill in.
func NewRun(users int, mix float64, warmup, duration time.Duration) Run {
	return Run{Users: users, Mix: mix, WarmupSeconds: warmup.Seconds(), DurationSeconds: duration.Seconds()}
}

// MS is a duration in milliseconds, rounded to microseconds.
func MS(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

// ProcessCPU returns the CPU time this process has used, user and system,
// in seconds, from /proc/self/stat; -1 where that cannot be read (not
// Linux).
func ProcessCPU() float64 { return cpuOf("/proc/self/stat") }

// PidCPU is ProcessCPU for another process of the host, by its id: -1
// when it cannot be read (not Linux, gone, or not visible here).
func PidCPU(pid int) float64 { return cpuOf("/proc/" + strconv.Itoa(pid) + "/stat") }

// cpuOf reads the user and system CPU time, in seconds, from a
// /proc/<pid>/stat file; -1 where that cannot be read.
func cpuOf(stat string) float64 {
	b, err := os.ReadFile(stat)
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces; the fields after its
	// closing parenthesis start with field 3, so utime (14) and stime (15)
	// are the 12th and 13th.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	const ticksPerSecond = 100 // USER_HZ, 100 on every Linux platform Go supports
	return (utime + stime) / ticksPerSecond
}

// LoadAverage returns the host's 1-minute load average from /proc/loadavg,
// or -1.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// BareReport is bench/registry's --bare-only --json report, which
// bench/goals reads: per query, the registry search's p50 and p99 over the
// bare prefix query's and the bare exact-word query's.
type BareReport struct {
	Engine  string      `json:"engine"`
	Runs    int         `json:"runs"`
	Queries []BareQuery `json:"queries"`
}

// BareQuery is one query of a BareReport.
type BareQuery struct {
	Name        string  `json:"name"`
	Kind        string  `json:"kind"` // "rare", "common" or "filtered"
	P50Prefix   float64 `json:"p50_ratio_prefix"`
	P99Prefix   float64 `json:"p99_ratio_prefix"`
	P50Exact    float64 `json:"p50_ratio_exact"`
	P99Exact    float64 `json:"p99_ratio_exact"`
	SearchP50Ms float64 `json:"search_p50_ms"`
	SearchP99Ms float64 `json:"search_p99_ms"`
}
