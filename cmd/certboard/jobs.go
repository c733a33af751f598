package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/audit"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/jobs"
	"github.com/certboard/certboard/jobs/jobsql"
	"github.com/certboard/certboard/practice/practicesql"
	"github.com/certboard/certboard/sqldb"
)

const jobsUsage = "certboard jobs: say list, retry --id N or discard --id N [--mail] [--mode board|practice] [--data DIR | --database URL] [--keys DIR]\n"

// jobsActor is who the audit log names for what `certboard jobs` does:
// whoever runs it has the database itself in hand.
const jobsActor = "operator/cli"

// exitFailure is the exit status of a failure of certboard or its database.
var exitFailure = certboard.AnswerOf(certboard.Internal).Exit

// deadLetterDB is the database of a board or of a practice, as `certboard
// jobs` needs it: its jobs and outbox, and its audit log written in the
// transaction of a change.
type deadLetterDB struct {
	db     *sqldb.DB
	outbox *jobsql.Outbox
	inTx   func(ctx context.Context, f func(tx *sqldb.Tx, record func(audit.Entry) error) error) error
	close  func() error
}

// openDeadLetters opens the board's database, or with mode "practice" a
// practice's own.
func openDeadLetters(ctx context.Context, mode string, o *storeOptions) (*deadLetterDB, error) {
	switch mode {
	case "board":
		st, err := openConfigured(ctx, o)
		if err != nil {
			return nil, err
		}
		return &deadLetterDB{db: st.DB, outbox: &jobsql.Outbox{DB: st.DB}, close: st.Close,
			inTx: func(ctx context.Context, f func(tx *sqldb.Tx, record func(audit.Entry) error) error) error {
				return st.InTx(ctx, func(tx *boardsql.Tx) error {
					return f(tx.Tx, func(e audit.Entry) error { _, err := tx.AppendAudit(ctx, e); return err })
				})
			}}, nil
	case "practice":
		st, err := openPracticeStore(ctx, o)
		if err != nil {
			return nil, err
		}
		return &deadLetterDB{db: st.DB, outbox: &jobsql.Outbox{DB: st.DB}, close: st.Close,
			inTx: func(ctx context.Context, f func(tx *sqldb.Tx, record func(audit.Entry) error) error) error {
				return st.InTx(ctx, func(tx *practicesql.Tx) error {
					return f(tx.Tx, func(e audit.Entry) error { _, err := tx.AppendAudit(ctx, e); return err })
				})
			}}, nil
	}
	return nil, fmt.Errorf("--mode %q: use board or practice", mode)
}

// runJobs lists the dead jobs and mail of a board's or a practice's
// database, or retries or discards one, audited. Exit 0 done, 2 bad input
// (a job or message that does not exist or is not dead included), 4 a
// failure of the database.
func runJobs(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "retry" && args[0] != "discard") {
		fmt.Fprint(stderr, jobsUsage)
		return exitBadInput
	}
	cmd := args[0]
	fs := flag.NewFlagSet("jobs "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("mode", "board", "whose database: board, or practice (DATA/"+practicesql.File+", DATA defaulting to data/practice)")
	id := fs.Int64("id", 0, "the `N` of the job (or, with --mail, the message) to retry or discard, as list shows it")
	mail := fs.Bool("mail", false, "retry or discard a message of the outbox, not a job")
	o := storeFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard jobs %s: "+format+"\n", append([]any{cmd}, a...)...)
		return exitBadInput
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if cmd != "list" && *id <= 0 {
		return bad("--id: say which job (or, with --mail, which message), by the number list shows")
	}
	if *mode == "practice" {
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "data" })
		if !set && os.Getenv("CERTBOARD_DATA") == "" {
			o.DataDir = defaultPracticeData
		}
	}
	ctx := context.Background()
	d, err := openDeadLetters(ctx, *mode, o)
	if err != nil {
		return bad("%v", err)
	}
	defer d.close()
	if cmd == "list" {
		if err := listDeadLetters(ctx, d, stdout); err != nil {
			fmt.Fprintf(stderr, "certboard jobs list: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	var done string
	err = d.inTx(ctx, func(tx *sqldb.Tx, record func(audit.Entry) error) error {
		e := audit.Entry{At: now, Actor: jobsActor}
		if *mail {
			var m jobs.Mail
			var err error
			if cmd == "retry" {
				m, err = d.outbox.ReviveMail(ctx, tx, *id, now)
				e.After = "due now"
			} else {
				m, err = d.outbox.DiscardMail(ctx, tx, *id, now)
				e.After = "discarded, its body dropped"
			}
			if err != nil {
				return err
			}
			e.Action, e.Subject = "mail."+cmd, "mail/"+strconv.FormatInt(m.ID, 10)
			e.Before = fmt.Sprintf("dead after %d attempts: %q to %s", m.Attempts, m.Subject, m.To)
			done = fmt.Sprintf("message %d (%q to %s)", m.ID, m.Subject, m.To)
		} else {
			var j jobs.Job
			var err error
			if cmd == "retry" {
				j, err = jobsql.Revive(ctx, tx, *id, now)
				e.After = "pending, due now"
			} else {
				j, err = jobsql.Discard(ctx, tx, *id, now)
				e.After = jobs.Discarded
			}
			if err != nil {
				return err
			}
			e.Action, e.Subject = "job."+cmd, "job/"+strconv.FormatInt(j.ID, 10)
			e.Before = fmt.Sprintf("dead after %d attempts: %s (%s)", j.Attempts, j.Key, j.Kind)
			done = fmt.Sprintf("job %d (%s)", j.ID, j.Key)
		}
		return record(e)
	})
	switch {
	case errors.Is(err, sqldb.ErrNotFound), errors.Is(err, sqldb.ErrConflict):
		return bad("%v", err)
	case err != nil:
		fmt.Fprintf(stderr, "certboard jobs %s: %v\n", cmd, err)
		return exitFailure
	}
	if cmd == "retry" {
		fmt.Fprintf(stdout, "%s is due again: the running server tries it within a minute\n", done)
	} else {
		fmt.Fprintf(stdout, "%s discarded\n", done)
	}
	return exitOK
}

// listDeadLetters prints the dead jobs and messages, the latest first,
// payloads summed up (jobs.Summary) and bodies never read.
func listDeadLetters(ctx context.Context, d *deadLetterDB, out io.Writer) error {
	js, err := jobsql.DeadJobs(ctx, d.db, 1000)
	if err != nil {
		return err
	}
	ms, err := d.outbox.DeadMail(ctx, 1000)
	if err != nil {
		return err
	}
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "dead jobs: %d\n", len(js))
	if len(js) > 0 {
		fmt.Fprintln(w, "ID\tKIND\tKEY\tTRIES\tGIVEN UP\tPAYLOAD\tLAST ERROR")
		for _, j := range js {
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", j.ID, j.Kind, j.Key, j.Attempts, j.DoneAt.UTC().Format(time.RFC3339), jobs.Summary(j.Payload), oneLine(j.LastError))
		}
	}
	fmt.Fprintf(w, "dead mail: %d\n", len(ms))
	if len(ms) > 0 {
		fmt.Fprintln(w, "ID\tTO\tSUBJECT\tTRIES\tGIVEN UP\tLAST ERROR")
		for _, m := range ms {
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", m.ID, m.To, oneLine(m.Subject), m.Attempts, m.DeadAt.UTC().Format(time.RFC3339), oneLine(m.LastError))
		}
	}
	return w.Flush()
}
