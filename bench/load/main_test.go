package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/bench/internal/cli"
	"github.com/certboard/certboard/portfolio"
)

func TestRecordSortsOutcomes(t *testing.T) {
	var s userStats
	s.record(opDashboard, outcome{took: time.Millisecond, status: 200}, true)
	s.record(opAddEvidence, outcome{took: time.Millisecond, status: 201}, true)
	s.record(opAddEvidence, outcome{status: http.StatusConflict}, true)
	s.record(opAddEvidence, outcome{status: 500, detail: "boom"}, true)
	s.record(opDashboard, outcome{err: io.ErrUnexpectedEOF}, true)
	s.record(opDashboard, outcome{status: 303}, true)
	s.record(opDashboard, outcome{status: 500}, false)
	s.record(opDashboard, outcome{status: 200}, false)
	if len(s.lat[opDashboard]) != 1 || len(s.lat[opAddEvidence]) != 1 {
		t.Errorf("recorded latencies: %d dashboard, %d add; want 1 and 1", len(s.lat[opDashboard]), len(s.lat[opAddEvidence]))
	}
	if s.conflicts[opAddEvidence] != 1 || s.errors[opAddEvidence] != 1 || s.errors[opDashboard] != 2 || s.warmupErrors != 1 {
		t.Errorf("conflicts %v, errors %v, warm-up errors %d", s.conflicts, s.errors, s.warmupErrors)
	}
	if len(s.samples) != maxErrorSamples || !strings.Contains(s.samples[0], "add-evidence: 500 boom") {
		t.Errorf("error samples: %q", s.samples)
	}
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"--users", "7", "--duration", "3s", "--mix", "0.5"}, &stderr)
	if err != nil || o.Users != 7 || o.Duration != 3*time.Second || o.Mix != 0.5 || o.Warmup != 5*time.Second {
		t.Fatalf("parsed %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"--users", "0"}, {"--mix", "1.5"}, {"--duration", "0s"}, {"extra"}} {
		stderr.Reset()
		if _, err := parseFlags(bad, &stderr); err == nil || !strings.Contains(stderr.String(), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: err %v, stderr %q", bad, err, stderr.String())
		}
	}
}

// TestSmokeSQLite runs the whole tool for two seconds with five users
// against SQLite: both operations must run, succeed and be reported.
func TestSmokeSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("a timed run")
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--users", "5", "--duration", "2s", "--warmup", "200ms", "--mix", "0.5", "--json"}, &stdout, &stderr)
	if code != cli.ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout.String())
	}
	if rep.Engine != "sqlite" || rep.Users != 5 || len(rep.Operations) != numOps {
		t.Fatalf("report: %+v", rep)
	}
	for _, op := range rep.Operations {
		if op.Count == 0 || op.Errors != 0 || op.Conflicts != 0 {
			t.Errorf("%s: %+v", op.Operation, op)
		}
		if !(op.P50 > 0 && op.P50 <= op.P90 && op.P90 <= op.P99 && op.P99 <= op.Max) {
			t.Errorf("%s: percentiles out of order: %+v", op.Operation, op)
		}
		if want := float64(op.Count) / 2; op.PerSecond < want-0.1 || op.PerSecond > want+0.1 {
			t.Errorf("%s: %g requests/s for %d in 2s", op.Operation, op.PerSecond, op.Count)
		}
	}
	var table bytes.Buffer
	rep.WriteText(&table)
	for _, want := range []string{"sqlite, 5 users", "dashboard", "add-evidence", "p99 ms", "database pool"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestGrow(t *testing.T) {
	tpl, err := loadPortfolio(filepath.Join("examples", "portfolios", "cst-eligible.json"))
	if err != nil {
		t.Fatal(err)
	}
	count := func(p *portfolio.Portfolio) (n int) {
		for _, l := range portfolio.Lists() {
			n += len(portfolio.Items(p, l))
		}
		return n
	}
	if same, err := grow(tpl, 10); err != nil || same != tpl {
		t.Fatalf("grow below the count = %p, %v; want the portfolio itself", same, err)
	}
	p, err := grow(tpl, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(p); got != 5000 {
		t.Fatalf("grown to %d items, want 5000", got)
	}
	if problems := portfolio.Validate(p); len(problems) > 0 {
		t.Fatalf("the grown portfolio does not validate: %v", problems[:min(3, len(problems))])
	}
	if len(p.Education) <= len(tpl.Education) || len(p.Sessions) <= len(tpl.Sessions) || len(p.ClinicalHours) <= len(tpl.ClinicalHours) {
		t.Errorf("not every repeated list grew: %d education, %d clinical hours, %d sessions", len(p.Education), len(p.ClinicalHours), len(p.Sessions))
	}
}
