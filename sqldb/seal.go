package sqldb

import (
	"errors"

	"github.com/certboard/certboard/seal"
)

// ErrNoKeys is returned by a store's methods that seal, open or sign when
// the store was opened without keys.
var ErrNoKeys = errors.New("store: no encryption keys configured")

// Seal seals plain with keys, bound to context (the row it belongs to,
// such as "practice/clients/7"), for a sensitive column; ErrNoKeys when
// keys is nil.
func Seal(keys *seal.Keyring, plain []byte, context string) (string, error) {
	if keys == nil {
		return "", ErrNoKeys
	}
	return keys.Seal(plain, context), nil
}

// Unseal opens what Seal sealed with the same context; ErrNoKeys when keys
// is nil.
func Unseal(keys *seal.Keyring, sealed, context string) ([]byte, error) {
	if keys == nil {
		return nil, ErrNoKeys
	}
	return keys.Open(sealed, context)
}
