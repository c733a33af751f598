package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/web/evidenceform"
	"github.com/certboard/certboard/portfolio"
)

// The dashboard shows, for each evidence list, how many items it holds by
// state and its last few items; a list longer than that links to the
// list's own page (GET /applications/{id}/evidence/{list}), which shows
// every item a page at a time. An applicant with thousands of items gets a
// dashboard of the same size as anyone else's.

// dashboardItems is how many of a list's items the dashboard shows: the
// last ones in the list.
const dashboardItems = 10

// listPageSize is how many items a page of a list's own page shows.
const listPageSize = 50

// stateCount is how many items of a list are in one verification state.
type stateCount struct {
	State string
	N     int
}

// itemStates is the order in which a list's counts by state are shown.
var itemStates = []portfolio.State{portfolio.Verified, portfolio.Claimed, portfolio.Rejected}

// listSection is one evidence list as the "evidence-list" template shows
// it: on the dashboard (Page nil) or on the list's own page.
type listSection struct {
	App      *board.Application
	Editable bool
	List     listView
	Page     *listPage
}

// listPage is where a page of a list's own page sits among its pages.
type listPage struct {
	N, Pages   int
	First      int // the position in the list of the first item shown, from 1
	Prev, Next string
}

// evidenceSection is the template function that hands one list of the
// "evidence" template to the "evidence-list" template.
func evidenceSection(app *board.Application, editable bool, l listView) listSection {
	return listSection{App: app, Editable: editable, List: l}
}

// listItems returns the view of one list: its items from index from to
// to (to excluded) and its count of items by state.
func listItems(p *portfolio.Portfolio, l evidenceform.List, from, to int) listView {
	items := portfolio.Items(p, l.Name)
	lv := listView{List: l, Total: len(items)}
	counts := map[portfolio.State]int{}
	for _, it := range items {
		counts[portfolio.VerificationOf(it.Value).EffectiveState()]++
	}
	for _, st := range itemStates {
		if counts[st] > 0 {
			lv.States = append(lv.States, stateCount{State: string(st), N: counts[st]})
		}
	}
	from, to = max(0, min(from, len(items))), max(0, min(to, len(items)))
	lv.First, lv.Last = from+1, to
	for _, it := range items[from:to] {
		vr := portfolio.VerificationOf(it.Value)
		lv.Items = append(lv.Items, itemView{ID: portfolio.ItemID(it.Value), Label: evidenceform.ItemLabel(it.Value), Summary: itemSummary(it.Value),
			State: string(vr.EffectiveState()), Note: vr.Note})
	}
	return lv
}

// evidenceViews lists, for the dashboard, each evidence list with its
// last dashboardItems items.
func evidenceViews(p *portfolio.Portfolio) []listView {
	var out []listView
	for _, l := range evidenceform.Lists {
		n := len(portfolio.Items(p, l.Name))
		out = append(out, listItems(p, l, n-dashboardItems, n))
	}
	return out
}

// evidenceListView is the data of a list's own page.
type evidenceListView struct {
	Section listSection
}

// evidenceList is a list's own page: every item of one evidence list of
// the applicant's own application, listPageSize at a time (?page=N, from
// 1), with the same edit and remove controls as the dashboard.
func (s *Server) evidenceList(w http.ResponseWriter, r *http.Request) error {
	app, ev, err := s.ownEvaluation(r)
	if err != nil {
		return err
	}
	l, ok := evidenceform.FindList(r.PathValue("list"))
	if !ok {
		return notFound("No such evidence list", fmt.Sprintf("%q is not an evidence list; the lists are %s.", r.PathValue("list"), strings.Join(listNames(), ", ")))
	}
	total := len(portfolio.Items(ev.Portfolio, l.Name))
	pages := max(1, (total+listPageSize-1)/listPageSize)
	n := 1
	if q := r.URL.Query().Get("page"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 1 || n > pages {
			return notFound("No such page", fmt.Sprintf("page: %q is not a page of this list; it has pages 1 to %d.", q, pages))
		}
	}
	base := fmt.Sprintf("/applications/%d/evidence/%s", app.ID, l.Name)
	pg := &listPage{N: n, Pages: pages, First: (n-1)*listPageSize + 1}
	if n > 1 {
		pg.Prev = base + "?page=" + strconv.Itoa(n-1)
	}
	if n < pages {
		pg.Next = base + "?page=" + strconv.Itoa(n+1)
	}
	lv := listItems(ev.Portfolio, l, (n-1)*listPageSize, n*listPageSize)
	title := fmt.Sprintf("%s of application %d", l.Title, app.ID)
	if pages > 1 {
		title += fmt.Sprintf(", page %d of %d", n, pages)
	}
	s.render(w, r, http.StatusOK, "evidence_list", page{Title: title,
		Data: evidenceListView{Section: listSection{App: app, Editable: editable(app.State), List: lv, Page: pg}}})
	return nil
}
