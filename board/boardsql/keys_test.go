package boardsql

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSigningKeysRotate(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			day1 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			if _, err := s.CurrentSigningKey(ctx); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a new board has a key: %v", err)
			}
			first, err := s.EnsureSigningKey(ctx, day1)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := s.EnsureSigningKey(ctx, day1.Add(time.Hour)); err != nil || again != first {
				t.Fatalf("EnsureSigningKey made another key: %s, %v", again, err)
			}
			k1, err := s.CurrentSigningKey(ctx)
			if err != nil || k1.ID != first {
				t.Fatalf("current: %+v %v", k1, err)
			}
			msg := []byte("credential")
			sig1 := ed25519.Sign(k1.Private, msg)

			// The private key is sealed at rest.
			var stored string
			if err := s.DB.QueryRow(s.Dialect.Rebind("SELECT private_key FROM signing_keys WHERE id = ?"), first).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(stored, "v1.") || strings.Contains(stored, string(k1.Private.Seed())) {
				t.Fatalf("the private key is not sealed: %q", stored)
			}

			second, err := s.NewSigningKey(ctx, nil, day1.AddDate(0, 1, 0))
			if err != nil || second == first {
				t.Fatalf("rotate: %s %v", second, err)
			}
			k2, err := s.CurrentSigningKey(ctx)
			if err != nil || k2.ID != second {
				t.Fatalf("current after rotation: %+v %v", k2, err)
			}
			keys, err := s.SigningKeys(ctx)
			if err != nil || len(keys) != 2 || keys[0].ID != second || keys[1].ID != first {
				t.Fatalf("keys: %+v %v", keys, err)
			}
			if !keys[0].RetiredAt.IsZero() || !keys[1].RetiredAt.Equal(day1.AddDate(0, 1, 0)) || keys[1].Private != nil {
				t.Fatalf("retirement: %+v", keys)
			}
			// The old key still verifies what it signed.
			if !ed25519.Verify(keys[1].Public, msg, sig1) {
				t.Fatal("the retired key no longer verifies its signature")
			}
		})
	}
}
