package verifier

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/statuslist"
)

// TestListCache: a reading is handed out for the same URL and body only,
// until its ttl (or DefaultListTTL) or the list's validUntil, whichever
// comes first.
func TestListCache(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	body := sha256.Sum256([]byte("list"))
	other := sha256.Sum256([]byte("another list"))
	for _, tc := range []struct {
		name       string
		ttl        time.Duration
		validUntil time.Time
		keptFor    time.Duration
	}{
		{"no ttl", 0, time.Time{}, DefaultListTTL},
		{"ttl", time.Minute, time.Time{}, time.Minute},
		{"validUntil sooner", time.Hour, now.Add(10 * time.Second), 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := listCache{lists: map[string]*listReading{}}
			c.put("https://l.example/1", &listReading{digest: body, ttl: tc.ttl, validUntil: tc.validUntil}, now)
			if c.get("https://l.example/1", body, now.Add(tc.keptFor-time.Nanosecond)) == nil {
				t.Error("not kept until just before it expires")
			}
			if c.get("https://l.example/1", body, now.Add(tc.keptFor)) != nil {
				t.Error("still handed out once expired")
			}
			if c.get("https://l.example/1", other, now) != nil {
				t.Error("handed out for another body")
			}
			if c.get("https://l.example/2", body, now) != nil {
				t.Error("handed out for another URL")
			}
		})
	}
	c := listCache{lists: map[string]*listReading{}}
	c.put("https://l.example/1", &listReading{digest: body, validUntil: now}, now)
	if len(c.lists) != 0 {
		t.Error("a list already expired was kept")
	}
	for i := range maxKeptLists + 5 {
		c.put(string(rune('a'+i)), &listReading{digest: body}, now)
	}
	if len(c.lists) > maxKeptLists {
		t.Errorf("%d lists kept, more than %d", len(c.lists), maxKeptLists)
	}
}

// TestKeptListNeedsSameKey: a kept reading is used only while the list's
// verification method still resolves to the key that verified it; a key
// withdrawn since makes the list be read again, and fail as it would have.
func TestKeptListNeedsSameKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	const url = "https://l.example/status/1"
	body := []byte("not a list: only a kept reading can answer")
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	bits, _ := statuslist.New(statuslist.MinSize)
	issuer := "did:web:board.example"
	readLists.put(url, &listReading{digest: sha256.Sum256(body), issuer: issuer, method: issuer + "#key-1",
		key: pub, typed: true, purpose: "revocation", bits: bits}, now)
	t.Cleanup(func() { clear(readLists.lists) })
	entry := map[string]any{"statusListCredential": url, "statusListIndex": "7", "statusPurpose": "revocation"}
	fetch := func(_ context.Context, _ string) ([]byte, error) { return body, nil }
	for _, tc := range []struct {
		name   string
		key    ed25519.PublicKey
		err    error
		usable bool
	}{
		{"same key", pub, nil, true},
		{"another key", other, nil, false},
		{"key gone", nil, errors.New("unknown key"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resolve := func(string) (ed25519.PublicKey, error) { return tc.key, tc.err }
			on, _, err := statusBit(t.Context(), entry, issuer, fetch, resolve, now)
			if tc.usable && (err != nil || on) {
				t.Fatalf("kept reading not used: %v %v", on, err)
			}
			if !tc.usable && err == nil {
				t.Fatal("kept reading used although the key changed")
			}
		})
	}
}
