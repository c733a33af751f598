package seal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	k, err := New(Generate())
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"", "x", strings.Repeat("évidence ", 1000)} {
		s := k.Seal([]byte(msg), "applications/1")
		// The sealed bytes must not hold the plaintext, raw or in base64.
		// (A three-letter probe would be flaky: random base64 holds "vid"
		// about once in twenty 9,000-byte seals.)
		if raw, err := base64.RawStdEncoding.DecodeString(strings.Split(s, ".")[2]); err != nil {
			t.Fatalf("sealed text is not v1.<id>.<base64>: %q", s)
		} else if len(msg) >= 16 && bytes.Contains(raw, []byte(msg[:16])) {
			t.Fatalf("sealed bytes show the plaintext")
		}
		got, err := k.Open(s, "applications/1")
		if err != nil || string(got) != msg {
			t.Fatalf("Open = %q, %v; want %q", got, err, msg)
		}
	}
	if a, b := k.Seal([]byte("same"), "c"), k.Seal([]byte("same"), "c"); a == b {
		t.Fatal("two seals of one plaintext are equal: the nonce is not random")
	}
}

func TestOpenRefusesTamperingWrongContextAndWrongKey(t *testing.T) {
	k, _ := New(Generate())
	s := k.Seal([]byte("secret"), "users/7")
	if _, err := k.Open(s, "users/8"); !errors.Is(err, ErrOpen) {
		t.Fatalf("other context: %v", err)
	}
	b := []byte(s)
	b[len(b)-3] ^= 1
	if _, err := k.Open(string(b), "users/7"); !errors.Is(err, ErrOpen) {
		t.Fatalf("altered: %v", err)
	}
	other, _ := New(Generate())
	if _, err := other.Open(s, "users/7"); !errors.Is(err, ErrOpen) {
		t.Fatalf("other key: %v", err)
	}
	for _, bad := range []string{"", "v1", "v2.x.y", "v1." + strings.Repeat("a", 8) + ".!!"} {
		if _, err := k.Open(bad, "users/7"); !errors.Is(err, ErrOpen) {
			t.Fatalf("Open(%q): %v", bad, err)
		}
	}
}

func TestRotationKeepsOldDataReadable(t *testing.T) {
	old := Generate()
	k1, _ := New(old)
	s := k1.Seal([]byte("old"), "c")
	k2, _ := New(old, Generate())
	if got, err := k2.Open(s, "c"); err != nil || string(got) != "old" {
		t.Fatalf("old data after rotation: %q, %v", got, err)
	}
	if strings.Split(k2.Seal([]byte("new"), "c"), ".")[1] == strings.Split(s, ".")[1] {
		t.Fatal("new data is sealed with the old key")
	}
}

func TestLoadOrCreate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys", "secret.key")
	k1, err := LoadOrCreate(file)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v, %v", fi, err)
	}
	k2, err := LoadOrCreate(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k2.Open(k1.Seal([]byte("x"), "c"), "c"); err != nil {
		t.Fatalf("reloaded keyring cannot open: %v", err)
	}
	os.WriteFile(file, []byte("not base64!"), 0o600)
	if _, err := LoadOrCreate(file); err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
	if _, err := Decode(Encode([]byte("short"))); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestKeyFileReadableByOthersIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	file := filepath.Join(t.TempDir(), "secret.key")
	if _, err := LoadOrCreate(file); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(file, mode); err != nil {
			t.Fatal(err)
		}
		for name, load := range map[string]func(string) (*Keyring, error){"LoadOrCreate": LoadOrCreate, "LoadFile": LoadFile} {
			if _, err := load(file); err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("%s of a key file with mode %04o: %v, want a refusal saying chmod 600", name, mode, err)
			}
		}
		if _, err := AddKey(file); err == nil {
			t.Errorf("AddKey to a key file with mode %04o succeeded", mode)
		}
	}
	os.Chmod(file, 0o400)
	if _, err := LoadFile(file); err != nil {
		t.Fatalf("a read-only key file of its owner: %v", err)
	}
}

func TestAddKeyRotates(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secret.key")
	k1, err := LoadOrCreate(file)
	if err != nil {
		t.Fatal(err)
	}
	old := k1.Seal([]byte("sealed before the rotation"), "c")
	id, err := AddKey(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(file); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("key file after AddKey: %v, %v", fi, err)
	}
	k2, err := LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Current() != id || id == k1.Current() || len(k2.IDs()) != 2 || k2.IDs()[0] != k1.Current() {
		t.Fatalf("after AddKey: current %s (new %s, old %s), ids %v", k2.Current(), id, k1.Current(), k2.IDs())
	}
	if got, err := k2.Open(old, "c"); err != nil || string(got) != "sealed before the rotation" {
		t.Fatalf("old data after AddKey: %q, %v", got, err)
	}
	if KeyID(k2.Seal([]byte("x"), "c")) != id || KeyID(old) != k1.Current() || KeyID("plain text") != "" {
		t.Fatal("KeyID does not name the key that sealed")
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Fatalf("AddKey left files behind: %v", entries)
	}
}

func TestSignerIsDerivedPerKeyAndPurpose(t *testing.T) {
	raw1, raw2 := Generate(), Generate()
	k, _ := New(raw1, raw2)
	again, _ := New(raw1, raw2)
	ids := k.IDs()
	a, ok := k.Signer(ids[0], "audit")
	b, _ := again.Signer(ids[0], "audit")
	if !ok || !a.Equal(b) {
		t.Fatal("the same key and purpose must derive the same signing key")
	}
	if c, _ := k.Signer(ids[0], "other"); c.Equal(a) {
		t.Fatal("another purpose derived the same signing key")
	}
	if d, _ := k.Signer(ids[1], "audit"); d.Equal(a) {
		t.Fatal("another key derived the same signing key")
	}
	if _, ok := k.Signer("00000000", "audit"); ok {
		t.Fatal("a key not in the keyring derived a signing key")
	}
	sig := ed25519.Sign(a, []byte("m"))
	if !ed25519.Verify(a.Public().(ed25519.PublicKey), []byte("m"), sig) {
		t.Fatal("the derived key does not sign")
	}
}

func TestBlindIndexIsKeyedPerKeyAndPurpose(t *testing.T) {
	raw1, raw2 := Generate(), Generate()
	k, _ := New(raw1, raw2)
	again, _ := New(raw1, raw2)
	ids := k.IDs()
	a, ok := k.BlindIndex(ids[0], "licence", []byte("MH15873"))
	b, _ := again.BlindIndex(ids[0], "licence", []byte("MH15873"))
	if !ok || len(a) != 32 || !bytes.Equal(a, b) {
		t.Fatalf("the same key, purpose and value must give the same 32-byte hash: %x, %x", a, b)
	}
	for name, other := range map[string][]byte{
		"another value":   must(k.BlindIndex(ids[0], "licence", []byte("MH15874"))),
		"another purpose": must(k.BlindIndex(ids[0], "other", []byte("MH15873"))),
		"another key":     must(k.BlindIndex(ids[1], "licence", []byte("MH15873"))),
	} {
		if bytes.Equal(other, a) {
			t.Errorf("%s gave the same hash", name)
		}
	}
	if _, ok := k.BlindIndex("00000000", "licence", []byte("MH15873")); ok {
		t.Fatal("a key not in the keyring made a hash")
	}
}

func must(b []byte, ok bool) []byte {
	if !ok {
		panic("no such key")
	}
	return b
}
