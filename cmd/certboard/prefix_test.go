package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/demo"
)

// lockedBuffer is a buffer that the server's goroutines may write while a
// test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort is a port free on 127.0.0.1 a moment ago, for a public URL
// that must name the port before the server listens.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// demoLogin is an account the demo printed: its e-mail and, for those
// who sign in with two factors, the secret of their codes.
type demoLogin struct{ email, secret string }

// demoLogins reads the logins the demo printed in text, the board's
// before the line starting "Demo practice" and the practice's after it.
func demoLogins(text string) (boardLogins, practiceLogins []demoLogin) {
	list := &boardLogins
	for line := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(line, "Demo practice") {
			list = &practiceLogins
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || !strings.HasPrefix(line, "  "):
		case strings.Contains(f[0], "@"):
			*list = append(*list, demoLogin{email: f[0]})
		case len(f) == 3 && f[0] == "two-factor" && len(*list) > 0:
			(*list)[len(*list)-1].secret = f[2]
		}
	}
	return boardLogins, practiceLogins
}

// prefixSite is a site served under a path, as a crawl sees it.
type prefixSite struct {
	origin string // http://127.0.0.1:port
	prefix string // /board
	// session is the name of its session cookie under the prefix.
	session string
}

// signIn signs in as l over HTTP, with a code when l has a secret, and
// returns the session cookie, checking its name and attributes.
func (s prefixSite) signIn(t *testing.T, l demoLogin) *http.Cookie {
	t.Helper()
	resp, body := postForm(t, s.origin+s.prefix+"/login", url.Values{"email": {l.email}, "password": {demo.Password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: sign-in at %s%s/login: %d %s", l.email, s.origin, s.prefix, resp.StatusCode, body)
	}
	c := sessionCookie(t, resp, s.session)
	if c.Path != s.prefix+"/" || !c.Secure || !c.HttpOnly || c.Domain != "" {
		t.Fatalf("%s: the session cookie %+v: want Path=%s/, Secure, HttpOnly and no Domain", l.email, c, s.prefix)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, s.prefix+"/") {
		t.Fatalf("%s: sign-in redirected to %q, outside %s/", l.email, loc, s.prefix)
	}
	if l.secret == "" {
		return c
	}
	code, err := auth.TOTPCode(l.secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, body = postForm(t, s.origin+s.prefix+"/login/two-factor", url.Values{"code": {code}, "next": {"/"}}, c)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: two-factor sign-in: %d %s", l.email, resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc != s.prefix+"/" {
		t.Fatalf("%s: two-factor sign-in redirected to %q, want %s/", l.email, loc, s.prefix)
	}
	return sessionCookie(t, resp, s.session)
}

// linkAttr finds the links of a page: every href, src, and formaction;
// formTag finds its forms, whose action is checked by its method.
var (
	linkAttr = regexp.MustCompile(`\s(href|src|formaction)="([^"]*)"`)
	formTag  = regexp.MustCompile(`<form\s[^>]*>`)
	action   = regexp.MustCompile(`\saction="([^"]*)"`)
	getForm  = regexp.MustCompile(`(?i)\smethod="get"`)
)

// maxCrawl bounds the pages a crawl visits for one account.
const maxCrawl = 150

// crawl visits, as the holder of session (nil: no one), every page
// reachable by GET from the site's start page, and checks every link,
// form, asset and redirect of each: it must be under the prefix (or on
// another site, or a fragment or query of the page itself) and must not
// answer 404 (a form's action is posted empty, by no one). It returns
// the number of pages visited.
func (s prefixSite) crawl(t *testing.T, who string, session *http.Cookie) int {
	t.Helper()
	return s.crawlFrom(t, who, s.origin+s.prefix+"/", session)
}

// crawlFrom is crawl from the page start.
func (s prefixSite) crawlFrom(t *testing.T, who, start string, session *http.Cookie) int {
	t.Helper()
	queue := []string{start}
	seen := map[string]bool{start: true}
	checked := map[string]bool{}
	cookies := []*http.Cookie{}
	if session != nil {
		cookies = append(cookies, session)
	}
	pages := 0
	for len(queue) > 0 && pages < maxCrawl {
		page := queue[0]
		queue = queue[1:]
		resp, body := getPage(t, page, cookies...)
		pages++
		if loc := resp.Header.Get("Location"); loc != "" {
			if !strings.HasPrefix(loc, s.prefix+"/") && !strings.HasPrefix(loc, s.origin+s.prefix+"/") {
				t.Errorf("%s: %s redirects to %q, outside %s/", who, page, loc, s.prefix)
				continue
			}
			next := s.resolve(t, page, loc)
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
			continue
		}
		if resp.StatusCode == http.StatusNotFound {
			t.Errorf("%s: %s answers 404", who, page)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		links := linkAttr.FindAllStringSubmatch(body, -1)
		for _, f := range formTag.FindAllString(body, -1) {
			if m := action.FindStringSubmatch(f); m != nil && getForm.MatchString(f) {
				links = append(links, []string{"", "href", m[1]}) // a search: a page
			} else if m != nil {
				links = append(links, []string{"", "formaction", m[1]})
			}
		}
		for _, m := range links {
			attr, raw := m[1], strings.ReplaceAll(m[2], "&amp;", "&")
			if raw == "" || strings.HasPrefix(raw, "#") || strings.HasPrefix(raw, "?") || strings.HasPrefix(raw, "mailto:") || strings.HasPrefix(raw, "data:") {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Errorf("%s: %s links to %q: %v", who, page, raw, err)
				continue
			}
			if u.IsAbs() && u.Scheme+"://"+u.Host != s.origin {
				continue // another site
			}
			if !strings.HasPrefix(u.Path, s.prefix+"/") {
				t.Errorf("%s: %s has %s=%q, outside %s/", who, page, attr, raw, s.prefix)
				continue
			}
			target := s.resolve(t, page, raw)
			if attr == "formaction" {
				if !checked[target] {
					checked[target] = true
					// Posted empty and by no one: a route that needs
					// sign-in sends to the sign-in page, a public one
					// refuses the empty form; neither changes anything.
					resp, _ := postForm(t, target, url.Values{})
					if resp.StatusCode == http.StatusNotFound {
						t.Errorf("%s: %s has a form to %s, which answers 404", who, page, raw)
					}
					if loc := resp.Header.Get("Location"); loc != "" && !strings.HasPrefix(loc, s.prefix+"/") {
						t.Errorf("%s: posting to %s redirects to %q, outside %s/", who, raw, loc, s.prefix)
					}
				}
				continue
			}
			if strings.Contains(u.Path, "/logout") || seen[target] {
				continue
			}
			seen[target] = true
			queue = append(queue, target)
		}
	}
	return pages
}

// resolve is ref read on page, without its fragment.
func (s prefixSite) resolve(t *testing.T, page, ref string) string {
	t.Helper()
	base, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	u, err := base.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	u.Fragment = ""
	return u.String()
}

// underPath matches what follows a site's origin in a link under its
// path: the path itself ("/practice" ends a sentence) or a path below it.
var underPath = regexp.MustCompile(`^(board|practice)([^a-zA-Z0-9._~-]|$)`)

// TestServeUnderAPath serves the demo board under /board/ and the demo
// practice under /practice/, each on its own port, as a reverse proxy
// that keeps the path would reach them, and crawls both as everyone the
// demo made: every link, form, asset and redirect stays under the path
// and leads somewhere; the cookies are scoped to it; the board's did:web
// names the path and its DID document is where did:web looks; the demo
// practice verified the board's credentials over HTTP under the path;
// the API's description names the path; mail links carry it, and a
// client's measure link mailed by the practice leads to pages under it;
// and what lies outside the path answers 404.
func TestServeUnderAPath(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls two demo sites")
	}
	boardPort, practicePort := freePort(t), freePort(t)
	origin, porigin := "http://127.0.0.1:"+boardPort, "http://127.0.0.1:"+practicePort
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 2)
	done := make(chan int, 1)
	var out, errb lockedBuffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:" + boardPort, "--practice-addr", "127.0.0.1:" + practicePort, "--data", t.TempDir(),
			"--demo", "--log", "json", "--public-url", origin + "/board/", "--practice-public-url", porigin + "/practice"}, &out, &errb, listening)
	}()
	for range 2 {
		select {
		case <-listening:
		case code := <-done:
			t.Fatalf("serve --demo under a path exited %d: %s", code, errb.String())
		}
	}
	defer func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	}()
	boardLogins, practiceLogins := demoLogins(out.String())
	if len(boardLogins) < 5 || len(practiceLogins) < 3 {
		t.Fatalf("the demo's logins: board %v, practice %v, from:\n%s", boardLogins, practiceLogins, out.String())
	}
	if !strings.Contains(out.String(), "Demo practice (Lakeview Couples Clinic) at "+porigin+"/practice") {
		t.Errorf("the demo practice is not announced under its path:\n%s", out.String())
	}

	// Outside the path: nothing; the path without its slash: a redirect.
	for _, u := range []string{origin + "/", origin + "/login", origin + "/.well-known/did.json", origin + "/boardgames/", porigin + "/login"} {
		if resp, _ := getPage(t, u); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s outside the path: %d, want 404", u, resp.StatusCode)
		}
	}
	if resp, _ := getPage(t, origin+"/board?x=1"); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/board/?x=1" {
		t.Errorf("GET /board: %d to %q, want 301 to /board/?x=1", resp.StatusCode, resp.Header.Get("Location"))
	}

	// did:web with a path: did:web:127.0.0.1%3APORT:board, its document at
	// /board/did.json.
	resp, body := getPage(t, origin+"/board/did.json")
	var doc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &doc); resp.StatusCode != 200 || err != nil || doc.ID != "did:web:127.0.0.1%3A"+boardPort+":board" {
		t.Fatalf("/board/did.json: %d %v %q", resp.StatusCode, err, body)
	}
	// The API's description serves under the path.
	resp, body = getPage(t, origin+"/board/api/openapi.json")
	var api struct {
		Servers []struct{ URL string } `json:"servers"`
	}
	if err := json.Unmarshal([]byte(body), &api); resp.StatusCode != 200 || err != nil || len(api.Servers) != 1 || api.Servers[0].URL != "/board/" {
		t.Errorf("the OpenAPI servers: %d %v %+v", resp.StatusCode, err, api.Servers)
	}

	// Every page of each site, as no one and as each account.
	boardSite := prefixSite{origin: origin, prefix: "/board", session: "__Secure-certboard_session"}
	practiceSite := prefixSite{origin: porigin, prefix: "/practice", session: "__Secure-certboard_practice_session"}
	total := boardSite.crawl(t, "anonymous at the board", nil) + practiceSite.crawl(t, "anonymous at the practice", nil)
	for _, l := range boardLogins {
		total += boardSite.crawl(t, l.email+" at the board", boardSite.signIn(t, l))
	}
	for _, l := range practiceLogins {
		total += practiceSite.crawl(t, l.email+" at the practice", practiceSite.signIn(t, l))
	}
	t.Logf("crawled %d pages", total)

	// A credential issued under the path: its id is under the path, and
	// the board's verifier finds it valid with the status list under the
	// path. (The demo practice's seeding verified such credentials over
	// HTTP, fetching the DID document and status lists under the path.)
	resp, body = getPage(t, origin+"/board/api/v1/registry")
	var reg struct {
		Entries []struct {
			Credentials []struct {
				URL   string `json:"url"`
				Valid bool   `json:"valid"`
			} `json:"credentials"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(body), &reg); resp.StatusCode != 200 || err != nil {
		t.Fatalf("the registry: %d %v %s", resp.StatusCode, err, body)
	}
	var credURL string
	for _, e := range reg.Entries {
		for _, c := range e.Credentials {
			if c.Valid && credURL == "" {
				credURL = c.URL
			}
		}
	}
	if !strings.HasPrefix(credURL, "/board/credentials/") {
		t.Fatalf("a credential's link in the registry: %q", credURL)
	}
	resp, vc := getPage(t, origin+credURL+"?format=json")
	var cred struct {
		ID     string `json:"id"`
		Issuer struct {
			ID string `json:"id"`
		} `json:"issuer"`
		Status []struct {
			List string `json:"statusListCredential"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal([]byte(vc), &cred); resp.StatusCode != 200 || err != nil || cred.ID != origin+credURL || cred.Issuer.ID != doc.ID ||
		len(cred.Status) == 0 || !strings.HasPrefix(cred.Status[0].List, origin+"/board/status/") {
		t.Fatalf("the credential %s as JSON: %d %v %s", credURL, resp.StatusCode, err, vc)
	}
	for _, st := range cred.Status {
		if resp, _ := getPage(t, st.List); resp.StatusCode != 200 {
			t.Errorf("the status list %s: %d", st.List, resp.StatusCode)
		}
	}
	req, err := http.NewRequest(http.MethodPost, origin+"/board/api/v1/verify", strings.NewReader(vc))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, body = send(t, req)
	if resp.StatusCode != 200 || !strings.Contains(body, `"status": "valid"`) {
		t.Errorf("verifying %s: %d %s", credURL, resp.StatusCode, body)
	}
	// certboard verify, as anyone verifies it: the DID document and the
	// status lists fetched over HTTP, under the path.
	var vout, verr bytes.Buffer
	trust := writeFile(t, "trust.txt", doc.ID+" The demo board\n")
	if code := runVerify([]string{"--trust", trust, writeFile(t, "credential.json", vc)}, nil, &vout, &verr, time.Now(), httpFetch); code != exitOK {
		t.Errorf("certboard verify of %s: exit %d\n%s%s", credURL, code, vout.String(), verr.String())
	}

	// Mail links carry the path: the development log is the mailbox.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(errb.String(), origin+"/board/") && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	logged := errb.String()
	if !strings.Contains(logged, origin+"/board/") {
		t.Errorf("no mail logged with a link under %s/board/:\n%s", origin, logged)
	}
	// A client's link to answer a measure, which the practice mails: its
	// pages too stay under the path.
	measureLink := regexp.MustCompile(regexp.QuoteMeta(porigin) + `/practice/m/[A-Za-z0-9_-]+`).FindString(logged)
	if measureLink == "" {
		t.Errorf("no measure link mailed under %s/practice/m/", porigin)
	} else if n := practiceSite.crawlFrom(t, "a client with a measure link", measureLink, nil); n < 2 {
		t.Errorf("the measure link %s led to %d pages", measureLink, n)
	}
	for _, o := range []string{origin, porigin} {
		for rest := logged; ; {
			_, after, ok := strings.Cut(rest, o+"/")
			if !ok {
				break
			}
			if !underPath.MatchString(after) {
				t.Errorf("a link logged outside the path: %s/%s", o, after[:min(len(after), 60)])
			}
			rest = after
		}
	}
}
