package boardsql

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// TestApplicationHead checks that the head of an application is the
// application without its portfolio and snapshot, and that a missing one
// is not found, on both engines.
func TestApplicationHead(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			uid, err := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "x", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := s.InTx(ctx, func(tx *Tx) error {
				id, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: []byte(`{"live":1}`), CreatedAt: t0})
				if err != nil {
					return err
				}
				return tx.FreezeSnapshot(ctx, id, []byte(`{"snap":1}`), "2025.T.1", t0)
			}); err != nil {
				t.Fatal(err)
			}
			full, err := s.Application(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			head, err := s.ApplicationHead(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(head.Portfolio) != 0 || len(head.Snapshot) != 0 {
				t.Fatalf("the head holds the portfolio %q or snapshot %q", head.Portfolio, head.Snapshot)
			}
			full.Portfolio, full.Snapshot = nil, nil
			if !reflect.DeepEqual(head, full) {
				t.Fatalf("head %+v\nwant %+v", head, full)
			}
			if _, err := s.ApplicationHead(ctx, id+1000); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a missing application: %v, want not found", err)
			}
		})
	}
}
