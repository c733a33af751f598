package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

func TestAPITokens(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ana, _ := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h", Roles: []auth.Role{auth.Applicant}, CreatedAt: t0})
			ben, _ := s.CreateUser(ctx, User{Email: "ben@example.org", Name: "Ben", PasswordHash: "h", CreatedAt: t0})
			forever := APIToken{Digest: tfDigest("1"), UserID: ana, Name: "CE reporting", CreatedAt: t0, ExpiresAt: t0.AddDate(1, 0, 0)}
			week := APIToken{Digest: tfDigest("2"), UserID: ana, Name: "weekly", CreatedAt: t0.Add(time.Minute), ExpiresAt: t0.Add(7 * 24 * time.Hour)}
			// Every token expires.
			for what, bad := range map[string]APIToken{
				"no expiry":             {Digest: tfDigest("3"), UserID: ana, Name: "x", CreatedAt: t0},
				"expiry before created": {Digest: tfDigest("3"), UserID: ana, Name: "x", CreatedAt: t0, ExpiresAt: t0.Add(-time.Second)},
			} {
				if err := s.CreateAPIToken(ctx, s.DB, bad); err == nil {
					t.Fatalf("a token with %s was stored", what)
				}
			}
			for _, tok := range []APIToken{forever, week} {
				if err := s.CreateAPIToken(ctx, s.DB, tok); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.CreateAPIToken(ctx, s.DB, forever); err == nil {
				t.Fatal("a duplicate digest was stored")
			}
			list, err := s.APITokens(ctx, ana)
			if err != nil || len(list) != 2 || list[0].Name != "weekly" || list[1].ID() != tfDigest("1")[:auth.HandleLen] ||
				!list[0].ExpiresAt.Equal(week.ExpiresAt) || !list[1].ExpiresAt.Equal(forever.ExpiresAt) || !list[1].LastUsedAt.IsZero() {
				t.Fatalf("APITokens: %+v %v", list, err)
			}
			if list, _ := s.APITokens(ctx, ben); len(list) != 0 {
				t.Fatalf("Ben sees %+v", list)
			}

			// Use records last_used_at, at most once a minute.
			now := t0.Add(time.Hour)
			u, _, err := s.APITokenUser(ctx, tfDigest("1"), now)
			if err != nil || u.ID != ana || !u.HasRole(auth.Applicant) {
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
			if _, _, err := s.APITokenUser(ctx, tfDigest("2"), week.ExpiresAt.Add(-time.Second)); err != nil {
				t.Fatalf("before expiry: %v", err)
			}
			if _, exp, err := s.APITokenUser(ctx, tfDigest("2"), week.ExpiresAt); !errors.Is(err, auth.ErrTokenExpired) || !exp.Equal(week.ExpiresAt) {
				t.Fatalf("at expiry: %v %v, want ErrTokenExpired at %v", exp, err, week.ExpiresAt)
			}
			// The refused use is not recorded as a use.
			if list, _ := s.APITokens(ctx, ana); !list[0].LastUsedAt.Equal(week.ExpiresAt.Add(-time.Second)) {
				t.Fatalf("last used %v after a refused use", list[0].LastUsedAt)
			}
			if !week.Expired(week.ExpiresAt) || week.Expired(week.ExpiresAt.Add(-time.Second)) || forever.Expired(now.Add(1000*time.Hour)) {
				t.Fatal("Expired")
			}
			if _, _, err := s.APITokenUser(ctx, tfDigest("9"), now); !errors.Is(err, ErrNotFound) {
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
			if _, _, err := s.APITokenUser(ctx, tfDigest("1"), now); !errors.Is(err, ErrNotFound) {
				t.Fatalf("revoked token: %v, want ErrNotFound", err)
			}
			if _, err := s.DeleteAPIToken(ctx, s.DB, ana, forever.ID()); !errors.Is(err, ErrNotFound) {
				t.Fatalf("revoking twice: %v", err)
			}
		})
	}
}

// TestMigrationGivesOldTokensAnExpiry: a token made before every token had
// to expire gets the default lifetime from the upgrade on.
func TestMigrationGivesOldTokensAnExpiry(t *testing.T) {
	for name, s := range engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			if _, err := s.DB.MigrateTo(ctx, Migrations, 18); err != nil {
				t.Fatal(err)
			}
			ana, err := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana", PasswordHash: "h", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO api_tokens (digest, user_id, name, created_at) VALUES (?, ?, ?, ?)"),
				tfDigest("1"), ana, "old", s.timeArg(t0)); err != nil {
				t.Fatal(err)
			}
			week := t0.AddDate(0, 0, 7)
			if _, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO api_tokens (digest, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
				tfDigest("2"), ana, "weekly", s.timeArg(t0), s.timeArg(week)); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := s.APITokens(ctx, ana)
			if err != nil || len(list) != 2 {
				t.Fatalf("%+v %v", list, err)
			}
			for _, tok := range list {
				switch tok.Name {
				case "old":
					if want := start.AddDate(0, 0, 90); tok.ExpiresAt.Before(want.Add(-time.Minute)) || tok.ExpiresAt.After(want.Add(time.Minute)) {
						t.Errorf("the old token expires at %v, want about %v", tok.ExpiresAt, want)
					}
				case "weekly":
					if !tok.ExpiresAt.Equal(week) {
						t.Errorf("a token with an expiry got %v, want its own %v", tok.ExpiresAt, week)
					}
				}
			}
		})
	}
}
