package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/measure"
)

// runMeasure is "certboard measure score INSTRUMENT --answers A1,A2,...
// [--sex female|male] [--format text|json]": exit 0 when scored, 2 with a
// message naming the item and the problem, and nothing on stdout, for bad
// input.
func runMeasure(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "score" {
		fmt.Fprintf(stderr, "certboard measure: use certboard measure score INSTRUMENT --answers A1,A2,... (instruments: %s)\n",
			strings.Join(measure.IDs(), ", "))
		return exitBadInput
	}
	fs := flag.NewFlagSet("measure score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: certboard measure score INSTRUMENT --answers A1,A2,... [--sex female|male] [--format text|json]")
		fmt.Fprintf(stderr, "INSTRUMENT is one of %s.\n\nFlags:\n", strings.Join(measure.IDs(), ", "))
		fs.PrintDefaults()
	}
	answersText := fs.String("answers", "", "the `answers`, one an item in order, comma separated")
	sexText := fs.String("sex", "", "`sex` for thresholds that depend on it (AUDIT-C): female or male")
	format := fs.String("format", "text", "output `format`: text or json")
	// The instrument may come before the flags or after them.
	var positional []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitBadInput
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard measure: "+format+"\n", a...)
		return exitBadInput
	}
	if len(positional) != 1 {
		return bad("give exactly one instrument: %s", strings.Join(measure.IDs(), ", "))
	}
	if *format != "text" && *format != "json" {
		return bad("--format %q: use text or json", *format)
	}
	sex, err := measure.ParseSex(*sexText)
	if err != nil {
		return bad("--%s", certboard.ErrorMessage(err))
	}
	answers, err := parseAnswers(*answersText)
	if err != nil {
		return bad("%s", certboard.ErrorMessage(err))
	}
	r, err := measure.Score(positional[0], answers, sex)
	if err != nil {
		fmt.Fprintf(stderr, "certboard measure: %s\n", certboard.ErrorMessage(err))
		return certboard.As(err).Answer().Exit
	}
	if *format == "json" {
		out, _ := json.MarshalIndent(r, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return exitOK
	}
	writeMeasureText(stdout, r)
	return exitOK
}

// parseAnswers reads "1,0,3" into answers; an answer that is missing or not
// a whole number is an Invalid error naming its item.
func parseAnswers(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, certboard.FieldError(certboard.Invalid, "answers", "give the answers with --answers A1,A2,..., one an item in order")
	}
	parts := strings.Split(s, ",")
	out := make([]int, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		field := fmt.Sprintf("item %d", i+1)
		if p == "" {
			return nil, certboard.FieldError(certboard.Invalid, field, "the answer is missing; every item needs one")
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, certboard.FieldError(certboard.Invalid, field, fmt.Sprintf("%q is not a whole number", p))
		}
		out[i] = n
	}
	return out, nil
}

// writeMeasureText writes a result one "name: value" line each.
func writeMeasureText(w io.Writer, r *measure.Result) {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	var b strings.Builder
	fmt.Fprintf(&b, "instrument: %s\n", r.Instrument)
	fmt.Fprintf(&b, "total: %s\n", num(r.Total))
	if r.Band != "" {
		fmt.Fprintf(&b, "band: %s\n", r.Band)
	}
	positive := "no"
	if r.Positive {
		positive = "yes"
	}
	fmt.Fprintf(&b, "positive: %s\n", positive)
	flags := "none"
	if len(r.Flags) > 0 {
		flags = strings.Join(r.Flags, ", ")
	}
	fmt.Fprintf(&b, "flags: %s\n", flags)
	if d := r.Domains; d != nil {
		fmt.Fprintf(&b, "domains: desire %s, arousal %s, lubrication %s, orgasm %s, satisfaction %s, pain %s\n",
			num(d.Desire), num(d.Arousal), num(d.Lubrication), num(d.Orgasm), num(d.Satisfaction), num(d.Pain))
	}
	io.WriteString(w, b.String())
}
