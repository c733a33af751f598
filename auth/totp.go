package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Time-based one-time passwords (RFC 6238) as authenticator apps expect
// them: HMAC-SHA-1, 30-second steps, 6 digits.
const (
	TOTPPeriod = 30 * time.Second
	TOTPDigits = 6
	// TOTPSkew is how many steps before and after the current one are
	// accepted, for clocks that drift and codes typed near a boundary.
	TOTPSkew = 1
	// RecoveryCodes is how many single-use recovery codes a user gets.
	RecoveryCodes = 10
)

// secretEncoding is base32 without padding, the form authenticator apps
// read from otpauth:// URIs and from a typed key.
var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random 160-bit secret (the length RFC 4226
// recommends for HMAC-SHA-1) in unpadded base32.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading a random secret: %w", err)
	}
	return secretEncoding.EncodeToString(b), nil
}

// decodeSecret reads a base32 secret, forgiving case, spaces and padding
// as people type them.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
	s = strings.TrimRight(s, "=")
	key, err := secretEncoding.DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("a two-factor secret must be base32 (letters A-Z and digits 2-7)")
	}
	return key, nil
}

// TOTPStep is the number of the 30-second step that contains t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// hotp is RFC 4226's HOTP value of a counter with digits digits.
func hotp(key []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// TOTPCode returns the 6-digit code an authenticator app shows at time t
// for a base32 secret. Tests and the demo use it to sign in as a user whose
// secret they know.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, TOTPStep(t), TOTPDigits), nil
}

// CheckTOTP reports whether code is valid for secret at time t, accepting
// TOTPSkew steps either side, and returns the step it matched. A step at or
// before lastUsed is refused, so a code cannot be used twice and an older
// code cannot follow a newer one.
func CheckTOTP(secret, code string, t time.Time, lastUsed int64) (step int64, ok bool) {
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	code = strings.Join(strings.Fields(code), "")
	if len(code) != TOTPDigits {
		return 0, false
	}
	now := TOTPStep(t)
	for s := now - TOTPSkew; s <= now+TOTPSkew; s++ {
		if s <= lastUsed {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(key, s, TOTPDigits)), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// LooksLikeTOTP reports whether what a person typed has the shape of a
// TOTP code (six digits, spaces allowed) rather than of a recovery code.
func LooksLikeTOTP(code string) bool {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != TOTPDigits {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// GroupSecret writes a secret in groups of four characters, for typing it
// into an app by hand.
func GroupSecret(secret string) string {
	var groups []string
	for len(secret) > 4 {
		groups = append(groups, secret[:4])
		secret = secret[4:]
	}
	return strings.Join(append(groups, secret), " ")
}

// TOTPURI is the otpauth:// URI that authenticator apps read from a QR
// code: the issuer and account label what the app shows.
func TOTPURI(secret, issuer, accountName string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(TOTPDigits))
	q.Set("period", fmt.Sprint(int(TOTPPeriod/time.Second)))
	label := url.PathEscape(issuer) + ":" + url.PathEscape(accountName)
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// recoveryAlphabet avoids characters people confuse (0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewRecoveryCodes returns n random single-use recovery codes such as
// "k7mq-p3xr-2hwd": 12 characters of a 31-letter alphabet, about 59 bits.
func NewRecoveryCodes(n int) ([]string, error) {
	out := make([]string, 0, n)
	var one [1]byte
	for range n {
		var b strings.Builder
		for i := 0; i < 12; {
			if _, err := rand.Read(one[:]); err != nil {
				return nil, fmt.Errorf("reading random recovery codes: %w", err)
			}
			// Bytes past the largest multiple of the alphabet's size are
			// rejected, so every letter is equally likely.
			if int(one[0]) >= 256/len(recoveryAlphabet)*len(recoveryAlphabet) {
				continue
			}
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[int(one[0])%len(recoveryAlphabet)])
			i++
		}
		out = append(out, b.String())
	}
	return out, nil
}

// NormalizeRecoveryCode is the form of a recovery code that is digested
// and compared: lower case, without spaces or dashes.
func NormalizeRecoveryCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		if r == '-' || r == ' ' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
