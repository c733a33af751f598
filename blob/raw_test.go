package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
)

// TestRawCopiesSealedObjectsBetweenBuckets copies every object of one
// directory bucket to another as stored, and finds them opening with the
// keys in the second: the copy neither decrypts nor reseals.
func TestRawCopiesSealedObjectsBetweenBuckets(t *testing.T) {
	ctx := context.Background()
	keys := testKeys(t)
	srcDir, dstDir := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	src, err := OpenDir(srcDir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want := map[string]string{"a/1": "one", "a/2": "two", "b": "three"}
	for k, v := range want {
		if err := src.Put(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	// A write under way leaves a temporary file: not an object.
	if err := os.WriteFile(filepath.Join(srcDir, "a", ".3.123.tmp"), []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	from, err := OpenRaw(ctx, "file://"+srcDir)
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	to, err := OpenRawDir(dstDir)
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	if empty, err := to.Empty(ctx); err != nil || !empty {
		t.Fatalf("a new bucket: empty %v, %v", empty, err)
	}
	var listed []string
	if err := from.Walk(ctx, func(key string) error {
		listed = append(listed, key)
		b, err := from.Read(ctx, key)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(want[key])) {
			t.Errorf("%s is stored in the clear", key)
		}
		return to.Write(ctx, key, b)
	}); err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(want) {
		t.Fatalf("listed %v, want the keys of %v", listed, want)
	}
	if empty, err := to.Empty(ctx); err != nil || empty {
		t.Fatalf("after the copy: empty %v, %v", empty, err)
	}
	if err := to.Write(ctx, "b", []byte("x")); !errors.Is(err, ErrExists) {
		t.Fatalf("writing over an object: %v", err)
	}
	if _, err := from.Read(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("reading a missing object: %v", err)
	}
	copied, err := OpenDir(dstDir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	for k, v := range want {
		got, err := copied.Get(ctx, k)
		if err != nil || string(got) != v {
			t.Fatalf("copied %s: %q %v", k, got, err)
		}
		fi, err := os.Stat(filepath.Join(dstDir, filepath.FromSlash(k)))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("copied file %s: %v %v", k, fi, err)
		}
	}
}

// TestRawWalkWhileWriting walks a directory bucket again and again while
// objects are written into it: the temporary files that come and go under
// the listing never fail a walk, and each walk gives every key once, in
// order, including every object written before it began.
func TestRawWalkWhileWriting(t *testing.T) {
	ctx := context.Background()
	r, err := OpenRawDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var written atomic.Int64 // how many objects are written
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := r.Write(ctx, fmt.Sprintf("load/%06d", i), []byte("sealed")); err != nil {
				done <- err
				return
			}
			written.Store(int64(i + 1))
		}
	}()
	for range 200 {
		before := int(written.Load())
		var keys []string
		if err := r.Walk(ctx, func(key string) error { keys = append(keys, key); return nil }); err != nil {
			t.Fatalf("a walk while writing: %v", err)
		}
		if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) || len(keys) < before {
			t.Fatalf("a walk gave %d keys (%d written before it), sorted %v", len(keys), before, slices.IsSorted(keys))
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestRawWalkGivesEveryObject: a directory lists a file whose name sorts
// before a folder's ("a-b" before "a/x") among that folder's files; a walk
// still gives every object once.
func TestRawWalkGivesEveryObject(t *testing.T) {
	ctx := context.Background()
	r, err := OpenRawDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := []string{"a-b", "a/x", "a/y", "b.c", "b/z"}
	for _, k := range want {
		if err := r.Write(ctx, k, []byte("sealed")); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := r.Walk(ctx, func(key string) error { got = append(got, key); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("walk gave %q, want %q", got, want)
	}
}
