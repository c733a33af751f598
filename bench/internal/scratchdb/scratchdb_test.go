package scratchdb

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
)

// TestCreateAndDrop makes a scratch database, writes to it, and checks the
// drop removes it; a URL that is not PostgreSQL's is refused by name.
func TestCreateAndDrop(t *testing.T) {
	if _, _, err := Create(context.Background(), "sqlite:///x.db", "certboard_scratch"); err == nil || !strings.Contains(err.Error(), "--database") {
		t.Fatalf("a sqlite URL: %v, want a refusal naming --database", err)
	}
	base := os.Getenv("CERTBOARD_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CERTBOARD_CI") != "" {
			t.Fatal("CERTBOARD_TEST_POSTGRES is not set")
		}
		t.Skip("CERTBOARD_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	fresh, drop, err := Create(ctx, base, "certboard_scratch")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", fresh)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil || !strings.HasPrefix(name, "certboard_scratch_") {
		t.Fatalf("connected to %q (%v), want the scratch database", name, err)
	}
	db.Close()
	drop()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after the drop %d databases named %s (%v)", n, name, err)
	}
}
