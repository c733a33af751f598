package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/certboard/certboard"
	"github.com/certboard/certboard/practice/fhir"
	"github.com/certboard/certboard/practice/measure"
)

// runMeasure is "certboard measure score INSTRUMENT --answers A1,A2,...
// [--sex female|male] [--format text|json|fhir]": exit 0 when scored, 2
// with a message naming the item and the problem, and nothing on stdout,
// for bad input; and "certboard measure questionnaire INSTRUMENT", which
// prints the instrument's FHIR R4 Questionnaire.
func runMeasure(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "questionnaire" {
		return runMeasureQuestionnaire(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "score" {
		fmt.Fprintf(stderr, "certboard measure: use certboard measure score INSTRUMENT --answers A1,A2,... or certboard measure questionnaire INSTRUMENT (instruments: %s)\n",
			strings.Join(measure.IDs(), ", "))
		return exitBadInput
	}
	fs := flag.NewFlagSet("measure score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: certboard measure score INSTRUMENT --answers A1,A2,... [--sex female|male] [--format text|json|fhir]")
		fmt.Fprintf(stderr, "INSTRUMENT is one of %s.\n\nFlags:\n", strings.Join(measure.IDs(), ", "))
		fs.PrintDefaults()
	}
	answersText := fs.String("answers", "", "the `answers`, one an item in order, comma separated")
	sexText := fs.String("sex", "", "`sex` for thresholds that depend on it (AUDIT-C): female or male")
	format := fs.String("format", "text", "output `format`: text, json, or fhir (a FHIR R4 QuestionnaireResponse)")
	// The instrument may come before the flags or after them.
	positional, code, ok := parseInterleaved(fs, args[1:])
	if !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "certboard measure: "+format+"\n", a...)
		return exitBadInput
	}
	if len(positional) != 1 {
		return bad("give exactly one instrument: %s", strings.Join(measure.IDs(), ", "))
	}
	if *format != "text" && *format != "json" && *format != "fhir" {
		return bad("--format %q: use text, json or fhir", *format)
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
	if *format == "fhir" {
		writeJSON(stdout, questionnaireResponse(r, answers, sex))
		return exitOK
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

// runMeasureQuestionnaire is "certboard measure questionnaire
// INSTRUMENT": the instrument's FHIR R4 Questionnaire, with the item
// texts certboard ships (the free instruments) or without texts (the
// licensed ones, whose wording a practice imports).
func runMeasureQuestionnaire(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintf(stderr, "Usage: certboard measure questionnaire INSTRUMENT\nINSTRUMENT is one of %s.\n", strings.Join(measure.IDs(), ", "))
		return exitOK
	}
	if len(args) != 1 {
		fmt.Fprintf(stderr, "certboard measure: give exactly one instrument: %s\n", strings.Join(measure.IDs(), ", "))
		return exitBadInput
	}
	in, ok := measure.Lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "certboard measure: instrument: unknown instrument %q; use one of %s\n", args[0], strings.Join(measure.IDs(), ", "))
		return exitBadInput
	}
	writeJSON(stdout, fhir.QuestionnaireFor(in, shippedTexts(in.ID)))
	return exitOK
}

// shippedTexts returns the item texts certboard ships for an instrument,
// nil for a licensed one.
func shippedTexts(id string) *measure.Texts {
	if t, ok := measure.ShippedTexts(id); ok {
		return &t
	}
	return nil
}

// questionnaireResponse is a scored response as a FHIR
// QuestionnaireResponse: status completed, an answer per item linked by
// linkId to the instrument's Questionnaire, the total in its "total"
// item.
func questionnaireResponse(r *measure.Result, answers []int, sex measure.Sex) fhir.QuestionnaireResponse {
	ptrs := make([]*int, len(answers))
	for i := range answers {
		ptrs[i] = &answers[i]
	}
	return fhir.QuestionnaireResponseFor(fhir.RecordResponse{
		Instrument: r.Instrument, Sex: sex, Answers: ptrs, Status: fhir.StatusCompleted, Result: r,
	}, shippedTexts(r.Instrument))
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) {
	out, _ := json.MarshalIndent(v, "", "  ") // plain data: never fails
	fmt.Fprintf(w, "%s\n", out)
}
