package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/demo"
	"github.com/certboard/certboard/requirements"
)

// seedDemo seeds the demo board and prints its logins.
func seedDemo(ctx context.Context, srv *web.Server, stdout io.Writer, url string) error {
	logins, err := srv.SeedDemo(ctx)
	if err != nil {
		return fmt.Errorf("seeding the demo: %w", err)
	}
	fmt.Fprintf(stdout, "\nDemo board at %s; every account's password is %q.\n", url, web.DemoPassword)
	fmt.Fprintln(stdout, "Staff, admins and the regulator also give a two-factor code: print one with `go run ./cmd/certboard totp SECRET`,")
	fmt.Fprintln(stdout, "or add the secret to an authenticator app.")
	fmt.Fprintln(stdout)
	for _, l := range logins {
		line := fmt.Sprintf("  %-38s %-22s %s", l.Email, auth.JoinRoles(l.Roles, ","), l.Note)
		if l.TOTPSecret != "" {
			line += "\n  " + strings.Repeat(" ", 38) + " two-factor secret " + l.TOTPSecret
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintln(stdout)
	return nil
}

// demoBoard is the demo board as the demo practice's seeding acts on it:
// the board's store, its requirement sets and the URL it serves at.
func demoBoard(st *boardsql.Store, sets *requirements.Catalog, publicURL string, log *slog.Logger) demo.Deps {
	store := boardsql.ForBoard{Store: st}
	return demo.Deps{Store: store, Config: board.Config{Store: store, Catalog: sets, PublicURL: publicURL, Log: log}}
}

// runTOTP prints the current code of a two-factor secret.
func runTOTP(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "certboard totp: give the secret, e.g. certboard totp JBSWY3DPEHPK3PXP")
		return exitBadInput
	}
	code, err := auth.TOTPCode(args[0], now)
	if err != nil {
		fmt.Fprintf(stderr, "certboard totp: %v\n", err)
		return exitBadInput
	}
	left := 30 - now.Unix()%30
	fmt.Fprintf(stdout, "%s (valid for %d more seconds)\n", code, left)
	return exitOK
}
