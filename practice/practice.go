package practice

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/verifier"
)

// Practice is practice mode's use cases over one practice's store.
type Practice struct {
	store  Store
	clock  certboard.Clock
	public string
	log    *slog.Logger
	// fetch is how credentials are verified: the issuer's DID document
	// and status lists (UseFetch; nil until set).
	fetch atomic.Pointer[verifier.Fetch]
}

// Config is what a Practice needs.
type Config struct {
	// Store keeps the practice's data (practice/practicesql implements it).
	Store Store
	// Clock tells the time; nil means the system clock.
	Clock certboard.Clock
	// PublicURL is where people reach the practice, for links in mail.
	PublicURL string
	// Log receives what a use case cannot report to its caller (a failed
	// background job); nil means slog.Default().
	Log *slog.Logger
}

// New returns a Practice.
func New(cfg Config) (*Practice, error) {
	if cfg.Store == nil {
		return nil, errors.New("practice: a store is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = certboard.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	store := refusalsStore{Store: cfg.Store, clock: cfg.Clock, log: cfg.Log}
	return &Practice{store: store, clock: cfg.Clock, public: strings.TrimSuffix(cfg.PublicURL, "/"), log: cfg.Log}, nil
}

// PublicURL returns where people reach the practice, without a trailing
// slash; "http://localhost:8081" when it was not configured.
func (p *Practice) PublicURL() string {
	if p.public == "" {
		return "http://localhost:8081"
	}
	return p.public
}

// Ready reports whether the store answers (for /readyz).
func (p *Practice) Ready(ctx context.Context) error { return p.store.Ping(ctx) }

// Store is what the practice's use cases need of storage. It is declared
// here, beside its consumer, and implemented by practice/practicesql; each
// area of use cases declares, in its own file, the part it reads (the
// *Reads interfaces) and writes (the *Writes interfaces, methods of a
// transaction).
type Store interface {
	// InTx runs f in one transaction: it commits when f returns nil and
	// rolls back otherwise.
	InTx(ctx context.Context, f func(tx Tx) error) error
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	clientReads
	caseReads
	noteReads
	measureReads
	linkReads
	credentialReads
	peopleReads
	sessionReads
	identifierReads
	deadLetterReads
}

// Tx is one transaction: every write a use case makes goes through it,
// with the audit entry and the mail that go with it.
type Tx interface {
	// AppendAudit appends an entry to the practice's hash-chained audit
	// log.
	AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error)
	// EnqueueMail puts a mail in the outbox, sent once the transaction
	// commits.
	EnqueueMail(ctx context.Context, m jobs.Mail) (int64, error)
	clientWrites
	caseWrites
	noteWrites
	measureWrites
	linkWrites
	credentialWrites
	peopleWrites
	sessionWrites
	identifierWrites
	recordWrites
	referralWrites
	listWrites
	deadLetterWrites
}
