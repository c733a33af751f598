package server

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

// An application's eligibility report depends only on its evidence (named by
// the application's version), the day, whether the frozen snapshot is
// judged, and the requirement sets in force. The dashboard is read far more
// often than evidence changes, so reports, and their rendered HTML, are kept
// by that key, with the decoded portfolio they were made from. Cached entries
// are shared between requests and never changed.

type evalKey struct {
	app      int64
	version  int
	frozen   bool
	asOf     date.Date
	registry *requirements.Registry
}

type evalEntry struct {
	portfolio *portfolio.Portfolio
	set       *requirements.Set
	report    *eligibility.Report
	problems  portfolio.Errors

	htmlOnce sync.Once
	html     template.HTML
	htmlErr  error

	// The dashboard's evidence tables depend only on the application's
	// version (its portfolio, its state), which is in the key.
	evidenceOnce sync.Once
	evidence     template.HTML
	evidenceErr  error
}

// evalCacheSize bounds the cache; when full, an arbitrary entry goes.
const evalCacheSize = 1024

type evalCache struct {
	mu sync.Mutex
	m  map[evalKey]*evalEntry
}

func (c *evalCache) get(k evalKey) *evalEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *evalCache) put(k evalKey, e *evalEntry) *evalEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[evalKey]*evalEntry{}
	}
	if old, ok := c.m[k]; ok {
		return old
	}
	// Older versions of the application are stale for good: drop them.
	for other := range c.m {
		if other.app == k.app && other.version < k.version {
			delete(c.m, other)
		}
	}
	if len(c.m) >= evalCacheSize {
		for victim := range c.m {
			delete(c.m, victim)
			break
		}
	}
	c.m[k] = e
	return e
}

// reportHTML renders an evaluation's report with the shared "report"
// template once per cached evaluation.
func (s *Server) reportHTML(ev *evaluation) (template.HTML, error) {
	render := func() (template.HTML, error) {
		var buf bytes.Buffer
		if err := s.pages["dashboard"].ExecuteTemplate(&buf, "report", ev.Report); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil // produced by html/template, so already escaped
	}
	if ev.cached == nil {
		return render()
	}
	ev.cached.htmlOnce.Do(func() { ev.cached.html, ev.cached.htmlErr = render() })
	return ev.cached.html, ev.cached.htmlErr
}

// evidenceHTML renders the dashboard's evidence tables once per cached
// evaluation; build makes the view when it is not cached yet.
func (s *Server) evidenceHTML(ev *evaluation, build func() dashboardView) (template.HTML, error) {
	render := func() (template.HTML, error) {
		var buf bytes.Buffer
		if err := s.pages["dashboard"].ExecuteTemplate(&buf, "evidence", build()); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil // produced by html/template, so already escaped
	}
	if ev.cached == nil {
		return render()
	}
	ev.cached.evidenceOnce.Do(func() { ev.cached.evidence, ev.cached.evidenceErr = render() })
	return ev.cached.evidence, ev.cached.evidenceErr
}
