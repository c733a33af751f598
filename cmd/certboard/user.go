package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/certboard/certboard/auth"
	"github.com/certboard/certboard/practice/practicesql"
)

// roles are the account roles "user add" gives; regulator and provider
// accounts are made by an admin on the users page.
var roles = []auth.Role{auth.Applicant, auth.Supervisor, auth.Reviewer, auth.Staff, auth.Admin}

// runUser handles "certboard user add": it creates an account, reading the
// password from CERTBOARD_PASSWORD or from the first line of standard input.
// With --mode practice it creates an account of a practice, on the
// practice's own database: the first practice admin, who then adds the
// others from the people page.
func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, "certboard user: say add --email ADDRESS --name NAME [--role ROLE,...] (password on standard input or in CERTBOARD_PASSWORD)\n")
		return exitBadInput
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail `address` to sign in with")
	name := fs.String("name", "", "full `name`")
	mode := fs.String("mode", "board", "whose account: board, or practice (on the practice's database, DATA/"+practicesql.File+", DATA defaulting to data/practice)")
	roleList := fs.String("role", "", "comma-separated `roles`: "+auth.JoinRoles(roles, ", ")+" (default applicant); in a practice, "+
		auth.JoinRoles(auth.PracticeRoles, ", ")+" (default practice_admin)")
	cfg := storeFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard user add: "+format+"\n", a...)
		return exitBadInput
	}
	if _, err := mail.ParseAddress(*email); err != nil || !strings.Contains(*email, "@") {
		return bad("--email %q is not an e-mail address", *email)
	}
	if strings.TrimSpace(*name) == "" {
		return bad("--name is required")
	}
	allowed, given := roles, *roleList
	switch *mode {
	case "board":
		if given == "" {
			given = string(auth.Applicant)
		}
	case "practice":
		allowed = auth.PracticeRoles
		if given == "" {
			given = string(auth.PracticeAdmin)
		}
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "data" })
		if !set && os.Getenv("CERTBOARD_DATA") == "" {
			cfg.DataDir = defaultPracticeData
		}
	default:
		return bad("--mode %q: use board or practice", *mode)
	}
	var rs []auth.Role
	for _, v := range strings.Split(given, ",") {
		v = strings.TrimSpace(v)
		r, err := auth.ParseRole(v)
		if err != nil || !slices.Contains(allowed, r) {
			return bad("--role %q is not one of %s", v, auth.JoinRoles(allowed, ", "))
		}
		rs = append(rs, r)
	}
	password := os.Getenv("CERTBOARD_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return bad("give the password on standard input or in CERTBOARD_PASSWORD")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if err := auth.CheckPassword(password, *email); err != nil {
		return bad("%v", err)
	}
	hash, err := auth.Hash(password, auth.DefaultParams)
	if err != nil {
		return bad("%v", err)
	}
	ctx := context.Background()
	now := time.Now()
	// An administrator vouches for the address of an account they create.
	u := auth.User{Email: *email, Name: strings.TrimSpace(*name), PasswordHash: hash, Roles: rs, CreatedAt: now, EmailVerifiedAt: now}
	id, err := addUser(ctx, cfg, u, *mode == "practice")
	if err != nil {
		return bad("%v", err)
	}
	fmt.Fprintf(stdout, "account %d created for %s (%s)\n", id, strings.ToLower(*email), auth.JoinRoles(rs, ", "))
	return exitOK
}

// accountStore is a database accounts are created on: the board's or a
// practice's own.
type accountStore interface {
	Migrate(ctx context.Context) (int, error)
	CreateUser(ctx context.Context, u auth.User) (int64, error)
	Close() error
}

// addUser stores an account on the board's database or, with practice, on
// a practice's own database, migrating it first.
func addUser(ctx context.Context, cfg *storeOptions, u auth.User, practice bool) (int64, error) {
	var st accountStore
	var err error
	if practice {
		st, err = openPracticeStore(ctx, cfg)
	} else {
		st, err = openConfigured(ctx, cfg)
	}
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return 0, err
	}
	return st.CreateUser(ctx, u)
}
