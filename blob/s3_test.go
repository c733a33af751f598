package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certboard/certboard/internal/s3test"
	"github.com/certboard/certboard/seal"
)

// These tests run against a real S3 HTTP server in a process of its own
// (internal/s3test: gofakes3), reached through the s3blob driver over TCP,
// as production reaches S3. The tests shared by every kind of store
// (stores) run on it too: round trip, tampering, Walk.

func openS3(t *testing.T, bucketURL string, keys *seal.Keyring) *Store {
	t.Helper()
	s, err := Open(context.Background(), bucketURL, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawObject fetches an object straight from the server with a plain HTTP
// GET, bypassing the blob package and the S3 SDK: what the bucket really
// holds.
func rawObject(t *testing.T, b s3test.Bucket, name, key string) []byte {
	t.Helper()
	resp, err := http.Get(b.Endpoint + "/" + name + "/" + key)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", key, resp.StatusCode, err)
	}
	return body
}

func bucketName(t *testing.T, b s3test.Bucket) string {
	t.Helper()
	name, _, ok := strings.Cut(strings.TrimPrefix(b.URL, "s3://"), "?")
	if !ok {
		t.Fatalf("bucket URL %q", b.URL)
	}
	return name
}

func TestS3ObjectsAtRestAreSealed(t *testing.T) {
	ctx := context.Background()
	b := s3test.New(t)
	s := openS3(t, b.URL, testKeys(t))
	plain := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("confidential supervision log "), 300)...)
	key := "applications/3/5a5a5a5a"
	if err := s.Put(ctx, key, plain); err != nil {
		t.Fatal(err)
	}
	raw := rawObject(t, b, bucketName(t, b), key)
	if bytes.Contains(raw, []byte("confidential")) || bytes.Contains(raw, []byte("%PDF")) || !bytes.HasPrefix(raw, []byte("v1.")) {
		t.Fatalf("the object in the S3 bucket is not sealed: %.40q", raw)
	}
	if len(raw) <= len(plain) {
		t.Fatalf("the sealed object is %d bytes for %d of plaintext", len(raw), len(plain))
	}
	if got, err := s.Get(ctx, key); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Get = %d bytes, %v", len(got), err)
	}
	if _, err := s.Get(ctx, "applications/3/missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing key: %v, want ErrNotFound", err)
	}
}

// The largest document accepted (sealed, a little over 10 MiB: one PUT,
// under the SDK's 16 MiB multipart threshold) must come back whole,
// sealed at rest, and not be replaced.
func TestS3LargestDocument(t *testing.T) {
	ctx := context.Background()
	b := s3test.New(t)
	s := openS3(t, b.URL, testKeys(t))
	plain := make([]byte, MaxSize)
	rand.Read(plain)
	copy(plain, "%PDF-1.7\n")
	key := "applications/9/largest"
	if err := s.Put(ctx, key, plain); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, key)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Get of the %d-byte document = %d bytes, %v", len(plain), len(got), err)
	}
	if raw := rawObject(t, b, bucketName(t, b), key); !bytes.HasPrefix(raw, []byte("v1.")) || bytes.Contains(raw, []byte("%PDF")) {
		t.Fatalf("the large object at rest is not sealed: %.40q", raw)
	}
	if err := s.Put(ctx, key, plain); !errors.Is(err, ErrExists) {
		t.Fatalf("replacing a large object: %v, want ErrExists", err)
	}
}

func TestS3ConcurrentUploads(t *testing.T) {
	ctx := context.Background()
	b := s3test.New(t)
	s := openS3(t, b.URL, testKeys(t))
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Put(ctx, fmt.Sprintf("applications/%d/doc", i), []byte(fmt.Sprintf("%%PDF-1.4 document %d", i)))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
	}
	count := 0
	if err := s.Walk(ctx, "applications/", func(key string, _ time.Time) error {
		count++
		return nil
	}); err != nil || count != n {
		t.Fatalf("Walk after %d uploads: %d objects, %v", n, count, err)
	}
	for i := range n {
		got, err := s.Get(ctx, fmt.Sprintf("applications/%d/doc", i))
		if err != nil || string(got) != fmt.Sprintf("%%PDF-1.4 document %d", i) {
			t.Fatalf("document %d: %q %v", i, got, err)
		}
	}
	// Several uploads racing for one key: one wins, the others are
	// refused, and the object is the winner's.
	won := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Put(ctx, "applications/race/doc", []byte(fmt.Sprintf("%%PDF-1.4 racer %d", i)))
			if err != nil && !errors.Is(err, ErrExists) {
				t.Errorf("racer %d: %v", i, err)
			}
			won[i] = err == nil
		}()
	}
	wg.Wait()
	winners := 0
	for _, w := range won {
		if w {
			winners++
		}
	}
	got, _ := s.Get(ctx, "applications/race/doc")
	if winners != 1 || !strings.HasPrefix(string(got), "%PDF-1.4 racer ") {
		t.Fatalf("%d uploads to one key succeeded (want 1); the object holds %q", winners, got)
	}
}

func TestS3ResealAll(t *testing.T) {
	ctx := context.Background()
	b := s3test.New(t)
	oldKey, newKey := seal.Generate(), seal.Generate()
	k1, _ := seal.New(oldKey)
	s := openS3(t, b.URL, k1)
	for _, key := range []string{"applications/1/a", "applications/2/b"} {
		if err := s.Put(ctx, key, []byte("%PDF-1.4 "+key)); err != nil {
			t.Fatal(err)
		}
	}
	k2, _ := seal.New(oldKey, newKey)
	if n, err := openS3(t, b.URL, k2).ResealAll(ctx); err != nil || n != 2 {
		t.Fatalf("ResealAll: %d %v", n, err)
	}
	newOnly, _ := seal.New(newKey)
	s = openS3(t, b.URL, newOnly)
	for _, key := range []string{"applications/1/a", "applications/2/b"} {
		if got, err := s.Get(ctx, key); err != nil || string(got) != "%PDF-1.4 "+key {
			t.Fatalf("%s without the old key: %q %v", key, got, err)
		}
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	b := s3test.New(t)
	keys := testKeys(t)
	for name, s := range stores(t) {
		if err := s.Check(ctx); err != nil {
			t.Errorf("%s: Check on a usable store: %v", name, err)
		}
		if err := s.Walk(ctx, "", func(key string, _ time.Time) error {
			return fmt.Errorf("Check left %s behind", key)
		}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A bucket that does not exist on the server.
	err := openS3(t, b.URLFor("no-such-bucket"), keys).Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "the file store cannot be written") || !strings.Contains(err.Error(), "NoSuchBucket") {
		t.Fatalf("Check of a missing bucket: %v", err)
	}
	// A server that is not there: a port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	err = openS3(t, s3test.BucketURL("docs", gone), keys).Check(ctx)
	if err == nil || !strings.Contains(err.Error(), "the file store cannot be written") || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("Check of an unreachable server: %v", err)
	}
}
