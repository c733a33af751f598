package web

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/certboard/certboard/auth"
)

// TestPagesNameTheBoard: every page's header and window title give the
// board's name once an admin saved it, and "certboard" before.
func TestPagesNameTheBoard(t *testing.T) {
	s, _, h, _, c := adminSetup(t)
	brand := func(name string) string { return `<a class="brand" href="/">` + name + `</a>` }
	for _, path := range []string{"/", "/registry", "/login"} {
		body := get(t, h, path).Body.String()
		if !strings.Contains(body, brand("certboard")) || !strings.Contains(body, " · certboard</title>") {
			t.Errorf("GET %s before the board has a name: no header or title saying certboard", path)
		}
	}
	form := url.Values{"name": {"Board of Sexuality Professionals & Educators"}, "contact_email": {"office@bsp.example.org"}, "version": {"0"}}
	if rec := postForm(t, h, "/admin/board", form, c); rec.Code != 303 {
		t.Fatalf("saving the board's details: %d %s", rec.Code, rec.Body)
	}
	if got := s.boardName(context.Background()); got != "Board of Sexuality Professionals & Educators" {
		t.Fatalf("boardName = %q", got)
	}
	for _, path := range []string{"/", "/registry", "/login", "/no-such-page"} {
		body := get(t, h, path).Body.String()
		if !strings.Contains(body, brand("Board of Sexuality Professionals &amp; Educators")) ||
			!strings.Contains(body, " · Board of Sexuality Professionals &amp; Educators</title>") {
			t.Errorf("GET %s: the header or title does not name the board:\n%s", path, body)
		}
	}
	if body := getAs(t, h, "/admin", c).Body.String(); !strings.Contains(body, brand("Board of Sexuality Professionals &amp; Educators")) {
		t.Errorf("a signed-in page does not name the board")
	}
}

// TestFavicon: the pages link the favicon, served as SVG and cacheable.
func TestFavicon(t *testing.T) {
	s, _ := newServer(t)
	h := s.Handler()
	if body := get(t, h, "/").Body.String(); !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Errorf("the page links no favicon:\n%s", body)
	}
	rec := get(t, h, "/static/favicon.svg")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg ") {
		t.Fatalf("GET /static/favicon.svg: %d %q %.40q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control %q: the favicon is not cacheable", cc)
	}
}

// withPerson is the example eligible portfolio with its person's details
// replaced.
func withPerson(t *testing.T, person map[string]any) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/portfolios/cst-eligible.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["person"] = person
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

var hiddenJSON = regexp.MustCompile(`<input type="hidden" name="json" value="([^"]*)">`)

// TestImportAsksBeforeReplacingDetails: an import whose person details
// differ from the application's shows both, imports nothing until the
// applicant chooses, then keeps each detail but those they chose from the
// file (or all of the file's, when they choose so); details the
// application lacked are taken from the file without asking, and an
// import that replaces no detail goes straight through.
func TestImportAsksBeforeReplacingDetails(t *testing.T) {
	s, st := newServer(t)
	h := s.Handler()
	ana := addUser(t, st, "ana@example.org", "Ana Example", auth.Applicant)
	c := sessionFor(t, s, ana)
	file := withPerson(t, map[string]any{"id": "p-ana", "name": "Ana Souza", "email": "ana.souza@example.org", "region": "IL", "languages": []string{"en", "pt"}})

	id := appStart(t, s, c, "aasect-cst")
	rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {file}}, c)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Your details differ from the file") {
		t.Fatalf("an import replacing details: %d, want the choice\n%s", rec.Code, body)
	}
	for _, want := range []string{"<legend>Name</legend>", "<strong>Ana Example</strong>", "<strong>Ana Souza</strong>",
		"<legend>E-mail address</legend>", "<strong>ana.souza@example.org</strong>",
		`id="detail-name-current" name="detail-name" value="current" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("the choice does not show %q", want)
		}
	}
	if strings.Contains(body, "<legend>State or province</legend>") || strings.Contains(body, "<legend>Languages</legend>") {
		t.Error("the choice asks about details the application does not have")
	}
	if app, p := appLoad(t, st, id); app.Version != 1 || len(p.Education) != 0 {
		t.Fatalf("asking imported something: version %d, %d education", app.Version, len(p.Education))
	}
	m := hiddenJSON.FindStringSubmatch(body)
	if m == nil || html.UnescapeString(m[1]) != file {
		t.Fatal("the choice does not carry the file's portfolio")
	}

	// A choice that is neither is refused, and changes nothing.
	if rec := postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {file}, "details": {"chosen"}, "detail-name": {"both"}}, c); rec.Code != 422 {
		t.Errorf("an unknown choice: %d", rec.Code)
	}
	// The name from the file; the e-mail address left as it was (kept).
	rec = postForm(t, h, appPath(id, "/import"), url.Values{"version": {"1"}, "json": {html.UnescapeString(m[1])}, "details": {"chosen"},
		"detail-name": {"imported"}}, c)
	if rec.Code != 303 {
		t.Fatalf("import with the details chosen: %d %s", rec.Code, rec.Body)
	}
	if flash, _ := url.QueryUnescape(rec.Result().Cookies()[0].Value); !strings.Contains(flash, "Your details were kept where the file's differed (E-mail address)") {
		t.Errorf("the message does not say what was kept: %q", flash)
	}
	app, p := appLoad(t, st, id)
	if app.Version != 2 || len(p.Education) == 0 {
		t.Fatalf("not imported: version %d", app.Version)
	}
	if got := p.Person; got.Name != "Ana Souza" || got.Email != "ana@example.org" || got.Region != "IL" || got.Detail("languages") != "en, pt" || got.ID != "p-ana" {
		t.Errorf("the person after the import: %+v", got)
	}

	// All of the file's details, when the applicant chooses so.
	all := appStart(t, s, c, "aasect-cse")
	if rec := postForm(t, h, appPath(all, "/import"), url.Values{"version": {"1"}, "json": {file}, "details": {"imported"}}, c); rec.Code != 303 {
		t.Fatalf("import with the file's details: %d", rec.Code)
	}
	if _, p := appLoad(t, st, all); p.Person.Name != "Ana Souza" || p.Person.Email != "ana.souza@example.org" {
		t.Errorf("the file's details were not all taken: %+v", p.Person)
	}

	// A file that only adds details is imported at once.
	same := appStart(t, s, c, "aasect-csc")
	adds := withPerson(t, map[string]any{"id": "p-ana", "name": "Ana Example", "email": "ana@example.org", "city": "Chicago"})
	if rec := postForm(t, h, appPath(same, "/import"), url.Values{"version": {"1"}, "json": {adds}}, c); rec.Code != 303 {
		t.Fatalf("an import that replaces no detail: %d %s", rec.Code, rec.Body)
	}
	if _, p := appLoad(t, st, same); p.Person.City != "Chicago" || p.Person.Name != "Ana Example" {
		t.Errorf("after an import adding a detail: %+v", p.Person)
	}
}
