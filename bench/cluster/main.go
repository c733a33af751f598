// Command cluster runs several certboard instances on one PostgreSQL
// database behind HAProxy, drives a mixed load through HAProxy, kills one
// instance with SIGKILL in the middle of the run, and reports throughput,
// latency and errors before the kill, during it (until HAProxy has marked
// the instance down, and a little after) and after. Then it checks that
// every write the client saw succeed is in the database, and that the
// audit chain verifies.
//
// Usage:
//
//	go run ./bench/cluster [--instances 3] [--users 12] [--rate 30] [--duration 90s]
//	                       [--kill-after 45s] [--restart] [--database postgres://...]
//
// Exit status: 0 when every acknowledged write is found and the audit
// chain verifies, 1 when a write is missing or the chain is broken, 2 when
// the run could not be set up.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/certboard/certboard/bench/internal/checkout"
	"github.com/certboard/certboard/bench/internal/cli"
	"github.com/certboard/certboard/bench/internal/measure"
	"github.com/certboard/certboard/bench/internal/scratchdb"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/seal"
)

// options are the command-line settings of a run.
type options struct {
	Instances int
	Users     int
	Rate      float64
	Duration  time.Duration
	// KillAfter is when, from the start of the load, an instance is
	// killed; 0 is half the duration, negative never.
	KillAfter time.Duration
	// Settle is how long after HAProxy marks the killed instance down the
	// during phase goes on.
	Settle time.Duration
	// Restart starts the killed instance again when the after phase
	// begins.
	Restart   bool
	Items     int
	Database  string
	Certboard string
	HAProxy   string
	Inter     time.Duration
	Fall      int
	Rise      int
	Retries   int
	JSON      bool
	Keep      bool
	Portfolio string
}

func main() { cli.Main(run) }

// run is the whole program.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return cli.FlagStatus(err)
	}
	rep, err := execute(ctx, o, stderr)
	return cli.Finish(stdout, stderr, "cluster", rep, err, o.JSON)
}

// parseFlags reads and checks the command-line settings.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Instances, "instances", 3, "`number` of certboard instances behind HAProxy (at least 2)")
	fs.IntVar(&o.Users, "users", 12, "`number` of virtual users: half applicants, a sixth staff (at least one), the rest the public")
	fs.Float64Var(&o.Rate, "rate", 30, "requests per `second` from all users together (0: each user sends its next request as soon as the last is answered)")
	fs.DurationVar(&o.Duration, "duration", 90*time.Second, "`time` the load runs")
	fs.DurationVar(&o.KillAfter, "kill-after", 0, "`time` after the start of the load at which one instance is killed with SIGKILL (default: half the duration; negative: never)")
	fs.DurationVar(&o.Settle, "settle", 3*time.Second, "`time` the during phase goes on after HAProxy marks the killed instance down")
	fs.BoolVar(&o.Restart, "restart", false, "start the killed instance again when the after phase begins")
	fs.IntVar(&o.Items, "items", 3, "evidence `items` each applicant adds before submitting")
	fs.StringVar(&o.Database, "database", envOr("CERTBOARD_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server `URL`: a fresh database is created there for the run and dropped after it (default $CERTBOARD_TEST_POSTGRES, else the local server)")
	fs.StringVar(&o.Certboard, "certboard", "", "certboard `binary` to run (default: built from this checkout)")
	fs.StringVar(&o.HAProxy, "haproxy", "haproxy", "HAProxy `binary`")
	fs.DurationVar(&o.Inter, "check-inter", time.Second, "HAProxy's health-check `interval`")
	fs.IntVar(&o.Fall, "fall", 2, "failed health `checks` that mark an instance down")
	fs.IntVar(&o.Rise, "rise", 2, "good health `checks` that mark an instance up again")
	fs.IntVar(&o.Retries, "retries", 2, "HAProxy's `retries` of a request that could not reach an instance, each on another instance")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&o.Keep, "keep", false, "keep the run's directory (logs of the instances and HAProxy, its configuration) and print where it is")
	fs.StringVar(&o.Portfolio, "portfolio", filepath.Join("examples", "portfolios", "cst-eligible.json"), "portfolio `file` every applicant starts with, found from the current directory or a parent")
	problems, err := cli.Parse(fs, args)
	if err != nil {
		return o, err
	}
	if o.Instances < 2 {
		problems.Add("--instances must be at least 2: one is killed")
	}
	if o.Users < 3 {
		problems.Add("--users must be at least 3: an applicant, a member of staff and a member of the public")
	}
	if o.Rate < 0 {
		problems.Add("--rate must not be negative")
	}
	if o.Duration <= 0 {
		problems.Add("--duration must be positive, such as 90s")
	}
	if o.KillAfter >= o.Duration {
		problems.Add("--kill-after must be within --duration")
	}
	if o.Settle < 0 {
		problems.Add("--settle must not be negative")
	}
	if o.Items < 0 {
		problems.Add("--items must not be negative")
	}
	if o.Inter < 100*time.Millisecond {
		problems.Add("--check-inter must be at least 100ms")
	}
	if o.Fall < 1 || o.Rise < 1 {
		problems.Add("--fall and --rise must be at least 1")
	}
	if o.Retries < 0 {
		problems.Add("--retries must not be negative")
	}
	if err := problems.Err("cluster", stderr); err != nil {
		return o, err
	}
	if o.KillAfter == 0 {
		o.KillAfter = o.Duration / 2
	}
	return o, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// split is how many users of each kind there are among n.
func split(n int) (applicants, staff, public int) {
	applicants = max(1, n/2)
	staff = max(1, n/6)
	public = max(1, n-applicants-staff)
	return applicants, staff, public
}

// report is the outcome of a run.
type report struct {
	Instances       int     `json:"instances"`
	Users           int     `json:"users"`
	Applicants      int     `json:"applicants"`
	Staff           int     `json:"staff"`
	Public          int     `json:"public"`
	Rate            float64 `json:"rate"`
	DurationSeconds float64 `json:"duration_seconds"`
	SeedSeconds     float64 `json:"seed_seconds"`
	// Timeline, in seconds from the start of the load (-1: did not happen).
	KillAt    float64 `json:"kill_at"`
	DownAt    float64 `json:"down_at"`
	AfterFrom float64 `json:"after_from"`
	RestartAt float64 `json:"restart_at"`
	UpAt      float64 `json:"up_at"`
	Restarted bool    `json:"restarted"`
	// HAProxy is the load balancer's settings, and its counters at the end
	// by server (and FRONTEND).
	HAProxy       map[string]any        `json:"haproxy_settings"`
	HAProxyCounts map[string]serverStat `json:"haproxy_counters"`
	Phases        []row                 `json:"phases"`
	Operations    []row                 `json:"operations"`
	Failures      []failure             `json:"failures"`
	// ApplicantsUsed is how many seeded applicants signed in;
	// ApplicantsRanOut says whether the applicant users ran out of them
	// before the end.
	ApplicantsUsed   int         `json:"applicants_used"`
	ApplicantsRanOut bool        `json:"applicants_ran_out"`
	Writes           checkResult `json:"acknowledged_writes"`
	// AuditEntries is how many entries the audit chain holds; AuditError
	// says why it does not verify (empty: it does).
	AuditEntries int    `json:"audit_entries"`
	AuditError   string `json:"audit_error,omitempty"`
	// CPU is the load generator's CPU time (this process), the host's
	// load average at the start and end.
	ToolCPUSeconds float64 `json:"tool_cpu_seconds"`
	LoadStart      float64 `json:"host_load_start"`
	LoadEnd        float64 `json:"host_load_end"`
	Interrupted    bool    `json:"interrupted,omitempty"`
}

// Failed reports whether an acknowledged write is missing or the audit
// chain is broken.
func (r *report) Failed() bool { return len(r.Writes.Missing) > 0 || r.AuditError != "" }

// execute sets everything up, runs the load with the kill, tears
// everything down and checks the database.
func execute(ctx context.Context, o options, progress io.Writer) (*report, error) {
	haproxy, err := exec.LookPath(o.HAProxy)
	if err != nil {
		return nil, errNoHAProxy
	}
	tpl, err := checkout.Portfolio(o.Portfolio)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "certboard-cluster-")
	if err != nil {
		return nil, err
	}
	if o.Keep {
		fmt.Fprintf(progress, "cluster: logs and configuration in %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := o.Certboard
	if bin == "" {
		fmt.Fprintln(progress, "cluster: building certboard...")
		if bin, err = buildCertboard(ctx, dir); err != nil {
			return nil, err
		}
	}
	dbURL, drop, err := scratchdb.Create(ctx, o.Database, "certboard_cluster")
	if err != nil {
		return nil, err
	}
	defer drop()
	rawKey := seal.Generate()
	keys, err := seal.New(rawKey)
	if err != nil {
		return nil, err
	}
	filesDir := filepath.Join(dir, "files")
	if err := os.MkdirAll(filesDir, 0o700); err != nil {
		return nil, err
	}
	addrs, err := freeAddrs(o.Instances + 1)
	if err != nil {
		return nil, err
	}
	lbAddr, instAddrs := addrs[0], addrs[1:]
	publicURL := "http://" + lbAddr

	// The database, migrated once before any instance starts, and seeded.
	st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: dbURL, Keys: keys})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	st.DB.SetMaxOpenConns(4)
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	docs, err := blob.OpenDir(filesDir, keys)
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	applicants, staff, public := split(o.Users)
	// Enough applicants for the whole run even if every request were
	// theirs: an applicant's visit is items+3 requests or more.
	pool := applicants + int(max(o.Rate, 50)*o.Duration.Seconds())/(o.Items+3)
	fmt.Fprintf(progress, "cluster: seeding the demo board and %d applicants...\n", pool)
	seedStart := time.Now()
	w, err := seedWorld(ctx, st, docs, publicURL, tpl, pool, staff)
	if err != nil {
		return nil, err
	}
	seeded := time.Since(seedStart)

	// The instances, then HAProxy in front of them.
	env := []string{"CERTBOARD_SECRET_KEYS=" + seal.Encode(rawKey), "CERTBOARD_DATABASE=" + dbURL}
	var insts []*instance
	defer func() {
		for _, in := range insts {
			if in.proc != nil {
				in.proc.stop(10 * time.Second)
			}
		}
	}()
	var servers []lbServer
	for i, addr := range instAddrs {
		name := fmt.Sprintf("c%d", i+1)
		in := &instance{name: name, addr: addr, bin: bin, env: env, logPath: filepath.Join(dir, name+".log"),
			args: []string{"serve", "--addr", addr, "--files", "file://" + filesDir, "--public-url", publicURL,
				"--trusted-proxies", "127.0.0.1", "--log", "json"}}
		insts = append(insts, in)
		servers = append(servers, lbServer{Name: name, Addr: addr})
	}
	fmt.Fprintf(progress, "cluster: starting %d instances...\n", len(insts))
	for _, in := range insts {
		if err := in.start(ctx, 60*time.Second); err != nil {
			return nil, err
		}
	}
	lb := lbConfig{Listen: lbAddr, Servers: servers, StatsSocket: filepath.Join(dir, "haproxy.sock"),
		Inter: o.Inter, Fall: o.Fall, Rise: o.Rise, Retries: o.Retries}
	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(lb.render()), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.CommandContext(ctx, haproxy, "-c", "-f", cfgPath).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("haproxy refuses the configuration: %v\n%s", err, out)
	}
	hp, err := startProcess("haproxy", haproxy, []string{"-db", "-f", cfgPath}, nil, filepath.Join(dir, "haproxy.log"))
	if err != nil {
		return nil, err
	}
	defer hp.stop(5 * time.Second)
	if err := waitStates(ctx, lb.StatsSocket, names(servers), serverStat.up, 30*time.Second); err != nil {
		return nil, fmt.Errorf("haproxy: %w", err)
	}

	// The load, with the kill.
	fmt.Fprintf(progress, "cluster: %d users (%d applicants, %d staff, %d public) at %g requests/s for %s; killing %s at %s...\n",
		o.Users, applicants, staff, public, o.Rate, o.Duration, insts[0].name, o.KillAfter)
	rec, led := &recorder{}, &ledger{}
	d := &driver{client: newClient(o.Users), base: publicURL, rec: rec, ledger: led, world: w, items: o.Items,
		work: make(chan submitted, 1000)}
	defer d.client.CloseIdleConnections()
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	if o.Rate > 0 {
		d.tokens = pace(loadCtx, o.Rate, max(1, o.Users/2))
	}
	tl := timeline{Start: time.Now()}
	cpu0, load0 := measure.ProcessCPU(), measure.LoadAverage()
	usersDone := make(chan struct{})
	go func() {
		d.runUsers(loadCtx, applicants, staff, public, uint64(tl.Start.UnixNano()))
		close(usersDone)
	}()
	events := make(chan timeline, 1)
	go func() { events <- killAndWatch(loadCtx, o, insts[0], lb.StatsSocket, tl) }()
	select {
	case <-time.After(o.Duration):
	case <-ctx.Done():
	}
	stopLoad()
	tl = <-events
	tl.End = time.Now()
	<-usersDone
	cpu1, load1 := measure.ProcessCPU(), measure.LoadAverage()
	counts, _ := readStats(lb.StatsSocket)

	// Everything stops before the check, so that it reads what is
	// committed for good.
	hp.stop(5 * time.Second)
	for _, in := range insts {
		if in.proc != nil {
			in.proc.stop(10 * time.Second)
		}
	}
	fmt.Fprintln(progress, "cluster: checking the acknowledged writes and the audit chain...")
	checkCtx := context.WithoutCancel(ctx)
	writes, err := checkAcks(checkCtx, boardsql.ForBoard{Store: st}, led.all())
	if err != nil {
		return nil, fmt.Errorf("checking the acknowledged writes: %w", err)
	}
	rep := &report{Instances: o.Instances, Users: o.Users, Applicants: applicants, Staff: staff, Public: public, Rate: o.Rate,
		DurationSeconds: tl.End.Sub(tl.Start).Round(100 * time.Millisecond).Seconds(), SeedSeconds: seeded.Round(100 * time.Millisecond).Seconds(),
		KillAt: since(tl, tl.Kill), DownAt: since(tl, tl.Down), AfterFrom: since(tl, tl.AfterFrom), RestartAt: since(tl, tl.Restart), UpAt: since(tl, tl.Up),
		Restarted: !tl.Restart.IsZero(), HAProxyCounts: counts, Writes: writes,
		HAProxy: map[string]any{"check": "GET /readyz", "inter_ms": o.Inter.Milliseconds(), "fall": o.Fall, "rise": o.Rise, "retries": o.Retries,
			"redispatch": "every retry", "retry_on": "conn-failure (every method), empty-response (GET and HEAD only)", "balance": "roundrobin"},
		ApplicantsUsed: int(min(d.next.Load(), int64(len(w.applicants)))), ApplicantsRanOut: d.exhausted.Load() > 0,
		LoadStart: load0, LoadEnd: load1, ToolCPUSeconds: -1, Interrupted: ctx.Err() != nil}
	if cpu0 >= 0 && cpu1 >= 0 {
		rep.ToolCPUSeconds = cpu1 - cpu0
	}
	rep.Phases, rep.Operations, rep.Failures = tally(rec.all(), tl)
	if n, err := st.VerifyAudit(checkCtx); err != nil {
		rep.AuditError = err.Error()
	} else if err := st.CheckAuditHead(checkCtx); err != nil {
		rep.AuditError = err.Error()
	} else {
		rep.AuditEntries = n
	}
	return rep, nil
}

// since is t's time in seconds from the start of the load, or -1.
func since(tl timeline, t time.Time) float64 {
	if t.IsZero() {
		return -1
	}
	return t.Sub(tl.Start).Round(10 * time.Millisecond).Seconds()
}

func names(servers []lbServer) []string {
	var out []string
	for _, s := range servers {
		out = append(out, s.Name)
	}
	return out
}

// waitStates waits until every named server is as want says.
func waitStates(ctx context.Context, socket string, servers []string, want func(serverStat) bool, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		stats, err := readStats(socket)
		all := err == nil
		for _, s := range servers {
			all = all && want(stats[s])
		}
		if all {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the servers did not reach the state wanted within %s (%v, %v)", limit, stats, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// killAndWatch kills the instance at o.KillAfter, notes when HAProxy
// marks it down, and with o.Restart starts it again once the during phase
// is over and notes when HAProxy marks it up. It returns tl with those
// times, when ctx ends.
func killAndWatch(ctx context.Context, o options, in *instance, socket string, tl timeline) timeline {
	if o.KillAfter < 0 {
		<-ctx.Done()
		return tl
	}
	select {
	case <-ctx.Done():
		return tl
	case <-time.After(time.Until(tl.Start.Add(o.KillAfter))):
	}
	tl.Kill = time.Now()
	in.proc.kill()
	for ctx.Err() == nil {
		if stats, err := readStats(socket); err == nil && stats[in.name].down() {
			tl.Down = time.Now()
			tl.AfterFrom = tl.Down.Add(o.Settle)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tl.Down.IsZero() {
		return tl
	}
	select {
	case <-ctx.Done():
		return tl
	case <-time.After(time.Until(tl.AfterFrom)):
	}
	if !o.Restart {
		<-ctx.Done()
		return tl
	}
	tl.Restart = time.Now()
	if err := in.start(ctx, 60*time.Second); err != nil {
		<-ctx.Done()
		return tl
	}
	for ctx.Err() == nil {
		if stats, err := readStats(socket); err == nil && stats[in.name].up() {
			tl.Up = time.Now()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	<-ctx.Done()
	return tl
}

// WriteText prints the report as plain text.
func (r *report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "certboard cluster: %d instances behind HAProxy, one PostgreSQL database; %d users (%d applicants, %d staff, %d public) at %g requests/s, %gs; seeding %.1fs\n",
		r.Instances, r.Users, r.Applicants, r.Staff, r.Public, r.Rate, r.DurationSeconds, r.SeedSeconds)
	fmt.Fprintf(w, "haproxy: health check GET /readyz every %vms, fall %v, rise %v; %v retries, each on another instance: on a connection failure (every method), on an empty answer (GET and HEAD only)\n",
		r.HAProxy["inter_ms"], r.HAProxy["fall"], r.HAProxy["rise"], r.HAProxy["retries"])
	switch {
	case r.KillAt < 0:
		fmt.Fprintln(w, "no instance was killed")
	case r.DownAt < 0:
		fmt.Fprintf(w, "c1 killed (SIGKILL) at %.2fs; HAProxy had not marked it down by the end\n", r.KillAt)
	default:
		fmt.Fprintf(w, "c1 killed (SIGKILL) at %.2fs; HAProxy marked it down at %.2fs (%.2fs later); the after phase starts at %.2fs\n",
			r.KillAt, r.DownAt, r.DownAt-r.KillAt, r.AfterFrom)
	}
	if r.Restarted {
		up := "not up again by the end"
		if r.UpAt >= 0 {
			up = fmt.Sprintf("HAProxy marked it up at %.2fs", r.UpAt)
		}
		fmt.Fprintf(w, "c1 restarted at %.2fs (in the after phase); %s\n", r.RestartAt, up)
	} else if r.KillAt >= 0 {
		fmt.Fprintf(w, "c1 stays down: the after phase runs on %d instances\n", r.Instances-1)
	}
	fmt.Fprintln(w, "\nall requests, by the phase in which they ended (ok/s: successful requests per second; latency of successful requests):")
	writeRows(w, r.Phases, false)
	fmt.Fprintln(w, "\nby operation:")
	writeRows(w, r.Operations, true)
	if len(r.Failures) > 0 {
		fmt.Fprintln(w, "\nfailed requests:")
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %-6s %-18s %4d  %s\n", f.Phase, f.Operation, f.Count, f.Reason)
		}
	} else {
		fmt.Fprintln(w, "\nno request failed")
	}
	if len(r.HAProxyCounts) > 0 {
		fmt.Fprintln(w, "\nhaproxy counters at the end (requests taken, retries, redispatches, connection errors, response errors, 5xx):")
		for _, name := range append(names(serversOf(r)), "FRONTEND") {
			s, ok := r.HAProxyCounts[name]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "  %-8s %-10s %6d %4d %4d %4d %4d %4d\n", name, s.Status, s.Sessions, s.Retries, s.Redispatches, s.ConnErrors, s.RespErrors, s.Answers5xx)
		}
	}
	if r.ApplicantsRanOut {
		fmt.Fprintf(w, "\nthe applicant users ran out of seeded applicants (%d used) before the end\n", r.ApplicantsUsed)
	}
	fmt.Fprintf(w, "\nacknowledged writes checked in the database: %d (", r.Writes.Checked)
	var parts []string
	for _, k := range []string{ackSession, ackEvidence, ackSubmit, ackStartReview, ackVerify} {
		parts = append(parts, fmt.Sprintf("%s %d", k, r.Writes.ByKind[k]))
	}
	fmt.Fprintf(w, "%s); missing: %d\n", strings.Join(parts, ", "), len(r.Writes.Missing))
	for i, m := range r.Writes.Missing {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more\n", len(r.Writes.Missing)-20)
			break
		}
		fmt.Fprintf(w, "  MISSING %s\n", m)
	}
	if r.AuditError != "" {
		fmt.Fprintf(w, "audit chain: BROKEN: %s\n", r.AuditError)
	} else {
		fmt.Fprintf(w, "audit chain: intact, %d entries, ending at its signed checkpoint\n", r.AuditEntries)
	}
	if r.ToolCPUSeconds >= 0 {
		fmt.Fprintf(w, "load generator CPU: %.1fs; host load average %.2f at the start, %.2f at the end\n", r.ToolCPUSeconds, r.LoadStart, r.LoadEnd)
	}
	if r.Interrupted {
		fmt.Fprintln(w, "interrupted: the figures cover only part of the run")
	}
}

// serversOf names the instances of a report's counters, in order.
func serversOf(r *report) []lbServer {
	var out []lbServer
	for i := range r.Instances {
		out = append(out, lbServer{Name: fmt.Sprintf("c%d", i+1)})
	}
	return out
}
