package jobsql_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/sqldb"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

func enqueue(t *testing.T, s *sqldb.DB, j jobs.Job) bool {
	t.Helper()
	var added bool
	err := s.InTx(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		added, err = jobsql.Enqueue(context.Background(), tx, j)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return added
}

// migrated returns a fresh database on each engine with the board's
// migrations applied: they create the jobs and outbox tables.
func migrated(t *testing.T) map[string]*sqldb.DB {
	t.Helper()
	dbs := sqldbtest.Engines(t)
	for name, db := range dbs {
		if _, err := db.Migrate(context.Background(), boardsql.Migrations); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return dbs
}

func TestJobsOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
			if !enqueue(t, s, jobs.Job{Kind: "reminder", Key: "credential/c1/reminder/120", Payload: `{"days":120}`, RunAt: at}) {
				t.Fatal("the first enqueue added nothing")
			}
			// The same key again is a no-op, even with another time.
			if enqueue(t, s, jobs.Job{Kind: "reminder", Key: "credential/c1/reminder/120", RunAt: at.Add(time.Hour)}) {
				t.Fatal("a second job with the same key was added")
			}
			enqueue(t, s, jobs.Job{Kind: "expiry", Key: "credential/c1/expiry", RunAt: at.AddDate(0, 4, 0)})
			enqueue(t, s, jobs.Job{Kind: "expiry", Key: "credential/c1_x/expiry", RunAt: at})

			// Nothing is due before its time.
			if js, err := jobsql.Claim(ctx, s, at.Add(-time.Second), time.Minute, 10); err != nil || len(js) != 0 {
				t.Fatalf("claimed early: %v %v", js, err)
			}
			js, err := jobsql.Claim(ctx, s, at, 10*time.Minute, 10)
			if err != nil || len(js) != 2 || js[0].Key != "credential/c1/reminder/120" || js[0].Attempts != 1 || js[0].Payload != `{"days":120}` {
				t.Fatalf("claim: %+v %v", js, err)
			}
			// Leased: a second worker gets nothing until the lease ends.
			if again, err := jobsql.Claim(ctx, s, at.Add(30*time.Second), time.Minute, 10); err != nil || len(again) != 0 {
				t.Fatalf("claimed a leased job: %+v %v", again, err)
			}
			// A failure waits for the backoff, then the job is claimed again.
			if err := jobsql.Retry(ctx, s, js[0].ID, js[0].Attempts, "smtp down", at); err != nil {
				t.Fatal(err)
			}
			if again, _ := jobsql.Claim(ctx, s, at.Add(59*time.Second), time.Minute, 10); len(again) != 0 {
				t.Fatalf("claimed before the backoff: %+v", again)
			}
			again, err := jobsql.Claim(ctx, s, at.Add(time.Minute), time.Minute, 10)
			if err != nil || len(again) != 1 || again[0].Attempts != 2 || again[0].LastError != "smtp down" {
				t.Fatalf("after the backoff: %+v %v", again, err)
			}
			// Finished in a transaction; finishing twice is a conflict.
			finish := func(id int64) error {
				return s.InTx(ctx, func(tx *sqldb.Tx) error { return jobsql.Finish(ctx, tx, id, jobs.Done, at.Add(time.Minute)) })
			}
			if err := finish(again[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := finish(again[0].ID); !errors.Is(err, sqldb.ErrConflict) {
				t.Fatalf("finishing twice: %v", err)
			}
			// The lease of the other job runs out: claimed again.
			if js, _ := jobsql.Claim(ctx, s, at.Add(2*time.Minute), time.Minute, 10); len(js) != 0 {
				t.Fatalf("claimed a leased job: %+v", js)
			}
			if js, _ := jobsql.Claim(ctx, s, at.Add(10*time.Minute), time.Minute, 10); len(js) != 1 || js[0].Key != "credential/c1_x/expiry" {
				t.Fatalf("after the lease: %+v", js)
			}
			// Cancelling by prefix: _ is not a wildcard.
			var n int
			err = s.InTx(ctx, func(tx *sqldb.Tx) error {
				var err error
				n, err = jobsql.Cancel(ctx, tx, "credential/c1/", at)
				return err
			})
			if err != nil || n != 1 {
				t.Fatalf("cancelled %d: %v", n, err)
			}
			all, err := jobsql.List(ctx, s, "credential/c1")
			if err != nil || len(all) != 3 {
				t.Fatalf("jobs: %+v %v", all, err)
			}
			outcomes := map[string]string{}
			for _, j := range all {
				outcomes[j.Key] = j.Outcome
			}
			if outcomes["credential/c1/reminder/120"] != jobs.Done || outcomes["credential/c1/expiry"] != jobs.Cancelled || outcomes["credential/c1_x/expiry"] != "" {
				t.Fatalf("outcomes: %v", outcomes)
			}
			if js, _ := jobsql.Claim(ctx, s, at.AddDate(1, 0, 0), time.Minute, 10); len(js) != 1 || js[0].Key != "credential/c1_x/expiry" {
				t.Fatalf("a cancelled job was claimed: %+v", js)
			}
		})
	}
}

// TestJobsClaimedOnce: workers claiming at once never share a job.
func TestJobsClaimedOnce(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
			for i := range 40 {
				enqueue(t, s, jobs.Job{Kind: "k", Key: "once/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), RunAt: at})
			}
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for {
						js, err := jobsql.Claim(context.Background(), s, at, time.Hour, 3)
						if err != nil {
							t.Error(err)
							return
						}
						if len(js) == 0 {
							return
						}
						mu.Lock()
						for _, j := range js {
							seen[j.ID]++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(seen) != 40 {
				t.Fatalf("claimed %d jobs, want 40", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Fatalf("job %d claimed %d times", id, n)
				}
			}
		})
	}
}

// TestRetryJobKeepsAnotherWorkersLease: a worker whose lease ran out and
// whose job another worker claimed meanwhile cannot free or reschedule it
// when it finally fails; a long failure with multi-byte text is cut to
// valid UTF-8 (PostgreSQL refuses anything else).
func TestRetryJobKeepsAnotherWorkersLease(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
			enqueue(t, s, jobs.Job{Kind: "k", Key: "lease/1", RunAt: at})
			a, err := jobsql.Claim(ctx, s, at, time.Minute, 10)
			if err != nil || len(a) != 1 || a[0].Attempts != 1 {
				t.Fatalf("first claim: %+v %v", a, err)
			}
			b, err := jobsql.Claim(ctx, s, at.Add(2*time.Minute), time.Hour, 10) // A's lease ran out
			if err != nil || len(b) != 1 || b[0].Attempts != 2 {
				t.Fatalf("second claim: %+v %v", b, err)
			}
			if err := jobsql.Retry(ctx, s, a[0].ID, a[0].Attempts, "late failure", at.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if c, err := jobsql.Claim(ctx, s, at.Add(30*time.Minute), time.Hour, 10); err != nil || len(c) != 0 {
				t.Fatalf("the stale retry freed B's lease: %+v %v", c, err)
			}
			long := strings.Repeat("é", 1500) // 3000 bytes
			if err := jobsql.Retry(ctx, s, b[0].ID, b[0].Attempts, long, at.Add(4*time.Minute)); err != nil {
				t.Fatalf("B's retry: %v", err)
			}
			js, err := jobsql.List(ctx, s, "lease/")
			if err != nil || len(js) != 1 || !utf8.ValidString(js[0].LastError) || len(js[0].LastError) > 2000 || js[0].LastError == "late failure" {
				t.Fatalf("after B's retry: %+v %v", js, err)
			}
		})
	}
}
