package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/portfolio"
)

// TestEvidenceListPages checks that the dashboard shows a long list's
// counts and last items with a link to the list's own page, and that the
// page shows every item, a page at a time, to the applicant alone.
func TestEvidenceListPages(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := sessionFor(t, s, addUser(t, st, "jordan@example.org", "Jordan Reyes", auth.Applicant))
	ben := sessionFor(t, s, addUser(t, st, "ben@example.org", "Ben Other", auth.Applicant))
	id := appStart(t, s, ana, "aasect-cst")

	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	// 130 supervision sessions: three pages of the list's own page.
	for i := len(p.Sessions); i < 130; i++ {
		sess := p.Sessions[i%41]
		sess.ID = fmt.Sprintf("ses-extra-%d", i)
		p.Sessions = append(p.Sessions, sess)
	}
	grown, err := portfolio.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "details": {"imported"}, "json": {string(grown)}}, ana)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	_, p = appLoad(t, st, id)
	edit := func(i int) string {
		return `href="` + appPath(id, "/evidence/supervision_sessions/"+p.Sessions[i].ID+"/edit") + `"`
	}

	dash := getAs(t, h, appPath(id, ""), ana).Body.String()
	for _, want := range []string{
		`<h3 id="supervision_sessions">Supervision sessions <span class="muted">(130)</span></h3>`,
		`130 in all (130 claimed); the last 10 are shown.`,
		`href="` + appPath(id, "/evidence/supervision_sessions") + `"`,
		edit(120), edit(129),
	} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	if strings.Contains(dash, edit(0)) || strings.Contains(dash, edit(119)) {
		t.Error("the dashboard shows more than the last 10 sessions")
	}
	if strings.Contains(dash, `href="`+appPath(id, "/evidence/degrees")+`"`) {
		t.Error("a list with one item links to its own page")
	}

	rec = getAs(t, h, appPath(id, "/evidence/supervision_sessions?page=2"), ana)
	if rec.Code != http.StatusOK {
		t.Fatalf("page 2: %d %s", rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	page2 := rec.Body.String()
	for _, want := range []string{
		"Supervision sessions of application", "page 2 of 3", "Items 51 to 100",
		edit(50), edit(99),
		`href="` + appPath(id, "/evidence/supervision_sessions?page=1") + `" rel="prev"`,
		`href="` + appPath(id, "/evidence/supervision_sessions?page=3") + `" rel="next"`,
		`<nav aria-label="Pages of Supervision sessions"`,
	} {
		if !strings.Contains(page2, want) {
			t.Errorf("page 2 lacks %s", want)
		}
	}
	if strings.Contains(page2, edit(49)) || strings.Contains(page2, edit(100)) {
		t.Error("page 2 shows items of other pages")
	}
	page3 := getAs(t, h, appPath(id, "/evidence/supervision_sessions?page=3"), ana).Body.String()
	if !strings.Contains(page3, edit(129)) || strings.Contains(page3, `rel="next"`) {
		t.Error("page 3 does not end the list")
	}
	if one := getAs(t, h, appPath(id, "/evidence/degrees"), ana); one.Code != http.StatusOK || strings.Contains(one.Body.String(), "<nav aria-label=\"Pages") {
		t.Errorf("a list of one item: %d, or with pages", one.Code)
	}

	for _, tc := range []struct {
		name, path string
		c          *http.Cookie
	}{
		{"past the last page", "/evidence/supervision_sessions?page=4", ana},
		{"page zero", "/evidence/supervision_sessions?page=0", ana},
		{"not a number", "/evidence/supervision_sessions?page=two", ana},
		{"no such list", "/evidence/hobbies", ana},
		{"another applicant", "/evidence/supervision_sessions", ben},
	} {
		if rec := getAs(t, h, appPath(id, tc.path), tc.c); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", tc.name, rec.Code)
		}
	}
}
