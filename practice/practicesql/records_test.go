package practicesql_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/practicesql"
)

// TestClientImportStore: where an imported record came from is kept once
// a client, its provenance sealed and bound to the client.
func TestClientImportStore(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			doc := clientsAccount(t, st, "Dana Doc", auth.Practitioner)
			var a, b int64
			inTx(t, st, func(tx *practicesql.Tx) error {
				var err error
				if a, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Alex Rivera"), CreatedAt: clientsAt, CreatedBy: doc, UpdatedAt: clientsAt}); err != nil {
					return err
				}
				b, err = tx.CreateClient(ctx, practice.Client{Identity: identityOf("Zoe Adams"), CreatedAt: clientsAt, CreatedBy: doc, UpdatedAt: clientsAt})
				return err
			})
			want := practice.ClientImport{ClientID: a, BundleID: "4f1c", ImportedBy: doc, ImportedAt: clientsAt, Resources: 42,
				Provenance: practice.ImportProvenance{
					Consents: []fhir.RecordConsent{{Key: "consent-1", Version: 3, Title: "Consent", Text: "I consent to treatment at Lakeview.",
						Signer: "client", SignedName: "Alex Rivera", Witness: "Dr. Holt", SignedAt: clientsAt}},
					Notes:                map[int64]practice.ImportedNoteAuthors{7: {Author: "Dr. Holt", SignedBy: "Dr. Holt", Amenders: []string{"Dr. Lee"}}},
					PsychotherapyAuthors: map[int64]string{9: "Dr. Holt"},
				}}
			inTx(t, st, func(tx *practicesql.Tx) error { return tx.CreateClientImport(ctx, want) })
			inTx(t, st, func(tx *practicesql.Tx) error {
				got, err := tx.ClientImport(ctx, a)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(*got, want) {
					t.Errorf("read back %+v, want %+v", *got, want)
				}
				if _, err := tx.ClientImport(ctx, b); !errors.Is(err, certboard.ErrNotFound) {
					t.Errorf("a client not imported: %v, want not found", err)
				}
				return nil
			})
			var sealed string
			if err := st.DB.QueryRowContext(ctx, st.Dialect.Rebind("SELECT provenance FROM client_imports WHERE client_id = ?"), a).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(sealed, "Lakeview") || strings.Contains(sealed, "Holt") {
				t.Error("the provenance is stored in the clear")
			}
			// Bound to its client: moved to another row, it does not open.
			if _, err := st.DB.ExecContext(ctx, st.Dialect.Rebind("INSERT INTO client_imports (client_id, bundle_id, imported_by, imported_at, resources, provenance) SELECT ?, bundle_id, imported_by, imported_at, resources, provenance FROM client_imports WHERE client_id = ?"), b, a); err != nil {
				t.Fatal(err)
			}
			err := st.InTx(ctx, func(tx *practicesql.Tx) error { _, err := tx.ClientImport(ctx, b); return err })
			if err == nil {
				t.Error("a provenance copied to another client opens")
			}
		})
	}
}
