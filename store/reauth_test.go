package store

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
