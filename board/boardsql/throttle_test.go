package boardsql

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

var testThrottle = auth.Throttle{Free: 5, Base: 10 * time.Second, Max: time.Hour, Window: 24 * time.Hour}

// TestChargeAttemptIsAtomic fires many attempts at one counter at once: no
// more than the policy's free attempts are admitted, on either engine.
func TestChargeAttemptIsAtomic(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			key := Charge{ThrottleKey: ThrottleKey{Scope: "password", Key: "a@example.org|192.0.2.7", Account: "a@example.org"}, Policy: testThrottle}
			net := Charge{ThrottleKey: ThrottleKey{Scope: "network", Key: "192.0.2.7"}, Policy: auth.Throttle{Free: 1000, Window: time.Hour}}
			var admitted atomic.Int64
			var wg sync.WaitGroup
			for range 200 {
				wg.Go(func() {
					wait, err := s.ChargeAttempt(ctx, t0, key, net)
					if err != nil {
						t.Error(err)
						return
					}
					if wait == 0 {
						admitted.Add(1)
					}
				})
			}
			wg.Wait()
			if n := admitted.Load(); n != int64(testThrottle.Free) {
				t.Fatalf("%d of 200 parallel attempts admitted, want %d", n, testThrottle.Free)
			}
			// Only admitted attempts are charged, to every counter.
			for _, k := range []ThrottleKey{key.ThrottleKey, net.ThrottleKey} {
				a, err := s.Throttle(ctx, k)
				if err != nil || a.Failures != testThrottle.Free {
					t.Fatalf("%s: %d failures, want %d: %v", k.Scope, a.Failures, testThrottle.Free, err)
				}
			}
		})
	}
}

func TestChargeAttemptWaitsAndForgets(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			own := Charge{ThrottleKey: ThrottleKey{Scope: "password", Key: "a@example.org|192.0.2.7", Account: "a@example.org"}, Policy: testThrottle}
			net := Charge{ThrottleKey: ThrottleKey{Scope: "network", Key: "192.0.2.7"}, Policy: auth.Throttle{Free: 2, Base: time.Minute, Max: time.Minute, Window: time.Hour}}
			charge := func(at time.Time, cs ...Charge) time.Duration {
				t.Helper()
				wait, err := s.ChargeAttempt(ctx, at, cs...)
				if err != nil {
					t.Fatal(err)
				}
				return wait
			}
			for i := range testThrottle.Free {
				if w := charge(t0, own); w != 0 {
					t.Fatalf("attempt %d waits %v", i+1, w)
				}
			}
			if w := charge(t0, own); w != 10*time.Second {
				t.Fatalf("past the free attempts: wait %v, want 10s", w)
			}
			// A refused attempt changes nothing: the wait does not grow.
			if w := charge(t0.Add(4*time.Second), own); w != 6*time.Second {
				t.Fatalf("4 s later: wait %v, want 6s", w)
			}
			if w := charge(t0.Add(10*time.Second), own); w != 0 {
				t.Fatalf("after the wait: %v", w)
			}
			if w := charge(t0.Add(10*time.Second), own); w != 20*time.Second {
				t.Fatalf("the next wait: %v, want 20s (doubled)", w)
			}

			// All or nothing: a counter that refuses stops the charge to
			// the others.
			other := Charge{ThrottleKey: ThrottleKey{Scope: "password", Key: "b@example.org|192.0.2.7", Account: "b@example.org"}, Policy: testThrottle}
			charge(t0, other, net)
			charge(t0, other, net)
			if w := charge(t0, other, net); w != time.Minute {
				t.Fatalf("the network's limit: %v", w)
			}
			if a, _ := s.Throttle(ctx, other.ThrottleKey); a.Failures != 2 {
				t.Fatalf("a refused attempt was charged to the account: %d", a.Failures)
			}
			// A refund takes one back, and the wait with it.
			if err := s.RefundAttempt(ctx, t0, net); err != nil {
				t.Fatal(err)
			}
			if w := charge(t0, other, net); w != 0 {
				t.Fatalf("after a refund: %v", w)
			}

			// Clearing one counter, then all of an account's.
			if err := s.ClearThrottle(ctx, s.DB, net.ThrottleKey); err != nil {
				t.Fatal(err)
			}
			if a, _ := s.Throttle(ctx, net.ThrottleKey); a.Failures != 0 {
				t.Fatalf("cleared: %+v", a)
			}
			phone := Charge{ThrottleKey: ThrottleKey{Scope: "password", Key: "a@example.org|2001:db8::/64", Account: "A@example.org"}, Policy: testThrottle}
			charge(t0, phone)
			id, err := s.CreateUser(ctx, User{Email: "A@example.org", Name: "A", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ClearAccountThrottles(ctx, s.DB, id); err != nil {
				t.Fatal(err)
			}
			for _, k := range []ThrottleKey{own.ThrottleKey, phone.ThrottleKey} {
				if a, _ := s.Throttle(ctx, k); a.Failures != 0 {
					t.Fatalf("%s survived clearing the account: %+v", k.Key, a)
				}
			}
			if a, _ := s.Throttle(ctx, other.ThrottleKey); a.Failures != 3 {
				t.Fatalf("another account's counter was cleared: %+v", a)
			}

			// Old counters are deleted.
			n, err := s.ForgetThrottles(ctx, t0.Add(25*time.Hour))
			if err != nil || n == 0 {
				t.Fatalf("forgetting: %d, %v", n, err)
			}
			if a, _ := s.Throttle(ctx, other.ThrottleKey); a.Failures != 0 {
				t.Fatalf("an old counter survived: %+v", a)
			}
		})
	}
}

// TestCountFailureTellsOnce counts failures in parallel: the owner is to be
// told exactly once per window.
func TestCountFailureTellsOnce(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			k := ThrottleKey{Scope: "notice", Key: "a@example.org", Account: "a@example.org"}
			n := auth.Notice{After: 10, Window: 24 * time.Hour}
			count := func(at time.Time) bool {
				var tell bool
				err := s.InTx(ctx, func(tx *Tx) error {
					var err error
					tell, err = tx.CountFailure(ctx, k, n, at)
					return err
				})
				if err != nil {
					t.Error(err)
				}
				return tell
			}
			var told atomic.Int64
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					if count(t0) {
						told.Add(1)
					}
				})
			}
			wg.Wait()
			if told.Load() != 1 {
				t.Fatalf("told %d times, want once", told.Load())
			}
			if count(t0.Add(23 * time.Hour)) {
				t.Fatal("told twice in one window")
			}
			for i := range n.After - 1 {
				if count(t0.Add(25 * time.Hour)) {
					t.Fatalf("told after %d failures of a new window", i+1)
				}
			}
			if !count(t0.Add(25 * time.Hour)) {
				t.Fatal("not told in the next window")
			}
		})
	}
}

func TestKnownDevices(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, _ := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "h", CreatedAt: t0})
			b, _ := s.CreateUser(ctx, User{Email: "b@example.org", Name: "B", PasswordHash: "h", CreatedAt: t0})
			remember := func(user int64, digest string, at time.Time) {
				t.Helper()
				if err := s.InTx(ctx, func(tx *Tx) error { return tx.RememberDevice(ctx, user, digest, at, at.Add(24*time.Hour)) }); err != nil {
					t.Fatal(err)
				}
			}
			known := func(user int64, digest string, at time.Time) bool {
				t.Helper()
				ok, err := s.KnownDevice(ctx, user, digest, at)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			remember(a, "d1", t0)
			if !known(a, "d1", t0) || known(b, "d1", t0) || known(a, "d2", t0) {
				t.Fatal("a device is known to its own account only")
			}
			// A browser may be known to two accounts, each for itself.
			remember(b, "d1", t0.Add(time.Hour))
			if !known(b, "d1", t0) || !known(a, "d1", t0) {
				t.Fatal("a browser known to one account is not known to another after signing in to it")
			}
			if known(a, "d1", t0.Add(25*time.Hour)) {
				t.Fatal("an expired device is known")
			}
			// Renewed by the next sign-in.
			remember(a, "d1", t0.Add(20*time.Hour))
			if !known(a, "d1", t0.Add(25*time.Hour)) {
				t.Fatal("the renewal did not extend it")
			}
			// At most KnownDevicesPerUser; the least recently used go.
			for i := range KnownDevicesPerUser {
				remember(a, "n"+string(rune('a'+i)), t0.Add(21*time.Hour+time.Duration(i)*time.Minute))
			}
			if known(a, "d1", t0.Add(22*time.Hour)) || !known(a, "na", t0.Add(22*time.Hour)) {
				t.Fatal("the least recently used device was not forgotten")
			}
			// A password reset, a password change and turning two-factor
			// sign-in off each forget the account's devices, and only its own.
			at := t0.Add(22 * time.Hour)
			for _, c := range []struct {
				what   string
				change func(tx *Tx) error
			}{
				{"reset", func(tx *Tx) error { return s.SetPassword(ctx, tx, a, "h2") }},
				{"change", func(tx *Tx) error { _, _, err := s.ChangePassword(ctx, tx, a, "h2", "h3", ""); return err }},
				{"two-factor off", func(tx *Tx) error { return s.DisableTOTP(ctx, tx, a) }},
			} {
				remember(a, "kept", at)
				if err := s.InTx(ctx, c.change); err != nil {
					t.Fatalf("%s: %v", c.what, err)
				}
				if known(a, "kept", at) {
					t.Errorf("%s: the account's devices are still known", c.what)
				}
				if !known(b, "d1", t0) {
					t.Fatalf("%s: another account's device was forgotten", c.what)
				}
			}
		})
	}
}
