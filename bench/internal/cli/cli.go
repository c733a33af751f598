// Package cli is the frame the load tools under bench/ share: main's
// context that ends at an interrupt, the check of the command line that
// says every problem at once, and the report printed as text or JSON with
// the exit status the tools promise (0 passed, 1 failed its check, 2 could
// not be set up).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses of the load tools.
const (
	ExitOK     = 0 // the run passed
	ExitFailed = 1 // the run's check failed (a request failed, a write is lost)
	ExitSetup  = 2 // the command line is wrong or the run could not be set up
)

// Main runs run with the program's arguments and standard streams and a
// context that ends at an interrupt or SIGTERM, and exits with the status
// run returns.
func Main(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Problems gathers what is wrong with a command line, to say all of it at
// once.
type Problems struct {
	list []string
}

// Parse parses args with fs, whose output goes to the tool's stderr. An
// argument left over is the first problem.
func Parse(fs *flag.FlagSet, args []string) (*Problems, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	p := &Problems{}
	if fs.NArg() > 0 {
		p.Add(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return p, nil
}

// Add notes a problem, such as "--users must be at least 1".
func (p *Problems) Add(problem string) {
	p.list = append(p.list, problem)
}

// Err returns nil when there is no problem, else the problems as one
// error, written to stderr after the tool's name.
func (p *Problems) Err(name string, stderr io.Writer) error {
	if len(p.list) == 0 {
		return nil
	}
	err := errors.New(strings.Join(p.list, "; "))
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return err
}

// FlagStatus is the exit status for an error from parsing the command line
// (already written to stderr): ExitOK when help was asked for, else
// ExitSetup.
func FlagStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitSetup
}

// Report is the outcome of a run.
type Report interface {
	// WriteText prints the report for a person.
	WriteText(w io.Writer)
	// Failed reports whether the run failed its check.
	Failed() bool
}

// Finish ends the run of the tool name that returned rep and err. When err
// is not nil the run could not be set up: Finish writes err to stderr and
// returns ExitSetup. Else it prints rep to stdout, as indented JSON when
// asJSON, else as text, and returns ExitFailed when the run failed its
// check, ExitOK when it passed.
func Finish(stdout, stderr io.Writer, name string, rep Report, err error, asJSON bool) int {
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitSetup
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return ExitSetup
		}
	} else {
		rep.WriteText(stdout)
	}
	if rep.Failed() {
		return ExitFailed
	}
	return ExitOK
}
