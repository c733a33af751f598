package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
)

// TestRegulatorSearchesHolders: in the demo board, the regulator finds
// listed holders by licence number (any spelling), name and region, with
// their credentials, each credential's status and the licence on file;
// a search by licence number is audited without the number; bad input is
// refused naming the field; nobody but regulators and staff with two
// factors may search, and the public registry refuses licence numbers.
func TestRegulatorSearchesHolders(t *testing.T) {
	w := newAccessWorld(t)
	h := w.s.Handler()
	ctx := context.Background()
	reg := w.cookie["regulator"]
	licenceSearches := func() []string {
		t.Helper()
		log, err := w.st.AuditLog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range log {
			if e.Action == "registry.licence_search" {
				out = append(out, e.Actor+" "+e.Before+" -> "+e.After)
			}
		}
		return out
	}

	if rec := getAs(t, h, "/regulator/search", reg); rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="licence_number"`) {
		t.Fatalf("the form: %d\n%s", rec.Code, rec.Body)
	}

	// Jordan's approved portfolio lists an Illinois licence (149.…),
	// typed here with a hyphen for the dot and spaces around.
	number := licenceOf(t, w, "jordan")
	rec := postForm(t, h, "/regulator/search", url.Values{"licence_number": {" " + strings.Replace(number, ".", "-", 1) + " "}}, reg)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "1 person found") || !strings.Contains(body, "Jordan Reyes") ||
		!strings.Contains(body, "US-IL "+number) || !strings.Contains(body, ">valid</span>") || !strings.Contains(body, "recorded in the audit log") {
		t.Fatalf("by licence number: %d\n%s", rec.Code, body)
	}
	if !strings.Contains(body, `action="/title-check/person"`) {
		t.Errorf("no way on to the title check of the holder found")
	}
	got := licenceSearches()
	if len(got) != 1 || !strings.HasSuffix(got[0], "licence number -> found user/"+strconv.FormatInt(w.users["jordan"].ID, 10)) || strings.Contains(got[0], number[4:]) {
		t.Fatalf("the audit of the search: %q", got)
	}

	for _, tc := range []struct {
		form       url.Values
		want, not  []string
		byLicences bool
	}{
		{url.Values{"name": {"osei"}}, []string{"Amara Osei"}, []string{"Jordan Reyes"}, false},
		{url.Values{"region": {"british columbia"}}, []string{"Mei Tanaka", ">expired</span>"}, []string{"Amara Osei"}, false},
		{url.Values{"licence_number": {"rcc14527"}, "region": {"British Columbia"}}, []string{"Mei Tanaka", "CA-BC RCC-14527", "verified by the board"}, nil, true},
		{url.Values{"licence_number": {"RCC-14527"}, "region": {"Ontario"}}, []string{"No one found"}, []string{"Mei Tanaka"}, true},
		{url.Values{"name": {"noor"}}, []string{"No one found"}, []string{"Noor Haddad"}, false}, // a hidden profile
	} {
		rec := postForm(t, h, "/regulator/search", tc.form, reg)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Errorf("%v: %d", tc.form, rec.Code)
		}
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%v: the page lacks %q", tc.form, want)
			}
		}
		for _, not := range tc.not {
			if strings.Contains(body, not) {
				t.Errorf("%v: the page shows %q", tc.form, not)
			}
		}
	}
	if got := licenceSearches(); len(got) != 3 {
		t.Errorf("after two more searches by licence number: %d audited, want 3: %q", len(got), got)
	}

	// Bad input: the form again, naming the field.
	for _, tc := range []struct {
		form  url.Values
		field string
		say   string
	}{
		{url.Values{"name": {""}, "licence_number": {" "}, "region": {""}}, "licence_number", "give a name, a licence number or a region"},
		{url.Values{"licence_number": {strings.Repeat("7", 41)}}, "licence_number", "at most 40 characters"},
		{url.Values{"licence_number": {"- / -"}}, "licence_number", "no letter or digit"},
		{url.Values{"name": {strings.Repeat("n", 201)}}, "name", "at most 200 characters"},
		{url.Values{"region": {strings.Repeat("r", 101)}}, "region", "at most 100 characters"},
	} {
		rec := postForm(t, h, "/regulator/search", tc.form, reg)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="h-`+tc.field+`-error"`) || !strings.Contains(body, tc.say) ||
			!strings.Contains(body, `id="h-`+tc.field+`" name="`+tc.field+`"`) {
			t.Errorf("%v: %d, want 422 saying %q at %s\n%s", tc.form, rec.Code, tc.say, tc.field, body)
		}
	}
	if got := licenceSearches(); len(got) != 3 {
		t.Errorf("refused searches were audited: %q", got)
	}

	// The API, as documented.
	doc, oc := openAPIDocument(t), openAPICompiler(t)
	rec = openAPICall(t, h, "POST", "/api/v1/regulator/search", `{"licence_number":"CPO 6021"}`, reg)
	openAPICheckAnswer(t, oc, doc, "post", "/api/v1/regulator/search", rec)
	var out holderSearchJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || !out.ByLicenceNumber || len(out.Holders) != 1 ||
		out.Holders[0].Name != "Dr. Amara Osei" || len(out.Holders[0].Licences) != 1 || out.Holders[0].Licences[0].Verification != "verified" ||
		len(out.Holders[0].Credentials) == 0 || out.Holders[0].Credentials[0].Status != "valid" {
		t.Fatalf("API: %d %v %s", rec.Code, err, rec.Body)
	}
	rec = openAPICall(t, h, "POST", "/api/v1/regulator/search", `{"region":"ontario"}`, reg)
	openAPICheckAnswer(t, oc, doc, "post", "/api/v1/regulator/search", rec)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"licences": []`) || !strings.Contains(rec.Body.String(), `"by_licence_number": false`) {
		t.Fatalf("API by region: %d %s", rec.Code, rec.Body)
	}
	rec = openAPICall(t, h, "POST", "/api/v1/regulator/search", `{"name":""}`, reg)
	openAPICheckAnswer(t, oc, doc, "post", "/api/v1/regulator/search", rec)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"licence_number"`) {
		t.Fatalf("API empty: %d %s", rec.Code, rec.Body)
	}
	if got := licenceSearches(); len(got) != 4 {
		t.Errorf("the API's search by licence number: %d audited, want 4", len(got))
	}

	// Nobody else searches by licence number: not an applicant, not a
	// holder, not a reviewer, not a regulator without two factors, not
	// the public (in the registry either).
	for _, who := range []string{"morgan", "jordan", "priya.raman"} {
		if rec := postForm(t, h, "/regulator/search", url.Values{"licence_number": {number}}, w.cookie[who]); rec.Code != http.StatusForbidden ||
			strings.Contains(rec.Body.String(), "Jordan Reyes") && who != "jordan" {
			t.Errorf("%s searched by licence number: %d", who, rec.Code)
		}
		rec := openAPICall(t, h, "POST", "/api/v1/regulator/search", `{"licence_number":"`+number+`"}`, w.cookie[who])
		openAPICheckAnswer(t, oc, doc, "post", "/api/v1/regulator/search", rec)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s searched by licence number through the API: %d", who, rec.Code)
		}
	}
	if rec := postForm(t, h, "/regulator/search", url.Values{"licence_number": {number}}, w.cookie["nofactor.regulator"]); rec.Code != http.StatusSeeOther ||
		!strings.HasPrefix(rec.Header().Get("Location"), "/account/two-factor") {
		t.Errorf("a regulator without two factors: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := postForm(t, h, "/regulator/search", url.Values{"licence_number": {number}}, nil); rec.Code != http.StatusSeeOther ||
		!strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("anonymously: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{"/registry?licence_number=" + number, "/api/v1/registry?licence_number=" + number, "/registry?q=jordan&license=" + number} {
		rec := getAs(t, h, path, nil)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "licence numbers are not public") || strings.Contains(rec.Body.String(), "Jordan Reyes") {
			t.Errorf("%s: %d, want 400 saying licence numbers are not public\n%.400s", path, rec.Code, rec.Body)
		}
	}
	if got := licenceSearches(); len(got) != 4 {
		t.Errorf("refused searches were audited: %q", got)
	}

	// Staff with two factors may search too.
	if rec := postForm(t, h, "/regulator/search", url.Values{"licence_number": {number}}, w.cookie["staff"]); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), "Jordan Reyes") {
		t.Errorf("staff: %d", rec.Code)
	}
}

// licenceOf is the number of the first licence in the approved portfolio
// of a demo applicant (by local part).
func licenceOf(t *testing.T, w *accessWorld, who string) string {
	t.Helper()
	p, err := portfolio.DecodeStored(w.app(t, who).Snapshot)
	if err != nil || len(p.Licenses) == 0 {
		t.Fatalf("%s's approved portfolio: %v", who, err)
	}
	return p.Licenses[0].Number
}
