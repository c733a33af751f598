package web

import (
	"bytes"
	"context"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
)

// The eligibility reports are the board's (board.Board.Evaluate keeps them
// by application version and day); what the pages make of them is kept
// here: the rendered report and evidence tables of each cached evaluation
// (board.Evaluation.Memo), and, across evaluations, the report's cards and
// the evidence lists' sections, so that a new version renders only what
// changed.

// evaluation is an application's portfolio judged by its requirement set
// (see board.Evaluation): read it, never change it.
type evaluation = board.Evaluation

// evaluate judges an application: the live portfolio today, or, with
// frozen, the submitted snapshot (see board.Board.Evaluate).
func (s *Server) evaluate(ctx context.Context, app *board.Application, frozen bool) (*evaluation, error) {
	return s.board.Evaluate(ctx, app, frozen)
}

// today is the board's date, for evaluations.
func (s *Server) today() date.Date { return s.board.Today() }

// What an evaluation's memo holds: its rendered report, evidence tables
// and progress at a glance.
type memoKey int

const (
	reportMemo memoKey = iota
	evidenceMemo
	progressMemo
)

// evalCache keeps the rendered cards of reports and sections of evidence
// tables.
type evalCache struct {
	// frags keeps the rendered section of each evidence list of an
	// application, so that a change to one list renders that list again,
	// not all of them (see evidenceFragments).
	fragMu sync.Mutex
	frags  map[fragKey]*fragment
	cards  map[cardKey]*card // the report's cards (see reportCards)
	// progress keeps the last progress at a glance rendered for each
	// application with the view it was rendered from (see progressHTML).
	progress  map[int64]*keptProgress
	splitOnce sync.Once
	head      string // the "evidence" template's output before its lists
	tail      string // and after them
}

// memoHTML returns the HTML that render makes of ev under key, once per
// cached evaluation.
func memoHTML(ev *evaluation, key memoKey, render func() (template.HTML, error)) (template.HTML, error) {
	v, err := ev.Memo(key, func() (any, error) { return render() })
	html, _ := v.(template.HTML)
	return html, err
}

// reportHTML renders an evaluation's report with the shared "report"
// template once per cached evaluation.
func (s *Server) reportHTML(ev *evaluation) (template.HTML, error) {
	return memoHTML(ev, reportMemo, func() (template.HTML, error) {
		if html, ok := s.reportCards(ev); ok {
			return html, nil
		}
		var buf bytes.Buffer
		if err := s.pages["dashboard"].ExecuteTemplate(&buf, "report", ev.Report); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil // produced by html/template, so already escaped
	})
}

// keptProgress is a rendered progress at a glance and the view it shows.
type keptProgress struct {
	view progressView
	text template.HTML
}

// progressHTML renders the progress at a glance of an evaluation of app
// (see progressOf) once per cached evaluation. A new version of an
// application often shows the same progress (an attestation signed, a
// detail corrected): the last one rendered for the application is used
// again while its view is equal to the new one, since the "progress"
// template shows its view and nothing else.
func (s *Server) progressHTML(app int64, ev *evaluation) (template.HTML, error) {
	return memoHTML(ev, progressMemo, func() (template.HTML, error) {
		view := progressOf(ev.Report, ev.Set, ev.Portfolio)
		c := &s.evals
		c.fragMu.Lock()
		kept := c.progress[app]
		c.fragMu.Unlock()
		if kept != nil && reflect.DeepEqual(kept.view, view) {
			return kept.text, nil
		}
		var buf bytes.Buffer
		if err := s.pages["dashboard"].ExecuteTemplate(&buf, "progress", view); err != nil {
			return "", err
		}
		text := template.HTML(buf.String()) // produced by html/template, so already escaped
		c.fragMu.Lock()
		c.progress = board.PutBounded(c.progress, app, &keptProgress{view: view, text: text}, board.EvalCacheSize)
		c.fragMu.Unlock()
		return text, nil
	})
}

// A report is a header, one card per requirement, and a footer; a change of
// evidence usually changes a few cards. The cards are kept by person,
// requirement set and requirement with the result they show, and a new
// report renders only the cards whose result changed (a card shows its
// result and nothing else: the "report" template ranges over the results).
//
// Where the header ends and the cards start is found by rendering the report
// without results and with one probe result; a kept card is used only while
// that probe card and the text around the cut are what they were when the
// card was rendered, and every card rendered is checked to sit between the
// same header and footer. A template that does not fit falls back to
// rendering the report whole.

type cardKey struct {
	person, set, version, id string
}

type card struct {
	result eligibility.Result
	probe  string // the probe card, as cut when this card was
	around string // the text around the cut then
	text   string
}

// aroundCut is how much of the header and footer on each side of the cut
// must be unchanged for a kept card to be used.
const aroundCut = 32

func (s *Server) execReport(rep *eligibility.Report) (string, error) {
	var buf bytes.Buffer
	if err := s.pages["dashboard"].ExecuteTemplate(&buf, "report", rep); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// between returns what full adds between head and tail, if it starts with
// head and ends with tail.
func between(full, head, tail string) (string, bool) {
	if len(full) < len(head)+len(tail) || !strings.HasPrefix(full, head) || !strings.HasSuffix(full, tail) {
		return "", false
	}
	return full[len(head) : len(full)-len(tail)], true
}

// reportCards puts the report of ev together from its cards, rendering
// those not kept; ok is false when it must be rendered whole.
func (s *Server) reportCards(ev *evaluation) (template.HTML, bool) {
	rep := ev.Report
	if rep == nil || ev.Portfolio == nil {
		return "", false
	}
	base := *rep
	base.Results = nil
	none, err := s.execReport(&base)
	if err != nil {
		return "", false
	}
	probe := base
	probe.Results = []eligibility.Result{{ID: "probe", Title: "Probe", Kind: "probe", Explanation: "probe"}}
	withProbe, err := s.execReport(&probe)
	if err != nil {
		return "", false
	}
	k := 0
	for k < len(none) && k < len(withProbe) && none[k] == withProbe[k] {
		k++
	}
	head, tail := none[:k], none[k:]
	probeText, ok := between(withProbe, head, tail)
	if !ok {
		return "", false
	}
	around := head[max(0, len(head)-aroundCut):] + "|" + tail[:min(len(tail), aroundCut)]

	c := &s.evals
	var out strings.Builder
	out.WriteString(head)
	for _, r := range rep.Results {
		key := cardKey{person: ev.Portfolio.Person.ID, set: rep.Set.ID, version: rep.Set.Version, id: r.ID}
		c.fragMu.Lock()
		kept := c.cards[key]
		c.fragMu.Unlock()
		if kept == nil || kept.probe != probeText || kept.around != around || !reflect.DeepEqual(kept.result, r) {
			one := base
			one.Results = []eligibility.Result{r}
			full, err := s.execReport(&one)
			if err != nil {
				return "", false
			}
			text, ok := between(full, head, tail)
			if !ok {
				return "", false
			}
			kept = &card{result: r, probe: probeText, around: around, text: text}
			c.fragMu.Lock()
			c.cards = board.PutBounded(c.cards, key, kept, fragCeiling)
			c.fragMu.Unlock()
		}
		out.WriteString(kept.text)
	}
	out.WriteString(tail)
	return template.HTML(out.String()), true // produced by html/template, so already escaped
}

// evidenceHTML renders the dashboard's evidence tables once per cached
// evaluation (they depend only on the application's version, its
// portfolio and state, which is in the cache's key); build makes the view.
func (s *Server) evidenceHTML(ev *evaluation, build func() dashboardView) (template.HTML, error) {
	return memoHTML(ev, evidenceMemo, func() (template.HTML, error) {
		v := build()
		if html, ok := s.evidenceFragments(v); ok {
			return html, nil
		}
		var buf bytes.Buffer
		if err := s.pages["dashboard"].ExecuteTemplate(&buf, "evidence", v); err != nil {
			return "", err
		}
		return template.HTML(buf.String()), nil // produced by html/template, so already escaped
	})
}

// The evidence tables are one section per list, each the same whatever the
// other lists hold: the "evidence" template ranges over the lists, and
// html/template makes every pass of a range end in the context it started
// in. A new version of an application usually changes one list, so the
// sections are kept by application, list, whether the application is
// editable and the list's items, and only the changed ones are rendered.
// The sections carry the application's version in their forms; they are
// rendered with versionMark in its place, and the real version is put in
// when the tables are put together.
//
// Sections are rendered from a view holding only the application, Editable
// and the list, so a kept section depends on nothing its key does not
// name; the checks in evidenceFragments make a change to what the template
// writes around the lists, or a version shown elsewhere than in the forms,
// fall back to rendering the tables whole.

// versionMark stands for the application's version in cached sections;
// versionMark2 is a second mark that checks the first is nothing else.
const (
	versionMark  = 1987654321
	versionMark2 = 1876543219
)

var (
	markAttr    = `value="` + strconv.Itoa(versionMark) + `"`
	markAttr2   = `value="` + strconv.Itoa(versionMark2) + `"`
	markDigits  = strconv.Itoa(versionMark)
	fragCeiling = board.EvalCacheSize * 16 // sections kept, about 16 lists for each cached application
)

type fragKey struct {
	app      int64
	list     string
	editable bool
}

type fragment struct {
	list listView // what the section shows
	text string   // the section, rendered with versionMark as the version
}

// execEvidence renders the "evidence" template alone.
func (s *Server) execEvidence(v dashboardView) (string, error) {
	var buf bytes.Buffer
	if err := s.pages["dashboard"].ExecuteTemplate(&buf, "evidence", v); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// evidenceSplit finds, once, what the "evidence" template writes before
// and after its lists: the output without lists, cut where the output with
// one list starts to differ from it.
func (s *Server) evidenceSplit() (head, tail string) {
	c := &s.evals
	c.splitOnce.Do(func() {
		v := dashboardView{App: &board.Application{Version: versionMark}, Editable: true}
		none, err := s.execEvidence(v)
		if err != nil {
			return
		}
		v.Lists = []listView{{List: evidenceform.List{Name: "x"}}}
		one, err := s.execEvidence(v)
		if err != nil {
			return
		}
		k := 0
		for k < len(none) && k < len(one) && none[k] == one[k] {
			k++
		}
		c.head, c.tail = none[:k], none[k:]
	})
	return c.head, c.tail
}

// evidenceFragments puts the evidence tables of v together from the
// sections of its lists, rendering those not cached; ok is false when the
// tables must be rendered whole.
func (s *Server) evidenceFragments(v dashboardView) (template.HTML, bool) {
	head, tail := s.evidenceSplit()
	if head == "" && tail == "" {
		return "", false
	}
	marked := *v.App
	marked.Version = versionMark
	// Only what the cache key holds goes into a section (the application,
	// whether it is editable, the list), so a kept section can never be
	// stale for anything else in the view.
	base := dashboardView{App: &marked, Editable: v.Editable}
	// What the template writes around the lists must be what it was.
	if none, err := s.execEvidence(base); err != nil || none != head+tail {
		return "", false
	}
	var out strings.Builder
	out.WriteString(head)
	c := &s.evals
	version := `value="` + strconv.Itoa(v.App.Version) + `"`
	for _, l := range v.Lists {
		k := fragKey{app: v.App.ID, list: l.Name, editable: v.Editable}
		c.fragMu.Lock()
		f := c.frags[k]
		c.fragMu.Unlock()
		if f == nil || !f.list.same(l) {
			one := base
			one.Lists = []listView{l}
			text, err := s.execEvidence(one)
			if err != nil || !strings.HasPrefix(text, head) || !strings.HasSuffix(text, tail) || len(text) < len(head)+len(tail) {
				return "", false
			}
			text = text[len(head) : len(text)-len(tail)]
			// The version must appear only as the forms' value.
			if strings.Count(text, markDigits) != strings.Count(text, markAttr) {
				return "", false
			}
			// And the mark must be nothing else: rendered with another
			// mark, the section must differ exactly where the mark is (an
			// item whose own text holds the mark's digits falls back).
			other := marked
			other.Version = versionMark2
			two := one
			two.App = &other
			text2, err := s.execEvidence(two)
			if err != nil || strings.ReplaceAll(head+text+tail, markAttr, markAttr2) != text2 {
				return "", false
			}
			f = &fragment{list: l, text: text}
			c.fragMu.Lock()
			c.frags = board.PutBounded(c.frags, k, f, fragCeiling)
			c.fragMu.Unlock()
		}
		out.WriteString(strings.ReplaceAll(f.text, markAttr, version))
	}
	out.WriteString(tail)
	return template.HTML(out.String()), true // produced by html/template, so already escaped
}
