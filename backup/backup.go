// Package backup takes consistent online backups of certboard's data and
// checks them before a restore: a directory holding a copy of each
// database (SQLite's VACUUM INTO, or pg_dump's custom format for
// PostgreSQL), the documents as they are stored (sealed), and a manifest
// listing every file with its size and SHA-256. It serves the board and a
// practice alike; cmd/certboard decides what a deployment holds.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ManifestFile is the manifest's name in a backup directory. It is written
// last: a directory without it is not a finished backup.
const ManifestFile = "manifest.json"

// Format is the version of the backup layout this package writes and reads.
const Format = 1

// Manifest says what a backup holds.
type Manifest struct {
	// Format is the layout's version (Format).
	Format int `json:"format"`
	// Mode is what was backed up: "board" or "practice".
	Mode string `json:"mode"`
	// Started is when the backup began: every change acknowledged before
	// it is in the backup. Finished is when the last file was written.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Version is the certboard build that took it.
	Version string `json:"certboard_version"`
	// Databases are the databases copied, each in its own file.
	Databases []Database `json:"databases"`
	// Documents is the number of documents copied, under DocumentsDir,
	// each as stored (sealed with the keyring); 0 with none.
	Documents int `json:"documents"`
	// Keys says whether the keyring was written, apart, by this backup
	// (never into the backup directory).
	Keys bool `json:"keys_written_apart"`
	// Files is every file of the backup but the manifest, in path order.
	Files []File `json:"files"`
}

// Database is one database in a backup.
type Database struct {
	// Name is "board" or "practice".
	Name string `json:"name"`
	// Engine is "sqlite" or "postgres".
	Engine string `json:"engine"`
	// File is the copy's path in the backup: a SQLite database file, or a
	// pg_dump archive in custom format.
	File string `json:"file"`
	// Schema is the last migration applied to it.
	Schema int64 `json:"schema_version"`
	// Server is the PostgreSQL server's version, for PostgreSQL.
	Server string `json:"server_version,omitempty"`
}

// File is one file of a backup: its path (slash separated, relative to
// the backup directory), size and SHA-256.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// DocumentsDir is the folder of the documents in a backup; a document's
// file is its key in the bucket below it.
const DocumentsDir = "documents"

// Writer writes a backup directory.
type Writer struct {
	dir   string
	files []File
}

// Create starts a backup in dir, which must not exist or be empty (so
// that nothing of another backup is mixed in); it is created readable by
// its owner only.
func Create(dir string) (*Writer, error) {
	if err := CheckEmptyDir(dir); err != nil {
		return nil, fmt.Errorf("%w: give a new or empty directory for the backup", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the backup directory: %w", err)
	}
	return &Writer{dir: dir}, nil
}

// CheckEmptyDir returns nil when dir does not exist or is an empty
// directory, and otherwise an error naming what it holds.
func CheckEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	var names []string
	for i, e := range entries {
		if i == 3 {
			names = append(names, "...")
			break
		}
		names = append(names, e.Name())
	}
	return fmt.Errorf("%s is not empty (it holds %s)", dir, strings.Join(names, ", "))
}

// Path is where the file rel (slash separated) of the backup goes, its
// folder made: for tools that write a file themselves, then Record.
func (w *Writer) Path(rel string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("backup: %q is not a path inside the backup", rel)
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	return p, nil
}

// Record adds the file rel, written by a tool, to the manifest: it is
// made readable by its owner only, flushed to disk and summed.
func (w *Writer) Record(rel string) error {
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.Chmod(p, 0o600); err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	n, sum, err := sha256Of(f)
	if err != nil {
		return fmt.Errorf("reading %s back: %w", rel, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("flushing %s to disk: %w", rel, err)
	}
	w.files = append(w.files, File{Path: rel, Size: n, SHA256: sum})
	return nil
}

// sha256Of reads r to its end and returns its size and its SHA-256, in
// hex, as a manifest records them.
func sha256Of(r io.Reader) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// WriteFile writes the file rel of the backup (0600), flushed to disk, and
// adds it to the manifest.
func (w *Writer) WriteFile(rel string, data []byte) error {
	p, err := w.Path(rel)
	if err != nil {
		return err
	}
	if err := WriteSynced(p, data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	w.files = append(w.files, File{Path: rel, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	return nil
}

// Finish writes the manifest, listing the files written, last.
func (w *Writer) Finish(m Manifest) error {
	m.Format = Format
	m.Files = append([]File(nil), w.files...)
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteSynced(filepath.Join(w.dir, ManifestFile), append(b, '\n')); err != nil {
		return err
	}
	return syncDir(w.dir)
}

// WriteSynced creates file (0600, refusing an existing one) with data,
// flushed to disk.
func WriteSynced(file string, data []byte) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory's entries, where the system allows.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync() // not every file system syncs directories; the files are synced
	return nil
}

// ChecksumError says that a file of a backup is not as its manifest
// recorded it.
type ChecksumError struct {
	// File is the file's path in the backup.
	File string
	// Problem says what differs.
	Problem string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("backup file %s: %s: the backup was changed or damaged since it was taken; do not restore it", e.File, e.Problem)
}

// Open reads the manifest of the backup in dir and checks every file it
// lists against its size and SHA-256, before anything is restored. A
// missing, altered or truncated file fails with a *ChecksumError naming it.
func Open(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: not a finished certboard backup", dir, ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: backup format %d, this certboard reads format %d", ManifestFile, m.Format, Format)
	}
	if m.Mode != "board" && m.Mode != "practice" {
		return nil, fmt.Errorf("%s: mode %q is neither board nor practice", ManifestFile, m.Mode)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || f.Path == ManifestFile || listed[f.Path] {
			return nil, &ChecksumError{File: f.Path, Problem: "not a file a backup may list"}
		}
		listed[f.Path] = true
		if err := check(dir, f); err != nil {
			return nil, err
		}
	}
	for _, d := range m.Databases {
		if !listed[d.File] {
			return nil, &ChecksumError{File: d.File, Problem: "the " + d.Name + " database's copy is not in the manifest's files"}
		}
	}
	return &m, nil
}

// check compares a file of the backup with what the manifest says of it.
func check(dir string, want File) error {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(want.Path)))
	if errors.Is(err, fs.ErrNotExist) {
		return &ChecksumError{File: want.Path, Problem: "missing"}
	}
	if err != nil {
		return err
	}
	defer f.Close()
	n, got, err := sha256Of(f)
	if err != nil {
		return fmt.Errorf("reading backup file %s: %w", want.Path, err)
	}
	if n != want.Size {
		return &ChecksumError{File: want.Path, Problem: fmt.Sprintf("%d bytes, the manifest says %d", n, want.Size)}
	}
	if got != want.SHA256 {
		return &ChecksumError{File: want.Path, Problem: "SHA-256 " + got + " does not match the manifest's " + want.SHA256}
	}
	return nil
}

// DocumentFiles returns the documents a checked manifest lists: their keys in
// the bucket and their files in the backup.
func (m *Manifest) DocumentFiles() (keys, files []string) {
	for _, f := range m.Files {
		if key, ok := strings.CutPrefix(f.Path, DocumentsDir+"/"); ok {
			keys = append(keys, key)
			files = append(files, f.Path)
		}
	}
	return keys, files
}

// SQLite writes a consistent copy of the live SQLite database db to the
// new file dst with VACUUM INTO: one read transaction, so writers go on
// (WAL mode) and the copy is the database as of one moment.
func SQLite(ctx context.Context, db *sql.DB, dst string) error {
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("copying the SQLite database (VACUUM INTO): %w", err)
	}
	return nil
}

// SchemaVersion is the last migration applied to db (goose's table), 0
// when none is.
func SchemaVersion(ctx context.Context, db *sql.DB) (int64, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading the schema version: %w", err)
	}
	return v.Int64, nil
}

// LatestMigration is the highest migration version in a folder of goose
// migrations (files named 00023_what.sql).
func LatestMigration(fsys fs.FS, dir string) (int64, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest, nil
}

// PgDump writes a dump of the PostgreSQL database at dbURL to dst in
// pg_dump's custom format. pg_dump reads in one repeatable-read
// transaction, so the dump is the database as of one moment while writers
// go on. Its major version must be at least the server's.
func PgDump(ctx context.Context, dbURL, dst string) error {
	return runTool(ctx, dbURL, "pg_dump", "--format=custom", "--no-password", "--file="+dst)
}

// PgRestore restores a custom-format dump into the PostgreSQL database at
// dbURL, in one transaction that stops at the first error. Objects are owned
// by the restoring role (--no-owner, --no-privileges), so a backup
// restores into a database of another name and owner.
func PgRestore(ctx context.Context, dbURL, src string) error {
	return runTool(ctx, dbURL, "pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password", src)
}

// runTool runs a PostgreSQL client program on the database at dbURL, its
// error output in the error. A password in the URL is passed in the
// program's environment (PGPASSWORD), not on its command line, where
// other users of the machine could read it.
func runTool(ctx context.Context, dbURL, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is needed for a PostgreSQL database and is not installed (Debian: apt-get install postgresql-client, of the server's major version or newer): %w", name, err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("the database URL: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, path, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// PostgresTables lists up to a few tables of the PostgreSQL database db
// outside the system schemas: a restore goes only into a database where
// this is empty.
func PostgresTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 4`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// PostgresVersion is the server's version, as SHOW server_version says it.
func PostgresVersion(ctx context.Context, db *sql.DB) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&v)
	return v, err
}

// CopyFile copies the backup file src to dst, a new file (0600) flushed to
// disk: a SQLite database put back.
func CopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}
