package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	gcblob "gocloud.dev/blob"

	"github.com/certboard/certboard/internal/s3test"
)

// TestServeOnS3 runs the demo board with its documents in an S3 bucket on
// a real S3 HTTP server (gofakes3 in a process of its own): the demo's
// uploads reach the bucket sealed, keys reseal walks the bucket, and a
// bucket that is not there stops the start with the reason.
func TestServeOnS3(t *testing.T) {
	bucket := s3test.New(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 2)
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--data", dir, "--demo", "--files", bucket.URL, "--log", "json"}, &out, &errb, listening)
	}()
	for range 2 {
		select {
		case <-listening:
		case code := <-done:
			cancel()
			t.Fatalf("serve --files s3://... exited %d: %s", code, errb.String())
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}

	// What the bucket holds, read past certboard with the driver alone.
	raw, err := gcblob.OpenBucket(context.Background(), bucket.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	n := 0
	it := raw.List(nil)
	for {
		obj, err := it.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(obj.Key, "applications/") {
			t.Errorf("an object outside applications/: %s", obj.Key)
		}
		data, err := raw.ReadAll(context.Background(), obj.Key)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("v1.")) || bytes.Contains(data, []byte("%PDF")) {
			t.Fatalf("%s is not sealed in the bucket: %.40q", obj.Key, data)
		}
		n++
	}
	if n == 0 {
		t.Fatal("the demo's documents did not reach the S3 bucket")
	}

	out.Reset()
	errb.Reset()
	if code := runReseal([]string{"--data", dir, "--blob", bucket.URL}, &out, &errb); code != exitOK ||
		!strings.Contains(out.String(), "uploaded documents") {
		t.Fatalf("keys reseal on S3: %d %s %s", code, out.String(), errb.String())
	}

	errb.Reset()
	missing := bucket.URLFor("no-such-bucket")
	code := serve(context.Background(), []string{"--addr", "127.0.0.1:0", "--data", dir, "--blob", missing}, &out, &errb, nil)
	if code != exitBadInput || !strings.Contains(errb.String(), "--files "+missing) || !strings.Contains(errb.String(), "not usable") ||
		!strings.Contains(errb.String(), "NoSuchBucket") {
		t.Fatalf("serve on a missing bucket: exit %d: %s", code, errb.String())
	}
}
