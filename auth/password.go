// Package auth holds what accounts need that is not storage: password
// hashing with argon2id, the password policy, and session tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultParams follow the OWASP recommendation for argon2id: 19 MiB, 2
// passes, 1 lane, about 40 ms a hash on one core of the CI machine
// (BenchmarkHashDefault). Raise them as hardware allows; Verify reports
// stored hashes with lower costs so they can be recomputed at the next login.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of a password:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash this package cannot read.
var ErrMalformedHash = errors.New("malformed password hash")

// Verify reports whether password matches the PHC string, in constant time,
// and whether the hash should be recomputed with p (its costs are lower).
func Verify(encoded, password string, p Params) (ok, rehash bool, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, ErrMalformedHash
	}
	var have Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &have.Memory, &have.Time, &have.Threads); err != nil {
		return false, false, ErrMalformedHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) == 0 || len(want) == 0 {
		return false, false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, have.Time, have.Memory, have.Threads, uint32(len(want)))
	ok = subtle.ConstantTimeCompare(got, want) == 1
	rehash = have.Memory < p.Memory || have.Time < p.Time || have.Threads < p.Threads
	return ok, rehash, nil
}

// Password policy limits.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// common lists passwords too common to allow, whatever their length.
var common = map[string]bool{
	"password1234": true, "123456789012": true, "qwertyuiopas": true, "passwordpassword": true,
	"iloveyou1234": true, "letmein12345": true, "welcome12345": true, "sextherapist": true,
}

// CheckPassword says what is wrong with a new password, in words a person can
// act on, or returns nil.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return fmt.Errorf("password: use at least %d characters (a few unrelated words make a strong one)", MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Errorf("password: use at most %d characters", MaxPasswordLen)
	case email != "" && strings.Contains(strings.ToLower(password), strings.ToLower(strings.Split(email, "@")[0])) && len(strings.Split(email, "@")[0]) >= 4:
		return errors.New("password: do not include your e-mail name in it")
	case common[strings.ToLower(password)]:
		return errors.New("password: this one is among the most common; choose another")
	}
	return nil
}

// NewToken returns a random session token for the cookie and its SHA-256
// hex digest for storage: the database never holds a usable token.
func NewToken() (token, digest string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("reading random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, Digest(token), nil
}

// Digest returns the storage form of a token.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
