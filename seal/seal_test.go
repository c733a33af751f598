package seal

import (
	"errors"
	"os"
	"path/filepath"
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
		if strings.Contains(s, "vid") && msg != "" {
			t.Fatalf("sealed text shows the plaintext: %q", s)
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
