package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Document is an uploaded file of an application: the facts about it kept
// in the database. Its content lives, encrypted, in the file store under
// BlobKey; what it is and what it supports is the portfolio's Document item
// ItemID.
type Document struct {
	ID            int64
	ApplicationID int64
	// ItemID is the id of the portfolio's Document item for this file,
	// unique within the application.
	ItemID      string
	Filename    string
	ContentType string
	Size        int64
	// SHA256 is the hex digest of the plaintext content.
	SHA256     string
	BlobKey    string
	UploadedBy int64
	// UploadedByName is read from the account.
	UploadedByName string
	CreatedAt      time.Time
}

// AddDocument records an uploaded document and returns its id; an item id
// the application already uses for a document is ErrConflict.
func (s *Store) AddDocument(ctx context.Context, tx *sql.Tx, d Document) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.Dialect.Rebind(
		`INSERT INTO documents (application_id, item_id, filename, content_type, size, sha256, blob_key, uploaded_by, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		d.ApplicationID, d.ItemID, d.Filename, d.ContentType, d.Size, d.SHA256, d.BlobKey, d.UploadedBy, s.timeArg(d.CreatedAt)).Scan(&id)
	if err != nil {
		if isUniqueViolation(err) {
			return 0, fmt.Errorf("application %d already has a document %s: %w", d.ApplicationID, d.ItemID, ErrConflict)
		}
		return 0, fmt.Errorf("recording the document: %w", err)
	}
	return id, nil
}

const documentColumns = `d.id, d.application_id, d.item_id, d.filename, d.content_type, d.size, d.sha256, d.blob_key, d.uploaded_by,
	COALESCE(u.name, ''), d.created_at`

func scanDocument(r scanner) (Document, error) {
	var d Document
	var created any
	if err := r.Scan(&d.ID, &d.ApplicationID, &d.ItemID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.BlobKey,
		&d.UploadedBy, &d.UploadedByName, &created); err != nil {
		return d, err
	}
	t, err := scanTime(created)
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
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
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
