package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCredentialsStatusOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			uid, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var appID int64
			err = s.InTx(ctx, func(tx *Tx) error {
				appID, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "approved", Portfolio: []byte("{}"), CreatedAt: at})
				if err != nil {
					return err
				}
				return tx.AddCredential(ctx, IssuedCredential{ID: "c1", ApplicationID: appID, HolderID: uid, SetID: "aasect-cst", SetVersion: "2025.T.1",
					Document: []byte(`{"id":"c1"}`), JWT: "a.b.c", IssuedAt: at, ValidUntil: at.AddDate(3, 0, 0),
					RevocationList: "r", RevocationIndex: 7, SuspensionList: "s", SuspensionIndex: 9})
			})
			if err != nil {
				t.Fatal(err)
			}
			// An index is never given twice in one list.
			err = s.InTx(ctx, func(tx *Tx) error {
				return tx.AddCredential(ctx, IssuedCredential{ID: "c2", ApplicationID: appID, HolderID: uid, SetID: "aasect-cst", SetVersion: "2025.T.1",
					Document: []byte(`{}`), JWT: "x", IssuedAt: at, RevocationList: "r", RevocationIndex: 7, SuspensionList: "s", SuspensionIndex: 10})
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("a reused index: %v", err)
			}
			step := func(action string) error {
				return s.InTx(ctx, func(tx *Tx) error { return tx.SetCredentialStatus(ctx, "c1", action, "because", at) })
			}
			bits := func(purpose, list string) []int {
				b, err := s.SetStatusBits(ctx, purpose, list)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			if err := step("suspend"); err != nil {
				t.Fatal(err)
			}
			if b := bits("suspension", "s"); len(b) != 1 || b[0] != 9 {
				t.Fatalf("suspension bits: %v", b)
			}
			if err := step("suspend"); !errors.Is(err, ErrConflict) {
				t.Fatalf("suspending twice: %v", err)
			}
			if err := step("reinstate"); err != nil {
				t.Fatal(err)
			}
			if b := bits("suspension", "s"); len(b) != 0 {
				t.Fatalf("after reinstatement: %v", b)
			}
			if err := step("revoke"); err != nil {
				t.Fatal(err)
			}
			c, err := s.Credential(ctx, "c1")
			if err != nil || c.Status() != "revoked" || c.RevokeReason != "because" || string(c.Document) != `{"id":"c1"}` || c.JWT != "a.b.c" {
				t.Fatalf("after revocation: %+v %v", c, err)
			}
			if b := bits("revocation", "r"); len(b) != 1 || b[0] != 7 {
				t.Fatalf("revocation bits: %v", b)
			}
			for _, a := range []string{"suspend", "reinstate", "revoke"} {
				if err := step(a); !errors.Is(err, ErrConflict) {
					t.Fatalf("%s after revocation: %v", a, err)
				}
			}
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.SetCredentialStatus(ctx, "nope", "revoke", "x", at) }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown credential: %v", err)
			}
		})
	}
}

func TestSupersessionOnBothEngines(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			uid, err := s.CreateUser(ctx, User{Email: "holder@example.org", Name: "Holder", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var first, renewal int64
			err = s.InTx(ctx, func(tx *Tx) error {
				if first, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "approved", Portfolio: []byte("{}"), CreatedAt: at}); err != nil {
					return err
				}
				for i, id := range []string{"old", "new"} {
					if err := tx.AddCredential(ctx, IssuedCredential{ID: id, ApplicationID: first, HolderID: uid, SetID: "aasect-cst", SetVersion: "2025.T.1",
						Document: []byte(`{}`), JWT: "a.b.c", IssuedAt: at, RevocationList: "r", RevocationIndex: i, SuspensionList: "s", SuspensionIndex: i}); err != nil {
						return err
					}
				}
				renewal, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-renewal", State: "draft", Portfolio: []byte("{}"), CreatedAt: at, RenewsCredential: "old"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if a, err := s.Application(ctx, renewal); err != nil || a.RenewsCredential != "old" {
				t.Fatalf("renewal application: %+v %v", a, err)
			}
			if a, err := s.Application(ctx, first); err != nil || a.RenewsCredential != "" {
				t.Fatalf("first application: %+v %v", a, err)
			}
			supersede := func(old, next string) error {
				return s.InTx(ctx, func(tx *Tx) error { return tx.SupersedeCredential(ctx, old, next, at) })
			}
			if err := supersede("old", "old"); err == nil {
				t.Fatal("a credential superseded itself")
			}
			if err := supersede("old", "new"); err != nil {
				t.Fatal(err)
			}
			// Its status is settled: the revocation bit of "old" (index 0) is
			// set, that of its successor (index 1) is not.
			if b, err := s.SetStatusBits(ctx, "revocation", "r"); err != nil || len(b) != 1 || b[0] != 0 {
				t.Fatalf("revocation bits after supersession: %v %v", b, err)
			}
			if b, err := s.SetStatusBits(ctx, "suspension", "s"); err != nil || len(b) != 0 {
				t.Fatalf("suspension bits after supersession: %v %v", b, err)
			}
			c, err := s.Credential(ctx, "old")
			if err != nil || c.Status() != "superseded" || c.SupersededBy != "new" || !c.SupersededAt.Equal(at) {
				t.Fatalf("after supersession: %+v %v", c, err)
			}
			if err := supersede("old", "new"); !errors.Is(err, ErrConflict) {
				t.Fatalf("superseding twice: %v", err)
			}
			if err := s.InTx(ctx, func(tx *Tx) error { return tx.SetCredentialStatus(ctx, "old", "suspend", "x", at) }); !errors.Is(err, ErrConflict) {
				t.Fatalf("suspending a superseded credential: %v", err)
			}
			if err := supersede("missing", "new"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("superseding a missing credential: %v", err)
			}
		})
	}
}
