package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/practicesql"
)

// runClient is "certboard client export --client ID --as EMAIL
// [--psychotherapy-notes]", which writes a client's record as a FHIR R4
// Bundle on standard output, and "certboard client import FILE --as
// EMAIL", which imports one as a new client of that practitioner. Both act
// as the practice account EMAIL, with its access, audited as theirs, and
// report their progress on standard error.
func runClient(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) == 0 || (args[0] != "export" && args[0] != "import") {
		fmt.Fprint(stderr, "certboard client: use certboard client export --client ID --as EMAIL [--psychotherapy-notes] > FILE.json, or certboard client import FILE.json --as EMAIL\n")
		return exitBadInput
	}
	sub := args[0]
	fs := flag.NewFlagSet("client "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	as := fs.String("as", "", "the practice account (`email`) to act as; its access decides what it may do, and the audit log names it")
	var clientID *int64
	var psych *bool
	if sub == "export" {
		clientID = fs.Int64("client", 0, "the client's `id`")
		psych = fs.Bool("psychotherapy-notes", false, "include your own psychotherapy notes (left out unless asked for)")
	}
	cfg := storeFlags(fs)
	// FILE may come before the flags or after them.
	positional, code, ok := parseInterleaved(fs, args[1:])
	if !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard client %s: "+format+"\n", append([]any{sub}, a...)...)
		return exitBadInput
	}
	if *as == "" {
		return bad("--as is required: the practice account to act as")
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "data" })
	if !set && os.Getenv("CERTBOARD_DATA") == "" {
		cfg.DataDir = defaultPracticeData
	}
	var bundle []byte
	switch {
	case sub == "export" && len(positional) > 0:
		return bad("unexpected argument %q; the record goes to standard output", positional[0])
	case sub == "export" && *clientID <= 0:
		return bad("--client is required: the client's id")
	case sub == "import" && len(positional) != 1:
		return bad("give exactly one FILE, the bundle to import")
	case sub == "import":
		var err error
		if bundle, err = readBounded(positional[0], fhir.MaxBundleSize); err != nil {
			return bad("%s: %v", positional[0], err)
		}
	}
	ctx := context.Background()
	st, err := openPracticeStore(ctx, cfg)
	if err != nil {
		return bad("%v", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return bad("%v", err)
	}
	u, err := st.UserByEmail(ctx, *as)
	if err != nil {
		return bad("--as %s: no account of this practice has that address", *as)
	}
	p, err := practice.New(practice.Config{Store: practicesql.ForPractice{Store: st}, Clock: clockFunc(now)})
	if err != nil {
		return bad("%v", err)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "certboard client %s: %s\n", sub, certboard.ErrorMessage(err))
		return certboard.As(err).Answer().Exit
	}
	by := practice.ActorOf(u)
	if sub == "export" {
		out, err := p.ExportRecord(ctx, by, *clientID, practice.ExportOptions{PsychotherapyNotes: *psych,
			Progress: progressLine(stderr, "exported")})
		if err != nil {
			return fail(err)
		}
		if _, err := stdout.Write(append(out, '\n')); err != nil {
			return bad("%v", err)
		}
		return exitOK
	}
	read, write := progressLine(stderr, "checked"), progressLine(stderr, "imported")
	id, err := p.ImportRecord(ctx, by, bundle, practice.ImportOptions{Progress: func(stage string, done, total int) {
		if stage == "read" {
			read(done, total)
		} else {
			write(done, total)
		}
	}})
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "client %d imported\n", id)
	return exitOK
}

// progressLine reports progress on w, a line at each tenth of the way and
// at the end: "exported 120 of 1200 resources".
func progressLine(w io.Writer, verb string) func(done, total int) {
	last := -1
	return func(done, total int) {
		if total <= 0 {
			return
		}
		tenth := done * 10 / total
		if tenth == last && done != total {
			return
		}
		last = tenth
		fmt.Fprintf(w, "%s %d of %d resources\n", verb, done, total)
	}
}

// clockFunc is a certboard.Clock that asks now.
type clockFunc func() time.Time

// Now returns the time.
func (f clockFunc) Now() time.Time { return f() }
