package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb/sqldbtest"
)

// world is the account use cases over a fresh store of one engine, at a
// fixed time.
type world struct {
	accounts *auth.Accounts
	store    *boardsql.Store
	clock    *certboard.FixedClock
	slots    chan struct{}
}

// worlds returns a world per engine (SQLite, and PostgreSQL when
// CERTBOARD_TEST_POSTGRES names one).
func worlds(t *testing.T) map[string]*world {
	t.Helper()
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*world{}
	for name, db := range sqldbtest.Engines(t) {
		st := boardsql.New(db, keys)
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := &world{store: st, clock: certboard.NewFixedClock(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)), slots: make(chan struct{}, 2)}
		w.accounts, err = auth.NewAccounts(auth.AccountsConfig{Store: boardsql.ForAuth{Store: st}, SignUpRole: auth.Applicant, Clock: w.clock,
			PublicURL: "https://board.example", HashSlots: w.slots})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = w
	}
	return out
}

// verified makes a verified account with a password.
func (w *world) verified(t *testing.T, email, password string) *auth.User {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.Hash(password, auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	err = boardsql.ForAuth{Store: w.store}.InTx(ctx, func(tx auth.Tx) error {
		id, err := tx.CreateUser(ctx, auth.User{Email: email, Name: "Jordan Reyes", PasswordHash: hash, Roles: []auth.Role{auth.Applicant}, CreatedAt: w.clock.Now()})
		if err != nil {
			return err
		}
		return tx.MarkEmailVerifiedWithHash(ctx, id, hash, w.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.store.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// mails returns the subjects of the mails queued to an address.
func (w *world) mails(t *testing.T, to string) []string {
	t.Helper()
	due, err := w.store.DueMail(context.Background(), w.clock.Now().Add(time.Hour), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range due {
		if m.To == to {
			out = append(out, m.Subject)
		}
	}
	return out
}

// TestCheckPassword: the password step answers one refusal for a wrong
// password, an unknown address and an unverified one, pauses a client
// after the free failures, and answers Busy without checking when no
// hashing slot is free.
func TestCheckPassword(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w.verified(t, "jordan@example.org", "amber orchard river climb")
			if err := w.accounts.SignUp(ctx, auth.SignUp{Email: "new@example.org", Name: "New", Password: "amber orchard river climb"}); err != nil {
				t.Fatal(err)
			}
			c := auth.Client{Network: "192.0.2.7", UserAgent: "test"}
			for _, tc := range []struct {
				name, email, password string
				want                  certboard.Code
			}{
				{"right", "jordan@example.org", "amber orchard river climb", ""},
				{"any case", "Jordan@Example.org", "amber orchard river climb", ""},
				{"wrong password", "jordan@example.org", "not the password", certboard.Unauthorized},
				{"unknown address", "nobody@example.org", "amber orchard river climb", certboard.Unauthorized},
				{"not verified", "new@example.org", "amber orchard river climb", certboard.Unauthorized},
			} {
				at, err := w.accounts.CheckPassword(ctx, c, tc.email, tc.password)
				if got := certboard.ErrorCode(err); got != tc.want {
					t.Fatalf("%s: %q (%v), want %q", tc.name, got, err, tc.want)
				}
				if tc.want == "" && (at == nil || at.User.Email != "jordan@example.org") {
					t.Fatalf("%s: attempt %+v", tc.name, at)
				}
				if tc.want != "" && err != auth.ErrSignInFailed {
					t.Fatalf("%s: %v, want the one refusal of every failed password", tc.name, err)
				}
			}
			// The free failures of the account from this network are
			// spent: the next attempt waits, right password or not.
			for range auth.PasswordThrottle.Free {
				w.accounts.CheckPassword(ctx, c, "jordan@example.org", "still wrong")
			}
			_, err := w.accounts.CheckPassword(ctx, c, "jordan@example.org", "amber orchard river climb")
			if e := auth.AsRefusal(err); e == nil || e.Code != certboard.RateLimited || e.RetryAfterSeconds <= 0 {
				t.Fatalf("after the free failures: %v", err)
			}
			// From another network the owner is not paused.
			if _, err := w.accounts.CheckPassword(ctx, auth.Client{Network: "198.51.100.1"}, "jordan@example.org", "amber orchard river climb"); err != nil {
				t.Fatalf("from another network: %v", err)
			}
			// Every hashing slot taken: Busy, and nothing checked.
			for range cap(w.slots) {
				w.slots <- struct{}{}
			}
			_, err = w.accounts.CheckPassword(ctx, auth.Client{Network: "203.0.113.9"}, "jordan@example.org", "amber orchard river climb")
			for len(w.slots) > 0 {
				<-w.slots
			}
			if err != auth.ErrHashBusy || certboard.ErrorCode(err) != certboard.RateLimited {
				t.Fatalf("with no slot free: %v", err)
			}
		})
	}
}

// TestSignUpWithTakenAddress: a sign-up with the address of a verified
// account answers as a new one, changes nothing and mails the owner a
// notice instead of a link.
func TestSignUpWithTakenAddress(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			before := w.verified(t, "jordan@example.org", "amber orchard river climb")
			if err := w.accounts.SignUp(ctx, auth.SignUp{Email: "Jordan@Example.org", Name: "Intruder", Password: "another long passphrase"}); err != nil {
				t.Fatalf("taken address: %v", err)
			}
			if err := w.accounts.SignUp(ctx, auth.SignUp{Email: "new@example.org", Name: "New", Password: "another long passphrase"}); err != nil {
				t.Fatalf("new address: %v", err)
			}
			if got := w.mails(t, "jordan@example.org"); len(got) != 1 || got[0] != "Someone tried to sign up with your address" {
				t.Fatalf("mails to the owner: %q", got)
			}
			if got := w.mails(t, "new@example.org"); len(got) != 1 || got[0] != "Verify your e-mail address" {
				t.Fatalf("mails to the new address: %q", got)
			}
			after, err := w.store.UserByEmail(ctx, "jordan@example.org")
			if err != nil || after.Name != before.Name || after.PasswordHash != before.PasswordHash {
				t.Fatalf("the account changed: %+v %v", after, err)
			}
		})
	}
}

// TestAsRefusal: only the refusals of a step are refusals; a certboard
// error of another code, or a plain error, is not.
func TestAsRefusal(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{auth.ErrSignInFailed, true},
		{auth.ErrHashBusy, true},
		{auth.Refusal(certboard.Forbidden, "Not confirmed", "code", "x"), true},
		{certboard.FieldError(certboard.Invalid, "code", "x"), false},
		{&certboard.Error{Code: certboard.NotFound}, false},
		{auth.ErrNotFound, false},
		{nil, false},
	} {
		if got := auth.AsRefusal(tc.err) != nil; got != tc.want {
			t.Errorf("AsRefusal(%v) = %v", tc.err, got)
		}
	}
}

// TestCreateToken: an account that must sign in with two factors gets no
// API token before it does; others get one that expires.
func TestCreateToken(t *testing.T) {
	for name, w := range worlds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			u := w.verified(t, "jordan@example.org", "amber orchard river climb")
			token, tok, err := w.accounts.CreateToken(ctx, u, "sync", 0)
			if err != nil || !strings.HasPrefix(token, auth.APITokenPrefix) || !tok.ExpiresAt.Equal(w.clock.Now().AddDate(0, 0, auth.DefaultTokenDays)) {
				t.Fatalf("%q %+v %v", token, tok, err)
			}
			if got, err := w.accounts.TokenUser(ctx, token); err != nil || got.ID != u.ID {
				t.Fatalf("the token's user: %+v %v", got, err)
			}
			staff := *u
			staff.Roles = []auth.Role{auth.Staff}
			if _, _, err := w.accounts.CreateToken(ctx, &staff, "sync", 0); certboard.ErrorCode(err) != certboard.Forbidden {
				t.Fatalf("staff without two factors: %v", err)
			}
			if err := w.accounts.RevokeToken(ctx, u, tok.ID()); err != nil {
				t.Fatal(err)
			}
			if _, err := w.accounts.TokenUser(ctx, token); err != auth.ErrNotFound {
				t.Fatalf("a revoked token: %v", err)
			}
		})
	}
}
