package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/certboard/certboard/date"
	"github.com/certboard/certboard/eligibility"
	"github.com/certboard/certboard/portfolio"
	"github.com/certboard/certboard/requirements"
)

func runEvaluate(args []string, stdout, stderr io.Writer, today date.Date) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fmt.Fprintln(stderr, "\nFlags of evaluate:")
		fs.PrintDefaults()
	}
	setID := fs.String("requirements", "", "requirement set `ID` (see 'certboard requirements list') or a YAML file")
	all := fs.Bool("all", false, "give a one-line verdict for every shipped set")
	asOfText := fs.String("as-of", today.String(), "evaluate as of this `date` (YYYY-MM-DD)")
	format := fs.String("format", "text", "output `format`: text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard evaluate: "+format+"\n", a...)
		return exitBadInput
	}
	if fs.NArg() != 1 {
		return bad("give exactly one portfolio file (JSON), after the flags")
	}
	if (*setID == "") == !*all {
		return bad("give either --requirements ID or --all")
	}
	if *format != "text" && *format != "json" {
		return bad("--format %q: use text or json", *format)
	}
	asOf, err := date.Parse(*asOfText)
	if err != nil {
		return bad("--as-of: %v", err)
	}
	name := fs.Arg(0)
	data, err := os.ReadFile(name)
	if err != nil {
		return bad("%s: cannot read: %v", name, unwrapPath(err))
	}
	p, err := portfolio.Decode(data)
	if err != nil {
		var b strings.Builder
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(&b, "%s: %s\n", name, line)
		}
		fmt.Fprint(stderr, b.String())
		return exitBadInput
	}
	reg, err := requirements.Shipped()
	if err != nil {
		return bad("the shipped requirement sets are broken:\n%v", err)
	}
	if *all {
		return evaluateAll(reg, p, asOf, *format, stdout)
	}
	var set *requirements.Set
	why := ""
	if isYAML(*setID) {
		if set, err = loadSetFile(*setID); err != nil {
			fmt.Fprintln(stderr, err)
			return exitBadInput
		}
		if !asOf.Within(set.EffectiveFrom, set.EffectiveTo) {
			fmt.Fprintf(stderr, "certboard evaluate: note: %s is in force from %s to %s, not on %s; evaluating with it anyway\n",
				*setID, set.EffectiveFrom, orOpen(set.EffectiveTo), asOf)
		}
		why = "read from " + *setID
	} else if set, why, err = eligibility.Select(reg, *setID, p, asOf); err != nil {
		return bad("--requirements: %v", err)
	}
	rep := eligibility.Evaluate(p, set, asOf)
	rep.Set.Why = why
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return bad("%v", err)
		}
	} else {
		writeText(stdout, rep)
	}
	if rep.Eligible {
		return exitOK
	}
	return exitNo
}

// verdictLine is one set's answer for evaluate --all.
type verdictLine struct {
	ID       string   `json:"id"`
	Title    string   `json:"title,omitempty"`
	Version  string   `json:"version,omitempty"`
	Eligible bool     `json:"eligible"`
	Verdict  string   `json:"verdict"`
	Message  string   `json:"message,omitempty"`
	Unmet    []string `json:"unmet,omitempty"`
	Pending  []string `json:"pending,omitempty"`
}

// verdictNoVersion is the --all verdict of a set with no version in force.
const verdictNoVersion = "no_version_in_force"

func orOpen(d date.Date) string {
	if d.IsZero() {
		return "no end date"
	}
	return d.String()
}

func evaluateAll(reg *requirements.Catalog, p *portfolio.Portfolio, asOf date.Date, format string, stdout io.Writer) int {
	var lines []verdictLine
	anyEligible := false
	for _, id := range reg.IDs() {
		set, _, err := eligibility.Select(reg, id, p, asOf)
		if err != nil {
			lines = append(lines, verdictLine{ID: id, Verdict: verdictNoVersion, Message: err.Error()})
			continue
		}
		rep := eligibility.Evaluate(p, set, asOf)
		l := verdictLine{ID: id, Title: set.Title, Version: set.Version, Eligible: rep.Eligible, Verdict: rep.Verdict}
		for _, r := range rep.Results {
			switch r.Status {
			case eligibility.Unmet:
				l.Unmet = append(l.Unmet, r.ID)
			case eligibility.Pending:
				l.Pending = append(l.Pending, r.ID)
			}
		}
		anyEligible = anyEligible || rep.Eligible
		lines = append(lines, l)
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"person": p.Person.Name, "as_of": asOf, "sets": lines})
	} else {
		fmt.Fprintf(stdout, "What %s can hold as of %s:\n", p.Person.Name, asOf)
		for _, l := range lines {
			mark := "no "
			switch l.Verdict {
			case eligibility.VerdictEligible:
				mark = "YES"
			case eligibility.VerdictPending:
				mark = "..."
			}
			detail := ""
			if l.Message != "" {
				detail += " (" + l.Message + ")"
			}
			if len(l.Unmet) > 0 {
				detail += " unmet: " + strings.Join(l.Unmet, ", ")
			}
			if len(l.Pending) > 0 {
				detail += " pending: " + strings.Join(l.Pending, ", ")
			}
			fmt.Fprintf(stdout, "%s  %-40s %s%s\n", mark, l.ID, words(l.Verdict), detail)
		}
	}
	if anyEligible {
		return exitOK
	}
	return exitNo
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// writeText renders a report for a terminal.
func writeText(w io.Writer, r *eligibility.Report) {
	fmt.Fprintf(w, "%s: %s %s (%s), as of %s\n", r.Person, r.Set.Title, r.Set.Version, r.Set.ID, r.AsOf)
	if r.Set.Why != "" {
		fmt.Fprintf(w, "Version %s\n", r.Set.Why)
	}
	fmt.Fprintf(w, "%s\n\n", r.Summary)
	for _, res := range r.Results {
		fmt.Fprintf(w, "[%-7s] %s (%s)\n", statusWord(res.Status), res.Title, res.ID)
		fmt.Fprintf(w, "          %s\n", res.Explanation)
		for _, p := range res.Progress {
			fmt.Fprintf(w, "          - %s\n", p.Text)
		}
		if res.Shortfall != nil {
			fmt.Fprintf(w, "          To meet it: %s\n", strings.Join(res.Shortfall.Steps, "; "))
		}
		for _, x := range res.Excluded {
			fmt.Fprintf(w, "          not counted: %s %s\n", x.ID, x.Reason)
		}
	}
	if len(r.Unconfirmed) > 0 {
		fmt.Fprintf(w, "\nFigures of this set that are not confirmed:\n")
		for _, n := range r.Unconfirmed {
			fmt.Fprintf(w, "- %s: %s\n", n.Figure, n.Note)
		}
	}
}

func statusWord(s eligibility.Status) string {
	switch s {
	case eligibility.Met:
		return "met"
	case eligibility.Unmet:
		return "UNMET"
	case eligibility.Pending:
		return "pending"
	}
	return "n/a"
}
