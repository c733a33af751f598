package store

import "context"

// ActiveCredentials lists the credentials neither revoked, suspended nor
// superseded (expired ones included: expiry is judged on a date by the
// caller), oldest first, for the lifecycle sweeps.
func (s *Store) ActiveCredentials(ctx context.Context) ([]*IssuedCredential, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+credColumns+
		" FROM credentials WHERE revoked_at IS NULL AND suspended_at IS NULL AND superseded_by = '' ORDER BY issued_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*IssuedCredential
	for rows.Next() {
		c, err := s.scanCredential(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
