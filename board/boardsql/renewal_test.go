package boardsql

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/board"
)

// TestCredentialForUpdateAndOpenRenewal: the locked read of a credential in
// a transaction, and the open renewal of a credential found in one.
func TestCredentialForUpdateAndOpenRenewal(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
			holder, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			err = s.InTx(ctx, func(tx *Tx) error {
				appID, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-cst", State: "approved", Portfolio: []byte(`{}`), CreatedAt: at})
				if err != nil {
					return err
				}
				if err := tx.AddCredential(ctx, IssuedCredential{ID: "cred-1", ApplicationID: appID, HolderID: holder, SetID: "aasect-cst", SetVersion: "v",
					Document: []byte(`{}`), JWT: "x", IssuedAt: at, ValidUntil: at.AddDate(3, 0, 0),
					RevocationList: "r", RevocationIndex: 1, SuspensionList: "s", SuspensionIndex: 1}); err != nil {
					return err
				}
				for _, st := range []board.State{board.Withdrawn, board.Denied, board.Approved} {
					if _, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: st, Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-1"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var open int64
			err = s.InTx(ctx, func(tx *Tx) error {
				c, err := tx.CredentialForUpdate(ctx, "cred-1")
				if err != nil || c.HolderID != holder || c.Status() != "active" {
					t.Errorf("locked read: %+v %v", c, err)
				}
				if _, err := tx.CredentialForUpdate(ctx, "nope"); !errors.Is(err, ErrNotFound) {
					t.Errorf("unknown credential: %v", err)
				}
				if id, err := tx.OpenRenewalID(ctx, "cred-1"); err != nil || id != 0 {
					t.Errorf("only decided renewals: %d %v", id, err)
				}
				if open, err = tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: "under_review", Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-1"}); err != nil {
					return err
				}
				if id, err := tx.OpenRenewalID(ctx, "cred-1"); err != nil || id != open {
					t.Errorf("the open renewal, seen in its own transaction: %d %v, want %d", id, err, open)
				}
				if id, err := tx.OpenRenewalID(ctx, ""); err != nil || id != 0 {
					t.Errorf("no credential: %d %v", id, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCredentialLockSerialisesRenewalStarts: transactions that lock the
// credential, look for its open renewal and start one when there is none
// open exactly one, however many run at once (PostgreSQL's row lock;
// SQLite's single writer).
func TestCredentialLockSerialisesRenewalStarts(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
			holder, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *Tx) error {
				appID, err := tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-cst", State: "approved", Portfolio: []byte(`{}`), CreatedAt: at})
				if err != nil {
					return err
				}
				return tx.AddCredential(ctx, IssuedCredential{ID: "cred-2", ApplicationID: appID, HolderID: holder, SetID: "aasect-cst", SetVersion: "v",
					Document: []byte(`{}`), JWT: "x", IssuedAt: at, RevocationList: "r", RevocationIndex: 2, SuspensionList: "s", SuspensionIndex: 2})
			}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					err := s.InTx(ctx, func(tx *Tx) error {
						if _, err := tx.CredentialForUpdate(ctx, "cred-2"); err != nil {
							return err
						}
						id, err := tx.OpenRenewalID(ctx, "cred-2")
						if err != nil || id != 0 {
							return err
						}
						time.Sleep(20 * time.Millisecond) // widen the window a missing lock would leave open
						_, err = tx.CreateApplication(ctx, Application{ApplicantID: holder, SetID: "aasect-renewal", State: "draft", Portfolio: []byte(`{}`), CreatedAt: at, RenewsCredential: "cred-2"})
						return err
					})
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			var n int
			if err := s.DB.QueryRow("SELECT COUNT(*) FROM applications WHERE renews_credential = 'cred-2'").Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d renewals opened %v", n, err)
			}
		})
	}
}
