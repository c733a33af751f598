package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/requirements"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
	"github.com/certboard/certboard/web/limitsql"
)

// twoInstances returns two servers as certboard serve runs them on one
// PostgreSQL database: each with a store (a connection pool) of its own,
// the same keys, the same document directory, rate limits shared through
// the database, and the clock stopped at supNow. Without a reachable
// PostgreSQL the test is skipped (failed when CERTBOARD_CI=1).
func twoInstances(t *testing.T) (a, b *Server) {
	t.Helper()
	ctx := context.Background()
	dbURL, err := sqldbtest.Postgres(t)
	if err != nil {
		t.Skipf("two instances need PostgreSQL: %v", err)
	}
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	files := filepath.Join(t.TempDir(), "files")
	instance := func() *Server {
		st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: dbURL, Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		docs, err := blob.OpenDir(files, keys)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { docs.Close() })
		s, err := New(Config{Board: boardsql.ForBoard{Store: st}, Accounts: boardsql.ForAuth{Store: st}, Demo: boardsql.ForBoard{Store: st},
			Sets: sets, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Files: docs, Limits: limitsql.New(st.DB),
			Now: func() time.Time { return supNow }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return instance(), instance()
}

// eventually polls cond until it holds or a deadline passes: what one
// instance changes reaches the other within seconds, not at once.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen by the other instance within 10 seconds", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTwoInstancesBehaveAsOne: two servers on one PostgreSQL database, as
// behind a load balancer. A rate limit used up through one holds on the
// other; a session made on one works on the other; a requirement-set
// version published, the board's settings saved and an issuer added to the
// trust list through one are seen by the other.
func TestTwoInstancesBehaveAsOne(t *testing.T) {
	a, b := twoInstances(t)
	ha, hb := a.Handler(), b.Handler()
	// A rate limit: one address's searches of the registry, half on each
	// instance, then one more on either is refused.
	search := func(h http.Handler, addr string) int {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/registry?q=reyes", nil)
		req.RemoteAddr = addr + ":1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	n := registryLimit.perAddress.n
	for i := range n {
		h := ha
		if i%2 == 1 {
			h = hb
		}
		if code := search(h, "198.51.100.7"); code != http.StatusOK {
			t.Fatalf("search %d of %d: %d", i+1, n, code)
		}
	}
	for name, h := range map[string]http.Handler{"A": ha, "B": hb} {
		if code := search(h, "198.51.100.7"); code != http.StatusTooManyRequests {
			t.Fatalf("search %d on %s: %d, want 429: the instances do not share the limit", n+1, name, code)
		}
	}
	if code := search(hb, "198.51.100.8"); code != http.StatusOK {
		t.Fatalf("another address on B: %d", code)
	}

	// Sessions live in the database: no sticky sessions needed.
	admin := addUser(t, a.store(), "ada.admin@example.org", "Ada Admin", auth.Admin)
	c := sessionFor(t, a, admin)
	if rec := getAs(t, hb, "/admin", c); rec.Code != http.StatusOK {
		t.Fatalf("a session made on A, on B: %d", rec.Code)
	}

	// A requirement-set version published through A reaches B.
	hasVersion := func(h http.Handler, v string) bool {
		return strings.Contains(get(t, h, "/api/v1/requirement-sets").Body.String(), `"version": "`+v+`"`)
	}
	if hasVersion(hb, "2027.T.1") {
		t.Fatal("B lists the version before it is uploaded")
	}
	if rec := adminUploadForm(t, ha, "aasect-cst-2027.yaml", adminNextCST(t), c); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload on A: %d %s", rec.Code, rec.Body)
	}
	ups, err := a.store().SetUploads(context.Background(), false)
	if err != nil || len(ups) != 1 {
		t.Fatalf("uploads: %v %v", ups, err)
	}
	if rec := postForm(t, ha, "/admin/sets/"+strconv.FormatInt(ups[0].ID, 10)+"/publish", url.Values{}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish on A: %d %s", rec.Code, rec.Body)
	}
	if !hasVersion(ha, "2027.T.1") {
		t.Fatal("A does not list the version it published")
	}
	// B, which has not looked yet, cannot publish it again, nor a version
	// that clashes with it: publications are judged against every version
	// published, whichever instance published it.
	if rec := postForm(t, hb, "/admin/sets/"+strconv.FormatInt(ups[0].ID, 10)+"/publish", url.Values{}, c); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "already published") {
		t.Fatalf("publishing on B what A published: %d %s", rec.Code, rec.Body)
	}
	clash := strings.Replace(string(adminNextCST(t)), "version: 2027.T.1", "version: 2027.T.2", 1)
	if rec := adminUploadForm(t, hb, "clash.yaml", []byte(clash), c); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload on B: %d %s", rec.Code, rec.Body)
	}
	if ups, err = b.store().SetUploads(context.Background(), false); err != nil || len(ups) != 2 {
		t.Fatalf("uploads: %v %v", ups, err)
	}
	if rec := postForm(t, hb, "/admin/sets/"+strconv.FormatInt(ups[1].ID, 10)+"/publish", url.Values{}, c); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "does not fit") {
		t.Fatalf("publishing on B a version that clashes with A's: %d %s", rec.Code, rec.Body)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go b.FollowSets(ctx, 50*time.Millisecond)
	eventually(t, "the published version", func() bool { return hasVersion(hb, "2027.T.1") })
	if got := b.sets().Latest("aasect-cst").Version; got != "2027.T.1" {
		t.Fatalf("B's catalog: latest %s", got)
	}

	// The board's settings saved through A are B's.
	rec := supAPI(t, ha, "PUT", "/api/v1/admin/board", `{"name": "Board of Sexuality Professionals", "contact_email": "office@bsp.example.org", "version": 0}`, c)
	if rec.Code != http.StatusOK {
		t.Fatalf("saving the settings on A: %d %s", rec.Code, rec.Body)
	}
	eventually(t, "the board's settings", func() bool {
		return strings.Contains(supAPI(t, hb, "GET", "/api/v1/admin/board", "", c).Body.String(), `"name": "Board of Sexuality Professionals"`)
	})

	// An issuer added to the trust list through A is on B's public list.
	if rec := postForm(t, ha, "/admin/trust", url.Values{"did": {"did:web:aasect.org"}, "name": {"AASECT"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("trusting on A: %d %s", rec.Code, rec.Body)
	}
	eventually(t, "the trust list", func() bool { return strings.Contains(get(t, hb, "/check").Body.String(), "did:web:aasect.org") })
}

// TestRefreshSets: a server takes in what another process published on
// its database once, reads only the mark while nothing changes, and a
// published upload that no longer loads is reported, the others taken in
// all the same, and looked at again next time.
func TestRefreshSets(t *testing.T) {
	ctx := context.Background()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	open := func() *boardsql.Store {
		st, err := boardsql.Open(ctx, boardsql.Config{DataDir: dir, Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	a, b := serverOn(t, st), serverOn(t, open())
	a.cfg.Now = func() time.Time { return supNow }
	if n, err := b.board.RefreshSets(ctx); n != 0 || err != nil {
		t.Fatalf("nothing published: %d %v", n, err)
	}
	admin := addUser(t, st, "ada.admin@example.org", "Ada Admin", auth.Admin)
	c := sessionFor(t, a, admin)
	if rec := adminUploadForm(t, a.Handler(), "aasect-cst-2027.yaml", adminNextCST(t), c); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	ups, _ := st.SetUploads(ctx, false)
	if rec := postForm(t, a.Handler(), "/admin/sets/"+strconv.FormatInt(ups[0].ID, 10)+"/publish", url.Values{}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	if n, err := b.board.RefreshSets(ctx); n != 1 || err != nil || b.sets().Latest("aasect-cst").Version != "2027.T.1" {
		t.Fatalf("after a publication: %d %v", n, err)
	}
	if n, err := a.board.RefreshSets(ctx); n != 0 || err != nil {
		t.Fatalf("the instance that published: %d %v", n, err)
	}
	// A published upload that does not load (written behind certboard's
	// back), and a good one after it.
	bad := "id: broken\nversion: 1\n"
	good := strings.Replace(string(adminNextCST(t)), "id: aasect-cst\n", "id: aasect-cst-copy\n", 1)
	for _, y := range []struct{ id, version, yaml string }{{"broken", "1", bad}, {"aasect-cst-copy", "2027.T.1", good}} {
		if _, err := st.DB.ExecContext(ctx, "INSERT INTO requirement_set_uploads (set_id, version, yaml, uploaded_by, uploaded_at, published_at) VALUES (?, ?, ?, ?, ?, ?)",
			y.id, y.version, y.yaml, admin.ID, st.Dialect.Time(supNow), st.Dialect.Time(supNow.Add(time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		n, err := b.board.RefreshSets(ctx)
		if err == nil || !strings.Contains(err.Error(), "broken") || b.sets().Latest("aasect-cst-copy") == nil {
			t.Fatalf("a broken upload: %d %v", n, err)
		}
	}
}
