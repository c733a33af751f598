package auth

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the ASCII key "12345678901234567890" of RFC 4226 and RFC
// 6238's SHA-1 test vectors, in base32.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// TestHOTPVectors checks RFC 4226, appendix D.
func TestHOTPVectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		if got := hotp([]byte("12345678901234567890"), int64(i), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, w)
		}
	}
}

// TestTOTPVectors checks RFC 6238, appendix B (SHA-1): the 8-digit values,
// and the 6-digit codes apps show, which are their last six digits.
func TestTOTPVectors(t *testing.T) {
	for unix, w := range map[int64]string{
		59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
		1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130",
	} {
		at := time.Unix(unix, 0)
		if got := hotp([]byte("12345678901234567890"), TOTPStep(at), 8); got != w {
			t.Errorf("TOTP8(%d) = %s, want %s", unix, got, w)
		}
		code, err := TOTPCode(rfcSecret, at)
		if err != nil || code != w[2:] {
			t.Errorf("TOTPCode(%d) = %s, %v, want %s", unix, code, err, w[2:])
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 {
		t.Fatalf("secret %q: want 32 base32 characters", secret)
	}
	now := time.Date(2026, 11, 26, 9, 0, 10, 0, time.UTC)
	code, _ := TOTPCode(secret, now)
	step, ok := CheckTOTP(secret, code, now, 0)
	if !ok || step != TOTPStep(now) {
		t.Fatalf("current code refused: %v %d", ok, step)
	}
	// Typed with a space, and with the secret in lower case and groups.
	if _, ok := CheckTOTP(strings.ToLower(GroupSecret(secret)), code[:3]+" "+code[3:], now, 0); !ok {
		t.Fatal("a code typed with a space, or a secret in groups, is refused")
	}
	// The same step again is a replay.
	if _, ok := CheckTOTP(secret, code, now, step); ok {
		t.Fatal("a used step was accepted again")
	}
	// One step of drift either way is allowed, two is not.
	prev, _ := TOTPCode(secret, now.Add(-TOTPPeriod))
	next, _ := TOTPCode(secret, now.Add(TOTPPeriod))
	old, _ := TOTPCode(secret, now.Add(-2*TOTPPeriod))
	if _, ok := CheckTOTP(secret, prev, now, 0); !ok {
		t.Error("the previous step's code is refused")
	}
	if _, ok := CheckTOTP(secret, next, now, 0); !ok {
		t.Error("the next step's code is refused")
	}
	if _, ok := CheckTOTP(secret, old, now, 0); ok && old != code && old != prev && old != next {
		t.Error("a code two steps old was accepted")
	}
	// An older code cannot follow a newer one.
	if _, ok := CheckTOTP(secret, prev, now, step); ok && prev != code {
		t.Error("an older step was accepted after a newer one")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := CheckTOTP(secret, bad, now, 0); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, ok := CheckTOTP("not base32!", "123456", now, 0); ok {
		t.Error("a malformed secret accepted a code")
	}
	if _, err := TOTPCode("not base32!", now); err == nil {
		t.Error("TOTPCode of a malformed secret must fail")
	}
}

func TestTOTPURIAndGroups(t *testing.T) {
	if g := GroupSecret("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"); g != "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567" {
		t.Fatalf("groups: %q", g)
	}
	if g := GroupSecret("ABCDEF"); g != "ABCD EF" {
		t.Fatalf("groups: %q", g)
	}
	uri := TOTPURI("ABCDEFGH", "certboard", "ana@example.org")
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("%s: %v", uri, err)
	}
	q := u.Query()
	if q.Get("secret") != "ABCDEFGH" || q.Get("issuer") != "certboard" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Fatalf("query %v", q)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/certboard:ana@example.org?") {
		t.Fatalf("label: %s", uri)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(RecoveryCodes)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodes {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 14 || c[4] != '-' || c[9] != '-' || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		n := NormalizeRecoveryCode(c)
		if len(n) != 12 || strings.Trim(n, recoveryAlphabet) != "" {
			t.Fatalf("normalized %q", n)
		}
		if NormalizeRecoveryCode(" "+strings.ToUpper(c)+" ") != n {
			t.Fatalf("normalizing %q is not forgiving", c)
		}
		if LooksLikeTOTP(c) {
			t.Fatalf("%q looks like a TOTP code", c)
		}
	}
	if !LooksLikeTOTP("123 456") || LooksLikeTOTP("12345a") {
		t.Fatal("LooksLikeTOTP")
	}
}
