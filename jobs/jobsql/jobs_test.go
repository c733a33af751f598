package jobsql_test

import (
	"context"
	"errors"
	"fmt"
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
			if dead, err := jobsql.Retry(ctx, s, js[0].ID, js[0].Attempts, "smtp down", at); err != nil || dead {
				t.Fatal(dead, err)
			}
			wait := jobs.Delay(js[0].ID, 1)
			if again, _ := jobsql.Claim(ctx, s, at.Add(wait-time.Second), time.Minute, 10); len(again) != 0 {
				t.Fatalf("claimed before the backoff: %+v", again)
			}
			again, err := jobsql.Claim(ctx, s, at.Add(wait), time.Minute, 10)
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
			if _, err := jobsql.Retry(ctx, s, a[0].ID, a[0].Attempts, "late failure", at.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if c, err := jobsql.Claim(ctx, s, at.Add(30*time.Minute), time.Hour, 10); err != nil || len(c) != 0 {
				t.Fatalf("the stale retry freed B's lease: %+v %v", c, err)
			}
			long := strings.Repeat("é", 1500) // 3000 bytes
			if _, err := jobsql.Retry(ctx, s, b[0].ID, b[0].Attempts, long, at.Add(4*time.Minute)); err != nil {
				t.Fatalf("B's retry: %v", err)
			}
			js, err := jobsql.List(ctx, s, "lease/")
			if err != nil || len(js) != 1 || !utf8.ValidString(js[0].LastError) || len(js[0].LastError) > 2000 || js[0].LastError == "late failure" {
				t.Fatalf("after B's retry: %+v %v", js, err)
			}
		})
	}
}

// TestDeadJobs: a job that fails jobs.MaxAttempts times is dead: never
// claimed again, listed and counted with its last error; an admin's retry
// makes it due at once with a fresh count, a discard lets it go, and
// either on a job that is not dead is a conflict.
func TestDeadJobs(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
			enqueue(t, s, jobs.Job{Kind: "sweep", Key: "failing/1", Payload: `{"credential":"c1"}`, RunAt: at})
			enqueue(t, s, jobs.Job{Kind: "sweep", Key: "failing/2", RunAt: at})
			now := at
			fail := func() {
				t.Helper()
				for {
					js, err := jobsql.Claim(ctx, s, now, time.Minute, 10)
					if err != nil {
						t.Fatal(err)
					}
					if len(js) == 0 {
						return
					}
					for _, j := range js {
						dead, err := jobsql.Retry(ctx, s, j.ID, j.Attempts, fmt.Sprintf("failure %d", j.Attempts), now)
						if err != nil || dead != (j.Attempts == jobs.MaxAttempts) {
							t.Fatalf("attempt %d: dead %v, %v", j.Attempts, dead, err)
						}
						if j.Attempts > jobs.MaxAttempts {
							t.Fatalf("tried %d times", j.Attempts)
						}
					}
					now = now.Add(jobs.Backoff(jobs.MaxAttempts) * 2)
				}
			}
			fail()
			if js, _ := jobsql.Claim(ctx, s, now.AddDate(1, 0, 0), time.Minute, 10); len(js) != 0 {
				t.Fatalf("a dead job was claimed: %+v", js)
			}
			dead, err := jobsql.DeadJobs(ctx, s, 10)
			if err != nil || len(dead) != 2 || dead[0].Outcome != jobs.Dead || dead[0].Attempts != jobs.MaxAttempts ||
				dead[0].LastError != fmt.Sprintf("failure %d", jobs.MaxAttempts) || dead[0].DoneAt.IsZero() {
				t.Fatalf("dead jobs: %+v %v", dead, err)
			}
			if n, err := jobsql.CountDead(ctx, s); err != nil || n != 2 {
				t.Fatalf("count: %d %v", n, err)
			}
			ids := map[string]int64{}
			for _, j := range dead {
				ids[j.Key] = j.ID
			}
			inTx := func(f func(tx *sqldb.Tx) (jobs.Job, error)) (jobs.Job, error) {
				var j jobs.Job
				err := s.InTx(ctx, func(tx *sqldb.Tx) error {
					var err error
					j, err = f(tx)
					return err
				})
				return j, err
			}
			revive := func(id int64) (jobs.Job, error) {
				return inTx(func(tx *sqldb.Tx) (jobs.Job, error) { return jobsql.Revive(ctx, tx, id, now) })
			}
			discard := func(id int64) (jobs.Job, error) {
				return inTx(func(tx *sqldb.Tx) (jobs.Job, error) { return jobsql.Discard(ctx, tx, id, now) })
			}
			if j, err := revive(ids["failing/1"]); err != nil || j.Key != "failing/1" || j.Outcome != jobs.Dead {
				t.Fatalf("revive: %+v %v", j, err)
			}
			if _, err := revive(ids["failing/1"]); !errors.Is(err, sqldb.ErrConflict) {
				t.Fatalf("reviving a pending job: %v", err)
			}
			if _, err := discard(ids["failing/2"]); err != nil {
				t.Fatal(err)
			}
			if _, err := discard(ids["failing/2"]); !errors.Is(err, sqldb.ErrConflict) {
				t.Fatalf("discarding twice: %v", err)
			}
			if _, err := revive(999999); !errors.Is(err, sqldb.ErrNotFound) {
				t.Fatalf("reviving a missing job: %v", err)
			}
			js, err := jobsql.Claim(ctx, s, now, time.Minute, 10)
			if err != nil || len(js) != 1 || js[0].Key != "failing/1" || js[0].Attempts != 1 || js[0].Payload != `{"credential":"c1"}` {
				t.Fatalf("the revived job: %+v %v", js, err)
			}
			if n, err := jobsql.CountDead(ctx, s); err != nil || n != 0 {
				t.Fatalf("count after: %d %v", n, err)
			}
			if all, _ := jobsql.List(ctx, s, "failing/2"); len(all) != 1 || all[0].Outcome != jobs.Discarded {
				t.Fatalf("the discarded job: %+v", all)
			}
		})
	}
}
