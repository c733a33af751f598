package boardsql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestDocuments(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 3, 4, 10, 30, 15, 123456000, time.UTC)
			uid, err := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana Example", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var app1, app2 int64
			err = s.InTx(context.Background(), func(tx *Tx) error {
				portfolio := []byte(`{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana Example"}}`)
				if app1, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: portfolio, CreatedAt: at}); err != nil {
					return err
				}
				app2, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: portfolio, CreatedAt: at})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if docs, err := s.Documents(ctx, app1); err != nil || len(docs) != 0 {
				t.Fatalf("no documents yet: %v, %v", docs, err)
			}
			want := Document{ApplicationID: app1, ItemID: "doc-1", Filename: "transcript – 2024.pdf", ContentType: "application/pdf",
				Size: 12345678, SHA256: "ab12", BlobKey: "applications/1/ff00", UploadedBy: uid, CreatedAt: at}
			var id1, id2 int64
			err = s.InTx(context.Background(), func(tx *Tx) error {
				if id1, err = tx.AddDocument(ctx, want); err != nil {
					return err
				}
				second := want
				second.ItemID, second.Filename, second.ContentType, second.BlobKey = "doc-2", "scan.png", "image/png", "applications/1/ee11"
				id2, err = tx.AddDocument(ctx, second)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.InTx(context.Background(), func(tx *Tx) error {
				_, err := tx.AddDocument(ctx, want)
				return err
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("a second document doc-1 on one application: %v, want ErrConflict", err)
			}
			// Rolled back: nothing of a failed transaction remains.
			_ = s.InTx(context.Background(), func(tx *Tx) error {
				other := want
				other.ItemID = "doc-9"
				if _, err := tx.AddDocument(ctx, other); err != nil {
					return err
				}
				return errors.New("abandon")
			})

			docs, err := s.Documents(ctx, app1)
			if err != nil || len(docs) != 2 {
				t.Fatalf("Documents: %+v, %v; want 2", docs, err)
			}
			got := docs[0]
			want.ID, want.UploadedByName = id1, "Ana Example"
			if got != want {
				t.Fatalf("read back\n got %+v\nwant %+v", got, want)
			}
			if docs[1].ID != id2 || docs[1].ItemID != "doc-2" || docs[1].ContentType != "image/png" {
				t.Fatalf("second document: %+v", docs[1])
			}
			d, err := s.Document(ctx, app1, id2)
			if err != nil || d.BlobKey != "applications/1/ee11" || d.Filename != "scan.png" || !d.CreatedAt.Equal(at) {
				t.Fatalf("Document: %+v, %v", d, err)
			}
			if _, err := s.Document(ctx, app2, id1); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a document asked for under another application: %v, want ErrNotFound", err)
			}
			if _, err := s.Document(ctx, app1, id2+100); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a missing document: %v, want ErrNotFound", err)
			}
			if docs, err := s.Documents(ctx, app2); err != nil || len(docs) != 0 {
				t.Fatalf("the other application's documents: %v, %v", docs, err)
			}
		})
	}
}

func TestDeleteDocumentAndUnknownBlobKeys(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 3, 4, 10, 30, 15, 0, time.UTC)
			uid, err := s.CreateUser(ctx, User{Email: "ana@example.org", Name: "Ana Example", PasswordHash: "x", CreatedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var app1, app2, id1, id2 int64
			err = s.InTx(context.Background(), func(tx *Tx) error {
				portfolio := []byte(`{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana Example"}}`)
				if app1, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: portfolio, CreatedAt: at}); err != nil {
					return err
				}
				if app2, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: portfolio, CreatedAt: at}); err != nil {
					return err
				}
				d := Document{ApplicationID: app1, ItemID: "doc-1", Filename: "a.pdf", ContentType: "application/pdf", Size: 10, SHA256: "aa",
					BlobKey: "applications/1/aa", UploadedBy: uid, CreatedAt: at}
				if id1, err = tx.AddDocument(ctx, d); err != nil {
					return err
				}
				d.ItemID, d.BlobKey = "doc-2", "applications/1/bb"
				id2, err = tx.AddDocument(ctx, d)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			unknown, err := s.UnknownBlobKeys(ctx, []string{"applications/1/aa", "applications/1/zz", "applications/1/bb"})
			if err != nil || len(unknown) != 1 || unknown[0] != "applications/1/zz" {
				t.Fatalf("UnknownBlobKeys: %v, %v", unknown, err)
			}
			// Another application's id, a missing id: not found, nothing removed.
			for _, c := range []struct{ app, id int64 }{{app2, id1}, {app1, id2 + 100}} {
				err := s.InTx(context.Background(), func(tx *Tx) error { return tx.DeleteDocument(ctx, c.app, c.id) })
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("DeleteDocument(%d, %d): %v, want ErrNotFound", c.app, c.id, err)
				}
			}
			// A rolled-back delete keeps the row.
			_ = s.InTx(context.Background(), func(tx *Tx) error {
				if err := tx.DeleteDocument(ctx, app1, id1); err != nil {
					return err
				}
				return errors.New("abandon")
			})
			if _, err := s.Document(ctx, app1, id1); err != nil {
				t.Fatalf("after a rolled-back delete: %v", err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.DeleteDocument(ctx, app1, id1) }); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Document(ctx, app1, id1); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after delete: %v, want ErrNotFound", err)
			}
			if docs, _ := s.Documents(ctx, app1); len(docs) != 1 || docs[0].ID != id2 {
				t.Fatalf("documents left: %+v", docs)
			}
			keys := []string{"applications/1/aa", "applications/1/bb"}
			for i := range 1200 {
				keys = append(keys, fmt.Sprintf("applications/9/%04d", i))
			}
			unknown, err = s.UnknownBlobKeys(ctx, keys)
			if err != nil || len(unknown) != 1201 || unknown[0] != "applications/1/aa" || slices.Contains(unknown, "applications/1/bb") {
				t.Fatalf("UnknownBlobKeys after delete, over several batches: %d keys, %v", len(unknown), err)
			}
			if unknown, err := s.UnknownBlobKeys(ctx, nil); err != nil || len(unknown) != 0 {
				t.Fatalf("UnknownBlobKeys(nil): %v, %v", unknown, err)
			}
		})
	}
}

// TestApplicantDocumentBySHA256: a file is found by its digest among one
// applicant's applications only, the latest upload first.
func TestApplicantDocumentBySHA256(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			at := time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)
			var users [2]int64
			var apps [3]int64
			for i, email := range []string{"ana@example.org", "bo@example.org"} {
				id, err := s.CreateUser(ctx, User{Email: email, Name: email, PasswordHash: "x", CreatedAt: at})
				if err != nil {
					t.Fatal(err)
				}
				users[i] = id
			}
			portfolio := []byte(`{"format":"certboard.portfolio/v1","person":{"id":"p1","name":"Ana"}}`)
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				for i, owner := range []int64{users[0], users[0], users[1]} {
					id, err := tx.CreateApplication(ctx, Application{ApplicantID: owner, SetID: "aasect-cst", State: "draft", Portfolio: portfolio, CreatedAt: at})
					if err != nil {
						return err
					}
					apps[i] = id
				}
				for i, d := range []Document{
					{ApplicationID: apps[0], ItemID: "doc-1", SHA256: "aa", Filename: "old.pdf"},
					{ApplicationID: apps[1], ItemID: "doc-7", SHA256: "aa", Filename: "new.pdf"},
					{ApplicationID: apps[2], ItemID: "doc-1", SHA256: "bb", Filename: "bo.pdf"},
				} {
					d.ContentType, d.Size, d.BlobKey, d.UploadedBy, d.CreatedAt = "application/pdf", 10, fmt.Sprintf("k%d", i), users[0], at
					if _, err := tx.AddDocument(ctx, d); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			d, err := s.ApplicantDocumentBySHA256(ctx, users[0], "aa")
			if err != nil || d.ApplicationID != apps[1] || d.ItemID != "doc-7" || d.Filename != "new.pdf" || d.BlobKey != "k1" {
				t.Fatalf("Ana's file: %+v %v", d, err)
			}
			if _, err := s.ApplicantDocumentBySHA256(ctx, users[0], "bb"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Bo's file for Ana: %v, want ErrNotFound", err)
			}
			if d, err := s.ApplicantDocumentBySHA256(ctx, users[1], "bb"); err != nil || d.ApplicationID != apps[2] {
				t.Fatalf("Bo's file: %+v %v", d, err)
			}
		})
	}
}
