package blob

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/certboard/certboard/seal"
)

// localStores are the stores that keep objects in a local directory, by
// OpenDir and by a file:// URL, with their directories.
func localStores(t *testing.T) map[string]*Store {
	t.Helper()
	keys := testKeys(t)
	dir, err := OpenDir(filepath.Join(t.TempDir(), "files"), keys)
	if err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(t.TempDir())}
	byURL, err := Open(context.Background(), u.String(), keys)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Store{"dir": dir, "file-url": byURL}
	for _, s := range out {
		t.Cleanup(func() { s.Close() })
	}
	return out
}

// TestPutFlushesBeforeItReturns: the object's data is flushed before it
// gets its name, and every directory that gained an entry (the object's,
// and the parents of the directories made for it) is flushed after.
func TestPutFlushesBeforeItReturns(t *testing.T) {
	for name, s := range localStores(t) {
		t.Run(name, func(t *testing.T) {
			if s.local == nil {
				t.Fatal("a local directory store without its own writer")
			}
			root := s.local.root
			final := filepath.Join(root, "applications", "7", "ff")
			current := final // the object being written
			var synced []string
			s.local.sync = func(f *os.File) error {
				fi, err := f.Stat()
				if err != nil {
					return err
				}
				if !fi.IsDir() {
					// The data is flushed under a temporary name, before the
					// object exists.
					if _, err := os.Stat(current); err == nil {
						t.Errorf("the object was in place before its data was flushed")
					}
					synced = append(synced, "file")
				} else {
					rel, _ := filepath.Rel(root, f.Name())
					synced = append(synced, "dir "+filepath.ToSlash(rel))
				}
				return f.Sync()
			}
			if err := s.Put(context.Background(), "applications/7/ff", pdfBytes); err != nil {
				t.Fatal(err)
			}
			want := []string{"dir .", "dir applications", "file", "dir applications/7"}
			if !slices.Equal(synced, want) {
				t.Fatalf("flushed %v, want %v", synced, want)
			}
			// Read back through the bucket (fileblob), as Get does.
			if got, err := s.Get(context.Background(), "applications/7/ff"); err != nil || string(got) != string(pdfBytes) {
				t.Fatalf("read back: %q %v", got, err)
			}
			// A second object in the same directory flushes only it and
			// the directory.
			synced, current = nil, filepath.Join(root, "applications", "7", "fe")
			if err := s.Put(context.Background(), "applications/7/fe", pdfBytes); err != nil {
				t.Fatal(err)
			}
			if want := []string{"file", "dir applications/7"}; !slices.Equal(synced, want) {
				t.Fatalf("second object: flushed %v, want %v", synced, want)
			}
			if entries, _ := os.ReadDir(filepath.Dir(final)); len(entries) != 2 {
				t.Fatalf("files beside the objects (temporaries): %v", entries)
			}
		})
	}
}

// TestPutFailsWhenTheFlushFails: an upload whose data could not be flushed
// is not acknowledged and leaves nothing behind.
func TestPutFailsWhenTheFlushFails(t *testing.T) {
	for name, s := range localStores(t) {
		t.Run(name, func(t *testing.T) {
			broken := errors.New("disk on fire")
			s.local.sync = func(f *os.File) error {
				if fi, err := f.Stat(); err == nil && !fi.IsDir() {
					return broken
				}
				return f.Sync()
			}
			if err := s.Put(context.Background(), "applications/8/aa", pdfBytes); !errors.Is(err, broken) {
				t.Fatalf("Put with a failing flush: %v", err)
			}
			if _, err := s.Get(context.Background(), "applications/8/aa"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("the object exists after a failed flush: %v", err)
			}
			if entries, _ := os.ReadDir(filepath.Join(s.local.root, "applications", "8")); len(entries) != 0 {
				t.Fatalf("left behind: %v", entries)
			}
		})
	}
}

// TestPutToOneKeyOnce: of uploads racing to one key exactly one wins;
// the others get ErrExists and the winner's object stays whole.
func TestPutToOneKeyOnce(t *testing.T) {
	for name, s := range localStores(t) {
		t.Run(name, func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					errs[i] = s.Put(context.Background(), "applications/9/race", []byte(strings.Repeat(string(rune('a'+i)), 1000)))
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, ErrExists):
					t.Fatalf("a losing upload: %v", err)
				}
			}
			got, err := s.Get(context.Background(), "applications/9/race")
			if won != 1 || err != nil || len(got) != 1000 || strings.Count(string(got), string(got[0])) != 1000 {
				t.Fatalf("%d uploads won; the object: %.20q %v", won, got, err)
			}
		})
	}
}

func TestLocalPathRefusesKeysFileblobWouldSpellOtherwise(t *testing.T) {
	for _, key := range []string{"", "a//b", "/a", "a/", "../a", "a/./b", "a/__0x2f__", "a/b.attrs", "a b", "a\\b", "a\x00b"} {
		if _, err := localPath(key); err == nil {
			t.Errorf("key %q was accepted", key)
		}
	}
	if p, err := localPath("applications/12/9f2c-a_b.c"); err != nil || p != filepath.FromSlash("applications/12/9f2c-a_b.c") {
		t.Fatalf("a store key: %q %v", p, err)
	}
}

// TestResealFlushesTheReplacement: resealing a local object under a new
// key replaces it in one step, after flushing the new data, and flushes
// the directory.
func TestResealFlushesTheReplacement(t *testing.T) {
	ctx := context.Background()
	oldKey := seal.Generate()
	k1, _ := seal.New(oldKey)
	dir := filepath.Join(t.TempDir(), "files")
	s, err := OpenDir(dir, k1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "applications/1/a", pdfBytes); err != nil {
		t.Fatal(err)
	}
	s.Close()
	k2, _ := seal.New(oldKey, seal.Generate())
	if s, err = OpenDir(dir, k2); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	final := filepath.Join(s.local.root, "applications", "1", "a")
	before, _ := os.ReadFile(final)
	var synced []string
	s.local.sync = func(f *os.File) error {
		if fi, err := f.Stat(); err == nil && !fi.IsDir() {
			// The old object is still whole while the new one is flushed.
			if now, _ := os.ReadFile(final); string(now) != string(before) {
				t.Error("the object changed before its replacement was flushed")
			}
			synced = append(synced, "file")
		} else {
			synced = append(synced, "dir")
		}
		return f.Sync()
	}
	if n, err := s.ResealAll(ctx); err != nil || n != 1 {
		t.Fatalf("ResealAll: %d %v", n, err)
	}
	if want := []string{"file", "dir"}; !slices.Equal(synced, want) {
		t.Fatalf("flushed %v, want %v", synced, want)
	}
	if after, _ := os.ReadFile(final); string(after) == string(before) {
		t.Fatal("not resealed")
	}
	if got, err := s.Get(ctx, "applications/1/a"); err != nil || string(got) != string(pdfBytes) {
		t.Fatalf("read back: %q %v", got, err)
	}
}
