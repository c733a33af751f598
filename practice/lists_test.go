package practice_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/paging"
	"github.com/certboard/certboard/practice/practiceseed"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// listWorld is a seeded practice on one engine: a practitioner with 130
// clients, one of whom has 60 notes and 75 responses on one case, a
// practitioner assigned to no one and a practice admin.
type listWorld struct {
	ctx        context.Context
	p          *practice.Practice
	st         *practicesql.Store
	seeded     *practiceseed.Seeded
	pat, other practice.Actor
	// admin is a practice admin.
	admin practice.Actor
}

const (
	listClients   = 130
	listNotes     = 60
	listResponses = 75
)

// listWorlds seeds a listWorld on each engine.
func listWorlds(t *testing.T) map[string]*listWorld {
	t.Helper()
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	out := map[string]*listWorld{}
	for name, db := range sqldbtest.Engines(t) {
		st := practicesql.New(db, keys)
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		seeded, err := practiceseed.Seed(ctx, st, practiceseed.Config{Clients: listClients, Notes: listNotes, Responses: listResponses,
			Now: now, Batch: 50})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, err := practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: certboard.NewFixedClock(now)})
		if err != nil {
			t.Fatal(err)
		}
		id, err := st.CreateUser(ctx, auth.User{Email: "admin@seed.example", Name: "Ada Admin", PasswordHash: "unused",
			Roles: []auth.Role{auth.PracticeAdmin}, CreatedAt: now, EmailVerifiedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := st.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &listWorld{ctx: ctx, p: p, st: st, seeded: seeded, pat: practice.ActorOf(seeded.Practitioner),
			other: practice.ActorOf(seeded.Other), admin: practice.ActorOf(admin)}
	}
	return out
}

// walkClients reads every page of a filtered list and returns the
// clients in order, checking each page's figures.
func walkClients(t *testing.T, w *listWorld, by practice.Actor, filter string) ([]practice.ClientSummary, *practice.ClientList) {
	t.Helper()
	var all []practice.ClientSummary
	var first *practice.ClientList
	for n := 1; ; n++ {
		l, err := w.p.ClientList(w.ctx, by, practice.ClientQuery{Filter: filter, Page: n})
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			first = l
		}
		if l.Page.Number != n || len(l.Clients) > practice.ClientsPerPage || (l.Page.Next() != 0 && len(l.Clients) != practice.ClientsPerPage) {
			t.Fatalf("page %d of %q: %+v with %d clients", n, filter, l.Page, len(l.Clients))
		}
		all = append(all, l.Clients...)
		if l.Page.Next() == 0 {
			return all, first
		}
	}
}

// TestClientListPages: every client is on exactly one page, by name, and
// a filter pages the same way through the clients it keeps; the
// practitioner assigned to no one finds no one, whatever they type.
func TestClientListPages(t *testing.T) {
	for engine, w := range listWorlds(t) {
		t.Run(engine, func(t *testing.T) {
			mine, err := w.p.MyClients(w.ctx, w.pat)
			if err != nil {
				t.Fatal(err)
			}
			if len(mine) != listClients {
				t.Fatalf("MyClients: %d", len(mine))
			}
			got, first := walkClients(t, w, w.pat, "")
			if first.All != listClients || first.Page.Total != listClients || first.Page.Pages() != 3 {
				t.Errorf("first page %+v, all %d", first.Page, first.All)
			}
			if !slices.EqualFunc(got, mine, func(a, b practice.ClientSummary) bool { return a == b }) {
				t.Errorf("the pages differ from the whole list")
			}
			seen := map[int64]bool{}
			for i, c := range got {
				if seen[c.ID] {
					t.Errorf("client %d listed twice", c.ID)
				}
				seen[c.ID] = true
				if i > 0 && cmp.Or(strings.Compare(strings.ToLower(got[i-1].Name), strings.ToLower(c.Name)), cmp.Compare(got[i-1].ID, c.ID)) >= 0 {
					t.Errorf("out of order at %d: %q %q", i, got[i-1].Name, c.Name)
				}
				if c.ID == w.seeded.BigClient && !c.Consented {
					t.Errorf("the big client's consent is not shown")
				}
			}

			// A filter keeps the names with a word starting with each of
			// its words, any case.
			term := strings.ToUpper(w.seeded.BigName[:2])
			var want []int64
			for _, c := range mine {
				for _, word := range strings.Fields(strings.ToLower(c.Name + " " + c.PreferredName)) {
					if strings.HasPrefix(word, strings.ToLower(term)) {
						want = append(want, c.ID)
						break
					}
				}
			}
			kept, f := walkClients(t, w, w.pat, "  "+term+" ")
			var ids []int64
			for _, c := range kept {
				ids = append(ids, c.ID)
			}
			if len(want) == 0 || !slices.Equal(ids, want) || f.Filter != term || f.All != listClients || f.Page.Total != len(want) {
				t.Errorf("filter %q: %v (%+v), want %v", term, ids, f.Page, want)
			}
			// Both words must match, in either name.
			full := strings.Fields(w.seeded.BigName)
			both, _ := walkClients(t, w, w.pat, strings.ToLower(full[1][:3]+" "+full[0][:2]))
			if !slices.ContainsFunc(both, func(c practice.ClientSummary) bool { return c.ID == w.seeded.BigClient }) {
				t.Errorf("%q not found by both words", w.seeded.BigName)
			}
			for _, c := range both {
				if !strings.Contains(strings.ToLower(c.Name+" "+c.PreferredName), strings.ToLower(full[1][:3])) {
					t.Errorf("%q kept by %q", c.Name, full[1][:3])
				}
			}
			// A page past the last shows the last.
			l, err := w.p.ClientList(w.ctx, w.pat, practice.ClientQuery{Page: 99})
			if err != nil || l.Page.Number != 3 || len(l.Clients) != listClients-2*practice.ClientsPerPage {
				t.Errorf("page 99: %+v %d %v", l.Page, len(l.Clients), err)
			}
			if none, _ := walkClients(t, w, w.pat, "zzzz"); len(none) != 0 {
				t.Errorf("zzzz kept %d", len(none))
			}

			// The filter never widens access.
			for _, f := range []string{"", term, w.seeded.BigName} {
				l, err := w.p.ClientList(w.ctx, w.other, practice.ClientQuery{Filter: f, Page: 1})
				if err != nil || len(l.Clients) != 0 || l.All != 0 || l.Page.Total != 0 {
					t.Errorf("the unassigned practitioner, filter %q: %+v %v", f, l, err)
				}
			}

			_, err = w.p.ClientList(w.ctx, w.pat, practice.ClientQuery{Filter: strings.Repeat("a", practice.MaxClientFilter+1)})
			var e *certboard.Error
			if !errors.As(err, &e) || e.Code != certboard.Invalid || e.Field != "q" {
				t.Errorf("a long filter: %v", err)
			}
		})
	}
}

// TestClientListSeesChanges: a client renamed is listed and found by the
// new name at once (the list cache is keyed by the identity's version),
// accents aside; the audit names the clients shown, never the filter.
func TestClientListSeesChanges(t *testing.T) {
	for engine, w := range listWorlds(t) {
		t.Run(engine, func(t *testing.T) {
			walkClients(t, w, w.pat, "") // fills the list cache
			rec, err := w.p.ClientRecord(w.ctx, w.pat, w.seeded.BigClient)
			if err != nil {
				t.Fatal(err)
			}
			in := rec.Client.Identity.Input()
			in.Name, in.PreferredName = "Zoë Ångström", ""
			if _, err := w.p.UpdateClient(w.ctx, w.pat, w.seeded.BigClient, in, rec.Client.Version); err != nil {
				t.Fatal(err)
			}
			l, err := w.p.ClientList(w.ctx, w.pat, practice.ClientQuery{Filter: "zoe ang", Page: 1})
			if err != nil || len(l.Clients) != 1 || l.Clients[0].ID != w.seeded.BigClient || l.Clients[0].Name != "Zoë Ångström" {
				t.Fatalf("after the rename: %+v %v", l, err)
			}
			if old, _ := walkClients(t, w, w.pat, w.seeded.BigName); slices.ContainsFunc(old, func(c practice.ClientSummary) bool {
				return c.ID == w.seeded.BigClient
			}) {
				t.Errorf("found by the old name")
			}
			entries, err := w.st.AuditLog().Entries(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			last := entries[len(entries)-1]
			if last.Action != "client.list" || strings.Contains(strings.ToLower(last.After), "zo") ||
				!strings.Contains(last.After, `"filtered":true`) || !strings.Contains(last.After, `"clients":[`) {
				t.Errorf("audit %+v", last)
			}
		})
	}
}

// TestNotesAndMeasuresPages: the pages of a case's notes and responses
// hold each exactly once, in the order of the whole lists; the charts'
// scores are the whole series while a client has fewer than ChartPoints
// of an instrument; only assigned practitioners read them.
func TestNotesAndMeasuresPages(t *testing.T) {
	for engine, w := range listWorlds(t) {
		t.Run(engine, func(t *testing.T) {
			caseID := w.seeded.BigCase
			whole, err := w.p.ReadNotes(w.ctx, w.pat, caseID)
			if err != nil || len(whole.Notes) != listNotes {
				t.Fatalf("ReadNotes: %d %v", len(whole.Notes), err)
			}
			var notes []int64
			for n := 1; ; n++ {
				c, pg, err := w.p.ReadNotesPage(w.ctx, w.pat, caseID, n)
				if err != nil {
					t.Fatal(err)
				}
				if pg.Total != listNotes || pg.Number != n || c.ClientID != w.seeded.BigClient {
					t.Fatalf("notes page %d: %+v", n, pg)
				}
				for _, nt := range c.Notes {
					notes = append(notes, nt.ID)
					if !nt.Note.Signed() || len(nt.Note.Sections) != 4 {
						t.Errorf("note %d as read: %+v", nt.ID, nt.Note)
					}
				}
				if pg.Next() == 0 {
					break
				}
			}
			var want []int64
			for _, nt := range whole.Notes {
				want = append(want, nt.ID)
			}
			if !slices.Equal(notes, want) {
				t.Errorf("notes by page %v, want %v", notes, want)
			}
			if _, pg, err := w.p.ReadNotesPage(w.ctx, w.pat, caseID, paging.MaxNumber); err != nil || pg.Number != 3 {
				t.Errorf("a page past the last: %+v %v", pg, err)
			}

			cm, err := w.p.CaseMeasures(w.ctx, w.pat, caseID)
			if err != nil || len(cm.Responses) != listResponses {
				t.Fatalf("CaseMeasures: %v", err)
			}
			var resp []int64
			for n := 1; ; n++ {
				page, scores, pg, err := w.p.CaseMeasuresPage(w.ctx, w.pat, caseID, n)
				if err != nil {
					t.Fatal(err)
				}
				if n == 1 && (len(scores) != listResponses || !slices.EqualFunc(page.Series, cm.Series, sameSeries)) {
					t.Errorf("chart scores: %d, series differ", len(scores))
				}
				for _, s := range scores {
					if s.Answers != nil || s.Result == nil {
						t.Errorf("chart score %d read its answers or lacks its score", s.ID)
					}
				}
				for _, r := range page.Responses {
					resp = append(resp, r.ID)
				}
				if pg.Next() == 0 {
					break
				}
			}
			want = want[:0]
			for _, r := range cm.Responses {
				want = append(want, r.ID)
			}
			if !slices.Equal(resp, want) {
				t.Errorf("responses by page %v, want %v", resp, want)
			}

			full, err := w.p.ClientMeasures(w.ctx, w.pat, w.seeded.BigClient)
			if err != nil {
				t.Fatal(err)
			}
			latest, scores, total, err := w.p.ClientMeasuresLatest(w.ctx, w.pat, w.seeded.BigClient)
			if err != nil || total != listResponses || len(latest.Responses) != practice.LatestResponses || len(scores) != listResponses {
				t.Fatalf("ClientMeasuresLatest: %d of %d, %v", len(latest.Responses), total, err)
			}
			for i, r := range latest.Responses {
				if r.ID != full.Responses[i].ID {
					t.Errorf("latest %d is %d, want %d", i, r.ID, full.Responses[i].ID)
				}
			}
			if !slices.EqualFunc(latest.Series, full.Series, sameSeries) {
				t.Errorf("the record's series differ")
			}

			// Readers as before: the unassigned practitioner reads none.
			if _, _, err := w.p.ReadNotesPage(w.ctx, w.other, caseID, 1); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("notes to an unassigned practitioner: %v", err)
			}
			if _, _, _, err := w.p.CaseMeasuresPage(w.ctx, w.other, caseID, 1); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("measures to an unassigned practitioner: %v", err)
			}
			if _, _, _, err := w.p.ClientMeasuresLatest(w.ctx, w.other, w.seeded.BigClient); certboard.ErrorCode(err) != certboard.NotFound {
				t.Errorf("the record's measures to an unassigned practitioner: %v", err)
			}
		})
	}
}

// sameSeries compares two series point by point.
func sameSeries(a, b practice.Series) bool {
	return a.Instrument.ID == b.Instrument.ID && slices.EqualFunc(a.Points, b.Points, func(x, y practice.Point) bool {
		return x.Response == y.Response && x.Taken.Equal(y.Taken) && x.Total == y.Total && x.Band == y.Band && x.Positive == y.Positive
	})
}

// TestClientDirectoryPages: the admin's directory pages through every
// client once, in the order of the whole directory, filtered by name the
// same way; only admins read it.
func TestClientDirectoryPages(t *testing.T) {
	for engine, w := range listWorlds(t) {
		t.Run(engine, func(t *testing.T) {
			whole, err := w.p.ClientDirectory(w.ctx, w.admin)
			if err != nil || len(whole) != listClients {
				t.Fatalf("ClientDirectory: %d %v", len(whole), err)
			}
			term := strings.Fields(w.seeded.BigName)[1][:3]
			for _, filter := range []string{"", term} {
				var want []int64
				for _, e := range whole {
					if filter == "" || slices.ContainsFunc(strings.Fields(strings.ToLower(e.Name)), func(word string) bool {
						return strings.HasPrefix(word, strings.ToLower(filter))
					}) {
						want = append(want, e.ID)
					}
				}
				var got []int64
				for n := 1; ; n++ {
					l, err := w.p.ClientDirectoryPage(w.ctx, w.admin, practice.ClientQuery{Filter: filter, Page: n})
					if err != nil {
						t.Fatal(err)
					}
					if l.All != listClients || l.Page.Total != len(want) {
						t.Fatalf("filter %q page %d: %+v", filter, n, l.Page)
					}
					for _, e := range l.Clients {
						got = append(got, e.ID)
						if len(e.Practitioners) != 1 || e.Practitioners[0].ID != w.seeded.Practitioner.ID {
							t.Errorf("client %d's practitioners %+v", e.ID, e.Practitioners)
						}
					}
					if l.Page.Next() == 0 {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("filter %q: %v, want %v", filter, got, want)
				}
			}
			if _, err := w.p.ClientDirectoryPage(w.ctx, w.pat, practice.ClientQuery{Page: 1}); certboard.ErrorCode(err) != certboard.Forbidden {
				t.Errorf("a practitioner reads the directory: %v", err)
			}
		})
	}
}
