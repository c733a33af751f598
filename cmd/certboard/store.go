package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/sqldb"
)

// storeOptions are the storage flags of a command: where the database is,
// and where the encryption keys are.
type storeOptions struct {
	boardsql.Config
	// KeysDir holds the keyring file secret.key when the keys do not come
	// from CERTBOARD_SECRET_KEYS; empty means the data directory.
	KeysDir string
}

// keyFileName is the keyring file in the keys (or data) directory.
const keyFileName = "secret.key"

// storeFlags adds --data, --database and --keys, with CERTBOARD_DATA,
// CERTBOARD_DATABASE and CERTBOARD_KEYS_DIR as defaults.
func storeFlags(fs *flag.FlagSet) *storeOptions {
	o := &storeOptions{}
	data := os.Getenv("CERTBOARD_DATA")
	if data == "" {
		data = "data"
	}
	fs.StringVar(&o.DataDir, "data", data, "`directory` of the embedded SQLite database (env CERTBOARD_DATA)")
	fs.StringVar(&o.DatabaseURL, "database", os.Getenv("CERTBOARD_DATABASE"), "PostgreSQL `URL` instead of SQLite, postgres://... (env CERTBOARD_DATABASE)")
	fs.StringVar(&o.KeysDir, "keys", os.Getenv("CERTBOARD_KEYS_DIR"), "`directory` of the encryption keyring file "+keyFileName+", kept apart from the data (env CERTBOARD_KEYS_DIR; default: the data directory; CERTBOARD_SECRET_KEYS, when set, gives the keys instead)")
	return o
}

// keyFile is where the keyring file is: in the keys directory, or else in
// the data directory.
func (o *storeOptions) keyFile() (string, error) {
	dir := o.KeysDir
	if dir == "" {
		dir = o.DataDir
	}
	if dir == "" {
		return "", errors.New("no directory for the encryption keys: give --keys DIR (or --data DIR), or set CERTBOARD_SECRET_KEYS")
	}
	return filepath.Join(dir, keyFileName), nil
}

// keysInDataDir reports whether the keyring file lives in the data
// directory, where a copy of the directory would carry its own key.
func (o *storeOptions) keysInDataDir() bool {
	return os.Getenv("CERTBOARD_SECRET_KEYS") == "" && (o.KeysDir == "" || filepath.Clean(o.KeysDir) == filepath.Clean(o.DataDir))
}

// parseStoreFlags parses a command's flags: the storage flags and those
// more adds. ok false means the command is done, with code.
func parseStoreFlags(name string, args []string, stderr io.Writer, more func(fs *flag.FlagSet)) (o *storeOptions, code int, ok bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if more != nil {
		more(fs)
	}
	o = storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, false
		}
		return nil, exitBadInput, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "certboard %s: unexpected argument %q\n", name, fs.Arg(0))
		return nil, exitBadInput, false
	}
	return o, exitOK, true
}

// openStore parses the storage flags of a command and opens the store; on
// failure it has printed why and returns the exit code.
func openStore(name string, args []string, stderr io.Writer) (*boardsql.Store, int) {
	return openStoreWith(name, args, stderr, nil)
}

// openStoreWith is openStore for a command with flags of its own.
func openStoreWith(name string, args []string, stderr io.Writer, more func(fs *flag.FlagSet)) (*boardsql.Store, int) {
	o, code, ok := parseStoreFlags(name, args, stderr, more)
	if !ok {
		return nil, code
	}
	s, err := openConfigured(context.Background(), o)
	if err != nil {
		fmt.Fprintf(stderr, "certboard %s: %v\n", name, err)
		return nil, exitBadInput
	}
	return s, exitOK
}

// openConfigured loads the encryption keys and opens the store. The keys
// come from CERTBOARD_SECRET_KEYS (base64 keys, comma separated, oldest
// first) or else from secret.key in the keys directory (--keys; by default
// the data directory), created on first use. A key file that others may
// read is refused. Keep the keys apart from backups of the database, which
// cannot be read without them.
func openConfigured(ctx context.Context, o *storeOptions) (*boardsql.Store, error) {
	if err := loadKeys(o); err != nil {
		return nil, err
	}
	return boardsql.Open(ctx, o.Config)
}

// loadKeys loads the encryption keys into o (see openConfigured), having
// refused a database URL that will be refused, before any key file is
// made.
func loadKeys(o *storeOptions) error {
	if err := sqldb.CheckDatabaseURL(o.DatabaseURL); err != nil {
		return err
	}
	if env := os.Getenv("CERTBOARD_SECRET_KEYS"); env != "" {
		raw, err := seal.Decode(env)
		if err != nil {
			return fmt.Errorf("CERTBOARD_SECRET_KEYS: %w", err)
		}
		if o.Keys, err = seal.New(raw...); err != nil {
			return fmt.Errorf("CERTBOARD_SECRET_KEYS: %w", err)
		}
		return nil
	}
	file, err := o.keyFile()
	if err != nil {
		return err
	}
	o.Keys, err = seal.LoadOrCreate(file)
	return err
}

func runMigrate(args []string, stdout, stderr io.Writer) int {
	s, code := openStore("migrate", args, stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	n, err := s.Migrate(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "certboard migrate: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stdout, "%s database is up to date (migrations applied now: %d)\n", s.Dialect, n)
	return exitOK
}

const auditUsage = "certboard audit: say verify [--checkpoint FILE], checkpoint [--out FILE] or anchor --reason TEXT [--data DIR | --database URL] [--keys DIR]\n"

// runAudit verifies the audit log, writes its signed checkpoint for
// keeping elsewhere, or resumes a log after an investigated break.
func runAudit(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return exitBadInput
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(args[1:], stdout, stderr)
	case "checkpoint":
		return runAuditCheckpoint(args[1:], stdout, stderr)
	case "anchor":
		return runAuditAnchor(args[1:], stdout, stderr, now)
	}
	fmt.Fprint(stderr, auditUsage)
	return exitBadInput
}

// runAuditVerify checks the chain, that it ends at the board's signed
// checkpoint, and, with --checkpoint, that it reaches a checkpoint kept
// outside. Exit 0 intact, 1 broken (an entry edited or deleted, entries
// deleted from the end, a checkpoint missing or not verifying), 2 could
// not check.
func runAuditVerify(args []string, stdout, stderr io.Writer) int {
	var outside string
	s, code := openStoreWith("audit verify", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&outside, "checkpoint", "", "also check the log against a checkpoint kept outside the database: a `FILE` written by certboard audit checkpoint or saved from GET /audit/checkpoint")
	})
	if s == nil {
		return code
	}
	defer s.Close()
	ctx := context.Background()
	var external audit.Checkpoint
	if outside != "" {
		b, err := readBounded(outside, audit.MaxCheckpointSize)
		if err == nil {
			external, err = audit.ParseCheckpoint(b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "certboard audit verify: --checkpoint %s: %v\n", outside, err)
			return exitBadInput
		}
	}
	n, err := s.VerifyAudit(ctx)
	if code, done := auditVerdict(err, stdout, stderr); done {
		return code
	}
	msg := fmt.Sprintf("intact: %d entries, each hash chained to the one before", n)
	if cp, err := s.AuditCheckpoint(ctx); err == nil {
		msg += fmt.Sprintf(", ending where the checkpoint signed at %s says (key %s)", cp.At.Format(time.RFC3339), cp.Key)
	}
	if outside != "" {
		if code, done := auditVerdict(s.VerifyAuditAgainst(ctx, external), stdout, stderr); done {
			return code
		}
		msg += fmt.Sprintf("; it reaches the checkpoint in %s (%d entries, signed at %s)", outside, external.Count, external.At.Format(time.RFC3339))
	}
	fmt.Fprintln(stdout, msg)
	if outside == "" {
		fmt.Fprintln(stdout, "not checked against a checkpoint kept outside the database (--checkpoint FILE): "+
			"a log cut back to an earlier checkpoint, restored with it, would not show")
	}
	return exitOK
}

// auditVerdict prints what a verification found; done is false when it
// found the log intact.
func auditVerdict(err error, stdout, stderr io.Writer) (code int, done bool) {
	var broken *audit.BrokenError
	var forged *audit.CheckpointError
	switch {
	case err == nil:
		return exitOK, false
	case errors.As(err, &broken):
		fmt.Fprintf(stdout, "BROKEN: %v\n", broken)
		return exitNo, true
	case errors.As(err, &forged):
		fmt.Fprintf(stdout, "BROKEN: %v\n", forged)
		return exitNo, true
	}
	fmt.Fprintf(stderr, "certboard audit verify: %v (run certboard migrate first?)\n", err)
	return exitBadInput, true
}

// runAuditCheckpoint writes the board's last signed checkpoint, after
// checking the log, for keeping outside the database (another machine,
// write-once storage): certboard audit verify --checkpoint checks the log
// against it later.
func runAuditCheckpoint(args []string, stdout, stderr io.Writer) int {
	var out string
	s, code := openStoreWith("audit checkpoint", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "write the checkpoint to `FILE` instead of standard output")
	})
	if s == nil {
		return code
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.VerifyAudit(ctx); err != nil {
		if code, done := auditVerdict(err, stdout, stderr); done {
			fmt.Fprintln(stderr, "certboard audit checkpoint: the log does not verify; no checkpoint written")
			return code
		}
	}
	cp, err := s.AuditCheckpoint(ctx)
	if errors.Is(err, boardsql.ErrNotFound) {
		fmt.Fprintln(stderr, "certboard audit checkpoint: the log is empty; the first change writes its first checkpoint")
		return exitBadInput
	}
	if err != nil {
		fmt.Fprintf(stderr, "certboard audit checkpoint: %v\n", err)
		return exitBadInput
	}
	b, _ := json.MarshalIndent(cp, "", "  ")
	b = append(b, '\n')
	if out == "" {
		stdout.Write(b)
		return exitOK
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		fmt.Fprintf(stderr, "certboard audit checkpoint: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stdout, "checkpoint of %d entries (signed at %s) written to %s\n", cp.Count, cp.At.Format(time.RFC3339), out)
	return exitOK
}

// runAuditAnchor resumes writing to a log that no longer ends at its
// checkpoint, recording the break in the log itself.
func runAuditAnchor(args []string, stdout, stderr io.Writer, now time.Time) int {
	var reason string
	s, code := openStoreWith("audit anchor", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", "what was investigated and why the log is resumed as it is (recorded in the log; required)")
	})
	if s == nil {
		return code
	}
	defer s.Close()
	if strings.TrimSpace(reason) == "" {
		fmt.Fprintln(stderr, "certboard audit anchor: --reason is required: say, in a sentence, what was investigated and why the log is resumed as it is (it is recorded in the log)")
		return exitBadInput
	}
	ctx := context.Background()
	if err := s.CheckAuditHead(ctx); err == nil {
		fmt.Fprintln(stdout, "the log already ends at its checkpoint: nothing to anchor")
		return exitOK
	}
	e, err := s.AnchorAudit(ctx, "operator (certboard audit anchor)", reason, now)
	if err != nil {
		fmt.Fprintf(stderr, "certboard audit anchor: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stdout, "anchored: entry %d records the checkpoint it replaces and your reason; changes are written again. Any checkpoint kept outside from before still shows what was lost.\n", e.Seq)
	return exitOK
}

// readBounded reads a file of at most limit bytes.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes: not a checkpoint", limit)
	}
	return b, nil
}
