// Package blob keeps uploaded documents in a blob bucket (gocloud.dev/blob:
// a directory by default, or a bucket URL: file:// or s3:// for Amazon S3
// and S3-compatible services), encrypted with the seal package before they
// leave the process, and decides which uploads are acceptable at all by
// their content.
package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob" // file:// bucket URLs, and OpenDir
	_ "gocloud.dev/blob/s3blob" // s3:// bucket URLs: Amazon S3 and S3-compatible services
	"gocloud.dev/gcerrors"

	"github.com/certboard/certboard/seal"
)

// MaxSize is the largest document accepted, in bytes (10 MiB).
const MaxSize = 10 << 20

// Accepted says in words which documents are accepted, for messages.
const Accepted = "PDF, PNG or JPEG"

// The content types Sniff returns.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Errors of the store.
var (
	// ErrNotFound is returned by Get for a key that holds no object.
	ErrNotFound = errors.New("files: no such object")
	// ErrExists is returned by Put for a key that already holds an object:
	// documents are never replaced in place.
	ErrExists = errors.New("files: an object with this key already exists")
)

// Store is a bucket whose objects are sealed: each is encrypted with the
// keyring's newest key and bound to its own key in the bucket, so that an
// object copied to another key, or altered, does not open.
type Store struct {
	bucket *blob.Bucket
	keys   *seal.Keyring
	// local, for a bucket in a local directory, writes objects itself so
	// that they are on disk before Put returns (see localDir).
	local *localDir
}

// New wraps an open bucket; the store owns it from then on (Close closes it).
func New(bucket *blob.Bucket, keys *seal.Keyring) (*Store, error) {
	if bucket == nil || keys == nil {
		return nil, errors.New("files: a bucket and encryption keys are required")
	}
	return &Store{bucket: bucket, keys: keys}, nil
}

// Open opens the bucket a URL names. This package links two drivers:
//
//   - file:///var/lib/certboard/files, a local directory (add ?create_dir=1
//     to create it); its objects are written durably by this package (see
//     localDir).
//   - s3://BUCKET?region=eu-central-1, Amazon S3 or an S3-compatible
//     service (gocloud.dev/blob/s3blob, AWS SDK v2): endpoint=URL for a
//     service other than AWS, use_path_style=true for one that wants
//     http://host/BUCKET/KEY rather than http://BUCKET.host/KEY,
//     disable_https=true with an http:// endpoint, and the other parameters
//     of gocloud.dev/aws.V2ConfigFromURLParams (profile, ...). Credentials
//     come from the AWS SDK's usual chain: AWS_ACCESS_KEY_ID and
//     AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), a shared credentials
//     file, or the instance's role. S3 acknowledges a write once it is
//     stored, so a Put that returns nil is durable there too.
//
// Open does not reach the bucket; Check does.
func Open(ctx context.Context, bucketURL string, keys *seal.Keyring) (*Store, error) {
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return nil, fmt.Errorf("opening the file store %s: %w", bucketURL, err)
	}
	s, err := New(b, keys)
	if err != nil {
		b.Close()
		return nil, err
	}
	if u, err := url.Parse(bucketURL); err == nil && u.Scheme == fileblob.Scheme {
		s.local = newLocalDir(fileURLDir(u))
	}
	return s, nil
}

// fileURLDir is the directory a file:// URL names, read as fileblob reads
// it: file:///abs/path, or file://./rel/path for a relative one.
func fileURLDir(u *url.URL) string {
	p := u.Path
	if u.Host == "." || os.PathSeparator != '/' {
		p = strings.TrimPrefix(p, "/")
	}
	return filepath.FromSlash(p)
}

// OpenDir opens a file store in a local directory, creating it (readable
// by its owner only) when it does not exist. Temporary files are written
// inside the directory, so that it may live on any file system.
func OpenDir(dir string, keys *seal.Keyring) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the file store: %w", err)
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{DirFileMode: 0o700, NoTempDir: true, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("opening the file store: %w", err)
	}
	s, err := New(b, keys)
	if err != nil {
		b.Close()
		return nil, err
	}
	s.local = newLocalDir(dir)
	return s, nil
}

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// CheckPrefix is where Check writes its probe objects, apart from the
// documents (which live under applications/).
const CheckPrefix = ".certboard-check/"

// Check proves the bucket usable before a server relies on it: it writes a
// small sealed object under CheckPrefix, reads it back, opens it and
// deletes it, so that a bucket that is unreachable, missing, read-only or
// refused to these credentials stops the start with the reason rather than
// failing the first upload. The probe is sealed like any object: nothing
// unencrypted reaches the bucket.
func (s *Store) Check(ctx context.Context) error {
	var b [8]byte
	rand.Read(b[:])
	key := CheckPrefix + hex.EncodeToString(b[:])
	want := []byte("certboard can write, read and delete here")
	if err := s.Put(ctx, key, want); err != nil {
		return fmt.Errorf("the file store cannot be written: %w", err)
	}
	got, err := s.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("the file store cannot be read back: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("the file store returned other bytes than were written under %s", key)
	}
	if err := s.Delete(ctx, key); err != nil {
		return fmt.Errorf("the file store refuses deletions: %w", err)
	}
	return nil
}

// writerOptions are the options of every write: files of a directory
// bucket are made readable by their owner only (0600), whatever the
// process's umask (the file driver creates them 0666 less the umask).
func writerOptions(ifNotExist bool) *blob.WriterOptions {
	return &blob.WriterOptions{
		ContentType: "application/octet-stream",
		IfNotExist:  ifNotExist,
		BeforeWrite: func(as func(any) bool) error {
			var f *os.File
			if as(&f) && runtime.GOOS != "windows" {
				return f.Chmod(0o600)
			}
			return nil
		},
	}
}

// Put encrypts data and writes it under key; it refuses to replace an
// existing object (ErrExists). When it returns nil the object is stored for
// good: in a local directory, flushed to disk with its directory entry.
func (s *Store) Put(ctx context.Context, key string, data []byte) error {
	sealed := s.keys.Seal(data, key)
	if s.local != nil {
		return s.local.write(ctx, key, []byte(sealed), false)
	}
	err := s.bucket.WriteAll(ctx, key, []byte(sealed), writerOptions(true))
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return fmt.Errorf("%w: %s", ErrExists, key)
	}
	if err != nil {
		return fmt.Errorf("writing %s to the file store: %w", key, err)
	}
	return nil
}

// Get reads and decrypts the object under key. An object that was altered,
// moved from another key or sealed with a key not in the keyring fails with
// an error wrapping seal.ErrOpen.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	raw, err := s.bucket.ReadAll(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s from the file store: %w", key, err)
	}
	data, err := s.keys.Open(string(raw), key)
	if err != nil {
		return nil, fmt.Errorf("file store object %s: %w", key, err)
	}
	return data, nil
}

// ResealAll seals again, under the keyring's newest key, every object that
// an older key sealed, and returns how many it rewrote. Objects that do not
// open are counted in the error and left as they are. Run it once every
// server has the new key. A document deleted while it runs may have its
// file written back; the daily sweep removes such files.
func (s *Store) ResealAll(ctx context.Context) (int, error) {
	n := 0
	var failures []error
	err := s.Walk(ctx, "", func(key string, _ time.Time) error {
		raw, err := s.bucket.ReadAll(ctx, key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil // deleted meanwhile
		}
		if err != nil {
			return fmt.Errorf("reading %s from the file store: %w", key, err)
		}
		if seal.KeyID(string(raw)) == s.keys.Current() {
			return nil
		}
		data, err := s.keys.Open(string(raw), key)
		if err != nil {
			failures = append(failures, fmt.Errorf("file store object %s: %w", key, err))
			return nil
		}
		resealed := []byte(s.keys.Seal(data, key))
		if s.local != nil {
			if err := s.local.write(ctx, key, resealed, true); err != nil {
				return err
			}
		} else if err := s.bucket.WriteAll(ctx, key, resealed, writerOptions(false)); err != nil {
			return fmt.Errorf("writing %s to the file store: %w", key, err)
		}
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	if len(failures) > 0 {
		return n, fmt.Errorf("%d files could not be sealed again (left as they were): %w", len(failures), errors.Join(failures...))
	}
	return n, nil
}

// Delete removes the object under key; removing one that does not exist
// is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("deleting %s from the file store: %w", key, err)
	}
	return nil
}

// Walk calls fn with the key and the time of last change of every object
// whose key starts with prefix, in key order, until fn returns an error
// (which Walk returns). It is for housekeeping, such as finding the files
// that no document refers to any more, and for copying the bucket (a
// backup). It works the same on every driver: keys are the full object
// keys ("applications/12/ab34..."), listed flat, without directories, and
// the time is the bucket's own (a file's mtime, S3's LastModified). The
// listing is not a snapshot: objects written or deleted while it runs may
// or may not be seen.
func (s *Store) Walk(ctx context.Context, prefix string, fn func(key string, modified time.Time) error) error {
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing the file store under %q: %w", prefix, err)
		}
		if obj.IsDir {
			continue
		}
		if err := fn(obj.Key, obj.ModTime); err != nil {
			return err
		}
	}
}

// Limits of what an upload says about its file, checked before the name or
// the type is used for anything.
const (
	// MaxNameLength is the longest file name accepted, in bytes, once any
	// folder a browser sent with it is cut off: most file systems' limit
	// for one name.
	MaxNameLength = 255
	// MaxPathLength is the longest name accepted as sent, folders
	// included, in bytes.
	MaxPathLength = 1024
	// MaxTypeLength is the longest content type an upload may declare, in
	// bytes. The declared type decides nothing (Sniff does); it is only
	// bounded.
	MaxTypeLength = 255
)

// CheckName checks the name an upload gives its file: at most
// MaxPathLength bytes as sent and MaxNameLength once any folder is cut off
// (browsers on Windows have sent C:\Users\...\file.pdf), UTF-8 without
// control characters. The error says what is wrong and how to fix it, to
// be shown with the file field.
func CheckName(name string) error {
	base := name[strings.LastIndexAny(name, `/\`)+1:]
	switch {
	case len(name) > MaxPathLength:
		return fmt.Errorf("the file name is %d bytes long, more than the %d accepted; rename the file", len(name), MaxPathLength)
	case len(base) > MaxNameLength:
		return fmt.Errorf("the file name is %d bytes long, more than the %d accepted; rename the file", len(base), MaxNameLength)
	case !utf8.ValidString(name):
		return errors.New("the file name is not valid UTF-8; rename the file")
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("the file name holds control characters (such as a line break); rename the file")
	}
	return nil
}

// CheckDeclaredType checks the content type an upload declares for its
// file: empty, or a well-formed media type (RFC 2045) of at most
// MaxTypeLength bytes. It does not decide whether the file is accepted:
// Sniff does, by the content.
func CheckDeclaredType(contentType string) error {
	if contentType == "" {
		return nil
	}
	if len(contentType) > MaxTypeLength {
		return fmt.Errorf("the declared content type is %d bytes long, more than the %d accepted", len(contentType), MaxTypeLength)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if typ, sub, _ := strings.Cut(mt, "/"); err != nil || typ == "" || sub == "" {
		return fmt.Errorf("the declared content type %q is not a media type such as application/pdf", contentType)
	}
	return nil
}

// Sniff decides what a document is by its first bytes, never by its name,
// and accepts only PDF, PNG and JPEG. Anything else is an Unsupported
// *certboard.Error naming what was found.
func Sniff(data []byte) (string, error) {
	if len(data) == 0 {
		return "", &certboard.Error{Code: certboard.Unsupported,
			Message: "the file is empty; accepted are " + Accepted + " documents"}
	}
	detected := http.DetectContentType(data)
	base, _, _ := strings.Cut(detected, ";")
	var magic string
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		magic = PDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		magic = PNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		magic = JPEG
	}
	// Both readings must agree: the explicit signature and the standard
	// library's sniffer (which also reads the signatures, so this refuses
	// nothing real, but keeps one definition from drifting alone).
	if magic == "" || base != magic {
		return "", certboard.Errorf(certboard.Unsupported,
			"the file's content is %s, whatever its name says; accepted are %s documents", describe(data, detected), Accepted)
	}
	return magic, nil
}

// describe names what a refused document looks like, in words a person
// knows, with the media type where there is one.
func describe(data []byte, detected string) string {
	switch {
	case bytes.HasPrefix(data, []byte("MZ")):
		return "a Windows program (MZ executable)"
	case bytes.HasPrefix(data, []byte("\x7fELF")):
		return "a program (ELF executable)"
	}
	base, _, _ := strings.Cut(detected, ";")
	names := map[string]string{
		"text/html":                    "HTML (text/html)",
		"text/plain":                   "plain text (text/plain)",
		"text/xml":                     "XML (text/xml)",
		"application/zip":              "a ZIP archive (application/zip)",
		"application/x-gzip":           "a gzip archive (application/x-gzip)",
		"application/x-rar-compressed": "a RAR archive (application/x-rar-compressed)",
		"application/octet-stream":     "unrecognised binary data (application/octet-stream)",
		"image/gif":                    "a GIF image (image/gif)",
		"image/webp":                   "a WebP image (image/webp)",
		"image/bmp":                    "a BMP image (image/bmp)",
		"application/postscript":       "PostScript (application/postscript)",
	}
	if n, ok := names[base]; ok {
		return n
	}
	return base
}
