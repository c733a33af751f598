// Package seal encrypts sensitive data at rest with AES-256-GCM: portfolio
// evidence in the database, uploaded documents in the file store, and
// two-factor secrets. A sealed value names the key that sealed it, so keys
// can be added without re-encrypting old data.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// Keyring seals with its newest key and opens with any key it holds.
type Keyring struct {
	current string
	ids     []string // oldest first
	aeads   map[string]cipher.AEAD
	raw     map[string][]byte
}

// ErrOpen is returned when sealed data cannot be opened: a wrong or unknown
// key, or data that was altered.
var ErrOpen = errors.New("seal: cannot open sealed data (wrong key or altered data)")

// New builds a keyring from raw keys, newest last.
func New(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("seal: no key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}, raw: map[string][]byte{}}
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
		if _, dup := k.aeads[id]; !dup {
			k.ids = append(k.ids, id)
		}
		k.aeads[id] = aead
		k.raw[id] = append([]byte(nil), raw...)
		k.current = id
	}
	return k, nil
}

// Current returns the id of the key that seals now (the newest).
func (k *Keyring) Current() string { return k.current }

// IDs returns the ids of the keyring's keys, oldest first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// KeyID returns the id of the key that sealed a value, or "" when the value
// is not one Seal produced.
func KeyID(sealed string) string {
	parts := strings.SplitN(sealed, ".", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return ""
	}
	return parts[1]
}

// Signer returns an Ed25519 private key derived from the keyring's key id
// for one purpose (HKDF-SHA256 with the purpose in its info), and whether
// the keyring holds that key. The signing key is never stored: whoever holds
// the keyring can derive it again, and nobody else can, so a signature it
// makes cannot be forged by someone who can only write to the database.
func (k *Keyring) Signer(id, purpose string) (ed25519.PrivateKey, bool) {
	raw, ok := k.raw[id]
	if !ok {
		return nil, false
	}
	seed, err := hkdf.Key(sha256.New, raw, nil, "certboard seal: ed25519 key for "+purpose, ed25519.SeedSize)
	if err != nil {
		panic(err) // only for lengths HKDF cannot produce; SeedSize is not one
	}
	return ed25519.NewKeyFromSeed(seed), true
}

// BlindIndex returns a keyed hash of value for one purpose: HMAC-SHA256
// under a key derived from the keyring's key id (HKDF-SHA256 with the
// purpose in its info), and whether the keyring holds that key. Stored
// beside sealed data, it lets the database find a row by an exact value
// (a normalised licence number, say) without holding the value: equal
// values give equal hashes, and without the keyring nobody can compute
// one to compare, or guess a short value by trying them all. A hash
// made under one key matches only hashes made under the same key, so a
// lookup computes one per key the rows may have been made under.
func (k *Keyring) BlindIndex(id, purpose string, value []byte) ([]byte, bool) {
	raw, ok := k.raw[id]
	if !ok {
		return nil, false
	}
	key, err := hkdf.Key(sha256.New, raw, nil, "certboard seal: blind index key for "+purpose, sha256.Size)
	if err != nil {
		panic(err) // only for lengths HKDF cannot produce; sha256.Size is not one
	}
	m := hmac.New(sha256.New, key)
	m.Write(value)
	return m.Sum(nil), true
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

// CheckFileMode refuses a key file that others than its owner may read or
// write: on a shared machine its keys would be anyone's. (Windows has no
// such modes; the check is skipped there.)
func CheckFileMode(file string) error {
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the key file %s has mode %04o: other users may read it; it must be readable by its owner only (chmod 600 %s), and certboard does not start until it is",
			file, fi.Mode().Perm(), file)
	}
	return nil
}

// LoadFile reads the keyring kept in file, which must exist and be
// readable by its owner only (see CheckFileMode).
func LoadFile(file string) (*Keyring, error) {
	if err := CheckFileMode(file); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the encryption key: %w", err)
	}
	keys, err := Decode(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return New(keys...)
}

// AddKey appends a new key to the keyring kept in file, which becomes the
// key that seals from then on; the older keys stay for opening what they
// sealed. The file is replaced atomically and stays readable by its owner
// only. It returns the new key's id.
func AddKey(file string) (string, error) {
	if err := CheckFileMode(file); err != nil {
		return "", err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the encryption key: %w", err)
	}
	if _, err := Decode(string(b)); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	raw := Generate()
	text := strings.TrimRight(string(b), "\r\n ") + "\n" + Encode(raw) + "\n"
	tmp, err := os.CreateTemp(filepath.Dir(file), ".secret-key-*") // mode 0600
	if err != nil {
		return "", fmt.Errorf("writing the new key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing the new key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("writing the new key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("writing the new key: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return "", fmt.Errorf("replacing the key file: %w", err)
	}
	if d, err := os.Open(filepath.Dir(file)); err == nil {
		d.Sync() // the rename itself durable, where the system allows
		d.Close()
	}
	return keyID(raw), nil
}

// LoadOrCreate reads the keyring kept in file, creating the file with one
// new key (readable by its owner only) when it does not exist. An existing
// file that others may read is refused (see CheckFileMode).
func LoadOrCreate(file string) (*Keyring, error) {
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating the encryption key: %w", err)
		}
		if _, err := f.WriteString(Encode(Generate()) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	}
	return LoadFile(file)
}
