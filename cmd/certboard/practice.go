package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/notify"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/practicesql"
	pweb "github.com/certboard/certboard/practice/web"
	"github.com/certboard/certboard/verifier/httpfetch"
)

// defaultPracticeData is a practice's data directory when neither --data
// nor CERTBOARD_DATA names one: apart from the board's ./data.
var defaultPracticeData = filepath.Join("data", "practice")

// practiceOptions are how a practice is served.
type practiceOptions struct {
	// store says where its database and keys are (the flags' storeOptions,
	// whose board config names a data directory and a database URL):
	// DataDir holds practicesql.File when DatabaseURL is empty.
	store *storeOptions
	addr  string
	// publicURL is where people reach it; "" means the listener's.
	publicURL string
	log       *slog.Logger
	proxies   []netip.Prefix
	hashSlots int
	sender    notify.Sender
	mailMode  string
	// smtp says that mail is sent, not logged: the outbox is then
	// drained less often.
	smtp bool
}

// demoPracticeStore is where the demo keeps its practice: a SQLite
// database with its own keys in DATA/practice, whatever database the board
// uses.
func demoPracticeStore(board *storeOptions) *storeOptions {
	dir := board.DataDir
	if dir == "" {
		dir = "data"
	}
	return &storeOptions{Config: boardsql.Config{DataDir: filepath.Join(dir, "practice")}}
}

// practiceRun is a practice opened, migrated and listening, not yet
// serving.
type practiceRun struct {
	opts  practiceOptions
	store *practicesql.Store
	srv   *pweb.Server
	ln    net.Listener
	url   string
}

// openPracticeStore loads the encryption keys (see openConfigured) and
// opens a practice's own database; it does not migrate it.
func openPracticeStore(ctx context.Context, o *storeOptions) (*practicesql.Store, error) {
	if err := loadKeys(o); err != nil {
		return nil, err
	}
	return practicesql.Open(ctx, practicesql.Config{DataDir: o.DataDir, DatabaseURL: o.DatabaseURL, MaxConns: o.MaxConns, Keys: o.Keys})
}

// startPractice opens and migrates a practice's own database, builds its
// server and opens its listener.
func startPractice(ctx context.Context, o practiceOptions) (*practiceRun, error) {
	st, err := openPracticeStore(ctx, o.store)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	// Changes are refused while the audit log does not end at its signed
	// checkpoint (entries deleted from its end): say so at once.
	if err := st.AuditLog().CheckHead(ctx); err != nil {
		o.log.Error("the practice's audit log fails its check; every change will be refused until this is resolved", "error", err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w", o.addr, err)
	}
	public := o.publicURL
	if public == "" {
		public = listenURL(o.addr, ln)
	}
	srv, err := pweb.New(pweb.Config{Practice: practicesql.ForPractice{Store: st}, Accounts: st.Accounts(), Log: o.log,
		PublicURL: public, TrustedProxies: o.proxies, HashConcurrency: o.hashSlots, Limits: sharedLimits(st.DB)})
	if err != nil {
		ln.Close()
		st.Close()
		return nil, err
	}
	return &practiceRun{opts: o, store: st, srv: srv, ln: ln, url: public}, nil
}

// close closes the listener (when it did not serve) and the database.
func (p *practiceRun) close() {
	p.ln.Close()
	p.store.Close()
}

// run serves the practice until ctx is done, with its outbox drained and
// its background work done beside it.
func (p *practiceRun) run(ctx context.Context) error {
	every := 2 * time.Second
	if p.opts.smtp {
		every = 15 * time.Second
	}
	work, stop := context.WithCancel(ctx)
	mailDone, jobsDone := make(chan struct{}), make(chan struct{})
	go func() { notify.Run(work, p.store, p.opts.sender, every, p.opts.log); close(mailDone) }()
	go func() { p.srv.RunJobs(work, time.Minute); close(jobsDone) }()
	err := web.Run(ctx, p.ln, p.srv.Handler(), 30*time.Second, p.opts.log)
	stop()
	<-mailDone
	<-jobsDone
	return err
}

// servePractice is `certboard serve --mode practice`: a practice on its
// own database, never the board's.
func servePractice(ctx context.Context, o practiceOptions, stdout, stderr io.Writer, listening chan<- string) int {
	p, err := startPractice(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitBadInput
	}
	defer p.close()
	if o.store.keysInDataDir() && o.store.DatabaseURL == "" {
		o.log.Warn("the encryption keys are kept in the data directory, beside the database they protect: a copy of the directory (a backup, a stolen disk) carries its own key; keep them apart with --keys DIR or CERTBOARD_SECRET_KEYS (see docs/operations.md)")
	}
	fmt.Fprintf(stdout, "certboard practice listening on http://%s (%s database of its own; %s)\n", p.ln.Addr(), p.store.Dialect, o.mailMode)
	if listening != nil {
		listening <- p.ln.Addr().String()
	}
	if err := p.run(ctx); err != nil {
		fmt.Fprintf(stderr, "certboard serve: %v\n", err)
		return exitNo
	}
	return exitOK
}

// seedPracticeDemo seeds the demo practice beside the demo board b,
// which serves at its public URL, and prints the practice's logins. The
// practice checks credentials against that board over HTTP although it is
// on this machine (TrustLocalOrigins): during the seeding, and each day
// after, when its server checks them again.
func seedPracticeDemo(ctx context.Context, p *practiceRun, b demo.Deps, stdout io.Writer) error {
	boardURL := b.Config.PublicURL
	// The board's origin: its public URL may have a path.
	u, err := url.Parse(boardURL)
	if err != nil {
		return fmt.Errorf("the demo board's URL %s: %w", boardURL, err)
	}
	origin := u.Scheme + "://" + u.Host
	if err := p.srv.TrustLocalOrigins(origin); err != nil {
		return fmt.Errorf("trusting the demo board at %s: %w", boardURL, err)
	}
	fetch, err := httpfetch.Origins(origin)
	if err != nil {
		return err
	}
	logins, err := demo.SeedPractice(ctx, demo.PracticeDeps{Store: p.store, Board: b, Fetch: fetch,
		Config: practice.Config{Store: practicesql.ForPractice{Store: p.store}, PublicURL: p.url, Log: p.opts.log}})
	if err != nil {
		return fmt.Errorf("seeding the demo practice: %w", err)
	}
	fmt.Fprintf(stdout, "Demo practice (Lakeview Couples Clinic) at %s, on a database of its own; every account's password is %q.\n", p.url, demo.Password)
	fmt.Fprintln(stdout, "Everyone at a practice signs in with two factors: print a code with `go run ./cmd/certboard totp SECRET`.")
	fmt.Fprintln(stdout, "The practice and the board share no account and no session: sign in to each on its own. The practice trusts")
	fmt.Fprintf(stdout, "the demo board's did:web and checks its practitioners' credentials against the board at %s.\n", boardURL)
	fmt.Fprintln(stdout)
	for _, l := range logins {
		fmt.Fprintf(stdout, "  %-38s %-22s %s\n  %s two-factor secret %s\n", l.Email, auth.JoinRoles(l.Roles, ","), l.Note, strings.Repeat(" ", 38), l.TOTPSecret)
	}
	fmt.Fprintln(stdout)
	return nil
}
