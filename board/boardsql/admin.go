package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/certboard/certboard/sqldb"
)

// CreateSetUpload stores an unpublished upload and returns its id; a set id
// and version uploaded before is ErrConflict.
func (tx *Tx) CreateSetUpload(ctx context.Context, u SetUpload) (int64, error) {
	s := tx.s
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		"INSERT INTO requirement_set_uploads (set_id, version, yaml, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?) RETURNING id"),
		u.SetID, u.Version, u.YAML, u.UploadedBy, s.timeArg(u.UploadedAt)).Scan(&id)
	if err != nil {
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("version %q of set %s was uploaded before; change its version: %w", u.Version, u.SetID, ErrConflict)
		}
		return 0, fmt.Errorf("storing the upload: %w", err)
	}
	return id, nil
}

const uploadColumns = "r.id, r.set_id, r.version, r.yaml, r.uploaded_by, COALESCE(u.name, ''), r.uploaded_at, r.published_at"

func scanUpload(r sqldb.Scanner) (*SetUpload, error) {
	var up SetUpload
	var uploaded, published any
	if err := r.Scan(&up.ID, &up.SetID, &up.Version, &up.YAML, &up.UploadedBy, &up.UploadedByName, &uploaded, &published); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var err error
	if up.UploadedAt, err = sqldb.ScanTime(uploaded); err != nil {
		return nil, err
	}
	if err := sqldb.ScanOptionalTime(published, &up.PublishedAt); err != nil {
		return nil, err
	}
	return &up, nil
}

// SetUploadByID reads one upload.
func (s *Store) SetUploadByID(ctx context.Context, id int64) (*SetUpload, error) {
	return scanUpload(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+uploadColumns+" FROM requirement_set_uploads r LEFT JOIN users u ON u.id = r.uploaded_by WHERE r.id = ?"), id))
}

// SetUploads lists uploads, in the order they were published and then
// uploaded (drafts last); with publishedOnly, only the published ones, in
// the order to load them.
func (s *Store) SetUploads(ctx context.Context, publishedOnly bool) ([]*SetUpload, error) {
	return setUploads(ctx, s.DB, publishedOnly)
}

// PublishedSetUploads locks the uploads until the transaction ends (other
// transactions may read them) and returns the published ones in the order
// to load them: publications on every instance are made one at a time,
// each judged against all the versions published before it.
func (tx *Tx) PublishedSetUploads(ctx context.Context) ([]*SetUpload, error) {
	if err := tx.LockTable(ctx, "requirement_set_uploads", sqldb.Exclusive); err != nil {
		return nil, err
	}
	return setUploads(ctx, tx, true)
}

// setUploads is SetUploads through q.
func setUploads(ctx context.Context, db boardQuerier, publishedOnly bool) ([]*SetUpload, error) {
	q := "SELECT " + uploadColumns + " FROM requirement_set_uploads r LEFT JOIN users u ON u.id = r.uploaded_by"
	if publishedOnly {
		q += " WHERE r.published_at IS NOT NULL"
	}
	q += " ORDER BY CASE WHEN r.published_at IS NULL THEN 1 ELSE 0 END, r.published_at, r.id"
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanUpload)
}

// PublishedSetsMark says which uploads are published: their number and
// the greatest id among them. Uploads are never unpublished, so it changes
// with every publication.
func (s *Store) PublishedSetsMark(ctx context.Context) (string, error) {
	var n, last int64
	err := s.DB.QueryRowContext(ctx, "SELECT count(*), COALESCE(max(id), 0) FROM requirement_set_uploads WHERE published_at IS NOT NULL").Scan(&n, &last)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d/%d", n, last), nil
}

// PublishSetUpload marks an upload published; one published already is
// ErrConflict, one that does not exist ErrNotFound.
func (tx *Tx) PublishSetUpload(ctx context.Context, id int64, at time.Time) error {
	s := tx.s
	n, err := sqldb.Affected(tx.ExecContext(ctx, s.Dialect.Rebind("UPDATE requirement_set_uploads SET published_at = ? WHERE id = ? AND published_at IS NULL"),
		s.timeArg(at), id))
	if err != nil {
		return err
	}
	if n == 0 {
		var one int
		if err := tx.QueryRowContext(ctx, s.Dialect.Rebind("SELECT 1 FROM requirement_set_uploads WHERE id = ?"), id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return fmt.Errorf("upload %d is already published: %w", id, ErrConflict)
	}
	return nil
}

// boardKeys maps the settings to their keys in board_settings.
func boardKeys(b *BoardSettings) map[string]*string {
	return map[string]*string{"name": &b.Name, "short_name": &b.ShortName, "contact_email": &b.ContactEmail,
		"postal_address": &b.PostalAddress, "website": &b.Website}
}

// BoardSettings reads the board's details; never saved, they are empty.
func (s *Store) BoardSettings(ctx context.Context) (*BoardSettings, error) {
	return s.boardSettings(ctx, s.DB)
}

type boardQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) boardSettings(ctx context.Context, q boardQuerier) (*BoardSettings, error) {
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM board_settings")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var b BoardSettings
	fields := boardKeys(&b)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		if k == "version" {
			if b.Version, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("board settings: version %q: %w", v, err)
			}
		} else if f, ok := fields[k]; ok {
			*f = v
		}
	}
	return &b, rows.Err()
}

// SaveBoardSettings stores the board's details if they are still at
// b.Version (ErrConflict otherwise) and returns the new version.
func (tx *Tx) SaveBoardSettings(ctx context.Context, b BoardSettings) (int, error) {
	s := tx.s
	// Two first saves must not both see no row and both insert.
	if err := tx.LockTable(ctx, "board_settings", sqldb.Exclusive); err != nil {
		return 0, err
	}
	cur, err := s.boardSettings(ctx, tx)
	if err != nil {
		return 0, err
	}
	if cur.Version != b.Version {
		return 0, fmt.Errorf("the board's details were changed by someone else; reload them and apply your change again: %w", ErrConflict)
	}
	next := b.Version + 1
	values := map[string]string{"version": strconv.Itoa(next)}
	for k, f := range boardKeys(&b) {
		values[k] = *f
	}
	for k, v := range values {
		if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("DELETE FROM board_settings WHERE key = ?"), k); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, s.Dialect.Rebind("INSERT INTO board_settings (key, value) VALUES (?, ?)"), k, v); err != nil {
			return 0, err
		}
	}
	return next, nil
}

// SaveSupervisedEvidence writes what a supervisor confirmed, disputed or
// recorded into an application still at version (ErrConflict otherwise):
// the live portfolio, the submitted snapshot, or both; a nil one is left as
// it is. It returns the new version.
func (tx *Tx) SaveSupervisedEvidence(ctx context.Context, id int64, version int, live, snapshot []byte, at time.Time) (int, error) {
	s := tx.s
	set := "updated_at = ?"
	args := []any{s.timeArg(at)}
	if live != nil {
		sealed, err := s.seal(live, appContext(id, "portfolio"))
		if err != nil {
			return 0, err
		}
		set += ", portfolio = ?"
		args = append(args, sealed)
	}
	if snapshot != nil {
		sealed, err := s.seal(snapshot, appContext(id, "snapshot"))
		if err != nil {
			return 0, err
		}
		set += ", snapshot = ?"
		args = append(args, sealed)
	}
	return tx.bump(ctx, id, version, set, args...)
}
