package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/certboard/certboard/did"
)

// runKeys lists the board's signing keys or rotates them: a new key signs
// from now on, and the old ones stay published so that what they signed
// keeps verifying.
func runKeys(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "rotate") {
		fmt.Fprint(stderr, "certboard keys: say list or rotate [--data DIR | --database URL]\n")
		return exitBadInput
	}
	s, code := openStore("keys "+args[0], args[1:], stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		fmt.Fprintf(stderr, "certboard keys: %v\n", err)
		return exitBadInput
	}
	if args[0] == "rotate" {
		id, err := s.NewSigningKey(ctx, nil, now)
		if err != nil {
			fmt.Fprintf(stderr, "certboard keys rotate: %v\n", err)
			return exitBadInput
		}
		fmt.Fprintf(stdout, "new signing key %s; earlier keys stay published so that what they signed keeps verifying\n", id)
	}
	keys, err := s.SigningKeys(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "certboard keys: %v\n", err)
		return exitBadInput
	}
	if len(keys) == 0 {
		fmt.Fprintln(stdout, "no signing key yet: one is made when the server first starts, or by certboard keys rotate")
		return exitOK
	}
	for _, k := range keys {
		state := "current"
		if !k.RetiredAt.IsZero() {
			state = "retired " + k.RetiredAt.UTC().Format("2006-01-02")
		}
		fmt.Fprintf(stdout, "%-24s %-50s created %s, %s\n", k.ID, did.Multikey(k.Public), k.CreatedAt.UTC().Format("2006-01-02"), state)
	}
	return exitOK
}
