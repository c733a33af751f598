package blob

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/certboard/certboard"
	"gocloud.dev/blob/memblob"

	"github.com/certboard/certboard/internal/s3test"
	"github.com/certboard/certboard/seal"
)

func testKeys(t *testing.T) *seal.Keyring {
	t.Helper()
	k, err := seal.New(seal.Generate())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// stores returns a store of each kind the project uses: in memory, in a
// directory (both through OpenDir and through a file:// URL), and in an S3
// bucket on a real S3 HTTP server (internal/s3test).
func stores(t *testing.T) map[string]*Store {
	t.Helper()
	keys := testKeys(t)
	mem, err := New(memblob.OpenBucket(nil), keys)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := OpenDir(filepath.Join(t.TempDir(), "files"), keys)
	if err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(t.TempDir()), RawQuery: "no_tmp_dir=1"}
	byURL, err := Open(context.Background(), u.String(), keys)
	if err != nil {
		t.Fatal(err)
	}
	s3, err := Open(context.Background(), s3test.New(t).URL, keys)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*Store{"memblob": mem, "fileblob": dir, "file-url": byURL, "s3": s3}
	for _, s := range out {
		t.Cleanup(func() { s.Close() })
	}
	return out
}

func TestRoundTripAndEncryptionAtRest(t *testing.T) {
	ctx := context.Background()
	plain := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("confidential transcript "), 500)...)
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			key := "applications/1/0123abcd"
			if err := s.Put(ctx, key, plain); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, key)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("Get = %d bytes, %v; want the %d bytes written", len(got), err, len(plain))
			}
			raw, err := s.bucket.ReadAll(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte("confidential")) || bytes.Contains(raw, []byte("%PDF")) || !bytes.HasPrefix(raw, []byte("v1.")) {
				t.Fatalf("the object at rest is not sealed: %.40q", raw)
			}
			if err := s.Put(ctx, key, []byte("other")); !errors.Is(err, ErrExists) {
				t.Fatalf("overwriting: %v, want ErrExists", err)
			}
			if got, _ := s.Get(ctx, key); !bytes.Equal(got, plain) {
				t.Fatal("a refused Put changed the object")
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after Delete: %v, want ErrNotFound", err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("deleting again: %v", err)
			}
		})
	}
}

func TestTamperedMovedOrForeignObjectsDoNotOpen(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			if err := s.Put(ctx, "a/1", []byte("\x89PNG\r\n\x1a\nimage")); err != nil {
				t.Fatal(err)
			}
			raw, _ := s.bucket.ReadAll(ctx, "a/1")
			bad := bytes.Clone(raw)
			bad[len(bad)-5] ^= 0x01
			if err := s.bucket.WriteAll(ctx, "a/2", bad, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, "a/2"); !errors.Is(err, seal.ErrOpen) {
				t.Fatalf("altered object: %v, want seal.ErrOpen", err)
			}
			// The intact object copied to another key: bound to its own key.
			if err := s.bucket.WriteAll(ctx, "a/3", raw, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, "a/3"); !errors.Is(err, seal.ErrOpen) {
				t.Fatalf("moved object: %v, want seal.ErrOpen", err)
			}
			// Plaintext put there behind the store's back.
			if err := s.bucket.WriteAll(ctx, "a/4", []byte("%PDF-1.7 planted"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, "a/4"); !errors.Is(err, seal.ErrOpen) {
				t.Fatalf("plaintext object: %v, want seal.ErrOpen", err)
			}
			other, _ := New(s.bucket, testKeys(t))
			if _, err := other.Get(ctx, "a/1"); !errors.Is(err, seal.ErrOpen) {
				t.Fatalf("another keyring: %v, want seal.ErrOpen", err)
			}
		})
	}
}

func TestOpenDirCreatesAPrivateDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "files")
	s, err := OpenDir(dir, testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory: %v, %v", fi, err)
	}
	if err := s.Put(context.Background(), "applications/7/ff", []byte("%PDF-1.4")); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "applications", "7", "ff"))
	if err != nil || !bytes.HasPrefix(raw, []byte("v1.")) {
		t.Fatalf("object on disk: %.20q, %v", raw, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "applications", "7"))
	if len(entries) != 1 {
		t.Fatalf("files beside the object (sidecars, temporaries): %v", entries)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "nosuch://bucket", testKeys(t)); err == nil {
		t.Fatal("an unknown scheme was accepted")
	}
	if _, err := Open(ctx, "file://"+filepath.ToSlash(filepath.Join(t.TempDir(), "missing")), testKeys(t)); err == nil {
		t.Fatal("a missing directory without create_dir was accepted")
	}
	if _, err := New(memblob.OpenBucket(nil), nil); err == nil {
		t.Fatal("a store without keys was accepted")
	}
}

// Small but real documents, as their first bytes look.
var (
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")
)

func TestSniffAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string // what a person might have called the file; never consulted
		data []byte
		want string
	}{
		{"transcript.pdf", pdfBytes, PDF},
		{"scan.png", pngBytes, PNG},
		{"photo.jpg", jpegBytes, JPEG},
		{"diploma.pdf", pngBytes, PNG}, // a PNG named .pdf is a PNG
		{"license.png", pdfBytes, PDF}, // and the other way round
		{"document", jpegBytes, JPEG},  // no extension at all
		{"exif.jpeg", []byte("\xff\xd8\xff\xe1\x00\x10Exif"), JPEG},
	} {
		got, err := Sniff(tc.data)
		if err != nil || got != tc.want {
			t.Errorf("%s: Sniff = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestSniffRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		found string // part of the message naming what was found
	}{
		{"empty.pdf", nil, "empty"},
		{"page.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "HTML"},
		{"page2.pdf", []byte("<html><body>%PDF-1.4</body></html>"), "HTML"},
		{"archive.pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), "ZIP"},
		{"setup.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), "Windows program"},
		{"tool.pdf", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"), "ELF"},
		{"notes.pdf", []byte("These are my notes, saved with a .pdf name."), "plain text"},
		{"anim.png", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "GIF"},
		{"image.svg.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`), "XML"},
		{"pdf-late.pdf", []byte("  %PDF-1.4 after spaces"), "text"},
		{"short-png.png", []byte("\x89PN"), "text"},
	} {
		got, err := Sniff(tc.data)
		if err == nil || certboard.ErrorCode(err) != certboard.Unsupported || got != "" {
			t.Errorf("%s: Sniff = %q, %v; want an Unsupported error", tc.name, got, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.found) || !strings.Contains(msg, Accepted) {
			t.Errorf("%s: message %q should name %q and what is accepted", tc.name, msg, tc.found)
		}
	}
}

func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{pdfBytes, pngBytes, jpegBytes, []byte("<html>"), nil} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ct, err := Sniff(data)
		switch {
		case err != nil && ct != "":
			t.Fatalf("an error with a type %q", ct)
		case ct == PDF && !bytes.HasPrefix(data, []byte("%PDF-")),
			ct == PNG && !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")),
			ct == JPEG && !bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
			t.Fatalf("accepted %q without its signature: %.16q", ct, data)
		case err == nil && ct != PDF && ct != PNG && ct != JPEG:
			t.Fatalf("accepted %q", ct)
		}
	})
}

func TestWalk(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			keys := []string{"applications/1/aa", "applications/1/bb", "applications/12/cc", "other/dd"}
			for _, k := range keys {
				if err := s.Put(ctx, k, []byte("%PDF-1.4 x")); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			err := s.Walk(ctx, "applications/", func(key string, modified time.Time) error {
				if modified.IsZero() {
					t.Errorf("%s: no modification time", key)
				}
				got = append(got, key)
				return nil
			})
			if err != nil || strings.Join(got, " ") != "applications/1/aa applications/1/bb applications/12/cc" {
				t.Fatalf("Walk(applications/) = %v, %v", got, err)
			}
			stop := errors.New("stop")
			n := 0
			err = s.Walk(ctx, "", func(string, time.Time) error {
				n++
				return stop
			})
			if !errors.Is(err, stop) || n != 1 {
				t.Fatalf("Walk stopped by its function: %v after %d objects", err, n)
			}
			if err := s.Delete(ctx, "applications/1/bb"); err != nil {
				t.Fatal(err)
			}
			got = nil
			_ = s.Walk(ctx, "applications/1/", func(key string, _ time.Time) error { got = append(got, key); return nil })
			if strings.Join(got, " ") != "applications/1/aa" {
				t.Fatalf("after a delete: %v", got)
			}
		})
	}
}

func TestFilesAreOwnerOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "files")
	s, err := OpenDir(root, testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key := "applications/1/0123abcd"
	if err := s.Put(ctx, key, []byte("%PDF-1.4\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResealAll(ctx); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{root: 0o700, filepath.Join(root, "applications", "1"): 0o700, filepath.Join(root, filepath.FromSlash(key)): 0o600} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", name, fi.Mode().Perm(), want)
		}
	}
}

func TestResealAll(t *testing.T) {
	ctx := context.Background()
	oldKey := seal.Generate()
	k1, _ := seal.New(oldKey)
	dir := filepath.Join(t.TempDir(), "files")
	s, err := OpenDir(dir, k1)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"applications/1/a", "applications/2/b"} {
		if err := s.Put(ctx, key, []byte("%PDF-1.4 "+key)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	newKey := seal.Generate()
	k2, _ := seal.New(oldKey, newKey)
	s, _ = OpenDir(dir, k2)
	if got, err := s.Get(ctx, "applications/1/a"); err != nil || string(got) != "%PDF-1.4 applications/1/a" {
		t.Fatalf("an old document after the rotation: %q %v", got, err)
	}
	if n, err := s.ResealAll(ctx); err != nil || n != 2 {
		t.Fatalf("ResealAll: %d %v", n, err)
	}
	if n, err := s.ResealAll(ctx); err != nil || n != 0 {
		t.Fatalf("ResealAll again: %d %v", n, err)
	}
	s.Close()
	newOnly, _ := seal.New(newKey)
	s, _ = OpenDir(dir, newOnly)
	defer s.Close()
	for _, key := range []string{"applications/1/a", "applications/2/b"} {
		if got, err := s.Get(ctx, key); err != nil || string(got) != "%PDF-1.4 "+key {
			t.Fatalf("%s without the old key: %q %v", key, got, err)
		}
	}
}
func TestCheckName(t *testing.T) {
	for name, want := range map[string]string{
		"diploma.pdf":                        "",
		`C:\Users\ana\Documents\diploma.pdf`: "",
		"Zeugnis für Ana – 2024.pdf":         "",
		strings.Repeat("a", MaxNameLength):   "",
		strings.Repeat("a", MaxNameLength+1): "the file name is 256 bytes long, more than the 255 accepted",
		strings.Repeat("d/", 400) + "x.pdf":  "",
		strings.Repeat("d/", 600) + "x.pdf":  "the file name is 1205 bytes long, more than the 1024 accepted",
		"dip\nloma.pdf":                      "control characters",
		"dip\x00loma.pdf":                    "control characters",
		"dip\xffloma.pdf":                    "not valid UTF-8",
	} {
		err := CheckName(name)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckName(%.40q) = %v, want %q", name, err, want)
		}
	}
}

func TestCheckDeclaredType(t *testing.T) {
	for ct, want := range map[string]string{
		"":                                       "",
		"application/pdf":                        "",
		"image/jpeg; name=\"x.jpg\"":             "",
		"application/octet-stream":               "",
		"pdf":                                    "is not a media type",
		"image/png; " + strings.Repeat("a", 300): "more than the 255 accepted",
	} {
		err := CheckDeclaredType(ct)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckDeclaredType(%.40q) = %v, want %q", ct, err, want)
		}
	}
}
