package board

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/requirements"
)

// Board is the certification board's use cases. Each exported method is
// one thing a person does (submit an application, assign a reviewer,
// issue a credential...): it takes the acting user and what they asked,
// decides on the rows it locks, writes the change, its history event, its
// audit entry and its mail in one transaction, and returns a result or a
// certboard.Error. Handlers, the demo and the command line all call these
// methods; none of them writes to the store on its own.
type Board struct {
	store   Store
	clock   certboard.Clock
	public  string
	catalog atomic.Pointer[requirements.Catalog]
	// setsMark is the store's PublishedSetsMark when the catalog last
	// took in the published versions (RefreshSets).
	setsMark atomic.Pointer[string]
	evals    *evalCache // eligibility reports by application version and day (evaluate.go)
	blobs    Blobs
	log      *slog.Logger
	// jobs are the job kinds HandleJobs added, in order.
	jobs []jobHandler
	// jobFailed, when set (OnJobFailure), hears of every failed attempt.
	jobFailed func(kind string, dead bool)
	// name is the board's display name as Name last read it (settings.go).
	name atomic.Pointer[cachedName]
}

// Config is what a Board needs.
type Config struct {
	// Store keeps the board's data (board/boardsql implements it).
	Store Store
	// Catalog is the requirement sets in force at start.
	Catalog *requirements.Catalog
	// Clock tells the time; nil means the system clock.
	Clock certboard.Clock
	// PublicURL is where people reach the board, for links in mail.
	PublicURL string
	// Blobs keeps the files of uploaded documents; nil when there is none.
	Blobs Blobs
	// Log receives what a use case cannot report to its caller (a failed
	// background job); nil means slog.Default().
	Log *slog.Logger
}

// New returns a Board.
func New(cfg Config) (*Board, error) {
	if cfg.Store == nil || cfg.Catalog == nil {
		return nil, errors.New("board: a store and a catalog of requirement sets are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = certboard.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	b := &Board{log: cfg.Log, store: cfg.Store, clock: cfg.Clock, public: strings.TrimSuffix(cfg.PublicURL, "/"),
		evals: &evalCache{}, blobs: cfg.Blobs}
	b.catalog.Store(cfg.Catalog)
	return b, nil
}

// Catalog returns the requirement sets in force. Publishing a version
// swaps the catalog whole, so a reader never sees a half-changed one.
func (b *Board) Catalog() *requirements.Catalog { return b.catalog.Load() }

// SetCatalog puts a catalog in force (after a set version is published).
func (b *Board) SetCatalog(c *requirements.Catalog) { b.catalog.Store(c) }

// PublicURL returns where people reach the board, without a trailing
// slash; "http://localhost:8080" when it was not configured.
func (b *Board) PublicURL() string {
	if b.public == "" {
		return "http://localhost:8080"
	}
	return b.public
}

// Store is what the board's use cases need of storage. It is declared
// here, beside its consumer, and implemented by board/boardsql; each
// group of use cases declares the part it reads (the *Reads interfaces)
// and writes (the *Writes interfaces, methods of a transaction).
type Store interface {
	// InTx runs f in one transaction: it commits when f returns nil and
	// rolls back otherwise.
	InTx(ctx context.Context, f func(tx Tx) error) error
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	applicationReads
	draftReads
	reviewReads
	credentialReads
	documentReads
	supervisionReads
	providerReads
	trustReads
	adminReads
	registryReads
	licenceReads
	publishedReads
	queueReads
	deadLetterReads
}

// Tx is one transaction: every write a use case makes goes through it.
type Tx interface {
	applicationWrites
	draftWrites
	reviewWrites
	credentialWrites
	documentWrites
	supervisionWrites
	providerWrites
	trustWrites
	adminWrites
	registryWrites
	licenceWrites
	deadLetterWrites
}
