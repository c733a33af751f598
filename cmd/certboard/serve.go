package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/sqldb"
	kit "github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/limitsql"
)

// runServe serves HTTP until SIGINT or SIGTERM, then finishes the requests
// in flight and stops.
func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stdout, stderr, nil)
}

// serve is runServe with its context and, for tests, a channel that receives
// the address once the server listens (with --demo, the board's and then the
// demo practice's).
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, listening chan<- string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", envOr("CERTBOARD_MODE", "board"), "what to serve: board, or practice (a practice's records, on a database of its own: DATA/"+practicesql.File+", DATA defaulting to data/practice) (env CERTBOARD_MODE)")
	addr := fs.String("addr", os.Getenv("CERTBOARD_ADDR"), "`host:port` to listen on (env CERTBOARD_ADDR; default localhost:8080, a practice localhost:8081)")
	practiceAddr := fs.String("practice-addr", os.Getenv("CERTBOARD_PRACTICE_ADDR"), "with --demo, the `host:port` of the demo practice (env CERTBOARD_PRACTICE_ADDR; default: the port after --addr's)")
	practicePublicURL := fs.String("practice-public-url", os.Getenv("CERTBOARD_PRACTICE_PUBLIC_URL"), "with --demo, the `URL` where users reach the demo practice, which may have a path as --public-url may (env CERTBOARD_PRACTICE_PUBLIC_URL; default http://PRACTICE-ADDR)")
	logFormat := fs.String("log", envOr("CERTBOARD_LOG", "text"), "log `format`: text or json (env CERTBOARD_LOG)")
	publicURL := fs.String("public-url", os.Getenv("CERTBOARD_PUBLIC_URL"), "`URL` where users reach certboard, for links in mail and the board's did:web; a path (https://example.org/board/) serves every page under it, for a reverse proxy that forwards the path unstripped (env CERTBOARD_PUBLIC_URL; default http://ADDR)")
	smtpAddr := fs.String("smtp", os.Getenv("CERTBOARD_SMTP"), "SMTP server `host:port`; empty logs mail instead of sending it (env CERTBOARD_SMTP)")
	smtpFrom := fs.String("smtp-from", envOr("CERTBOARD_SMTP_FROM", "certboard@localhost"), "sender `address` of mail (env CERTBOARD_SMTP_FROM)")
	smtpUser := fs.String("smtp-user", os.Getenv("CERTBOARD_SMTP_USER"), "SMTP `user`; the password is read from CERTBOARD_SMTP_PASSWORD")
	demo := fs.Bool("demo", false, "seed a demo board (staff, reviewers, a supervisor, applicants at every stage) when it is not there yet, start a demo practice beside it on --practice-addr with its own database in DATA/practice, and print the logins of both")
	filesURL := fs.String("files", os.Getenv("CERTBOARD_FILES"), "bucket `URL` for uploaded documents: file:///srv/certboard/files, or s3://BUCKET?region=... for S3 (endpoint=URL&use_path_style=true for an S3-compatible service; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); see docs/operations.md (env CERTBOARD_FILES; default DATA/files)")
	fs.StringVar(filesURL, "blob", *filesURL, "the same as --files (the name the operations guide also uses)")
	proxies := fs.String("trusted-proxies", os.Getenv("CERTBOARD_TRUSTED_PROXIES"), "`addresses or CIDR prefixes` of the reverse proxies in front of certboard, comma-separated: requests from them are counted (rate limits, sign-in throttling) by the client X-Forwarded-For names (env CERTBOARD_TRUSTED_PROXIES)")
	metricsAddr := fs.String("metrics-addr", os.Getenv("CERTBOARD_METRICS_ADDR"), "`host:port` of a separate listener serving /metrics without sign-in, for Prometheus on an internal network; the main listener's /metrics then answers 404 (env CERTBOARD_METRICS_ADDR; default: /metrics on the main listener, for signed-in staff only)")
	hashConcurrency := fs.String("hash-concurrency", envOr("CERTBOARD_HASH_CONCURRENCY", strconv.Itoa(web.DefaultHashConcurrency)), "`number` of passwords hashed at once (argon2id, 19 MiB each); sign-ins beyond it are answered 429 before hashing (env CERTBOARD_HASH_CONCURRENCY)")
	cfg := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch *mode {
	case "board", "practice":
	default:
		fmt.Fprintf(stderr, "certboard serve: --mode %q: use board or practice\n", *mode)
		return exitBadInput
	}
	if *mode == "practice" {
		for _, name := range []string{"demo", "files", "metrics-addr", "practice-addr", "practice-public-url"} {
			if set[name] {
				fmt.Fprintf(stderr, "certboard serve: --%s is for the board; a practice serves neither uploads nor metrics yet, and --demo starts a practice beside the board\n", name)
				return exitBadInput
			}
		}
		if !set["data"] && os.Getenv("CERTBOARD_DATA") == "" {
			cfg.DataDir = defaultPracticeData
		}
	}
	if *addr == "" {
		*addr = "localhost:8080"
		if *mode == "practice" {
			*addr = "localhost:8081"
		}
	}
	hashSlots, err := strconv.Atoi(*hashConcurrency)
	if err != nil || hashSlots < 1 || hashSlots > 1024 {
		fmt.Fprintf(stderr, "certboard serve: --hash-concurrency %q: give a whole number from 1 to 1024 (each password hashed at once takes 19 MiB)\n", *hashConcurrency)
		return exitBadInput
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		fmt.Fprintf(stderr, "certboard serve: --log %q: use text or json\n", *logFormat)
		return exitBadInput
	}
	if err := checkPublicURL(*publicURL); err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	if err := checkPublicURL(*practicePublicURL); err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", strings.Replace(err.Error(), "--public-url", "--practice-public-url", 1))
		return exitBadInput
	}
	trustedProxies, err := web.ParseTrustedProxies(*proxies)
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: --trusted-proxies: %v\n", err)
		return exitBadInput
	}
	sender, mailMode := mailSender(*smtpAddr, *smtpFrom, *smtpUser, log)
	if *mode == "practice" {
		return servePractice(ctx, practiceOptions{store: cfg, addr: *addr, publicURL: *publicURL, log: log, proxies: trustedProxies,
			hashSlots: hashSlots, sender: sender, mailMode: mailMode, smtp: *smtpAddr != ""}, stdout, stderr, listening)
	}
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	// The board's key for signing credentials, made at first start.
	if _, err := st.EnsureSigningKey(ctx, time.Now()); err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	if cfg.keysInDataDir() && cfg.DatabaseURL == "" && !*demo {
		log.Warn("the encryption keys are kept in the data directory, beside the database they protect: a copy of the directory (a backup, a stolen disk) carries its own key; keep them apart with --keys DIR or CERTBOARD_SECRET_KEYS (see docs/operations.md)")
	}
	// Changes are refused while the audit log does not end at its signed
	// checkpoint (entries deleted from its end): say so at once.
	if err := st.CheckAuditHead(ctx); err != nil {
		log.Error("the audit log fails its check; every change will be refused until this is resolved: run certboard audit verify", "error", err)
	}
	docs, err := openFiles(ctx, *filesURL, &cfg.Config)
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	defer docs.Close()
	sets, err := requirements.Shipped()
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: the shipped requirement sets are broken: %v\n", err)
		return exitBadInput
	}
	if sets, err = web.LoadPublishedSets(ctx, st, sets); err != nil {
		fmt.Fprintf(stderr, "certboard serve: a requirement-set version published by an admin does not load: %v\n", err)
		return exitBadInput
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: cannot listen on %s: %v\n", *addr, err)
		return exitBadInput
	}
	defer ln.Close()
	if *publicURL == "" {
		*publicURL = listenURL(*addr, ln)
	}
	srv, err := web.New(web.Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Demo: boardsql.ForBoard{Store: st},
		Sets: sets, Log: log, PublicURL: *publicURL, Files: docs, TrustedProxies: trustedProxies,
		HashConcurrency: hashSlots, Limits: sharedLimits(st.DB)})
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	// Metrics apart: their own listener, opened now so that a busy port
	// stops the start, and taken off the main handler before it is built.
	var metricsLn net.Listener
	var metricsHandler http.Handler
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			fmt.Fprintf(stderr, "certboard serve: --metrics-addr: cannot listen on %s: %v\n", *metricsAddr, err)
			return exitBadInput
		}
		defer metricsLn.Close()
		metricsHandler = srv.MetricsApart()
	}
	mailCtx, stopMail := context.WithCancel(ctx)
	defer stopMail()
	// In development the log is the mailbox: write mail to it at once.
	every := 15 * time.Second
	if *smtpAddr == "" {
		every = 2 * time.Second
	}
	go notify.Run(mailCtx, st, sender, every, log)
	// Reminders, expiry and automatic suspension run as durable jobs; the
	// worker stops with the server.
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { srv.RunJobs(jobsCtx, time.Minute); close(jobsDone) }()
	defer func() { stopJobs(); <-jobsDone }()
	// Instances that share a PostgreSQL database see each other's
	// publications of requirement-set versions within setsEvery.
	if st.Dialect == sqldb.Postgres {
		go srv.FollowSets(jobsCtx, setsEvery)
	}
	if *demo {
		if err := seedDemo(ctx, srv, stdout, *publicURL); err != nil {
			fmt.Fprintf(stderr, "certboard serve: %v\n", err)
			return exitBadInput
		}
	}
	// Every listener stops together: on SIGINT or SIGTERM, or when one
	// fails; each finishes its requests in flight. The board serves from
	// here on: the demo practice's seeding verifies its practitioners'
	// credentials against it over HTTP.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	handler := srv.Handler()
	waitBoard := runBeside(runCtx, stopRun, "board", func(ctx context.Context) error {
		return web.Run(ctx, ln, handler, 30*time.Second, log)
	})
	var demoPractice *practiceRun
	if *demo {
		// The demo practice: its own database in DATA/practice, its own
		// listener, its own cookies; it shares nothing with the board but
		// this process, and reaches the board only through open standards.
		pAddr := *practiceAddr
		if pAddr == "" {
			pAddr = nextPort(*addr)
		}
		popts := practiceOptions{store: demoPracticeStore(cfg), addr: pAddr, publicURL: *practicePublicURL, log: log, proxies: trustedProxies,
			hashSlots: hashSlots, sender: sender, mailMode: mailMode, smtp: *smtpAddr != ""}
		if demoPractice, err = startPractice(ctx, popts); err == nil {
			defer demoPractice.close()
			err = seedPracticeDemo(ctx, demoPractice, demoBoard(st, sets, *publicURL, log), stdout)
		}
		if err != nil {
			stopRun()
			_ = waitBoard()
			fmt.Fprintf(stderr, "certboard serve: the demo practice: %v\n", err)
			return exitBadInput
		}
	}
	fmt.Fprintf(stdout, "certboard listening on http://%s (%s database; %s)\n", ln.Addr(), st.Dialect, mailMode)
	if metricsLn != nil {
		fmt.Fprintf(stdout, "metrics for Prometheus on http://%s/metrics (not on the main listener)\n", metricsLn.Addr())
	}
	if demoPractice != nil {
		fmt.Fprintf(stdout, "demo practice listening on http://%s (%s database of its own)\n", demoPractice.ln.Addr(), demoPractice.store.Dialect)
	}
	if listening != nil {
		listening <- ln.Addr().String()
		if demoPractice != nil {
			listening <- demoPractice.ln.Addr().String()
		}
	}
	var others []func() error
	if metricsLn != nil {
		others = append(others, runBeside(runCtx, stopRun, "metrics listener", func(ctx context.Context) error {
			return web.Run(ctx, metricsLn, metricsHandler, 30*time.Second, log)
		}))
	}
	if demoPractice != nil {
		others = append(others, runBeside(runCtx, stopRun, "demo practice", demoPractice.run))
	}
	err = waitBoard()
	stopRun()
	for _, wait := range others {
		if werr := wait(); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitNo
	}
	return exitOK
}

// runBeside runs f beside the main listener: when it ends it stops the
// others (stop); the function returned waits for it and returns its error,
// named by what.
func runBeside(ctx context.Context, stop context.CancelFunc, what string, f func(ctx context.Context) error) func() error {
	done := make(chan error, 1)
	go func() {
		err := f(ctx)
		stop()
		done <- err
	}()
	return func() error {
		if err := <-done; err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
}

// checkPublicURL refuses a public URL that certboard cannot be served
// at: not an absolute http or https URL, or one whose path cannot be a
// mount (see kit.MountOf). A path is served under it: every link,
// redirect and cookie carries it, and the board's did:web names it
// (https://example.org/board/ is did:web:example.org:board, whose
// document is https://example.org/board/did.json).
func checkPublicURL(public string) error {
	if public == "" {
		return nil
	}
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--public-url %q: give an absolute http or https URL, such as https://board.example.org or, to serve under a path, https://example.org/board/", public)
	}
	if _, err := kit.MountOf(public); err != nil {
		return fmt.Errorf("--public-url %q: %w", public, err)
	}
	return nil
}

// listenURL is the public URL of a listener opened on addr when none was
// given: the address as given (localhost:8080 stays localhost), or the
// port the system chose for :0.
func listenURL(addr string, ln net.Listener) string {
	if _, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
		return "http://" + ln.Addr().String()
	}
	return "http://" + addr
}

// nextPort is addr with the next port (localhost:8080 gives
// localhost:8081); port 0 stays 0, for the system to choose.
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "localhost:8081"
	}
	n, err := strconv.Atoi(port)
	if err != nil || n == 0 || n >= 65535 {
		return net.JoinHostPort(host, port)
	}
	return net.JoinHostPort(host, strconv.Itoa(n+1))
}

// mailSender is where mail goes: the SMTP server given, or the log in
// development; and the words that say which.
func mailSender(smtpAddr, from, user string, log *slog.Logger) (notify.Sender, string) {
	if smtpAddr == "" {
		return notify.Log{Logger: log}, "mail is logged, not sent (development mode; give --smtp to send)"
	}
	return notify.SMTP{Addr: smtpAddr, From: from, Username: user, Password: os.Getenv("CERTBOARD_SMTP_PASSWORD")}, "mail is sent through " + smtpAddr
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// filesCheckTime bounds the check that the store of uploaded documents is
// usable (a write, a read and a delete, each retried by the S3 SDK).
const filesCheckTime = 30 * time.Second

// openFiles opens the store of uploaded documents, encrypted with the
// store's keys: the bucket URL when one is given (file:// or s3://),
// otherwise the directory files/ inside the data directory. It checks
// that the store can be written, read and deleted from, so that a
// missing bucket, a wrong endpoint or refused credentials stop the start
// with the reason.
func openFiles(ctx context.Context, bucketURL string, cfg *boardsql.Config) (*blob.Store, error) {
	var docs *blob.Store
	var err error
	where := "DATA/files"
	switch {
	case bucketURL != "":
		where = bucketURL
		docs, err = blob.Open(ctx, bucketURL, cfg.Keys)
	case cfg.DataDir == "":
		return nil, errors.New("no place for uploaded documents: give --files URL or --data DIR")
	default:
		docs, err = blob.OpenDir(filepath.Join(cfg.DataDir, "files"), cfg.Keys)
	}
	if err != nil {
		return nil, fmt.Errorf("--files %s: %w", where, err)
	}
	checkCtx, cancel := context.WithTimeout(ctx, filesCheckTime)
	defer cancel()
	if err := docs.Check(checkCtx); err != nil {
		docs.Close()
		return nil, fmt.Errorf("--files %s: the store of uploaded documents is not usable (check the bucket exists, the endpoint, and the AWS_* credentials for s3://): %w", where, err)
	}
	return docs, nil
}

// sharedLimits is where a server's rate limits keep their buckets: in the
// database when it is PostgreSQL, which every instance of the mode shares,
// so that n instances enforce one limit; nil (each process's memory) on
// SQLite, which one instance serves.
func sharedLimits(db *sqldb.DB) kit.SharedBuckets {
	if db.Dialect != sqldb.Postgres {
		return nil
	}
	return limitsql.New(db)
}

// setsEvery is how often an instance on PostgreSQL looks for requirement-set
// versions another instance published.
const setsEvery = 2 * time.Second
