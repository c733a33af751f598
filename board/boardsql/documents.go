package boardsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/certboard/certboard/sqldb"
)

// AddDocument records an uploaded document and returns its id; an item id
// the application already uses for a document is ErrConflict.
func (tx *Tx) AddDocument(ctx context.Context, d Document) (int64, error) {
	s := tx.s
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		`INSERT INTO documents (application_id, item_id, filename, content_type, size, sha256, blob_key, uploaded_by, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		d.ApplicationID, d.ItemID, d.Filename, d.ContentType, d.Size, d.SHA256, d.BlobKey, d.UploadedBy, s.timeArg(d.CreatedAt)).Scan(&id)
	if err != nil {
		if sqldb.IsUniqueViolation(err) {
			return 0, fmt.Errorf("application %d already has a document %s: %w", d.ApplicationID, d.ItemID, ErrConflict)
		}
		return 0, fmt.Errorf("recording the document: %w", err)
	}
	return id, nil
}

const documentColumns = `d.id, d.application_id, d.item_id, d.filename, d.content_type, d.size, d.sha256, d.blob_key, d.uploaded_by,
	COALESCE(u.name, ''), d.created_at`

func scanDocument(r sqldb.Scanner) (Document, error) {
	var d Document
	var created any
	if err := r.Scan(&d.ID, &d.ApplicationID, &d.ItemID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.BlobKey,
		&d.UploadedBy, &d.UploadedByName, &created); err != nil {
		return d, err
	}
	t, err := sqldb.ScanTime(created)
	if err != nil {
		return d, fmt.Errorf("document %d: %w", d.ID, err)
	}
	d.CreatedAt = t
	return d, nil
}

// Documents lists an application's documents, oldest first.
func (s *Store) Documents(ctx context.Context, applicationID int64) ([]Document, error) {
	rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(
		"SELECT "+documentColumns+" FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by WHERE d.application_id = ? ORDER BY d.id"),
		applicationID)
	if err != nil {
		return nil, err
	}
	return sqldb.Collect(rows, scanDocument)
}

// Document reads one document of an application; a document of another
// application is ErrNotFound, like one that does not exist.
func (s *Store) Document(ctx context.Context, applicationID, id int64) (*Document, error) {
	d, err := scanDocument(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+documentColumns+" FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by WHERE d.application_id = ? AND d.id = ?"),
		applicationID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// ApplicantDocumentBySHA256 finds a document with this content digest among
// the applications of one applicant, the most recent upload first; none is
// ErrNotFound. An import uses it to find a file the applicant already
// uploaded, never anyone else's.
func (s *Store) ApplicantDocumentBySHA256(ctx context.Context, applicantID int64, sha256 string) (*Document, error) {
	d, err := scanDocument(s.DB.QueryRowContext(ctx, s.Dialect.Rebind(
		"SELECT "+documentColumns+" FROM documents d JOIN applications a ON a.id = d.application_id LEFT JOIN users u ON u.id = d.uploaded_by"+
			" WHERE a.applicant_id = ? AND d.sha256 = ? ORDER BY d.id DESC LIMIT 1"), applicantID, sha256))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteDocument removes the row of one document of an application, in the
// caller's transaction; a document that does not exist, or belongs to
// another application, is ErrNotFound. The file itself is the caller's to
// delete from the file store, after the transaction commits: a row never
// points to a file that is gone, and a file whose row is gone is found by
// UnknownBlobKeys and removed later.
func (tx *Tx) DeleteDocument(ctx context.Context, applicationID, id int64) error {
	s := tx.s
	res, err := tx.ExecContext(ctx, s.Dialect.Rebind("DELETE FROM documents WHERE application_id = ? AND id = ?"), applicationID, id)
	if err != nil {
		return fmt.Errorf("deleting document %d of application %d: %w", id, applicationID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("application %d has no document %d: %w", applicationID, id, ErrNotFound)
	}
	return nil
}

// UnknownBlobKeys returns those of keys that no document row names: the
// files of the file store that nothing refers to any more.
func (s *Store) UnknownBlobKeys(ctx context.Context, keys []string) ([]string, error) {
	known := map[string]bool{}
	const batch = 500
	for start := 0; start < len(keys); start += batch {
		part := keys[start:min(start+batch, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		q := "SELECT blob_key FROM documents WHERE blob_key IN (?" + strings.Repeat(", ?", len(part)-1) + ")"
		rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(q), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			known[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, k := range keys {
		if !known[k] {
			out = append(out, k)
		}
	}
	return out, nil
}
