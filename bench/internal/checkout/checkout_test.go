package checkout

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certboard/certboard/portfolio"
)

func TestFindFromASubdirectory(t *testing.T) {
	root := t.TempDir()
	rel := filepath.Join("examples", "x.json")
	if err := os.MkdirAll(filepath.Join(root, "examples"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, rel), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "bench", "load")
	if err := os.MkdirAll(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got, err := Find(rel)
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.EvalSymlinks(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	if gotReal, err := filepath.EvalSymlinks(got); err != nil || gotReal != want {
		t.Errorf("Find(%q) = %q, want %q", rel, got, want)
	}
	if abs := filepath.Join(root, "absent.json"); mustFind(t, abs) != abs {
		t.Errorf("an absolute path was not returned as it is")
	}
}

func mustFind(t *testing.T, rel string) string {
	t.Helper()
	p, err := Find(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindMissing(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := Find(filepath.Join("no", "such-file.json"))
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find of a missing file = %v, want ErrNotFound", err)
	}
	if !strings.HasPrefix(err.Error(), filepath.Join("no", "such-file.json")+": not found") {
		t.Errorf("the error does not name the file first: %v", err)
	}
}

func TestPortfolio(t *testing.T) {
	p, err := Portfolio(filepath.Join("examples", "portfolios", "cst-eligible.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range portfolio.Lists() {
		n += len(portfolio.Items(p, l))
	}
	if n == 0 {
		t.Error("the example portfolio decoded with no evidence items")
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Portfolio(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("Portfolio of a bad file = %v, want an error naming the file", err)
	}
}
