package practicesql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/certboard/certboard/auth/authsql"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/sqldb"
)

// Where an imported client's record came from (migration 00013): one row
// a client, its provenance sealed and bound to the client.

func init() {
	references = append(references, authsql.Reference{Table: "client_imports", Column: "imported_by"})
}

func importContext(clientID int64) string {
	return "practice/client_imports/" + strconv.FormatInt(clientID, 10) + "/provenance"
}

// CreateClientImport records where an imported client's record came from,
// its provenance sealed.
func (tx *Tx) CreateClientImport(ctx context.Context, ci practice.ClientImport) error {
	plain, err := json.Marshal(ci.Provenance)
	if err != nil {
		return err
	}
	sealed, err := tx.s.seal(plain, importContext(ci.ClientID))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.Dialect.Rebind(
		"INSERT INTO client_imports (client_id, bundle_id, imported_by, imported_at, resources, provenance) VALUES (?, ?, ?, ?, ?, ?)"),
		ci.ClientID, ci.BundleID, ci.ImportedBy, tx.Dialect.Time(ci.ImportedAt), ci.Resources, sealed)
	if err != nil {
		return fmt.Errorf("recording the import of client %d: %w", ci.ClientID, err)
	}
	return nil
}

// ClientImport reads where an imported client's record came from
// (sqldb.ErrNotFound for a client that was not imported).
func (tx *Tx) ClientImport(ctx context.Context, clientID int64) (*practice.ClientImport, error) {
	ci := practice.ClientImport{ClientID: clientID}
	var at any
	var sealed string
	err := tx.QueryRowContext(ctx, tx.Dialect.Rebind(
		"SELECT bundle_id, imported_by, imported_at, resources, provenance FROM client_imports WHERE client_id = ?"), clientID).
		Scan(&ci.BundleID, &ci.ImportedBy, &at, &ci.Resources, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("import of client %d: %w", clientID, sqldb.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if ci.ImportedAt, err = sqldb.ScanTime(at); err != nil {
		return nil, err
	}
	plain, err := tx.s.open(sealed, importContext(clientID))
	if err != nil {
		return nil, fmt.Errorf("import of client %d: provenance: %w", clientID, err)
	}
	if err := json.Unmarshal(plain, &ci.Provenance); err != nil {
		return nil, fmt.Errorf("import of client %d: provenance: %w", clientID, err)
	}
	return &ci, nil
}
