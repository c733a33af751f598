package boardsql

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/certboard/certboard/auth"
)

func TestSetUploads(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			admin, err := s.CreateUser(ctx, User{Email: "admin@example.org", Name: "Ada Admin", PasswordHash: "x", Roles: []auth.Role{auth.Admin}, CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			var first, second int64
			err = s.InTx(context.Background(), func(tx *Tx) error {
				if first, err = tx.CreateSetUpload(ctx, SetUpload{SetID: "aasect-cst", Version: "2027", YAML: "id: aasect-cst\n", UploadedBy: admin, UploadedAt: t0}); err != nil {
					return err
				}
				second, err = tx.CreateSetUpload(ctx, SetUpload{SetID: "florida-sex-therapist", Version: "2027", YAML: "id: florida\n", UploadedBy: admin, UploadedAt: t0.Add(time.Minute)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.InTx(context.Background(), func(tx *Tx) error {
				_, err := tx.CreateSetUpload(ctx, SetUpload{SetID: "aasect-cst", Version: "2027", YAML: "again", UploadedBy: admin, UploadedAt: t0})
				return err
			})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("a second upload of one version: %v, want ErrConflict", err)
			}
			up, err := s.SetUploadByID(ctx, first)
			if err != nil || up.SetID != "aasect-cst" || up.Version != "2027" || up.YAML != "id: aasect-cst\n" || up.UploadedByName != "Ada Admin" ||
				!up.UploadedAt.Equal(t0) || up.Published() {
				t.Fatalf("SetUploadByID: %+v %v", up, err)
			}
			if _, err := s.SetUploadByID(ctx, 999); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown upload: %v", err)
			}
			if ups, err := s.SetUploads(ctx, true); err != nil || len(ups) != 0 {
				t.Fatalf("published before publishing: %v %v", ups, err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.PublishSetUpload(ctx, second, t0.Add(time.Hour)) }); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.PublishSetUpload(ctx, second, t0.Add(time.Hour)) }); !errors.Is(err, ErrConflict) {
				t.Fatalf("publishing twice: %v, want ErrConflict", err)
			}
			if err := s.InTx(context.Background(), func(tx *Tx) error { return tx.PublishSetUpload(ctx, 999, t0) }); !errors.Is(err, ErrNotFound) {
				t.Fatalf("publishing an unknown upload: %v, want ErrNotFound", err)
			}
			ups, err := s.SetUploads(ctx, false)
			if err != nil || len(ups) != 2 || ups[0].ID != second || !ups[0].PublishedAt.Equal(t0.Add(time.Hour)) || ups[1].ID != first || ups[1].Published() {
				t.Fatalf("all uploads, published first: %+v %v", ups, err)
			}
			if ups, err := s.SetUploads(ctx, true); err != nil || len(ups) != 1 || ups[0].ID != second {
				t.Fatalf("published uploads: %+v %v", ups, err)
			}
		})
	}
}

func TestSearchUsers(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for _, u := range []User{
				{Email: "maya.okafor@example.org", Name: "Maya Okafor"},
				{Email: "jordan@example.org", Name: "Jordan Reyes"},
				{Email: "percent@example.org", Name: "100% Sure"},
			} {
				u.PasswordHash, u.CreatedAt = "x", t0
				if _, err := s.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			for query, want := range map[string][]string{
				"":         {"100% Sure", "Jordan Reyes", "Maya Okafor"},
				"OKAFOR":   {"Maya Okafor"},
				"jordan@":  {"Jordan Reyes"},
				"%":        {"100% Sure"},
				"_":        nil,
				"nobody":   nil,
				"example.": {"100% Sure", "Jordan Reyes", "Maya Okafor"},
			} {
				got, err := s.SearchUsers(ctx, query, 0)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, u := range got {
					names = append(names, u.Name)
				}
				if len(names) != len(want) {
					t.Errorf("%q: %v, want %v", query, names, want)
					continue
				}
				for i := range want {
					if names[i] != want[i] {
						t.Errorf("%q: %v, want %v", query, names, want)
					}
				}
			}
			if got, err := s.SearchUsers(ctx, "", 2); err != nil || len(got) != 2 {
				t.Fatalf("limit: %d %v", len(got), err)
			}
		})
	}
}

func TestBoardSettings(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			b, err := s.BoardSettings(ctx)
			if err != nil || *b != (BoardSettings{}) {
				t.Fatalf("before any save: %+v %v", b, err)
			}
			want := BoardSettings{Name: "Board of Sexuality Professionals", ShortName: "BSP", ContactEmail: "office@bsp.example.org",
				PostalAddress: "1 Main Street\nSpringfield", Website: "https://bsp.example.org"}
			var v int
			if err := s.InTx(context.Background(), func(tx *Tx) error { v, err = tx.SaveBoardSettings(ctx, want); return err }); err != nil || v != 1 {
				t.Fatalf("first save: %d %v", v, err)
			}
			want.Version = 1
			if b, err := s.BoardSettings(ctx); err != nil || *b != want {
				t.Fatalf("read back: %+v %v", b, err)
			}
			stale := want
			stale.Version = 0
			if err := s.InTx(context.Background(), func(tx *Tx) error { _, err := tx.SaveBoardSettings(ctx, stale); return err }); !errors.Is(err, ErrConflict) {
				t.Fatalf("stale save: %v, want ErrConflict", err)
			}
			want.Name = "Renamed Board"
			if err := s.InTx(context.Background(), func(tx *Tx) error { v, err = tx.SaveBoardSettings(ctx, want); return err }); err != nil || v != 2 {
				t.Fatalf("second save: %d %v", v, err)
			}
			if b, _ := s.BoardSettings(ctx); b.Name != "Renamed Board" || b.Version != 2 || b.ShortName != "BSP" {
				t.Fatalf("after the second save: %+v", b)
			}
		})
	}
}

func TestSaveSupervisedEvidence(t *testing.T) {
	for name, s := range migrated(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			uid, err := s.CreateUser(ctx, User{Email: "a@example.org", Name: "A", PasswordHash: "x", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := s.InTx(context.Background(), func(tx *Tx) error {
				id, err = tx.CreateApplication(ctx, Application{ApplicantID: uid, SetID: "aasect-cst", State: "draft", Portfolio: []byte(`{"live":1}`), CreatedAt: t0})
				if err != nil {
					return err
				}
				return tx.FreezeSnapshot(ctx, id, []byte(`{"snap":1}`), "2025.T.1", t0)
			}); err != nil {
				t.Fatal(err)
			}
			save := func(version int, live, snap []byte) (int, error) {
				var v int
				err := s.InTx(context.Background(), func(tx *Tx) error {
					var err error
					v, err = tx.SaveSupervisedEvidence(ctx, id, version, live, snap, t0.Add(time.Hour))
					return err
				})
				return v, err
			}
			if v, err := save(1, nil, []byte(`{"snap":2}`)); err != nil || v != 2 {
				t.Fatalf("snapshot only: %d %v", v, err)
			}
			a, _ := s.Application(ctx, id)
			if string(a.Portfolio) != `{"live":1}` || string(a.Snapshot) != `{"snap":2}` || a.Version != 2 || !a.UpdatedAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("after saving the snapshot: %s %s v%d", a.Portfolio, a.Snapshot, a.Version)
			}
			if v, err := save(2, []byte(`{"live":3}`), []byte(`{"snap":3}`)); err != nil || v != 3 {
				t.Fatalf("both: %d %v", v, err)
			}
			a, _ = s.Application(ctx, id)
			if string(a.Portfolio) != `{"live":3}` || string(a.Snapshot) != `{"snap":3}` {
				t.Fatalf("after saving both: %s %s", a.Portfolio, a.Snapshot)
			}
			if _, err := save(2, []byte(`{"live":4}`), nil); !errors.Is(err, ErrConflict) {
				t.Fatalf("stale version: %v, want ErrConflict", err)
			}
			a, _ = s.Application(ctx, id)
			if string(a.Portfolio) != `{"live":3}` || a.Version != 3 {
				t.Fatalf("a refused save changed the application: %s v%d", a.Portfolio, a.Version)
			}
		})
	}
}
