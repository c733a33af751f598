package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
)

// TestSessionIdleByMode: a session ends after the idle time its mode sets
// (AccountsConfig.SessionIdle), 30 minutes when it sets none, and lives
// while it is used within it; on both sides of each boundary.
func TestSessionIdleByMode(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			u := w.verified(t, "idle@example.org", "amber orchard river climb")
			for _, tc := range []struct {
				name  string
				idle  time.Duration   // configured; 0 for the default
				used  []time.Duration // used this long after the last use, then
				after time.Duration   // unused for this long
				live  bool
			}{
				{"board default, just within", 0, nil, 30 * time.Minute, true},
				{"board default, just past", 0, nil, 30*time.Minute + time.Second, false},
				{"practice, just within", 15 * time.Minute, nil, 15 * time.Minute, true},
				{"practice, just past", 15 * time.Minute, nil, 15*time.Minute + time.Second, false},
				{"practice, used now and then", 15 * time.Minute, []time.Duration{14 * time.Minute, 14 * time.Minute}, 14 * time.Minute, true},
				{"practice, used then left", 15 * time.Minute, []time.Duration{14 * time.Minute}, 16 * time.Minute, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					a, err := auth.NewAccounts(auth.AccountsConfig{Store: boardsql.ForAuth{Store: w.store}, Clock: w.clock, SessionIdle: tc.idle})
					if err != nil {
						t.Fatal(err)
					}
					want := tc.idle
					if want == 0 {
						want = auth.SessionIdle
					}
					if a.SessionIdle() != want {
						t.Fatalf("SessionIdle() = %v, want %v", a.SessionIdle(), want)
					}
					at, err := a.CheckPassword(ctx, auth.Client{Network: "192.0.2.1"}, u.Email, "amber orchard river climb")
					if err != nil {
						t.Fatal(err)
					}
					started, err := a.StartSession(ctx, at, false)
					if err != nil {
						t.Fatal(err)
					}
					start := w.clock.Now()
					defer w.clock.Set(start)
					for _, d := range tc.used {
						w.clock.Advance(d)
						if _, _, err := a.LiveSession(ctx, started.Token); err != nil {
							t.Fatalf("used %v after the last use: %v", d, err)
						}
					}
					w.clock.Advance(tc.after)
					_, _, err = a.LiveSession(ctx, started.Token)
					if tc.live && err != nil {
						t.Fatalf("after %v unused: %v, want the session live", tc.after, err)
					}
					if !tc.live && !errors.Is(err, auth.ErrNotFound) {
						t.Fatalf("after %v unused: %v, want it ended (ErrNotFound)", tc.after, err)
					}
					if _, err := a.Sessions(ctx, u); err != nil {
						t.Fatal(err)
					}
				})
			}
		})
	}
}

// TestNegativeSessionIdle: a negative idle time is a mistake in wiring.
func TestNegativeSessionIdle(t *testing.T) {
	for _, w := range worlds(t) {
		if _, err := auth.NewAccounts(auth.AccountsConfig{Store: boardsql.ForAuth{Store: w.store}, SessionIdle: -time.Minute}); err == nil {
			t.Fatal("a negative SessionIdle was accepted")
		}
		return
	}
}

// TestNeedsTwoFactorByMode: the board asks two factors of staff, admins
// and regulators; a mode with TwoFactorForAll asks them of everyone, and
// then refuses to turn them off and API tokens without them.
func TestNeedsTwoFactorByMode(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			u := w.verified(t, "all@example.org", "amber orchard river climb")
			board, err := auth.NewAccounts(auth.AccountsConfig{Store: boardsql.ForAuth{Store: w.store}, Clock: w.clock})
			if err != nil {
				t.Fatal(err)
			}
			practice, err := auth.NewAccounts(auth.AccountsConfig{Store: boardsql.ForAuth{Store: w.store}, Clock: w.clock, TwoFactorForAll: true})
			if err != nil {
				t.Fatal(err)
			}
			staff := &auth.User{Roles: []auth.Role{auth.Staff}}
			for _, tc := range []struct {
				name string
				a    *auth.Accounts
				u    *auth.User
				want bool
			}{
				{"board, applicant", board, u, false},
				{"board, staff", board, staff, true},
				{"all, applicant", practice, u, true},
				{"all, no role", practice, &auth.User{}, true},
			} {
				if got := tc.a.NeedsTwoFactor(tc.u); got != tc.want {
					t.Errorf("%s: NeedsTwoFactor = %v, want %v", tc.name, got, tc.want)
				}
			}
			if _, _, err := practice.CreateToken(ctx, u, "sync", 0); !errors.Is(err, auth.ErrTokenNeedsTwoFactor) {
				t.Fatalf("a token without two factors where all need them: %v", err)
			}
			if _, _, err := board.CreateToken(ctx, u, "sync", 0); err != nil {
				t.Fatalf("a token for an applicant on the board: %v", err)
			}
			if err := practice.DisableTwoFactor(ctx, u); err == nil {
				t.Fatal("turning two factors off where all need them was allowed")
			}
		})
	}
}
