// Command load drives an in-process certboard server over loopback with many
// signed-in applicants at once, and reports the latency of the applicant's
// dashboard (GET /applications/{id}) and of adding evidence through the JSON
// API (POST /api/v1/applications/{id}/evidence/{list}).
//
// Usage:
//
//	go run ./bench/load [--users 200] [--duration 30s] [--warmup 5s] [--mix 0.8]
//	                    [--database postgres://...] [--json] [--cpuprofile FILE]
//	                    [--max-conns N] [--server-log]
//
// The server is built as certboard serve builds it, on a fresh database: a
// temporary SQLite directory, or with --database a new PostgreSQL database
// created on that server for the run and dropped after it. Each virtual user
// is an applicant with one draft application holding
// examples/portfolios/cst-eligible.json, signed in with a session made
// directly in the store; seeding is not measured. The users run in a closed
// loop without think time: each request starts as soon as the user's
// previous one is answered.
//
// Exit status: 0 when every request succeeded, 1 when any failed, 2 when the
// run could not be set up.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/certboard/certboard/bench/internal/checkout"
	"github.com/certboard/certboard/bench/internal/cli"
	"github.com/certboard/certboard/bench/internal/dashboard"
	"github.com/certboard/certboard/bench/internal/measure"
	"github.com/certboard/certboard/bench/internal/scratchdb"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// options are the command-line settings of a run.
type options struct {
	Users      int
	Duration   time.Duration
	Warmup     time.Duration
	Mix        float64
	Database   string
	JSON       bool
	CPUProfile string
	MaxConns   int
	Portfolio  string
	SetID      string
	// Items, when above the template portfolio's count, grows every
	// applicant's portfolio to that many evidence items (see grow).
	Items int
	// Think is the pause of each user between requests (0: a closed loop).
	Think time.Duration
	// ServerLog sends the server's warnings and errors to the progress
	// writer instead of discarding its log.
	ServerLog bool
}

func main() { cli.Main(run) }

// run is the whole program: it parses the flags, runs the load and prints the
// report.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return cli.FlagStatus(err)
	}
	rep, err := execute(ctx, o, stderr)
	code := cli.Finish(stdout, stderr, "load", rep, err, o.JSON)
	if code == cli.ExitFailed {
		for _, e := range rep.ErrorSamples {
			fmt.Fprintf(stderr, "load: error: %s\n", e)
		}
	}
	return code
}

// parseFlags reads and checks the command-line settings.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Users, "users", 200, "number of concurrent virtual `users`, each an applicant with one application")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "measured `time`, after the warm-up")
	fs.DurationVar(&o.Warmup, "warmup", 5*time.Second, "`time` of load before measuring, not recorded")
	fs.Float64Var(&o.Mix, "mix", 0.8, "`share` of requests that read the dashboard; the rest add one evidence item")
	fs.StringVar(&o.Database, "database", "", "PostgreSQL server `URL`, postgres://...: a fresh database is created there for the run and dropped after it (default: a temporary SQLite database)")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured period (server and load generator, one process) to `file`")
	fs.IntVar(&o.MaxConns, "max-conns", 0, "limit the database pool to `n` open and idle connections (default: leave the pool as certboard serve does)")
	fs.StringVar(&o.Portfolio, "portfolio", filepath.Join("examples", "portfolios", "cst-eligible.json"), "portfolio `file` every applicant starts with, found from the current directory or a parent")
	fs.IntVar(&o.Items, "items", 0, "grow every applicant's portfolio to `n` evidence items by repeating its education activities, clinical hours and supervision sessions under new ids (default: the portfolio as it is)")
	fs.StringVar(&o.SetID, "set", "aasect-cst", "requirement set `id` of the applications")
	fs.DurationVar(&o.Think, "think", 0, "pause of each user between requests, randomised ±50% (default 0: a closed loop without pauses)")
	fs.BoolVar(&o.ServerLog, "server-log", false, "print the server's warnings and errors (to find the cause of errors) instead of discarding its log")
	problems, err := cli.Parse(fs, args)
	if err != nil {
		return o, err
	}
	if o.Users < 1 {
		problems.Add("--users must be at least 1")
	}
	if o.Duration <= 0 {
		problems.Add("--duration must be positive, such as 30s")
	}
	if o.Warmup < 0 {
		problems.Add("--warmup must not be negative")
	}
	if o.Mix < 0 || o.Mix > 1 || math.IsNaN(o.Mix) {
		problems.Add("--mix must be between 0 and 1")
	}
	if o.Think < 0 {
		problems.Add("--think must not be negative")
	}
	if o.Items < 0 {
		problems.Add("--items must not be negative")
	}
	if o.MaxConns < 0 {
		problems.Add("--max-conns must not be negative")
	}
	if err := problems.Err("load", stderr); err != nil {
		return o, err
	}
	return o, nil
}

// Operations measured.
const (
	opDashboard = iota
	opAddEvidence
	numOps
)

var opNames = [numOps]string{"dashboard", "add-evidence"}

// opReport is the outcome of one operation over the measured period.
type opReport struct {
	Operation string `json:"operation"`
	Count     int    `json:"count"`
	measure.Summary
	// Conflicts are 409 answers (a stale version), re-read and retried.
	Conflicts int `json:"conflicts"`
	// Errors are other non-2xx answers and transport errors.
	Errors int `json:"errors"`
	// MeanBytes is the mean size of a successful answer's body.
	MeanBytes int64 `json:"mean_bytes"`
}

// poolReport is the database pool at the end of the run.
type poolReport struct {
	MaxOpen           int     `json:"max_open"`
	Open              int     `json:"open"`
	WaitCount         int64   `json:"wait_count"`
	WaitSeconds       float64 `json:"wait_seconds"`
	MaxIdleClosed     int64   `json:"closed_idle_pool_full"`
	MaxLifeClosed     int64   `json:"closed_max_lifetime"`
	MaxIdleTimeClosed int64   `json:"closed_max_idle_time"`
}

// report is the outcome of a run.
type report struct {
	measure.Run
	GOMAXPROCS int `json:"gomaxprocs"`
	// CPUSeconds is the CPU time of the whole process (server and load
	// generator) during the measured period, -1 when unknown; CPUPerRequest
	// divides it by the successful requests, in milliseconds.
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUPerRequest float64 `json:"cpu_ms_per_request"`
	// DatabaseCPUSeconds is the CPU time of the PostgreSQL backends serving
	// the run's database during the measured period, read from /proc when
	// the server runs on this host, -1 otherwise (and on SQLite, whose work
	// is in the process's CPU); DatabaseCPUPerRequest divides it by the
	// successful requests, in milliseconds.
	DatabaseCPUSeconds    float64 `json:"database_cpu_seconds"`
	DatabaseCPUPerRequest float64 `json:"database_cpu_ms_per_request"`
	// LoadStart and LoadEnd are the host's 1-minute load average when the
	// measured period started and ended (-1 when unknown): other work on the
	// host skews the figures.
	LoadStart  float64    `json:"host_load_start"`
	LoadEnd    float64    `json:"host_load_end"`
	Operations []opReport `json:"operations"`
	// WarmupErrors are errors during the warm-up, which are not in the
	// operations' figures but still fail the run.
	WarmupErrors int        `json:"warmup_errors"`
	Pool         poolReport `json:"database_pool"`
	ErrorSamples []string   `json:"error_samples,omitempty"`
	Interrupted  bool       `json:"interrupted,omitempty"`
}

// Failed reports whether any request failed.
func (r *report) Failed() bool {
	if r.WarmupErrors > 0 || r.Interrupted {
		return true
	}
	for _, op := range r.Operations {
		if op.Errors > 0 {
			return true
		}
	}
	return false
}

// execute sets up the database and the server, seeds the applicants, runs
// the load and tears everything down. Progress notes go to progress.
func execute(ctx context.Context, o options, progress io.Writer) (*report, error) {
	tpl, err := loadPortfolio(o.Portfolio)
	if err != nil {
		return nil, err
	}
	if tpl, err = grow(tpl, o.Items); err != nil {
		return nil, err
	}
	keys, err := seal.New(seal.Generate())
	if err != nil {
		return nil, err
	}
	cfg := boardsql.Config{Keys: keys}
	var backends func() map[int]float64
	if o.Database != "" {
		dbURL, drop, err := scratchdb.Create(ctx, o.Database, "certboard_load")
		if err != nil {
			return nil, err
		}
		defer drop()
		cfg.DatabaseURL = dbURL
		// A connection of its own, so that reading the backends' CPU does
		// not wait for the server's busy pool.
		watch, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, err
		}
		defer watch.Close()
		watch.SetMaxOpenConns(1)
		backends = func() map[int]float64 { return backendsCPU(ctx, watch) }
	} else {
		dir, err := os.MkdirTemp("", "certboard-load-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.DataDir = dir
	}
	// Through Open, so that the pool's size also sets how many write
	// transactions may hold connections on PostgreSQL.
	cfg.MaxConns = o.MaxConns
	st, err := boardsql.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	sets, err := requirements.Shipped()
	if err != nil {
		return nil, err
	}
	if sets.Latest(o.SetID) == nil {
		return nil, fmt.Errorf("--set %q: no such requirement set", o.SetID)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if o.ServerLog {
		log = slog.New(slog.NewTextHandler(progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	srv, err := web.New(web.Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st},
		Sets: sets, Log: log, PublicURL: base})
	if err != nil {
		ln.Close()
		return nil, err
	}
	srvCtx, stopServer := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { notify.Run(srvCtx, st, notify.Log{Logger: log}, 15*time.Second, log) })
	served := make(chan error, 1)
	go func() { served <- web.Run(srvCtx, ln, srv.Handler(), 10*time.Second, log) }()
	defer func() {
		stopServer()
		<-served
		bg.Wait()
	}()

	engine := st.Dialect.String()
	fmt.Fprintf(progress, "load: seeding %d applicants (%s)...\n", o.Users, engine)
	seedStart := time.Now()
	users, err := seed(ctx, st, o.Users, tpl, o.SetID)
	if err != nil {
		return nil, fmt.Errorf("seeding: %w", err)
	}
	seeded := time.Since(seedStart)
	fmt.Fprintf(progress, "load: seeded in %s; %s warm-up, then %s measured...\n", seeded.Round(time.Millisecond), o.Warmup, o.Duration)

	client := newClient(o.Users)
	defer client.CloseIdleConnections()
	stats, win, err := drive(ctx, client, base, users, o, backends)
	if err != nil {
		return nil, err
	}
	rep := summarize(stats, o, win)
	rep.Engine = engine
	rep.SeedSeconds = seeded.Round(time.Millisecond).Seconds()
	rep.Interrupted = ctx.Err() != nil
	ps := st.DB.Stats()
	rep.Pool = poolReport{MaxOpen: ps.MaxOpenConnections, Open: ps.OpenConnections, WaitCount: ps.WaitCount,
		WaitSeconds: ps.WaitDuration.Seconds(), MaxIdleClosed: ps.MaxIdleClosed, MaxLifeClosed: ps.MaxLifetimeClosed,
		MaxIdleTimeClosed: ps.MaxIdleTimeClosed}
	return rep, nil
}

// loadPortfolio reads the portfolio every applicant starts with.
func loadPortfolio(rel string) (*portfolio.Portfolio, error) {
	p, err := checkout.Portfolio(rel)
	if errors.Is(err, checkout.ErrNotFound) {
		return nil, fmt.Errorf("%w or give --portfolio", err)
	}
	return p, err
}

// grownLists are the lists grow repeats, in turn.
var grownLists = []string{"education", "clinical_hours", "supervision_sessions"}

// grow returns p with n evidence items in all (p itself when it holds n or
// more): copies of its education activities, clinical hours and supervision
// sessions in turn, each under a new id, appended to their lists. The copies
// keep their references (supervisor, contract), so the result decodes and
// validates as p does; it stands for an applicant with a long history.
func grow(p *portfolio.Portfolio, n int) (*portfolio.Portfolio, error) {
	count := 0
	for _, l := range portfolio.Lists() {
		count += len(portfolio.Items(p, l))
	}
	if n <= count {
		return p, nil
	}
	data, err := portfolio.Encode(p)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	originals := map[string][]any{}
	some := 0
	for _, l := range grownLists {
		originals[l], _ = doc[l].([]any)
		some += len(originals[l])
	}
	if some == 0 {
		return nil, errors.New("--items: the portfolio has no education activities, clinical hours or supervision sessions to repeat")
	}
	for i := 0; count < n; i++ {
		l := grownLists[i%len(grownLists)]
		src := originals[l]
		if len(src) == 0 {
			continue
		}
		item := maps.Clone(src[(i/len(grownLists))%len(src)].(map[string]any))
		item["id"] = fmt.Sprintf("%s-load-%d", item["id"], i)
		doc[l] = append(doc[l].([]any), item)
		count++
	}
	if data, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	q, err := portfolio.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("--items: the grown portfolio does not decode: %w", err)
	}
	return q, nil
}

// vuser is one virtual user: an applicant with one application and a
// session.
type vuser struct {
	n      int
	appID  int64
	cookie string // the Cookie header value
	// version is the application version the user last saw.
	version int
	added   int
}

// seedBatch is how many applicants are created per transaction.
const seedBatch = 100

// seed creates n applicants, each with a verified account, a draft
// application holding a copy of tpl under their own name, its start event,
// and a session.
func seed(ctx context.Context, st *boardsql.Store, n int, tpl *portfolio.Portfolio, setID string) ([]*vuser, error) {
	now := time.Now()
	users := make([]*vuser, 0, n)
	for start := 0; start < n; start += seedBatch {
		tx, err := st.Begin(ctx)
		if err != nil {
			return nil, err
		}
		for i := start; i < min(n, start+seedBatch); i++ {
			u, err := seedOne(ctx, st, tx, i+1, tpl, setID, now)
			if err != nil {
				tx.Rollback()
				return nil, err
			}
			users = append(users, u)
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
	}
	return users, nil
}

func seedOne(ctx context.Context, st *boardsql.Store, tx *boardsql.Tx, n int, tpl *portfolio.Portfolio, setID string, now time.Time) (*vuser, error) {
	email := fmt.Sprintf("load-%05d@example.org", n)
	name := fmt.Sprintf("Load Applicant %d", n)
	uid, err := st.CreateUserIn(ctx, tx, boardsql.User{Email: email, Name: name, PasswordHash: "not a hash: load-test sessions are made directly",
		Roles: []auth.Role{auth.Applicant}, CreatedAt: now, EmailVerifiedAt: now})
	if err != nil {
		return nil, err
	}
	p := *tpl // the lists are shared, read-only; only the person changes
	p.Person.Name, p.Person.Email = name, email
	data, err := portfolio.Encode(&p)
	if err != nil {
		return nil, err
	}
	appID, err := tx.CreateApplication(ctx, boardsql.Application{ApplicantID: uid, SetID: setID, State: board.Draft, Portfolio: data, CreatedAt: now})
	if err != nil {
		return nil, err
	}
	if err := tx.AddEvent(ctx, boardsql.Event{ApplicationID: appID, At: now, ActorID: uid, Action: "start", To: board.Draft}); err != nil {
		return nil, err
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	if err := st.CreateSessionIn(ctx, tx, boardsql.Session{Digest: digest, UserID: uid, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(web.SessionMax), UserAgent: "certboard-load"}); err != nil {
		return nil, err
	}
	cookie := (&http.Cookie{Name: web.SessionCookie, Value: token}).String()
	return &vuser{n: n, appID: appID, cookie: cookie, version: 1}, nil
}

// newClient is one HTTP client for all users, keeping a connection per user.
// It does not follow redirects: a redirect (to the sign-in page, say) is an
// answer to count, not to chase.
func newClient(users int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        users,
		MaxIdleConnsPerHost: users,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// maxErrorSamples bounds the error messages a user keeps.
const maxErrorSamples = 3

// userStats is what one user measured; each user writes only its own.
type userStats struct {
	lat          [numOps][]time.Duration
	bytes        [numOps]int64
	conflicts    [numOps]int
	errors       [numOps]int
	warmupErrors int
	samples      []string
}

// outcome is one answered (or failed) request.
type outcome struct {
	took   time.Duration
	status int
	err    error
	detail string // the start of the body of a failed answer
	size   int    // bytes of the answer's body
}

// record files an outcome under op, in the measurement or the warm-up.
func (s *userStats) record(op int, o outcome, measured bool) {
	bad := o.err != nil || o.status < 200 || o.status > 299
	conflict := o.err == nil && o.status == http.StatusConflict
	if bad && !conflict && len(s.samples) < maxErrorSamples {
		msg := fmt.Sprintf("%s: ", opNames[op])
		if o.err != nil {
			msg += o.err.Error()
		} else {
			msg += fmt.Sprintf("%d %s", o.status, o.detail)
		}
		s.samples = append(s.samples, msg)
	}
	switch {
	case !measured:
		if bad && !conflict {
			s.warmupErrors++
		}
	case conflict:
		s.conflicts[op]++
	case bad:
		s.errors[op]++
	default:
		s.lat[op] = append(s.lat[op], o.took)
		s.bytes[op] += int64(o.size)
	}
}

// worker runs one virtual user.
type worker struct {
	client *http.Client
	base   string
	u      *vuser
	rng    *rand.Rand
	buf    bytes.Buffer
	stats  userStats
}

// window is what the process and the host did during the measured period.
type window struct {
	// CPUSeconds is the CPU time of this process (server and load
	// generator), or -1 when it cannot be read.
	CPUSeconds float64
	// DatabaseCPUSeconds is the CPU time of the PostgreSQL backends
	// serving the run's database, or -1 when it cannot be read.
	DatabaseCPUSeconds float64
	// Load is the host's 1-minute load average at the start and the end,
	// or -1 when it cannot be read.
	LoadStart, LoadEnd float64
}

// drive runs every user until the warm-up and the measured period have
// passed (or ctx ends, which reports interrupted) and returns what each
// measured. Requests in flight at the end are finished, not cancelled;
// only requests started within the measured period are recorded. With
// o.CPUProfile, the measured period is profiled. backends, when not nil,
// reads the database server's CPU time by process (backendsCPU).
func drive(ctx context.Context, client *http.Client, base string, users []*vuser, o options, backends func() map[int]float64) ([]*userStats, window, error) {
	var prof *os.File
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return nil, window{}, err
		}
		defer f.Close()
		prof = f
	}
	start := time.Now()
	measureFrom := start.Add(o.Warmup)
	stopAt := measureFrom.Add(o.Duration)
	workers := make([]*worker, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		w := &worker{client: client, base: base, u: u, rng: rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(i)))}
		workers[i] = w
		wg.Go(func() { w.loop(ctx, o.Mix, o.Think, measureFrom, stopAt) })
	}
	t := time.NewTimer(time.Until(measureFrom))
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	win := window{LoadStart: measure.LoadAverage(), DatabaseCPUSeconds: -1}
	var db0 map[int]float64
	if backends != nil {
		db0 = backends()
	}
	cpu0 := measure.ProcessCPU()
	var perr error
	if prof != nil {
		perr = pprof.StartCPUProfile(prof)
	}
	wg.Wait()
	if prof != nil && perr == nil {
		pprof.StopCPUProfile()
		perr = prof.Close()
	}
	cpu1 := measure.ProcessCPU()
	if db0 != nil {
		if db1 := backends(); db1 != nil {
			// A backend that was not there at the start began within the
			// period; one gone by the end is not counted (the pool keeps
			// its connections, so neither is common).
			sum := 0.0
			for pid, c := range db1 {
				sum += c - db0[pid]
			}
			win.DatabaseCPUSeconds = math.Round(sum*100) / 100
		}
	}
	win.LoadEnd = measure.LoadAverage()
	win.CPUSeconds = -1
	if cpu0 >= 0 && cpu1 >= 0 {
		win.CPUSeconds = math.Round((cpu1-cpu0)*100) / 100
	}
	out := make([]*userStats, len(workers))
	for i, w := range workers {
		out[i] = &w.stats
	}
	return out, win, perr
}

// backendsCPU returns the CPU time, in seconds by process id, of the
// PostgreSQL backends connected to db's database (but db's own), read from
// /proc: nil when the server's processes cannot be read here (a server on
// another host) or the query fails.
func backendsCPU(ctx context.Context, db *sql.DB) map[int]float64 {
	rows, err := db.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	if err != nil {
		return nil
	}
	pids, err := sqldb.ScanIDs(rows)
	if err != nil {
		return nil
	}
	out := make(map[int]float64, len(pids))
	for _, pid := range pids {
		c := measure.PidCPU(int(pid))
		if c < 0 {
			return nil
		}
		out[int(pid)] = c
	}
	return out
}

// loop is the user's loop: one request after another, with a pause of
// about think between them (none in a closed loop).
func (w *worker) loop(ctx context.Context, mix float64, think time.Duration, measureFrom, stopAt time.Time) {
	for ctx.Err() == nil {
		if think > 0 {
			pause := time.Duration(float64(think) * (0.5 + w.rng.Float64()))
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
		}
		now := time.Now()
		if !now.Before(stopAt) {
			return
		}
		measured := !now.Before(measureFrom)
		if w.rng.Float64() < mix {
			w.stats.record(opDashboard, w.dashboard(), measured)
			continue
		}
		// A conflict means the version was stale: re-read it and retry,
		// a few times at most.
		for try := 0; try < 3; try++ {
			o := w.addEvidence()
			w.stats.record(opAddEvidence, o, measured)
			if o.err != nil || o.status != http.StatusConflict {
				break
			}
			if r := w.reread(); r.err != nil || r.status != http.StatusOK {
				w.stats.record(opAddEvidence, r, measured)
				break
			}
		}
	}
}

// do sends a request as the user and reads the whole answer into w.buf.
func (w *worker) do(method, path, contentType string, body []byte) (outcome, *http.Response) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.base+path, rd)
	if err != nil {
		return outcome{err: err}, nil
	}
	req.Header.Set("Cookie", w.u.cookie)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	start := time.Now()
	resp, err := w.client.Do(req)
	if err != nil {
		return outcome{took: time.Since(start), err: err}, nil
	}
	w.buf.Reset()
	_, err = w.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	o := outcome{took: time.Since(start), status: resp.StatusCode, err: err, size: w.buf.Len()}
	if o.err == nil && (o.status < 200 || o.status > 299) {
		o.detail = strings.Join(strings.Fields(string(w.buf.Bytes()[:min(w.buf.Len(), 300)])), " ")
	}
	return o, resp
}

// dashboard reads the applicant's dashboard and notes the version it shows.
func (w *worker) dashboard() outcome {
	o, _ := w.do(http.MethodGet, "/applications/"+strconv.FormatInt(w.u.appID, 10), "", nil)
	if o.err == nil && o.status == http.StatusOK {
		if v, ok := dashboard.Version(w.buf.Bytes()); ok {
			w.u.version = v
		} else {
			o.status, o.detail = 0, "the dashboard shows no version field"
			o.err = errors.New(o.detail)
		}
	}
	return o
}

// Evidence items added in turn: an attestation, and a small education
// activity.
const (
	attestationItem = `{"code":"aasect-code-of-conduct","version":"2024","signed":"2026-03-01"}`
	educationItem   = `{"title":"Load test seminar","kind":"ce","provider":{"name":"Load Institute","kind":"approved_provider","approved_by":["AASECT"]},` +
		`"delivery":"live_online","date":"2026-01-15","hours":1.5,"areas":{"aasect-core":["a"]}}`
)

// addEvidence adds one item through the JSON API at the version the user
// last saw and, on success, takes the new version from the answer.
func (w *worker) addEvidence() outcome {
	list, item := "attestations", attestationItem
	if w.u.added%2 == 1 {
		list, item = "education", educationItem
	}
	body := []byte(`{"version":` + strconv.Itoa(w.u.version) + `,"item":` + item + `}`)
	o, _ := w.do(http.MethodPost, "/api/v1/applications/"+strconv.FormatInt(w.u.appID, 10)+"/evidence/"+list, "application/json", body)
	if o.err != nil || o.status != http.StatusCreated {
		return o
	}
	var answer struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(w.buf.Bytes(), &answer); err != nil || answer.Version <= w.u.version {
		o.status, o.detail = 0, "the answer carries no new version: "+string(w.buf.Bytes()[:min(w.buf.Len(), 200)])
		o.err = errors.New(o.detail)
		return o
	}
	w.u.version = answer.Version
	w.u.added++
	return o
}

// reread takes the current version from the portfolio's ETag.
func (w *worker) reread() outcome {
	o, resp := w.do(http.MethodGet, "/api/v1/applications/"+strconv.FormatInt(w.u.appID, 10)+"/portfolio", "", nil)
	if o.err != nil || o.status != http.StatusOK {
		return o
	}
	v, err := strconv.Atoi(strings.Trim(resp.Header.Get("ETag"), `"W/`))
	if err != nil || v <= 0 {
		o.status, o.err = 0, fmt.Errorf("the portfolio has no usable ETag: %q", resp.Header.Get("ETag"))
		return o
	}
	w.u.version = v
	return o
}

// summarize merges the users' figures into the report.
func summarize(stats []*userStats, o options, win window) *report {
	rep := &report{Run: measure.NewRun(o.Users, o.Mix, o.Warmup, o.Duration), GOMAXPROCS: runtime.GOMAXPROCS(0),
		CPUSeconds: win.CPUSeconds, DatabaseCPUSeconds: win.DatabaseCPUSeconds, DatabaseCPUPerRequest: -1,
		LoadStart: win.LoadStart, LoadEnd: win.LoadEnd}
	requests := 0
	for op := range numOps {
		var all []time.Duration
		r := opReport{Operation: opNames[op]}
		for _, s := range stats {
			all = append(all, s.lat[op]...)
			r.Conflicts += s.conflicts[op]
			r.Errors += s.errors[op]
			r.MeanBytes += s.bytes[op]
		}
		slices.Sort(all)
		r.Count = len(all)
		if r.Count > 0 {
			r.MeanBytes /= int64(r.Count)
		}
		r.Summary = measure.Summarize(all, o.Duration)
		rep.Operations = append(rep.Operations, r)
		requests += r.Count
	}
	if win.CPUSeconds >= 0 && requests > 0 {
		rep.CPUPerRequest = math.Round(win.CPUSeconds/float64(requests)*1e5) / 100
	}
	if win.DatabaseCPUSeconds >= 0 && requests > 0 {
		rep.DatabaseCPUPerRequest = math.Round(win.DatabaseCPUSeconds/float64(requests)*1e5) / 100
	}
	for _, s := range stats {
		rep.WarmupErrors += s.warmupErrors
		for _, m := range s.samples {
			if len(rep.ErrorSamples) < 10 {
				rep.ErrorSamples = append(rep.ErrorSamples, m)
			}
		}
	}
	return rep
}

// WriteText prints the report as a plain table.
func (r *report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "certboard load: %s, %d users, mix %.2f (dashboard share), %gs warm-up, %gs measured, GOMAXPROCS %d, seeding %.1fs\n",
		r.Engine, r.Users, r.Mix, r.WarmupSeconds, r.DurationSeconds, r.GOMAXPROCS, r.SeedSeconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tcount\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\tconflicts\terrors\tmean KB")
	for _, op := range r.Operations {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%.1f\n", op.Operation, op.Count, op.PerSecond, op.P50, op.P90, op.P99, op.Max, op.Conflicts, op.Errors, float64(op.MeanBytes)/1000)
	}
	tw.Flush()
	p := r.Pool
	limit := "unlimited"
	if p.MaxOpen > 0 {
		limit = strconv.Itoa(p.MaxOpen)
	}
	fmt.Fprintf(w, "database pool: max open %s, %d open at the end, %d waits (%.1fs), %d connections closed because the idle pool was full\n",
		limit, p.Open, p.WaitCount, p.WaitSeconds, p.MaxIdleClosed)
	if r.CPUSeconds >= 0 {
		fmt.Fprintf(w, "process CPU (server and load generator): %.1fs in %gs (%.0f%% of %d cores), %.2f ms per request\n",
			r.CPUSeconds, r.DurationSeconds, 100*r.CPUSeconds/r.DurationSeconds/float64(runtime.NumCPU()), runtime.NumCPU(), r.CPUPerRequest)
	}
	if r.DatabaseCPUSeconds >= 0 {
		fmt.Fprintf(w, "PostgreSQL backends' CPU (this run's database): %.1fs in %gs (%.0f%% of %d cores), %.2f ms per request\n",
			r.DatabaseCPUSeconds, r.DurationSeconds, 100*r.DatabaseCPUSeconds/r.DurationSeconds/float64(runtime.NumCPU()), runtime.NumCPU(), r.DatabaseCPUPerRequest)
	}
	if r.LoadStart >= 0 {
		fmt.Fprintf(w, "host load average: %.2f at the start, %.2f at the end\n", r.LoadStart, r.LoadEnd)
	}
	if r.WarmupErrors > 0 {
		fmt.Fprintf(w, "warm-up errors (not in the table): %d\n", r.WarmupErrors)
	}
	if r.Interrupted {
		fmt.Fprintln(w, "interrupted: the figures cover only part of the run")
	}
}
