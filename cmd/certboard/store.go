package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/certboard/certboard/audit"
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
	s, err := store.Open(context.Background(), *cfg)
	if err != nil {
		fmt.Fprintf(stderr, "certboard %s: %v\n", name, err)
		return nil, exitBadInput
	}
	return s, exitOK
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
