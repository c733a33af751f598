package boardsql

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/portfolio"
)

// The blind index of licence numbers (migration 21): licence numbers are
// kept only inside sealed portfolios, so the store keeps beside them a
// keyed hash of each normalised number (seal.Keyring.BlindIndex) and the
// id of the key it was made under. A number looked up is hashed under
// every key of the keyring, so rows made under an older key are still
// found; ResealAll rewrites them under the newest.

// licenceMigration is the migration that added the blind index; right
// after it, Migrate fills the index for the applications approved before.
const licenceMigration = 21

// licencePurpose is the purpose the index's key is derived for.
const licencePurpose = "licence number index"

// licenceHash is the index entry of a normalised number under key id.
func (s *Store) licenceHash(id, number string) (string, error) {
	if s.keys == nil {
		return "", errNoKeys
	}
	h, ok := s.keys.BlindIndex(id, licencePurpose, []byte(number))
	if !ok {
		return "", fmt.Errorf("store: key %s is not in the keyring", id)
	}
	return hex.EncodeToString(h), nil
}

// IndexLicences replaces the blind index entries of application appID, in
// the caller's transaction, with the hashes of numbers (normalised, see
// board.NormalizeLicence) under the keyring's newest key.
func (tx *Tx) IndexLicences(ctx context.Context, appID int64, numbers []string) error {
	s := tx.s
	if s.keys == nil {
		return errNoKeys
	}
	if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("DELETE FROM licence_index WHERE application_id = ?"), appID); err != nil {
		return err
	}
	key := s.keys.Current()
	seen := map[string]bool{}
	for _, n := range numbers {
		if n == "" {
			continue
		}
		h, err := s.licenceHash(key, n)
		if err != nil {
			return err
		}
		if seen[h] {
			continue
		}
		seen[h] = true
		if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO licence_index (application_id, key_id, number_hash) VALUES (?, ?, ?)"),
			appID, key, h); err != nil {
			return err
		}
	}
	return nil
}

// HoldersByLicence finds the applications whose entries match a
// normalised licence number under any key of the keyring, with their
// applicants, in application order.
func (s *Store) HoldersByLicence(ctx context.Context, number string) ([]board.LicenceHolder, error) {
	if s.keys == nil {
		return nil, errNoKeys
	}
	if number == "" {
		return nil, nil
	}
	var args []any
	for _, id := range s.keys.IDs() {
		h, err := s.licenceHash(id, number)
		if err != nil {
			return nil, err
		}
		args = append(args, h)
	}
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(`SELECT DISTINCT a.applicant_id, l.application_id FROM licence_index l
		JOIN applications a ON a.id = l.application_id WHERE l.number_hash IN (?`+strings.Repeat(", ?", len(args)-1)+`) ORDER BY l.application_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("searching the licence index: %w", err)
	}
	defer rows.Close()
	var out []board.LicenceHolder
	for rows.Next() {
		var h board.LicenceHolder
		if err := rows.Scan(&h.HolderID, &h.ApplicationID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// reindexLicences writes again the index entries of applications, from
// their frozen portfolios, under the newest key: with stale, those that
// have entries under an older key (after a key rotation); otherwise every
// application a credential was issued for (to fill the index of a board
// that approved applications before it existed). It returns how many
// applications it indexed. An application whose portfolio does not open
// or decode is left as it was and named in the error; the others are
// indexed all the same.
func (s *Store) reindexLicences(ctx context.Context, stale bool) (int, error) {
	if s.keys == nil {
		return 0, errNoKeys
	}
	q, args := "SELECT DISTINCT application_id FROM credentials ORDER BY application_id", []any(nil)
	if stale {
		q, args = "SELECT DISTINCT application_id FROM licence_index WHERE key_id <> ? ORDER BY application_id", []any{s.keys.Current()}
	}
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(q), args...)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	var failures []error
	for _, id := range ids {
		app, err := s.Application(ctx, id)
		if err != nil {
			failures = append(failures, fmt.Errorf("application %d: %w", id, err))
			continue
		}
		var numbers []string
		if len(app.Snapshot) > 0 {
			p, err := portfolio.DecodeStored(app.Snapshot)
			if err != nil {
				failures = append(failures, fmt.Errorf("application %d: the frozen portfolio does not decode: %w", id, err))
				continue
			}
			numbers = board.LicenceNumbers(p)
		}
		if err := s.InTx(ctx, func(tx *Tx) error { return tx.IndexLicences(ctx, id, numbers) }); err != nil {
			return n, err
		}
		n++
	}
	if len(failures) > 0 {
		return n, fmt.Errorf("the licence numbers of %d applications could not be indexed (regulators will not find them by licence number): %w",
			len(failures), errors.Join(failures...))
	}
	return n, nil
}
