package backup

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestManifestRoundTripAndChecks writes a backup, reads it back, and finds
// every kind of damage named by file.
func TestManifestRoundTripAndChecks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bk")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("board.db", []byte("database")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(DocumentsDir+"/a/1", []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("../outside", []byte("x")); err == nil {
		t.Fatal("a path outside the backup was written")
	}
	m := Manifest{Mode: "board", Started: time.Now(), Databases: []Database{{Name: "board", Engine: "sqlite", File: "board.db", Schema: 22}}, Documents: 1}
	if err := w.Finish(m); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("a second backup into the same directory: %v", err)
	}
	got, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, files := got.DocumentFiles()
	if len(got.Files) != 2 || got.Databases[0].Schema != 22 || len(keys) != 1 || keys[0] != "a/1" || files[0] != "documents/a/1" {
		t.Fatalf("read back: %+v %v %v", got, keys, files)
	}
	for _, fi := range []string{"manifest.json", "board.db", "documents/a/1"} {
		st, err := os.Stat(filepath.Join(dir, fi))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", fi, st, err)
		}
	}

	// A manifest that lists a path outside the backup is refused.
	rewrite := func(edit func(m *Manifest)) {
		t.Helper()
		m := *got
		m.Files = append([]File(nil), got.Files...)
		m.Databases = append([]Database(nil), got.Databases...)
		edit(&m)
		b, _ := json.Marshal(m)
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]struct {
		edit func(m *Manifest)
		want string
	}{
		"outside":   {func(m *Manifest) { m.Files[0].Path = "../board.db" }, "backup file ../board.db: not a file a backup may list"},
		"size":      {func(m *Manifest) { m.Files[0].Size++ }, "backup file board.db: 8 bytes, the manifest says 9"},
		"unlisted":  {func(m *Manifest) { m.Databases[0].File = "other.db" }, "backup file other.db: the board database's copy is not in the manifest's files"},
		"mode":      {func(m *Manifest) { m.Mode = "clinic" }, `mode "clinic"`},
		"format":    {func(m *Manifest) { m.Format = 2 }, "backup format 2"},
		"duplicate": {func(m *Manifest) { m.Files[1].Path = m.Files[0].Path }, "not a file a backup may list"},
	} {
		rewrite(c.edit)
		_, err := Open(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	rewrite(func(*Manifest) {})
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "documents", "a", "1"), []byte("sealeD"), 0o600); err != nil {
		t.Fatal(err)
	}
	var ce *ChecksumError
	if _, err := Open(dir); !errors.As(err, &ce) || ce.File != "documents/a/1" || !strings.Contains(ce.Problem, "SHA-256") {
		t.Fatalf("an altered document: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, ManifestFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not a finished certboard backup") {
		t.Fatalf("without a manifest: %v", err)
	}
}
