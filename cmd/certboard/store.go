package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/seal"
	"github.com/certboard/certboard/store"
)

// storeFlags adds --data and --database, with CERTBOARD_DATA and
// CERTBOARD_DATABASE as defaults.
func storeFlags(fs *flag.FlagSet) *store.Config {
	cfg := &store.Config{}
	data := os.Getenv("CERTBOARD_DATA")
	if data == "" {
		data = "data"
	}
	fs.StringVar(&cfg.DataDir, "data", data, "`directory` of the embedded SQLite database (env CERTBOARD_DATA)")
	fs.StringVar(&cfg.DatabaseURL, "database", os.Getenv("CERTBOARD_DATABASE"), "PostgreSQL `URL` instead of SQLite, postgres://... (env CERTBOARD_DATABASE)")
	return cfg
}

// openStore parses the storage flags of a command and opens the store; on
// failure it has printed why and returns the exit code.
func openStore(name string, args []string, stderr io.Writer) (*store.Store, int) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK
		}
		return nil, exitBadInput
	}
	s, err := openConfigured(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(stderr, "certboard %s: %v\n", name, err)
		return nil, exitBadInput
	}
	return s, exitOK
}

// openConfigured loads the encryption keys and opens the store. The keys
// come from CERTBOARD_SECRET_KEYS (base64 keys, comma separated, oldest
// first) or else from secret.key in the data directory, created on first
// use; keep that file with backups of the database, which cannot be read
// without it.
func openConfigured(ctx context.Context, cfg *store.Config) (*store.Store, error) {
	if env := os.Getenv("CERTBOARD_SECRET_KEYS"); env != "" {
		raw, err := seal.Decode(env)
		if err != nil {
			return nil, fmt.Errorf("CERTBOARD_SECRET_KEYS: %w", err)
		}
		if cfg.Keys, err = seal.New(raw...); err != nil {
			return nil, fmt.Errorf("CERTBOARD_SECRET_KEYS: %w", err)
		}
	} else {
		if cfg.DataDir == "" {
			return nil, errors.New("no data directory for the encryption key: give --data DIR or set CERTBOARD_SECRET_KEYS")
		}
		k, err := seal.LoadOrCreate(filepath.Join(cfg.DataDir, "secret.key"))
		if err != nil {
			return nil, err
		}
		cfg.Keys = k
	}
	return store.Open(ctx, *cfg)
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

func runAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, "certboard audit: say verify [--data DIR | --database URL]\n")
		return exitBadInput
	}
	s, code := openStore("audit verify", args[1:], stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	n, err := s.VerifyAudit(context.Background())
	var broken *audit.BrokenError
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(stdout, "BROKEN: %v\n", broken)
		return exitNo
	case err != nil:
		fmt.Fprintf(stderr, "certboard audit verify: %v (run certboard migrate first?)\n", err)
		return exitBadInput
	}
	fmt.Fprintf(stdout, "intact: %d entries, each hash chained to the one before\n", n)
	return exitOK
}
