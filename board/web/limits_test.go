package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
)

// limitsCaller sends bodies to routes of the demo board as the people who
// may call them, each request from its own address (the title check and
// the verifier limit the requests of one address).
type limitsCaller struct {
	*accessWorld
	addr atomic.Int32
}

// candidates are the callers (demo people, "" anonymous) who may reach the
// handler of a route with its access rule: the owner of Jamie's draft, the
// staff, Riley's reviewers, Jamie's supervisor and so on.
func (c *limitsCaller) candidates(a Access) []string {
	switch a {
	case Public:
		return []string{""}
	case Authenticated:
		return []string{"jamie"}
	case Staff:
		return []string{"staff"}
	case Admin:
		return []string{"admin"}
	case Reviewer:
		return []string{"priya.raman", "tomas.silva", "grace.kim"}
	case Supervisor:
		return []string{"lee.park"}
	case Provider:
		return []string{"provider"}
	case Regulator:
		return []string{"regulator"}
	}
	return nil
}

// send posts body to the route pattern as who, aimed at app; uid fills a
// {uid} placeholder.
func (c *limitsCaller) send(t *testing.T, pattern string, app *boardsql.Application, uid int64, who, contentType string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	method, path, _ := strings.Cut(pattern, " ")
	path = placeholder.ReplaceAllStringFunc(path, func(m string) string {
		switch placeholder.FindStringSubmatch(m)[1] {
		case "id":
			return fmt.Sprint(app.ID)
		case "uid":
			return fmt.Sprint(uid)
		case "list":
			return "supervision_sessions"
		case "action":
			return "withdraw"
		case "item":
			_, p := appLoad(t, c.st, app.ID)
			if len(p.Sessions) > 0 {
				return p.Sessions[0].ID
			}
		}
		return "1"
	})
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("If-Match", fmt.Sprintf("%q", fmt.Sprint(app.Version)))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.1:4000", c.addr.Add(1)/250, c.addr.Load()%250)
	if who != "" {
		req.AddCookie(sessionFor(t, c.s, c.users[who]))
	}
	rec := httptest.NewRecorder()
	c.s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestEveryBodyIsBounded posts a deeply nested body and an oversize body to
// every API route that reads one, as each caller who may reach its handler,
// and checks that at least one caller gets 400 (nesting) or 413 (size) as
// problem+json naming the limit, that no caller gets a success or a server
// error, and that nothing was recorded. The old duplicate check took many
// gigabytes for the 200 KB of "[" sent to the routes that take a portfolio;
// it must now be refused at once.
func TestEveryBodyIsBounded(t *testing.T) {
	c := &limitsCaller{accessWorld: newAccessWorld(t)}
	ctx := context.Background()
	before, err := c.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Bodies. A few thousand "[" fit under the smallest limit (8 KiB), so
	// that every route sees the nesting rather than the size.
	deep := []byte(strings.Repeat("[", 4000))
	deepPortfolio := []byte(`{"format": "certboard.portfolio/v1", "person": ` + strings.Repeat("[", 200<<10))
	oversize := func(n int) []byte { return []byte(`{"a": "` + strings.Repeat("x", n) + `"}`) }
	deepYAML := []byte("id: x\ndescription: " + strings.Repeat("[", 4000) + strings.Repeat("]", 4000))
	// The routes that read a JSON or YAML body, and the largest body each
	// reads; other routes with a body (document uploads) have their own
	// tests.
	bodies := map[string]int{
		"POST /api/v1/accounts": 8 << 10, "POST /api/v1/accounts/verify": 8 << 10, "POST /api/v1/password-reset": 8 << 10,
		"POST /api/v1/password-reset/confirm": 8 << 10, "POST /api/v1/session": 4 << 10,
		"POST /api/v1/applications": maxAPIBody, "PUT /api/v1/applications/{id}/portfolio": portfolio.MaxSize,
		"POST /api/v1/applications/{id}/evidence/{list}": maxAPIBody, "POST /api/v1/applications/{id}/lists/{list}/verification": maxAPIBody,
		"POST /api/v1/credentials/{id}/status": 16 << 10, "POST /api/v1/completions": maxAPIBody,
		"PUT /api/v1/admin/providers/{uid}": maxAPIBody, "PUT /api/v1/profile": maxProfileBody,
		"POST /api/v1/applications/{id}/votes": maxAPIBody, "POST /api/v1/applications/{id}/conflicts": maxAPIBody,
		"POST /api/v1/applications/{id}/actions/{action}": maxAPIBody, "POST /api/v1/applications/{id}/items/{item}/verification": maxAPIBody,
		"POST /api/v1/applications/{id}/reviewers": maxAPIBody, "POST /api/v1/supervision/{id}/items/{item}": maxAPIBody, "POST /api/v1/supervision/{id}/items": maxBatchBody,
		"POST /api/v1/supervision/{id}/contracts": maxAPIBody, "POST /api/v1/title-check": maxTitlePortfolio,
		"POST /api/v1/tokens": maxAPIBody, "POST /api/v1/verify": maxCredential, "POST /api/v1/account/password": maxAPIBody,
		"PATCH /api/v1/admin/users/{uid}": maxAPIBody, "PUT /api/v1/admin/board": maxAPIBody,
		"POST /api/v1/admin/sets": adminMaxSetYAML, "POST /api/v1/regulator/search": maxHolderSearchBody,
	}

	// Every API route that may read a body is in the list (or is the
	// document upload).
	seen := map[string]bool{}
	for _, r := range c.s.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/api/") || method == "GET" || method == "DELETE" || method == "" {
			continue
		}
		seen[r.Pattern] = true
		if _, ok := bodies[r.Pattern]; !ok && !strings.HasSuffix(r.Pattern, "/documents") && !strings.HasSuffix(r.Pattern, "/publish") &&
			!strings.HasSuffix(r.Pattern, "/renewal") {
			t.Errorf("%s reads no body? Add it to the bodies of this test", r.Pattern)
		}
	}
	for p := range bodies {
		if !seen[p] {
			t.Errorf("%s is not a route", p)
		}
	}

	routes := map[string]Access{}
	for _, r := range c.s.Routes() {
		routes[r.Pattern] = r.Access
	}
	for pattern, max := range bodies {
		contentType, deepBody, deepWant := "application/json", deep, "is nested deeper than 32 levels at byte"
		switch {
		case strings.HasSuffix(pattern, "/admin/sets"):
			contentType, deepBody, deepWant = "application/yaml", deepYAML, "nested deeper than 16 levels"
		case strings.HasSuffix(pattern, "/portfolio") || strings.HasSuffix(pattern, "/title-check"):
			deepBody, deepWant = deepPortfolio, "The portfolio is nested deeper than 32 levels at line 1, column 79 (byte 79)"
		case pattern == "POST /api/v1/verify":
			deepBody, deepWant = append([]byte(`{"@context": `), deep...), "The credential is nested deeper than 32 levels at byte 45"
		}
		for _, tc := range []struct {
			what   string
			body   []byte
			status int
			want   string
		}{
			{"deep", deepBody, http.StatusBadRequest, deepWant},
			{"oversize", oversize(max), http.StatusRequestEntityTooLarge, "is larger than " + sizeName(max)},
		} {
			reached := false
			var answers []string
			for _, who := range c.candidates(routes[pattern]) {
				for _, app := range []*boardsql.Application{c.draft, c.review} {
					for _, uid := range []int64{c.users["jamie"].ID, c.users["provider"].ID} {
						rec := c.send(t, pattern, app, uid, who, contentType, tc.body)
						answers = append(answers, fmt.Sprintf("%s: %d %.200s", who, rec.Code, rec.Body))
						if rec.Code < 400 || rec.Code >= 500 {
							t.Errorf("%s, %s body, as %q: %d %.300s", pattern, tc.what, who, rec.Code, rec.Body)
							continue
						}
						var answer struct{ Detail string }
						_ = json.Unmarshal(rec.Body.Bytes(), &answer)
						if rec.Code == tc.status && rec.Header().Get("Content-Type") == "application/problem+json" && strings.Contains(answer.Detail, tc.want) {
							reached = true
						}
					}
				}
			}
			if !reached {
				t.Errorf("%s, %s body: no caller got %d naming the limit (%q):\n%s", pattern, tc.what, tc.status, tc.want, strings.Join(answers, "\n"))
			}
		}
	}
	after, err := c.st.AuditLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after[len(before):] {
		t.Errorf("a refused body left an audit entry: %+v", e)
	}
}

// sizeName is how the answers write a limit.
func sizeName(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// TestFormsBoundTheirInput: the forms that take a portfolio or a
// credential refuse one over a limit with 400 or 413 and a message naming
// it, before reading it further.
func TestFormsBoundTheirInput(t *testing.T) {
	c := &limitsCaller{accessWorld: newAccessWorld(t)}
	deepPortfolio := `{"format": "certboard.portfolio/v1", "person": ` + strings.Repeat("[", 200<<10)
	overPortfolio := `{"format": "certboard.portfolio/v1"}` + strings.Repeat(" ", portfolio.MaxSize)
	multipartBody := func(fields map[string]string, file string) ([]byte, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile("file", "upload.json")
			fw.Write([]byte(file))
		}
		mw.Close()
		return b.Bytes(), mw.FormDataContentType()
	}
	version := fmt.Sprint(c.draft.Version)
	for _, tc := range []struct {
		name, pattern, who string
		fields             map[string]string
		file               string
		status             int
		want               string
	}{
		{"title check, pasted deep", "POST /title-check", "", map[string]string{"portfolio": deepPortfolio}, "", 400,
			"The portfolio was not checked: the portfolio is nested deeper than 32 levels at line 1, column 79 (byte 79)"},
		{"title check, file over the limit", "POST /title-check", "", nil, overPortfolio, 413,
			"The portfolio was not checked: the portfolio is larger than 4 MiB"},
		{"import, file deep", "POST /applications/{id}/import", "jamie", map[string]string{"version": version}, deepPortfolio, 400,
			"the portfolio is nested deeper than 32 levels"},
		{"import, pasted over the limit", "POST /applications/{id}/import", "jamie", map[string]string{"version": version, "json": overPortfolio}, "", 413,
			"the portfolio is larger than 4 MiB"},
		{"verification, pasted deep", "POST /check", "", map[string]string{"credential": `{"a": ` + strings.Repeat("[", 200<<10)}, "", 400,
			"Not checked: the credential is nested deeper than 32 levels at byte 38."},
		{"verification, file over the limit", "POST /check", "", nil, `{"a": "` + strings.Repeat("x", maxCredential) + `"}`, 413,
			"Not checked: the credential is larger than 1 MiB."},
	} {
		body, ct := multipartBody(tc.fields, tc.file)
		rec := c.send(t, tc.pattern, c.draft, 0, tc.who, ct, body)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), htmlEscape(tc.want)) {
			t.Errorf("%s: %d, want %d saying %q", tc.name, rec.Code, tc.status, tc.want)
		}
	}
	// A urlencoded title check too.
	form := url.Values{"portfolio": {deepPortfolio}}
	rec := c.send(t, "POST /title-check", c.draft, 0, "", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "nested deeper than 32 levels") {
		t.Errorf("urlencoded title check: %d", rec.Code)
	}
}

// htmlEscape is text as html/template writes it.
func htmlEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

// TestAddItemBoundedAsInThePortfolio: an item sent on its own may nest as
// deep as it could in the portfolio, no deeper, and one level too many is
// a 400 naming the limit (not a 422 about the item).
func TestAddItemBoundedAsInThePortfolio(t *testing.T) {
	c := &limitsCaller{accessWorld: newAccessWorld(t)}
	nest := func(levels int) string { return strings.Repeat("[", levels) + strings.Repeat("]", levels) }
	body := func(itemDepth int) []byte {
		// The item object is level 1 of itself; "extra" adds the rest.
		return fmt.Appendf(nil, `{"version": %d, "item": {"title": "x", "extra": %s}}`, c.draft.Version, nest(itemDepth-1))
	}
	rec := c.send(t, "POST /api/v1/applications/{id}/evidence/{list}", c.draft, 0, "jamie", "application/json", body(portfolio.MaxDepth-1))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "The item is nested deeper than 30 levels.") {
		t.Errorf("an item one level too deep: %d %s", rec.Code, rec.Body)
	}
	rec = c.send(t, "POST /api/v1/applications/{id}/evidence/{list}", c.draft, 0, "jamie", "application/json", body(portfolio.MaxDepth-2))
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "extra: is not a known field") {
		t.Errorf("an item as deep as allowed: %d %s", rec.Code, rec.Body)
	}
}
