package sqldb_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

func TestSealUnseal(t *testing.T) {
	if _, err := sqldb.Seal(nil, []byte("x"), "row/1"); !errors.Is(err, sqldb.ErrNoKeys) {
		t.Fatalf("Seal without keys: %v", err)
	}
	if _, err := sqldb.Unseal(nil, "x", "row/1"); !errors.Is(err, sqldb.ErrNoKeys) {
		t.Fatalf("Unseal without keys: %v", err)
	}
	keys, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sqldb.Seal(keys, []byte("secret"), "row/1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := sqldb.Unseal(keys, sealed, "row/1"); err != nil || string(got) != "secret" {
		t.Fatalf("Unseal = %q, %v", got, err)
	}
	if _, err := sqldb.Unseal(keys, sealed, "row/2"); err == nil {
		t.Fatal("opened under another context")
	}
}

func TestMigrations(t *testing.T) {
	fsys := fstest.MapFS{"migrations/sqlite/00001_a.sql": {Data: []byte("-- +goose Up\n")}}
	if _, err := sqldb.Migrations(fsys).Open("sqlite/00001_a.sql"); err != nil {
		t.Fatal(err)
	}
}
