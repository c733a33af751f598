package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/portfolio"
)

// postCSV uploads a CE file as the CE page's form does.
func postCSV(t *testing.T, h http.Handler, path, name string, data []byte, c *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = "192.0.2.7:5555"
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// ceForm is the CE form filled in for one good activity, with changes.
func ceForm(change map[string]string) url.Values {
	f := url.Values{"date": {"2026-09-01"}, "title": {"Desire in long-term couples"}, "provider": {"Sunrise Sexuality Institute"},
		"provider_kind": {"approved_provider"}, "approved_aasect": {"yes"}, "kind": {"ce"}, "delivery": {"live_online"}, "hours": {"6"}, "sexuality_related": {"yes"}}
	for k, v := range change {
		f.Set(k, v)
	}
	return f
}

const ceHeader = "date,title,provider,provider_kind,approved_by,kind,delivery,hours,sexuality_related\n"

// text is a response's body as a person reads it: tags dropped, entities
// decoded, spaces collapsed.
func text(rec *httptest.ResponseRecorder) string {
	s := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(rec.Body.String(), " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// TestHolderCE: the holder adds CE by the form (errors naming the field,
// nothing stored) and from a CSV file (a report naming row, column and
// problem; nothing added until confirmed; then the valid rows, once),
// which starts the renewal and counts in its progress; nobody else
// reaches the page or adds to it; the file's size and header are checked.
func TestHolderCE(t *testing.T) {
	start := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	s, st, clk := clockedServer(t, start)
	ctx := context.Background()
	h := s.Handler()
	staff := addUser(t, st, "staff@example.org", "Sam Staff", auth.Staff)
	holder := addUser(t, st, "holder@example.org", "Hana Holder", auth.Applicant)
	other := addUser(t, st, "other@example.org", "Otto Other", auth.Applicant)
	cred := issueTo(t, s, holder, staff, date.Date{})
	clk.Set(time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC))
	hc, oc := sessionFor(t, s, holder), sessionFor(t, s, other)
	page := "/credentials/" + cred.ID + "/renewal/ce"
	renewals := func() []*boardsql.Application {
		t.Helper()
		apps, err := st.Applications(ctx, boardsql.ApplicationFilter{ApplicantID: holder.ID, SetID: renewalSet})
		if err != nil {
			t.Fatal(err)
		}
		return apps
	}

	// Nobody else sees the page or adds to it.
	good := ceHeader + "2026-09-01,Desire in long-term couples,Sunrise Sexuality Institute,approved_provider,AASECT,ce,live_online,6,yes\n"
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"page":    getAs(t, h, page, oc),
		"form":    postForm(t, h, page, ceForm(nil), oc),
		"file":    postCSV(t, h, page+"/file", "ce.csv", []byte(good), oc),
		"confirm": postForm(t, h, page+"/file/confirm", url.Values{"name": {"ce.csv"}, "file": {b64(good)}}, oc),
	} {
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "Hana") {
			t.Errorf("%s as someone else: %d", name, rec.Code)
		}
	}
	if len(renewals()) != 0 {
		t.Fatal("someone else started the holder's renewal")
	}

	// The page: both ways in, and the template to download.
	rec := getAs(t, h, page, hc)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `action="`+page+`"`) || !strings.Contains(body, `action="`+page+`/file"`) ||
		!strings.Contains(body, `href="/static/ce-template.csv" download`) || !strings.Contains(text(rec), "since 2026-03-10") {
		t.Fatalf("CE page: %d\n%s", rec.Code, body)
	}
	tmpl := getAs(t, h, "/static/ce-template.csv", nil)
	if tmpl.Code != 200 || !strings.HasPrefix(tmpl.Header().Get("Content-Type"), "text/csv") || strings.TrimSpace(tmpl.Body.String()) != strings.Join(ce.EntryColumns, ",") {
		t.Fatalf("template: %d %s %q", tmpl.Code, tmpl.Header().Get("Content-Type"), tmpl.Body)
	}

	// The form refuses what is wrong, naming each field, and stores nothing.
	rec = postForm(t, h, page, ceForm(map[string]string{"date": "2027-02-01", "hours": "1.333", "sexuality_related": ""}), hc)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", rec.Code)
	}
	for _, want := range []string{`id="ce-date-error"`, `id="ce-hours-error"`, `id="ce-sexuality_related-error"`, `aria-invalid="true"`, `value="Desire in long-term couples"`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("bad form's page lacks %s", want)
		}
	}
	for _, want := range []string{"fix Date completed, Hours, Related to sexuality? (marked below)", "in the future (today is 2027-01-15)", "more than two decimals", "is required: yes or no"} {
		if !strings.Contains(text(rec), want) {
			t.Errorf("bad form's page does not say %q", want)
		}
	}
	if len(renewals()) != 0 {
		t.Fatal("a refused form started the renewal")
	}

	// A good one starts the renewal with the activity, claimed.
	rec = postForm(t, h, page, ceForm(nil), hc)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page {
		t.Fatalf("form: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	apps := renewals()
	if len(apps) != 1 {
		t.Fatalf("%d renewals", len(apps))
	}
	app, _ := st.Application(ctx, apps[0].ID)
	p, _ := portfolio.DecodeStored(app.Portfolio)
	if len(p.Education) != 1 || p.Education[0].Verification.EffectiveState() != portfolio.Claimed || strings.Join(p.Education[0].Provider.ApprovedBy, ",") != "AASECT" {
		t.Fatalf("education: %+v", p.Education)
	}
	// The same again: refused as a repeat, saying so.
	rec = postForm(t, h, page, ceForm(nil), hc)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(text(rec), "The activity was not added: it is already in your renewal") {
		t.Fatalf("again: %d %s", rec.Code, text(rec))
	}

	// A file with bad rows: the report names row, column and problem, and
	// nothing is added.
	file := ceHeader +
		"2026-10-05,Genito-pelvic pain,Sunrise Sexuality Institute,approved_provider,AASECT,ce,in_person,4.5,yes\n" + // row 2
		"2026-10-06,Couples communication,Coastal CE,other_ce,,ce,in_person,six,yes\n" + // row 3: hours
		"2026-09-01,Desire in long-term couples,Sunrise Sexuality Institute,approved_provider,AASECT,ce,live_online,6,yes\n" + // row 4: there already
		"2026-11-20,Taught a consent workshop,Bayside College,accredited_university,,teaching,in_person,3,yes\n" // row 5
	before := app.Version
	rec = postCSV(t, h, page+"/file", "my ce.csv", []byte(file), hc)
	report := text(rec)
	if rec.Code != 200 || !strings.Contains(report, "Check of my ce.csv") || !strings.Contains(report, "2 rows can be added; 2 rows are refused") ||
		!strings.Contains(report, `3 hours "six" is not a number of hours`) || !strings.Contains(report, "4 (the whole row) already in your renewal") ||
		!strings.Contains(rec.Body.String(), `action="`+page+`/file/confirm"`) || !strings.Contains(report, "Add the 2 valid rows") {
		t.Fatalf("report: %d\n%s", rec.Code, report)
	}
	if app, _ := st.Application(ctx, app.ID); app.Version != before {
		t.Fatal("checking the file changed the renewal")
	}
	// Confirmed: the two valid rows, once.
	payload := regexp.MustCompile(`name="file" value="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if payload == nil {
		t.Fatal("no file in the confirming form")
	}
	confirm := url.Values{"name": {"my ce.csv"}, "file": {html.UnescapeString(payload[1])}}
	rec = postForm(t, h, page+"/file/confirm", confirm, hc)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	if flash := flashOf(rec); !strings.Contains(flash, "Added 2 CE activities from my ce.csv") || !strings.Contains(flash, "2 rows not added (rows 3, 4)") {
		t.Errorf("after confirming: %q", flash)
	}
	rec = getAs(t, h, page, hc)
	if !strings.Contains(text(rec), "CE in your renewal (3)") || !strings.Contains(text(rec), "Taught a consent workshop") {
		t.Fatalf("after confirming: %s", text(rec))
	}
	app, _ = st.Application(ctx, app.ID)
	if app.Version != before+1 {
		t.Errorf("the rows were added in %d versions", app.Version-before)
	}
	// Confirmed twice (a reload): nothing more.
	rec = postForm(t, h, page+"/file/confirm", confirm, hc)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(text(rec), "No row of my ce.csv can be added; nothing was added") {
		t.Fatalf("confirmed twice: %d %s", rec.Code, text(rec))
	}
	if again, _ := st.Application(ctx, app.ID); again.Version != app.Version {
		t.Fatal("confirming twice changed the renewal")
	}

	// The renewal's progress counts the CE: 6 + 4.5 approved, 3 of teaching.
	rec = getAs(t, h, "/api/v1/credentials/"+cred.ID+"/renewal", hc)
	if !strings.Contains(rec.Body.String(), "13.5") {
		t.Errorf("the progress does not count 13.5 credits:\n%s", rec.Body)
	}

	// Files refused whole: too large, a wrong header, no file.
	for _, tc := range []struct {
		name, file string
		data       []byte
		status     int
		want       string
	}{
		{"too large", "big.csv", append([]byte(ceHeader), bytes.Repeat([]byte("x"), ce.MaxEntryFileSize)...), http.StatusRequestEntityTooLarge, "larger than 1 MiB"},
		{"far too large", "huge.csv", bytes.Repeat([]byte("x"), 3*ce.MaxEntryFileSize), http.StatusRequestEntityTooLarge, "larger than 1 MiB"},
		{"a wrong header", "old.csv", []byte("date,title,hours\n2026-10-05,Ethics,2\n"), http.StatusUnprocessableEntity, "missing column(s) provider, provider_kind"},
		{"no rows", "empty.csv", []byte(ceHeader), http.StatusUnprocessableEntity, "no activities"},
		{"no file", "", nil, http.StatusUnprocessableEntity, "Choose a CSV file"},
	} {
		rec := postCSV(t, h, page+"/file", tc.file, tc.data, hc)
		if rec.Code != tc.status || !strings.Contains(text(rec), tc.want) || !strings.Contains(rec.Body.String(), `id="ce-file-error"`) {
			t.Errorf("%s: %d %s", tc.name, rec.Code, text(rec))
		}
	}
	if again, _ := st.Application(ctx, app.ID); again.Version != app.Version {
		t.Fatal("a refused file changed the renewal")
	}
}

// b64 is a file as the report's confirming form carries it.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// flashOf is the message a redirect leaves for the next page.
func flashOf(rec *httptest.ResponseRecorder) string {
	for _, k := range rec.Result().Cookies() {
		if k.Name == FlashCookie {
			v, _ := url.QueryUnescape(k.Value)
			return v
		}
	}
	return ""
}

// TestCETemplateMatchesTheReader: the template served is the header the
// reader wants, and reads as a file with no rows.
func TestCETemplateMatchesTheReader(t *testing.T) {
	data, err := fs.ReadFile(webFiles, "static/ce-template.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ce.ReadEntries(bytes.NewReader(data), date.Of(2026, 1, 1))
	if err != nil || len(rows) != 0 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if fmt.Sprint(strings.TrimSpace(string(data))) != strings.Join(ce.EntryColumns, ",") {
		t.Errorf("template header %q", data)
	}
}
