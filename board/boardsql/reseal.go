package boardsql

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/jobs"
)

// sealedColumn is a database column whose values are sealed, and how the
// sealing context of a row is made from some of its columns.
type sealedColumn struct {
	table, column string
	// key is the primary key, by which rows are paged and updated.
	key string
	// contextOf lists the columns context is made from, in its order.
	contextOf []string
	context   func(v []string) string
}

// Name is the column as table.column.
func (c sealedColumn) Name() string { return c.table + "." + c.column }

// sealedColumns lists every sealed column of the database: a new one must
// be added here, or ResealAll leaves its values under the older keys.
var sealedColumns = []sealedColumn{
	{"applications", "portfolio", "id", []string{"id"}, func(v []string) string { return appContext(parseID(v[0]), "portfolio") }},
	{"applications", "snapshot", "id", []string{"id"}, func(v []string) string { return appContext(parseID(v[0]), "snapshot") }},
	{"credentials", "document", "id", []string{"id"}, func(v []string) string { return credContext(v[0], "document") }},
	{"credentials", "jwt", "id", []string{"id"}, func(v []string) string { return credContext(v[0], "jwt") }},
	{"signing_keys", "private_key", "id", []string{"id"}, func(v []string) string { return keyContext(v[0]) }},
	{"users", "totp_secret", "id", []string{"id"}, func(v []string) string { return authsql.TOTPContext(parseID(v[0])) }},
	{"outbox", "sealed_body", "id", []string{"id", "to_addr", "subject"}, func(v []string) string { return jobs.MailContext(parseID(v[0]), v[1], v[2]) }},
}

// parseID reads an integer id scanned as text; a malformed one gives a
// context that opens nothing, which is reported as a value that does not
// open.
func parseID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// Resealed says how many values of a sealed column were sealed again under
// the newest key.
type Resealed struct {
	Column string
	Count  int
}

// ResealAll seals again, under the keyring's newest key, every sealed value
// of the database that an older key sealed, writes again under it the
// licence number index entries an older key made (keyed hashes), and signs
// the audit checkpoint with it too, so that the older keys are needed for
// nothing the database holds (keep them anyway: backups still need them). It is safe while the
// server runs, provided every instance already has the new key: each value
// is replaced only if it has not changed since it was read. Values that do
// not open are counted in the error and left as they are. Uploaded
// documents are resealed by files.Store.ResealAll.
func (s *Store) ResealAll(ctx context.Context) ([]Resealed, error) {
	if s.keys == nil {
		return nil, errNoKeys
	}
	var out []Resealed
	var failures []error
	for _, c := range sealedColumns {
		n, errs, err := s.resealColumn(ctx, c)
		if err != nil {
			return out, fmt.Errorf("resealing %s: %w", c.Name(), err)
		}
		out = append(out, Resealed{Column: c.Name(), Count: n})
		failures = append(failures, errs...)
	}
	n, err := s.reindexLicences(ctx, true)
	if err != nil {
		failures = append(failures, err)
	}
	out = append(out, Resealed{Column: "licence_index", Count: n})
	n, err = s.resignCheckpoint(ctx)
	if err != nil {
		failures = append(failures, err)
	}
	out = append(out, Resealed{Column: "audit_checkpoint", Count: n})
	if len(failures) > 0 {
		return out, fmt.Errorf("%d values could not be sealed again (left as they were): %w", len(failures), errors.Join(failures...))
	}
	return out, nil
}

// resealColumn reseals one column, a page of rows at a time in key order.
func (s *Store) resealColumn(ctx context.Context, c sealedColumn) (int, []error, error) {
	const page = 100
	current := "v1." + s.keys.Current() + ".%"
	cols := c.key
	for _, k := range c.contextOf {
		cols += ", " + k
	}
	base := "SELECT " + cols + ", " + c.column + " FROM " + c.table +
		" WHERE " + c.column + " IS NOT NULL AND " + c.column + " <> '' AND " + c.column + " NOT LIKE ?"
	n := 0
	var failures []error
	var after any
	for {
		q, args := base+" ORDER BY "+c.key+" LIMIT ?", []any{current, page}
		if after != nil {
			q, args = base+" AND "+c.key+" > ? ORDER BY "+c.key+" LIMIT ?", []any{current, after, page}
		}
		type row struct {
			key    any
			ctx    []string
			sealed string
		}
		rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(q), args...)
		if err != nil {
			return n, failures, err
		}
		var batch []row
		for rows.Next() {
			r := row{ctx: make([]string, len(c.contextOf))}
			dest := []any{&r.key}
			for i := range r.ctx {
				dest = append(dest, &r.ctx[i])
			}
			dest = append(dest, &r.sealed)
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return n, failures, err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, failures, err
		}
		for _, r := range batch {
			bind := c.context(r.ctx)
			plain, err := s.open(r.sealed, bind)
			if err != nil {
				failures = append(failures, fmt.Errorf("%s of %v: %w", c.Name(), r.key, err))
				continue
			}
			sealed, err := s.seal(plain, bind)
			if err != nil {
				return n, failures, err
			}
			res, err := s.DB.ExecContext(ctx, s.Dialect.Rebind("UPDATE "+c.table+" SET "+c.column+" = ? WHERE "+c.key+" = ? AND "+c.column+" = ?"),
				sealed, r.key, r.sealed)
			if err != nil {
				return n, failures, err
			}
			// A value changed since it was read was sealed anew, under the
			// newest key, by whoever changed it.
			if k, _ := res.RowsAffected(); k == 1 {
				n++
			}
		}
		if len(batch) < page {
			return n, failures, nil
		}
		after = batch[len(batch)-1].key
	}
}

// resignCheckpoint signs the audit checkpoint again with the newest key,
// when the log still ends at it; it returns 1 when it did (see
// auditsql.Log.Resign).
func (s *Store) resignCheckpoint(ctx context.Context) (int, error) {
	done, err := s.audit.Resign(ctx)
	if done {
		return 1, err
	}
	return 0, err
}
