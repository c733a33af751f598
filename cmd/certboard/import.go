package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/board"
	"github.com/certboard/certboard/board/boardsql"
	"github.com/certboard/certboard/board/web"
	"github.com/certboard/certboard/ce"
	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/requirements"
)

const importUsage = "certboard import completions FILE.csv --provider EMAIL [--errors FILE] [--data DIR | --database URL]\n"

// maxImportBytes is the largest file one import reads (it is read whole,
// to count the rows for the progress bar): the most the CSV reader reads.
const maxImportBytes = ce.MaxFileSize

// clip shortens a value echoed into the error report: a field that ran
// on (an unclosed quote can hold the rest of the file) is shown by its
// start.
func clip(s string) string {
	const most = 120
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}

// csvSafe keeps a cell of the error report from being read as a formula
// when the report is opened in a spreadsheet (the values come from the
// imported file): a cell that starts with = + - @, a tab or a carriage
// return gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// rejection is one row the import refused, and why.
type rejection struct {
	Line                   int
	CredentialID, CourseID string
	Field, Reason          string
}

// runImport handles "certboard import completions": it reports each row of
// a CSV file as the provider would by API (board.ReportCompletion: the same
// checks, the same transaction per row), keeps the good rows and lists the bad ones.
// Exit status: 0 every row imported (or already there), 1 some rows
// rejected, 2 bad usage or an unreadable file or header, 4 a failure (the
// exit code of an internal certboard.Error).
func runImport(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard import: "+format+"\n", a...)
		return exitBadInput
	}
	if len(args) == 0 || args[0] != "completions" {
		return bad("say what to import: %s", importUsage)
	}
	fs := flag.NewFlagSet("import completions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	providerEmail := fs.String("provider", "", "e-mail `address` of the approved CE provider account the completions are reported by")
	errorsFile := fs.String("errors", "", "write the rejected rows to `FILE` (CSV when it ends in .csv, text otherwise)")
	cfg := storeFlags(fs)
	// The file may come before or after the flags.
	files, code, ok := parseInterleaved(fs, args[1:])
	if !ok {
		return code
	}
	if len(files) != 1 {
		return bad("give exactly one CSV file: %s", importUsage)
	}
	if strings.TrimSpace(*providerEmail) == "" {
		return bad("--provider is required: the e-mail address of the provider account the completions come from")
	}
	if fi, err := os.Stat(files[0]); err != nil {
		return bad("%v", err)
	} else if fi.Size() > maxImportBytes {
		return bad("%s is %d MB; at most %d MB are imported at once: split it into several files (each with the header row); nothing was imported",
			files[0], fi.Size()>>20, maxImportBytes>>20)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return bad("%v", err)
	}
	r, err := ce.NewReader(bytes.NewReader(data))
	if err != nil {
		return bad("%s: %v; nothing was imported", files[0], err)
	}
	var rows []ce.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad("%s: %v; nothing was imported", files[0], err)
		}
		rows = append(rows, row)
	}

	ctx := context.Background()
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		return bad("%v", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return bad("%v", err)
	}
	sets, err := requirements.Shipped()
	if err != nil {
		return bad("%v", err)
	}
	if sets, err = web.LoadPublishedSets(ctx, st, sets); err != nil {
		return bad("%v", err)
	}
	b, err := board.New(board.Config{Store: boardsql.ForBoard{Store: st}, Catalog: sets, Clock: certboard.ClockFunc(now),
		PublicURL: os.Getenv("CERTBOARD_PUBLIC_URL")})
	if err != nil {
		return bad("%v", err)
	}
	provider, err := st.UserByEmail(ctx, strings.TrimSpace(*providerEmail))
	if errors.Is(err, boardsql.ErrNotFound) {
		return bad("--provider: no account has the address %s", *providerEmail)
	}
	if err != nil {
		return bad("%v", err)
	}
	if _, err := b.ApprovedProvider(ctx, provider); err != nil {
		return bad("--provider: %v", err)
	}

	today := date.FromTime(now().UTC())
	bar := newProgress(stderr, len(rows))
	var rejected []rejection
	created, repeated := 0, 0
	for i, row := range rows {
		reject := func(field, reason string) {
			rejected = append(rejected, rejection{Line: row.Line, CredentialID: clip(row.Completion.CredentialID), CourseID: clip(row.Completion.CourseID), Field: field, Reason: reason})
		}
		if probs := row.Check(today); len(probs) > 0 {
			for _, p := range probs {
				reject(p.Field, p.Message)
			}
		} else {
			_, isNew, err := b.ReportCompletion(ctx, provider, row.Completion)
			var probs ce.Problems
			switch {
			case err == nil && isNew:
				created++
			case err == nil:
				repeated++
			case errors.As(err, &probs):
				for _, p := range probs {
					reject(p.Field, p.Message)
				}
			case errors.Is(err, certboard.ErrConflict):
				// The store lost a race on this row (reported twice at
				// once): it is rejected, the import goes on.
				reject("", "this completion changed meanwhile; import the file again to retry it")
			case certboard.ErrorCode(err) != certboard.Internal:
				// A refusal of this row (the credential cannot be
				// renewed, the renewal kept changing): the row is
				// rejected, the import goes on.
				e := certboard.As(err)
				reject(e.Field, e.Message)
			default:
				bar.done(i, lines(rejected))
				fmt.Fprintf(stderr, "certboard import: line %d: %v\nstopped: %d completion(s) imported before line %d are kept; fix the problem and import the file again (rows already imported are not repeated)\n",
					row.Line, err, created, row.Line)
				return certboard.AnswerOf(certboard.Internal).Exit
			}
		}
		bar.step(i+1, lines(rejected))
	}
	bar.done(len(rows), lines(rejected))

	if *errorsFile != "" {
		if err := writeRejections(*errorsFile, rejected); err != nil {
			return bad("writing the error report: %v", err)
		}
	} else if len(rejected) > 0 {
		for _, rj := range rejected {
			fmt.Fprintln(stderr, rj.text())
		}
	}
	fmt.Fprintf(stdout, "%d row(s): %d imported, %d already reported, %d rejected\n", len(rows), created, repeated, lines(rejected))
	if len(rejected) > 0 {
		if *errorsFile != "" {
			fmt.Fprintf(stdout, "the rejected rows and why are in %s; fix them and import the file again (rows already imported are not repeated)\n", *errorsFile)
		}
		return exitNo
	}
	return exitOK
}

// lines counts the rows with at least one rejection.
func lines(rs []rejection) int {
	n, last := 0, -1
	for _, r := range rs {
		if r.Line != last {
			n++
			last = r.Line
		}
	}
	return n
}

func (r rejection) text() string {
	reason := r.Reason
	if r.Field != "" {
		reason = r.Field + ": " + reason
	}
	return fmt.Sprintf("line %d: %s", r.Line, reason)
}

// writeRejections writes the error report: CSV (line, credential_id,
// course_id, field, reason) for a .csv name, one line per problem otherwise.
func writeRejections(name string, rs []rejection) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		w := csv.NewWriter(f)
		_ = w.Write([]string{"line", "credential_id", "course_id", "field", "reason"})
		for _, r := range rs {
			_ = w.Write([]string{fmt.Sprint(r.Line), csvSafe(r.CredentialID), csvSafe(r.CourseID), csvSafe(r.Field), csvSafe(r.Reason)})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			f.Close()
			return err
		}
	} else {
		for _, r := range rs {
			if _, err := fmt.Fprintln(f, r.text()); err != nil {
				f.Close()
				return err
			}
		}
	}
	return f.Close()
}

// progress shows how far an import is: a bar redrawn in place on a
// terminal, otherwise a plain line every tenth of the rows (and at least
// every 1000).
type progress struct {
	w        io.Writer
	total    int
	terminal bool
	lastLine int
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

const barWidth = 30

func (p *progress) step(done, rejected int) {
	if p.total == 0 {
		return
	}
	if p.terminal {
		filled := done * barWidth / p.total
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d rows, %d rejected", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), done, p.total, rejected)
		return
	}
	every := max(1, min(p.total/10, 1000))
	if done-p.lastLine >= every && done < p.total {
		p.lastLine = done
		fmt.Fprintf(p.w, "progress: %d of %d rows, %d rejected\n", done, p.total, rejected)
	}
}

func (p *progress) done(done, rejected int) {
	if p.terminal {
		p.step(done, rejected)
		fmt.Fprintln(p.w)
		return
	}
	fmt.Fprintf(p.w, "progress: %d of %d rows, %d rejected\n", done, p.total, rejected)
}
