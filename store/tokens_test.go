package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAPITokens(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana, _ := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h", Roles: []string{"applicant"}, CreatedAt: t0})
			ben, _ := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", PasswordHash: "h", CreatedAt: t0})
			forever := APIToken{Digest: tfDigest("1"), UserID: ana, Name: "CE reporting", CreatedAt: t0}
			week := APIToken{Digest: tfDigest("2"), UserID: ana, Name: "weekly", CreatedAt: t0.Add(time.Minute), ExpiresAt: t0.Add(7 * 24 * time.Hour)}
			for _, tok := range []APIToken{forever, week} {
				if err := s.CreateAPIToken(ctx, s.DB, tok); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.CreateAPIToken(ctx, s.DB, forever); err == nil {
				t.Fatal("a duplicate digest was stored")
			}
			list, err := s.APITokens(ctx, ana)
			if err != nil || len(list) != 2 || list[0].Name != "weekly" || list[1].ID() != tfDigest("1")[:HandleLen] ||
				!list[0].ExpiresAt.Equal(week.ExpiresAt) || !list[1].ExpiresAt.IsZero() || !list[1].LastUsedAt.IsZero() {
				t.Fatalf("APITokens: %+v %v", list, err)
			}
			if list, _ := s.APITokens(ctx, ben); len(list) != 0 {
				t.Fatalf("Ben sees %+v", list)
			}

			// Use records last_used_at, at most once a minute.
			now := t0.Add(time.Hour)
			u, err := s.APITokenUser(ctx, tfDigest("1"), now)
			if err != nil || u.ID != ana || !u.HasRole("applicant") {
				t.Fatalf("APITokenUser: %+v %v", u, err)
			}
			s.APITokenUser(ctx, tfDigest("1"), now.Add(30*time.Second))
			if list, _ := s.APITokens(ctx, ana); !list[1].LastUsedAt.Equal(now) {
				t.Fatalf("last used %v, want %v (not touched again within a minute)", list[1].LastUsedAt, now)
			}
			s.APITokenUser(ctx, tfDigest("1"), now.Add(2*time.Minute))
			if list, _ := s.APITokens(ctx, ana); !list[1].LastUsedAt.Equal(now.Add(2 * time.Minute)) {
				t.Fatalf("last used %v after two minutes", list[1].LastUsedAt)
			}

			// Expiry.
			if _, err := s.APITokenUser(ctx, tfDigest("2"), week.ExpiresAt.Add(-time.Second)); err != nil {
				t.Fatalf("before expiry: %v", err)
			}
			if _, err := s.APITokenUser(ctx, tfDigest("2"), week.ExpiresAt); !errors.Is(err, ErrNotFound) {
				t.Fatalf("at expiry: %v, want ErrNotFound", err)
			}
			if !week.Expired(week.ExpiresAt) || forever.Expired(now.Add(1000*time.Hour)) {
				t.Fatal("Expired")
			}
			if _, err := s.APITokenUser(ctx, tfDigest("9"), now); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown token: %v", err)
			}

			// Revoking: only the owner, by ID.
			if _, err := s.DeleteAPIToken(ctx, s.DB, ben, forever.ID()); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Ben revoking Ana's token: %v, want ErrNotFound", err)
			}
			if _, err := s.DeleteAPIToken(ctx, s.DB, ana, "1111"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("malformed id: %v", err)
			}
			if name, err := s.DeleteAPIToken(ctx, s.DB, ana, forever.ID()); err != nil || name != "CE reporting" {
				t.Fatalf("DeleteAPIToken: %q %v", name, err)
			}
			if _, err := s.APITokenUser(ctx, tfDigest("1"), now); !errors.Is(err, ErrNotFound) {
				t.Fatalf("revoked token: %v, want ErrNotFound", err)
			}
			if _, err := s.DeleteAPIToken(ctx, s.DB, ana, forever.ID()); !errors.Is(err, ErrNotFound) {
				t.Fatalf("revoking twice: %v", err)
			}
		})
	}
}
