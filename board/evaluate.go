package board

import (
	"context"
	"fmt"
	"sync"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// An application's eligibility report depends only on its evidence (named by
// the application's version), the day, whether the frozen snapshot is
// judged, and the requirement sets in force. The dashboard is read far more
// often than evidence changes, so reports are kept by that key, with the
// decoded portfolio they were made from and what the pages made of them
// (Evaluation.Memo). Cached entries are shared between requests and never
// changed.

// Evaluation is an application's portfolio judged by its requirement set.
// It may come from the cache and be shared between requests: read it, never
// change it (decode the stored portfolio afresh to edit it).
type Evaluation struct {
	Portfolio *portfolio.Portfolio
	Set       *requirements.Set
	Report    *eligibility.Report
	// Problems are validation errors of the portfolio, which the engine
	// judges anyway where it can.
	Problems portfolio.Errors
	// NotOnFile are the portfolio's document items whose file was never
	// uploaded: listed, but not judged (see OnFile).
	NotOnFile []*portfolio.Document
	// entry is the cache entry the report came from, nil for none.
	entry *evalEntry
}

// Memo returns what f returns for this evaluation and key, making it
// once per cached evaluation (a rendered report, say); for an evaluation
// that is not cached, it calls f each time. What f returns is shared
// between requests: never change it.
func (ev *Evaluation) Memo(key any, f func() (any, error)) (any, error) {
	if ev.entry == nil {
		return f()
	}
	e := ev.entry
	e.mu.Lock()
	m := e.memos[key]
	if m == nil {
		if e.memos == nil {
			e.memos = map[any]*memo{}
		}
		m = &memo{}
		e.memos[key] = m
	}
	e.mu.Unlock()
	m.once.Do(func() { m.value, m.err = f() })
	return m.value, m.err
}

type memo struct {
	once  sync.Once
	value any
	err   error
}

type evalKey struct {
	app     int64
	version int
	frozen  bool
	asOf    date.Date
	catalog *requirements.Catalog
}

type evalEntry struct {
	portfolio *portfolio.Portfolio
	set       *requirements.Set
	report    *eligibility.Report
	problems  portfolio.Errors
	notOnFile []*portfolio.Document

	mu    sync.Mutex
	memos map[any]*memo // what Memo made of the entry
}

func (e *evalEntry) evaluation() *Evaluation {
	return &Evaluation{Portfolio: e.portfolio, Set: e.set, Report: e.report, Problems: e.problems, NotOnFile: e.notOnFile, entry: e}
}

// EvalCacheSize bounds the cache of evaluations; when it is full, an
// arbitrary entry goes.
const EvalCacheSize = 1024

type evalCache struct {
	mu sync.Mutex
	m  map[evalKey]*evalEntry
	// saved is, by application, the portfolio of the latest version saved
	// through this board (SavePortfolioWith), as it was before encoding,
	// so that the evaluation of that version need not decode it again.
	saved map[int64]savedPortfolio
}

// savedPortfolio is the portfolio of one version of an application.
type savedPortfolio struct {
	version int
	p       *portfolio.Portfolio
}

// keepSaved notes p as the portfolio of version of application app.
func (c *evalCache) keepSaved(app int64, version int, p *portfolio.Portfolio) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.saved = PutBounded(c.saved, app, savedPortfolio{version: version, p: p}, EvalCacheSize)
}

// decodeLive returns the decoded live portfolio of app: the one saved
// through this board for its version when it is kept, or a new decode of
// the stored bytes. A version names one content for good (every save
// moves it on), so the kept portfolio is that version's whatever instance
// wrote it.
func (c *evalCache) decodeLive(app *Application) (*portfolio.Portfolio, error) {
	if p := c.savedOf(app); p != nil {
		return p, nil
	}
	return portfolio.DecodeStored(app.Portfolio)
}

// savedOf returns the portfolio kept for app's version, nil for none.
func (c *evalCache) savedOf(app *Application) *portfolio.Portfolio {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sp, ok := c.saved[app.ID]; ok && sp.version == app.Version {
		return sp.p
	}
	return nil
}

func (c *evalCache) get(k evalKey) *evalEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *evalCache) put(k evalKey, e *evalEntry) *evalEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		return old
	}
	// Older versions of the application are stale for good: drop them.
	for other := range c.m {
		if other.app == k.app && other.version < k.version {
			delete(c.m, other)
		}
	}
	c.m = PutBounded(c.m, k, e, EvalCacheSize)
	return e
}

// PutBounded puts v in m under k, first removing an arbitrary entry when m
// holds ceiling entries or more, and returns m (made when nil). It is the
// insert of the board's bounded caches; the caller holds their lock.
func PutBounded[K comparable, V any](m map[K]V, k K, v V, ceiling int) map[K]V {
	if m == nil {
		m = map[K]V{}
	}
	if len(m) >= ceiling {
		for victim := range m {
			delete(m, victim)
			break
		}
	}
	m[k] = v
	return m
}

// Today is the board's date, for evaluations.
func (b *Board) Today() date.Date {
	y, m, d := b.clock.Now().UTC().Date()
	return date.Of(y, m, d)
}

// Evaluate judges an application: the live portfolio today, or, with
// frozen, the submitted snapshot by the set version frozen with it on the
// day it was submitted. Only documents on file count (see OnFile): every
// upload and deletion changes the application's version, so a cached
// report never outlives the files it was made with. The evaluation's
// Portfolio is the whole portfolio, documents not on file included, for
// the pages to show. The caller has checked that the user may see it.
func (b *Board) Evaluate(ctx context.Context, app *Application, frozen bool) (*Evaluation, error) {
	data, asOf := app.Portfolio, b.Today()
	if frozen && len(app.Snapshot) > 0 {
		data = app.Snapshot
		y, m, d := app.SubmittedAt.UTC().Date()
		asOf = date.Of(y, m, d)
	}
	reg := b.Catalog()
	key := evalKey{app: app.ID, version: app.Version, frozen: frozen, asOf: asOf, catalog: reg}
	if e := b.evals.get(key); e != nil {
		return e.evaluation(), nil
	}
	var p *portfolio.Portfolio
	var err error
	if frozen {
		p, err = portfolio.DecodeStored(data)
	} else {
		p, err = b.evals.decodeLive(app)
	}
	if err != nil {
		return nil, fmt.Errorf("application %d holds a portfolio that no longer decodes: %w", app.ID, err)
	}
	return b.judge(ctx, key, app, p)
}

// judge evaluates p, the portfolio of app that key names, and caches the
// evaluation.
func (b *Board) judge(ctx context.Context, key evalKey, app *Application, p *portfolio.Portfolio) (*Evaluation, error) {
	set, err := SetOf(key.catalog, app, p, key.frozen, key.asOf)
	if err != nil {
		return nil, err
	}
	docs, err := b.store.Documents(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	rep := eligibility.Evaluate(OnFile(p, docs), set, key.asOf)
	e := b.evals.put(key, &evalEntry{portfolio: p, set: set, report: rep, problems: portfolio.Validate(p), notOnFile: NotOnFile(p, docs)})
	return e.evaluation(), nil
}

// liveKey is the cache key of the evaluation of an application's live
// portfolio today.
func (b *Board) liveKey(app *Application) evalKey {
	return evalKey{app: app.ID, version: app.Version, frozen: false, asOf: b.Today(), catalog: b.Catalog()}
}

// LivePortfolio returns the decoded live portfolio of an application: the
// one its dashboard's evaluation of this version decoded when that is
// cached, or a new decode. The result may be shared between requests and
// must not be changed in place.
func (b *Board) LivePortfolio(app *Application) (*portfolio.Portfolio, error) {
	if e := b.evals.get(b.liveKey(app)); e != nil {
		return e.portfolio, nil
	}
	return b.evals.decodeLive(app)
}
