package practice

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/paging"
)

// Long lists: a practitioner's clients, filtered by name, a case's notes
// and measure responses, a page at a time, and charts that read only the
// scores they draw (docs/benchmarks.md, "Practice pages").

// listWrites are the paged reads of long lists, inside a transaction.
type listWrites interface {
	// CountProgressNotes counts the progress notes of a case.
	CountProgressNotes(ctx context.Context, caseID int64) (int, error)
	// ProgressNotesPage lists limit progress notes of a case with their
	// amendments after skipping offset, the latest date of service first.
	ProgressNotesPage(ctx context.Context, caseID int64, limit, offset int) ([]ProgressNote, error)
	// CountMeasureResponses counts the responses of a case (clientID 0)
	// or of a client on all their cases (caseID 0).
	CountMeasureResponses(ctx context.Context, caseID, clientID int64) (int, error)
	// MeasureResponsesPage lists limit responses of a case (clientID 0)
	// or of a client (caseID 0) after skipping offset, newest taken first.
	MeasureResponsesPage(ctx context.Context, caseID, clientID int64, limit, offset int) ([]Response, error)
	// ChartScores returns the latest perInstrument completed responses of
	// each instrument, of a case (clientID 0) or of a client (caseID 0),
	// newest taken first, with their scores and without their answers.
	ChartScores(ctx context.Context, caseID, clientID int64, perInstrument int) ([]Response, error)
	// ClientNamesOf is ClientsOf without the consents (Consented false).
	ClientNamesOf(ctx context.Context, practitionerID int64) ([]ClientSummary, error)
	// ConsentsInForce says, for each client of ids, whether their latest
	// consent to treatment stands; a client without one is absent.
	ConsentsInForce(ctx context.Context, ids []int64) (map[int64]bool, error)
}

// The sizes of pages.
const (
	// ClientsPerPage is the page size of a practitioner's list of clients.
	ClientsPerPage = 50
	// NotesPerPage is the page size of a case's progress notes.
	NotesPerPage = 25
	// ResponsesPerPage is the page size of a case's measure responses.
	ResponsesPerPage = 50
	// LatestResponses is how many responses a client's record lists.
	LatestResponses = 10
	// ChartPoints is how many of the latest scores of each instrument a
	// chart draws; the list of responses pages through all of them.
	ChartPoints = 100
	// MaxClientFilter is the longest name filter (runes).
	MaxClientFilter = 100
)

// ClientQuery asks for a page of a practitioner's clients.
type ClientQuery struct {
	// Filter keeps the clients whose full or preferred name has a word
	// starting with each word of it, ignoring case and accents ("" keeps
	// everyone).
	Filter string
	// Page is the page number, from 1 (paging.Parse).
	Page int
}

// ClientList is a page of a practitioner's clients.
type ClientList struct {
	// Clients are the page's clients, by name.
	Clients []ClientSummary
	// Page says which page of the clients the filter kept this is.
	Page paging.Page
	// Filter is the filter applied, trimmed; All counts the clients before
	// filtering.
	Filter string
	All    int
}

// ClientList lists a page of the clients by is assigned to, by name,
// filtered by q.Filter. The filter narrows the practitioner's own list and
// never reaches beyond it: who is listed is decided by the assignments,
// as MyClients decides it. A filter longer than MaxClientFilter is an
// Invalid error naming "q". The read is audited ("client.list", naming the
// clients shown by id, and whether a filter was used, never its words).
func (p *Practice) ClientList(ctx context.Context, by Actor, q ClientQuery) (*ClientList, error) {
	filter, err := clientFilter(q)
	if err != nil {
		return nil, err
	}
	out := &ClientList{Filter: filter, Clients: []ClientSummary{}}
	if !by.IsPractitioner() {
		out.Page = paging.New(1, ClientsPerPage, 0)
		return out, nil
	}
	err = p.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.ClientNamesOf(ctx, by.UserID)
		if err != nil {
			return err
		}
		out.All = len(all)
		kept := namesFiltered(all, filter, func(c ClientSummary) []string { return []string{c.Name, c.PreferredName} })
		out.Page, out.Clients = clientPage(kept, q.Page)
		ids := make([]int64, len(out.Clients))
		for i, c := range out.Clients {
			ids[i] = c.ID
		}
		consented, err := tx.ConsentsInForce(ctx, ids)
		if err != nil {
			return err
		}
		for i := range out.Clients {
			out.Clients[i].Consented = consented[out.Clients[i].ID]
		}
		return p.appendAudit(ctx, tx, by, "client.list", "clients", nil, map[string]any{"count": len(kept), "page": out.Page.Number,
			"filtered": filter != "", "clients": ids})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DirectoryList is a page of the admin's directory of clients.
type DirectoryList struct {
	// Clients are the page's entries, by name.
	Clients []DirectoryEntry
	Page    paging.Page
	// Filter is the filter applied, trimmed; All counts the clients before
	// filtering.
	Filter string
	All    int
}

// ClientDirectoryPage is ClientDirectory a page at a time
// (ClientsPerPage), filtered by full name as ClientList filters: for
// practice admins only, audited ("client.directory", naming the clients
// shown by id, and whether a filter was used, never its words).
func (p *Practice) ClientDirectoryPage(ctx context.Context, by Actor, q ClientQuery) (*DirectoryList, error) {
	if !by.IsAdmin() {
		return nil, certboard.Errorf(certboard.Forbidden, "only a practice admin sees the directory of clients")
	}
	filter, err := clientFilter(q)
	if err != nil {
		return nil, err
	}
	out := &DirectoryList{Filter: filter, Clients: []DirectoryEntry{}}
	err = p.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.ClientDirectory(ctx)
		if err != nil {
			return err
		}
		out.All = len(all)
		kept := namesFiltered(all, filter, func(e DirectoryEntry) []string { return []string{e.Name} })
		out.Page, out.Clients = clientPage(kept, q.Page)
		ids := make([]int64, len(out.Clients))
		for i, c := range out.Clients {
			ids[i] = c.ID
		}
		return p.appendAudit(ctx, tx, by, "client.directory", "clients", nil, map[string]any{"count": len(kept), "page": out.Page.Number,
			"filtered": filter != "", "clients": ids})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// clientFilter is q's filter as ClientList and ClientDirectoryPage
// apply it, its spaces folded: Invalid, naming "q", when it is longer
// than MaxClientFilter.
func clientFilter(q ClientQuery) (string, error) {
	filter := strings.Join(strings.Fields(q.Filter), " ")
	if utf8.RuneCountInString(filter) > MaxClientFilter {
		return "", certboard.FieldError(certboard.Invalid, "q", "a name to look for is at most 100 characters; type part of it")
	}
	return filter, nil
}

// namesFiltered keeps the entries of all that filter matches (every one
// of its terms starts a word of one of the names namesOf gives); a
// filter without terms keeps all.
func namesFiltered[T any](all []T, filter string, namesOf func(T) []string) []T {
	terms := nameTerms(filter)
	if len(terms) == 0 {
		return all
	}
	kept := all[:0:0]
	for _, e := range all {
		if namesMatch(terms, namesOf(e)...) {
			kept = append(kept, e)
		}
	}
	return kept
}

// clientPage is page number page (ClientsPerPage a page) of kept, and
// a copy of the entries on it (empty, not nil, when there are none).
func clientPage[T any](kept []T, page int) (paging.Page, []T) {
	pg := paging.New(page, ClientsPerPage, len(kept))
	from, to := pg.Bounds()
	return pg, append([]T{}, kept[from:to]...)
}

// nameTerms cuts a filter into the folded words each name must have a
// word starting with.
func nameTerms(filter string) []string {
	return strings.FieldsFunc(foldName(filter), notNameRune)
}

// namesMatch says whether every term starts a word of one of the names
// (together: "Sam Lee" matches a preferred name Sam and a full name Lee).
func namesMatch(terms []string, names ...string) bool {
	var words []string
	for _, n := range names {
		words = append(words, strings.FieldsFunc(foldName(n), notNameRune)...)
	}
	for _, t := range terms {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// notNameRune splits names into words: at anything but letters and digits
// (spaces, hyphens, apostrophes).
func notNameRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// foldName lowers a name and drops the accents of Latin letters, so that
// "jose" finds José and "zoe" Zoë.
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if f, ok := unaccented[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unaccented are the accented Latin letters names use most, lower case,
// without their accents.
var unaccented = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th"}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "e": "èéêëēĕėęě", "g": "ĝğġģ", "i": "ìíîïĩīĭįı", "n": "ñńņňŉ",
		"o": "òóôõöōŏő", "r": "ŕŗř", "s": "śŝşšș", "t": "ţťț", "u": "ùúûüũūŭůűų", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// ReadNotesPage is ReadNotes for one page of the case's progress notes
// (NotesPerPage a page, the latest date of service first): the same
// readers, the same audit, and Page saying which page it is. A page past
// the last shows the last.
func (p *Practice) ReadNotesPage(ctx context.Context, by Actor, caseID int64, page int) (*CaseNotes, paging.Page, error) {
	out := &CaseNotes{CaseID: caseID}
	var pg paging.Page
	err := p.store.InTx(ctx, func(tx Tx) error {
		if err := p.openCaseNotes(ctx, tx, by, out); err != nil {
			return err
		}
		total, err := tx.CountProgressNotes(ctx, caseID)
		if err != nil {
			return err
		}
		pg = paging.New(page, NotesPerPage, total)
		out.Notes, err = tx.ProgressNotesPage(ctx, caseID, pg.Size, pg.Offset())
		return err
	})
	if err != nil {
		return nil, paging.Page{}, err
	}
	return out, pg, nil
}

// CaseMeasuresPage is CaseMeasures with one page of the case's responses
// (ResponsesPerPage a page, newest taken first) and the scores its charts
// draw (the latest ChartPoints of each instrument, read without the
// answers, in Series): the same readers and the same audit.
func (p *Practice) CaseMeasuresPage(ctx context.Context, by Actor, caseID int64, page int) (*CaseMeasures, []Response, paging.Page, error) {
	var out *CaseMeasures
	var scores []Response
	var pg paging.Page
	err := p.store.InTx(ctx, func(tx Tx) error {
		cm, err := p.openCaseMeasures(ctx, tx, by, caseID)
		if err != nil {
			return err
		}
		total, err := tx.CountMeasureResponses(ctx, caseID, 0)
		if err != nil {
			return err
		}
		pg = paging.New(page, ResponsesPerPage, total)
		if cm.Responses, err = tx.MeasureResponsesPage(ctx, caseID, 0, pg.Size, pg.Offset()); err != nil {
			return err
		}
		if scores, err = tx.ChartScores(ctx, caseID, 0, ChartPoints); err != nil {
			return err
		}
		cm.Series = SeriesOf(scores)
		out = cm
		return nil
	})
	if err != nil {
		return nil, nil, paging.Page{}, err
	}
	return out, scores, pg, nil
}

// ClientMeasuresLatest is ClientMeasures for a client's record page: the
// LatestResponses newest responses, the scores the charts draw (the
// latest ChartPoints of each instrument, read without the answers, also
// returned for the charts) and the open safety tasks; Total counts every
// response. The same readers and the same audit as ClientMeasures.
func (p *Practice) ClientMeasuresLatest(ctx context.Context, by Actor, clientID int64) (cm *ClientMeasures, scores []Response, total int, err error) {
	err = p.store.InTx(ctx, func(tx Tx) error {
		acc, err := p.openClient(ctx, tx, by, clientID, "measures")
		if err != nil {
			return err
		}
		cm = &ClientMeasures{ClientID: clientID, Access: acc}
		if total, err = tx.CountMeasureResponses(ctx, 0, clientID); err != nil {
			return err
		}
		if cm.Responses, err = tx.MeasureResponsesPage(ctx, 0, clientID, LatestResponses, 0); err != nil {
			return err
		}
		if scores, err = tx.ChartScores(ctx, 0, clientID, ChartPoints); err != nil {
			return err
		}
		cm.Series = SeriesOf(scores)
		cm.OpenSafetyTasks, err = tx.ClientOpenSafetyTasks(ctx, clientID)
		return err
	})
	if err != nil {
		return nil, nil, 0, err
	}
	return cm, scores, total, nil
}
