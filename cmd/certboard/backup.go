package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/certboard/certboard/backup"
	"github.com/certboard/certboard/blob"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/sqldb"
)

// A deployment's parts, as a backup names them: the board's database (or a
// practice's, in practice mode), and the demo practice's database in
// DATA/practice beside a board's.
const (
	partBoard    = "board"
	partPractice = "practice"
)

// part is one database of a deployment: where it lives and which
// migrations it follows.
type part struct {
	name string
	cfg  sqldb.Config
	// keysDir holds its keyring file when the keys come from a file.
	keysDir    string
	migrations fs.FS
}

// file is the SQLite database file of the part.
func (p part) file() string { return filepath.Join(p.cfg.DataDir, p.cfg.File) }

// deployment is what a backup takes, or a restore puts back.
type deployment struct {
	mode  string
	parts []part
	// filesURL is the documents' bucket, or filesDir their directory
	// (DATA/files); both empty in practice mode, which keeps none.
	filesURL, filesDir string
	// keyFile is the board's (or practice's) keyring file, "" when
	// CERTBOARD_SECRET_KEYS gives the keys.
	keyFile string
}

// deploymentFlags adds the flags common to backup and restore and returns
// a function that, after parsing, says what the deployment is. withDemo
// adds the demo practice in DATA/practice when it exists.
func deploymentFlags(fs *flag.FlagSet) func(withDemo bool) (*deployment, error) {
	mode := fs.String("mode", envOr("CERTBOARD_MODE", "board"), "board, or practice (a practice's own database: DATA/"+practicesql.File+", DATA defaulting to data/practice) (env CERTBOARD_MODE)")
	filesURL := fs.String("files", os.Getenv("CERTBOARD_FILES"), "bucket `URL` of the uploaded documents, as given to certboard serve (env CERTBOARD_FILES; default DATA/files)")
	fs.StringVar(filesURL, "blob", *filesURL, "the same as --files (the name the operations guide also uses)")
	o := storeFlags(fs)
	return func(withDemo bool) (*deployment, error) {
		if err := sqldb.CheckDatabaseURL(o.DatabaseURL); err != nil {
			return nil, err
		}
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "data" })
		d := &deployment{mode: *mode}
		switch *mode {
		case "board":
			d.parts = []part{{name: partBoard, cfg: sqldb.Config{DataDir: o.DataDir, File: sqldb.DefaultFile, DatabaseURL: o.DatabaseURL}, keysDir: o.KeysDir, migrations: boardsql.Migrations}}
			d.filesURL = *filesURL
			if d.filesURL == "" {
				d.filesDir = filepath.Join(o.DataDir, "files")
			}
			if withDemo {
				demo := demoPracticeStore(o)
				if _, err := os.Stat(filepath.Join(demo.DataDir, practicesql.File)); err == nil {
					d.parts = append(d.parts, part{name: partPractice, cfg: sqldb.Config{DataDir: demo.DataDir, File: practicesql.File}, keysDir: demo.DataDir, migrations: practicesql.Migrations})
				}
			}
		case "practice":
			if *filesURL != "" {
				return nil, errors.New("--files is for the board: a practice keeps no uploaded documents")
			}
			if !set && os.Getenv("CERTBOARD_DATA") == "" {
				o.DataDir = defaultPracticeData
			}
			d.parts = []part{{name: partPractice, cfg: sqldb.Config{DataDir: o.DataDir, File: practicesql.File, DatabaseURL: o.DatabaseURL}, keysDir: o.KeysDir, migrations: practicesql.Migrations}}
		default:
			return nil, fmt.Errorf("--mode %q: use board or practice", *mode)
		}
		if os.Getenv("CERTBOARD_SECRET_KEYS") == "" {
			file, err := o.keyFile()
			if err != nil {
				return nil, err
			}
			d.keyFile = file
		}
		return d, nil
	}
}

// parseCommand parses a command's flags; ok false means it is done, with
// code.
func parseCommand(fs *flag.FlagSet, name string, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitBadInput, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "certboard %s: unexpected argument %q\n", name, fs.Arg(0))
		return exitBadInput, false
	}
	return exitOK, true
}

// parseInterleaved parses a command's flags, letting its positional
// arguments stand before, between or after them, and returns those in
// order; ok false means it is done, with code.
func parseInterleaved(fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitBadInput, false
		}
		if fs.NArg() == 0 {
			return positional, exitOK, true
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// runBackup takes an online backup of a deployment into a new directory.
func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "", "new or empty `directory` to write the backup to (required)")
	keysTo := fs.String("with-keys", "", "also write the encryption keyring (secret.key, mode 0600) to this new or empty `directory`, which must be outside the backup: store it apart from the backup, never beside it")
	deploy := deploymentFlags(fs)
	if code, ok := parseCommand(fs, "backup", args, stderr); !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard backup: "+format+"\n", a...)
		return exitBadInput
	}
	if *to == "" {
		return bad("--to DIR is required: a new or empty directory for the backup")
	}
	d, err := deploy(true)
	if err != nil {
		return bad("%v", err)
	}
	if *keysTo != "" {
		if inside(*keysTo, *to) {
			return bad("--with-keys %s is inside the backup %s: write the keys to a directory apart from it, so that one copy does not hold both", *keysTo, *to)
		}
		if err := backup.CheckEmptyDir(*keysTo); err != nil {
			return bad("--with-keys: %v: give a new or empty directory for the keys", err)
		}
		if err := backup.CheckEmptyDir(*to); err != nil {
			return bad("%v: give a new or empty directory for the backup", err)
		}
		if err := writeKeys(d, *keysTo); err != nil {
			return bad("the keys: %v; no backup taken", err)
		}
		fmt.Fprintf(stdout, "keys written to %s: keep them apart from the backup\n", *keysTo)
	}
	m, err := takeBackup(context.Background(), d, *to, *keysTo != "", time.Now)
	if err != nil {
		return bad("%v", err)
	}
	for _, db := range m.Databases {
		fmt.Fprintf(stdout, "%s database (%s, schema %d): %s\n", db.Name, db.Engine, db.Schema, db.File)
	}
	if d.mode == "board" {
		fmt.Fprintf(stdout, "documents: %d, as stored (sealed)\n", m.Documents)
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d files, listed with their SHA-256 in %s)\n", m.Started.Format(time.RFC3339), *to, len(m.Files), backup.ManifestFile)
	if *keysTo == "" {
		fmt.Fprintln(stdout, "the encryption keys are not in the backup: keep them apart (see docs/operations.md, Backups)")
	}
	return exitOK
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && filepath.IsLocal(rel) || rel == "."
}

// takeBackup copies every database, then the documents: a document is
// written before the row that names it commits, so every document the
// copied databases name is still there when the documents are copied
// (those added meanwhile are extra, swept as unreferenced after a restore).
func takeBackup(ctx context.Context, d *deployment, to string, keys bool, now func() time.Time) (*backup.Manifest, error) {
	w, err := backup.Create(to)
	if err != nil {
		return nil, err
	}
	m := backup.Manifest{Mode: d.mode, Started: now().UTC(), Version: buildVersion(), Keys: keys}
	for _, p := range d.parts {
		db, err := backupDatabase(ctx, w, p)
		if err != nil {
			return nil, err
		}
		m.Databases = append(m.Databases, db)
	}
	if m.Documents, err = backupDocuments(ctx, w, d); err != nil {
		return nil, err
	}
	m.Finished = now().UTC()
	if err := w.Finish(m); err != nil {
		return nil, err
	}
	return &m, nil
}

// backupDatabase copies one database into the backup.
func backupDatabase(ctx context.Context, w *backup.Writer, p part) (backup.Database, error) {
	out := backup.Database{Name: p.name, Engine: "sqlite", File: p.name + ".db"}
	if p.cfg.DatabaseURL != "" {
		out.Engine, out.File = "postgres", p.name+".pgdump"
	} else if _, err := os.Stat(p.file()); err != nil {
		return out, fmt.Errorf("the %s database %s: %w (is --data right?)", p.name, p.file(), err)
	}
	db, err := sqldb.Open(ctx, p.cfg)
	if err != nil {
		return out, err
	}
	defer db.Close()
	if out.Schema, err = backup.SchemaVersion(ctx, db.DB); err != nil {
		return out, fmt.Errorf("the %s database: %w", p.name, err)
	}
	dst, err := w.Path(out.File)
	if err != nil {
		return out, err
	}
	if p.cfg.DatabaseURL != "" {
		if out.Server, err = backup.PostgresVersion(ctx, db.DB); err != nil {
			return out, err
		}
		err = backup.PgDump(ctx, p.cfg.DatabaseURL, dst)
	} else {
		err = backup.SQLite(ctx, db.DB, dst)
	}
	if err != nil {
		return out, fmt.Errorf("the %s database: %w", p.name, err)
	}
	return out, w.Record(out.File)
}

// openDocuments opens the deployment's documents for raw access; nil when
// it keeps none (a practice, or a board whose DATA/files does not exist
// when create is false).
func openDocuments(ctx context.Context, d *deployment, create bool) (*blob.Raw, error) {
	switch {
	case d.filesURL != "":
		return blob.OpenRaw(ctx, d.filesURL)
	case d.filesDir == "":
		return nil, nil
	}
	if _, err := os.Stat(d.filesDir); errors.Is(err, fs.ErrNotExist) && !create {
		return nil, nil
	}
	return blob.OpenRawDir(d.filesDir)
}

// backupDocuments copies every document as stored and returns how many.
func backupDocuments(ctx context.Context, w *backup.Writer, d *deployment) (int, error) {
	docs, err := openDocuments(ctx, d, false)
	if docs == nil || err != nil {
		return 0, err
	}
	defer docs.Close()
	n := 0
	err = docs.Walk(ctx, func(key string) error {
		data, err := docs.Read(ctx, key)
		if errors.Is(err, blob.ErrNotFound) {
			return nil // deleted since it was listed
		}
		if err != nil {
			return err
		}
		n++
		return w.WriteFile(backup.DocumentsDir+"/"+key, data)
	})
	return n, err
}

// writeKeys writes the keyring of each part to dir (the board's or
// practice's as secret.key, the demo practice's under practice/).
func writeKeys(d *deployment, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for i, p := range d.parts {
		var text []byte
		if i == 0 && d.keyFile == "" {
			text = []byte(strings.ReplaceAll(os.Getenv("CERTBOARD_SECRET_KEYS"), ",", "\n") + "\n")
		} else {
			file := d.keyFile
			if i > 0 {
				file = filepath.Join(p.keysDir, keyFileName)
			}
			b, err := readBounded(file, 1<<20)
			if err != nil {
				return fmt.Errorf("the %s keyring: %w", p.name, err)
			}
			text = b
		}
		dst := filepath.Join(dir, keyFileName)
		if i > 0 {
			dst = filepath.Join(dir, p.name, keyFileName)
			if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
				return err
			}
		}
		if err := backup.WriteSynced(dst, text); err != nil {
			return err
		}
	}
	return nil
}

// buildVersion is the certboard build: its module version and commit when
// the binary records them.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// runRestore puts a backup back into an empty data directory, database
// and bucket, after checking every file of the backup against its
// manifest.
func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "`directory` of the backup to restore (required)")
	keysFrom := fs.String("keys-from", "", "also put back the keyring that certboard backup --with-keys wrote to this `directory`, as the keys file of --keys (or the data directory)")
	deploy := deploymentFlags(fs)
	if code, ok := parseCommand(fs, "restore", args, stderr); !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard restore: "+format+"\n", a...)
		return exitBadInput
	}
	if *from == "" {
		return bad("--from DIR is required: the directory certboard backup wrote")
	}
	d, err := deploy(false)
	if err != nil {
		return bad("%v", err)
	}
	m, err := backup.Open(*from)
	if err != nil {
		return bad("%v", err)
	}
	if m.Mode != d.mode {
		return bad("the backup in %s is of a %s: restore it with --mode %s", *from, m.Mode, m.Mode)
	}
	ctx := context.Background()
	targets, err := restoreTargets(ctx, d, m, *keysFrom)
	if err != nil {
		return bad("%v; nothing was restored", err)
	}
	for i, db := range m.Databases {
		if err := restoreDatabase(ctx, *from, db, targets[i]); err != nil {
			return bad("%v", err)
		}
		fmt.Fprintf(stdout, "%s database restored (%s, schema %d)\n", db.Name, db.Engine, db.Schema)
	}
	if d.mode == "board" {
		n, err := restoreDocuments(ctx, *from, d, m)
		if err != nil {
			return bad("%v", err)
		}
		fmt.Fprintf(stdout, "documents restored: %d\n", n)
	}
	if *keysFrom != "" {
		if err := restoreKeys(*keysFrom, d, m, targets); err != nil {
			return bad("%v", err)
		}
		fmt.Fprintln(stdout, "keys restored")
	} else {
		fmt.Fprintln(stdout, "the keys were not restored: give the server the keyring the backup was sealed with (--keys DIR or CERTBOARD_SECRET_KEYS) before it starts, or it makes a new one that opens nothing")
	}
	fmt.Fprintf(stdout, "restored the backup of %s; check it with certboard audit verify before serving it\n", m.Started.Format(time.RFC3339))
	return exitOK
}

// restoreTargets says where each database of the backup goes, having
// checked that everything the restore would write to is empty and fits.
func restoreTargets(ctx context.Context, d *deployment, m *backup.Manifest, keysFrom string) ([]part, error) {
	dataDir := d.parts[0].cfg.DataDir
	usesDataDir := d.filesDir != "" && m.Documents > 0
	var targets []part
	for _, db := range m.Databases {
		var p part
		switch {
		case db.Name == d.parts[0].name:
			p = d.parts[0]
		case d.mode == "board" && db.Name == partPractice:
			demo := filepath.Join(dataDir, "practice")
			p = part{name: partPractice, cfg: sqldb.Config{DataDir: demo, File: practicesql.File}, keysDir: demo, migrations: practicesql.Migrations}
		default:
			return nil, fmt.Errorf("the backup holds a database %q that a %s does not have", db.Name, d.mode)
		}
		switch {
		case db.Engine == "postgres" && p.cfg.DatabaseURL == "":
			return nil, fmt.Errorf("the %s database was backed up from PostgreSQL: give --database URL of a new, empty database", db.Name)
		case db.Engine == "sqlite" && p.cfg.DatabaseURL != "":
			return nil, fmt.Errorf("the %s database was backed up from SQLite: restore it with --data DIR, not --database", db.Name)
		case db.Engine == "sqlite":
			usesDataDir = true
		}
		dialect := map[string]string{"sqlite": "sqlite", "postgres": "postgres"}[db.Engine]
		latest, err := backup.LatestMigration(p.migrations, dialect)
		if err != nil {
			return nil, fmt.Errorf("the %s database: engine %q: %w", db.Name, db.Engine, err)
		}
		if db.Schema > latest {
			return nil, fmt.Errorf("the %s database is at schema %d, newer than this certboard knows (%d): restore it with the certboard that took it (%s) or a newer one", db.Name, db.Schema, latest, m.Version)
		}
		if db.Engine == "postgres" {
			if err := checkEmptyPostgres(ctx, p); err != nil {
				return nil, err
			}
		}
		targets = append(targets, p)
	}
	if keysFrom != "" {
		if d.keyFile == "" {
			return nil, errors.New("--keys-from: CERTBOARD_SECRET_KEYS is set, so the keys are not read from a file: put the backed-up keys there instead")
		}
		if _, err := os.Stat(filepath.Join(keysFrom, keyFileName)); err != nil {
			return nil, fmt.Errorf("--keys-from: %w", err)
		}
		if _, err := os.Stat(d.keyFile); err == nil {
			return nil, fmt.Errorf("--keys-from: %s already exists: restore the keys only where there are none", d.keyFile)
		}
	}
	if usesDataDir {
		if err := backup.CheckEmptyDir(dataDir); err != nil {
			return nil, fmt.Errorf("the data directory %w: a backup is restored only into an empty data directory, never over data", err)
		}
	}
	if d.filesURL != "" && m.Documents > 0 {
		docs, err := blob.OpenRaw(ctx, d.filesURL)
		if err != nil {
			return nil, err
		}
		defer docs.Close()
		empty, err := docs.Empty(ctx)
		if err != nil {
			return nil, err
		}
		if !empty {
			return nil, fmt.Errorf("the file store %s is not empty: a backup's documents are restored only into an empty bucket", d.filesURL)
		}
	}
	return targets, nil
}

// checkEmptyPostgres refuses a PostgreSQL database that holds any table.
func checkEmptyPostgres(ctx context.Context, p part) error {
	db, err := sqldb.Open(ctx, p.cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := backup.PostgresTables(ctx, db.DB)
	if err != nil {
		return err
	}
	if len(tables) > 0 {
		return fmt.Errorf("the database %s is not empty (it holds %s): a backup is restored only into a new, empty database (createdb NAME)", sqldb.Redact(p.cfg.DatabaseURL), strings.Join(tables, ", "))
	}
	return nil
}

// restoreDatabase puts one database back.
func restoreDatabase(ctx context.Context, from string, db backup.Database, p part) error {
	src := filepath.Join(from, filepath.FromSlash(db.File))
	if db.Engine == "postgres" {
		if err := backup.PgRestore(ctx, p.cfg.DatabaseURL, src); err != nil {
			return fmt.Errorf("the %s database: %w", db.Name, err)
		}
		return nil
	}
	if err := os.MkdirAll(p.cfg.DataDir, 0o700); err != nil {
		return err
	}
	if err := backup.CopyFile(src, p.file()); err != nil {
		return fmt.Errorf("the %s database: %w", db.Name, err)
	}
	return nil
}

// restoreDocuments writes every document of the backup, as stored.
func restoreDocuments(ctx context.Context, from string, d *deployment, m *backup.Manifest) (int, error) {
	keys, files := m.DocumentFiles()
	if len(keys) == 0 {
		return 0, nil
	}
	docs, err := openDocuments(ctx, d, true)
	if err != nil {
		return 0, err
	}
	defer docs.Close()
	for i, key := range keys {
		data, err := os.ReadFile(filepath.Join(from, filepath.FromSlash(files[i])))
		if err != nil {
			return i, err
		}
		if err := docs.Write(ctx, key, data); err != nil {
			return i, err
		}
	}
	return len(keys), nil
}

// restoreKeys copies the keyrings written by backup --with-keys back.
func restoreKeys(from string, d *deployment, m *backup.Manifest, targets []part) error {
	copyKey := func(src, dst string) error {
		b, err := readBounded(src, 1<<20)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		return backup.WriteSynced(dst, b)
	}
	if err := copyKey(filepath.Join(from, keyFileName), d.keyFile); err != nil {
		return err
	}
	for i, db := range m.Databases {
		if i == 0 || db.Name != partPractice {
			continue
		}
		src := filepath.Join(from, partPractice, keyFileName)
		if _, err := os.Stat(src); err == nil {
			if err := copyKey(src, filepath.Join(targets[i].keysDir, keyFileName)); err != nil {
				return err
			}
		}
	}
	return nil
}
