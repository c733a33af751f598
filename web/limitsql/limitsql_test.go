package limitsql_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
	"github.com/certboard/certboard/web"
	"github.com/certboard/certboard/web/limitsql"
)

// migrated returns a fresh database on each engine with the board's
// migrations applied (they create rate_limit).
func migrated(t testing.TB) map[string]*sqldb.DB {
	t.Helper()
	dbs := sqldbtest.Engines(t)
	for name, db := range dbs {
		if _, err := db.Migrate(context.Background(), boardsql.Migrations); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return dbs
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a time tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestSharedBucketsTripAndRefill: two limiters over one table (two
// instances' memory, one database) draw on one bucket: what one takes the
// other cannot, the waits are those of the bucket in memory, tokens come
// back with time and a refund gives one back.
func TestSharedBucketsTripAndRefill(t *testing.T) {
	for name, db := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			clk := &clock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
			st := limitsql.New(db)
			a := web.NewLimiter(6, time.Minute, clk.now).Share(st, "test/address", quiet) // a token every 10 s
			b := web.NewLimiter(6, time.Minute, clk.now).Share(st, "test/address", quiet)
			for i := range 6 {
				l := a
				if i%2 == 1 {
					l = b
				}
				if ok, _ := l.Allow(ctx, "192.0.2.1"); !ok {
					t.Fatalf("request %d refused within the burst", i+1)
				}
			}
			for _, l := range []*web.Limiter{a, b} {
				if ok, wait := l.Allow(ctx, "192.0.2.1"); ok || wait != 10*time.Second {
					t.Fatalf("7th: ok %v, wait %v; want refused, 10s", ok, wait)
				}
			}
			if ok, _ := b.Allow(ctx, "192.0.2.2"); !ok {
				t.Fatal("another key was refused")
			}
			clk.add(4 * time.Second)
			if ok, wait := b.Allow(ctx, "192.0.2.1"); ok || wait != 6*time.Second {
				t.Fatalf("after 4 s: ok %v, wait %v; want refused, 6s", ok, wait)
			}
			clk.add(6 * time.Second)
			if ok, _ := a.Allow(ctx, "192.0.2.1"); !ok {
				t.Fatal("after 10 s a token should be back")
			}
			if ok, _ := b.Allow(ctx, "192.0.2.1"); ok {
				t.Fatal("only one token came back")
			}
			b.Refund(ctx, "192.0.2.1")
			if ok, _ := a.Allow(ctx, "192.0.2.1"); !ok {
				t.Fatal("the refunded token was not there")
			}
			// Another limit's bucket of the same key is its own.
			other := web.NewLimiter(1, time.Minute, clk.now).Share(st, "other/address", quiet)
			if ok, _ := other.Allow(ctx, "192.0.2.1"); !ok {
				t.Fatal("another limit shared the key's bucket")
			}
			// A clock set back credits nothing.
			clk.add(-time.Hour)
			if ok, _ := a.Allow(ctx, "192.0.2.1"); ok {
				t.Fatal("a clock set back refilled the bucket")
			}
		})
	}
}

// TestParallelTakesNeverOverGrant: many requests at once, from limiters
// with connections of their own, get exactly the bucket's tokens.
func TestParallelTakesNeverOverGrant(t *testing.T) {
	for name, db := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			st := limitsql.New(db)
			var granted atomic.Int32
			var wg sync.WaitGroup
			for range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					l := web.NewLimiter(10, time.Hour, func() time.Time { return at }).Share(st, "parallel/overall", quiet)
					if ok, _ := l.Allow(context.Background(), "*"); ok {
						granted.Add(1)
					}
				}()
			}
			wg.Wait()
			if n := granted.Load(); n != 10 {
				t.Fatalf("%d requests passed a bucket of 10", n)
			}
		})
	}
}

// TestSweepForgetsFullBuckets: a bucket's row is deleted once it has had
// time to fill up, and not before; a swept bucket starts full.
func TestSweepForgetsFullBuckets(t *testing.T) {
	for name, db := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			st := limitsql.New(db)
			for i, key := range []string{"a", "b", "a", "a"} {
				if _, _, err := st.Take(ctx, "sweep", key, 3, 3.0/60, at.Add(time.Duration(i)*time.Second)); err != nil {
					t.Fatal(err)
				}
			}
			// "b" lost one token at 1 s: full again at 21 s; "a" lost three
			// by 3 s, getting one back every 20 s: full again at 60 s.
			for _, c := range []struct {
				at   time.Duration
				left int
			}{{20 * time.Second, 2}, {21 * time.Second, 1}, {59 * time.Second, 1}, {60 * time.Second, 0}} {
				if _, err := st.Sweep(ctx, at.Add(c.at)); err != nil {
					t.Fatal(err)
				}
				if n, err := st.Len(ctx); err != nil || n != c.left {
					t.Fatalf("after a sweep at %v: %d buckets kept (%v), want %d", c.at, n, err, c.left)
				}
			}
			for i := range 3 {
				if ok, _, err := st.Take(ctx, "sweep", "a", 3, 3.0/60, at.Add(time.Minute)); err != nil || !ok {
					t.Fatalf("take %d of a swept bucket: %v %v", i+1, ok, err)
				}
			}
		})
	}
}

// TestPracticeHasTheTable: practice mode's migrations create the same
// table, so its limits can be shared too.
func TestPracticeHasTheTable(t *testing.T) {
	for name, db := range sqldbtest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := db.Migrate(t.Context(), practicesql.Migrations); err != nil {
				t.Fatal(err)
			}
			ok, _, err := limitsql.New(db).Take(t.Context(), "practice", "k", 1, 1, time.Now())
			if err != nil || !ok {
				t.Fatalf("take: %v %v", ok, err)
			}
		})
	}
}

// TestFailingStoreFallsBackToMemory: while the database fails, a shared
// limiter still limits, in memory.
func TestFailingStoreFallsBackToMemory(t *testing.T) {
	db := migrated(t)["sqlite"]
	st := limitsql.New(db)
	db.Close()
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	l := web.NewLimiter(2, time.Minute, func() time.Time { return at }).Share(st, "closed", quiet)
	for i := range 2 {
		if ok, _ := l.Allow(t.Context(), "k"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	if ok, wait := l.Allow(t.Context(), "k"); ok || wait != 30*time.Second {
		t.Fatalf("3rd: ok %v, wait %v; want refused in memory, 30s", ok, wait)
	}
}

// BenchmarkAllow is the cost of one rate-limit decision: in memory, and
// shared through the table on each engine (one upsert each).
func BenchmarkAllow(b *testing.B) {
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	b.Run("memory", func(b *testing.B) {
		l := web.NewLimiter(1_000_000, time.Minute, now)
		for i := 0; b.Loop(); i++ {
			l.Allow(b.Context(), strconv.Itoa(i%1000))
		}
	})
	for name, db := range migrated(b) {
		b.Run(name, func(b *testing.B) {
			l := web.NewLimiter(1_000_000, time.Minute, now).Share(limitsql.New(db), "bench/address", quiet)
			for i := 0; b.Loop(); i++ {
				if ok, _ := l.Allow(b.Context(), strconv.Itoa(i%1000)); !ok {
					b.Fatal("refused")
				}
			}
		})
	}
}
