package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// TestEvidenceFragmentsSameAsWholeRender checks that the evidence tables put
// together from cached sections of each list are the tables rendered whole,
// as lists change, versions move on, the application stops being editable,
// and labels hold what looks like markup or the version mark.
func TestEvidenceFragmentsSameAsWholeRender(t *testing.T) {
	s, _ := newServer(t)
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	app := &boardsql.Application{ID: 7, Version: 3, State: "draft"}
	check := func(name string, v dashboardView, wantFragments bool) {
		t.Helper()
		whole, err := s.execEvidence(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := s.evidenceFragments(v)
		if ok != wantFragments {
			t.Fatalf("%s: put together from sections: %v, want %v", name, ok, wantFragments)
		}
		if ok && string(got) != whole {
			t.Fatalf("%s: the tables put together differ from the tables rendered whole:\n%s\n----\n%s", name, got, whole)
		}
		if !strings.Contains(whole, `name="version" value="`+strconv.Itoa(v.App.Version)+`"`) && v.Editable {
			t.Fatalf("%s: the forms do not carry version %d", name, v.App.Version)
		}
	}
	v := dashboardView{App: app, Editable: true, Lists: evidenceViews(p)}
	check("first render", v, true)
	check("again, from the cache", v, true)

	// A new version with one more education activity: the other lists come
	// from the cache with the new version in their forms.
	p.Education = append(p.Education, portfolio.Activity{ID: "edu-new", Title: `Q&A <session> "live"`, Kind: "ce", Hours: 1.5})
	v.App = &boardsql.Application{ID: 7, Version: 4, State: "draft"}
	v.Lists = evidenceViews(p)
	check("one list changed", v, true)

	// Another application with the same evidence has its own links.
	v.App = &boardsql.Application{ID: 8, Version: 4, State: "draft"}
	check("another application", v, true)

	// Submitted: no forms.
	v.App = &boardsql.Application{ID: 7, Version: 5, State: "submitted"}
	v.Editable = false
	check("not editable", v, true)

	// A label that looks like the version mark is not taken for it.
	p.Attestations = append(p.Attestations, portfolio.Attestation{ID: "att-x", Code: `value="` + strconv.Itoa(versionMark) + `"`})
	v.App = &boardsql.Application{ID: 7, Version: 6, State: "draft"}
	v.Editable = true
	v.Lists = evidenceViews(p)
	whole, _ := s.execEvidence(v)
	if got, ok := s.evidenceFragments(v); ok && string(got) != whole {
		t.Fatal("a label holding the version mark changed the tables")
	}

	// An item whose id is the mark's digits (ids go into forms as values).
	p.Memberships = append(p.Memberships, portfolio.Membership{ID: strconv.Itoa(versionMark), Organization: "AASECT"})
	v.App = &boardsql.Application{ID: 7, Version: 7, State: "draft"}
	v.Lists = evidenceViews(p)
	whole, _ = s.execEvidence(v)
	if got, ok := s.evidenceFragments(v); ok && string(got) != whole {
		t.Fatal("an item id holding the version mark changed the tables")
	}
}

// TestReportCardsSameAsWholeRender checks that reports put together from
// kept requirement cards are the reports rendered whole, for every example
// portfolio, as their evidence changes, and as one person's cards are
// reused across applications and versions.
func TestReportCardsSameAsWholeRender(t *testing.T) {
	s, _ := newServer(t)
	raw, err := os.ReadFile("../../examples/portfolios/expectations.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct {
		File         string `json:"file"`
		Requirements string `json:"requirements"`
	}
	if err := json.Unmarshal(raw, &examples); err != nil {
		t.Fatal(err)
	}
	check := func(name string, app *boardsql.Application) {
		t.Helper()
		ev, err := s.evaluate(context.Background(), app, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		whole, err := s.execReport(ev.Report)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // rendered, then from kept cards
			got, ok := s.reportCards(ev)
			if !ok {
				t.Fatalf("%s: the report was not put together from cards", name)
			}
			if string(got) != whole {
				t.Fatalf("%s: the report put together differs from the report rendered whole:\n%s\n----\n%s", name, got, whole)
			}
		}
	}
	for i, ex := range examples {
		data, err := os.ReadFile("../../examples/portfolios/" + ex.File)
		if err != nil {
			t.Fatal(err)
		}
		app := &boardsql.Application{ID: int64(100 + i), Version: 1, State: "draft", SetID: ex.Requirements, Portfolio: data}
		check(ex.File, app)

		// More evidence: some cards change, the others are kept.
		p, err := portfolio.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		p.Education = append(p.Education, portfolio.Activity{ID: "edu-extra", Title: `Ethics <update> & "review"`, Kind: "ce",
			Provider: portfolio.Provider{Name: "SSTAR", Kind: "approved_provider"}, Delivery: "live_online", Date: date.Of(2026, 3, 4), Hours: 1.5})
		p.Attestations = nil
		more, err := portfolio.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		check(ex.File+", changed", &boardsql.Application{ID: app.ID, Version: 2, State: "draft", SetID: ex.Requirements, Portfolio: more})
		// The same evidence in another application of the same person.
		check(ex.File+", another application", &boardsql.Application{ID: app.ID + 1000, Version: 1, State: "draft", SetID: ex.Requirements, Portfolio: data})
	}
}

// TestProgressKeptSameAsRender checks that the progress at a glance used
// again for a new version of an application is what rendering it would
// give, when the evidence changes it and when it does not.
func TestProgressKeptSameAsRender(t *testing.T) {
	s, _ := newServer(t)
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	version := 0
	check := func(name string, p *portfolio.Portfolio) string {
		t.Helper()
		version++
		stored, err := portfolio.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := s.evaluate(context.Background(), &boardsql.Application{ID: 9, Version: version, State: "draft", SetID: "aasect-cst", Portfolio: stored}, false)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		if err := s.pages["dashboard"].ExecuteTemplate(&want, "progress", progressOf(ev.Report, ev.Set, ev.Portfolio)); err != nil {
			t.Fatal(err)
		}
		got, err := s.progressHTML(9, ev)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Fatalf("%s: the progress shown differs from the progress rendered:\n%s\n----\n%s", name, got, want.String())
		}
		return string(got)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	first := check("first version", p)
	p.Attestations = append(p.Attestations, portfolio.Attestation{ID: "att-new", Code: "aasect-code-of-conduct", Version: "2024", Signed: date.Of(2026, 3, 1)})
	check("an attestation added", p)
	p.Education = p.Education[:1]
	if changed := check("all education but one removed", p); changed == first {
		t.Error("removing the education left the progress as it was")
	}
}

// TestDashboardAfterSaveSameAsDecoded checks that the dashboard after a
// change, evaluated from the portfolio the change made (kept by the save,
// with the application read without its portfolio), is the dashboard that
// a server without that copy makes by reading and decoding the stored
// portfolio.
func TestDashboardAfterSaveSameAsDecoded(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	u := addUser(t, st, "jordan@example.org", "Jordan Reyes", auth.Applicant)
	c := sessionFor(t, s, u)
	id := appStart(t, s, c, "aasect-cst")
	example, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {string(example)}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	items := []struct{ list, item string }{
		{"attestations", `{"code":"aasect-code-of-conduct","version":"2024","signed":"2026-03-01"}`},
		{"education", `{"title":"Seminar <one>","kind":"ce","provider":{"name":"Institute","kind":"approved_provider","approved_by":["AASECT"]},"delivery":"live_online","date":"2026-01-15","hours":1.5,"areas":{"aasect-core":["a"]}}`},
		{"education", `{"title":"Seminar two","kind":"ce","provider":{"name":"Other","kind":"other_ce"},"delivery":"in_person","date":"2026-02-15","hours":2,"areas":{}}`},
	}
	for i, it := range items {
		app, _ := appLoad(t, st, id)
		req := httptest.NewRequest(http.MethodPost, "/api/v1"+appPath(id, "/evidence/"+it.list), strings.NewReader(`{"version":`+strconv.Itoa(app.Version)+`,"item":`+it.item+`}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(c)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			t.Fatalf("add %d: %d %s", i, rec.Code, rec.Body)
		}
		kept := getAs(t, h, appPath(id, ""), c)
		fresh := serverOn(t, st) // no evaluation or saved portfolio of its own
		decoded := getAs(t, fresh.Handler(), appPath(id, ""), sessionFor(t, fresh, u))
		if kept.Code != http.StatusOK || decoded.Code != http.StatusOK {
			t.Fatalf("add %d: dashboards %d and %d", i, kept.Code, decoded.Code)
		}
		if kept.Body.String() != decoded.Body.String() {
			t.Fatalf("add %d: the dashboard from the saved portfolio differs from the one decoded:\n%s\n----\n%s", i, kept.Body, decoded.Body)
		}
	}
}
