package boardsql

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/did"
	"github.com/certboard/certboard/sqldb"
)

// SigningKey is board.SigningKey.
type SigningKey = board.SigningKey

func keyContext(id string) string { return "signing_keys/" + id }

// NewSigningKey generates a key from r (crypto/rand when nil), retires the
// current one and stores the new one, sealed, in one transaction. It
// returns the new key's id.
func (s *Store) NewSigningKey(ctx context.Context, r io.Reader, at time.Time) (string, error) {
	var id string
	err := s.InTx(ctx, func(tx *Tx) error {
		k, err := tx.NewSigningKeyIn(ctx, r, at)
		if err == nil {
			id = k.ID
		}
		return err
	})
	return id, err
}

// NewSigningKeyIn is NewSigningKey in the caller's transaction; it returns
// the key with its private part.
func (tx *Tx) NewSigningKeyIn(ctx context.Context, r io.Reader, at time.Time) (*SigningKey, error) {
	s := tx.s
	pub, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return nil, fmt.Errorf("generating a signing key: %w", err)
	}
	id := fmt.Sprintf("key-%s-%x", at.UTC().Format("20060102"), []byte(pub[:3]))
	sealed, err := s.seal(priv.Seed(), keyContext(id))
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL"), s.timeArg(at)); err != nil {
		return nil, fmt.Errorf("retiring the signing key: %w", err)
	}
	_, err = tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO signing_keys (id, public_key, private_key, created_at) VALUES (?, ?, ?, ?)"),
		id, did.Multikey(pub), sealed, s.timeArg(at))
	if err != nil && sqldb.IsUniqueViolation(err) {
		return nil, fmt.Errorf("a key %s exists already; try again: %w", id, ErrConflict)
	}
	if err != nil {
		return nil, fmt.Errorf("storing the signing key: %w", err)
	}
	return &SigningKey{ID: id, Public: pub, Private: priv, CreatedAt: at}, nil
}

// EnsureSigningKey makes a first key when the board has none (at first
// start) and returns the id of the current key.
func (s *Store) EnsureSigningKey(ctx context.Context, at time.Time) (string, error) {
	k, err := s.CurrentSigningKey(ctx)
	if errors.Is(err, ErrNotFound) {
		return s.NewSigningKey(ctx, nil, at)
	}
	if err != nil {
		return "", err
	}
	return k.ID, nil
}

// SigningKeys lists every key, current and retired, newest first, without
// their private parts: what the DID document publishes.
func (s *Store) SigningKeys(ctx context.Context) ([]SigningKey, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, public_key, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, func(r sqldb.Scanner) (k SigningKey, err error) {
		var multikey string
		var created, retired any
		if err := r.Scan(&k.ID, &multikey, &created, &retired); err != nil {
			return k, err
		}
		if k.Public, err = did.PublicFromMultikey(multikey); err != nil {
			return k, fmt.Errorf("signing key %s: %w", k.ID, err)
		}
		if k.CreatedAt, err = sqldb.ScanTime(created); err != nil {
			return k, err
		}
		if retired != nil {
			k.RetiredAt, err = sqldb.ScanTime(retired)
		}
		return k, err
	})
}

// CurrentSigningKey returns the key that signs now, with its private part.
func (s *Store) CurrentSigningKey(ctx context.Context) (*SigningKey, error) {
	var k SigningKey
	var multikey, sealed string
	var created any
	err := s.DB.QueryRowContext(ctx, "SELECT id, public_key, private_key, created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1").
		Scan(&k.ID, &multikey, &sealed, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if k.Public, err = did.PublicFromMultikey(multikey); err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	seed, err := s.open(sealed, keyContext(k.ID))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s: a seed of %d bytes", k.ID, len(seed))
	}
	k.Private = ed25519.NewKeyFromSeed(seed)
	if !k.Public.Equal(k.Private.Public()) {
		return nil, fmt.Errorf("signing key %s: the private key does not match the published one", k.ID)
	}
	if k.CreatedAt, err = sqldb.ScanTime(created); err != nil {
		return nil, err
	}
	return &k, nil
}
