package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReauthentication(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana, _ := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h", CreatedAt: t0})
			ben, _ := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", PasswordHash: "h", CreatedAt: t0})
			live := Session{Digest: tfDigest("a"), UserID: ana, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
			pending := Session{Digest: tfDigest("b"), UserID: ana, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(10 * time.Minute), Pending: true}
			for _, ss := range []Session{live, pending} {
				if err := s.CreateSession(ctx, ss); err != nil {
					t.Fatal(err)
				}
			}
			if at, err := s.ReauthenticatedAt(ctx, live.Digest); err != nil || !at.IsZero() {
				t.Fatalf("a new session: %v %v, want never confirmed", at, err)
			}
			at := t0.Add(3 * time.Hour)
			if err := s.MarkReauthenticated(ctx, s.DB, ana, live.Digest, at); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ReauthenticatedAt(ctx, live.Digest); err != nil || !got.Equal(at) {
				t.Fatalf("confirmed at %v %v, want %v", got, err, at)
			}
			// Only the user's own signed-in sessions.
			for what, try := range map[string]func() error{
				"another user's session": func() error { return s.MarkReauthenticated(ctx, s.DB, ben, live.Digest, at.Add(time.Hour)) },
				"a pending session":      func() error { return s.MarkReauthenticated(ctx, s.DB, ana, pending.Digest, at) },
				"no session":             func() error { return s.MarkReauthenticated(ctx, s.DB, ana, tfDigest("c"), at) },
			} {
				if err := try(); !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: %v, want ErrNotFound", what, err)
				}
			}
			if got, _ := s.ReauthenticatedAt(ctx, live.Digest); !got.Equal(at) {
				t.Fatalf("a refused mark changed the time to %v", got)
			}
			if _, err := s.ReauthenticatedAt(ctx, tfDigest("c")); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown session: %v", err)
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana, _ := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "old", CreatedAt: t0})
			ben, _ := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", PasswordHash: "old", CreatedAt: t0})
			for i, ss := range []Session{
				{Digest: tfDigest("1"), UserID: ana}, {Digest: tfDigest("2"), UserID: ana}, {Digest: tfDigest("3"), UserID: ana, Pending: true},
				{Digest: tfDigest("4"), UserID: ben},
			} {
				ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = t0, t0, t0.Add(time.Hour)
				if err := s.CreateSession(ctx, ss); err != nil {
					t.Fatal(i, err)
				}
			}
			for i, tok := range []APIToken{{Digest: tfDigest("5"), UserID: ana}, {Digest: tfDigest("6"), UserID: ana}, {Digest: tfDigest("7"), UserID: ben}} {
				tok.Name, tok.CreatedAt, tok.ExpiresAt = "t", t0, t0.AddDate(0, 0, 90)
				if err := s.CreateAPIToken(ctx, s.DB, tok); err != nil {
					t.Fatal(i, err)
				}
			}
			before, _ := s.UserByID(ctx, ana)

			// Changed meanwhile: nothing happens.
			if _, _, err := s.ChangePassword(ctx, s.DB, ana, "stale", "new", tfDigest("1")); !errors.Is(err, ErrConflict) {
				t.Fatalf("a stale hash: %v, want ErrConflict", err)
			}
			if u, _ := s.UserByID(ctx, ana); u.PasswordHash != "old" || u.Version != before.Version {
				t.Fatalf("a refused change changed the account: %+v", u)
			}
			if n := countRows(t, s, "sessions"); n != 4 {
				t.Fatalf("a refused change ended sessions: %d left", n)
			}

			ended, revoked, err := s.ChangePassword(ctx, s.DB, ana, "old", "new", tfDigest("1"))
			if err != nil || ended != 2 || revoked != 2 {
				t.Fatalf("ChangePassword: %d sessions, %d tokens, %v; want 2 and 2", ended, revoked, err)
			}
			if u, _ := s.UserByID(ctx, ana); u.PasswordHash != "new" || u.Version != before.Version+1 {
				t.Fatalf("after the change: %+v", u)
			}
			// Ana keeps the session that made the change; Ben loses nothing.
			if _, err := s.SessionUser(ctx, tfDigest("1"), t0, time.Hour); err != nil {
				t.Fatalf("the changing session ended: %v", err)
			}
			for _, d := range []string{tfDigest("2"), tfDigest("3")} {
				if _, _, err := s.LiveSession(ctx, d, t0, time.Hour); !errors.Is(err, ErrNotFound) {
					t.Fatalf("another session of Ana: %v, want ended", err)
				}
			}
			if list, _ := s.APITokens(ctx, ana); len(list) != 0 {
				t.Fatalf("Ana's tokens: %+v", list)
			}
			if _, err := s.SessionUser(ctx, tfDigest("4"), t0, time.Hour); err != nil {
				t.Fatalf("Ben's session: %v", err)
			}
			if list, _ := s.APITokens(ctx, ben); len(list) != 1 {
				t.Fatalf("Ben's tokens: %+v", list)
			}
		})
	}
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
