package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/plissit"
	"github.com/certboard/certboard/practice/practicesql"
	pweb "github.com/certboard/certboard/practice/web"
)

// TestServe starts the real command on a free port, calls it, and stops it
// as SIGTERM would.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log", "json"}, &out, &errb, listening)
	}()
	var addr string
	select {
	case addr = <-listening:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/api/v1/requirement-sets": "aasect-cst"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, b)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d after shutdown: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "certboard listening on http://127.0.0.1:") || !strings.Contains(errb.String(), `"msg":"request"`) {
		t.Fatalf("stdout %q, log %q", out.String(), errb.String())
	}
}

func TestServeBadFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := serve(context.Background(), []string{"--log", "xml", "--data", t.TempDir()}, &out, &errb, nil); code != exitBadInput || !strings.Contains(errb.String(), "--log") {
		t.Fatalf("%d %q", code, errb.String())
	}
	for _, n := range []string{"0", "many", "-3", "5000"} {
		errb.Reset()
		if code := serve(context.Background(), []string{"--hash-concurrency", n, "--data", t.TempDir()}, &out, &errb, nil); code != exitBadInput ||
			!strings.Contains(errb.String(), "--hash-concurrency") {
			t.Fatalf("--hash-concurrency %s: %d %q", n, code, errb.String())
		}
	}
}

// TestServeDemo starts the demo twice on one data directory: the first
// seeds the board and the practice beside it and prints the logins of
// both, the second finds them and prints them again; a printed staff
// secret gives codes that `certboard totp` prints. In the first round the
// demo practice's admin signs in with two factors, and neither site takes
// the other's session.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	var secret, practiceSecret string
	for round := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		listening := make(chan string, 2)
		done := make(chan int, 1)
		var out, errb bytes.Buffer
		go func() {
			done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir, "--demo", "--log", "json"}, &out, &errb, listening)
		}()
		var addr, practiceAddr string
		for _, a := range []*string{&addr, &practiceAddr} {
			select {
			case *a = <-listening:
			case code := <-done:
				cancel()
				t.Fatalf("serve --demo exited %d: %s", code, errb.String())
			}
		}
		resp, err := http.Get("http://" + addr + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		text := out.String()
		_, prest, ok := strings.Cut(text, "ines.okoro@demo.certboard.example")
		_, prest, _ = strings.Cut(prest, "two-factor secret ")
		if !ok || prest == "" {
			cancel()
			t.Fatalf("round %d: the demo output lacks the practice's admin and her secret:\n%s", round, text)
		}
		if round == 0 {
			session := noCrossover(t, addr, practiceAddr, strings.Fields(prest)[0])
			// The admin's page of the practitioners' scope lists the case
			// flagged when the board suspended Dr. Holt's CST.
			if resp, body := getPage(t, "http://"+practiceAddr+practice.ScopePath, session); resp.StatusCode != 200 || !strings.Contains(body, "Maren Holt") {
				t.Errorf("the admin's scope page: %d %s", resp.StatusCode, body)
			}
		}
		cancel()
		if code := <-done; code != exitOK || resp.StatusCode != 200 {
			t.Fatalf("round %d: exit %d, /login %d: %s", round, code, resp.StatusCode, errb.String())
		}
		for _, want := range []string{"certboard-demo-2026", "staff@demo.certboard.example", "jamie@demo.certboard.example", "two-factor secret ",
			"Demo practice (Lakeview Couples Clinic) at http://127.0.0.1:", "lena.fischer@demo.certboard.example", "maren.holt@demo.certboard.example", "practice_admin", "demo practice listening on http://127.0.0.1:"} {
			if !strings.Contains(text, want) {
				t.Fatalf("round %d: the demo output lacks %q:\n%s", round, want, text)
			}
		}
		_, rest, _ := strings.Cut(text, "two-factor secret ")
		got := strings.Fields(rest)[0]
		if round == 1 && (got != secret || strings.Fields(prest)[0] != practiceSecret) {
			t.Fatalf("the second start printed other secrets: %s and %s, were %s and %s", got, strings.Fields(prest)[0], secret, practiceSecret)
		}
		secret, practiceSecret = got, strings.Fields(prest)[0]
	}
	if _, err := os.Stat(filepath.Join(dir, "practice", practicesql.File)); err != nil {
		t.Fatalf("the demo practice's database: %v", err)
	}
	demoPracticeScopes(t, dir)
	var out, errb bytes.Buffer
	now := time.Date(2026, 11, 26, 12, 0, 10, 0, time.UTC)
	if code := runTOTP([]string{secret}, &out, &errb, now); code != exitOK {
		t.Fatalf("totp: %d %s", code, errb.String())
	}
	want, err := auth.TOTPCode(secret, now)
	if err != nil || !strings.HasPrefix(out.String(), want+" (valid for 20 more seconds)") {
		t.Fatalf("totp printed %q, want the code %s: %v", out.String(), want, err)
	}
	if code := runTOTP([]string{"not base32!"}, &out, &errb, now); code != exitBadInput {
		t.Fatalf("a bad secret: exit %d", code)
	}
}

// TestServeRefusesAPublicURLItCannotServe: a public URL that is not
// absolute http or https, or whose path cannot be served under (see
// kit.MountOf), stops the start naming the flag, in either mode; a path
// such as /boards/a is served under (TestServeUnderAPath).
func TestServeRefusesAPublicURLItCannotServe(t *testing.T) {
	for _, bad := range []string{"/board/", "ftp://x.example/", "https://x.example/board?x=1", "https://x.example/a//b", "https://x.example/a/../b", "https://x.example/a%20b"} {
		for _, args := range [][]string{{"--public-url", bad}, {"--mode", "practice", "--public-url", bad}, {"--demo", "--practice-public-url", bad}} {
			var out, errb bytes.Buffer
			flag := args[len(args)-2]
			code := serve(context.Background(), append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...), &out, &errb, nil)
			if code != exitBadInput || !strings.Contains(errb.String(), flag+` "`+bad+`"`) {
				t.Errorf("%v: %d %q", args, code, errb.String())
			}
		}
	}
}

// noClient is an HTTP client that does not follow redirects.
var noClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postForm posts a form to a running server with cookies and returns the
// answer, its body read.
func postForm(t *testing.T, u string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, req, cookies...)
}

// getPage gets a page of a running server with cookies.
func getPage(t *testing.T, u string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req, cookies...)
}

func send(t *testing.T, req *http.Request, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := noClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// sessionCookie is the cookie of a name an answer sets.
func sessionCookie(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s %s set no cookie %s: %d %v", resp.Request.Method, resp.Request.URL, name, resp.StatusCode, resp.Header)
	return nil
}

// demoPracticeScopes opens the demo practice's store in the data
// directory dir, once the server stopped, and reads through the practice's
// use cases: Jordan's scope includes Intensive Therapy (his CST from the
// demo board verified over HTTP), and Dr. Holt's Intensive Therapy case is
// flagged for review since the board suspended hers.
func demoPracticeScopes(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := openPracticeStore(ctx, demoPracticeStore(&storeOptions{Config: boardsql.Config{DataDir: dir}}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}})
	if err != nil {
		t.Fatal(err)
	}
	actor := func(local string) practice.Actor {
		u, err := st.UserByEmail(ctx, demo.Email(local))
		if err != nil {
			t.Fatalf("%s: %v", local, err)
		}
		return practice.ActorOf(u)
	}
	jordan, holt := actor("jordan"), actor("maren.holt")
	js, err := p.Credentials(ctx, jordan, jordan.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := js.Scope.Permits(plissit.IntensiveTherapy); !ok {
		t.Errorf("Jordan's scope lacks Intensive Therapy: %s", why)
	}
	flags, err := p.ScopeFlags(ctx, actor("ines.okoro"), true)
	if err != nil || len(flags) != 1 || flags[0].PractitionerID != holt.UserID {
		t.Fatalf("the cases flagged: %+v %v", flags, err)
	}
	c, err := p.CaseReport(ctx, holt, flags[0].CaseID)
	if err != nil || c.Case.Stage != plissit.IntensiveTherapy {
		t.Fatalf("the case flagged: %+v %v", c, err)
	}
}

// noCrossover signs in to the demo practice as its admin, with the
// secret printed, and to the demo board as an applicant, over HTTP, and
// checks that each site takes its own session and not the other's. It
// returns the admin's session at the practice.
func noCrossover(t *testing.T, boardAddr, practiceAddr, secret string) *http.Cookie {
	t.Helper()
	board, practice := "http://"+boardAddr, "http://"+practiceAddr
	resp, _ := postForm(t, practice+"/login", url.Values{"email": {demo.Email("ines.okoro")}, "password": {demo.Password}})
	pending := sessionCookie(t, resp, pweb.SessionCookie)
	code, err := auth.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = postForm(t, practice+"/login/two-factor", url.Values{"code": {code}, "next": {"/people"}}, pending)
	practiceSession := sessionCookie(t, resp, pweb.SessionCookie)
	if resp, body := getPage(t, practice+"/people", practiceSession); resp.StatusCode != 200 || !strings.Contains(body, "lena.fischer@demo.certboard.example") {
		t.Fatalf("the demo practice's people, signed in: %d %s", resp.StatusCode, body)
	}
	resp, _ = postForm(t, board+"/login", url.Values{"email": {demo.Email("jamie")}, "password": {demo.Password}})
	boardSession := sessionCookie(t, resp, web.SessionCookie)
	if resp, _ := getPage(t, board+"/account", boardSession); resp.StatusCode != 200 {
		t.Fatalf("the board's account page, signed in: %d", resp.StatusCode)
	}
	for _, c := range []*http.Cookie{boardSession, {Name: pweb.SessionCookie, Value: boardSession.Value}} {
		if resp, _ := getPage(t, practice+"/account", c); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("the board's session as %s at the practice: %d %s", c.Name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, c := range []*http.Cookie{practiceSession, {Name: web.SessionCookie, Value: practiceSession.Value}} {
		if resp, _ := getPage(t, board+"/account", c); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("the practice's session as %s at the board: %d %s", c.Name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	return practiceSession
}

// TestServePractice starts `serve --mode practice` on a fresh directory:
// it answers on its own database, in its own file, offers sign-in and no
// sign-up.
func TestServePractice(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--mode", "practice", "--addr", "127.0.0.1:0", "--data", dir, "--log", "json"}, &out, &errb, listening)
	}()
	var addr string
	select {
	case addr = <-listening:
	case code := <-done:
		t.Fatalf("serve --mode practice exited %d: %s", code, errb.String())
	}
	for path, want := range map[string]struct {
		status int
		text   string
	}{
		"/healthz": {200, "ok"}, "/readyz": {200, "ready"}, "/login": {200, "certboard practice"},
		"/signup": {404, "Page not found"}, "/": {303, ""}, "/api/v1/requirement-sets": {404, "No API route"},
	} {
		resp, body := getPage(t, "http://"+addr+path)
		if resp.StatusCode != want.status || !strings.Contains(body, want.text) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve --mode practice exited %d after shutdown: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "certboard practice listening on http://127.0.0.1:") {
		t.Fatalf("stdout %q", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, practicesql.File)); err != nil {
		t.Fatalf("no %s: %v", practicesql.File, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "certboard.db")); !os.IsNotExist(err) {
		t.Fatalf("the practice made the board's database file: %v", err)
	}
}

// TestServeModes: an unknown mode, and the board's flags with a practice,
// are refused before anything starts.
func TestServeModes(t *testing.T) {
	for _, args := range [][]string{
		{"--mode", "clinic"},
		{"--mode", "practice", "--demo"},
		{"--mode", "practice", "--files", "file:///srv/certboard/files"},
		{"--mode", "practice", "--metrics-addr", "127.0.0.1:0"},
	} {
		var out, errb bytes.Buffer
		args = append(args, "--data", t.TempDir())
		if code := serve(context.Background(), args, &out, &errb, nil); code != exitBadInput || !strings.Contains(errb.String(), "--") {
			t.Errorf("%v: %d %q", args, code, errb.String())
		}
	}
}

// TestNextPort: the demo practice listens on the port after the board's.
func TestNextPort(t *testing.T) {
	for in, want := range map[string]string{
		"localhost:8080": "localhost:8081",
		"127.0.0.1:0":    "127.0.0.1:0",
		":9000":          ":9001",
		"nonsense":       "localhost:8081",
		"[::1]:8080":     "[::1]:8081",
	} {
		if got := nextPort(in); got != want {
			t.Errorf("nextPort(%q) = %q, want %q", in, got, want)
		}
	}
}
