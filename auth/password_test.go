package auth

import (
	"strings"
	"testing"
)

// fast keeps tests quick; the format and logic are the same at any cost.
var fast = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if ok, _, err := Verify(h, "correct horse battery staple", fast); err != nil || !ok {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _, _ := Verify(h, "correct horse battery stapler", fast); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := Hash("correct horse battery staple", fast)
	if h2 == h {
		t.Fatal("two hashes of one password must differ (random salt)")
	}
	if _, rehash, _ := Verify(h, "correct horse battery staple", DefaultParams); !rehash {
		t.Fatal("a hash with lower costs than the current ones must ask to be recomputed")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=18$m=1,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$!!$a2V5", "$argon2id$v=19$m=1,t=1,p=1$$"} {
		if _, _, err := Verify(bad, "x", fast); err != ErrMalformedHash {
			t.Errorf("%q: %v, want ErrMalformedHash", bad, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{
		"short":                         "at least 12 characters",
		strings.Repeat("a", 257):        "at most 256",
		"jordan.reyes-2026!":            "e-mail name",
		"Password1234":                  "most common",
		"violet kettle mountain breeze": "",
	} {
		err := CheckPassword(pw, "jordan.reyes@example.org")
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: %v, want %q", pw, err, want)
		}
	}
}

func TestTokens(t *testing.T) {
	a, da, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 40 || da != Digest(a) || da == a {
		t.Fatalf("tokens %q %q digest %q", a, b, da)
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}
