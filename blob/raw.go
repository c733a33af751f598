package blob

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/gcerrors"
)

// Raw is a bucket of documents read and written as they are stored, sealed,
// without the keys: for backups, which copy documents byte for byte and
// never see them in the clear. Any bucket URL the binary knows works, so a
// backup walks an S3-compatible bucket as it walks a directory.
type Raw struct {
	bucket *blob.Bucket
	// local, for a directory, writes objects durably (see localDir).
	local *localDir
}

// OpenRaw opens the bucket a URL names (see Open) for raw access.
func OpenRaw(ctx context.Context, bucketURL string) (*Raw, error) {
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		return nil, fmt.Errorf("opening the file store %s: %w", bucketURL, err)
	}
	r := &Raw{bucket: b}
	if u, err := url.Parse(bucketURL); err == nil && u.Scheme == fileblob.Scheme {
		r.local = newLocalDir(fileURLDir(u))
	}
	return r, nil
}

// OpenRawDir opens a file store in a local directory (see OpenDir) for
// raw access, creating the directory (owner only) when it does not exist.
func OpenRawDir(dir string) (*Raw, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the file store: %w", err)
	}
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{DirFileMode: 0o700, NoTempDir: true, Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		return nil, fmt.Errorf("opening the file store: %w", err)
	}
	return &Raw{bucket: b, local: newLocalDir(dir)}, nil
}

// Close releases the bucket.
func (r *Raw) Close() error { return r.bucket.Close() }

// Walk calls fn with the key of every object, in the order the bucket
// lists them (key order, but for a directory a file may list before the
// files of a folder whose name it sorts before), until fn returns an
// error (which Walk returns).
func (r *Raw) Walk(ctx context.Context, fn func(key string) error) error {
	token := blob.FirstPageToken
	for {
		objs, next, err := r.listPage(ctx, token)
		if err != nil {
			return fmt.Errorf("listing the file store: %w", err)
		}
		for _, obj := range objs {
			if obj.IsDir || r.local != nil && isTemp(obj.Key) {
				continue
			}
			if err := fn(obj.Key); err != nil {
				return err
			}
		}
		if len(next) == 0 {
			return nil
		}
		token = next
	}
}

// listPage lists the page of objects that token starts. A directory's
// listing fails when a file goes between reading the directory and
// reading the file (the temporary file of a write under way, renamed into
// place): that page is listed again, at most maxRelists times, so the
// pages are exactly the bucket's own.
func (r *Raw) listPage(ctx context.Context, token []byte) ([]*blob.ListObject, []byte, error) {
	for tries := 0; ; tries++ {
		objs, next, err := r.bucket.ListPage(ctx, token, walkPage, nil)
		if err != nil && r.local != nil && gcerrors.Code(err) == gcerrors.NotFound && tries < maxRelists {
			continue
		}
		return objs, next, err
	}
}

// walkPage is how many objects Walk lists at a time: the bucket's own
// default page.
const walkPage = 1000

// maxRelists bounds how often Walk lists a directory's page again after a
// file went while it was read.
const maxRelists = 100

// isTemp reports whether a key of a directory bucket names the temporary
// file of a write under way (see localDir.write), not an object.
func isTemp(key string) bool {
	base := path.Base(key)
	return strings.HasPrefix(base, ".") && strings.HasSuffix(base, ".tmp")
}

// Empty reports whether the bucket holds no object.
func (r *Raw) Empty(ctx context.Context) (bool, error) {
	errFound := errors.New("found")
	err := r.Walk(ctx, func(string) error { return errFound })
	if errors.Is(err, errFound) {
		return false, nil
	}
	return err == nil, err
}

// Read returns the object under key as stored (sealed); ErrNotFound when
// there is none, as when it was deleted since it was listed.
func (r *Raw) Read(ctx context.Context, key string) ([]byte, error) {
	b, err := r.bucket.ReadAll(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s from the file store: %w", key, err)
	}
	return b, nil
}

// Write stores data, already sealed, under key as it is, refusing to
// replace an object (ErrExists); in a directory, it is on disk (file 0600)
// before Write returns.
func (r *Raw) Write(ctx context.Context, key string, data []byte) error {
	if r.local != nil {
		return r.local.write(ctx, key, data, false)
	}
	err := r.bucket.WriteAll(ctx, key, data, writerOptions(true))
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return fmt.Errorf("%w: %s", ErrExists, key)
	}
	if err != nil {
		return fmt.Errorf("writing %s to the file store: %w", key, err)
	}
	return nil
}
