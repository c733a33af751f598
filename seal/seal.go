// Package seal encrypts sensitive data at rest with AES-256-GCM: portfolio
// evidence in the database, uploaded documents in the file store, and
// two-factor secrets. A sealed value names the key that sealed it, so keys
// can be added without re-encrypting old data.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// Keyring seals with its newest key and opens with any key it holds.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// ErrOpen is returned when sealed data cannot be opened: a wrong or unknown
// key, or data that was altered.
var ErrOpen = errors.New("seal: cannot open sealed data (wrong key or altered data)")

// New builds a keyring from raw keys, newest last.
func New(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for _, raw := range keys {
		if len(raw) != KeySize {
			return nil, fmt.Errorf("seal: a key must be %d bytes, not %d", KeySize, len(raw))
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := keyID(raw)
		k.aeads[id] = aead
		k.current = id
	}
	return k, nil
}

// keyID names a key without revealing it: the first 8 hex digits of a
// domain-separated SHA-256.
func keyID(raw []byte) string {
	h := sha256.Sum256(append([]byte("certboard seal key id\x00"), raw...))
	return hex.EncodeToString(h[:4])
}

// Seal encrypts plaintext; context binds the result to where it is stored
// (a table and row, say), so that it cannot be moved elsewhere unnoticed.
// The result is "v1.<key id>.<base64 of nonce and ciphertext>".
func (k *Keyring) Seal(plaintext []byte, context string) string {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	out := aead.Seal(nonce, nonce, plaintext, []byte(context))
	return "v1." + k.current + "." + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced with the same context.
func (k *Keyring) Open(sealed, context string) ([]byte, error) {
	parts := strings.SplitN(sealed, ".", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, ErrOpen
	}
	aead, ok := k.aeads[parts[1]]
	if !ok {
		return nil, fmt.Errorf("%w: key %s is not in the keyring", ErrOpen, parts[1])
	}
	raw, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, ErrOpen
	}
	out, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// Generate returns a new random key.
func Generate() []byte {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// Encode writes a key as text for a file or an environment variable.
func Encode(raw []byte) string { return base64.StdEncoding.EncodeToString(raw) }

// Decode reads keys written by Encode: one per line or separated by
// commas, oldest first.
func Decode(text string) ([][]byte, error) {
	var keys [][]byte
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' }) {
		raw, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			return nil, fmt.Errorf("seal: a key is not base64: %w", err)
		}
		if len(raw) != KeySize {
			return nil, fmt.Errorf("seal: a key must be %d bytes, not %d", KeySize, len(raw))
		}
		keys = append(keys, raw)
	}
	if len(keys) == 0 {
		return nil, errors.New("seal: no key in the key text")
	}
	return keys, nil
}

// LoadOrCreate reads the keyring kept in file, creating the file with one
// new key (readable by its owner only) when it does not exist.
func LoadOrCreate(file string) (*Keyring, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, err
		}
		text := Encode(Generate()) + "\n"
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating the encryption key: %w", err)
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		b = []byte(text)
	} else if err != nil {
		return nil, fmt.Errorf("reading the encryption key: %w", err)
	}
	keys, err := Decode(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	return New(keys...)
}
