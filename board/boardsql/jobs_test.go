package boardsql

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard/board"
)

func enqueue(t *testing.T, s *Store, j Job) bool {
	t.Helper()
	var added bool
	err := s.InTx(context.Background(), func(tx *Tx) error {
		var err error
		added, err = tx.EnqueueJob(context.Background(), j)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return added
}

func TestJobsOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
			if !enqueue(t, s, Job{Kind: "reminder", Key: "credential/c1/reminder/120", Payload: `{"days":120}`, RunAt: at}) {
				t.Fatal("the first enqueue added nothing")
			}
			// The same key again is a no-op, even with another time.
			if enqueue(t, s, Job{Kind: "reminder", Key: "credential/c1/reminder/120", RunAt: at.Add(time.Hour)}) {
				t.Fatal("a second job with the same key was added")
			}
			enqueue(t, s, Job{Kind: "expiry", Key: "credential/c1/expiry", RunAt: at.AddDate(0, 4, 0)})
			enqueue(t, s, Job{Kind: "expiry", Key: "credential/c1_x/expiry", RunAt: at})

			// Nothing is due before its time.
			if js, err := s.ClaimJobs(ctx, at.Add(-time.Second), time.Minute, 10); err != nil || len(js) != 0 {
				t.Fatalf("claimed early: %v %v", js, err)
			}
			js, err := s.ClaimJobs(ctx, at, 10*time.Minute, 10)
			if err != nil || len(js) != 2 || js[0].Key != "credential/c1/reminder/120" || js[0].Attempts != 1 || js[0].Payload != `{"days":120}` {
				t.Fatalf("claim: %+v %v", js, err)
			}
			// Leased: a second worker gets nothing until the lease ends.
			if again, err := s.ClaimJobs(ctx, at.Add(30*time.Second), time.Minute, 10); err != nil || len(again) != 0 {
				t.Fatalf("claimed a leased job: %+v %v", again, err)
			}
			// A failure waits for the backoff, then the job is claimed again.
			if err := s.RetryJob(ctx, js[0].ID, js[0].Attempts, "smtp down", at); err != nil {
				t.Fatal(err)
			}
			if again, _ := s.ClaimJobs(ctx, at.Add(59*time.Second), time.Minute, 10); len(again) != 0 {
				t.Fatalf("claimed before the backoff: %+v", again)
			}
			again, err := s.ClaimJobs(ctx, at.Add(time.Minute), time.Minute, 10)
			if err != nil || len(again) != 1 || again[0].Attempts != 2 || again[0].LastError != "smtp down" {
				t.Fatalf("after the backoff: %+v %v", again, err)
			}
			// Finished in a transaction; finishing twice is a conflict.
			finish := func(id int64) error {
				return s.InTx(ctx, func(tx *Tx) error { return tx.FinishJob(ctx, id, JobDone, at.Add(time.Minute)) })
			}
			if err := finish(again[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := finish(again[0].ID); !errors.Is(err, ErrConflict) {
				t.Fatalf("finishing twice: %v", err)
			}
			// The lease of the other job runs out: claimed again.
			if js, _ := s.ClaimJobs(ctx, at.Add(2*time.Minute), time.Minute, 10); len(js) != 0 {
				t.Fatalf("claimed a leased job: %+v", js)
			}
			if js, _ := s.ClaimJobs(ctx, at.Add(10*time.Minute), time.Minute, 10); len(js) != 1 || js[0].Key != "credential/c1_x/expiry" {
				t.Fatalf("after the lease: %+v", js)
			}
			// Cancelling by prefix: _ is not a wildcard.
			var n int
			err = s.InTx(ctx, func(tx *Tx) error {
				var err error
				n, err = tx.CancelJobs(ctx, "credential/c1/", at)
				return err
			})
			if err != nil || n != 1 {
				t.Fatalf("cancelled %d: %v", n, err)
			}
			all, err := s.Jobs(ctx, "credential/c1")
			if err != nil || len(all) != 3 {
				t.Fatalf("jobs: %+v %v", all, err)
			}
			outcomes := map[string]string{}
			for _, j := range all {
				outcomes[j.Key] = j.Outcome
			}
			if outcomes["credential/c1/reminder/120"] != JobDone || outcomes["credential/c1/expiry"] != JobCancelled || outcomes["credential/c1_x/expiry"] != "" {
				t.Fatalf("outcomes: %v", outcomes)
			}
			if js, _ := s.ClaimJobs(ctx, at.AddDate(1, 0, 0), time.Minute, 10); len(js) != 1 || js[0].Key != "credential/c1_x/expiry" {
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
				enqueue(t, s, Job{Kind: "k", Key: "once/" + string(rune('a'+i%26)) + string(rune('a'+i/26)), RunAt: at})
			}
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for {
						js, err := s.ClaimJobs(context.Background(), at, time.Hour, 3)
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

func TestJobBackoff(t *testing.T) {
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {4, 8 * time.Minute}, {20, 6 * time.Hour}} {
		if got := JobBackoff(c.n); got != c.want {
			t.Errorf("JobBackoff(%d) = %s, want %s", c.n, got, c.want)
		}
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
			enqueue(t, s, Job{Kind: "k", Key: "lease/1", RunAt: at})
			a, err := s.ClaimJobs(ctx, at, time.Minute, 10)
			if err != nil || len(a) != 1 || a[0].Attempts != 1 {
				t.Fatalf("first claim: %+v %v", a, err)
			}
			b, err := s.ClaimJobs(ctx, at.Add(2*time.Minute), time.Hour, 10) // A's lease ran out
			if err != nil || len(b) != 1 || b[0].Attempts != 2 {
				t.Fatalf("second claim: %+v %v", b, err)
			}
			if err := s.RetryJob(ctx, a[0].ID, a[0].Attempts, "late failure", at.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if c, err := s.ClaimJobs(ctx, at.Add(30*time.Minute), time.Hour, 10); err != nil || len(c) != 0 {
				t.Fatalf("the stale retry freed B's lease: %+v %v", c, err)
			}
			long := strings.Repeat("é", 1500) // 3000 bytes
			if err := s.RetryJob(ctx, b[0].ID, b[0].Attempts, long, at.Add(4*time.Minute)); err != nil {
				t.Fatalf("B's retry: %v", err)
			}
			js, err := s.Jobs(ctx, "lease/")
			if err != nil || len(js) != 1 || !utf8.ValidString(js[0].LastError) || len(js[0].LastError) > 2000 || js[0].LastError == "late failure" {
				t.Fatalf("after B's retry: %+v %v", js, err)
			}
		})
	}
}

// TestCredentialForUpdateAndOpenRenewal: the locked read of a credential in
// a transaction, and the open renewal of a credential found in one.
func TestCredentialForUpdateAndOpenRenewal(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
			holder, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			err = s.InTx(ctx, func(tx *Tx) error {
				appID, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-cst", State: board.Approved, Portfolio: []byte(`{}`), CreatedAt: at})
				if err != nil {
					return err
				}
				if err := tx.AddCredential(ctx, IssuedCredential{ID: "cred-1", ApplicationID: appID, HolderID: holder, SetID: "aasect-cst", SetVersion: "v",
					Document: []byte(`{}`), JWT: "x", IssuedAt: at, ValidUntil: at.AddDate(3, 0, 0),
					RevocationList: "r", RevocationIndex: 1, SuspensionList: "s", SuspensionIndex: 1}); err != nil {
					return err
				}
				for _, st := range []board.State{board.Withdrawn, board.Denied, board.Approved} {
					if _, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: st, Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-1"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var open int64
			err = s.InTx(ctx, func(tx *Tx) error {
				c, err := tx.CredentialForUpdate(ctx, "cred-1")
				if err != nil || c.HolderID != holder || c.Status() != "active" {
					t.Errorf("locked read: %+v %v", c, err)
				}
				if _, err := tx.CredentialForUpdate(ctx, "nope"); !errors.Is(err, ErrNotFound) {
					t.Errorf("unknown credential: %v", err)
				}
				if id, err := tx.OpenRenewalID(ctx, "cred-1"); err != nil || id != 0 {
					t.Errorf("only decided renewals: %d %v", id, err)
				}
				if open, err = tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: "under_review", Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-1"}); err != nil {
					return err
				}
				if id, err := tx.OpenRenewalID(ctx, "cred-1"); err != nil || id != open {
					t.Errorf("the open renewal, seen in its own transaction: %d %v, want %d", id, err, open)
				}
				if id, err := tx.OpenRenewalID(ctx, ""); err != nil || id != 0 {
					t.Errorf("no credential: %d %v", id, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCredentialLockSerialisesRenewalStarts: transactions that lock the
// credential, look for its open renewal and start one when there is none
// open exactly one, however many run at once (PostgreSQL's row lock;
// SQLite's single writer).
func TestCredentialLockSerialisesRenewalStarts(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
			holder, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *Tx) error {
				appID, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-cst", State: board.Approved, Portfolio: []byte(`{}`), CreatedAt: at})
				if err != nil {
					return err
				}
				return tx.AddCredential(ctx, IssuedCredential{ID: "cred-2", ApplicationID: appID, HolderID: holder, SetID: "aasect-cst", SetVersion: "v",
					Document: []byte(`{}`), JWT: "x", IssuedAt: at, RevocationList: "r", RevocationIndex: 2, SuspensionList: "s", SuspensionIndex: 2})
			}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					err := s.InTx(ctx, func(tx *Tx) error {
						if _, err := tx.CredentialForUpdate(ctx, "cred-2"); err != nil {
							return err
						}
						id, err := tx.OpenRenewalID(ctx, "cred-2")
						if err != nil || id != 0 {
							return err
						}
						time.Sleep(20 * time.Millisecond) // widen the window a missing lock would leave open
						_, err = tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: "draft", Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-2"})
						return err
					})
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			var n int
			if err := s.DB.QueryRow("SELECT COUNT(*) FROM applications WHERE renews_credential = 'cred-2'").Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d renewals opened %v", n, err)
			}
		})
	}
}
