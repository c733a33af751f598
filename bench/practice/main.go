// Command practice measures the practice pages that grow with history
// under concurrent load: a client's record with thousands of notes and
// measures, and a practitioner's list of thousands of clients filtered
// by name.
//
//	go run ./bench/practice                      # SQLite, 10,000 clients, 5,000 notes and responses, 8 users, 20 s
//	go run ./bench/practice --database 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	go run ./bench/practice --users 1 --duration 10s
//	go run ./bench/practice --url http://127.0.0.1:8081 --email ... --password ... --totp-secret ... --client 42
//
// It seeds a practice (practiceseed: a practitioner with two factors,
// --clients clients, one of them with --notes signed progress notes and
// --responses scored measure responses) in a fresh database (a temporary
// SQLite directory, or a PostgreSQL database created for the run and
// dropped after it), starts the practice's server in this process as
// `certboard serve --mode practice` builds it, signs in as the
// practitioner through the sign-in pages (password, then the two-factor
// code), and runs --users users in a closed loop: each GETs, as soon as
// its last answer is read, either the big client's record page
// (probability --mix) or the list of clients filtered by the start of a
// name. With --url it seeds nothing and drives a server already running,
// signing in with the account and client given. It prints, per page, the
// requests per second and the 50th, 90th and 99th percentile latency.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/certboard/certboard/bench/internal/measure"
	"github.com/certboard/certboard/bench/internal/scratchdb"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/practiceseed"
	"github.com/certboard/certboard/practice/practicesql"
	pweb "github.com/certboard/certboard/practice/web"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/web"
)

func main() {
	o, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := execute(ctx, o, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "practice bench:", err)
		os.Exit(2)
	}
	if o.JSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.print(os.Stdout)
	}
	if rep.failed() {
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	Database                   string
	Clients, Notes, Responses  int
	Users                      int
	Mix                        float64
	Warmup, Duration           time.Duration
	URL, Email, Password, TOTP string
	Client                     int64
	Filters                    []string
	JSON                       bool
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("practice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Database, "database", "", "a PostgreSQL URL: a database is created on that server for the run and dropped after it (empty: SQLite in a temporary directory)")
	fs.IntVar(&o.Clients, "clients", 10000, "clients of the practitioner")
	fs.IntVar(&o.Notes, "notes", 5000, "signed progress notes of the big client")
	fs.IntVar(&o.Responses, "responses", 5000, "scored measure responses of the big client")
	fs.IntVar(&o.Users, "users", 8, "concurrent users, each in a closed loop")
	fs.Float64Var(&o.Mix, "mix", 0.5, "share of requests that read the record page; the rest filter the client list")
	fs.DurationVar(&o.Warmup, "warmup", 3*time.Second, "time before measuring")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "time measured")
	fs.StringVar(&o.URL, "url", "", "drive a practice server already running at this URL instead of seeding one (needs --email, --password, --totp-secret, --client)")
	fs.StringVar(&o.Email, "email", "", "with --url: the practitioner's e-mail address")
	fs.StringVar(&o.Password, "password", "", "with --url: the practitioner's password")
	fs.StringVar(&o.TOTP, "totp-secret", "", "with --url: the practitioner's two-factor (TOTP) secret, base32")
	fs.Int64Var(&o.Client, "client", 0, "with --url: the id of the client whose record is read")
	filters := fs.String("filters", "ba,ca,el,ja,mo,no,sa,ta,ke lau", "comma-separated names looked for, in turn")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for f := range strings.SplitSeq(*filters, ",") {
		if f = strings.TrimSpace(f); f != "" {
			o.Filters = append(o.Filters, f)
		}
	}
	bad := func(msg string) (options, error) {
		fmt.Fprintln(stderr, "practice bench:", msg)
		return o, errors.New(msg)
	}
	switch {
	case o.Users < 1:
		return bad("--users must be at least 1")
	case o.Mix < 0 || o.Mix > 1:
		return bad("--mix is a share from 0 to 1")
	case o.Duration <= 0:
		return bad("--duration must be positive")
	case len(o.Filters) == 0:
		return bad("--filters names at least one name to look for")
	case o.URL != "" && (o.Email == "" || o.Password == "" || o.TOTP == "" || o.Client <= 0):
		return bad("--url needs --email, --password, --totp-secret and --client")
	case o.URL == "" && o.Clients < 1:
		return bad("--clients must be at least 1")
	}
	return o, nil
}

// target is the server driven and who signs in.
type target struct {
	base, email, password, secret string
	client                        int64
	// now is the server's clock, for the two-factor code.
	now func() time.Time
}

// execute seeds and starts a practice (or takes the one --url names),
// signs in, runs the load and reports. Progress goes to progress.
func execute(ctx context.Context, o options, progress io.Writer) (*report, error) {
	rep := &report{Run: measure.NewRun(o.Users, o.Mix, o.Warmup, o.Duration)}
	rep.Engine = "remote"
	t := target{base: strings.TrimSuffix(o.URL, "/"), email: o.Email, password: o.Password, secret: o.TOTP, client: o.Client, now: time.Now}
	if o.URL == "" {
		base, st, seeded, stop, err := startSeeded(ctx, o, progress, rep)
		if err != nil {
			return nil, err
		}
		defer stop()
		rep.Engine = st.Dialect.String()
		t = target{base: base, email: seeded.Practitioner.Email, password: seeded.Password,
			secret: seeded.Secrets[seeded.Practitioner.Email], client: seeded.BigClient, now: time.Now}
	}
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConnsPerHost: o.Users, MaxConnsPerHost: 0}}
	cookie, err := signIn(ctx, client, t)
	if err != nil {
		return nil, fmt.Errorf("signing in as %s: %w", t.email, err)
	}
	fmt.Fprintf(progress, "signed in as %s; %d users for %s after %s of warm-up\n", t.email, o.Users, o.Duration, o.Warmup)
	run(ctx, client, cookie, t, o, rep)
	return rep, nil
}

// startSeeded makes the database, seeds it and starts the server on a
// free port of 127.0.0.1; stop stops the server and removes the database.
func startSeeded(ctx context.Context, o options, progress io.Writer, rep *report) (string, *practicesql.Store, *practiceseed.Seeded, func(), error) {
	keys, err := seal.New(seal.Generate())
	if err != nil {
		return "", nil, nil, nil, err
	}
	cfg := practicesql.Config{Keys: keys}
	var cleanup []func()
	stop := func() {
		for _, f := range slices.Backward(cleanup) {
			f()
		}
	}
	fail := func(err error) (string, *practicesql.Store, *practiceseed.Seeded, func(), error) {
		stop()
		return "", nil, nil, nil, err
	}
	if o.Database != "" {
		dbURL, drop, err := scratchdb.Create(ctx, o.Database, "certboard_practice_bench")
		if err != nil {
			return fail(err)
		}
		cleanup = append(cleanup, drop)
		cfg.DatabaseURL = dbURL
	} else {
		dir, err := os.MkdirTemp("", "certboard-practice-bench-")
		if err != nil {
			return fail(err)
		}
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
		cfg.DataDir = dir
	}
	st, err := practicesql.Open(ctx, cfg)
	if err != nil {
		return fail(err)
	}
	cleanup = append(cleanup, func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		return fail(err)
	}
	start := time.Now()
	seeded, err := practiceseed.Seed(ctx, st, practiceseed.Config{Clients: o.Clients, Notes: o.Notes, Responses: o.Responses})
	if err != nil {
		return fail(fmt.Errorf("seeding: %w", err))
	}
	rep.SeedSeconds = time.Since(start).Seconds()
	fmt.Fprintf(progress, "seeded %s: %d clients, %d notes and %d responses on client %d in %s\n", st.Dialect, o.Clients, o.Notes,
		o.Responses, seeded.BigClient, time.Since(start).Round(time.Millisecond))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := pweb.New(pweb.Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Log: log, PublicURL: base})
	if err != nil {
		ln.Close()
		return fail(err)
	}
	srvCtx, stopServer := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- web.Run(srvCtx, ln, srv.Handler(), 10*time.Second, log) }()
	cleanup = append(cleanup, func() { stopServer(); <-served })
	return base, st, seeded, stop, nil
}

// signIn signs in through the pages, as a browser does: the password,
// then the two-factor code; it returns the session cookie.
func signIn(ctx context.Context, client *http.Client, t target) (*http.Cookie, error) {
	post := func(path string, form url.Values, c *http.Cookie) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp, nil
	}
	session := func(resp *http.Response) *http.Cookie {
		for _, c := range resp.Cookies() {
			if c.Name == pweb.SessionCookie {
				return c
			}
		}
		return nil
	}
	resp, err := post("/login", url.Values{"email": {t.email}, "password": {t.password}}, nil)
	if err != nil {
		return nil, err
	}
	pending := session(resp)
	if resp.StatusCode != http.StatusSeeOther || pending == nil || !strings.HasPrefix(resp.Header.Get("Location"), "/login/two-factor") {
		return nil, fmt.Errorf("the password step answered %s, to %q", resp.Status, resp.Header.Get("Location"))
	}
	code, err := auth.TOTPCode(t.secret, t.now())
	if err != nil {
		return nil, err
	}
	resp, err = post("/login/two-factor", url.Values{"code": {code}, "next": {"/"}}, pending)
	if err != nil {
		return nil, err
	}
	full := session(resp)
	if resp.StatusCode != http.StatusSeeOther || full == nil {
		return nil, fmt.Errorf("the two-factor step answered %s", resp.Status)
	}
	return full, nil
}

// The pages measured.
const (
	opRecord = iota
	opFilter
	numOps
)

var opNames = [numOps]string{"record", "clients-filtered"}

// stats are one user's figures in the measured period.
type stats struct {
	lat    [numOps][]time.Duration
	errors [numOps]int
	bytes  [numOps]int64
	sample string
}

// run drives the load and fills rep.
func run(ctx context.Context, client *http.Client, cookie *http.Cookie, t target, o options, rep *report) {
	start := time.Now()
	measureFrom, stopAt := start.Add(o.Warmup), start.Add(o.Warmup+o.Duration)
	all := make([]*stats, o.Users)
	var wg sync.WaitGroup
	for u := range o.Users {
		s := &stats{}
		all[u] = s
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(u), 7))
			buf := make([]byte, 64<<10)
			for n := 0; ctx.Err() == nil; n++ {
				began := time.Now()
				if !began.Before(stopAt) {
					return
				}
				op, path := opFilter, "/clients?q="+url.QueryEscape(o.Filters[(u+n)%len(o.Filters)])
				if rng.Float64() < o.Mix {
					op, path = opRecord, fmt.Sprintf("/clients/%d", t.client)
				}
				size, err := get(ctx, client, t.base+path, cookie, buf)
				took := time.Since(began)
				if began.Before(measureFrom) {
					if err != nil {
						s.errors[op]++
						s.sample = err.Error()
					}
					continue
				}
				if err != nil {
					s.errors[op]++
					s.sample = err.Error()
					continue
				}
				s.lat[op] = append(s.lat[op], took)
				s.bytes[op] += size
			}
		})
	}
	cpu0, load0 := measure.ProcessCPU(), measure.LoadAverage()
	select {
	case <-time.After(time.Until(measureFrom)):
		cpu0, load0 = measure.ProcessCPU(), measure.LoadAverage()
	case <-ctx.Done():
	}
	wg.Wait()
	cpu1, load1 := measure.ProcessCPU(), measure.LoadAverage()
	rep.Interrupted = ctx.Err() != nil
	rep.LoadStart, rep.LoadEnd = load0, load1
	rep.CPUSeconds = -1
	if cpu0 >= 0 && cpu1 >= 0 {
		rep.CPUSeconds = cpu1 - cpu0
	}
	total := 0
	for op := range numOps {
		r := opReport{Page: opNames[op]}
		var lat []time.Duration
		var bytes int64
		for _, s := range all {
			lat = append(lat, s.lat[op]...)
			r.Errors += s.errors[op]
			bytes += s.bytes[op]
			if s.sample != "" && len(rep.ErrorSamples) < 3 {
				rep.ErrorSamples = append(rep.ErrorSamples, s.sample)
				s.sample = ""
			}
		}
		slices.Sort(lat)
		r.Requests = len(lat)
		total += len(lat)
		r.Summary = measure.Summarize(lat, o.Duration)
		if len(lat) > 0 {
			r.MeanKB = math.Round(float64(bytes)/float64(len(lat))/1024*10) / 10
		}
		rep.Pages = append(rep.Pages, r)
	}
	if rep.CPUSeconds >= 0 && total > 0 {
		rep.CPUPerRequest = math.Round(rep.CPUSeconds/float64(total)*1e5) / 100
	}
}

// get reads path with the session and returns the size of the answer; an
// answer other than 200 is an error.
func get(ctx context.Context, client *http.Client, u string, cookie *http.Cookie, buf []byte) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.AddCookie(cookie)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.CopyBuffer(io.Discard, resp.Body, buf)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("GET %s: %s (to %q)", u, resp.Status, resp.Header.Get("Location"))
	}
	return n, nil
}

// opReport is one page's figures.
type opReport struct {
	Page     string `json:"page"`
	Requests int    `json:"requests"`
	measure.Summary
	Errors int     `json:"errors"`
	MeanKB float64 `json:"mean_kb"`
}

// report is the outcome of a run.
type report struct {
	measure.Run
	// CPUSeconds is the process's CPU time in the measured period (server
	// and load generator; not PostgreSQL's), -1 when unknown;
	// CPUPerRequest divides it by the successful requests, in ms.
	CPUSeconds    float64 `json:"cpu_seconds"`
	CPUPerRequest float64 `json:"cpu_ms_per_request"`
	// LoadStart and LoadEnd are the host's 1-minute load average when the
	// measured period started and ended (-1 when unknown).
	LoadStart    float64    `json:"host_load_start"`
	LoadEnd      float64    `json:"host_load_end"`
	Pages        []opReport `json:"pages"`
	ErrorSamples []string   `json:"error_samples,omitempty"`
	Interrupted  bool       `json:"interrupted,omitempty"`
}

// failed reports whether any request failed or the run was cut short.
func (r *report) failed() bool {
	if r.Interrupted {
		return true
	}
	for _, p := range r.Pages {
		if p.Errors > 0 {
			return true
		}
	}
	return false
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%s, %d users, closed loop, %.0f%% record pages, %.0f s measured after %.0f s of warm-up\n",
		r.Engine, r.Users, r.Mix*100, r.DurationSeconds, r.WarmupSeconds)
	fmt.Fprintf(w, "%-18s %9s %8s %9s %9s %9s %9s %7s %8s\n", "page", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "KB")
	for _, p := range r.Pages {
		fmt.Fprintf(w, "%-18s %9d %8.1f %9.1f %9.1f %9.1f %9.1f %7d %8.1f\n", p.Page, p.Requests, p.PerSecond, p.P50, p.P90, p.P99, p.Max, p.Errors, p.MeanKB)
	}
	if r.CPUSeconds >= 0 {
		fmt.Fprintf(w, "process CPU %.1f s in the measured period, %.2f ms per request\n", r.CPUSeconds, r.CPUPerRequest)
	}
	if r.LoadStart >= 0 {
		fmt.Fprintf(w, "host load average (1 min): %.1f at the start, %.1f at the end\n", r.LoadStart, r.LoadEnd)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintln(w, "error:", e)
	}
}
