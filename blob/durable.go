package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// localDir writes the objects of a bucket kept in a local directory itself,
// durably, where gocloud's fileblob driver only renames a temporary file
// into place and never flushes it: after a power cut an upload it had
// acknowledged could be empty or missing. Reads, listings and deletes still
// go through fileblob, which finds the files where localDir puts them.
//
// A write goes to a temporary file beside the object; the file is flushed
// (fsync) and closed; it is then linked to the object's name, which fails
// when the name is taken, so that two uploads to one key cannot both win
// (fileblob checks and renames, which can replace); and the directory is
// flushed so that the new name survives too. Directories it creates are
// private (0700), and each is flushed into its parent.
type localDir struct {
	root string
	// sync flushes a file or a directory to stable storage:
	// (*os.File).Sync, or a test's stand-in that watches it happen.
	sync func(*os.File) error
}

func newLocalDir(root string) *localDir {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs // as fileblob does, so both name the same files
	}
	return &localDir{root: root, sync: (*os.File).Sync}
}

// localPath is the path under the root of an object key: the key itself,
// with the system's separator. Keys are the store's own (such as
// applications/12/9f2c...); a key whose file name fileblob would spell
// differently (escaped characters, "." or ".." segments, its ".attrs"
// sidecar suffix) is refused rather than written where fileblob would not
// find it.
func localPath(key string) (string, error) {
	bad := key == "" || strings.Contains(key, "__") || strings.HasSuffix(key, ".attrs")
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			bad = true
		}
		for _, c := range seg {
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
				bad = true
			}
		}
	}
	if bad {
		return "", fmt.Errorf("files: the key %q is not one the file store writes (letters, digits, '.', '-' and '_' between slashes)", key)
	}
	return filepath.FromSlash(key), nil
}

// write stores data under key; when it returns nil the object is on stable
// storage. Unless replace is set, a key that already holds an object is
// refused (ErrExists); with it, the object is replaced at once (a rename),
// so that a reader sees the old object or the new one, never a part.
func (d *localDir) write(ctx context.Context, key string, data []byte, replace bool) error {
	rel, err := localPath(key)
	if err != nil {
		return err
	}
	final := filepath.Join(d.root, rel)
	dir := filepath.Dir(final)
	if err := d.mkdirs(filepath.Dir(rel)); err != nil {
		return err
	}
	if _, err := os.Lstat(final); err == nil && !replace {
		return fmt.Errorf("%w: %s", ErrExists, key)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(final)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	tmp := f.Name()
	// The temporary name goes in every case: after the link the object
	// keeps the data under its own name.
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if err := d.sync(f); err != nil {
		f.Close()
		return fmt.Errorf("flushing %s to disk: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if replace {
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("writing %s: %w", key, err)
		}
	} else if err := os.Link(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrExists, key)
		}
		// A file system without hard links: check and rename, as fileblob
		// does (a race between two uploads to one key is then possible,
		// but keys are random).
		if _, serr := os.Lstat(final); serr == nil {
			return fmt.Errorf("%w: %s", ErrExists, key)
		}
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("writing %s: %w", key, err)
		}
	}
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("writing %s: %w", key, err)
	}
	if err := d.syncDir(dir); err != nil {
		return fmt.Errorf("flushing the directory of %s to disk: %w", key, err)
	}
	return nil
}

// mkdirs creates the directories of rel (a relative directory path) under
// the root that do not exist yet, flushing each parent that gained one.
func (d *localDir) mkdirs(rel string) error {
	if rel == "." {
		return nil
	}
	parent := d.root
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		cur := filepath.Join(parent, seg)
		err := os.Mkdir(cur, 0o700)
		switch {
		case err == nil:
			if err := d.syncDir(parent); err != nil {
				return fmt.Errorf("flushing the file store's directory %s to disk: %w", parent, err)
			}
		case errors.Is(err, fs.ErrExist):
			if fi, err := os.Stat(cur); err != nil || !fi.IsDir() {
				return fmt.Errorf("files: %s is in the way of a directory of the file store", cur)
			}
		default:
			return fmt.Errorf("creating the file store's directory %s: %w", cur, err)
		}
		parent = cur
	}
	return nil
}

// syncDir flushes a directory's entries. Windows cannot open a directory
// to flush it (NTFS journals its names), so there it does nothing.
func (d *localDir) syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.sync(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
