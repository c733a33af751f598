package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/bench/internal/dashboard"
	"github.com/certboard/certboard/board/web"
)

// driver is what every virtual user shares: the client, the load
// balancer's address, the pacing, and where outcomes and acknowledged
// writes go.
type driver struct {
	client *http.Client
	base   string
	// tokens paces the requests (one token a request); nil runs every
	// user in a closed loop.
	tokens <-chan struct{}
	rec    *recorder
	ledger *ledger
	world  *world
	// items is how many evidence items an applicant adds before
	// submitting.
	items int
	// next is the index of the next unused applicant.
	next atomic.Int64
	// exhausted counts applicant users that found no applicant left.
	exhausted atomic.Int64
	// work carries submitted applications to the staff users.
	work chan submitted
}

// submitted is an application handed to staff, with the items its
// applicant saw added.
type submitted struct {
	app   int64
	items []string
}

// answer is a request's answer as a user needs it.
type answer struct {
	status int
	body   []byte
	header http.Header
	err    error
}

func (a answer) ok() bool { return a.err == nil && a.status >= 200 && a.status <= 299 }

// request is one request of a user.
type request struct {
	op, method, path string
	cookie, client   string // the Cookie header and the X-Forwarded-For address
	contentType      string
	body             []byte
}

// do sends a request, once a token allows it, and records its outcome.
// It returns a zero answer with ctx's error when the run is over first.
func (d *driver) do(ctx context.Context, r request) answer {
	if d.tokens != nil {
		select {
		case <-ctx.Done():
			return answer{err: ctx.Err()}
		case <-d.tokens:
		}
	} else if ctx.Err() != nil {
		return answer{err: ctx.Err()}
	}
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(r.method, d.base+r.path, rd)
	if err != nil {
		return answer{err: err}
	}
	if r.cookie != "" {
		req.Header.Set("Cookie", r.cookie)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.client != "" {
		req.Header.Set("X-Forwarded-For", r.client)
	}
	if r.method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	start := time.Now()
	resp, err := d.client.Do(req)
	var a answer
	if err == nil {
		a.status, a.header = resp.StatusCode, resp.Header
		a.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	a.err = err
	s := sample{op: r.op, end: time.Now(), took: time.Since(start)}
	switch {
	case err != nil:
		s.outcome, s.reason = errorOutcome, transportReason(err)
	case a.ok():
		s.outcome = okOutcome
	case a.status == http.StatusConflict:
		s.outcome = conflictOutcome
	case a.status == http.StatusTooManyRequests:
		s.outcome = limitedOutcome
	default:
		s.outcome, s.reason = errorOutcome, statusReason(a)
	}
	d.rec.add(s)
	return a
}

// transportReason names a failure to get an answer, briefly.
func transportReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without an answer"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return "no answer: " + msg
}

// statusReason names a failed answer: its status and the start of its
// title or body.
func statusReason(a answer) string {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	detail := ""
	if json.Unmarshal(a.body, &p) == nil && p.Title != "" {
		detail = p.Title
		if p.Detail != "" {
			detail += ": " + p.Detail[:min(len(p.Detail), 120)]
		}
	} else if t := between(string(a.body), "<title>", "</title>"); t != "" {
		detail = t
	} else if t := between(string(a.body), "<h1>", "</h1>"); t != "" {
		detail = t // HAProxy's own error pages
	} else {
		detail = strings.Join(strings.Fields(string(a.body[:min(len(a.body), 80)])), " ")
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", a.status, detail))
}

// between is the trimmed text of s between the first open and the close
// after it, or "".
func between(s, open, close string) string {
	i := strings.Index(s, open)
	if i < 0 {
		return ""
	}
	s = s[i+len(open):]
	j := strings.Index(s, close)
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(s[:j])
}

// ---- applicants ----

// applicantLoop signs applicants in, one after another, and for each adds
// evidence and submits.
func (d *driver) applicantLoop(ctx context.Context, n int) {
	client := fmt.Sprintf("10.1.%d.%d", n/250, n%250+1)
	for ctx.Err() == nil {
		i := d.next.Add(1) - 1
		if int(i) >= len(d.world.applicants) {
			d.exhausted.Add(1)
			return
		}
		d.applicantCycle(ctx, d.world.applicants[i], client)
	}
}

// applicantCycle is one applicant's visit: sign in, read the dashboard,
// add d.items items, submit.
func (d *driver) applicantCycle(ctx context.Context, a applicant, client string) {
	var cookie string
	for try := 0; try < 3 && cookie == ""; try++ {
		body, _ := json.Marshal(map[string]string{"email": a.email, "password": applicantPassword})
		ans := d.do(ctx, request{op: "sign-in", method: http.MethodPost, path: "/api/v1/session", client: client, contentType: "application/json", body: body})
		if ctx.Err() != nil {
			return
		}
		if !ans.ok() {
			continue
		}
		for _, c := range (&http.Response{Header: ans.header}).Cookies() {
			if c.Name == web.SessionCookie {
				cookie = c.Name + "=" + c.Value
				d.ledger.add(ack{Kind: ackSession, Digest: auth.Digest(c.Value)})
			}
		}
	}
	if cookie == "" {
		return
	}
	app := strconv.FormatInt(a.appID, 10)
	version := 0
	ans := d.do(ctx, request{op: "dashboard", method: http.MethodGet, path: "/applications/" + app, cookie: cookie, client: client})
	if ans.ok() {
		version, _ = dashboard.Version(ans.body)
	}
	reread := func() {
		if st, v, ok := d.readApp(ctx, a.appID, cookie, client); ok && st == "draft" {
			version = v
		}
	}
	if version == 0 {
		reread()
	}
	var items []string
	for k := 0; k < d.items && ctx.Err() == nil; k++ {
		list, item := "attestations", attestationItem
		if k%2 == 1 {
			list, item = "education", educationItem
		}
		body := []byte(`{"version":` + strconv.Itoa(version) + `,"item":` + item + `}`)
		ans := d.do(ctx, request{op: "add-evidence", method: http.MethodPost, path: "/api/v1/applications/" + app + "/evidence/" + list,
			cookie: cookie, client: client, contentType: "application/json", body: body})
		var out struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
		}
		if ans.status == http.StatusCreated && json.Unmarshal(ans.body, &out) == nil && out.ID != "" {
			version = out.Version
			items = append(items, out.ID)
			d.ledger.add(ack{Kind: ackEvidence, App: a.appID, Item: out.ID, Version: out.Version})
			continue
		}
		if ctx.Err() == nil {
			reread() // a conflict, or a write whose outcome is unknown
		}
	}
	for try := 0; try < 3 && ctx.Err() == nil; try++ {
		body := []byte(`{"version":` + strconv.Itoa(version) + `}`)
		ans := d.do(ctx, request{op: "submit", method: http.MethodPost, path: "/api/v1/applications/" + app + "/actions/submit",
			cookie: cookie, client: client, contentType: "application/json", body: body})
		var out struct {
			Application struct {
				State   string `json:"state"`
				Version int    `json:"version"`
			} `json:"application"`
		}
		if ans.ok() && json.Unmarshal(ans.body, &out) == nil && out.Application.State == "submitted" {
			d.ledger.add(ack{Kind: ackSubmit, App: a.appID, Version: out.Application.Version, Items: items})
			d.handOver(ctx, submitted{app: a.appID, items: items})
			return
		}
		if ctx.Err() != nil {
			return
		}
		st, v, ok := d.readApp(ctx, a.appID, cookie, client)
		if !ok {
			continue
		}
		if st != "draft" {
			// Submitted by the request whose answer was lost: staff
			// still get it, but it is no acknowledged write.
			d.handOver(ctx, submitted{app: a.appID, items: items})
			return
		}
		version = v
	}
}

// handOver gives a submitted application to staff, unless they have more
// than they can take.
func (d *driver) handOver(ctx context.Context, s submitted) {
	select {
	case d.work <- s:
	case <-ctx.Done():
	default:
	}
}

// readApp reads an application's state and version through the API.
func (d *driver) readApp(ctx context.Context, id int64, cookie, client string) (state string, version int, ok bool) {
	ans := d.do(ctx, request{op: "read-application", method: http.MethodGet, path: "/api/v1/applications/" + strconv.FormatInt(id, 10), cookie: cookie, client: client})
	var out struct {
		Application struct {
			State   string `json:"state"`
			Version int    `json:"version"`
		} `json:"application"`
	}
	if !ans.ok() || json.Unmarshal(ans.body, &out) != nil || out.Application.Version == 0 {
		return "", 0, false
	}
	return out.Application.State, out.Application.Version, true
}

// Evidence items added in turn: an attestation, and a small education
// activity.
const (
	attestationItem = `{"code":"aasect-code-of-conduct","version":"2024","signed":"2026-03-01"}`
	educationItem   = `{"title":"Cluster test seminar","kind":"ce","provider":{"name":"Load Institute","kind":"approved_provider","approved_by":["AASECT"]},` +
		`"delivery":"live_online","date":"2026-01-15","hours":1.5,"areas":{"aasect-core":["a"]}}`
)

// ---- staff ----

// staffLoop reads the work queue and takes each submitted application
// handed over into review, verifying the items its applicant added.
func (d *driver) staffLoop(ctx context.Context, n int) {
	cookie := d.world.staffCookies[n]
	client := fmt.Sprintf("10.2.0.%d", n+1)
	for ctx.Err() == nil {
		d.do(ctx, request{op: "work-queue", method: http.MethodGet, path: "/queue", cookie: cookie, client: client})
		var s submitted
		select {
		case <-ctx.Done():
			return
		case s = <-d.work:
		case <-time.After(time.Second):
			continue
		}
		d.review(ctx, s, cookie, client)
	}
}

// review takes one application into review and verifies its items.
func (d *driver) review(ctx context.Context, s submitted, cookie, client string) {
	app := strconv.FormatInt(s.app, 10)
	d.do(ctx, request{op: "queue-application", method: http.MethodGet, path: "/queue/" + app, cookie: cookie, client: client})
	state, version, ok := "", 0, false
	for try := 0; try < 3 && !ok && ctx.Err() == nil; try++ {
		state, version, ok = d.readApp(ctx, s.app, cookie, client)
	}
	if !ok {
		return
	}
	for try := 0; state == "submitted" && try < 3 && ctx.Err() == nil; try++ {
		ans := d.do(ctx, request{op: "start-review", method: http.MethodPost, path: "/api/v1/applications/" + app + "/actions/start_review",
			cookie: cookie, client: client, contentType: "application/json", body: []byte(`{"version":` + strconv.Itoa(version) + `}`)})
		var out struct {
			Application struct {
				State   string `json:"state"`
				Version int    `json:"version"`
			} `json:"application"`
		}
		if ans.ok() && json.Unmarshal(ans.body, &out) == nil && out.Application.State == "under_review" {
			d.ledger.add(ack{Kind: ackStartReview, App: s.app, Version: out.Application.Version})
			state, version = out.Application.State, out.Application.Version
			break
		}
		if st, v, ok := d.readApp(ctx, s.app, cookie, client); ok {
			state, version = st, v
		}
	}
	if state != "under_review" {
		return
	}
	for _, item := range s.items {
		for try := 0; try < 3 && ctx.Err() == nil; try++ {
			ans := d.do(ctx, request{op: "verify-item", method: http.MethodPost, path: "/api/v1/applications/" + app + "/items/" + url.PathEscape(item) + "/verification",
				cookie: cookie, client: client, contentType: "application/json", body: []byte(`{"decision":"verify","version":` + strconv.Itoa(version) + `}`)})
			var out struct {
				State   string `json:"state"`
				Version int    `json:"version"`
			}
			if ans.ok() && json.Unmarshal(ans.body, &out) == nil && out.State == "verified" {
				d.ledger.add(ack{Kind: ackVerify, App: s.app, Item: item, Version: out.Version})
				version = out.Version
				break
			}
			st, v, ok := d.readApp(ctx, s.app, cookie, client)
			if !ok || st != "under_review" {
				return
			}
			version = v
		}
	}
}

// ---- the public ----

// publicLoop verifies credentials (through the API and the page),
// opens their pages and searches the registry, each request from another client address, as many people
// would.
func (d *driver) publicLoop(ctx context.Context, rng *rand.Rand) {
	w := d.world
	for ctx.Err() == nil {
		client := fmt.Sprintf("10.3.%d.%d", rng.IntN(250), rng.IntN(250)+1)
		switch r := rng.Float64(); {
		case r < 0.1:
			jwt := w.jwts[rng.IntN(len(w.jwts))]
			d.do(ctx, request{op: "verify-api", method: http.MethodPost, path: "/api/v1/verify", client: client,
				contentType: "text/plain", body: []byte(jwt)})
		case r < 0.2:
			form := url.Values{"credential": {w.jwts[rng.IntN(len(w.jwts))]}}.Encode()
			d.do(ctx, request{op: "verify-page", method: http.MethodPost, path: "/check", client: client,
				contentType: "application/x-www-form-urlencoded", body: []byte(form)})
		case r < 0.5:
			id := w.credentialIDs[rng.IntN(len(w.credentialIDs))]
			d.do(ctx, request{op: "credential-page", method: http.MethodGet, path: "/credentials/" + id, client: client})
		case r < 0.8:
			q := url.QueryEscape(w.names[rng.IntN(len(w.names))])
			d.do(ctx, request{op: "registry-api", method: http.MethodGet, path: "/api/v1/registry?q=" + q, client: client})
		default:
			q := url.QueryEscape(w.names[rng.IntN(len(w.names))])
			d.do(ctx, request{op: "registry-page", method: http.MethodGet, path: "/registry?q=" + q, client: client})
		}
	}
}

// pace sends a token every 1/rate seconds until ctx ends; tokens not taken
// do not pile up beyond a small burst.
func pace(ctx context.Context, rate float64, burst int) <-chan struct{} {
	ch := make(chan struct{}, burst)
	go func() {
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
	}()
	return ch
}

// newClient is one HTTP client for all users. It does not follow
// redirects: a redirect (to the sign-in page, say) is an answer to count.
func newClient(users int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        users * 2,
		MaxIdleConnsPerHost: users * 2,
		IdleConnTimeout:     30 * time.Second, // before HAProxy's keep-alive timeout: the client closes idle connections first
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// runUsers runs the users until ctx ends and waits for them: requests in
// flight then are finished, not cancelled (the client's own timeout
// bounds them).
func (d *driver) runUsers(ctx context.Context, applicants, staff, public int, seed uint64) {
	var wg sync.WaitGroup
	for i := range applicants {
		wg.Go(func() { d.applicantLoop(ctx, i) })
	}
	for i := range staff {
		wg.Go(func() { d.staffLoop(ctx, i) })
	}
	for i := range public {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		wg.Go(func() { d.publicLoop(ctx, rng) })
	}
	wg.Wait()
}
