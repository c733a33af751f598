package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/paging"
	"github.com/certboard/certboard/practice/practiceseed"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/seal"
)

// newListSite seeds a practice with 120 clients, one with 60 notes and 75
// responses, on SQLite (practicesql's and practice's tests cover both
// engines).
func newListSite(t *testing.T) *seededSite {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	st, err := practicesql.Open(context.Background(), practicesql.Config{DataDir: t.TempDir(), Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return newSeededSite(t, st, practiceseed.Config{Clients: 120, Notes: 60, Responses: 75, Batch: 60})
}

var clientLink = regexp.MustCompile(`<td><a href="/clients/(\d+)">`)

// TestClientsPageLinks: the list of clients pages with plain links, a
// filter is kept in them, every client is reached once, and a practitioner
// assigned to no one finds no one by name.
func TestClientsPageLinks(t *testing.T) {
	site := newListSite(t)
	seen := map[string]int{}
	path := "/clients"
	for n := 1; path != ""; n++ {
		rec := site.get(path, site.practitioner)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		if !strings.Contains(body, fmt.Sprintf("Page %d of 3", n)) || !strings.Contains(body, `aria-label="Pages of your clients"`) {
			t.Fatalf("GET %s: no page links:\n%s", path, body)
		}
		for _, m := range clientLink.FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		path = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Next page</a>`).FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if n == 3 && (!strings.Contains(body, `<a href="/clients?page=2" rel="prev">`) || !strings.Contains(body, `<a href="/clients">First page</a>`)) {
			t.Errorf("the last page's links:\n%s", body)
		}
	}
	if len(seen) != 120 {
		t.Errorf("reached %d clients", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("client %s listed %d times", id, n)
		}
	}

	name := site.seeded.BigName
	q := url.Values{"q": {strings.ToLower(name)}}.Encode()
	rec := site.get("/clients?"+q, site.practitioner)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), fmt.Sprintf(`<a href="/clients/%d">`, site.seeded.BigClient)) ||
		!strings.Contains(rec.Body.String(), `value="`+strings.ToLower(name)+`"`) || !strings.Contains(rec.Body.String(), "Show everyone") {
		t.Errorf("filtering by %q: %d\n%s", name, rec.Code, rec.Body)
	}
	rec = site.get("/clients?q=zzzz", site.practitioner)
	if !strings.Contains(rec.Body.String(), "None of your clients has a name starting with “zzzz”") {
		t.Errorf("no match:\n%s", rec.Body)
	}
	rec = site.get("/clients?"+q, site.other)
	if rec.Code != http.StatusOK || clientLink.MatchString(rec.Body.String()) || strings.Contains(rec.Body.String(), name) {
		t.Errorf("the unassigned practitioner's filter: %d\n%s", rec.Code, rec.Body)
	}
	rec = site.get("/clients?q="+strings.Repeat("a", 101), site.practitioner)
	if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
		t.Errorf("a long filter: %d\n%s", rec.Code, rec.Body)
	}
	for _, bad := range []string{"0", "x", "10001"} {
		if rec := site.get("/clients?page="+bad, site.practitioner); rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("page %q: %d", bad, rec.Code)
		}
	}
}

// TestCaseListsPageLinks: a case's notes and responses page with plain
// links; the record shows the latest responses and says how many there
// are; the pages stay closed to a practitioner not assigned.
func TestCaseListsPageLinks(t *testing.T) {
	site := newListSite(t)
	c := site.seeded.BigCase
	notes := fmt.Sprintf("/case-notes/%d", c)
	rec := site.get(notes+"?page=2", site.practitioner)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Notes 26 to 50 of 60, the latest first.") ||
		!strings.Contains(body, `<a href="`+notes+`" rel="prev">`) || !strings.Contains(body, `<a href="`+notes+`?page=3" rel="next">`) {
		t.Errorf("notes page 2: %d\n%s", rec.Code, body)
	}
	if n := strings.Count(body, `<td><a href="/notes/`); n != 25 {
		t.Errorf("notes page 2 lists %d notes", n)
	}
	measures := fmt.Sprintf("/cases/%d/measures", c)
	rec = site.get(measures, site.practitioner)
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Responses 1 to 50 of 75, the newest first.") ||
		!strings.Contains(body, `<a href="`+measures+`?page=2" rel="next">`) {
		t.Errorf("measures page 1: %d\n%s", rec.Code, body)
	}
	rec = site.get(fmt.Sprintf("/clients/%d", site.seeded.BigClient), site.practitioner)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The latest 10 of 75 responses") {
		t.Errorf("record: %d\n%s", rec.Code, rec.Body)
	}
	for _, path := range []string{notes + "?page=2", measures + "?page=2", fmt.Sprintf("/clients/%d", site.seeded.BigClient)} {
		if rec := site.get(path, site.other); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s by a practitioner not assigned: %d", path, rec.Code)
		}
	}
	if rec := site.get(notes+"?page=-1", site.practitioner); rec.Code < 400 || rec.Code >= 500 {
		t.Errorf("a bad page: %d", rec.Code)
	}
}

// TestPagerOf: the links keep the list's query and drop page 1's number.
func TestPagerOf(t *testing.T) {
	p := pagerOf("Pages", "/clients", url.Values{"q": {"Zoë & co"}, "page": {"7"}}, paging.New(3, 10, 45))
	if p.First != "/clients?q=Zo%C3%AB+%26+co" || p.Prev != "/clients?page=2&q=Zo%C3%AB+%26+co" ||
		p.Next != "/clients?page=4&q=Zo%C3%AB+%26+co" || p.Last != "/clients?page=5&q=Zo%C3%AB+%26+co" {
		t.Errorf("%+v", p)
	}
	if p := pagerOf("Pages", "/x", nil, paging.New(1, 10, 5)); p.First != "" || p.Prev != "" || p.Next != "" || p.Last != "" || p.Page.Many() {
		t.Errorf("one page: %+v", p)
	}
}

// TestDirectoryFilter: the admin's directory finds a client by the start
// of a name, says when none matches, and refuses a filter too long with
// the field marked.
func TestDirectoryFilter(t *testing.T) {
	w := clientsWorld(t)
	ctx := context.Background()
	for _, name := range []string{"Alex Rivera", "Zoë Lindqvist", "Sam Lee"} {
		if _, err := w.s.practice.CreateClient(ctx, practice.ActorOf(w.users["practitioner"]), practice.NewClient{Identity: practice.IdentityInput{
			Name: name, DateOfBirth: "1990-04-23", Email: "client@example.org"}}); err != nil {
			t.Fatal(err)
		}
	}
	admin := w.signIn(t, "admin")
	rec := w.get(t, "/clients/directory?q=zoe", admin)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Zoë Lindqvist") || strings.Contains(body, "Alex Rivera") ||
		!strings.Contains(body, "1 of the practice's 3 clients match") {
		t.Errorf("zoe: %d\n%s", rec.Code, body)
	}
	if rec := w.get(t, "/clients/directory?q=quinn", admin); !strings.Contains(rec.Body.String(), "No client of the practice has a name starting with") {
		t.Errorf("quinn:\n%s", rec.Body)
	}
	if rec := w.get(t, "/clients/directory?q="+strings.Repeat("x", 101), admin); rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
		t.Errorf("a long filter: %d\n%s", rec.Code, rec.Body)
	}
}
