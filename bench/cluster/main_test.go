package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/bench/internal/checkout"
	"github.com/certboard/certboard/bench/internal/scratchdb"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/seal"
)

func TestPhaseOf(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	tl := timeline{Start: t0, Kill: t0.Add(10 * time.Second), Down: t0.Add(12 * time.Second), AfterFrom: t0.Add(15 * time.Second), End: t0.Add(20 * time.Second)}
	tests := []struct {
		at   time.Duration
		want int
	}{
		{0, phaseBefore},
		{9999 * time.Millisecond, phaseBefore},
		{10 * time.Second, phaseDuring}, // the kill's own instant is during
		{14 * time.Second, phaseDuring},
		{15 * time.Second, phaseAfter},
		{25 * time.Second, phaseAfter},
	}
	for _, tt := range tests {
		if got := tl.phaseOf(t0.Add(tt.at)); got != tt.want {
			t.Errorf("phaseOf(+%s) = %s, want %s", tt.at, phaseNames[got], phaseNames[tt.want])
		}
	}
	// Never marked down: everything from the kill on is during.
	open := timeline{Start: t0, Kill: t0.Add(10 * time.Second), End: t0.Add(20 * time.Second)}
	if got := open.phaseOf(t0.Add(19 * time.Second)); got != phaseDuring {
		t.Errorf("without a down time, phaseOf(+19s) = %s, want during", phaseNames[got])
	}
	if from, to := open.bounds(phaseAfter); to.After(from) {
		t.Errorf("without a down time the after phase should be empty, got %s to %s", from, to)
	}
	// No kill: everything is before.
	none := timeline{Start: t0, End: t0.Add(20 * time.Second)}
	if got := none.phaseOf(t0.Add(19 * time.Second)); got != phaseBefore {
		t.Errorf("without a kill, phaseOf(+19s) = %s, want before", phaseNames[got])
	}
}

func TestTally(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	tl := timeline{Start: t0, Kill: t0.Add(10 * time.Second), AfterFrom: t0.Add(15 * time.Second), End: t0.Add(20 * time.Second)}
	var samples []sample
	// Before: 100 successful reads of 1..100 ms, one conflict.
	for i := 1; i <= 100; i++ {
		samples = append(samples, sample{op: "read", end: t0.Add(time.Duration(i) * 50 * time.Millisecond), took: time.Duration(i) * time.Millisecond})
	}
	samples = append(samples, sample{op: "write", end: t0.Add(time.Second), outcome: conflictOutcome})
	// During: two 502s and a closed connection on writes, one 429, and
	// one slow success.
	samples = append(samples,
		sample{op: "write", end: t0.Add(10 * time.Second), outcome: errorOutcome, reason: "502 Bad Gateway"},
		sample{op: "write", end: t0.Add(11 * time.Second), outcome: errorOutcome, reason: "502 Bad Gateway"},
		sample{op: "write", end: t0.Add(11 * time.Second), outcome: errorOutcome, reason: "connection closed without an answer"},
		sample{op: "read", end: t0.Add(12 * time.Second), outcome: limitedOutcome},
		sample{op: "read", end: t0.Add(13 * time.Second), took: 900 * time.Millisecond},
	)
	// After: one success.
	samples = append(samples, sample{op: "write", end: t0.Add(16 * time.Second), took: 5 * time.Millisecond})

	phases, byOp, failures := tally(samples, tl)
	if len(phases) != numPhases {
		t.Fatalf("%d phase rows, want %d", len(phases), numPhases)
	}
	b := phases[phaseBefore]
	if b.Seconds != 10 || b.OK != 100 || b.PerSecond != 10 || b.P50 != 50 || b.P99 != 99 || b.Max != 100 || b.Conflicts != 1 || b.Errors != 0 {
		t.Errorf("before: %+v", b)
	}
	d := phases[phaseDuring]
	if d.Seconds != 5 || d.OK != 1 || d.Errors != 3 || d.Limited != 1 || d.P50 != 900 || d.PerSecond != 0.2 {
		t.Errorf("during: %+v", d)
	}
	a := phases[phaseAfter]
	if a.Seconds != 5 || a.OK != 1 || a.Errors != 0 || a.P99 != 5 {
		t.Errorf("after: %+v", a)
	}
	// By operation: read before, during; write before, during, after.
	var got []string
	for _, r := range byOp {
		got = append(got, r.Operation+"/"+r.Phase)
	}
	if want := "read/before read/during write/before write/during write/after"; strings.Join(got, " ") != want {
		t.Errorf("operation rows %q, want %q", strings.Join(got, " "), want)
	}
	if len(failures) != 2 || failures[0] != (failure{Phase: "during", Operation: "write", Reason: "502 Bad Gateway", Count: 2}) ||
		failures[1].Count != 1 || failures[1].Reason != "connection closed without an answer" {
		t.Errorf("failures %+v", failures)
	}
	var out bytes.Buffer
	writeRows(&out, phases, false)
	if !strings.Contains(out.String(), "during") || strings.Count(out.String(), "\n") != 4 {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestSplit(t *testing.T) {
	for _, tt := range []struct{ n, a, s, p int }{{3, 1, 1, 1}, {12, 6, 2, 4}, {30, 15, 5, 10}} {
		a, s, p := split(tt.n)
		if a != tt.a || s != tt.s || p != tt.p {
			t.Errorf("split(%d) = %d, %d, %d, want %d, %d, %d", tt.n, a, s, p, tt.a, tt.s, tt.p)
		}
	}
}

func TestParseFlags(t *testing.T) {
	var errs bytes.Buffer
	o, err := parseFlags([]string{"--duration", "20s"}, &errs)
	if err != nil || o.KillAfter != 10*time.Second || o.Instances != 3 {
		t.Errorf("defaults: %+v, %v", o, err)
	}
	for _, args := range [][]string{
		{"--instances", "1"}, {"--users", "2"}, {"--rate", "-1"}, {"--duration", "10s", "--kill-after", "10s"},
		{"--fall", "0"}, {"--check-inter", "10ms"}, {"extra"},
	} {
		errs.Reset()
		if _, err := parseFlags(args, &errs); err == nil {
			t.Errorf("%v: accepted", args)
		} else if !strings.Contains(errs.String(), "cluster:") && !strings.Contains(errs.String(), "flag") {
			t.Errorf("%v: unclear message %q", args, errs.String())
		}
	}
}

func TestHAProxyConfig(t *testing.T) {
	c := lbConfig{Listen: "127.0.0.1:8000", StatsSocket: "haproxy.sock", Inter: 500 * time.Millisecond, Fall: 3, Rise: 2, Retries: 2,
		Servers: []lbServer{{"c1", "127.0.0.1:8001"}, {"c2", "127.0.0.1:8002"}}}
	cfg := c.render()
	for _, want := range []string{
		"bind 127.0.0.1:8000",
		"stats socket haproxy.sock mode 600 level admin",
		"http-check send meth GET uri /readyz",
		"http-check expect status 200",
		"default-server check inter 500ms fall 3 rise 2",
		"retries 2",
		"option redispatch 1",
		"retry-on conn-failure empty-response",
		"http-request disable-l7-retry unless METH_GET",
		"server c1 127.0.0.1:8001\n",
		"server c2 127.0.0.1:8002\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("the configuration lacks %q:\n%s", want, cfg)
		}
	}
	// HAProxy itself accepts it, where it is installed.
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatal("haproxy is not installed (CERTBOARD_CI=1: install it, apt-get install haproxy)")
		}
		t.Skip("haproxy is not installed")
	}
	dir := t.TempDir()
	c.StatsSocket = filepath.Join(dir, "s.sock")
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(c.render()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-f", path).CombinedOutput(); err != nil {
		t.Errorf("haproxy -c refuses the configuration: %v\n%s", err, out)
	}
}

func TestParseStats(t *testing.T) {
	csv := "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx\n" +
		"web,FRONTEND,,,1,5,2000,40,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,1,0,5,,,,0,30,0,0,7\n" +
		"certboard,c1,0,0,0,3,,12,0,0,,0,,0,1,2,3,DOWN,1,1,0,2,1,5,5,,1,3,1,,12,,2,0,,3,L4CON,,0,0,10,0,0,0\n" +
		"certboard,c2,0,0,0,3,,20,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,50,0,,1,3,2,,20,,2,0,,3,L7OK,200,1,0,20,0,0,1\n" +
		"certboard,BACKEND,0,0,0,3,200,32,0,0,0,0,,0,1,2,3,UP,1,1,0,,1,50,0,,1,3,0,,32,,1,0,,5,,,,0,30,0,0,1\n"
	stats, err := parseStats(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 3 {
		t.Fatalf("%d rows, want c1, c2 and FRONTEND: %+v", len(stats), stats)
	}
	c1 := stats["c1"]
	if !c1.down() || c1.up() || c1.Sessions != 12 || c1.ConnErrors != 0 || c1.RespErrors != 1 || c1.Retries != 2 || c1.Redispatches != 3 {
		t.Errorf("c1: %+v", c1)
	}
	if c2 := stats["c2"]; !c2.up() || c2.down() || c2.Sessions != 20 || c2.Answers5xx != 1 {
		t.Errorf("c2: %+v", c2)
	}
	if f := stats["FRONTEND"]; f.Answers5xx != 7 {
		t.Errorf("frontend: %+v", f)
	}
	if going := (serverStat{Status: "UP 1/2"}); going.up() || going.down() {
		t.Error("a server going down (UP 1/2) is neither fully up nor down")
	}
	if _, err := parseStats(strings.NewReader("")); err == nil {
		t.Error("empty statistics accepted")
	}
}

func TestStatusReason(t *testing.T) {
	tests := []struct {
		a    answer
		want string
	}{
		{answer{status: 502, body: []byte("<html><head><title>502 Bad Gateway</title></head></html>")}, "502 502 Bad Gateway"},
		{answer{status: 422, body: []byte(`{"title":"Action refused","detail":"not yet eligible"}`)}, "422 Action refused: not yet eligible"},
		{answer{status: 503, body: []byte("<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>")}, "503 503 Service Unavailable"},
		{answer{status: 500, body: []byte("oops\n")}, "500 oops"},
	}
	for _, tt := range tests {
		if got := statusReason(tt.a); got != tt.want {
			t.Errorf("statusReason(%d %q) = %q, want %q", tt.a.status, tt.a.body, got, tt.want)
		}
	}
}

// TestCheckAcks writes an applicant's application as the load does
// (evidence added, submitted, reviewed, an item verified) into a fresh
// PostgreSQL database and checks that the checker finds every write that
// is there and reports every one that is not.
func TestCheckAcks(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	tpl, err := checkout.Portfolio(filepath.Join("examples", "portfolios", "cst-eligible.json"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := blob.OpenDir(t.TempDir(), mustKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	apps, err := seedApplicants(ctx, st, docs, 2, tpl)
	if err != nil {
		t.Fatal(err)
	}
	a, other := apps[0], apps[1]
	// The first application: its live portfolio and its snapshot hold an
	// item, verified in the snapshot; it is under review at version 4.
	app, err := st.Application(ctx, a.appID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := portfolio.DecodeStored(app.Portfolio)
	if err != nil {
		t.Fatal(err)
	}
	itemID := p.Education[0].ID
	// The snapshot holds another item, rejected.
	unverified := p.Education[1].ID
	verified := *p
	verified.Education = append([]portfolio.Activity(nil), p.Education...)
	verified.Education[0].Verification = portfolio.Verification{State: portfolio.Verified, By: "Sam Okafor"}
	verified.Education[1].Verification = portfolio.Verification{State: portfolio.Rejected, By: "Sam Okafor", Note: "illegible"}
	snap, err := portfolio.Encode(&verified)
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *boardsql.Tx) error {
		v, err := tx.SetApplicationState(ctx, a.appID, app.Version, board.Draft, board.Submitted, time.Now())
		if err != nil {
			return err
		}
		if err := tx.FreezeSnapshot(ctx, a.appID, snap, "1", time.Now()); err != nil {
			return err
		}
		_, err = tx.SetApplicationState(ctx, a.appID, v, board.Submitted, board.UnderReview, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err = st.Application(ctx, a.appID)
	if err != nil {
		t.Fatal(err)
	}
	token, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	_ = token
	u, err := st.UserByEmail(ctx, a.email)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, auth.Session{Digest: digest, UserID: u.ID, CreatedAt: time.Now(), LastSeenAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	otherItem := "not-in-the-snapshot"
	present := []ack{
		{Kind: ackSession, Digest: digest},
		{Kind: ackEvidence, App: a.appID, Item: itemID, Version: 1},
		{Kind: ackSubmit, App: a.appID, Version: app.Version, Items: []string{itemID}},
		{Kind: ackStartReview, App: a.appID, Version: app.Version},
		{Kind: ackVerify, App: a.appID, Item: itemID, Version: app.Version},
	}
	res, err := checkAcks(ctx, boardsql.ForBoard{Store: st}, present)
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != len(present) || len(res.Missing) != 0 {
		t.Fatalf("writes that are there: %+v", res)
	}
	absent := []ack{
		{Kind: ackSession, Digest: auth.Digest("a token never signed in")},
		{Kind: ackEvidence, App: a.appID, Item: otherItem, Version: 1},
		{Kind: ackEvidence, App: a.appID, Item: itemID, Version: app.Version + 1}, // a version the application never reached
		{Kind: ackSubmit, App: other.appID, Version: 1},                           // still a draft
		{Kind: ackSubmit, App: a.appID, Version: app.Version, Items: []string{otherItem}},
		{Kind: ackStartReview, App: other.appID, Version: 1},
		{Kind: ackVerify, App: a.appID, Item: unverified, Version: app.Version}, // in the snapshot, not verified
		{Kind: ackVerify, App: other.appID, Item: itemID, Version: 1},           // no snapshot
		{Kind: ackEvidence, App: 999999, Item: itemID, Version: 1},              // no such application
	}
	res, err = checkAcks(ctx, boardsql.ForBoard{Store: st}, absent)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != len(absent) {
		t.Errorf("%d of %d missing writes reported:\n%s", len(res.Missing), len(absent), strings.Join(res.Missing, "\n"))
	}
	for _, want := range []string{"no such session", "the portfolio has no such item", "before the acknowledged one", "draft, without a submitted snapshot",
		"lacks item not-in-the-snapshot", "not taken into review", "not verified", "no snapshot", "no such application"} {
		if !strings.Contains(strings.Join(res.Missing, "\n"), want) {
			t.Errorf("no report says %q:\n%s", want, strings.Join(res.Missing, "\n"))
		}
	}
}

func mustKeys(t *testing.T) *seal.Keyring {
	t.Helper()
	k, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testStore is a migrated store on a fresh PostgreSQL database, dropped
// at the end; the test is skipped without CERTBOARD_TEST_POSTGRES, and
// fails then with CERTBOARD_CI=1.
func testStore(t *testing.T) *boardsql.Store {
	t.Helper()
	pg := os.Getenv("CERTBOARD_TEST_POSTGRES")
	if pg == "" {
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatal("CERTBOARD_TEST_POSTGRES is not set (CERTBOARD_CI=1)")
		}
		t.Skip("CERTBOARD_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	dbURL, drop, err := scratchdb.Create(ctx, pg, "certboard_cluster_test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	st, err := boardsql.Open(ctx, boardsql.Config{DatabaseURL: dbURL, Keys: mustKeys(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestClusterKill runs the whole tool briefly: three instances behind
// HAProxy, one killed halfway. Every acknowledged write must be in the
// database and the audit chain must verify. It needs HAProxy and
// PostgreSQL: skipped without them, failing without them when
// CERTBOARD_CI=1.
func TestClusterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("a cluster run takes about half a minute")
	}
	if _, err := exec.LookPath("haproxy"); err != nil {
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatal("haproxy is not installed (CERTBOARD_CI=1: install it, apt-get install haproxy)")
		}
		t.Skip("haproxy is not installed")
	}
	pg := os.Getenv("CERTBOARD_TEST_POSTGRES")
	if pg == "" {
		if os.Getenv("CERTBOARD_CI") == "1" {
			t.Fatal("CERTBOARD_TEST_POSTGRES is not set (CERTBOARD_CI=1)")
		}
		t.Skip("CERTBOARD_TEST_POSTGRES is not set")
	}
	var progress bytes.Buffer
	o, err := parseFlags([]string{"--database", pg, "--duration", "10s", "--users", "6", "--rate", "20", "--settle", "2s"}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := execute(context.Background(), o, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	t.Log("\n" + out.String())
	if rep.KillAt < 0 || rep.DownAt < rep.KillAt {
		t.Errorf("the kill was not seen through: killed at %gs, marked down at %gs", rep.KillAt, rep.DownAt)
	}
	if rep.Writes.ByKind[ackEvidence] == 0 || rep.Writes.ByKind[ackSession] == 0 {
		t.Errorf("too few writes to check: %+v", rep.Writes.ByKind)
	}
	if len(rep.Writes.Missing) > 0 {
		t.Errorf("acknowledged writes missing from the database:\n%s", strings.Join(rep.Writes.Missing, "\n"))
	}
	if rep.AuditError != "" || rep.AuditEntries == 0 {
		t.Errorf("the audit chain does not verify (%d entries): %s", rep.AuditEntries, rep.AuditError)
	}
	if rep.Failed() {
		t.Error("the run reports a loss")
	}
}

func TestCollector(t *testing.T) {
	var c collector[int]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				c.add(i*100 + j)
			}
		})
	}
	wg.Wait()
	got := c.all()
	if len(got) != 800 {
		t.Fatalf("collected %d values, want 800", len(got))
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i {
			t.Fatalf("value %d is %d: a value was lost or doubled", i, v)
		}
	}
	got[0] = -1
	if c.all()[0] == -1 {
		t.Error("all returned the collector's own slice, not a copy")
	}
}
